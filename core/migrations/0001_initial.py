"""The audit entry moves here from programmes, where it began, without touching the database.

The table keeps its name (programmes_auditentry), its indexes and constraints, and the triggers and functions that
programmes' migrations 0007 and 0008 installed on it: this migration creates the model in core's state only, and
programmes 0010 deletes it from programmes' state only (Django's SeparateDatabaseAndState, as for moving a model
between apps). The model's content type moves with it, so the permissions attached to it (view_auditentry, which
the roles hand out) keep their rows and groups.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor, old="programmes", new="core"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    using = schema_editor.connection.alias
    moved = ContentType.objects.using(using).filter(app_label=old, model="auditentry")
    # A fresh database has no content types until the first migrate ends; post_migrate creates core's then.
    if not ContentType.objects.using(using).filter(app_label=new, model="auditentry").exists():
        moved.update(app_label=new)
    ContentType.objects.clear_cache()


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, old="core", new="programmes")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("programmes", "0009_audit_review_user_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("sequence", models.PositiveBigIntegerField(unique=True)),
                        ("previous_hash", models.CharField(max_length=64)),
                        ("entry_hash", models.CharField(max_length=64)),
                        ("hashed_fields", models.JSONField(blank=True, default=list)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("object_id", models.PositiveBigIntegerField()),
                        ("object_repr", models.CharField(max_length=300)),
                        ("history_id", models.PositiveBigIntegerField()),
                        ("history_type", models.CharField(max_length=1)),
                        ("reason", models.TextField(blank=True)),
                        ("changes", models.JSONField(blank=True, default=list)),
                        ("review_id", models.PositiveBigIntegerField(blank=True, null=True)),
                        (
                            "content_type",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="contenttypes.contenttype",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "audit entries",
                        "db_table": "programmes_auditentry",
                        "ordering": ["-history_date", "-id"],
                        "indexes": [
                            models.Index(fields=["content_type", "object_id", "history_date"], name="audit_object_idx"),
                            models.Index(fields=["user", "history_date"], name="audit_user_idx"),
                            models.Index(fields=["review_id", "history_date"], name="audit_review_idx"),
                            models.Index(fields=["review_id", "user", "history_date"], name="audit_review_user_idx"),
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("content_type", "history_id"), name="audit_one_entry_per_record"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
