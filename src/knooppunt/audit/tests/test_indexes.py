"""The audit table's indexes: every event writes each of them, so none is there twice."""

from django.db import connection

from knooppunt.audit.models import AuditEvent


def _indexes() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, AuditEvent._meta.db_table)
    return {name: c["columns"] for name, c in found.items() if c["index"] and not c["primary_key"]}


def test_no_index_is_the_start_of_another(db):
    columns = list(_indexes().values())
    for mine in columns:
        for other in columns:
            if other is not mine and len(other) > len(mine):
                assert other[: len(mine)] != mine, (mine, other)


def test_an_organisation_s_logboek_reads_its_index(db):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # an empty table would be scanned whole
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = AuditEvent.objects.filter(organisation_id=7).order_by("-id")[:50].explain()
    assert "audit_org_newest" in plan
