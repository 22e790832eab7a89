"""Complete password logins per second against gunicorn, compared with bare Argon2 verifies.

One login = GET the login page, POST the credentials, POST the code read from the file SMS
outbox, GET the dashboard. The app runs under gunicorn with one sync worker per core, passwords
hashed with Argon2id m=19 MiB, t=2, p=1, on a database of its own: a temporary PostgreSQL
database on the server of DATABASE_URL when that is set, else a temporary SQLite file. The
ceiling is measured in the same run: bare Argon2 verifies per second, one process per worker,
while the idle server waits. The machine's speed drifts (its cores are shared), so the logins run
in rounds with a ceiling measurement before the first and after each (the mean of all is the
baseline; the ratio of each round against the ceilings on either side is in the note). Single
rounds of the same code spread widely on this machine (5-s rounds from 0.58 to 0.72 in one
series), so the run is cut into many short rounds: the more often the ceiling is measured, the
better it follows the drift, and the more rounds, the less the run's figure moves.

Size: BENCH_LOGIN_SECONDS (default 80) of measurement in BENCH_LOGIN_ROUNDS (default 10) rounds,
BENCH_LOGIN_CLIENTS concurrent clients (default two per worker, so a worker never waits for a
client).
"""

import http.client
import json
import multiprocessing
import os
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import NamedTuple

from bench.environment import django_environment
from bench.report import Figure

TITLE = "Login: password + verification code"
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Bench!Wachtwoord42"
STEPS = ("GET login page", "POST credentials", "POST code", "GET dashboard")
ARGON2 = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
CEILING_SECONDS = 3
SOCKET_TIMEOUT = struct.pack("ll", 60, 0)  # struct timeval: 60 s


def _workers() -> int:
    return int(os.environ.get("BENCH_LOGIN_WORKERS", os.cpu_count() or 2))


# --- the prepared database -----------------------------------------------------------------


class Database:
    """A database of the bench's own, removed afterwards."""

    def __init__(self, folder: Path):
        self.server_url = os.environ.get("DATABASE_URL", "")
        self.dropped_name = None
        if self.server_url.startswith("postgres"):
            parsed = urllib.parse.urlsplit(self.server_url)
            self.dropped_name = f"{parsed.path.lstrip('/') or 'knooppunt'}_bench_{os.getpid()}"
            self._admin(f'CREATE DATABASE "{self.dropped_name}"')
            self.url = urllib.parse.urlunsplit(parsed._replace(path="/" + self.dropped_name))
            self.kind = "PostgreSQL"
        else:
            self.url = f"sqlite:///{folder / 'bench.sqlite3'}"
            self.kind = "SQLite"

    def _admin(self, sql: str) -> None:
        import psycopg

        parsed = urllib.parse.urlsplit(self.server_url)
        admin = urllib.parse.urlunsplit(parsed._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql)

    def drop(self) -> None:
        if self.dropped_name:
            self._admin(f'DROP DATABASE IF EXISTS "{self.dropped_name}" WITH (FORCE)')


def _environment(folder: Path, database_url: str) -> dict:
    env = {
        **os.environ,
        **django_environment(database_url, str(folder), allowed_hosts="127.0.0.1"),
        "KNOOPPUNT_SMS_BACKEND": "file",
        "KNOOPPUNT_SMS_FILE_PATH": str(folder / "sms"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(folder / "mail"),
        "LOG_LEVEL": "ERROR",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


PREPARE = """
import os
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from knooppunt.accounts.models import Status, User
from knooppunt.access.principals import COMMAND_LINE
from knooppunt.operators.services import create_organisation

count, password = int(os.environ["BENCH_USERS"]), os.environ["BENCH_PASSWORD"]
organisation = create_organisation(
    COMMAND_LINE, type="gemeente", naam="Gemeente Benchmark", gemeentecode="0999",
    agreements_signed=True,
)
encoded = make_password(password)  # the production hasher: Argon2id m=19 MiB, t=2, p=1
assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$"), encoded
now = timezone.now()
User.objects.bulk_create(
    User(
        username=f"bench{n}", voorletters="B", voornaam="Bank", achternaam=f"Meting{n}",
        email=f"bench{n}@benchmark.example", telefoonnummer=f"+3161{n:07d}",
        organisation=organisation, status=Status.ACTIVE, password=encoded,
        password_changed_at=now, last_login=now,
    )
    for n in range(count)
)
print(encoded)
"""


def _prepare(env: dict, users: int) -> str:
    manage = [sys.executable, "-m", "knooppunt.manage"]
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], env=env, check=True)
    done = subprocess.run(
        [*manage, "shell", "-c", PREPARE],
        env={**env, "BENCH_USERS": str(users), "BENCH_PASSWORD": PASSWORD},
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1]


