"""Webservice calls per second: authenticated `GET /api/v1/ping` against unauthenticated
`GET /api/v1/health`, same gunicorn workers, same run, concurrent clients.

Health is the floor of a call through the stack: Django's middleware, DRF, two cheap queries (the
database and the job queue's table), a JSON answer. Ping adds what every authenticated call costs:
the key's row found by its prefix with its organisation, product, agreements and rate counter in
one statement, a SHA-512 compared in constant time, then one write transaction with the counter (an
UPSERT) and the audit event of the call with its trace id (an INSERT; on PostgreSQL the commit does
not wait for the disk; the job worker seals it into the chain later), and the credential's last use
(written at most once a minute). The ratio says how much of a call's budget the credential check
and the audit take. The app runs as in the login case (gunicorn, one sync worker per core, on a
database of its own: PostgreSQL when DATABASE_URL is set, else SQLite). The machine's speed drifts,
so health and ping rounds alternate and each ping round is set against the health rounds on either
side. The workers' RSS is read after the rounds, with the API loaded.

Size: BENCH_API_SECONDS (default 40) of measurement in BENCH_API_ROUNDS (default 8) pairs of
rounds, BENCH_API_CLIENTS concurrent clients (default two per worker), BENCH_API_WORKERS workers
(default one per core).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import NamedTuple

from bench.cases.login import (
    SOCKET_TIMEOUT,
    Database,
    _cpu_seconds,
    _environment,
    _free_port,
    _start_gunicorn,
    _worker_rss_mib,
    _workers_of,
)
from bench.report import Figure

TITLE = "Webservice: authenticated ping against unauthenticated health"

PREPARE = """
from knooppunt.access.models import Product
from knooppunt.access.principals import COMMAND_LINE
from knooppunt.operators.services import create_organisation
from knooppunt.products.scope import ProductScope
from knooppunt.products.services import create_credential

