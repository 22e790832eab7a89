"""Wlz-Registertoets at scale: a synthetic register of 1,000,000 clients (about 1,300,000
indications), on SQLite and on PostgreSQL.

- lookup p95: "Raadplegen" for a Gebruiker, server-side (Django's test client in the benchmark
  process: middleware, session, form, the two queries, the log row and its audit event), for
  BSNs in the register (with and without a valid indication) and valid BSNs that are not;
- webservice lookups/s against ping req/s (the webservice case's ping): gunicorn, the same
  workers and clients, rounds alternating, each lookup logged (PostgreSQL);
- import rows/s on PostgreSQL: `knooppunt import_wlz_register` of the generated file into the
  empty register, against a bare `COPY` of the same file into a scratch table of text columns
  in the same run; with the import's peak RSS (it streams the file).

Environment:
  BENCH_REGISTERTOETS_CLIENTS        register size (default 1000000; e.g. 5000 for a quick run)
  BENCH_REGISTERTOETS_DATABASES      sqlite, postgresql (default both)
  BENCH_REGISTERTOETS_POSTGRES_URL   database to re-create (default
                                     postgres://postgres@127.0.0.1:5432/knooppunt_bench_wlz)
  BENCH_REGISTERTOETS_LOOKUPS        measured lookups per database (default 2000)
  BENCH_REGISTERTOETS_SECONDS        webservice measurement (default 24, in 6 pairs of rounds)

Each database is measured in a process of its own (`python -m bench.cases.registertoets worker
...`), because Django binds one database configuration per process.
"""

from __future__ import annotations

import csv
import json
import os
import random
import resource
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.environment import django_environment
from bench.report import Figure

