"""The audit trail under concurrency (issue 11): audited writes against the same writes without
an event, a fast audited change behind a slow one, and the login while a user is created against
a mail server that answers after 10 s.

1. Writes: BENCH_AUDIT_CLIENTS (16) processes, each in a loop of its own small change (one row of
   its own, +1, in a transaction), once with an audit event in the same transaction and once
   without, on PostgreSQL (a database of the bench's own on the server of DATABASE_URL, default
   127.0.0.1), alternating in rounds so that the machine's drift falls on both alike.
2. Stall: one audited transaction is held open for 2 s; meanwhile a client runs fast audited
   changes; their p95.
3. Slow mail: gunicorn (two workers) and a job worker on SQLite, a mail server that answers only
   after 10 s; logins by two clients, once alone and once while an administrator creates users
   through "Nieuwe gebruiker toevoegen" (each queues an invitation the worker sends); the ratio
   of the logins' p95.
"""

import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from bench.cases import login as login_bench
from bench.environment import django_environment
from bench.report import Figure

TITLE = "Logboek: gelijktijdige wijzigingen"
ROOT = Path(__file__).resolve().parents[2]
MANAGE = [sys.executable, "-m", "knooppunt.manage"]


def _clients() -> int:
    return int(os.environ.get("BENCH_AUDIT_CLIENTS", 16))


def _seconds() -> float:
    return float(os.environ.get("BENCH_AUDIT_SECONDS", 4))


def _rounds() -> int:
    return int(os.environ.get("BENCH_AUDIT_ROUNDS", 4))


# --- 1 and 2: processes writing on PostgreSQL --------------------------------------------------


def _setup(database_url: str, var_dir: str) -> None:
    os.environ.update(django_environment(database_url, var_dir, allowed_hosts="127.0.0.1"))
    os.environ["LOG_LEVEL"] = "ERROR"
    import django

    django.setup()
    from django.utils.translation import gettext_lazy as _

    from knooppunt.audit.registry import Group, register

    register("bench.change", _("Proefwijziging"), Group.AUDIT)


def _writer(args) -> int:
    """One client: as many small audited changes as fit in `seconds`, each a service call of
    its own (a user switching the channel of its verification code between SMS and e-mail:
    the authorisation check, the user's row, the event); unaudited, the same calls with the
    event left out."""
    database_url, var_dir, n, audited, seconds, start_at = args
    _setup(database_url, var_dir)
    from django.db import connection

    from knooppunt.accounts import services
    from knooppunt.accounts.models import User

    if not audited:
        from knooppunt.core.doors import nothing_changed

        # The same change without its event (and without the contract's complaint about it).
        services.record = lambda *args, **kwargs: nothing_changed()
    user = User.objects.get_with_organisation(int(os.environ["BENCH_WRITER_IDS"].split(",")[n]))
    channels = ("sms", "email")
    connection.ensure_connection()
    while time.time() < start_at:
        time.sleep(0.001)
    done, stop = 0, time.time() + seconds
    while time.time() < stop:
        services.set_code_channel(None, user, channels[done % 2])
        done += 1
    connection.close()
    return done


WRITERS = """
import os
from knooppunt.access.principals import COMMAND_LINE
from knooppunt.accounts.models import Status, User
from knooppunt.operators.services import create_organisation
organisation = create_organisation(
    COMMAND_LINE, type="gemeente", naam="Gemeente Logboekmeting", gemeentecode="0998",
    agreements_signed=True,
)
users = User.objects.bulk_create(
    User(username=f"schrijver{n}", voorletters="S", voornaam="Schrijver", achternaam=str(n),
         email=f"schrijver{n}@benchmark.example", telefoonnummer=f"+3162{n:07d}",
         organisation=organisation, status=Status.ACTIVE)
    for n in range(int(os.environ["BENCH_WRITERS"]))
)
print(",".join(str(u.pk) for u in User.objects.filter(username__startswith="schrijver")
               .order_by("pk")))
"""


def _round(pool, database_url, var_dir, audited: bool) -> float:
    clients, seconds = _clients(), _seconds()
    start_at = time.time() + 1.5  # every process connected and waiting
    args = [(database_url, var_dir, n, audited, seconds, start_at) for n in range(clients)]
    return sum(pool.map(_writer, args)) / seconds


def _stall(args) -> list[float]:
    """While another process holds an audited transaction open for 2 s, fast audited changes."""
    database_url, var_dir, role, opened, seconds = args
    _setup(database_url, var_dir)
    from django.db import transaction

    from knooppunt.audit.services import record

    if role == "slow":
        with transaction.atomic():
            record("bench.change", details={"slow": True})
            opened.set()
            time.sleep(seconds)  # the slow transaction itself: what is being measured
        return []
    opened.wait(timeout=30)
    spans, stop = [], time.perf_counter() + seconds * 0.9
    while time.perf_counter() < stop:
        began = time.perf_counter()
        with transaction.atomic():
            record("bench.change", details={"fast": True})
        spans.append((time.perf_counter() - began) * 1000)
    return spans


