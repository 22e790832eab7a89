"""`knooppunt validate_message FILE...`: every check that needs no organisation (size, safe
parsing, message type and version, XSD, the in-message rules) on XML files or ZIPs of them.
Prints "OK <type> <identificatie>" or the findings per file; exits 0 when all pass, 1 when any
is refused, 2 on a usage error."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from knooppunt.exchange import uploads
from knooppunt.exchange.validation.base import Report
from knooppunt.exchange.validation.checks import size
from knooppunt.exchange.validation.pipeline import check_file


class Command(BaseCommand):
    help = "Controleert iWmo- en iJw-berichten (XML of ZIP) zonder iets te versturen."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", metavar="BESTAND")

    def handle(self, *args, **options):
        files = options["files"]
        if not files:
            self._usage("geef een of meer bestanden op: knooppunt validate_message BESTAND...")
        paths = [Path(f) for f in files]
        for path in paths:
            if not path.is_file():
                self._usage(f"{path}: bestand niet gevonden")
        refused = False
        for path in paths:
            with path.open("rb") as handle:
                data = handle.read(size.max_bytes() + 1)
            for offered in uploads.unpack(path.name, data):
                label = str(path) if not offered.container else f"{path}!{offered.filename}"
                if offered.findings:
                    report = Report(offered.filename, list(offered.findings))
                else:
                    report = check_file(offered.data, offered.filename)
                if report.ok:
                    self.stdout.write(f"OK {report.message_type} {report.identificatie}  ({label})")
                    continue
                refused = True
                self.stdout.write(f"AFGEKEURD {label}")
                for finding in report.findings:
                    code = finding.code + (f"/{finding.retourcode}" if finding.retourcode else "")
                    where = f" [{finding.location}]" if finding.location else ""
                    hint = f" {finding.hint}" if finding.hint else ""
                    self.stdout.write(f"  {code}{where}: {finding.text}{hint}")
        if refused:
            sys.exit(1)

    def _usage(self, message: str):
        self.stderr.write(f"Fout: {message}")
        sys.exit(2)

    def run_from_argv(self, argv):
        try:
            super().run_from_argv(argv)
        except CommandError as exc:  # pragma: no cover - argparse's own errors exit 2 already
            self._usage(str(exc))
