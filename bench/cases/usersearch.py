"""The "Gebruikers" list at scale: a generated population (default 1,000,000 users in 20,000
organisations, the largest with 20,000), on SQLite and on PostgreSQL; server-side p50/p95 of
the list with a 1–3 letter search sorted by name, for the largest organisation's administrator
and for the operator over all organisations, each compared with a plain Django admin
changelist of the user model on the same data in the same run.

Environment:
  BENCH_USERSEARCH_USERS        population size (default 1000000; e.g. 20000 for a quick run)
  BENCH_USERSEARCH_DATABASES    comma-separated: sqlite, postgresql (default both)
  BENCH_USERSEARCH_POSTGRES_URL database to (re)create (default
                                postgres://postgres@127.0.0.1:5432/knooppunt_bench)
  BENCH_USERSEARCH_SQLITE_PATH  default var/bench/usersearch.sqlite3
  BENCH_USERSEARCH_REPEAT       measured rounds over the search terms (default 5)
  BENCH_USERSEARCH_REGENERATE   1: generate again even when a matching population exists

Each database is measured in its own process (`python -m bench.cases.usersearch worker ...`)
because Django binds one database configuration per process.
"""

import hashlib
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.environment import django_environment
from bench.report import Figure

TITLE = "Gebruikers: zoeken in een grote populatie"
ROOT = Path(__file__).resolve().parents[2]
GENERATOR_VERSION = "5"
# 1-3 letter searches, frequent and rare, as an administrator types them.
TERMS = ["a", "e", "k", "q", "de", "an", "ij", "ou", "jan", "ber", "vis", "ozt"]
PASSWORD = "Bench-Wachtwoord-2026!"


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def run():
    users = _env_int("BENCH_USERSEARCH_USERS", 1_000_000)
    databases = [
        d.strip()
        for d in (os.environ.get("BENCH_USERSEARCH_DATABASES") or "sqlite,postgresql").split(",")
        if d.strip()
    ]
    results = {}
    for kind in databases:
        url = _database_url(kind)
        print(f"-- {kind}: {users:,} users ({url})", flush=True)
        proc = subprocess.run(
            [sys.executable, "-m", "bench.cases.usersearch", "worker", kind, url, str(users)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
        results[kind] = json.loads(lines[-1])
        print(json.dumps(results[kind], indent=1), flush=True)
    return _figures(results, users), _section(results, users)


def _database_url(kind: str) -> str:
    if kind == "sqlite":
        path = os.environ.get("BENCH_USERSEARCH_SQLITE_PATH") or str(
            ROOT / "var" / "bench" / "usersearch.sqlite3"
        )
        return f"sqlite:///{Path(path).resolve()}"
    if kind == "postgresql":
        return (
            os.environ.get("BENCH_USERSEARCH_POSTGRES_URL")
            or "postgres://postgres@127.0.0.1:5432/knooppunt_bench"
        )
    raise SystemExit(f"unknown database kind {kind!r}")


FULL_SIZE = 1_000_000


def _figures(results: dict, users: int) -> list[Figure]:
    """The targets are the issue's, set for the full population; a smaller run reports the
    figures without them."""
    figures = []
    label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    full = users >= FULL_SIZE

    def target(value: str) -> str:
        return value if full else ""

    small = "" if full else f"small run ({users:,} users): targets apply at {FULL_SIZE:,}"
    for kind, r in results.items():
        db = label[kind]
        if r.get("generate_seconds") is not None:
            figures.append(
                Figure(
                    f"usersearch {db}: generate {users:,} users",
                    r["generate_seconds"],
                    "s",
                    target="<= 300",
                )
            )
        for scope, title, limit in (
            ("org", "largest organisation", "<= 25"),
            ("operator", "operator, all organisations", "<= 150" if kind == "postgresql" else ""),
        ):
            ours, theirs = r[scope]["ours"], r[scope]["admin"]
            figures.append(
                Figure(
                    f"usersearch {db}: {title} p50",
                    ours["p50"],
                    "ms",
                    baseline=theirs["p50"],
                    note=small,
                )
            )
            figures.append(
                Figure(
                    f"usersearch {db}: {title} p95",
                    ours["p95"],
                    "ms",
                    baseline=theirs["p95"],
                    target=target(limit),
                    note=small or "baseline: Django admin changelist",
                )
            )
            figures.append(
                Figure(
                    f"usersearch {db}: {title} p95 ours/admin",
                    ours["p95"] / theirs["p95"],
                    "×",
                    target=target("<= 0.333"),
                    note=small,
                )
            )
    return figures


def _count_limit() -> int:
    try:
        from knooppunt.usermanagement.search import COUNT_LIMIT
    except Exception:  # Django not configured in the parent process: read the constant
        text = (ROOT / "src/knooppunt/usermanagement/search.py").read_text()
        return int(text.split("COUNT_LIMIT = ")[1].split()[0].replace("_", ""))
    return COUNT_LIMIT


def _section(results: dict, users: int) -> str:
    lines = [
        f"Population: {users:,} users in {max(1, users // 50):,} organisations, the largest with "
        f"{max(1, users // 50):,} users; about 2% deleted, 3% deactivated, 2% invited; Dutch and "
        "other names with and without accents: 90 common surnames (together "
        f"{COMMON_SHARE:.0%}, the most common about 0.7%) and a long tail of "
        f"{len(TAIL_SURNAMES):,} composed ones. Searches: "
        + ", ".join(f"`{t}`" for t in TERMS)
        + ", sorted by name, first page of 50 with the total. Times are server-side (Django's "
        "test client in the benchmark process: middleware, session, view, template), warm "
        "caches, every term measured in each round, ours and the baseline interleaved.",
        "",
        "Baseline: a plain `ModelAdmin` changelist of the user model with `search_fields` on "
        "the same six columns, the organisation as `?organisation__id__exact=`, ordering by "
        "achternaam, no filter sidebar and `show_full_result_count = False` (the faster "
        "variant). Ours: the `UserSearchIndex` table (normalised text, sort keys, covering "
        "b-tree indexes per organisation; on PostgreSQL a pg_trgm GIN index and, for one or two "
        "letters, a GIN index of each text's characters for the operator's search). A search "
        f"counts its matches up to {_count_limit():,} ('meer dan ...'), over all organisations "
        "and within one; an organisation's list without a search term is counted exactly. "
        "The rows of the list are a Jinja2 fragment.",
        "",
        "| database | scope | ours p50 | ours p95 | admin p50 | admin p95 | generated in |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, r in results.items():
        gen = r.get("generate_seconds")
        generated = f"{gen:.0f} s" if gen is not None else "reused"
        for scope in ("org", "operator"):
            ours, theirs = r[scope]["ours"], r[scope]["admin"]
            lines.append(
                f"| {kind} | {scope} | {ours['p50']:.1f} ms | {ours['p95']:.1f} ms "
                f"| {theirs['p50']:.1f} ms | {theirs['p95']:.1f} ms "
                f"| {generated} |"
            )
    per_term = []
    for kind, r in results.items():
        for scope in ("org", "operator"):
            cells = ", ".join(
                f"`{t}` {r[scope]['ours']['terms'][t]:.1f}/{r[scope]['admin']['terms'][t]:.1f}"
                for t in TERMS
            )
            per_term.append(f"- {kind} {scope} (median ms, ours/admin): {cells}")
    lines += ["", *per_term]
    lines += [
        "",
        "Reproduce: `make bench` (or `python -m bench usersearch`); "
        "`BENCH_USERSEARCH_USERS=20000` for a quick run.",
    ]
    return "\n".join(lines)


# --- worker: one database, in its own process ------------------------------------------------


def worker(kind: str, url: str, users: int) -> dict:
    var_dir = os.environ.get("KNOOPPUNT_VAR_DIR") or str(ROOT / "var" / "bench")
    os.environ.update(
        django_environment(url, var_dir, allowed_hosts="testserver,127.0.0.1,localhost"),
        DATABASE_CONN_MAX_AGE="600",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    (Path(os.environ["KNOOPPUNT_VAR_DIR"]) / "static").mkdir(parents=True, exist_ok=True)
    import django

    signature = _signature(users)
    regenerate = os.environ.get("BENCH_USERSEARCH_REGENERATE") == "1"
    if regenerate or not _population_matches(kind, url, signature):
        _recreate_database(kind, url)
        regenerate = True
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ROOT_URLCONF = "bench.usersearch_site"
    generate_seconds = None
    if regenerate:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        _generate(users, seed=42)
        generate_seconds = time.perf_counter() - started
        _write_marker(signature)
        print(f"generated in {generate_seconds:.1f} s", file=sys.stderr, flush=True)
    result = _measure(_env_int("BENCH_USERSEARCH_REPEAT", 5))
    result["generate_seconds"] = generate_seconds
    return result


def _signature(users: int) -> str:
    digest = hashlib.sha256()
    for app in ("accounts", "usermanagement", "organisations"):
        for path in sorted((ROOT / "src" / "knooppunt" / app / "migrations").glob("*.py")):
            digest.update(path.name.encode())
    return f"{users}:{GENERATOR_VERSION}:{digest.hexdigest()[:16]}"


def _population_matches(kind: str, url: str, signature: str) -> bool:
    try:
        if kind == "sqlite":
            import sqlite3

            path = url.removeprefix("sqlite:///")
            if not Path(path).exists():
                return False
            with sqlite3.connect(path) as conn:
                row = conn.execute("SELECT signature FROM bench_usersearch_marker").fetchone()
        else:
            import psycopg

            with psycopg.connect(url) as conn:
                row = conn.execute("SELECT signature FROM bench_usersearch_marker").fetchone()
    except Exception:
        return False
    return bool(row) and row[0] == signature


def _recreate_database(kind: str, url: str) -> None:
    if kind == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _write_marker(signature: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_usersearch_marker (signature text)")
        cursor.execute("DELETE FROM bench_usersearch_marker")
        cursor.execute("INSERT INTO bench_usersearch_marker VALUES (%s)", [signature])


# --- the population --------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = _words(
    """
Jan Piet Kees Anna Maria Sanne Lotte Emma Julia Sophie Daan Sem Lucas Levi Finn Bram Ruben
Thijs Lars Jesse Tim Milan Noah Liam Mila Tess Fenna Eva Lisa Iris Femke Anouk Johanna
Hendrik Willem Gerrit Cornelis Johannes Jacobus Wilhelmina Geertruida Fatima Mohamed Yusuf
Ayse Mehmet Zeynep Emre Priya Rahul Wei Mei Chen Jose José Zoë Chloë Anaïs Noël Renée Inès
Björn Søren Łukasz Agnieszka Małgorzata Ömer Gülşen Nuñez Dirk Karin Ingrid Marloes Robert
Albert Bert Berend Hubert Gilbert Roberta Bernadette Klaas Joost Rutger Wouter
"""
)
SURNAMES = _words(
    """
Jansen Bakker Visser Smit Meijer Mulder Bos Vos Peters Hendriks Dekker Dijkstra Brouwer
Koster Prins Huisman Kok Jacobs Vermeulen Willems Hoekstra Schouten Kuipers Veenstra Post
Kramer Blom Schipper Molenaar Maas Verbeek Timmermans Groen Wouters Koning Bosman Gerritsen
Sanders Jonker Postma Kuiper Bijl Martens Evers Scholten Kruger Yilmaz Öztürk Şahin Çelik
Kaya Demir Aydın Müller Schröder Nuñez Gonçalves Lefèvre Duchâteau Nowak Kowalski Ahmed
Hassan Singh Chen Wang Nguyen Tran Pérez García Lindqvist Sørensen Smits Verhoeven Claes
Berg Berger Bergman Albers Roberts Hubers Bouwman Rouwendal Quist Vis Visscher Dubois
"""
)
# A long tail of composed surnames (Bergsma, Hoogeveen, Zandstra, ...): real surname frequencies
# fall off steeply, and no surname is more than about half a percent of a population.
_PARTS = _words(
    """
Berg Hoog Vel Zand Mol Kamp Wester Ooster Bloem Steen Brink Kool Groen Dal Bosch Hout Wijn
Linde Roos Veen Broek Water Akker Heuvel Molen Klein Groot Lange Korte Nieuw Oud Witte Zwart
Rode Blauw Haag Wit Ridder Hage
"""
)
_ENDINGS = _words(
    """
man veld huis kamp ink ing stra sma ens er hof dijk berg beek horst weg land boom mans
heim gaard sen kes hout brink
"""
)
TAIL_SURNAMES = [p + e for p in _PARTS for e in _ENDINGS]
# Share of the population with one of the common surnames above (the rest: the tail).
COMMON_SHARE = 0.12


def _surname_weights() -> list[float]:
    common = [1 / (rank**0.5) for rank in range(1, len(SURNAMES) + 1)]
    scale = COMMON_SHARE / sum(common)
    tail = (1 - COMMON_SHARE) / len(TAIL_SURNAMES)
    return [w * scale for w in common] + [tail] * len(TAIL_SURNAMES)


TUSSENVOEGSELS = [
    "",
    "",
    "",
    "",
    "",
    "",
    "van",
    "de",
    "van der",
    "van den",
    "van de",
    "ten",
    "ter",
    "el",
    "den",
]
REASONS = [
    "Uit dienst",
    "Andere functie",
    "Dubbel account",
    "Pensioen",
    "Testaccount opgeruimd",
    "Op verzoek van de medewerker",
]


def _ascii(value: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    return "".join(c for c in folded if c.isalnum())


def _generate(users: int, *, seed: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from knooppunt.access.models import Product
    from knooppunt.accounts.models import Status, User
    from knooppunt.organisations.models import Agreement, Organisation, OrganisationType
    from knooppunt.usermanagement.models import UserSearchIndex
    from knooppunt.usermanagement.search import index_values

    rng = random.Random(seed)
    surnames = SURNAMES + TAIL_SURNAMES
    surname_cum = list(itertools.accumulate(_surname_weights()))
    n_orgs = max(2, users // 50)
    largest = max(1, users // 50)
    now = timezone.now()
    password = make_password(PASSWORD)

    with transaction.atomic():
        operator_org = Organisation.objects.create(
            naam="Bench Beheer", type=OrganisationType.OPERATOR, woonplaats="Utrecht"
        )
        orgs = Organisation.objects.bulk_create(
            [
                Organisation(
                    naam=f"{'Gemeente' if i % 3 == 0 else 'Zorgaanbieder'} Bench {i:05d}",
                    type=OrganisationType.GEMEENTE
                    if i % 3 == 0
                    else OrganisationType.ZORGAANBIEDER,
                    woonplaats=f"Plaats {i % 400}",
                    kvk_nummer=f"{30000000 + i:08d}",
                )
                for i in range(n_orgs)
            ],
            batch_size=2000,
        )
        big = orgs[0]
        big.products.set(Product.objects.all())
        for kind in big.required_agreement_kinds():
            Agreement.objects.create(organisation=big, kind=kind, signed_on=now.date())
        for name, organisation, achternaam in (
            ("admin", big, "Beheerder"),  # administrator of the largest organisation
            ("operator", operator_org, "Operator"),
        ):
            User.objects.create(
                username=f"bench.{name}",
                voorletters="B",
                voornaam="Bench",
                achternaam=achternaam,
                email=f"bench.{name}@bench.example",
                organisation=organisation,
                status=Status.ACTIVE,
                is_administrator=name == "admin",
                password=password,
                last_login=now,
            )

    # Organisation of each generated user: the largest first, the rest spread at random.
    assignment = [big.pk] * (largest - 1)
    others = [o.pk for o in orgs[1:]]
    assignment += [rng.choice(others) for _ in range(users - len(assignment))]

    fields = [f for f in User._meta.concrete_fields if f.attname != "id"]
    columns = ["id"] + [f.column for f in fields]
    template = {}
    for f in fields:
        default = f.get_default()
        template[f.attname] = default
    template.update(password=password, created_at=now, password_changed_at=now, version=1)
    order = [f.attname for f in fields]
    start_id = User.objects.order_by("-pk").values_list("pk", flat=True).first() + 1
    statuses = (
        [Status.ACTIVE] * 93
        + [Status.DELETED] * 2
        + [Status.DEACTIVATED] * 3
        + [Status.INVITED] * 2
    )

    class Row:  # what index_values reads
        __slots__ = (
            "username",
            "voorletters",
            "voornaam",
            "tussenvoegsel",
            "achternaam",
            "email",
            "organisation_id",
            "status",
            "last_login",
            "deletion_reason",
        )

    def rows():
        for n, org_id in enumerate(assignment):
            first = rng.choice(FIRST_NAMES)
            second = rng.choice(FIRST_NAMES) if rng.random() < 0.3 else ""
            tv = rng.choice(TUSSENVOEGSELS)
            last = rng.choices(surnames, cum_weights=surname_cum)[0]
            initials = first[0] + "." + (second[0] + "." if second else "")
            status = rng.choice(statuses)
            deleted = status == Status.DELETED
            r = Row()
            r.username = f"{_ascii(first)[:1]}{_ascii(tv)}{_ascii(last)}{n}"
            r.voorletters = initials
            r.voornaam = f"{first} {second}".strip()
            r.tussenvoegsel = tv
            r.achternaam = last
            r.email = (
                "" if deleted else f"{_ascii(first)}.{_ascii(tv + last)}{n}@org{org_id}.example"
            )
            r.organisation_id = org_id
            r.status = status
            r.last_login = (
                None
                if status == Status.INVITED
                else now - timezone.timedelta(minutes=rng.randrange(1, 60 * 24 * 180))
            )
            r.deletion_reason = rng.choice(REASONS) if deleted else ""
            values = dict(template)
            for name in Row.__slots__:
                values[name] = getattr(r, name)
            if deleted:
                values["deleted_at"] = now
                values["password"] = "!"
            if status == Status.DEACTIVATED:
                values["deactivated_at"] = now
            user_row = (start_id + n, *[values[a] for a in order])
            index = index_values(r)
            index_row = (
                start_id + n,
                index["organisation_id"],
                index["deleted"],
                index["text"],
                index["sort_name"],
                index["username"],
                index["last_login"],
                index["remark"],
            )
            yield user_row, index_row

    index_columns = [
        "user_id",
        "organisation_id",
        "deleted",
        "text",
        "sort_name",
        "username",
        "last_login",
        "remark",
    ]
    tables = [User._meta.db_table, UserSearchIndex._meta.db_table]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # a throwaway database: no fsync while loading
            cursor.execute("PRAGMA synchronous=OFF")
    with transaction.atomic():
        dropped = _drop_secondary_indexes(connection, tables)
        if connection.vendor == "postgresql":
            _load_postgresql(connection, tables, columns, index_columns, rows())
        else:
            _load_sqlite(connection, tables, columns, index_columns, rows())
        print("rows loaded, building indexes", file=sys.stderr, flush=True)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Check the deferred foreign keys now: CREATE INDEX refuses to run while
                # their trigger events are pending.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for statement in dropped:
                cursor.execute(statement)
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM "
                    + connection.ops.quote_name(tables[0])
                    + "))",
                    [tables[0]],
                )
    with connection.cursor() as cursor:  # autocommit again, as VACUUM needs
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _drop_secondary_indexes(connection, tables: list[str]) -> list[str]:
    """Drop the plain indexes of the bulk-loaded tables; return the statements that rebuild
    them. Loading first and indexing after is several times faster."""
    statements = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                [tables],
            )
            for name, definition in cursor.fetchall():
                statements.append(definition)
                cursor.execute(f'DROP INDEX "{name}"')
        else:
            placeholders = ",".join("%s" for _ in tables)
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({placeholders})",
                tables,
            )
            for name, definition in cursor.fetchall():
                statements.append(definition)
                cursor.execute(f'DROP INDEX "{name}"')
    return statements


def _load_postgresql(connection, tables, columns, index_columns, rows) -> None:
    connection.ensure_connection()
    raw = connection.connection
    user_cols = ", ".join(f'"{c}"' for c in columns)
    index_cols = ", ".join(f'"{c}"' for c in index_columns)
    batch_index = []
    with raw.cursor() as cursor:
        with cursor.copy(f'COPY "{tables[0]}" ({user_cols}) FROM STDIN') as copy:
            for user_row, index_row in rows:
                copy.write_row(user_row)
                batch_index.append(index_row)
        with cursor.copy(f'COPY "{tables[1]}" ({index_cols}) FROM STDIN') as copy:
            for index_row in batch_index:
                copy.write_row(index_row)


def _load_sqlite(connection, tables, columns, index_columns, rows) -> None:
    connection.ensure_connection()
    raw = connection.connection
    user_sql = (
        f'INSERT INTO "{tables[0]}" ({", ".join(columns)}) '
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    index_sql = (
        f'INSERT INTO "{tables[1]}" ({", ".join(index_columns)}) '
        f"VALUES ({', '.join('?' for _ in index_columns)})"
    )
    batch_users, batch_index = [], []

    def flush():
        raw.executemany(user_sql, [_sqlite_row(r) for r in batch_users])
        raw.executemany(index_sql, [_sqlite_row(r) for r in batch_index])
        batch_users.clear()
        batch_index.clear()

    for user_row, index_row in rows:
        batch_users.append(user_row)
        batch_index.append(index_row)
        if len(batch_users) >= 20_000:
            flush()
    flush()


def _sqlite_row(row):
    # Django stores datetimes on SQLite as naive UTC ISO text.
    from datetime import UTC, datetime

    return tuple(
        v.astimezone(UTC).replace(tzinfo=None).isoformat(" ") if isinstance(v, datetime) else v
        for v in row
    )


# --- measuring -------------------------------------------------------------------------------


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _measure(repeat: int) -> dict:
    from django.test import Client

    from knooppunt.accounts.models import User

    admin = User.objects.get(username="bench.admin")
    operator = User.objects.get(username="bench.operator")
    as_admin, as_operator = Client(), Client()
    as_admin.force_login(admin)
    as_operator.force_login(operator)
    org = admin.organisation_id

    scenarios = {
        ("org", "ours"): (as_admin, "/gebruikers/?zoeken={t}"),
        ("org", "admin"): (
            as_operator,
            f"/bench-admin/accounts/user/?q={{t}}&organisation__id__exact={org}",
        ),
        ("operator", "ours"): (as_operator, "/gebruikers/?zoeken={t}"),
        ("operator", "admin"): (as_operator, "/bench-admin/accounts/user/?q={t}"),
    }
    samples = {key: [] for key in scenarios}
    per_term = {key: {t: [] for t in TERMS} for key in scenarios}

    def get(client, url) -> float:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        return elapsed

    for term in TERMS:  # warm-up, not counted
        for client, pattern in scenarios.values():
            get(client, pattern.format(t=term))
    for _round in range(repeat):
        for term in TERMS:
            for key, (client, pattern) in scenarios.items():
                ms = get(client, pattern.format(t=term))
                samples[key].append(ms)
                per_term[key][term].append(ms)

    result = {"org": {}, "operator": {}}
    for (scope, who), values in samples.items():
        result[scope][who] = {
            "p50": statistics.median(values),
            "p95": _percentile(values, 0.95),
            "max": max(values),
            "n": len(values),
            "terms": {t: statistics.median(v) for t, v in per_term[(scope, who)].items()},
        }
    return result


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "worker":
        outcome = worker(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        print(json.dumps(outcome))
    else:
        raise SystemExit("usage: python -m bench.cases.usersearch worker KIND URL USERS")
