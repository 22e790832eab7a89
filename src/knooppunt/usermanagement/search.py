"""Search, sort and paging of the "Gebruikers" list (Portero 3.1), on the UserSearchIndex table.

Everything the list shows lives in the URL (`zoeken`, `status`, `toon_verwijderd`, `sorteer`,
`pagina`, `organisatie`), so a result can be bookmarked and the list works without JavaScript.
"""

import math
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Value
from django.db.models.functions import StrIndex
from django.http import Http404
from django.utils.http import urlencode

from knooppunt.access import rules
from knooppunt.accounts.models import Status, User

from . import selectors
from .models import UserSearchIndex

PAGE_SIZE = 50
MAX_QUERY_LENGTH = 100
# An exact count of a one-letter search would read every user (over all organisations a million
# rows, in the largest organisation 20,000); above this many matches a search says "meer dan
# ..." instead. The list of an organisation without a search term is always counted exactly.
COUNT_LIMIT = 1000

# The user fields the index is built from: a save that touches none of them leaves it alone.
INDEXED_FIELDS = frozenset(
    [
        "username",
        "voorletters",
        "voornaam",
        "tussenvoegsel",
        "achternaam",
        "email",
        "organisation",
        "organisation_id",
        "status",
        "last_login",
        "deletion_reason",
    ]
)

# What a row of the list shows.
LIST_FIELDS = (
    "username",
    "voorletters",
    "tussenvoegsel",
    "achternaam",
    "last_login",
    "status",
    "deletion_reason",
    "deactivated_until",
    "organisation_id",
)

# URL value -> index column. A leading "-" sorts descending.
SORTS = {
    "gebruikersnaam": "username",
    "naam": "sort_name",
    "laatste_inlog": "last_login",
    "opmerkingen": "remark",
}
DEFAULT_SORT = "naam"
# Sort values of earlier versions, kept working in bookmarks.
SORT_ALIASES = {"inlognaam": "gebruikersnaam"}


MAX_PAGE = 1_000_000  # 50 million rows deep


def parse_id(raw: str) -> int | None:
    """An id from the query string, or None when it is not a plausible database id."""
    raw = (raw or "").strip()
    return int(raw) if re.fullmatch(r"[0-9]{1,18}", raw) else None


