"""The chain: every tamper of SPEC 8 is reported, on SQLite and PostgreSQL alike."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from knooppunt.audit import registry
from knooppunt.audit.models import AuditChainHead, AuditEvent
from knooppunt.audit.services import (
    GENESIS,
    chain_hash,
    head_mac,
    record,
    seal,
    verify,
    verify_chain,
)

pytestmark = pytest.mark.django_db


def _three_events():
    events = [record(f"test.event{n}", details={"n": n}) for n in range(3)]
    seal()
    return [AuditEvent.objects.get(pk=e.pk) for e in events]


def test_intact_chain_verifies(capsys):
    _three_events()
    assert verify_chain() is None
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def test_an_unregistered_action_is_refused_and_writes_nothing():
    with pytest.raises(registry.UnregisteredAction):
        record("test.never_registered")
    assert not AuditEvent.objects.exists()


def test_sealing_chains_each_event_to_the_previous_in_order():
    first, second, third = _three_events()
    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_seq, head.last_hash) == (3, third.hash)


def test_an_event_is_unsealed_until_the_sealing_step():
    event = record("test.event0")
    assert AuditEvent.objects.get(pk=event.pk).seq is None
    assert seal() == 1
    assert seal() == 0
    assert AuditEvent.objects.get(pk=event.pk).seq == 1


def test_edited_record_is_reported():
    _first, second, _third = _three_events()
    AuditEvent.objects.filter(pk=second.pk).update(outcome="failure")
    problem = verify_chain()
    assert problem.event_id == second.pk
    assert "inhoud" in problem.reason
    with pytest.raises(CommandError, match=f"regel {second.pk}"):
        call_command("verify_audit")


def test_edited_details_are_reported():
    _first, second, _third = _three_events()
    AuditEvent.objects.filter(pk=second.pk).update(details={"n": 99})
    assert verify_chain().event_id == second.pk


def test_edited_record_that_is_not_sealed_yet_is_reported():
    event = record("test.event0", details={"n": 1})
    AuditEvent.objects.filter(pk=event.pk).update(details={"n": 2})
    assert verify_chain().event_id == event.pk


def test_deleted_middle_record_is_reported():
    _first, second, third = _three_events()
    AuditEvent.objects.filter(pk=second.pk).delete()
    problem = verify_chain()
    assert problem.event_id == third.pk
    assert "ontbreken" in problem.reason


def test_deleted_middle_record_with_renumbered_successors_is_reported():
    """Closing the gap by renumbering the successor breaks its keyed link."""
    _first, second, third = _three_events()
    AuditEvent.objects.filter(pk=second.pk).delete()
    AuditEvent.objects.filter(pk=third.pk).update(seq=2)
    assert verify_chain().event_id == third.pk


def test_cut_off_tail_is_reported():
    _first, _second, third = _three_events()
    AuditEvent.objects.filter(pk=third.pk).delete()
    problem = verify_chain()
    assert problem is not None
    assert "laatste" in problem.reason


def test_cut_off_tail_with_an_adjusted_head_is_reported():
    """The head carries a MAC: moving it back to the new last record does not verify."""
    _first, second, third = _three_events()
    AuditEvent.objects.filter(pk=third.pk).delete()
    AuditChainHead.objects.filter(pk=1).update(last_seq=2, last_hash=second.hash)
    problem = verify_chain()
    assert problem is not None
    assert "kop" in problem.reason


def test_head_with_a_recomputed_plain_hash_does_not_pass():
    import hashlib

    _first, second, third = _three_events()
    AuditEvent.objects.filter(pk=third.pk).delete()
    forged = hashlib.sha256(f"head|2|{second.hash}".encode()).hexdigest()
    AuditChainHead.objects.filter(pk=1).update(last_seq=2, last_hash=second.hash, mac=forged)
    assert verify_chain() is not None


def test_recomputed_plain_hash_does_not_pass():
    """Someone who edits a row and recomputes a plain SHA-256 still fails: the chain is keyed."""
    import hashlib

    _first, second, _third = _three_events()
    AuditEvent.objects.filter(pk=second.pk).update(
        outcome="failure", mac=hashlib.sha256(b"forged").hexdigest()
    )
    assert verify_chain() is not None


def test_events_left_unsealed_past_the_bound_are_reported(settings):
    settings.KNOOPPUNT_AUDIT_SEAL_SECONDS = 60
    event = record("test.event0")
    assert verify_chain() is None  # just written: the sealing step may not have run yet
    later = timezone.now() + datetime.timedelta(seconds=61)
    problem = verify_chain(now=later)
    assert problem.event_id == event.pk
    assert "niet in de keten" in problem.reason


def test_every_problem_is_listed():
    first, second, third = _three_events()
    AuditEvent.objects.filter(pk=first.pk).update(outcome="denied")
    AuditEvent.objects.filter(pk=third.pk).update(outcome="denied")
    assert {p.event_id for p in verify()} == {first.pk, third.pk}


def test_chain_helpers_are_keyed(settings):
    digest = chain_hash(GENESIS, 1, 1, "m")
    assert head_mac(1, digest) != head_mac(2, digest)
    settings.KNOOPPUNT_AUDIT_KEY = "another-key"
    assert chain_hash(GENESIS, 1, 1, "m") != digest


def test_verify_audit_exits_non_zero_from_the_command_line():
    _first, second, _third = _three_events()
    AuditEvent.objects.filter(pk=second.pk).update(action="tampered")
    with pytest.raises(SystemExit) as exc:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["knooppunt", "verify_audit"])
    assert exc.value.code != 0
