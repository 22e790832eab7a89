"""The doors of the Wlz register: the lookup (screen, bulk, webservice), the bulk check, the
register's import, the operator's "Wie heeft dit BSN geraadpleegd?" and the purges. Each asks
the authorisation module once, runs in one transaction and writes its audit event."""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from knooppunt.access import rules
from knooppunt.access.principals import Actor, as_principal
from knooppunt.audit.services import record
from knooppunt.core.doors import nothing_changed, service
from knooppunt.jobs.queue import enqueue

from . import bsn as bsn_module
from . import log, lookup, merge
from .models import (
    BulkCheck,
    BulkResultChunk,
    ImportChunk,
    ImportMode,
    JobStatus,
    Kanaal,
    Raadpleging,
    RegisterImport,
    Uitkomst,
)

# --- the lookup ------------------------------------------------------------------------------


@service(rule="registertoets.raadplegen", audit=("registertoets.raadpleging",))
def raadplegen(
    actor: Actor,
    *,
    bsn: str,
    geboortedatum: datetime.date | None,
    reden: str,
    peildatum: datetime.date | None = None,
    kanaal: str = Kanaal.WEB,
    request=None,
) -> lookup.Antwoord:
    """One question to the register. A question that fails its checks raises a ValidationError
    (Dutch, per field) and is neither answered nor logged; an answered one is logged (NEN 7513)."""
    principal = as_principal(actor)
    rules.require(principal, "registertoets.raadplegen")
    vraag = lookup.check(bsn, geboortedatum, reden, peildatum)
    digest = bsn_module.keyed_hash(vraag.bsn)
    antwoord = lookup.answer(vraag, bsn_hash=digest)
    log.write(
        principal,
        [log.Entry(vraag.bsn, digest, antwoord.uitkomst)],
        reden=vraag.reden,
        peildatum=vraag.peildatum,
        kanaal=kanaal,
        request=request,
    )
    return antwoord


# --- the bulk check --------------------------------------------------------------------------

BULK_CHUNK = 500
RESULT_HEADER = [
    "bsn",
    "geboortedatum",
    "wlz_indicatie",
    "zorgprofielen",
    "ingangsdatum",
    "einddatum",
    "afgiftedatum",
]


@service(rule="registertoets.bulk", audit=("registertoets.bulk_upload",))
def submit_bulk(
    actor: Actor,
    rows: Sequence[tuple[str, datetime.date]],
    *,
    reden: str,
    filename: str = "",
    request=None,
) -> BulkCheck:
    """Accept a checked file of (BSN, geboortedatum) rows for the job that answers them. The rows
    are kept encrypted until the job has read them."""
    principal = as_principal(actor)
    rules.require(principal, "registertoets.bulk")
    if not reden:
        raise ValidationError({"reden": [_("Kies de reden van de raadpleging.")]})
    user = principal.user
    assert principal.organisation_id is not None  # the rule: a Gebruiker of an organisation
    bulk = BulkCheck.objects.create(
        organisation_id=principal.organisation_id,
        created_by=user,
        created_by_username=principal.name,
        filename=filename[:200],
        reden=reden,
        peildatum=lookup.today(),
        total=len(rows),
        invoer="\n".join(f"{b},{d.isoformat()}" for b, d in rows),
    )
    enqueue("knooppunt.registertoets.tasks.run_bulk", bulk.pk, name=f"registertoets-bulk-{bulk.pk}")
    record(
        "registertoets.bulk_upload",
        actor=principal,
        request=request,
        target=bulk,
        details={"rows": len(rows), "reden": reden},
    )
    return bulk


def _result_line(bsn: str, birth: datetime.date, antwoord: lookup.Antwoord) -> list[str]:
    ja = antwoord.ja
    profiles = " | ".join(
        "; ".join(f"{code} {name}" for code, name in ind.zorgprofielen)
        for ind in antwoord.indicaties
    )

    def dates(attr: str) -> str:
        return " | ".join(
            (getattr(ind, attr).isoformat() if getattr(ind, attr) else "")
            for ind in antwoord.indicaties
        )

    return [
        bsn,
        birth.isoformat(),
        "Ja" if ja else "Nee",
        profiles,
        dates("ingangsdatum") if ja else "",
        dates("einddatum") if ja else "",
        dates("afgiftedatum") if ja else "",
    ]


