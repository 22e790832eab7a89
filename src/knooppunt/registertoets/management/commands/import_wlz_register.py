"""knooppunt import_wlz_register FILE [--mode upsert|replace] (docs/wlz-register-import.md)."""

import os
import sys

from django.core.exceptions import ValidationError
from tqdm import tqdm

from knooppunt.access.principals import COMMAND_LINE
from knooppunt.operators.management.commands._base import OperatorCommand
from knooppunt.registertoets import imports, services
from knooppunt.registertoets.models import ImportMode


class Command(OperatorCommand):
    help = (
        "Importeert het Wlz-register uit een CSV-bestand (docs/wlz-register-import.md): alles "
        "of niets, elke foute regel met haar regelnummer; de laatste regel geeft de aantallen."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="het CSV-bestand (- leest van standaardinvoer)")
        parser.add_argument(
            "--mode",
            choices=ImportMode.values,
            default=ImportMode.UPSERT,
            help="upsert (standaard): bijwerken per besluitnummer; replace: ook verwijderen "
            "wat niet meer in het bestand staat",
        )

    def handle(self, *args, **options):
        path = options["file"]
        if path == "-":
            stream, size, name = sys.stdin.buffer, None, "stdin"
        else:
            try:
                stream = open(path, "rb")  # noqa: SIM115 - closed below
            except OSError as exc:
                self.fail(f"{path} kan niet worden gelezen ({exc.strerror}).")
            size, name = os.fstat(stream.fileno()).st_size, os.path.basename(path)
        try:
            register_import = services.open_import(
                COMMAND_LINE, mode=options["mode"], filename=name, channel="commandline"
            )
        except ValidationError as exc:
            self.fail_validation(exc)
        bar = tqdm(
            total=size,
            unit="B",
            unit_scale=True,
            desc="Inlezen",
            file=sys.stderr,
            disable=None,  # only on a terminal
            leave=False,
        )
        errors = 0

        def on_error(line: int, message: str) -> None:
            nonlocal errors
            errors += 1
            with tqdm.external_write_mode(file=sys.stderr):
                self.stderr.write(f"regel {line}: {message}")

        def on_progress(bytes_read: int, rows: int) -> None:
            bar.update(bytes_read - bar.n)
            bar.set_postfix_str(f"{rows:,} regels".replace(",", "."), refresh=False)

        try:
            outcome = imports.run(
                COMMAND_LINE,
                register_import,
                stream,
                on_error=on_error,
                on_progress=on_progress,
            )
        finally:
            bar.close()
            if stream is not sys.stdin.buffer:
                stream.close()
        if outcome.refused:
            self.stderr.write(outcome.register_import.summary)
            sys.exit(2)
        self.stdout.write(outcome.register_import.summary)
