"""One import of the register from start to end, for the command line and for the console's
job alike: read and stage the file (importer), then `services.finish_import`."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import IO

from django.utils import timezone

from knooppunt.access.principals import Actor
from knooppunt.core import doors

from . import importer, services
from .models import JobStatus, RegisterImport

PROGRESS_EVERY = 5  # write the progress the console shows at most this often (seconds)


def run(
    actor: Actor,
    register_import: RegisterImport,
    stream: IO[bytes],
    *,
    on_error: Callable[[int, str], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    today: datetime.date | None = None,
) -> services.ImportOutcome:
    errors: list[tuple[int, str]] = []

    def error(line: int, message: str) -> None:
        if len(errors) < services.ERRORS_KEPT:
            errors.append((line, message))
        if on_error:
            on_error(line, message)

    last = [0.0]

    def progress(bytes_read: int, rows: int) -> None:
        if on_progress:
            on_progress(bytes_read, rows)
        now = timezone.now().timestamp()
        if now - last[0] >= PROGRESS_EVERY:
            last[0] = now
            with doors.bookkeeping():  # a counter for the page, no change of the register
                RegisterImport.objects.filter(pk=register_import.pk).update(
                    bytes_read=bytes_read, rows_read=rows, status=JobStatus.RUNNING
                )

    with importer.Staging() as staging:
        try:
            result = importer.read(
                stream, staging, on_error=error, on_progress=progress, today=today
            )
        except importer.ImportFileError as exc:
            failed = services.fail_import(actor, register_import, str(exc))
            if on_error:
                on_error(1, str(exc))
            return services.ImportOutcome(failed, [(1, str(exc))])
        staging.index()
        return services.finish_import(
            actor,
            register_import,
            errors=errors,
            error_count=result.errors,
            rows=result.rows,
            on_error=error if on_error else None,
        )
