"""The berichtenverkeer section of the integrators' guide (docs/webservice.md): its curl examples
run against a live server on the demo data, with the demo zorgaanbieder's iJw key and the
voorbeeldberichten beside them, and answer what the guide says they answer."""

import json
import shutil
import subprocess
from pathlib import Path

from knooppunt.api.tests.test_guide import _same_shape, examples
from knooppunt.exchange.models import Message
from knooppunt.operators.demo import seed
from knooppunt.organisations.models import Organisation
from knooppunt.testing.api import make_credential

VOORBEELDEN = Path(__file__).resolve().parents[4] / "docs" / "voorbeeldberichten"
# The id the guide's examples show for a received message.
GUIDE_ID = "4711"


def test_every_berichten_example_answers_as_the_guide_says(live_server, live_db, tmp_path):
    seed()
    aanbieder = Organisation.objects.get(agb_code="73730001")
    _c, key = make_credential(aanbieder, "ijw", name="Suite4Jeugd")
    received = Message.objects.get(receiver=aanbieder, identificatie="DEMO-JW301-1")
    for path in VOORBEELDEN.glob("*.xml"):
        shutil.copy(path, tmp_path)
    environment = {"PATH": "/usr/bin:/bin", "KNOOPPUNT_URL": live_server.url}
    environment["KNOOPPUNT_SLEUTEL"] = key
    found = examples(app="knooppunt.exchange")
    assert len(found) >= 5
    for command, kind, expected in found:
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", command.replace(GUIDE_ID, str(received.pk))],
            capture_output=True,
            text=True,
            env=environment,
            cwd=tmp_path,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, (command, done.stderr)
        if kind == "json":
            _same_shape(json.loads(expected), json.loads(done.stdout))
    received.refresh_from_db()
    assert received.status == "opgehaald"
    assert (tmp_path / "bericht.xml").read_bytes().startswith(b"<?xml")
    assert Message.objects.filter(sender=aanbieder, identificatie="VB-JW305-01").exists()