TITLE = "Wlz-Registertoets: raadplegen en importeren in een register van een miljoen cliënten"
ROOT = Path(__file__).resolve().parents[2]
FULL_SIZE = 1_000_000
SEED = 2026


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def run():
    clients = _env_int("BENCH_REGISTERTOETS_CLIENTS", FULL_SIZE)
    kinds = [
        k.strip()
        for k in (os.environ.get("BENCH_REGISTERTOETS_DATABASES") or "sqlite,postgresql").split(",")
        if k.strip()
    ]
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    register = folder / f"wlz-register-{clients}-{SEED}.csv"
    if not register.exists():
        print(f"-- generating {clients:,} clients into {register}", flush=True)
        env = {**os.environ, **_env("sqlite:///" + str(folder / "unused.sqlite3"), folder)}
        subprocess.run(
            [sys.executable, "-m", "knooppunt.manage", "generate_wlz_register", str(clients),
             "--seed", str(SEED), "--output", str(register)],
            env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    results = {}
    for kind in kinds:
        url = _database_url(kind, folder)
        print(f"-- {kind}: {clients:,} clients ({url})", flush=True)
        done = subprocess.run(
            [sys.executable, "-m", "bench.cases.registertoets", "worker", kind, url,
             str(register)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True,
        )  # fmt: skip
        results[kind] = json.loads([x for x in done.stdout.splitlines() if x.startswith("{")][-1])
        print(json.dumps(results[kind], indent=1), flush=True)
    return _figures(results, clients), _section(results, clients)


def _env(url: str, folder: Path) -> dict:
    return {
        **django_environment(url, str(folder), allowed_hosts="testserver,127.0.0.1,localhost"),
        "DATABASE_CONN_MAX_AGE": "600",
        "LOG_LEVEL": "ERROR",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


def _database_url(kind: str, folder: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{(folder / 'registertoets.sqlite3').resolve()}"
    if kind == "postgresql":
        return (
            os.environ.get("BENCH_REGISTERTOETS_POSTGRES_URL")
            or "postgres://postgres@127.0.0.1:5432/knooppunt_bench_wlz"
        )
    raise SystemExit(f"unknown database kind {kind!r}")


def _figures(results: dict, clients: int) -> list[Figure]:
    full = clients >= FULL_SIZE
    small = "" if full else f"small run ({clients:,} clients): targets apply at {FULL_SIZE:,}"

    def target(value: str) -> str:
        return value if full else ""

    label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    figures = []
    for kind, r in results.items():
        db = label[kind]
        note = small or f"{r['clients']:,} clients, {r['indications']:,} indications"
        figures.append(
            Figure(f"registertoets {db}: lookup p95", r["lookup"]["p95"], "ms",
                   target=target("<= 10"), note=note)
        )  # fmt: skip
        figures.append(Figure(f"registertoets {db}: lookup p50", r["lookup"]["p50"], "ms"))
        imp = r["import"]
        if "copy_seconds" in imp:
            figures.append(
                Figure(
                    f"registertoets {db}: import rows/s",
                    imp["rows"] / imp["seconds"],
                    "rows/s",
                    baseline=imp["rows"] / imp["copy_seconds"],
                    target="",
                    note=f"baseline: bare COPY into a scratch table; {imp['rows']:,} rows",
                )
            )
            figures.append(
                Figure(
                    f"registertoets {db}: import rows/s ÷ bare COPY rows/s",
                    imp["copy_seconds"] / imp["seconds"],
                    "ratio",
                    target=target(">= 0.25"),
                    note=small,
                )
            )
            figures.append(
                Figure(f"registertoets {db}: import peak RSS", imp["peak_rss_mib"], "MiB",
                       note=f"file {imp['file_mib']:.0f} MiB")
            )  # fmt: skip
        else:
            figures.append(
                Figure(f"registertoets {db}: import rows/s", imp["rows"] / imp["seconds"],
                       "rows/s", note=f"{imp['rows']:,} rows")
            )  # fmt: skip
        if "webservice" in r:
            ws = r["webservice"]
            figures.append(
                Figure(
                    f"registertoets {db}: webservice lookups/s ÷ ping req/s",
                    ws["ratio"],
                    "ratio",
                    target=">= 0.6",
                    note=f"lookups {ws['lookups']:.0f}/s, ping {ws['ping']:.0f}/s, "
                    f"{ws['workers']} workers, {ws['clients']} clients; rounds "
                    + ", ".join(f"{x:.2f}" for x in ws["rounds"]),
                )
            )
    return figures


def _section(results: dict, clients: int) -> str:
    lines = [__doc__.strip(), ""]
    for kind, r in results.items():
        imp = r["import"]
        text = (
            f"- {kind}: {r['clients']:,} clients, {r['indications']:,} indications; import of "
            f"{imp['rows']:,} rows in {imp['seconds']:.1f} s ({imp['rows'] / imp['seconds']:,.0f} "
            f"rows/s), peak RSS {imp['peak_rss_mib']:.0f} MiB"
        )
        if "copy_seconds" in imp:
            text += f"; bare COPY {imp['copy_seconds']:.2f} s"
        text += (
            f"; lookups p50 {r['lookup']['p50']:.2f} ms, p95 {r['lookup']['p95']:.2f} ms "
            f"({r['lookup']['count']} lookups, {r['lookup']['ja']} Ja)"
        )
        if "webservice" in r:
            ws = r["webservice"]
            text += (
                f"; webservice {ws['lookups']:.0f} lookups/s against ping {ws['ping']:.0f} req/s "
                f"(ratio {ws['ratio']:.2f})"
            )
        lines.append(text + ".")
    lines += [
        "",
        "Reproduce: `python -m bench registertoets`; `BENCH_REGISTERTOETS_CLIENTS=5000` for a "
        "quick run.",
    ]
    return "\n".join(lines)


# --- worker: one database, in its own process ------------------------------------------------


def worker(kind: str, url: str, register: str) -> dict:
    folder = ROOT / "var" / "bench"
    env = _env(url, folder)
    os.environ.update(env)
    (folder / "static").mkdir(parents=True, exist_ok=True)
    _recreate(kind, url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    result: dict = {"import": {"file_mib": Path(register).stat().st_size / 2**20}}
    if kind == "postgresql":
        result["import"]["copy_seconds"] = _bare_copy(url, register)
    result["import"].update(_import(env, register))
    from knooppunt.registertoets.models import Client, Indicatie

    result["clients"], result["indications"] = Client.objects.count(), Indicatie.objects.count()
    with django.db.connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if kind == "postgresql" else "ANALYZE")
    user, key = _actors()
    questions = _questions(register, _env_int("BENCH_REGISTERTOETS_LOOKUPS", 2000))
    result["lookup"] = _lookups(user, questions)
    if kind == "postgresql":
        result["webservice"] = _webservice(env, key, questions)
    return result


def _recreate(kind: str, url: str) -> None:
    if kind == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
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


def _bare_copy(url: str, register: str) -> float:
    """The same file into a table of twelve text columns, nothing checked: the floor."""
    import psycopg

    with psycopg.connect(url) as conn:
        columns = ", ".join(f"c{n} text" for n in range(12))
        conn.execute(f"CREATE TABLE bench_scratch ({columns})")
        conn.commit()
        started = time.perf_counter()
        with (
            conn.cursor() as cursor,
            cursor.copy("COPY bench_scratch FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
            open(register, "rb") as handle,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        conn.commit()
        seconds = time.perf_counter() - started
        conn.execute("DROP TABLE bench_scratch")
        conn.commit()
    print(f"bare COPY {seconds:.2f} s", file=sys.stderr, flush=True)
    return seconds


def _import(env: dict, register: str) -> dict:
    """The command as an operator runs it, in a process of its own (for its peak RSS)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "knooppunt.manage", "import_wlz_register", register],
        env={**os.environ, **env}, cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    rows = int(done.stdout.split("Klaar: ", 1)[1].split(" regels", 1)[0].replace(".", ""))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(done.stdout.strip(), f"({seconds:.1f} s)", file=sys.stderr, flush=True)
    return {"rows": rows, "seconds": seconds, "peak_rss_mib": peak}


def _actors():
    from knooppunt.access.models import Product, Role
    from knooppunt.access.principals import COMMAND_LINE
    from knooppunt.access.services import set_grants
    from knooppunt.operators.services import create_organisation
    from knooppunt.products.scope import ProductScope
    from knooppunt.products.services import create_credential
    from knooppunt.usermanagement.services import create_colleague

    organisation = create_organisation(
        COMMAND_LINE, type="gemeente", naam="Gemeente Benchmark", gemeentecode="0999",
        products=["wlz-registertoets"], agreements_signed=True,
    )  # fmt: skip
    user = create_colleague(
        COMMAND_LINE,
        organisation,
        {"voorletters": "B", "voornaam": "Bank", "achternaam": "Meting",
         "email": "bank.meting@benchmark.example"},
        invite=False,
    )  # fmt: skip
    set_grants(COMMAND_LINE, user, {("wlz-registertoets", Role.GEBRUIKER)})
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    now = timezone.now()  # as if the invitation was followed: active, a fresh password
    get_user_model().objects.filter(pk=user.pk).update(
        status="active", password_changed_at=now, last_login=now
    )
    user.refresh_from_db()
    scope = ProductScope(organisation, Product.objects.get(code="wlz-registertoets"))
    _credential, key = create_credential(COMMAND_LINE, scope, name="Bench")
    return user, key


def _questions(register: str, count: int) -> list[tuple[str, str]]:
    """BSNs of the register with their dates of birth (three in four), and valid BSNs that are
    not in it (one in four), in a fixed random order."""
    rng = random.Random(7)
    known: list[tuple[str, str]] = []
    with open(register, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for n, row in enumerate(reader):
            if len(known) < count * 3:
                known.append((row[0], row[1] or "1950-01-01"))
            elif rng.random() < count * 3 / (n + 1):
                known[rng.randrange(len(known))] = (row[0], row[1] or "1950-01-01")
    from knooppunt.registertoets.synthetic import bsns

    unknown = []
    for value in bsns(SEED + 1):
        if len(unknown) >= count // 4 + 1:
            break
        unknown.append((value, "1950-01-01"))
    chosen = rng.sample(known, min(len(known), count - len(unknown))) + unknown
    rng.shuffle(chosen)
    return chosen


def _lookups(user, questions) -> dict:
    from django.test import Client

    client = Client()
    client.force_login(user)
    url = "/wlz-registertoets/"

    def ask(bsn: str, birth: str):
        return client.post(url, {"bsn": bsn, "geboortedatum": birth, "reden": "samenloop-wmo"})

    for bsn, birth in questions[:50]:  # warm-up
        ask(bsn, birth)
    timings, ja = [], 0
    for bsn, birth in questions:
        started = time.perf_counter()
        response = ask(bsn, birth)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"lookup answered {response.status_code}")
        ja += b"Antwoord: Ja" in response.content
    timings.sort()
    return {
        "count": len(timings),
        "ja": ja,
        "p50": statistics.median(timings),
        "p95": timings[int(len(timings) * 0.95) - 1],
    }


def _webservice(env: dict, key: str, questions) -> dict:
    from bench.cases.api import _get
    from bench.cases.login import _free_port, _start_gunicorn

    workers = os.cpu_count() or 2
    clients = 2 * workers
    seconds = float(os.environ.get("BENCH_REGISTERTOETS_SECONDS", 24))
    pairs = 6
    port = _free_port()
    server = _start_gunicorn({**os.environ, **env, "KNOOPPUNT_API_RATE_LIMIT": str(10**9)},
                             port, workers)  # fmt: skip
    host = f"Host: 127.0.0.1:{port}"
    ping = [f"GET /api/v1/ping HTTP/1.1\r\n{host}\r\nAuthorization: Bearer {key}\r\n\r\n".encode()]
    lookups = []
    for bsn, birth in questions:
        body = json.dumps({"bsn": bsn, "geboortedatum": birth, "reden": "samenloop-wmo"})
        lookups.append(
            (
                f"POST /api/v1/wlz-registertoets/raadplegingen HTTP/1.1\r\n{host}\r\n"
                f"Authorization: Bearer {key}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n{body}"
            ).encode()
        )
    try:
        _round(port, ping, clients, 1.0, _get)
        _round(port, lookups, clients, 1.0, _get)
        span = seconds / (2 * pairs)
        ping_rounds = [_round(port, ping, clients, span / 2, _get)]
        lookup_rounds = []
        for _pair in range(pairs):
            lookup_rounds.append(_round(port, lookups, clients, span, _get))
            ping_rounds.append(_round(port, ping, clients, span / 2, _get))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    lookup_rate = sum(r[0] for r in lookup_rounds) / sum(r[1] for r in lookup_rounds)
    ping_rate = sum(r[0] for r in ping_rounds) / sum(r[1] for r in ping_rounds)
    per_round = [
        (r[0] / r[1]) / statistics.mean([p[0] / p[1] for p in ping_rounds[i : i + 2]])
        for i, r in enumerate(lookup_rounds)
    ]
    return {
        "lookups": lookup_rate,
        "ping": ping_rate,
        "ratio": lookup_rate / ping_rate,
        "rounds": per_round,
        "workers": workers,
        "clients": clients,
    }


def _round(port: int, requests: list[bytes], clients: int, seconds: float, get):
    counts = [0] * clients
    errors: list[str] = []
    stop = time.perf_counter() + seconds

    def client(n: int) -> None:
        index = n
        while time.perf_counter() < stop:
            status = get(port, requests[index % len(requests)])
            index += clients
            if status != 200:
                errors.append(f"status {status}")
                return
            counts[n] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} client(s) failed: {errors[:3]}")
    return sum(counts), time.perf_counter() - started


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "worker":
        print(json.dumps(worker(sys.argv[2], sys.argv[3], sys.argv[4])))
    else:
        raise SystemExit("usage: python -m bench.cases.registertoets worker KIND URL FILE")
