"""Berichtenverkeer (issue 15): the check pipeline's speed against lxml's bare XSD validation of
the same bytes, the peak memory of checking a 25 MB upload, the first page of "Ontvangen
berichten" at 1,000,000 messages over 20,000 organisations (the largest receiving 50,000), on
SQLite and PostgreSQL, and offering small messages through the webservice against pings, on the
same gunicorn workers.

Environment:
  BENCH_EXCHANGE_MB             size of the generated JW323 declaratie (default 24, under 25 MiB)
  BENCH_EXCHANGE_ROUNDS         interleaved rounds of pipeline and bare validation (default 7)
  BENCH_EXCHANGE_MESSAGES       messages generated for the inbox (default 1000000)
  BENCH_EXCHANGE_ORGANISATIONS  organisations (default 20000)
  BENCH_EXCHANGE_LARGEST        messages of the largest receiver (default 50000)
  BENCH_EXCHANGE_DATABASES      sqlite, postgresql (default both)
  BENCH_EXCHANGE_POSTGRES_URL   database to (re)create (default
                                postgres://postgres@127.0.0.1:5432/knooppunt_bench_exchange)
  BENCH_EXCHANGE_REQUESTS       inbox requests measured (default 60)
  BENCH_EXCHANGE_API_SECONDS    seconds of webservice rounds, uploads and pings (default 40)
  BENCH_EXCHANGE_API_ROUNDS     pairs of upload and ping rounds (default 8)
  BENCH_API_WORKERS, BENCH_API_CLIENTS   gunicorn workers (one per core) and clients (two per
                                worker), as in the api case; DATABASE_URL as in the login case

Each measurement runs in a process of its own (`python -m bench.cases.exchange worker ...`):
Django binds one database per process, and the peak RSS must be the check's alone.
"""

import itertools
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.environment import django_environment
from bench.report import Figure

