"""SCIM provisioning at scale: server-side p50/p95 of `GET /scim/v2/Users` pages of 100 (at
random places, unfiltered and with a filter) in an organisation of 20,000 users, and the rate
of creating users over SCIM against creating them with the "Nieuwe gebruiker" form, on the
same database in the same run. SQLite and PostgreSQL, each in its own process.

Environment:
  BENCH_SCIM_USERS          users of the organisation (default 20000)
  BENCH_SCIM_DATABASES      comma-separated: sqlite, postgresql (default both)
  BENCH_SCIM_POSTGRES_URL   database to (re)create (default
                            postgres://postgres@127.0.0.1:5432/knooppunt_bench_scim)
  BENCH_SCIM_REQUESTS       measured list requests per kind (default 200)
  BENCH_SCIM_CREATES        users created per way, in alternating rounds (default 200)
"""

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

TITLE = "SCIM: gebruikers koppelen"
ROOT = Path(__file__).resolve().parents[2]
FULL_SIZE = 20_000


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def run():
    users = _env_int("BENCH_SCIM_USERS", FULL_SIZE)
    kinds = [
        k.strip()
        for k in (os.environ.get("BENCH_SCIM_DATABASES") or "sqlite,postgresql").split(",")
        if k.strip()
    ]
    results = {}
    for kind in kinds:
        url = _database_url(kind)
        print(f"-- {kind}: {users:,} users ({url})", flush=True)
        proc = subprocess.run(
            [sys.executable, "-m", "bench.cases.scim", "worker", kind, url, str(users)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        results[kind] = json.loads(
            [line for line in proc.stdout.splitlines() if line.startswith("{")][-1]
        )
        print(json.dumps(results[kind], indent=1), flush=True)
    return _figures(results, users), _section(results, users)


def _database_url(kind: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{(ROOT / 'var' / 'bench' / 'scim.sqlite3').resolve()}"
    if kind == "postgresql":
        return (
            os.environ.get("BENCH_SCIM_POSTGRES_URL")
            or "postgres://postgres@127.0.0.1:5432/knooppunt_bench_scim"
        )
    raise SystemExit(f"unknown database kind {kind!r}")


def _figures(results: dict, users: int) -> list[Figure]:
    label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    full = users >= FULL_SIZE
    small = "" if full else f"small run ({users:,} users): the target applies at {FULL_SIZE:,}"
    figures = []
    for kind, r in results.items():
        db = label[kind]
        figures.append(
            Figure(
                f"scim {db}: list 100 users p95",
                r["list"]["p95"],
                "ms",
                target="<= 30" if full else "",
                note=small or f"p50 {r['list']['p50']:.1f} ms; pages at random startIndex",
            )
        )
        figures.append(
            Figure(
                f"scim {db}: list 100 users, filtered, p95",
                r["filtered"]["p95"],
                "ms",
                note=small or 'filter name.familyName sw "B" and active eq true',
            )
        )
        figures.append(
            Figure(
                f"scim {db}: create user/s ÷ create via the web form/s",
                r["scim_per_s"] / r["form_per_s"],
                "×",
                note=f"SCIM {r['scim_per_s']:.1f}/s, form {r['form_per_s']:.1f}/s",
            )
        )
    return figures


def _section(results: dict, users: int) -> str:
    lines = [
        f"One organisation of {users:,} users (93% active, the rest deactivated, invited or "
        "deleted) and a SCIM token, generated with `bulk_create`. In the worker process, with "
        "Django's test client (so the time is the server's: routing, the token check, the "
        "queries, the models and the JSON), after a warm-up:",
        "",
        "- **list**: `GET /scim/v2/Users?startIndex=N&count=100` at random N, with the token "
        "(the keyed hash lookup, the count and the page; each user with its externalId in one "
        "join) and serialised through scim2-models;",
        '- **filtered**: the same with `filter=name.familyName sw "B" and active eq true` '
        "(translated into one WHERE, never filtered in Python);",
        "- **create**: `POST /scim/v2/Users` against the administrator's `POST "
        '/gebruikers/nieuw/` ("Wijzigingen Opslaan" of "Nieuwe gebruiker toevoegen"), in '
        "alternating rounds of 10; both go through `create_colleague` (login name, audit "
        "event, invitation job), so the ratio shows what the SCIM layer adds or saves.",
        "",
        "Set `BENCH_SCIM_USERS=2000` for a quick run.",
    ]
    for kind, r in results.items():
        lines += [
            "",
            f"{kind}: list p50 {r['list']['p50']:.1f} ms, p95 {r['list']['p95']:.1f} ms "
            f"(n={r['list']['n']}); filtered p50 {r['filtered']['p50']:.1f} ms, "
            f"p95 {r['filtered']['p95']:.1f} ms; create {r['scim_per_s']:.1f}/s over SCIM, "
            f"{r['form_per_s']:.1f}/s with the form; generated in {r['generate_seconds']:.1f} s.",
        ]
    return "\n".join(lines)


# --- worker ------------------------------------------------------------------------------------


def worker(kind: str, url: str, users: int) -> dict:
    var_dir = str(ROOT / "var" / "bench")
    os.environ.update(
        django_environment(url, var_dir, allowed_hosts="testserver,127.0.0.1,localhost"),
        DATABASE_CONN_MAX_AGE="600",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    (Path(var_dir) / "static").mkdir(parents=True, exist_ok=True)
    _recreate_database(kind, url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    secret, admin = _generate(users)
    generate_seconds = time.perf_counter() - started
    result = _measure(secret, admin)
    result["generate_seconds"] = generate_seconds
    return result


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


SURNAMES = [
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "Mulder",
    "Bos",
    "Vos",
    "Peters",
    "Dekker",
    "Brouwer",
    "Jansen",
    "de",
    "Boer",
]


def _generate(users: int):
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from knooppunt.access.models import Product
    from knooppunt.accounts.models import Status, User
    from knooppunt.organisations.models import Agreement, Organisation, OrganisationType
    from knooppunt.scim import services

    rng = random.Random(7)
    now = timezone.now()
    with transaction.atomic():
        organisation = Organisation.objects.create(
            naam="Gemeente Bench", type=OrganisationType.GEMEENTE, woonplaats="Utrecht"
        )
        organisation.products.set(Product.objects.all())
        for agreement_kind in organisation.required_agreement_kinds():
            Agreement.objects.create(
                organisation=organisation, kind=agreement_kind, signed_on=now.date()
            )
        admin = User.objects.create(
            username="bench.admin",
            voorletters="B",
            voornaam="Bench",
            achternaam="Beheerder",
            email="bench.admin@bench.example",
            organisation=organisation,
            status=Status.ACTIVE,
            is_administrator=True,
            password=make_password("Bench-Wachtwoord-2026!"),
            last_login=now,
        )
        statuses = [Status.ACTIVE] * 93 + [Status.DEACTIVATED] * 3 + [Status.INVITED] * 2
        statuses += [Status.DELETED] * 2
        batch = []
        for n in range(users - 1):
            status = rng.choice(statuses)
            batch.append(
                User(
                    username=f"u{n:06d}",
                    voorletters="J",
                    voornaam=f"Jan{n % 997}",
                    achternaam=f"{rng.choice(SURNAMES)}{n % 31}",
                    email="" if status == Status.DELETED else f"u{n:06d}@bench.example",
                    organisation=organisation,
                    status=status,
                    password="!",
                    created_at=now,
                )
            )
            if len(batch) == 5000:
                User.objects.bulk_create(batch)
                batch = []
        User.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    _token, secret = services.issue_token(admin, organisation, name="Bench")
    return secret, admin


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _stats(values: list[float]) -> dict:
    return {"p50": statistics.median(values), "p95": _percentile(values, 0.95), "n": len(values)}


def _measure(secret: str, admin) -> dict:
    from django.test import Client

    from knooppunt.accounts.models import User

    scim = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    total = (
        User.objects.filter(organisation_id=admin.organisation_id).exclude(status="deleted").count()
    )
    rng = random.Random(11)
    requests = _env_int("BENCH_SCIM_REQUESTS", 200)

    def timed_list(params: dict) -> float:
        started = time.perf_counter()
        response = scim.get("/scim/v2/Users", params)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200 or len(response.json()["Resources"]) == 0:
            raise SystemExit(f"list: HTTP {response.status_code} {response.content[:200]!r}")
        return elapsed

    filtered = {"filter": 'name.familyName sw "B" and active eq true'}
    for _ in range(20):  # warm-up
        timed_list({"startIndex": rng.randint(1, max(1, total - 100)), "count": 100})
        timed_list({**filtered, "count": 100})
    plain = [
        timed_list({"startIndex": rng.randint(1, max(1, total - 100)), "count": 100})
        for _ in range(requests)
    ]
    with_filter = [
        timed_list({**filtered, "startIndex": rng.randint(1, 500), "count": 100})
        for _ in range(requests)
    ]

    form = Client()
    form.force_login(admin)
    creates = _env_int("BENCH_SCIM_CREATES", 200)
    scim_seconds = form_seconds = 0.0
    made = 0
    for round_start in range(0, creates, 10):
        started = time.perf_counter()
        for n in range(round_start, round_start + 10):
            body = {
                "userName": f"scim{n}@bench.example",
                "name": {"givenName": "Sanne", "familyName": f"Scim{n}"},
                "emails": [{"value": f"scim{n}@bench.example", "primary": True}],
                "active": True,
            }
            response = scim.post(
                "/scim/v2/Users", json.dumps(body), content_type="application/scim+json"
            )
            if response.status_code != 201:
                raise SystemExit(f"SCIM create: {response.status_code} {response.content!r}")
        scim_seconds += time.perf_counter() - started
        started = time.perf_counter()
        for n in range(round_start, round_start + 10):
            data = {
                "voorletters": "F",
                "voornaam": "Fleur",
                "achternaam": f"Formulier{n}",
                "email": f"form{n}@bench.example",
            }
            response = form.post("/gebruikers/nieuw/", data)
            if response.status_code != 302:
                raise SystemExit(f"form create: {response.status_code}")
        form_seconds += time.perf_counter() - started
        made += 10
    return {
        "list": _stats(plain),
        "filtered": _stats(with_filter),
        "scim_per_s": made / scim_seconds,
        "form_per_s": made / form_seconds,
        "users": total,
    }


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "worker":
        print(json.dumps(worker(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
    else:
        raise SystemExit("usage: python -m bench.cases.scim worker KIND URL USERS")