def normalise(value: str) -> str:
    """Lower case without accents and with single spaces: 'Çelik-Öztürk' -> 'celik-ozturk'."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return re.sub(r"\s+", " ", folded).strip()


def index_values(user) -> dict:
    """The index row of a user. Works on historical models too (only plain fields are read)."""
    initials = user.voorletters or ""
    naam = " ".join(
        p for p in (initials.replace(".", ""), user.tussenvoegsel, user.achternaam) if p
    )
    full = " ".join(p for p in (user.voornaam, user.tussenvoegsel, user.achternaam) if p)
    parts = [user.username, initials, initials.replace(".", ""), naam, full, user.email]
    return {
        "organisation_id": user.organisation_id,
        "deleted": user.status == Status.DELETED,
        "text": "|".join(normalise(p) for p in parts if p),
        "sort_name": normalise(f"{user.achternaam} {initials} {user.tussenvoegsel}")[:320],
        "username": user.username,
        "last_login": user.last_login,
        "remark": normalise(user.deletion_reason)[:500],
    }


def refresh_index(user) -> None:
    values = index_values(user)
    if UserSearchIndex.objects.filter(pk=user.pk).update(**values):
        return
    try:
        with transaction.atomic():
            UserSearchIndex.objects.create(user_id=user.pk, **values)
    except IntegrityError:  # created by a concurrent save a moment ago
        UserSearchIndex.objects.filter(pk=user.pk).update(**values)


def rebuild_missing() -> int:
    """Index users that have no row (e.g. written by a raw UPDATE or a bulk insert)."""
    count = 0
    for user in User.objects.filter(search_index__isnull=True).iterator(chunk_size=1000):
        refresh_index(user)
        count += 1
    return count


@dataclass
class UserQuery:
    """The list's state as it is in the URL."""

    zoeken: str = ""
    status: str = ""  # one of selectors.FILTERS, or "" for all
    toon_verwijderd: bool = False
    sorteer: str = DEFAULT_SORT
    pagina: int = 1
    organisatie: int | None = None  # operator only: one organisation
    all_organisations: bool = False  # the operator's view over every organisation

    @classmethod
    def from_request(cls, request) -> "UserQuery":
        """Parse the query string for this actor. An organisation that is not the actor's is
        a 404, as every other id of another organisation is."""
        actor, params = request.user, request.GET
        typed = "".join(c for c in params.get("zoeken") or "" if c.isprintable() or c.isspace())
        query = cls(
            zoeken=" ".join(typed.split())[:MAX_QUERY_LENGTH],
            toon_verwijderd=params.get("toon_verwijderd") in ("1", "on", "true"),
        )
        status = params.get("status") or ""
        query.status = status if status in selectors.BY_VALUE else ""
        if query.status == "verwijderd":
            query.toon_verwijderd = True
        sort = params.get("sorteer") or DEFAULT_SORT
        bare = sort.lstrip("-")
        if bare in SORT_ALIASES:
            sort = sort.replace(bare, SORT_ALIASES[bare])
        query.sorteer = sort if sort.lstrip("-") in SORTS else DEFAULT_SORT
        # Past the last page shows the last one; the cap keeps OFFSET within the database's range.
        query.pagina = min(max(1, parse_id(params.get("pagina")) or 1), MAX_PAGE)
        raw_org = (params.get("organisatie") or "").strip()
        if rules.can(actor, "user.list_all"):
            query.all_organisations = True
            if raw_org:
                query.organisatie = parse_id(raw_org)
                if query.organisatie is None:
                    raise Http404
        else:
            if raw_org and raw_org != str(actor.organisation_id):
                raise Http404
            query.organisatie = actor.organisation_id
        return query

    @property
    def term(self) -> str:
        return normalise(self.zoeken)

    @property
    def sort_key(self) -> str:
        return self.sorteer.lstrip("-")

    @property
    def descending(self) -> bool:
        return self.sorteer.startswith("-")

    def params(self, **changes) -> dict:
        values = {
            "zoeken": self.zoeken,
            "status": self.status,
            "toon_verwijderd": "1" if self.toon_verwijderd and self.status != "verwijderd" else "",
            "organisatie": self.organisatie if self.all_organisations and self.organisatie else "",
            "sorteer": "" if self.sorteer == DEFAULT_SORT else self.sorteer,
            "pagina": self.pagina if self.pagina > 1 else "",
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in ("", None)}

    def url_query(self, **changes) -> str:
        params = self.params(**changes)
        return "?" + urlencode(params) if params else "?"

    def sort_link(self, key: str) -> str:
        """First click ascending, a second click on the same column descending."""
        target = f"-{key}" if self.sorteer == key else key
        return self.url_query(sorteer="" if target == DEFAULT_SORT else target, pagina="")

    def aria_sort(self, key: str) -> str | None:
        if self.sort_key != key:
            return None
        return "descending" if self.descending else "ascending"

    def index_queryset(self):
        qs = UserSearchIndex.objects.all()
        if self.organisatie is not None:
            qs = qs.filter(organisation_id=self.organisatie)
        if not self.toon_verwijderd:
            qs = qs.filter(deleted=False)
        if self.term and self.organisatie is not None:
            # Within one organisation the covering (organisation, sort_name, ..., text) index
            # reads at most its users. STRPOS/INSTR rather than LIKE, so that PostgreSQL cannot
            # pick the trigram index instead: it guesses a common term such as "jan" rare and
            # would then visit every match in the country (0.1-0.4 s instead of 20 ms).
            qs = qs.alias(_at=StrIndex("text", Value(self.term))).filter(_at__gt=0)
        elif self.term:
            qs = qs.filter(text__contains=self.term)
        if self.status:
            condition = selectors.BY_VALUE[self.status].condition()
            qs = qs.filter(user__in=User.objects.filter(condition).values("pk"))
        return qs

    def ordering(self, prefix: str = "") -> list:
        column = F(prefix + SORTS[self.sort_key])
        tie = F(prefix + "user_id") if prefix else F("user_id")
        if self.sort_key == "laatste_inlog":
            # Never logged in counts as longest ago.
            if self.descending:
                return [column.desc(nulls_last=True), tie.desc()]
            return [column.asc(nulls_first=True), tie.asc()]
        if self.descending:
            return [column.desc(), tie.desc()]
        return [column.asc(), tie.asc()]

    def users(self):
        """All matching users in list order, for the CSV export."""
        qs = User.objects.filter(pk__in=self.index_queryset().values("user_id"))
        qs = qs.alias(
            **{f"_k_{k}": F(f"search_index__{v}") for k, v in SORTS.items()},
        ).order_by(*self._user_ordering())
        return qs.select_related("organisation")

    def _user_ordering(self) -> list:
        column = F(f"_k_{self.sort_key}")
        if self.sort_key == "laatste_inlog":
            if self.descending:
                return [column.desc(nulls_last=True), F("pk").desc()]
            return [column.asc(nulls_first=True), F("pk").asc()]
        if self.descending:
            return [column.desc(), F("pk").desc()]
        return [column.asc(), F("pk").asc()]


