"""The last-administrator guard under real concurrency. In a module of its own: it needs a
transactional database, and the flush after it must not run between other modules' tests."""

import pytest

from knooppunt.accounts.models import Status, User
from knooppunt.testing.factories import AdministratorFactory
from knooppunt.usermanagement import services


@pytest.mark.skipif(
    __import__("django.db", fromlist=["connection"]).connection.vendor != "postgresql",
    reason="row locks under real concurrency: PostgreSQL",
)
@pytest.mark.django_db(transaction=True)  # ordered with the transactional tests, after the rest
def test_two_administrators_removing_each_other_at_once_leave_one(live_db, monkeypatch):
    """Both see two active administrators; the organisation lock lets only one go through."""
    import threading
    import time

    from django.db import connections

    from knooppunt.access import services as access_services
    from knooppunt.testing.factories import OrganisationFactory

    # A pause between the guard and the write, so that both requests are past the guard
    # together unless something makes the second one wait.
    suspend = access_services.suspend_grants

    def slow_suspend(user):
        time.sleep(0.5)
        return suspend(user)

    monkeypatch.setattr(access_services, "suspend_grants", slow_suspend)

    organisation = OrganisationFactory()
    first = AdministratorFactory(organisation=organisation)
    second = AdministratorFactory(organisation=organisation)
    barrier = threading.Barrier(2)
    outcomes = []

    def remove(actor_pk, target_pk):
        try:
            actor, target = User.objects.get(pk=actor_pk), User.objects.get(pk=target_pk)
            barrier.wait()
            services.deactivate_user(actor, target)
            outcomes.append("ok")
        except Exception as exc:  # the refusal (or a 404 for an actor deactivated meanwhile)
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=remove, args=(first.pk, second.pk)),
        threading.Thread(target=remove, args=(second.pk, first.pk)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1, outcomes
    active = User.objects.filter(organisation=organisation, status=Status.ACTIVE)
    assert active.filter(is_administrator=True).count() == 1