def _postgres(folder: Path) -> tuple[str, callable]:
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith("postgres"):
        server = "postgres://postgres@127.0.0.1:5432/knooppunt"
    parsed = urllib.parse.urlsplit(server)
    name = f"knooppunt_bench_audit_{os.getpid()}"
    admin = urllib.parse.urlunsplit(parsed._replace(path="/postgres"))

    def sql(statement):
        import psycopg

        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(statement)

    sql(f'CREATE DATABASE "{name}"')
    url = urllib.parse.urlunsplit(parsed._replace(path="/" + name))
    env = {**os.environ, **django_environment(url, str(folder), allowed_hosts="127.0.0.1")}
    subprocess.run([*MANAGE, "migrate", "--no-input", "-v", "0"], env=env, check=True)
    done = subprocess.run(
        [*MANAGE, "shell", "-c", WRITERS],
        env={**env, "BENCH_WRITERS": str(_clients())},
        check=True,
        capture_output=True,
        text=True,
    )
    ids = [int(pk) for pk in done.stdout.strip().splitlines()[-1].split(",")]
    os.environ["BENCH_WRITER_IDS"] = ",".join(map(str, ids))
    return url, lambda: sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _writes_and_stall(folder: Path) -> tuple[list[Figure], str]:
    url, drop = _postgres(folder)
    try:
        context = multiprocessing.get_context("spawn")
        with context.Pool(_clients()) as pool:
            plain, audited = [], []
            for _round_number in range(_rounds()):
                plain.append(_round(pool, url, str(folder), audited=False))
                audited.append(_round(pool, url, str(folder), audited=True))
        with context.Manager() as manager, context.Pool(2) as pool:
            opened = manager.Event()
            results = pool.map(
                _stall,
                [(url, str(folder), "slow", opened, 2.0), (url, str(folder), "fast", opened, 2.0)],
            )
        fast = results[1]
        problems = _verify(url, folder)
    finally:
        drop()
    plain_rate, audited_rate = statistics.mean(plain), statistics.mean(audited)
    ratios = [a / p for a, p in zip(audited, plain, strict=True)]
    p95 = login_bench._p95(fast)
    figures = [
        Figure(
            "audit: unaudited writes/s",
            plain_rate,
            "writes/s",
            note=f"{_clients()} processes, PostgreSQL; rounds: "
            + ", ".join(f"{v:.0f}" for v in plain),
        ),
        Figure(
            "audit: audited writes/s",
            audited_rate,
            "writes/s",
            baseline=plain_rate,
            note="rounds: " + ", ".join(f"{v:.0f}" for v in audited),
        ),
        Figure(
            "audit: concurrent audited writes/s ÷ unaudited",
            audited_rate / plain_rate,
            "ratio",
            target=">= 0.7",
            note="per round: " + ", ".join(f"{r:.2f}" for r in ratios),
        ),
        Figure(
            "audit: stall of a fast audited change behind a slow one",
            p95,
            "ms",
            target="<= 50",
            note=f"p95 of {len(fast)} fast audited changes while one audited transaction "
            f"stayed open 2 s; max {max(fast):.1f} ms",
        ),
    ]
    text = (
        f"Writes: {_clients()} processes on PostgreSQL, {_rounds()} rounds of {_seconds():.0f} s "
        f"each way, alternating. Each write is one transaction that adds 1 to a row of the "
        f"process's own; the audited one records an event in the same transaction, which is "
        f"chained after the commit. After the run the chain verified: {problems or 'intact'}."
    )
    return figures, text


def _verify(url: str, folder: Path) -> str:
    env = {**os.environ, **django_environment(url, str(folder), allowed_hosts="127.0.0.1")}
    # The sealing steps after each commit, then the whole chain checked.
    script = (
        "from knooppunt.audit.services import seal_pending, verify; "
        "seal_pending(rounds=1000); print(len(verify()))"
    )
    done = subprocess.run(
        [*MANAGE, "shell", "-c", script], env=env, capture_output=True, text=True, check=True
    )
    count = int(done.stdout.strip().splitlines()[-1])
    return "" if count == 0 else f"{count} problems"


# --- 3: the login while users are created against a slow mail server --------------------------


