"""Offering files (issue 15, item 3): accepted files are stored with their row, history and
audit event; refused ones store nothing but their list."""

import pytest
from django.core.files.storage import storages

from knooppunt.audit.models import AuditEvent
from knooppunt.exchange import services
from knooppunt.exchange.models import Message, Refusal, Status

from .conftest import jw301, jw302, new_id

pytestmark = pytest.mark.django_db


def _stored_files():
    store = storages["exchange"]
    try:
        folders, files = store.listdir("berichten")
    except FileNotFoundError:
        return []
    found = []

    def walk(prefix):
        sub, names = store.listdir(prefix)
        found.extend(f"{prefix}/{n}" for n in names)
        for s in sub:
            walk(f"{prefix}/{s}")

    walk("berichten")
    return found


def test_an_accepted_message_has_payload_row_history_and_audit(world):
    data = jw301("A1")
    [outcome] = services.offer(world.g_user, world.gemeente, "ijw", "jw301.xml", data)
    assert outcome.accepted, outcome.findings
    message = outcome.message
    assert (message.sender, message.receiver) == (world.gemeente, world.aanbieder)
    assert message.message_type == "JW301" and message.bericht_code == 436
    assert message.identificatie == "A1" and message.size == len(data)
    assert message.status == Status.AANGEBODEN
    assert [c.status for c in message.history.all()] == ["ontvangen", "aangeboden"]
    assert storages["exchange"].open(message.payload).read() == data
    assert AuditEvent.objects.filter(action="exchange.upload", object_id=str(message.pk)).exists()
    assert message.retour_due_on is not None and message.uploaded_by == world.g_user


def test_a_refused_file_stores_nothing_but_its_list(world):
    [outcome] = services.offer(world.g_user, world.gemeente, "ijw", "x.xml", b"geen xml")
    assert not outcome.accepted
    assert not Message.objects.exists() and _stored_files() == []
    refusal = Refusal.objects.get()
    assert refusal.findings[0]["code"] == "KP003"
    assert AuditEvent.objects.filter(action="exchange.refused").exists()


def test_a_failure_while_accepting_leaves_no_payload(world, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("database weg")

    monkeypatch.setattr("knooppunt.exchange.services.StatusChange.objects.bulk_create", boom)
    with pytest.raises(RuntimeError):
        services.offer(world.g_user, world.gemeente, "ijw", "jw301.xml", jw301())
    assert not Message.objects.exists() and _stored_files() == []


def test_the_retour_links_to_its_heen_bericht_and_answers_it(world):
    [heen] = services.offer(world.g_user, world.gemeente, "ijw", "h.xml", jw301("H1"))
    [retour] = services.offer(world.a_user, world.aanbieder, "ijw", "r.xml", jw302("H1", "R1"))
    assert retour.accepted, retour.findings
    assert retour.message.heen == heen.message
    assert retour.message.receiver == world.gemeente and retour.message.identificatie == "R1"
    heen.message.refresh_from_db()
    assert heen.message.answered_at is not None


def test_a_zip_checks_each_file_on_its_own(world):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.xml", jw301("Z1"))
        archive.writestr("b.xml", b"kapot")
        archive.writestr("c.xml", jw301("Z1"))  # the same identification as a.xml: TR056
    outcomes = services.offer(world.g_user, world.gemeente, "ijw", "b.zip", buffer.getvalue())
    assert [o.accepted for o in outcomes] == [True, False, False]
    assert outcomes[2].findings[0].code == "TR056"
    assert Message.objects.count() == 1 and Refusal.objects.count() == 2


def test_check_only_stores_nothing(world):
    checked = services.check_offer(world.g_user, world.gemeente, "ijw", "x.xml", jw301())
    assert checked[0].report.ok
    assert not Message.objects.exists() and not Refusal.objects.exists()


def test_a_duplicate_from_a_parallel_upload_is_refused_as_tr056(world, monkeypatch):
    ident = new_id()
    services.offer(world.g_user, world.gemeente, "ijw", "a.xml", jw301(ident))
    # The check saw no duplicate (as if the other upload committed just after it).
    monkeypatch.setattr(
        "knooppunt.exchange.validation.checks.duplicates.check", lambda subject, context: []
    )
    [outcome] = services.offer(world.g_user, world.gemeente, "ijw", "b.xml", jw301(ident))
    assert not outcome.accepted and outcome.findings[-1].code == "TR056"
    assert Message.objects.count() == 1 and len(_stored_files()) == 1