# --- the server ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_gunicorn(env: dict, port: int, workers: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "knooppunt.wsgi:application",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--http-parser",
        "fast",  # gunicorn_h1c, as in production (requirements/base.in); fails if it is missing
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/inloggen/")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def _workers_of(master_pid: int) -> list[str]:
    return Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()


def _cpu_seconds(pids: list[str]) -> float:
    """User + system CPU time of these processes: unlike wall time, not inflated by other load."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _worker_rss_mib(master_pid: int) -> list[float]:
    children = _workers_of(master_pid)
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


# --- the clients -----------------------------------------------------------------------------


class Browser:
    """Just enough of a browser: cookies, the CSRF token, no redirects followed.

    Plain sockets rather than http.client (whose header parsing costs about as much as the rest
    of the client): the load generator shares the cores with the server, so what it spends is
    taken from the figure being measured. The connection is closed as soon as the response's
    Content-Length has arrived, as a browser would: a gunicorn worker waits for the client to
    close before it accepts the next connection, so a slow close would leave a core idle.
    """

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        body = b""
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            lines += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
            ]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            # A blocking socket with the kernel's timeouts (on Linux the send timeout also limits
            # connect): Python's own socket timeout would add a poll() before every call.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, SOCKET_TIMEOUT)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, SOCKET_TIMEOUT)
            sock.connect(("127.0.0.1", self.port))
            sock.sendall(request)
            received = b""
            while b"\r\n\r\n" not in received:
                received += self._more(sock)
            head, _, content = received.partition(b"\r\n\r\n")
            status_line, *headers = head.decode("latin-1").split("\r\n")
            location, length = None, None
            for header in headers:
                name, _, value = header.partition(":")
                name, value = name.lower(), value.strip()
                if name == "set-cookie":
                    cookie, _, rest = value.partition("=")
                    self.cookies[cookie] = rest.split(";", 1)[0]
                elif name == "location":
                    location = value
                elif name == "content-length":
                    length = int(value)
            while length is None or len(content) < length:  # no length: up to the close
                try:
                    content += self._more(sock)
                except EOFError:
                    break
        return int(status_line.split(" ", 2)[1]), location, content

    @staticmethod
    def _more(sock) -> bytes:
        try:
            chunk = sock.recv(65536)
        except BlockingIOError:  # how the kernel's receive timeout shows itself
            raise TimeoutError("no answer from the server within 60 s") from None
        if not chunk:
            raise EOFError("connection closed")
        return chunk


def _read_code(folder: Path, phone: str, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for entry in os.scandir(folder):
            try:
                data = json.loads(Path(entry.path).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # being written, or taken by another client
            if data["to"] == phone:
                os.unlink(entry.path)
                return re.search(r"\b(\d{6})\b", data["text"]).group(1)
        time.sleep(0.002)
    raise RuntimeError(f"no code for {phone}")


def _login(port: int, sms: Path, n: int, timings: dict[str, list[float]]) -> None:
    browser = Browser(port)
    marks = [time.perf_counter()]
    status, _, page = browser.request("GET", "/inloggen/")
    marks.append(time.perf_counter())
    assert status == 200, status
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    form = {"csrfmiddlewaretoken": token, "username": f"bench{n}", "password": PASSWORD}
    status, location, _ = browser.request("POST", "/inloggen/", form)
    marks.append(time.perf_counter())
    assert status == 302 and location == "/inloggen/verificatie/", (status, location)
    code = _read_code(sms, f"+3161{n:07d}")
    marks.append(time.perf_counter())
    form = {"csrfmiddlewaretoken": token, "code": code}
    status, location, _ = browser.request("POST", "/inloggen/verificatie/", form)
    marks.append(time.perf_counter())
    assert status == 302 and location == "/", (status, location)
    status, _, page = browser.request("GET", "/")
    marks.append(time.perf_counter())
    assert status == 200 and b"Welkom" in page, status
    spans = [marks[1] - marks[0], marks[2] - marks[1], marks[4] - marks[3], marks[5] - marks[4]]
    for step, span in zip(STEPS, spans, strict=True):
        timings[step].append(span)


class Round(NamedTuple):
    """One round of logins: how many, in how long, and the load generator's CPU for them."""

    logins: int
    seconds: float
    timings: dict[str, list[float]]
    errors: list[str]
    client_cpu: float  # seconds, all logins of the round together


