"""Every entry is now sealed: `sequence` becomes required; the audit and history tables refuse UPDATE and DELETE."""

from django.db import migrations, models

from core.audit import guarded_tables, install_append_only_guards, remove_append_only_guards


def install(apps, schema_editor):
    install_append_only_guards(schema_editor, guarded_tables(apps))


def remove(apps, schema_editor):
    remove_append_only_guards(schema_editor, guarded_tables(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0006_seal_existing_audit_entries"),
        ("reviews", "0003_clearer_date_messages"),
        ("recommendations", "0001_initial"),
        ("bvgov", "0002_remindersent_calendarfeed"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="sequence",
            field=models.PositiveBigIntegerField(unique=True),
        ),
        migrations.RunPython(install, remove),
    ]