@service(rule="registertoets.bulk_result", audit=("registertoets.raadpleging",))
def answer_bulk_chunk(actor: Actor, bulk: BulkCheck, seq: int, lines: Sequence[str]) -> int:
    """Answer one piece of a bulk check on behalf of its uploader, log each row as a lookup and
    keep the piece of the result; the progress the page shows is this piece's commit."""
    import csv

    principal = as_principal(actor)
    rules.require(principal, "registertoets.bulk_result", bulk)
    locked = BulkCheck.objects.select_for_update().get(pk=bulk.pk)
    if (
        locked.status not in (JobStatus.QUEUED, JobStatus.RUNNING)
        or locked.chunks.filter(seq=seq).exists()
    ):
        nothing_changed()  # a job that ran twice: this piece is done
        return 0
    entries, out = [], io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    ja = 0
    for line in lines:
        bsn, birth_text = line.split(",")
        birth = datetime.date.fromisoformat(birth_text)
        vraag = lookup.Vraag(bsn, birth, locked.reden, locked.peildatum)
        digest = bsn_module.keyed_hash(bsn)
        antwoord = lookup.answer(vraag, bsn_hash=digest)
        ja += antwoord.ja
        entries.append(log.Entry(bsn, digest, antwoord.uitkomst))
        writer.writerow(_result_line(bsn, birth, antwoord))
    log.write(
        principal,
        entries,
        reden=locked.reden,
        peildatum=locked.peildatum,
        kanaal=Kanaal.BULK,
    )
    BulkResultChunk.objects.create(bulk=locked, seq=seq, data=out.getvalue())
    locked.done += len(lines)
    locked.ja += ja
    locked.status = JobStatus.RUNNING
    update = ["done", "ja", "status"]
    if locked.done >= locked.total:
        now = timezone.now()
        locked.status = JobStatus.DONE
        locked.finished_at = now
        locked.expires_at = now + datetime.timedelta(
            hours=settings.KNOOPPUNT_REGISTERTOETS_RESULT_HOURS
        )
        locked.invoer = ""
        update += ["finished_at", "expires_at", "invoer"]
    locked.save(update_fields=update)
    return len(lines)


class ResultGone(Exception):
    """The result was downloaded already, or has expired."""


@service(rule="registertoets.bulk_result", audit=("registertoets.bulk_download",))
def download_bulk(actor: Actor, bulk: BulkCheck, *, request=None) -> str:
    """The result as CSV text, once: it is deleted in the same transaction."""
    import csv

    principal = as_principal(actor)
    rules.require(principal, "registertoets.bulk_result", bulk)
    locked = BulkCheck.objects.select_for_update().get(pk=bulk.pk)
    if not locked.downloadable():
        raise ResultGone
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerow(RESULT_HEADER)
    for chunk in locked.chunks.order_by("seq"):
        out.write(chunk.data)
    locked.chunks.all().delete()
    locked.downloaded_at = timezone.now()
    locked.save(update_fields=["downloaded_at"])
    record(
        "registertoets.bulk_download",
        actor=principal,
        request=request,
        target=locked,
        details={"rows": locked.total},
    )
    return out.getvalue()


@service(rule="registertoets.purge", audit=("registertoets.bulk_purge",))
def purge_bulk_results(actor: Actor, now: datetime.datetime) -> int:
    """Delete every result that was downloaded or has expired, and the input of a check whose
    job never finished within the same time."""
    rules.require(actor, "registertoets.purge")
    stale = now - datetime.timedelta(hours=settings.KNOOPPUNT_REGISTERTOETS_RESULT_HOURS)
    due = BulkCheck.objects.filter(purged_at__isnull=True).filter(
        Q(downloaded_at__isnull=False)
        | Q(expires_at__lte=now)
        | Q(finished_at__isnull=True, created_at__lte=stale)  # a job that never finished
    )
    ids = list(due.values_list("pk", flat=True))
    if not ids:
        nothing_changed()
        return 0
    BulkResultChunk.objects.filter(bulk_id__in=ids).delete()
    BulkCheck.objects.filter(pk__in=ids).update(invoer="", purged_at=now)
    record("registertoets.bulk_purge", actor=actor, details={"count": len(ids)})
    return len(ids)


