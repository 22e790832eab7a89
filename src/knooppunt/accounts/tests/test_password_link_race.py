"""A set-password link submitted twice at the same moment: exactly one submission wins.

In a file of its own: it needs a live server and a transactional database, and tests of that
kind run after the others (the flush after them removes the reference data).
"""

import pytest

from knooppunt.accounts import passwords
from knooppunt.accounts.models import PasswordLinkPurpose, Status
from knooppunt.audit.models import AuditEvent
from knooppunt.testing.factories import UserFactory

from .test_password_links import _path


def _submit_twice_at_once(url: str, chosen: list[str]) -> list:
    """Two browsers open the same link, then post it at the same moment."""
    import threading

    import requests

    browsers = [requests.Session() for _ in chosen]
    for browser in browsers:
        assert browser.get(url, timeout=10).status_code == 200
    answers: list = [None] * len(chosen)
    start = threading.Barrier(len(chosen))

    def submit(i):
        data = {
            "csrfmiddlewaretoken": browsers[i].cookies["csrftoken"],
            "new_password1": chosen[i],
            "new_password2": chosen[i],
        }
        start.wait()
        answers[i] = browsers[i].post(url, data=data, timeout=10)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(len(chosen))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for browser in browsers:
        browser.close()
    return answers


def _headline(html: str) -> str:
    """The page's h1 and its first error, enough to tell the answers apart."""
    import re

    parts = re.findall(r"<h1[^>]*>(.*?)</h1>|<li>(.*?)</li>", html, re.S)
    return " | ".join(p for pair in parts[:3] for p in pair if p).strip()[:300]


def test_same_link_submitted_twice_at_the_same_moment_exactly_one_wins(live_server, live_db):
    """Two browsers submit the same link at once: the conditional UPDATE lets exactly one win.

    Real concurrency needs a database that runs transactions side by side: PostgreSQL (CI runs
    the suite on it). SQLite serialises every writer, and its shared-cache in-memory test
    database refuses rather than waits, so the race cannot be run meaningfully there.
    """
    from django.db import connection

    from knooppunt.accounts.models import PasswordHistory

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite cannot run two write transactions at once")

    for round_ in range(5):
        # Personal data that shares no 3 letters with the passwords below: the factory's numbered
        # names ('Proefpersoon17') could, and the policy then refused one submission.
        name = "race" + "abcde"[round_]
        user = UserFactory(
            username=name,
            achternaam="Gelijktijdig",
            email=f"{name}@proef.example",
            status=Status.INVITED,
            password_changed_at=None,
        )
        user.set_unusable_password()
        user.save()
        url = live_server.url + _path(passwords.create_link(user, PasswordLinkPurpose.INVITATION))
        chosen = [f"Zomer!Regen{round_}7", f"Winter#Sneeuw{round_}8"]
        answers = _submit_twice_at_once(url, chosen)

        # On failure, say what each submission saw (a form error, the done page, the 410 page).
        seen = [(a.status_code, _headline(a.text)) for a in answers]
        assert sorted(a.status_code for a in answers) == [200, 410], (round_, seen)
        winner = next(i for i in range(2) if answers[i].status_code == 200)
        assert "Uw wachtwoord is opgeslagen" in answers[winner].text
        assert "Deze link werkt niet meer" in answers[1 - winner].text
        user.refresh_from_db()
        assert user.check_password(chosen[winner])
        assert user.status == Status.ACTIVE
        assert PasswordHistory.objects.filter(user=user).count() == 0  # set once, not twice
        assert AuditEvent.objects.filter(action="password.set", actor_id=user.pk).count() == 1
