"""The background jobs of the Wlz register (knooppunt.jobs.queue): the console's import and the
bulk check. A job acts as the person who started it; if that person may no longer, it stops."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

from django.utils import timezone

from knooppunt.access.principals import system
from knooppunt.core import doors

from . import imports, services
from .models import BulkCheck, ImportChunk, JobStatus, RegisterImport

logger = logging.getLogger(__name__)
JOBS = system("jobs")


class _ChunkStream(io.RawIOBase):
    """The uploaded file, read back piece by piece from its encrypted chunks (never whole)."""

    def __init__(self, register_import_id: int):
        self._pieces: Iterator[str] = (
            ImportChunk.objects.filter(register_import_id=register_import_id)
            .order_by("seq")
            .values_list("data", flat=True)
            .iterator(chunk_size=1)
        )
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self._buffer:
            piece = next(self._pieces, None)
            if piece is None:
                return 0
            self._buffer = piece.encode("latin-1")
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def run_import(register_import_id: int) -> None:
    register_import = RegisterImport.objects.get(pk=register_import_id)
    if register_import.status != JobStatus.QUEUED:
        return  # a job handed out twice: the first one did it
    actor = register_import.created_by or JOBS
    with doors.bookkeeping():
        RegisterImport.objects.filter(pk=register_import_id).update(
            status=JobStatus.RUNNING, started_at=timezone.now()
        )
    stream = io.BufferedReader(_ChunkStream(register_import_id), buffer_size=1 << 16)
    try:
        imports.run(actor, register_import, stream)
    except Exception:
        logger.exception("Import %s of the Wlz register failed", register_import_id)
        with doors.bookkeeping():
            RegisterImport.objects.filter(pk=register_import_id).update(
                status=JobStatus.FAILED, finished_at=timezone.now()
            )
        raise
    finally:
        with doors.bookkeeping():
            ImportChunk.objects.filter(register_import_id=register_import_id).delete()


def run_bulk(bulk_id: int) -> None:
    bulk = BulkCheck.objects.get(pk=bulk_id)
    if bulk.status not in (JobStatus.QUEUED, JobStatus.RUNNING) or bulk.created_by is None:
        return
    lines = [line for line in bulk.invoer.split("\n") if line]
    try:
        for seq, start in enumerate(range(0, len(lines), services.BULK_CHUNK)):
            services.answer_bulk_chunk(
                bulk.created_by, bulk, seq, lines[start : start + services.BULK_CHUNK]
            )
    except Exception:
        logger.exception("Bulk check %s failed", bulk_id)
        with doors.bookkeeping():
            BulkCheck.objects.filter(pk=bulk_id).update(
                status=JobStatus.FAILED, invoer="", finished_at=timezone.now()
            )
        raise