# --- the register's import -------------------------------------------------------------------

ERRORS_KEPT = 1000
UPLOAD_CHUNK = 1 << 20


@service(rule="registertoets.import", audit=("registertoets.import_upload",))
def open_import(
    actor: Actor,
    *,
    mode: str,
    filename: str,
    channel: str,
    upload=None,
    request=None,
) -> RegisterImport:
    """Start an import: from the command line (the file is read right away) or the console (the
    upload is kept, encrypted, for the job that reads it)."""
    principal = as_principal(actor)
    rules.require(principal, "registertoets.import")
    if mode not in ImportMode.values:
        raise ValidationError({"mode": [_("Kies upsert of replace.")]})
    register_import = RegisterImport.objects.create(
        created_by=principal.user,
        created_by_username=principal.name,
        channel=channel,
        filename=filename[:200],
        mode=mode,
        status=JobStatus.QUEUED if upload is not None else JobStatus.RUNNING,
        started_at=None if upload is not None else timezone.now(),
    )
    if upload is not None:
        total = 0
        for seq, piece in enumerate(iter(lambda: upload.read(UPLOAD_CHUNK), b"")):
            ImportChunk.objects.create(
                register_import=register_import, seq=seq, data=piece.decode("latin-1")
            )
            total += len(piece)
        register_import.bytes_total = total
        register_import.save(update_fields=["bytes_total"])
        enqueue(
            "knooppunt.registertoets.tasks.run_import",
            register_import.pk,
            name=f"registertoets-import-{register_import.pk}",
        )
    record(
        "registertoets.import_upload",
        actor=principal,
        request=request,
        target=register_import,
        details={"filename": filename[:200], "mode": mode},
    )
    return register_import


@dataclass
class ImportOutcome:
    register_import: RegisterImport
    errors: list[tuple[int, str]]

    @property
    def refused(self) -> bool:
        return self.register_import.status == JobStatus.REFUSED


@service(
    rule="registertoets.import", audit=("registertoets.import", "registertoets.import_refused")
)
def finish_import(
    actor: Actor,
    register_import: RegisterImport,
    *,
    errors: list[tuple[int, str]],
    error_count: int,
    rows: int,
    on_error=None,
) -> ImportOutcome:
    """The staged file into the register, all or nothing: refused when any row was bad while
    reading, or when rows disagree across the file; otherwise the register changes in this one
    transaction. Needs the staging table of this connection (importer.Staging)."""
    principal = as_principal(actor)
    rules.require(principal, "registertoets.import")
    locked = RegisterImport.objects.select_for_update().get(pk=register_import.pk)
    if connection.vendor == "postgresql":  # one import changes the register at a time
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [7_202_607])
    errors = list(errors)

    def more(line: int, message: str) -> None:
        errors.append((line, message))
        if on_error:
            on_error(line, message)

    if not error_count and not rows:
        more(1, _("het bestand bevat geen indicaties (alleen de regel met kolomnamen)"))
        error_count = 1
    error_count += merge.check_across_rows(more)
    locked.rows_read = rows
    locked.finished_at = timezone.now()
    locked.bytes_read = locked.bytes_total
    if error_count:
        errors.sort()
        locked.status = JobStatus.REFUSED
        locked.error_count = error_count
        locked.errors = [list(e) for e in errors[:ERRORS_KEPT]]
        locked.summary = _(
            "Niets geïmporteerd: %(n)s regel(s) met fouten. Verbeter het bestand en importeer "
            "het opnieuw."
        ) % {"n": error_count}
        locked.save()
        record(
            "registertoets.import_refused",
            actor=principal,
            target=locked,
            details={"mode": locked.mode, "errors": error_count},
        )
        return ImportOutcome(locked, errors)
    counts = merge.apply(locked.mode)
    locked.status = JobStatus.DONE
    locked.counts = counts
    locked.summary = summary(counts)
    locked.save()
    record(
        "registertoets.import",
        actor=principal,
        target=locked,
        details={"mode": locked.mode, **counts},
    )
    return ImportOutcome(locked, errors)


