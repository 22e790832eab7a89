"""`knooppunt import_wlz_register FILE [--mode upsert|replace]` and the console's import: the
documented format, all or nothing with every bad row and its line number, idempotent by
besluitnummer, replace, the counts on the last line, and the job with its progress page."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from knooppunt.audit.models import AuditEvent
from knooppunt.jobs.queue import run_queued
from knooppunt.registertoets.models import (
    Client,
    ImportChunk,
    Indicatie,
    JobStatus,
    RegisterImport,
    Zorgprofiel,
)
from knooppunt.testing.factories import OperatorUserFactory

from .conftest import HEADER, csv_text, row

pytestmark = pytest.mark.django_db
DOCS = Path(__file__).resolve().parents[4] / "docs"


def run_command(tmp_path, content: bytes, *args):
    path = tmp_path / "register.csv"
    path.write_bytes(content)
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("import_wlz_register", str(path), *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def register_state():
    return (
        sorted(Client.objects.values_list("bsn_hash", "geboortedatum")),
        sorted(Indicatie.objects.values_list("besluitnummer", "einddatum", "negatief")),
        sorted(Zorgprofiel.objects.values_list("indicatie__besluitnummer", "zzp_id")),
    )


def test_the_documented_example_file_imports(tmp_path):
    example = (DOCS / "wlz-register-voorbeeld.csv").read_bytes()
    code, out, err = run_command(tmp_path, example)
    assert code == 0, err
    last = out.strip().splitlines()[-1]
    assert last.startswith("Klaar: ")
    assert "cliënten" in last and "indicaties" in last and "zorgprofielen" in last


def test_last_line_gives_the_counts_and_a_second_run_changes_nothing(tmp_path):
    content = csv_text(
        row(besluit="B1"),
        row(besluit="B1", zzp="755", zzp_ingang="2025-01-01"),
        row(bsn="123456782", geboortedatum="1950-07-01", besluit="B2", negatief="1"),
    )
    code, out, _err = run_command(tmp_path, content)
    assert code == 0
    assert out.strip().splitlines()[-1] == (
        "Klaar: 3 regels; 2 cliënten (2 nieuw, 0 verwijderd); 2 indicaties (2 nieuw, "
        "0 bijgewerkt, 0 verwijderd); 2 zorgprofielen."
    )
    state = register_state()
    code, out, _err = run_command(tmp_path, content)
    assert code == 0
    assert "(0 nieuw, 0 verwijderd); 2 indicaties (0 nieuw, 2 bijgewerkt" in out
    assert register_state() == state  # idempotent by besluitnummer


def test_upsert_updates_by_besluitnummer_and_keeps_the_rest(tmp_path):
    run_command(
        tmp_path,
        csv_text(row(besluit="B1"), row(bsn="123456782", besluit="B2", geboortedatum="1950-07-01")),
    )
    run_command(tmp_path, csv_text(row(besluit="B1", eind="2026-01-31", zzp_eind="2026-01-31")))
    assert Indicatie.objects.get(besluitnummer="B1").einddatum.isoformat() == "2026-01-31"
    assert Indicatie.objects.filter(besluitnummer="B2").exists()


def test_replace_removes_what_the_file_no_longer_has(tmp_path):
    run_command(
        tmp_path,
        csv_text(row(besluit="B1"), row(bsn="123456782", besluit="B2", geboortedatum="1950-07-01")),
    )
    code, out, _err = run_command(tmp_path, csv_text(row(besluit="B1")), "--mode", "replace")
    assert code == 0
    assert "1 verwijderd); 1 indicaties (0 nieuw, 1 bijgewerkt, 1 verwijderd)" in out
    assert list(Indicatie.objects.values_list("besluitnummer", flat=True)) == ["B1"]
    assert Client.objects.count() == 1
    assert not Zorgprofiel.objects.filter(indicatie__besluitnummer="B2").exists()


def test_all_or_nothing_every_bad_row_with_its_line_number(tmp_path):
    run_command(tmp_path, csv_text(row(besluit="OUD")))
    before = register_state()
    content = csv_text(
        row(besluit="G1"),  # line 2: good
        row(bsn="123456789", besluit="F1"),  # 3: 11-proef
        row(bsn="12345678", besluit="F2"),  # 4: not 9 digits
        row(geboortedatum="1938-02-30", besluit="F3"),  # 5: no such date
        row(besluit="F4", zzp="123"),  # 6: not in COD163
        row(besluit="F5", soort="7"),  # 7: not in COD169
        row(besluit="F6", eind="2020-01-01"),  # 8: ends before it starts
        row(besluit="F7", negatief="2"),  # 9
        "111222333,1938-04-12,,F8,1,2024-02-15,2024-03-01,,1,754,2024-03-01,",  # 10: negatief+zzp
        "111222333,1938-04-12",  # 11: too few values
        row(geboortedatum="2999-01-01", besluit="F9"),  # 12: in the future
        row(geboortedatum="1938-04-12", gebruik="1", besluit="F10"),  # 13: day must be 01
        row(geboortedatum="1899-12-01", besluit="F11"),  # 14: before 1900
    )
    code, out, err = run_command(tmp_path, content)
    assert code == 2
    lines = [line for line in err.splitlines() if line.startswith("regel ")]
    assert [int(line.split(":")[0].split()[1]) for line in lines] == list(range(3, 15))
    assert "11-proef" in lines[0]
    assert "9 cijfers" in lines[1]
    assert "bestaat niet" in lines[2]
    assert "COD163" in lines[3]
    assert "COD169" in lines[4]
    assert "vóór de ingangsdatum" in lines[5]
    assert "negatief moet 0 of 1" in lines[6]
    assert "zzp-kolommen leeg" in lines[7]
    assert "2 waarden" in lines[8]
    assert "toekomst" in lines[9]
    assert "schrijf 01" in lines[10]
    assert "vóór 1900" in lines[11]
    assert err.strip().splitlines()[-1].startswith("Niets geïmporteerd: 12 regel(s)")
    assert register_state() == before  # nothing written, not even the good row
    assert RegisterImport.objects.filter(status=JobStatus.REFUSED).count() == 1
    assert AuditEvent.objects.filter(action="registertoets.import_refused").exists()


def test_rows_must_agree_across_the_file(tmp_path):
    content = csv_text(
        row(besluit="X1"),  # 2
        row(besluit="X1"),  # 3: twice
        row(besluit="X1", afgifte="2024-02-16", zzp="755"),  # 4: other dates in one besluit
        row(besluit="X2", geboortedatum="1938-04-13"),  # 5: another date of birth for the BSN
        row(besluit="X3", bsn="123456782", geboortedatum="1950-07-01"),  # 6: fine
        row(besluit="X3", bsn="999999990", geboortedatum="1950-07-01", zzp="751"),  # 7: client
    )
    code, _out, err = run_command(tmp_path, content)
    assert code == 2
    assert "regel 3: besluitnummer X1 staat met deze zzp_code" in err
    assert "regel 4: de regels van besluitnummer X1" in err
    assert "regel 5: dit bsn staat ook op regel 2" in err
    assert "regel 7: de regels van besluitnummer X3" in err
    assert "regel 6:" not in err
    assert not Client.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "leeg"),
        (HEADER.replace(",zzp_einddatum", "").encode() + b"\n", "zzp_einddatum ontbreken"),
        ((HEADER + ",naam").encode() + b"\n", "Onbekende kolom(men) in de eerste regel: naam"),
        (HEADER.replace(",", ";").encode() + b"\n", "puntkomma"),
        ("\n".join([HEADER, row()]).encode("utf-16"), "UTF-16"),
        (HEADER.encode() + b"\n", "geen indicaties"),
    ],
)
def test_a_file_that_cannot_be_read_gets_a_clear_message(tmp_path, content, message):
    code, _out, err = run_command(tmp_path, content)
    assert code == 2
    assert message in err
    assert not Client.objects.exists()


def test_a_byte_order_mark_columns_in_any_order_and_crlf_are_fine(tmp_path):
    names = HEADER.split(",")
    values = row().split(",")
    order = list(reversed(range(len(names))))
    text = ",".join(names[i] for i in order) + "\r\n" + ",".join(values[i] for i in order) + "\r\n"
    code, out, err = run_command(tmp_path, b"\xef\xbb\xbf" + text.encode())
    assert code == 0, err
    assert Indicatie.objects.get().besluitnummer == "B1"


def test_a_line_in_another_encoding_is_named(tmp_path):
    bad = row(besluit="B\xe9").encode("cp1252")
    code, _out, err = run_command(tmp_path, csv_text(row()) + bad + b"\n")
    assert code == 2
    assert "regel 3: de tekens zijn geen UTF-8" in err


def test_the_file_is_streamed_not_read_whole():
    """The reader never asks for the whole file: only lines."""
    from knooppunt.access.principals import COMMAND_LINE
    from knooppunt.registertoets import imports, services

    class LinesOnly(io.BytesIO):
        def read(self, size=-1):
            raise AssertionError("read() of the whole file")

    content = csv_text(*(row(besluit=f"S{n}") for n in range(50)))
    register_import = services.open_import(
        COMMAND_LINE, mode="upsert", filename="s.csv", channel="commandline"
    )
    outcome = imports.run(COMMAND_LINE, register_import, LinesOnly(content))
    assert not outcome.refused
    assert Indicatie.objects.count() == 50


# --- the console -----------------------------------------------------------------------------


def test_the_console_imports_through_a_job_with_progress(client):
    operator = OperatorUserFactory()
    client.force_login(operator)
    add = reverse("operator:registertoets_registerimport_add")
    assert client.get(add).status_code == 200
    upload = io.BytesIO(
        csv_text(row(), row(bsn="123456782", besluit="B2", geboortedatum="1950-07-01"))
    )
    upload.name = "register.csv"
    response = client.post(add, {"bestand": upload, "mode": "upsert"})
    register_import = RegisterImport.objects.get()
    detail = reverse("operator:registertoets_registerimport_change", args=[register_import.pk])
    assert response["Location"] == detail
    assert ImportChunk.objects.filter(register_import=register_import).exists()
    page = client.get(detail).content.decode()
    assert "voortgang.js" in page and "<progress" in page
    assert not Client.objects.exists()
    run_queued()
    page = client.get(detail).content.decode()
    assert "Klaar: 2 regels" in page
    assert "voortgang.js" not in page
    assert Client.objects.count() == 2
    assert not ImportChunk.objects.exists()  # the uploaded file is gone
    assert register_import.created_by_username == operator.username
    event = AuditEvent.objects.get(action="registertoets.import")
    assert event.actor_username == operator.username


def test_the_console_lists_the_bad_rows_of_a_refused_import(client):
    client.force_login(OperatorUserFactory())
    upload = io.BytesIO(csv_text(row(), row(bsn="123456789", besluit="B2")))
    upload.name = "fout.csv"
    client.post(
        reverse("operator:registertoets_registerimport_add"), {"bestand": upload, "mode": "replace"}
    )
    run_queued()
    register_import = RegisterImport.objects.get()
    page = client.get(
        reverse("operator:registertoets_registerimport_change", args=[register_import.pk])
    ).content.decode()
    assert "Niets geïmporteerd" in page
    assert "<td>3</td>" in page and "11-proef" in page
    assert not Client.objects.exists()


def test_only_the_operator_reaches_the_console_import(client, beheerder):
    client.force_login(beheerder)
    response = client.get(reverse("operator:registertoets_registerimport_add"), follow=True)
    assert response.status_code == 404
