"""The audit trail under real concurrency on PostgreSQL (issue 11.4): an audited transaction that
stays open does not make other audited changes wait, and every committed event ends up in one
intact chain. In a module of its own: it needs a transactional database."""

import threading

import pytest
from django.db import connection, connections, transaction

from knooppunt.audit.models import AuditChainHead, AuditEvent
from knooppunt.audit.services import record, seal_pending, verify

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks under real concurrency: PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]


def _in_thread(func):
    outcome = {}

    def run():
        try:
            outcome["value"] = func()
        except Exception as exc:
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_an_open_audited_transaction_does_not_hold_up_other_audited_changes(live_db):
    from knooppunt.testing.fixtures import _register_test_actions

    _register_test_actions()
    slow_recorded, release = threading.Event(), threading.Event()

    def slow():
        with transaction.atomic():
            record("test.event0", details={"slow": True})
            slow_recorded.set()
            assert release.wait(timeout=30)  # held open, like a change waiting for a mail server

    slow_thread, slow_outcome = _in_thread(slow)
    assert slow_recorded.wait(timeout=10)
    fast = []
    for n in range(5):
        thread, outcome = _in_thread(lambda n=n: record("test.event1", details={"n": n}).pk)
        thread.join(timeout=10)
        # With one locked chain head, this waited for the slow transaction's commit.
        assert not thread.is_alive(), "an audited change waits for another's transaction"
        assert "error" not in outcome, outcome
        fast.append(outcome["value"])
    # The sealer is not held up by the open transaction either: it chains the committed ones.
    thread, outcome = _in_thread(seal_pending)
    thread.join(timeout=10)
    assert not thread.is_alive() and "error" not in outcome, outcome
    assert AuditEvent.objects.filter(pk__in=fast, seq__isnull=False).count() == 5
    release.set()
    slow_thread.join(timeout=10)
    assert "error" not in slow_outcome, slow_outcome
    seal_pending()
    assert verify() == []
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 0
    assert AuditChainHead.objects.get(pk=1).last_seq == 6


def test_concurrent_writers_and_sealers_make_one_gapless_chain(live_db):
    from knooppunt.testing.fixtures import _register_test_actions

    _register_test_actions()
    barrier = threading.Barrier(8)

    def writer(n):
        barrier.wait()
        for i in range(25):
            with transaction.atomic():
                record("test.event2", details={"writer": n, "i": i})

    writing = threading.Event()
    writing.set()

    def sealer():
        while writing.is_set():
            seal_pending()

    sealers = [_in_thread(sealer) for _ in range(2)]  # two workers' sealers at once
    threads = [_in_thread(lambda n=n: writer(n)) for n in range(8)]
    for thread, outcome in threads:
        thread.join(timeout=60)
        assert "error" not in outcome, outcome
    writing.clear()
    for thread, outcome in sealers:
        thread.join(timeout=60)
        assert "error" not in outcome, outcome
    seal_pending()
    assert verify() == []
    seqs = sorted(AuditEvent.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, 201))