TITLE = "Berichtenverkeer: controleren en Ontvangen berichten"
ROOT = Path(__file__).resolve().parents[2]
FULL_MESSAGES = 1_000_000


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def _worker(*args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.cases.exchange", "worker", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    result = json.loads(lines[-1])
    print(json.dumps(result), flush=True)
    return result


def run():
    size_mb = _env_int("BENCH_EXCHANGE_MB", 24)
    messages = _env_int("BENCH_EXCHANGE_MESSAGES", FULL_MESSAGES)
    databases = [
        d.strip()
        for d in (os.environ.get("BENCH_EXCHANGE_DATABASES") or "sqlite,postgresql").split(",")
        if d.strip()
    ]
    with tempfile.TemporaryDirectory() as tmp:
        speed = _worker("speed", tmp, str(size_mb))
        memory = _worker("memory", tmp, str(size_mb))
    inbox = {kind: _worker("inbox", kind, _database_url(kind), str(messages)) for kind in databases}
    api = webservice()
    figures = _figures(speed, memory, inbox, messages) + _api_figures(api)
    return figures, _section(speed, memory, inbox, messages, api)


def _database_url(kind: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{(ROOT / 'var' / 'bench' / 'exchange.sqlite3').resolve()}"
    return (
        os.environ.get("BENCH_EXCHANGE_POSTGRES_URL")
        or "postgres://postgres@127.0.0.1:5432/knooppunt_bench_exchange"
    )


def _figures(speed, memory, inbox, messages) -> list[Figure]:
    full = messages >= FULL_MESSAGES
    small = "" if full else f"small run ({messages:,} messages): target at {FULL_MESSAGES:,}"
    figures = [
        Figure(
            "exchange: validation MB/s ÷ bare lxml XSD validation MB/s",
            speed["ratio"],
            "×",
            target=">= 0.8",
            note=f"{speed['mb']:.1f} MB JW323; ours {speed['ours_mbs']:.1f} MB/s, "
            f"bare {speed['bare_mbs']:.1f} MB/s (medians of {speed['rounds']} rounds)",
        ),
        Figure(
            "exchange: peak RSS for a 25 MB upload ÷ file size",
            memory["ratio"],
            "×",
            target="<= 8",
            note=f"{memory['mb']:.1f} MB file, {memory['peak_mb']:.0f} MB above the idle process",
        ),
    ]
    label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    for kind, r in inbox.items():
        figures.append(
            Figure(
                f"exchange: inbox first page p95 ({label[kind]})",
                r["p95"],
                "ms",
                target="<= 25" if full else "",
                note=small or f"largest receiver: {r['largest']:,} messages",
            )
        )
    return figures


def _api_figures(api: dict) -> list[Figure]:
    note = f"{api['clients']} clients, {api['workers']} gunicorn workers, {api['database']}"
    return [
        Figure("exchange: uploads through the webservice", api["uploads"], "uploads/s", note=note),
        Figure(
            "exchange: uploads/s through the webservice ÷ ping req/s",
            api["ratio"],
            "ratio",
            note=f"{api['size']:,} B JW301; ping {api['pings']:.0f}/s; rounds: "
            + ", ".join(f"{r:.2f}" for r in api["rounds"]),
        ),
        Figure(
            "exchange: worker CPU per upload",
            api["cpu_upload"],
            "ms",
            baseline=api["cpu_ping"],
            note="baseline: worker CPU per ping",
        ),
    ]


def _section(speed, memory, inbox, messages, api) -> str:
    lines = [
        f"Validation: a generated JW323 declaratie of {speed['mb']:.1f} MB "
        f"({speed['prestaties']:,} prestaties), every BSN valid and every line different, "
        "checked by `validation.pipeline.check_file` (size, encoding and DTD scan, parsing, "
        "type, XSD, the in-message rules; the header and duplicate checks need an organisation "
        "and are two indexed lookups) and by `XMLSchema.validate(etree.fromstring(data))` with "
        f"the same parser settings, interleaved, {speed['rounds']} rounds; the ratio is the "
        "median of the per-round ratios.",
        "",
        f"Memory: one process checks the {memory['mb']:.1f} MB file read from disk; the figure is "
        "the process's peak RSS above its RSS before the file was read (the bytes themselves "
        "included), divided by the file size.",
        "",
        f"Inbox: {messages:,} messages over the generated organisations, the largest receiver "
        "with its share; server-side time of `GET /berichten/` (newest first, 25 rows, the count) "
        "for a Gebruiker of that receiver through Django's test client, warm.",
        "",
        "| database | messages | largest receiver | p50 | p95 |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for kind, r in inbox.items():
        lines.append(
            f"| {kind} | {r['messages']:,} | {r['largest']:,} | {r['p50']:.1f} ms "
            f"| {r['p95']:.1f} ms |"
        )
    lines += [
        "",
        f"Webservice: `POST /api/v1/berichten` with a JW301 of {api['size']:,} bytes as the body "
        "(each with a BerichtIdentificatie of its own, so every one is accepted: checked, stored, "
        "its row, history, audit event and notification job written) against authenticated "
        "`GET /api/v1/ping` with the same credential, on the same gunicorn workers, rounds "
        "alternating as in the api case and each upload round set against the ping rounds on "
        f"either side. This run: {api['uploads_total']:,} uploads and {api['pings_total']:,} "
        f"pings by {api['clients']} clients against {api['workers']} workers on "
        f"{api['database']}: {api['uploads']:.1f} uploads/s, {api['pings']:.0f} pings/s, ratio "
        f"{api['ratio']:.3f}; worker CPU {api['cpu_upload']:.1f} ms per upload and "
        f"{api['cpu_ping']:.2f} ms per ping.",
        "",
        "Reproduce: `python -m bench exchange`; "
        "`BENCH_EXCHANGE_MESSAGES=20000 BENCH_EXCHANGE_MB=4` for a quick run.",
    ]
    return "\n".join(lines)


# --- workers ---------------------------------------------------------------------------------


def _setup(url: str, var_dir: str) -> None:
    os.environ.update(
        django_environment(url, var_dir, allowed_hosts="testserver,127.0.0.1,localhost"),
        DATABASE_CONN_MAX_AGE="600",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    (Path(var_dir) / "static").mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def _declaratie(mb: int) -> bytes:
    from knooppunt.exchange.samples import declaratie

    return declaratie(
        afzender="42420001", ontvanger="0384", identificatie="BENCH1", size=mb * 1024 * 1024
    )


def speed(tmp: str, mb: str) -> dict:
    _setup(f"sqlite:///{tmp}/speed.sqlite3", tmp)
    from lxml import etree

    from knooppunt.exchange.standards import registry, schemas
    from knooppunt.exchange.validation.checks import parsing
    from knooppunt.exchange.validation.pipeline import check_file

    data = _declaratie(int(mb))
    schema = schemas.schema_for(registry.by_name("JW323", "3.2"))
    assert check_file(data, "bench.xml").ok
    rounds = _env_int("BENCH_EXCHANGE_ROUNDS", 7)
    ours, bare, ratios = [], [], []
    for _ in range(rounds):
        started = time.perf_counter()
        assert schema.validate(etree.fromstring(data, parsing.parser()))
        bare.append(time.perf_counter() - started)
        started = time.perf_counter()
        assert check_file(data, "bench.xml").ok
        ours.append(time.perf_counter() - started)
        ratios.append(bare[-1] / ours[-1])
    size = len(data) / 1e6
    return {
        "mb": size,
        "prestaties": data.count(b"<jw323:Prestatie>"),
        "rounds": rounds,
        "ours_mbs": size / statistics.median(ours),
        "bare_mbs": size / statistics.median(bare),
        "ratio": statistics.median(ratios),
    }


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def memory(tmp: str, mb: str) -> dict:
    _setup(f"sqlite:///{tmp}/memory.sqlite3", tmp)
    from knooppunt.exchange import samples
    from knooppunt.exchange.validation.pipeline import check_file

    path = Path(tmp) / "declaratie.xml"
    path.write_bytes(_declaratie(int(mb)))
    # Warm: the schemas compiled, the modules loaded, on a small message.
    small = samples.build("JW301", afzender="0384", ontvanger="42420001", identificatie="W1")
    assert check_file(small, "w.xml").ok
    import gc

    gc.collect()
    before = _rss_mb()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000
    data = path.read_bytes()
    import hashlib

    report = check_file(data, path.name)
    hashlib.sha256(data).hexdigest()
    assert report.ok
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000
    used = peak - max(before, min(before, peak_before))
    return {"mb": len(data) / 1e6, "peak_mb": used, "ratio": used / (len(data) / 1e6)}


def inbox(kind: str, url: str, messages: str) -> dict:
    total = int(messages)
    var_dir = str(ROOT / "var" / "bench")
    _recreate(kind, url)
    _setup(url, var_dir)
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    user, largest = _generate(total)
    client = Client()
    client.force_login(user)
    for _ in range(5):
        assert client.get("/berichten/").status_code == 200
    times = []
    for _ in range(_env_int("BENCH_EXCHANGE_REQUESTS", 60)):
        started = time.perf_counter()
        response = client.get("/berichten/")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    times.sort()
    return {
        "messages": total,
        "largest": largest,
        "p50": statistics.median(times),
        "p95": times[int(len(times) * 0.95) - 1],
    }


def _recreate(kind: str, url: str) -> None:
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


def _generate(total: int):
    """Organisations (a third gemeenten), the largest receiver with its share, the rest spread
    at random; rows written in bulk (the services would check each file: that is the other
    figure)."""
    import datetime

    from django.db import connection, transaction
    from django.utils import timezone

    from knooppunt.access.models import Product, RoleGrant
    from knooppunt.accounts.models import Status, User
    from knooppunt.exchange.models import Message
    from knooppunt.organisations.models import Agreement, Organisation, OrganisationType

    rng = random.Random(15)
    n_orgs = max(3, min(_env_int("BENCH_EXCHANGE_ORGANISATIONS", 20_000), total // 10))
    largest_share = min(_env_int("BENCH_EXCHANGE_LARGEST", 50_000), total // 4)
    if total < FULL_MESSAGES:
        largest_share = max(1, total * 50_000 // FULL_MESSAGES)
    with transaction.atomic():
        orgs = Organisation.objects.bulk_create(
            [
                Organisation(
                    naam=f"{'Gemeente' if i % 3 == 0 else 'Zorgaanbieder'} Bench {i:05d}",
                    type=OrganisationType.GEMEENTE
                    if i % 3 == 0
                    else OrganisationType.ZORGAANBIEDER,
                    gemeentecode=f"{i // 3:04d}" if i % 3 == 0 else "",
                    agb_code="" if i % 3 == 0 else f"{10000000 + i:08d}",
                )
                for i in range(n_orgs)
            ],
            batch_size=2000,
        )
        target = orgs[1]  # a zorgaanbieder
        ijw = Product.objects.get(code="ijw")
        target.products.add(ijw)
        for kind in target.required_agreement_kinds():
            Agreement.objects.create(
                organisation=target, kind=kind, signed_on=datetime.date(2026, 1, 1)
            )
        user = User.objects.create(
            organisation=target,
            username="bench.gebruiker",
            voorletters="B",
            voornaam="Bench",
            achternaam="Gebruiker",
            email="bench@bench.example",
            status=Status.ACTIVE,
        )
        RoleGrant.objects.create(user=user, product=ijw, role="gebruiker")
    gemeenten = [o for o in orgs if o.type == OrganisationType.GEMEENTE]
    now = timezone.now()
    fields = [
        "product",
        "message_type",
        "bericht_code",
        "release",
        "is_retour",
        "sender_id",
        "receiver_id",
        "afzender_code",
        "ontvanger_code",
        "identificatie",
        "dagtekening",
        "filename",
        "size",
        "sha256",
        "payload",
        "uploaded_by_name",
        "channel",
        "status",
        "created_at",
        "retrieved_by_name",
    ]
    table = Message._meta.db_table
    columns = ", ".join(
        connection.ops.quote_name(Message._meta.get_field(f.removesuffix("_id")).column)
        for f in fields
    )
    marks = ", ".join(["%s"] * len(fields))
    insert = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
    batch = []
    for n in range(total):
        if n < largest_share:
            receiver = target
            sender = gemeenten[n % len(gemeenten)]
        else:
            receiver = orgs[rng.randrange(n_orgs)]
            sender = gemeenten[rng.randrange(len(gemeenten))]
        created = now - datetime.timedelta(seconds=rng.randrange(90 * 86400))
        batch.append(
            [
                "ijw",
                "JW301",
                436,
                "3.2",
                False,
                sender.pk,
                receiver.pk,
                sender.gemeentecode,
                receiver.agb_code or receiver.gemeentecode,
                f"B{n:011d}",
                created.date(),
                "b.xml",
                7000,
                "0" * 64,
                f"berichten/b/{n}.xml",
                "bench",
                "webservice",
                rng.choice(["aangeboden", "opgehaald"]),
                connection.ops.adapt_datetimefield_value(created),
                "",
            ]
        )
        if len(batch) == 5000:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(insert, batch)
            batch = []
    if batch:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(insert, batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return user, largest_share


# --- the webservice: uploads against pings on the same workers ----------------------------------

API_PREPARE = """
from knooppunt.access.models import Product
from knooppunt.access.principals import COMMAND_LINE
from knooppunt.operators.services import create_organisation
from knooppunt.products.scope import ProductScope
from knooppunt.products.services import create_credential

gemeente = create_organisation(
    COMMAND_LINE, type="gemeente", naam="Gemeente Benchmark", gemeentecode="0384",
    products=["ijw"], agreements_signed=True,
)
create_organisation(
    COMMAND_LINE, type="zorgaanbieder", naam="Zorgaanbieder Benchmark", agb_code="42420001",
    products=["ijw"], agreements_signed=True,
)
scope = ProductScope(gemeente, Product.objects.get(code="ijw"))
_credential, key = create_credential(COMMAND_LINE, scope, name="Bench")
print(key)
"""


class _Uploads:
    """The requests of the upload rounds: one JW301, a BerichtIdentificatie of its own each."""

    PLACEHOLDER = b"BENCH0000000"

    def __init__(self, host: str, key: str):
        from knooppunt.exchange.samples import build

        self.body = build(
            "JW301",
            afzender="0384",
            ontvanger="42420001",
            identificatie=self.PLACEHOLDER.decode(),
        )
        assert self.body.count(self.PLACEHOLDER) == 1
        self.head = (
            f"POST /api/v1/berichten HTTP/1.1\r\n{host}\r\nAuthorization: Bearer {key}\r\n"
            f"Content-Type: application/xml\r\nContent-Length: {len(self.body)}\r\n\r\n"
        ).encode()
        self.numbers = itertools.count(1)

    def next(self) -> bytes:
        identificatie = f"B{next(self.numbers):011d}".encode()
        return self.head + self.body.replace(self.PLACEHOLDER, identificatie)


def _api_round(port, make_request, expected, clients, seconds, pids):
    from bench.cases.api import Round, _cpu_seconds, _get

    count = [0] * clients
    errors: list[str] = []
    stop = time.perf_counter() + seconds

    def client(n: int) -> None:
        while time.perf_counter() < stop:
            try:
                status = _get(port, make_request())
            except Exception as exc:  # report, do not hide
                errors.append(repr(exc))
                return
            if status != expected:
                errors.append(f"status {status}")
                return
            count[n] += 1

    cpu = _cpu_seconds(pids)
    start = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Round(sum(count), time.perf_counter() - start, _cpu_seconds(pids) - cpu, errors)


def webservice() -> dict:
    """Uploads/s through the webservice ÷ ping req/s, same gunicorn workers, same run."""
    import shutil
    import signal

    from bench.cases.api import _rate
    from bench.cases.login import (
        Database,
        _environment,
        _free_port,
        _start_gunicorn,
        _workers_of,
    )

    seconds = float(os.environ.get("BENCH_EXCHANGE_API_SECONDS") or 40)
    pairs = _env_int("BENCH_EXCHANGE_API_ROUNDS", 8)
    workers = _env_int("BENCH_API_WORKERS", os.cpu_count() or 2)
    clients = _env_int("BENCH_API_CLIENTS", 2 * workers)
    folder = Path(tempfile.mkdtemp(prefix="knooppunt-bench-exchange-api-"))
    (folder / "static").mkdir()
    database = Database(folder)
    server = None
    uploads: list = []
    pings: list = []
    try:
        env = {**_environment(folder, database.url), "KNOOPPUNT_API_RATE_LIMIT": str(10**9)}
        manage = [sys.executable, "-m", "knooppunt.manage"]
        subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], env=env, check=True)
        done = subprocess.run(
            [*manage, "shell", "-c", API_PREPARE],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        key = done.stdout.strip().splitlines()[-1]
        port = _free_port()
        server = _start_gunicorn(env, port, workers)
        pids = _workers_of(server.pid)
        host = f"Host: 127.0.0.1:{port}"
        ping = f"GET /api/v1/ping HTTP/1.1\r\n{host}\r\nAuthorization: Bearer {key}\r\n\r\n"
        ping_request = ping.encode()
        offers = _Uploads(host, key)
        for make, status in ((lambda: ping_request, 200), (offers.next, 201)):  # warm-up
            _api_round(port, make, status, clients, 1.0, pids)
        span = seconds / (2 * pairs)
        pings.append(_api_round(port, lambda: ping_request, 200, clients, span / 2, pids))
        for _pair in range(pairs):
            uploads.append(_api_round(port, offers.next, 201, clients, span, pids))
            pings.append(_api_round(port, lambda: ping_request, 200, clients, span / 2, pids))
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        database.drop()
        shutil.rmtree(folder, ignore_errors=True)
    errors = [e for r in uploads + pings for e in r.errors]
    if errors:
        raise RuntimeError(f"{len(errors)} client(s) failed: {errors[:3]}")
    upload_rate, ping_rate = _rate(uploads), _rate(pings)
    rounds = [
        r.requests
        / r.seconds
        / statistics.mean(
            [pings[i].requests / pings[i].seconds, pings[i + 1].requests / pings[i + 1].seconds]
        )
        for i, r in enumerate(uploads)
    ]
    result = {
        "uploads": upload_rate,
        "pings": ping_rate,
        "ratio": upload_rate / ping_rate,
        "rounds": rounds,
        "uploads_total": sum(r.requests for r in uploads),
        "pings_total": sum(r.requests for r in pings),
        "cpu_upload": 1000 * sum(r.worker_cpu for r in uploads) / sum(r.requests for r in uploads),
        "cpu_ping": 1000 * sum(r.worker_cpu for r in pings) / sum(r.requests for r in pings),
        "size": len(offers.body),
        "clients": clients,
        "workers": workers,
        "database": database.kind,
    }
    print(json.dumps(result), flush=True)
    return result


WORKERS = {"speed": speed, "memory": memory, "inbox": inbox}

if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "worker":
        print(json.dumps(WORKERS[sys.argv[2]](*sys.argv[3:])), flush=True)
    else:
        raise SystemExit("python -m bench exchange")