def _run_clients(port: int, sms: Path, clients: int, seconds: float) -> Round:
    timings: dict[str, list[float]] = {step: [] for step in STEPS}
    errors: list[str] = []
    count = [0] * clients
    stop = time.perf_counter() + seconds

    def client(n: int) -> None:
        while time.perf_counter() < stop:
            try:
                _login(port, sms, n, timings)
                count[n] += 1
            except Exception as exc:  # report, do not hide
                errors.append(repr(exc))
                return

    start, cpu = time.perf_counter(), time.process_time()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    return Round(sum(count), elapsed, timings, errors, cpu)


# --- the ceiling -----------------------------------------------------------------------------


def _verify_loop(args) -> tuple[int, float]:
    encoded, seconds = args
    from argon2 import PasswordHasher

    hasher = PasswordHasher(**ARGON2)
    done, stop, cpu = 0, time.perf_counter() + seconds, time.process_time()
    while time.perf_counter() < stop:
        hasher.verify(encoded, PASSWORD)
        done += 1
    return done, time.process_time() - cpu


def _ceiling(django_encoded: str, processes: int, seconds: float) -> tuple[float, float]:
    """Verifies per second with `processes` processes, and the CPU seconds one verify takes."""
    encoded = "$" + django_encoded.split("$", 1)[1]  # Django writes "argon2$argon2id$..."
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        pool.map(_verify_loop, [(encoded, 0.5)] * processes)  # warm-up
        start = time.perf_counter()
        results = pool.map(_verify_loop, [(encoded, seconds)] * processes)
        elapsed = time.perf_counter() - start
    done = sum(n for n, _cpu in results)
    return done / elapsed, sum(cpu for _n, cpu in results) / done


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=20)[-1]


