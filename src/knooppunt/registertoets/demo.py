"""The demo's small register (`knooppunt seed_demo`): the README's two clients and 200
synthetic ones, loaded through the import like any register. Idempotent."""

from __future__ import annotations

import csv
import io

from knooppunt.access.principals import DEMO

from . import bsn, codes, imports, services, synthetic
from .models import Client, Zorgzwaartepakket

DEMO_CLIENTS = 200


def csv_bytes(clients: int = DEMO_CLIENTS, seed: int = 2026) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(synthetic.HEADER)
    writer.writerows(synthetic.demo_rows())
    writer.writerows(synthetic.rows(clients, seed=seed))
    return out.getvalue().encode()


def load_register() -> str:
    """Load the demo register unless it is there; returns the import's last line."""
    if Client.objects.filter(bsn_hash=bsn.keyed_hash(synthetic.DEMO_WITH["bsn"])).exists():
        return ""
    if not Zorgzwaartepakket.objects.exists():  # a flushed test database: the migration's list
        codes.load()
    register_import = services.open_import(
        DEMO, mode="upsert", filename="demo-register.csv", channel="demo"
    )
    outcome = imports.run(DEMO, register_import, io.BytesIO(csv_bytes()))
    return outcome.register_import.summary
