"""What keeps the registertoets fast at a million clients (bench/cases/registertoets.py): the
lookup asks a fixed number of statements whatever the answer, the import stages its rows in
batches (one COPY each on PostgreSQL) and merges them set-based, still all or nothing."""

import datetime

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from knooppunt.registertoets import importer, merge, services
from knooppunt.registertoets.models import Client, Indicatie, Raadpleging, Zorgprofiel

from .conftest import load, row

pytestmark = pytest.mark.django_db
D = datetime.date


def lookup_statements(user, bsn: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        services.raadplegen(
            user, bsn=bsn, geboortedatum=D(1938, 4, 12), reden="samenloop-wmo",
            peildatum=D(2026, 6, 1),
        )  # fmt: skip
    return [
        q["sql"]
        for q in captured.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]


def test_a_lookup_is_one_select_and_two_inserts_whatever_the_answer(gebruiker, register):
    register(
        row(besluit="B1", zzp="754"),
        row(besluit="B1", zzp="755", zzp_ingang="2024-04-01"),
        row(besluit="B2", ingang="2024-05-01", zzp="756"),
        row(besluit="B3", negatief="1"),
    )
    lookup_statements(gebruiker, "111222333")  # the authorisation's own queries, once per user
    ja = lookup_statements(gebruiker, "111222333")  # two valid indications, three profiles
    nee = lookup_statements(gebruiker, "123456782")  # not in the register
    for statements in (ja, nee):
        assert len(statements) == 3, statements
        assert statements[0].startswith("SELECT")
        assert "registertoets_raadpleging" in statements[1]
        assert "audit_auditevent" in statements[2]
    assert Raadpleging.objects.count() == 3


def test_rows_are_staged_in_batches_and_merged_in_one_go(monkeypatch):
    monkeypatch.setattr(importer, "BATCH", 2)
    writes = []
    real_write = importer.Staging.write
    monkeypatch.setattr(
        importer.Staging,
        "write",
        lambda self, rows: writes.append(len(rows)) or real_write(self, rows),
    )
    copies = []
    real_copy = psycopg.Cursor.copy
    monkeypatch.setattr(
        psycopg.Cursor, "copy", lambda self, statement, *a, **k: copies.append(statement)
        or real_copy(self, statement, *a, **k)
    )  # fmt: skip
    outcome = load(*(row(besluit=f"B{n}", bsn="111222333") for n in range(5)))
    assert not outcome.refused
    assert writes == [2, 2, 1]
    if connection.vendor == "postgresql":
        assert len(copies) == 3 and all(c.startswith("COPY ") for c in copies)
    else:
        assert copies == []
    assert Indicatie.objects.count() == 5 and Zorgprofiel.objects.count() == 5
    assert outcome.register_import.counts["clients"] == 1
    assert outcome.register_import.counts["indications"] == 5


def test_a_failure_during_the_merge_leaves_the_register_as_it_was(monkeypatch):
    load(row(besluit="OUD"))
    before = sorted(Indicatie.objects.values_list("besluitnummer", flat=True))
    real_execute = merge._execute

    def failing(statement, params=()):
        if "registertoets_zorgprofiel" in statement and statement.startswith("INSERT"):
            raise RuntimeError("de schijf is vol")
        return real_execute(statement, params)

    monkeypatch.setattr(merge, "_execute", failing)
    with pytest.raises(RuntimeError):
        load(row(besluit="NIEUW", bsn="123456782"), row(besluit="OUD", eind="2025-01-01"))
    assert sorted(Indicatie.objects.values_list("besluitnummer", flat=True)) == before
    assert not Client.objects.filter(indicaties__besluitnummer="NIEUW").exists()
    assert Indicatie.objects.get(besluitnummer="OUD").einddatum is None


def test_rows_that_disagree_are_found_without_counting_distinct_values():
    outcome = load(
        row(besluit="B1"),
        row(besluit="B1", eind="2025-01-01", zzp="755"),  # line 3: another einddatum
        row(besluit="B2", bsn="123456782", negatief="1"),
        row(besluit="B2", bsn="123456782", zzp="755"),  # line 5: negatief differs
        row(besluit="B3", bsn="123456782", geboortedatum="1950-01-01"),  # 6: another birth date
    )
    assert outcome.refused
    assert [line for line, _message in outcome.errors] == [3, 5, 6]
    assert not Indicatie.objects.exists()
