"""knooppunt generate_wlz_register N [--seed S] [--output FILE] [--mode upsert|replace]."""

import csv
import io
import sys
import tempfile

from django.core.exceptions import ValidationError

from knooppunt.access.principals import COMMAND_LINE
from knooppunt.operators.management.commands._base import OperatorCommand
from knooppunt.registertoets import imports, services, synthetic
from knooppunt.registertoets.models import ImportMode


class Command(OperatorCommand):
    help = (
        "Maakt een synthetisch Wlz-register van N cliënten (geldige BSN's, geen echte mensen) en "
        "importeert het, of schrijft het met --output als CSV-bestand in het importformaat."
    )

    def add_arguments(self, parser):
        parser.add_argument("clients", type=int, help="het aantal cliënten")
        parser.add_argument("--seed", type=int, default=2026, help="zelfde seed, zelfde register")
        parser.add_argument("--output", help="schrijf het CSV-bestand hierheen (- is stdout)")
        parser.add_argument("--mode", choices=ImportMode.values, default=ImportMode.UPSERT)
        parser.add_argument(
            "--demo", action="store_true", help="met de twee demo-cliënten van de README"
        )

    def handle(self, *args, **options):
        if options["clients"] < 0:
            self.fail("N moet 0 of meer zijn.")
        target = options["output"]
        if target == "-":
            self._write(io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline=""), options)
            return
        if target:
            with open(target, "w", encoding="utf-8", newline="") as handle:
                count = self._write(handle, options)
            self.stdout.write(f"{count} regels geschreven naar {target}")
            return
        with tempfile.TemporaryFile() as scratch:
            text = io.TextIOWrapper(scratch, encoding="utf-8", newline="")
            self._write(text, options)
            text.flush()
            scratch.seek(0)
            try:
                register_import = services.open_import(
                    COMMAND_LINE,
                    mode=options["mode"],
                    filename=f"synthetisch-{options['clients']}-{options['seed']}.csv",
                    channel="commandline",
                )
            except ValidationError as exc:
                self.fail_validation(exc)
            outcome = imports.run(
                COMMAND_LINE,
                register_import,
                scratch,
                on_error=lambda line, message: self.stderr.write(f"regel {line}: {message}"),
            )
            text.detach()
        if outcome.refused:
            self.stderr.write(outcome.register_import.summary)
            sys.exit(2)
        self.stdout.write(outcome.register_import.summary)

    def _write(self, handle, options) -> int:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(synthetic.HEADER)
        count = 0
        if options["demo"]:
            for row in synthetic.demo_rows():
                writer.writerow(row)
                count += 1
        for row in synthetic.rows(options["clients"], seed=options["seed"]):
            writer.writerow(row)
            count += 1
        handle.flush()
        return count
