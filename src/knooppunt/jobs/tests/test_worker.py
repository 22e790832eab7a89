"""The real worker (`knooppunt worker`, as `make run` starts it) against a real database file:
an invitation mail arrives through it, and a worker that dies mid-job has the job retried and
the mail sent once."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
MANAGE = [sys.executable, "-m", "knooppunt.manage"]


@pytest.fixture
def site(tmp_path):
    """A migrated SQLite database of its own and the environment to run the commands in."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "knooppunt.conf.settings",
        "SECRET_KEY": "worker-test-" + "x" * 40,
        "DEBUG": "0",
        "KNOOPPUNT_SECURE": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "KNOOPPUNT_VAR_DIR": str(tmp_path / "var"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "KNOOPPUNT_JOB_TIMEOUT": "1",
        "KNOOPPUNT_JOB_RETRY": "2",
    }
    subprocess.run([*MANAGE, "migrate", "--no-input", "-v0"], env=env, check=True)
    org = (
        subprocess.run(
            [
                *MANAGE,
                "create_organisation",
                "--type",
                "gemeente",
                "--naam",
                "Gemeente Werk",
                "--gemeentecode",
                "0999",
                "--domain",
                "werk.example",
                "--agreements-signed",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    return env, org, tmp_path / "mail"


def _appoint(env, org):
    subprocess.run(
        [
            *MANAGE,
            "appoint_admin",
            "--organisation",
            org,
            "--voorletters",
            "W",
            "--voornaam",
            "Wim",
            "--achternaam",
            "Werker",
            "--email",
            "wim.werker@werk.example",
        ],
        env=env,
        check=True,
        capture_output=True,
    )


def _mails(folder: Path) -> list[str]:
    if not folder.exists():
        return []
    return [p.read_text() for p in folder.glob("*.log")]


def _wait_for(condition, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def _worker(env):
    return subprocess.Popen(
        [*MANAGE, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def test_an_invitation_mail_arrives_through_the_worker(site):
    env, org, mail = site
    _appoint(env, org)
    assert _mails(mail) == []  # queued in the appointment's transaction, not sent by it
    worker = _worker(env)
    try:
        assert _wait_for(lambda: len(_mails(mail)) == 1, 30), "no mail through the worker"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    (body,) = _mails(mail)
    assert "wim.werker@werk.example" in body
    assert "/wachtwoord/instellen/" in body


def test_a_worker_that_dies_mid_job_has_the_job_retried_and_the_mail_sent_once(site):
    env, org, mail = site
    env = {**env, "EMAIL_BACKEND": "knooppunt.testing.mail.DieOnceBackend"}
    _appoint(env, org)
    worker = _worker(env)
    try:
        assert _wait_for(lambda: (mail / "died-once").exists(), 30), "the job never started"
        assert _wait_for(lambda: len(_mails(mail)) == 1, 60), "the job was not retried"
        # Whatever runs the job again now finds the mail sent, and sends nothing.
        subprocess.run([*MANAGE, "worker", "--once"], env=env, check=True, capture_output=True)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert len(_mails(mail)) == 1
    state = (
        subprocess.run(
            [
                *MANAGE,
                "shell",
                "-c",
                "from knooppunt.jobs.models import OutgoingMail as M; "
                "print([(m.status, m.attempts) for m in M.objects.all()])",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    assert state == "[('sent', 2)]"  # one attempt died before sending, the retry sent it
