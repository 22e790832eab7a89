"""`knooppunt worker`: run background jobs (mail, housekeeping) and seal the audit trail."""

import signal
import subprocess
import sys
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection

from knooppunt.audit.services import seal_pending
from knooppunt.jobs.queue import run_queued
from knooppunt.jobs.schedules import ensure_schedules


class Command(BaseCommand):
    help = (
        "Voert achtergrondtaken uit (e-mail, dagelijks onderhoud) en neemt nieuwe "
        "logboekregels op in de keten. Start er zoveel als nodig, op een of meer servers: ze "
        "delen de wachtrij in de database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            action="store_true",
            help="Voer uit wat nu in de wachtrij staat, verzegel het logboek en stop.",
        )

    def handle(self, *args, **options):
        if options["once"]:
            done = run_queued()
            sealed = seal_pending(rounds=1000)
            self.stdout.write(f"{done} taken uitgevoerd, {sealed} logboekregels verzegeld")
            return
        for name in ensure_schedules():
            self.stdout.write(f"planning bijgewerkt: {name}")
        # django-q2's cluster in a process of its own (it forks its workers), and here the
        # audit trail's sealer: every interval, the committed events get their place in the
        # chain (audit.services.seal); several workers share the work (SKIP LOCKED).
        cluster = subprocess.Popen([sys.executable, "-m", "knooppunt.manage", "qcluster"])
        stop = threading.Event()

        def end(signum, frame):
            stop.set()

        signal.signal(signal.SIGTERM, end)
        signal.signal(signal.SIGINT, end)
        try:
            while not stop.is_set() and cluster.poll() is None:
                try:
                    seal_pending()
                except Exception as exc:  # the database may be away for a moment
                    self.stderr.write(f"logboek niet verzegeld: {exc}")
                    connection.close()
                stop.wait(settings.KNOOPPUNT_AUDIT_SEAL_INTERVAL)
        finally:
            if cluster.poll() is None:
                cluster.terminate()
            cluster.wait(timeout=60)
        if cluster.returncode not in (0, -signal.SIGTERM, None) and not stop.is_set():
            raise SystemExit(cluster.returncode)
