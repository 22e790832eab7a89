"""One lock order (organisation, then user) for the whole code base, under real concurrency on
PostgreSQL: "Gebruiker wijzigen" and deactivation of the same user at the same moment never
deadlock and never lose an update (issue 11.5). In a module of its own: it needs a transactional
database."""

import threading

import pytest
from django.db import connection, connections

from knooppunt.accounts.models import Status, User
from knooppunt.testing.factories import AdministratorFactory, OrganisationFactory, UserFactory
from knooppunt.usermanagement import services

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks under real concurrency: PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]
ROUNDS = 50


def _data(user: User, memo: str) -> dict:
    fields = ("voorletters", "voornaam", "tussenvoegsel", "achternaam", "email")
    return {**{f: getattr(user, f) for f in fields}, "memo": memo}


def _race(*jobs):
    """Run the jobs in threads that start together; return each one's outcome."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            job()
            outcomes[index] = "ok"
        except Exception as exc:
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, j)) for i, j in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a service is still waiting: a deadlock"
    return outcomes


def test_edit_and_deactivate_of_one_user_at_once_neither_deadlock_nor_lose_an_update(live_db):
    organisation = OrganisationFactory()
    first = AdministratorFactory(organisation=organisation)
    second = AdministratorFactory(organisation=organisation)
    for round_ in range(ROUNDS):
        target = UserFactory(organisation=organisation)
        version = target.version
        memo = f"ronde {round_}"

        def edit(target=target, memo=memo, version=version):
            # Also appoints the user administrator: the step that took the organisation's lock
            # after the user's before, the reverse of deactivation's order.
            services.edit_user(
                User.objects.get(pk=first.pk),
                User.objects.get(pk=target.pk),
                _data(target, memo),
                expected_version=version,
                is_administrator=True,
            )

        def deactivate(target=target):
            services.deactivate_user(User.objects.get(pk=second.pk), User.objects.get(pk=target.pk))

        edited, deactivated = _race(edit, deactivate)
        target.refresh_from_db()
        assert deactivated == "ok", (round_, deactivated)
        assert target.status == Status.DEACTIVATED
        if edited == "ok":
            # Both changes are there: the edit came first, deactivation on top of it.
            assert (target.memo, target.is_administrator) == (memo, True), round_
            assert target.version == version + 2
        else:
            # Deactivation came first: the edit's page was stale, nothing of it was written,
            # and the administrator is told (the screen shows 409 with the current data).
            assert isinstance(edited, services.StaleUserError), (round_, repr(edited))
            assert (target.memo, target.is_administrator) == ("", False), round_
            assert target.version == version + 1


def test_one_save_of_gebruiker_wijzigen_checks_once_and_bumps_the_version_once(live_db):
    from knooppunt.access import rules
    from knooppunt.access.models import Product  # noqa: F401  (the catalogue is loaded)

    organisation = OrganisationFactory()
    admin = AdministratorFactory(organisation=organisation)
    target = UserFactory(organisation=organisation)
    checks: list[str] = []
    token = rules.checks.set(checks)
    try:
        services.edit_user(
            admin,
            target,
            _data(target, "nieuw"),
            expected_version=target.version,
            grants={("iwmo", "gebruiker")},
            is_administrator=True,
        )
    finally:
        rules.checks.reset(token)
    target.refresh_from_db()
    assert checks == ["user.change"]
    assert target.version == 2
    assert (target.memo, target.is_administrator) == ("nieuw", True)