organisation = create_organisation(
    COMMAND_LINE, type="gemeente", naam="Gemeente Benchmark", gemeentecode="0999",
    products=["iwmo"], agreements_signed=True,
)
scope = ProductScope(organisation, Product.objects.get(code="iwmo"))
_credential, key = create_credential(COMMAND_LINE, scope, name="Bench")
print(key)
"""


def _prepare(env: dict) -> str:
    manage = [sys.executable, "-m", "knooppunt.manage"]
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], env=env, check=True)
    done = subprocess.run(
        [*manage, "shell", "-c", PREPARE], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip().splitlines()[-1]


def _get(port: int, request: bytes) -> int:
    """One request on its own connection (gunicorn's sync workers close after each); plain
    sockets, as in the login case, so the load generator takes little of the shared cores."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, SOCKET_TIMEOUT)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, SOCKET_TIMEOUT)
        sock.connect(("127.0.0.1", port))
        sock.sendall(request)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed")
            received += chunk
        head, _sep, body = received.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _c, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
        return int(head.split(b" ", 2)[1])


class Round(NamedTuple):
    requests: int
    seconds: float
    worker_cpu: float
    errors: list[str]


def _round(port: int, request: bytes, clients: int, seconds: float, pids: list[str]) -> Round:
    count = [0] * clients
    errors: list[str] = []
    stop = time.perf_counter() + seconds

    def client(n: int) -> None:
        while time.perf_counter() < stop:
            try:
                status = _get(port, request)
            except Exception as exc:  # report, do not hide
                errors.append(repr(exc))
                return
            if status != 200:
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
    elapsed = time.perf_counter() - start
    return Round(sum(count), elapsed, _cpu_seconds(pids) - cpu, errors)


def _rate(rounds: list[Round]) -> float:
    return sum(r.requests for r in rounds) / sum(r.seconds for r in rounds)


def run() -> tuple[list[Figure], str]:
    seconds = float(os.environ.get("BENCH_API_SECONDS", 40))
    pairs = int(os.environ.get("BENCH_API_ROUNDS", 8))
    workers = int(os.environ.get("BENCH_API_WORKERS", os.cpu_count() or 2))
    clients = int(os.environ.get("BENCH_API_CLIENTS", 2 * workers))
    folder = Path(tempfile.mkdtemp(prefix="knooppunt-bench-api-"))
    (folder / "static").mkdir()
    database = Database(folder)
    server = None
    health_rounds: list[Round] = []
    ping_rounds: list[Round] = []
    try:
        env = {
            **_environment(folder, database.url),
            "KNOOPPUNT_API_RATE_LIMIT": str(10**9),  # the bench measures calls, not the limit
        }
        key = _prepare(env)
        port = _free_port()
        server = _start_gunicorn(env, port, workers)
        pids = _workers_of(server.pid)
        host = f"Host: 127.0.0.1:{port}"
        health = f"GET /api/v1/health HTTP/1.1\r\n{host}\r\n\r\n".encode()
        ping = (
            f"GET /api/v1/ping HTTP/1.1\r\n{host}\r\nAuthorization: Bearer {key}\r\n\r\n"
        ).encode()
        for request in (health, ping):  # warm-up: every worker imports and connects
            _round(port, request, clients, 1.0, pids)
        span = seconds / (2 * pairs)
        health_rounds.append(_round(port, health, clients, span / 2, pids))
        for _pair in range(pairs):
            ping_rounds.append(_round(port, ping, clients, span, pids))
            health_rounds.append(_round(port, health, clients, span / 2, pids))
        rss = _worker_rss_mib(server.pid)
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        database.drop()
        shutil.rmtree(folder, ignore_errors=True)
    errors = [e for r in health_rounds + ping_rounds for e in r.errors]
    if errors:
        raise RuntimeError(f"{len(errors)} client(s) failed: {errors[:3]}")
    ping_rate, health_rate = _rate(ping_rounds), _rate(health_rounds)
    ratio = ping_rate / health_rate
    per_round = [
        r.requests
        / r.seconds
        / statistics.mean(
            [
                health_rounds[i].requests / health_rounds[i].seconds,
                health_rounds[i + 1].requests / health_rounds[i + 1].seconds,
            ]
        )
        for i, r in enumerate(ping_rounds)
    ]
    cpu_ping = sum(r.worker_cpu for r in ping_rounds) / sum(r.requests for r in ping_rounds)
    cpu_health = sum(r.worker_cpu for r in health_rounds) / sum(r.requests for r in health_rounds)
    note = f"{clients} clients, {workers} gunicorn workers, {database.kind}"
    print(
        f"api: ping {ping_rate:.0f}/s, health {health_rate:.0f}/s, ratio {ratio:.2f} ({note})",
        flush=True,
    )
    figures = [
        Figure("api: authenticated ping", ping_rate, "req/s", note=note),
        Figure("api: unauthenticated health", health_rate, "req/s", note=note),
        Figure(
            "api: authenticated ping req/s ÷ unauthenticated health req/s",
            ratio,
            "ratio",
            target=">= 0.8",
            note="rounds: " + ", ".join(f"{r:.2f}" for r in per_round),
        ),
        Figure(
            "api: worker CPU per ping",
            cpu_ping * 1000,
            "ms",
            baseline=cpu_health * 1000,
            note="baseline: worker CPU per health call",
        ),
        Figure(
            "api: worker RSS with the API loaded",
            max(rss) if rss else 0.0,
            "MiB",
            note="largest of " + ", ".join(f"{r:.0f}" for r in rss) + " MiB",
        ),
    ]
    section = (
        __doc__.strip() + f"\n\nThis run: {sum(r.requests for r in ping_rounds)} pings and "
        f"{sum(r.requests for r in health_rounds)} health calls in {pairs} pairs of rounds "
        f"({seconds:.0f} s) by {clients} clients against {workers} gunicorn workers on "
        f"{database.kind}: ping {ping_rate:.0f}/s, health {health_rate:.0f}/s, ratio "
        f"{ratio:.2f}; worker CPU {cpu_ping * 1000:.2f} ms per ping and "
        f"{cpu_health * 1000:.2f} ms per health call; worker RSS up to "
        f"{max(rss) if rss else 0:.0f} MiB."
    )
    return figures, section