@dataclass
class ResultPage:
    query: UserQuery
    users: list
    total: int
    total_capped: bool
    number: int
    num_pages: int
    pages: list = field(default_factory=list)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_query(self) -> str:
        return self.query.url_query(pagina=self.number - 1 if self.number > 2 else "")

    @property
    def next_query(self) -> str:
        return self.query.url_query(pagina=self.number + 1)

    @property
    def start_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1 if self.users else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + len(self.users)


def run(query: UserQuery) -> ResultPage:
    """One page of the list, in a handful of queries whatever the number of rows.

    Within one organisation (at most some tens of thousands of users) `_organisation_page`,
    over all organisations (the operator) `_operator_page`: each counts a search's matches only
    up to COUNT_LIMIT, and otherwise says "meer dan ..."."""
    index = query.index_queryset()
    capped = False
    if query.organisatie is not None:
        ids, total, capped, number = _organisation_page(query, index)
    elif query.status:
        # A status over all organisations: counted up to the operator's limit.
        probe = len(index.values_list("user_id", flat=True)[: COUNT_LIMIT + 1])
        total, capped = min(probe, COUNT_LIMIT), probe > COUNT_LIMIT
        number = min(query.pagina, max(1, math.ceil(total / PAGE_SIZE)))
        offset = (number - 1) * PAGE_SIZE
        ordered = index.order_by(*query.ordering())
        ids = list(ordered.values_list("user_id", flat=True)[offset : offset + PAGE_SIZE])
    else:
        ids, total, capped, number = _operator_page(query, index)
    num_pages = max(1, math.ceil(total / PAGE_SIZE))
    found = User.objects.filter(pk__in=ids).only(*LIST_FIELDS)
    if query.all_organisations:
        found = found.select_related("organisation").only(
            *LIST_FIELDS, "organisation__naam", "organisation__weergavenaam"
        )
    by_id = {u.pk: u for u in found}
    users = [by_id[i] for i in ids if i in by_id]
    query.pagina = number
    return ResultPage(query, users, total, capped, number, num_pages)


def _organisation_page(query: UserQuery, index) -> tuple[list[int], int, bool, int]:
    """A page within one organisation: (ids, total, capped, page).

    Without a search term: the organisation's users counted exactly, and the page read along
    the sort order. With one, a single pass along the organisation's covering index collects
    the matches, up to COUNT_LIMIT + 1. Were they all, that is the exact count and the
    page is sorted from them: a rare term ("q") read the organisation once instead of twice
    (its count, then a sort order it could not fill a page from). Were there more, the list
    says "meer dan ..." and the page is read along the sort order, which such a frequent term
    fills at once."""
    ordered = index.order_by(*query.ordering()).values_list("user_id", flat=True)

    def page_of(number: int) -> list[int]:
        return list(ordered[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])

    if not query.term:
        total = index.count()
        number = min(query.pagina, max(1, math.ceil(total / PAGE_SIZE)))
        return page_of(number), total, False, number
    first_matches = index.values_list("user_id", SORTS[query.sort_key])[: COUNT_LIMIT + 1]
    matches, params = first_matches.query.sql_with_params()  # the ORM's statement
    with connection.cursor() as cursor:
        rows, number = _collect(cursor, matches, params, query)
    total = rows[0][1] if rows else 0
    if total <= COUNT_LIMIT:
        return [row[0] for row in rows], total, False, number
    number = min(query.pagina, math.ceil(COUNT_LIMIT / PAGE_SIZE))
    return page_of(number), COUNT_LIMIT, True, number


# The expression of the PostgreSQL index of each text's characters (migration 0004): the query
# must spell it exactly so for the planner to use the index.
CHARACTERS_SQL = "string_to_array(text, NULL)"

# How much of the sort order a frequent search may read before it gives up on finding its page
# there (see _frequent_page).
WALK_WINDOW = 20_000


