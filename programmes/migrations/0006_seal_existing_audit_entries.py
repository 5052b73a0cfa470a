"""Seal the audit entries written before the chain existed, in the order they happened: (history_date, id)."""

from django.db import migrations

from core.audit import GENESIS_HASH, chain_hash, entry_content, history_model_of, sealed_fields


def seal(apps, schema_editor):
    AuditEntry = apps.get_model("programmes", "AuditEntry")
    using = schema_editor.connection.alias
    entries = list(AuditEntry.objects.using(using).select_related("content_type").order_by("history_date", "id"))
    previous_hash = GENESIS_HASH
    for sequence, entry in enumerate(entries, start=1):
        history_model = history_model_of(entry.content_type, apps)
        record = history_model._base_manager.using(using).get(history_id=entry.history_id)
        entry.sequence = sequence
        entry.previous_hash = previous_hash
        entry.hashed_fields = sealed_fields(history_model)
        entry.entry_hash = previous_hash = chain_hash(previous_hash, entry_content(entry, record))
    AuditEntry.objects.using(using).bulk_update(
        entries, ["sequence", "previous_hash", "entry_hash", "hashed_fields"], batch_size=500
    )


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0005_auditentry_chain_fields"),
        # Every history table the entries point to, at its latest shape.
        ("reviews", "0003_clearer_date_messages"),
        ("recommendations", "0001_initial"),
        ("bvgov", "0002_remindersent_calendarfeed"),
    ]

    operations = [
        migrations.RunPython(seal, migrations.RunPython.noop),
    ]