def run() -> tuple[list[Figure], str]:
    seconds = float(os.environ.get("BENCH_LOGIN_SECONDS", 80))
    rounds = int(os.environ.get("BENCH_LOGIN_ROUNDS", 10))
    workers = _workers()
    clients = int(os.environ.get("BENCH_LOGIN_CLIENTS", 2 * workers))
    folder = Path(tempfile.mkdtemp(prefix="knooppunt-bench-login-"))
    (folder / "sms").mkdir()
    (folder / "static").mkdir()  # STATIC_ROOT: WhiteNoise warns when it is missing
    database = Database(folder)
    server = None
    ceilings, rounds_done, worker_cpu = [], [], 0.0
    try:
        env = _environment(folder, database.url)
        encoded = _prepare(env, clients)
        port = _free_port()
        server = _start_gunicorn(env, port, workers)
        pids = _workers_of(server.pid)
        for n in range(clients):  # warm-up: one login each, not measured
            _login(port, folder / "sms", n, {step: [] for step in STEPS})
        # The machine's speed drifts (it is shared), so the logins run in rounds with the
        # ceiling measured before the first and after each: every round has one on each side.
        ceilings.append(_ceiling(encoded, workers, CEILING_SECONDS))
        for _round in range(rounds):
            cpu_before = _cpu_seconds(pids)
            rounds_done.append(_run_clients(port, folder / "sms", clients, seconds / rounds))
            worker_cpu += _cpu_seconds(pids) - cpu_before
            ceilings.append(_ceiling(encoded, workers, CEILING_SECONDS))
        rss = _worker_rss_mib(server.pid)
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        database.drop()
        shutil.rmtree(folder, ignore_errors=True)
    errors = [error for done in rounds_done for error in done.errors]
    if errors:
        raise RuntimeError(f"{len(errors)} client(s) failed: {errors[:3]}")
    logins = sum(done.logins for done in rounds_done)
    rate = logins / sum(done.seconds for done in rounds_done)
    timings = {step: [t for done in rounds_done for t in done.timings[step]] for step in STEPS}
    client_cpu = sum(done.client_cpu for done in rounds_done) / max(logins, 1)
    cpu_per_login = worker_cpu / max(logins, 1)
    ceiling = statistics.mean(rate_ for rate_, _cpu in ceilings)
    cpu_per_verify = statistics.mean(cpu for _rate, cpu in ceilings)
    ratio = rate / ceiling
    per_round = [
        done.logins / done.seconds / statistics.mean([ceilings[i][0], ceilings[i + 1][0]])
        for i, done in enumerate(rounds_done)
    ]
    print(
        f"login: {rate:.1f} logins/s ({logins} in {seconds:.0f} s, {clients} clients, "
        f"{workers} workers, {database.kind}); Argon2 ceiling {ceiling:.1f}/s; "
        f"ratio {ratio:.2f}",
        flush=True,
    )
    figures = [
        Figure(
            "login: complete logins per second",
            rate,
            "logins/s",
            baseline=ceiling,
            note=f"{clients} clients, {workers} gunicorn workers, {database.kind}",
        ),
        Figure(
            "login: Argon2 ceiling",
            ceiling,
            "verifies/s",
            note=f"{workers} processes; "
            + ", ".join(f"{rate_:.1f}" for rate_, _cpu in ceilings)
            + " (before, between and after the rounds)",
        ),
        Figure(
            "login: logins/s ÷ Argon2 ceiling",
            ratio,
            "ratio",
            target=">= 0.6",
            note="rounds: " + ", ".join(f"{r:.2f}" for r in per_round),
        ),
        Figure(
            "login: worker CPU per login",
            cpu_per_login * 1000,
            "ms",
            baseline=cpu_per_verify * 1000,
            note="baseline: CPU of one bare Argon2 verify; ratio = cost of a login in verifies",
        ),
        Figure(
            "login: load generator CPU per login",
            client_cpu * 1000,
            "ms",
            note="the clients share the 2 cores with the workers",
        ),
    ]
    for step in STEPS:
        figures.append(
            Figure(f"login: p95 {step}", _p95(timings[step]) * 1000, "ms", note="per request")
        )
    figures.append(
        Figure(
            "login: worker RSS",
            max(rss) if rss else 0.0,
            "MiB",
            note="largest of " + ", ".join(f"{r:.0f}" for r in rss) + " MiB",
        )
    )
    section = (
        __doc__.strip()
        + f"\n\nThis run: {logins} logins in {rounds} rounds of {seconds / rounds:.0f} s by "
        f"{clients} clients against "
        f"{workers} gunicorn workers on {database.kind}; ceiling {ceiling:.1f} Argon2 "
        f"verifies/s with {workers} processes; ratio {ratio:.2f}. The workers spent "
        f"{cpu_per_login * 1000:.0f} ms of CPU per login against {cpu_per_verify * 1000:.0f} ms "
        "for a bare verify: a figure that moves less than the ratio with the machine's other "
        "load, though still by a few percent (the database server's own CPU is not in it). Every "
        "login costs exactly one Argon2 verify; what it costs beyond that (two session-id "
        "cycles, two audit events, the lockout bookkeeping, the code's device row, four page "
        "renders) is the gap to the ceiling. The machine's 2 cores are shared with the load "
        "generator and anything else running, so figures vary between runs."
    )
    return figures, section
