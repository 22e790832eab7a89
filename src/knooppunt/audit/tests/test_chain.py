import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from knooppunt.audit.models import AuditEvent
from knooppunt.audit.services import record, verify_chain

pytestmark = pytest.mark.django_db


def _three_events():
    return [record(f"test.event{n}", details={"n": n}) for n in range(3)]


def test_intact_chain_verifies(capsys):
    _three_events()
    assert verify_chain() is None
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def test_each_event_is_chained_to_the_previous():
    first, second, third = _three_events()
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash


def test_edited_record_is_reported():
    first, second, _third = _three_events()
    AuditEvent.objects.filter(pk=second.pk).update(outcome="failure")
    problem = verify_chain()
    assert problem.event_id == second.pk
    with pytest.raises(CommandError, match=f"regel {second.pk}"):
        call_command("verify_audit")


def test_edited_details_are_reported():
    _first, second, _third = _three_events()
    AuditEvent.objects.filter(pk=second.pk).update(details={"n": 99})
    assert verify_chain().event_id == second.pk


def test_deleted_middle_record_is_reported():
    _first, second, third = _three_events()
    AuditEvent.objects.filter(pk=second.pk).delete()
    assert verify_chain().event_id == third.pk


def test_deleted_last_record_is_reported():
    _first, _second, third = _three_events()
    AuditEvent.objects.filter(pk=third.pk).delete()
    problem = verify_chain()
    assert problem is not None
    assert "laatste" in problem.reason


def test_recomputed_plain_hash_does_not_pass():
    """Someone who edits a row and recomputes a plain SHA-256 still fails: the chain is keyed."""
    import hashlib

    _first, second, _third = _three_events()
    AuditEvent.objects.filter(pk=second.pk).update(
        outcome="failure", hash=hashlib.sha256(b"forged").hexdigest()
    )
    assert verify_chain() is not None


def test_verify_audit_exits_non_zero_from_the_command_line():
    _first, second, _third = _three_events()
    AuditEvent.objects.filter(pk=second.pk).update(action="tampered")
    with pytest.raises(SystemExit) as exc:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["knooppunt", "verify_audit"])
    assert exc.value.code != 0
