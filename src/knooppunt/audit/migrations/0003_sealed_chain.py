"""The chain is sealed after commit instead of under a lock (docs/decisions.md, 2026-12-01).

Existing events keep their order: each gets a MAC over its content, the next sequence number
and a new chain hash; the head gets its own MAC.
"""

import datetime
import hashlib
import hmac
import json

from django.conf import settings
from django.db import migrations, models
from django.db.models import Q

GENESIS = "0" * 64
CONTENT_FIELDS = (
    "timestamp", "actor_kind", "actor_id", "actor_username", "organisation_id", "action",
    "object_type", "object_id", "object_repr", "ip_address", "outcome", "details", "trace_id",
)


def _mac(key, event):
    payload = {name: getattr(event, name) for name in CONTENT_FIELDS}
    stamp = payload["timestamp"]
    payload["timestamp"] = stamp.isoformat() if isinstance(stamp, datetime.datetime) else stamp
    body = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def reseal(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    key = settings.KNOOPPUNT_AUDIT_KEY.encode()
    prev, seq = GENESIS, 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        seq += 1
        event.mac = _mac(key, event)
        event.seq = seq
        event.prev_hash = prev
        event.hash = hmac.new(
            key, f"{prev}|{seq}|{event.pk}|{event.mac}".encode(), hashlib.sha256
        ).hexdigest()
        event.save(update_fields=["mac", "seq", "prev_hash", "hash"])
        prev = event.hash
    head_mac = hmac.new(key, f"head|{seq}|{prev}".encode(), hashlib.sha256).hexdigest()
    AuditChainHead.objects.update_or_create(
        pk=1, defaults={"last_seq": seq, "last_hash": prev, "mac": head_mac}
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_chain_head")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="actor_kind",
            field=models.CharField(blank=True, max_length=12, verbose_name="soort actor"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="trace_id",
            field=models.CharField(blank=True, max_length=32, verbose_name="trace-id"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="mac",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(blank=True, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="sealed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RenameField(model_name="auditchainhead", old_name="last_id", new_name="last_seq"),
        migrations.RemoveField(model_name="auditchainhead", name="count"),
        migrations.AddField(
            model_name="auditchainhead",
            name="mac",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="sealed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(reseal, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(condition=Q(seq__isnull=True), fields=["id"], name="audit_unsealed"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["organisation_id", "-id"], name="audit_org_newest"),
        ),
    ]