class SlowMailServer:
    """Accepts a connection and says nothing for `delay` seconds, then closes it: a mail server
    that hangs. Sending a mail to it takes `delay` seconds and fails."""

    def __init__(self, delay: float):
        self.delay = delay
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._hang, args=(conn,), daemon=True).start()

    def _hang(self, conn):
        time.sleep(self.delay)
        conn.close()

    def close(self):
        self.sock.close()


ADMIN = """
from knooppunt.accounts.models import User
User.objects.filter(username="bench0").update(is_administrator=True)
"""


def _create_users(port: int, sms: Path, stop: threading.Event, made: list) -> None:
    """An administrator (bench0) logged in, creating users through the web form until stopped."""
    import re

    browser = login_bench.Browser(port)
    status, _, page = browser.request("GET", "/inloggen/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    browser.request(
        "POST",
        "/inloggen/",
        {"csrfmiddlewaretoken": token, "username": "bench0", "password": login_bench.PASSWORD},
    )
    code = login_bench._read_code(sms, "+31610000000")
    browser.request("POST", "/inloggen/verificatie/", {"csrfmiddlewaretoken": token, "code": code})
    n = 0
    while not stop.is_set():
        status, _, page = browser.request("GET", "/gebruikers/nieuw/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        form = {
            "csrfmiddlewaretoken": token,
            "voorletters": "N",
            "voornaam": "Nieuw",
            "achternaam": f"Collega{n}",
            "email": f"nieuw{n}.{os.getpid()}@benchmark.example",
        }
        began = time.perf_counter()
        status, location, _ = browser.request("POST", "/gebruikers/nieuw/", form)
        made.append((status, time.perf_counter() - began))
        n += 1


def _login_p95(port: int, sms: Path, seconds: float) -> tuple[float, int]:
    result = login_bench._run_clients(port, sms, 2, seconds)
    spans = [sum(parts) for parts in zip(*result.timings.values(), strict=True)]
    assert not result.errors, result.errors[:3]
    return login_bench._p95(spans) * 1000, result.logins


def _slow_mail(folder: Path) -> tuple[list[Figure], str]:
    mail = SlowMailServer(delay=10)
    env = login_bench._environment(folder, f"sqlite:///{folder / 'mail.sqlite3'}")
    env.update(
        {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(mail.port),
            "KNOOPPUNT_SMS_FILE_PATH": str(folder / "sms"),
        }
    )
    (folder / "sms").mkdir(exist_ok=True)
    login_bench._prepare(env, 50)
    subprocess.run([*MANAGE, "shell", "-c", ADMIN], env=env, check=True, capture_output=True)
    port = login_bench._free_port()
    server = login_bench._start_gunicorn(env, port, 2)
    worker = subprocess.Popen(
        [*MANAGE, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    seconds = _seconds() * 2
    try:
        quiet, quiet_count = _login_p95(port, folder / "sms", seconds)
        stop, made = threading.Event(), []
        creator = threading.Thread(target=_create_users, args=(port, folder / "sms", stop, made))
        creator.start()
        time.sleep(1)  # the creations are under way
        busy, busy_count = _login_p95(port, folder / "sms", seconds)
        stop.set()
        creator.join(timeout=60)
    finally:
        worker.terminate()
        server.terminate()
        worker.wait(timeout=30)
        server.wait(timeout=30)
        mail.close()
    created = [span for status, span in made if status == 302]
    figures = [
        Figure(
            "audit: login p95 without a user being created",
            quiet,
            "ms",
            note=f"{quiet_count} logins by 2 clients, 2 gunicorn workers, SQLite",
        ),
        Figure(
            "audit: login p95 while a user is created against a slow SMTP server",
            busy,
            "ms",
            baseline=quiet,
            note=f"{busy_count} logins; meanwhile {len(created)} users created, each in "
            f"p95 {login_bench._p95(created) * 1000 if created else 0:.0f} ms; the mail "
            f"server (10 s, then a failure) saw {mail.connections} connections from the "
            "job worker",
        ),
        Figure("audit: login p95 with slow SMTP ÷ without", busy / quiet, "ratio", target="<= 2"),
    ]
    text = (
        "Slow mail: the invitation of every created user is a job of the creation's "
        "transaction; the worker, not the request, waits for the mail server."
    )
    return figures, text


def run() -> tuple[list[Figure], str]:
    with tempfile.TemporaryDirectory(prefix="knooppunt-bench-audit-") as tmp:
        folder = Path(tmp)
        figures, text = _writes_and_stall(folder)
        more, more_text = _slow_mail(folder)
    section = (
        "Audited changes on PostgreSQL against the same changes without an event, the wait of a "
        "fast audited change behind a slow open one, and the login while users are created "
        f"against a mail server that hangs.\n\n{text}\n\n{more_text}"
    )
    return figures + more, section