def _order_sql(query: UserQuery) -> str:
    column = SORTS[query.sort_key]  # from the whitelist, never from the request
    direction = "DESC" if query.descending else "ASC"
    if column == "last_login":
        nulls = "NULLS LAST" if query.descending else "NULLS FIRST"
        return f"last_login {direction} {nulls}, user_id {direction}"
    return f"{column} {direction}, user_id {direction}"


def _operator_page(query: UserQuery, index) -> tuple[list[int], int, bool, int]:
    """A page of the operator's search over all organisations: (ids, total, capped, page).

    First a walk along the sort order, reading at most WALK_WINDOW rows: instant when matches
    are spread over the alphabet ("a", "van"). When it fills the page, the term is frequent and
    a probe of at most COUNT_LIMIT + 1 matches (quick for a frequent term) decides
    between an exact count and "meer dan ...". When it does not ("q", or "vis" where Visser,
    Vis and Visscher bunch up under V), one query collects every match, counts them exactly and
    returns the page (on PostgreSQL through the trigram index from three letters on); before,
    such a term paid a probe over most of the table and then that same collecting scan."""
    table = UserSearchIndex._meta.db_table
    order = _order_sql(query)
    where = "1 = 1" if query.toon_verwijderd else "NOT deleted"
    if query.term:
        match = "text " + connection.operators["contains"]  # type: ignore[attr-defined]
        terms = ["%" + connection.ops.prep_for_like_query(query.term) + "%"]
    else:
        match, terms = "1 = 1", []
    # The trigram index cannot serve a term of one or two characters; on PostgreSQL the index of
    # the characters each text holds (migration 0004) narrows those to the rows that contain all
    # of them ("q": a few thousand of a million) instead of a scan of every row.
    collect_match, collect_terms = match, list(terms)
    if connection.vendor == "postgresql" and 0 < len(query.term) < 3:
        collect_match = f"{match} AND {CHARACTERS_SQL} @> %s::text[]"
        collect_terms = [*terms, sorted(set(query.term))]  # type: ignore[list-item]
    # Only the sort column: for the name order the walk then reads the covering index alone.
    columns = f"user_id, {SORTS[query.sort_key]}"
    # Table, columns and ORDER BY come from constants and the SORTS whitelist; the search term
    # and the numbers are parameters.
    walk = (
        f"SELECT user_id FROM (SELECT {columns}, text FROM {table} WHERE {where} "  # noqa: S608
        f"ORDER BY {order} LIMIT %s) w WHERE {match} ORDER BY {order} LIMIT %s OFFSET %s"
    )
    matches = f"SELECT {columns} FROM {table} WHERE {where} AND {collect_match}"  # noqa: S608
    number = query.pagina
    with connection.cursor() as cursor:
        cursor.execute(walk, [WALK_WINDOW, *terms, PAGE_SIZE, (number - 1) * PAGE_SIZE])
        ids = [row[0] for row in cursor.fetchall()]
        if len(ids) == PAGE_SIZE:
            probe = list(index.values_list("user_id", flat=True)[: COUNT_LIMIT + 1])
            if len(probe) > COUNT_LIMIT:
                return ids, COUNT_LIMIT, True, number
            return ids, len(probe), False, number
        rows, number = _collect(cursor, matches, collect_terms, query)
    total = rows[0][1] if rows else 0
    return [row[0] for row in rows], total, False, number


def _collect(cursor, matches: str, params, query: UserQuery) -> tuple[list, int]:
    """Page `query.pagina` of what `matches` selects (user_id and the sort column), sorted, each
    row with the number of matches, in one statement: ([(user_id, total)], page). Past the last
    page, the last page."""
    collect = (
        f"WITH m (user_id, {SORTS[query.sort_key]}) AS MATERIALIZED ({matches}) "  # noqa: S608
        f"SELECT user_id, (SELECT count(*) FROM m) FROM m ORDER BY {_order_sql(query)} "
        "LIMIT %s OFFSET %s"
    )
    number = query.pagina
    cursor.execute(collect, [*params, PAGE_SIZE, (number - 1) * PAGE_SIZE])
    rows = cursor.fetchall()
    if not rows and number > 1:
        cursor.execute(f"SELECT count(*) FROM ({matches}) m", params)  # noqa: S608
        number = max(1, math.ceil(cursor.fetchone()[0] / PAGE_SIZE))
        cursor.execute(collect, [*params, PAGE_SIZE, (number - 1) * PAGE_SIZE])
        rows = cursor.fetchall()
    return rows, number