def summary(counts: dict[str, int]) -> str:
    def n(value: int) -> str:
        return f"{value:,}".replace(",", ".")

    return _(
        "Klaar: %(rows)s regels; %(clients)s cliënten (%(clients_new)s nieuw, %(clients_removed)s "
        "verwijderd); %(indications)s indicaties (%(indications_new)s nieuw, "
        "%(indications_updated)s bijgewerkt, %(indications_removed)s verwijderd); "
        "%(zorgprofielen)s zorgprofielen."
    ) % {k: n(v) for k, v in counts.items()}


@service(rule="registertoets.import", audit=("registertoets.import_refused",))
def fail_import(actor: Actor, register_import: RegisterImport, message: str) -> RegisterImport:
    """The file could not be read at all (no header, another encoding): refused as a whole."""
    principal = as_principal(actor)
    rules.require(principal, "registertoets.import")
    locked = RegisterImport.objects.select_for_update().get(pk=register_import.pk)
    locked.status = JobStatus.REFUSED
    locked.error_count = 1
    locked.errors = [[1, message]]
    locked.summary = _("Niets geïmporteerd: %(message)s") % {"message": message}
    locked.finished_at = timezone.now()
    locked.save()
    ImportChunk.objects.filter(register_import=locked).delete()
    record(
        "registertoets.import_refused",
        actor=principal,
        target=locked,
        details={"mode": locked.mode, "errors": 1},
    )
    return locked


# --- "Wie heeft dit BSN geraadpleegd?" ------------------------------------------------------


@service(rule="registertoets.inzage", audit=("registertoets.inzage",))
def inzage(actor: Actor, bsn: str, *, export: bool = False, request=None) -> list[Raadpleging]:
    """Every logged lookup of this BSN, newest first, for the operator and for the client's
    request under AVG article 15. The search itself is logged in the audit trail (with the
    BSN's keyed hash, so that it too can be found by BSN)."""
    principal = as_principal(actor)
    rules.require(principal, "registertoets.inzage")
    value = bsn_module.normalise(bsn)
    if message := lookup.bsn_error(value):
        raise ValidationError({"bsn": [message]})
    digest = bsn_module.keyed_hash(value)
    found = list(Raadpleging.objects.filter(bsn_hash=digest).order_by("-timestamp", "-id"))
    record(
        "registertoets.inzage",
        actor=principal,
        request=request,
        details={"bsn_hash": digest, "found": len(found), "export": export},
    )
    return found


# --- housekeeping ----------------------------------------------------------------------------


@service(rule="registertoets.purge", audit=("registertoets.log_purge",))
def purge_log(actor: Actor, now: datetime.datetime) -> int:
    """Lookups older than the retention period (5 years) are deleted. Their audit events stay:
    they hold no BSN."""
    rules.require(actor, "registertoets.purge")
    before = now - datetime.timedelta(days=settings.KNOOPPUNT_REGISTERTOETS_LOG_DAYS)
    deleted, _per_model = Raadpleging.objects.filter(timestamp__lt=before).delete()
    if not deleted:
        nothing_changed()
        return 0
    record(
        "registertoets.log_purge",
        actor=actor,
        details={"count": deleted, "before": before.date().isoformat()},
    )
    return deleted


__all__ = [
    "ImportOutcome",
    "ResultGone",
    "Uitkomst",
    "answer_bulk_chunk",
    "download_bulk",
    "fail_import",
    "finish_import",
    "inzage",
    "open_import",
    "purge_bulk_results",
    "purge_log",
    "raadplegen",
    "submit_bulk",
]
