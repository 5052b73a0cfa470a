"""The large-register generator at a tiny size: the sizes asked for, history for every record, the chain intact."""

from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from core.models import AuditEntry
from programmes.models import Decision
from recommendations.models import Action, Comment, ProgressUpdate, Recommendation
from reviews.models import Review

pytestmark = pytest.mark.django_db

TINY = ["--reviews", "4", "--recommendations", "12", "--actions", "30", "--history-per-action", "3"]
TINY += ["--long-history", "25", "--people", "15", "--users", "3", "--seed", "7"]


def generate(*args: str) -> str:
    out = StringIO()
    call_command("generate_register", *TINY, *args, stdout=out)
    return out.getvalue()


@override_settings(DEBUG=True)
def test_generates_the_sizes_asked_for_with_history_sealed_onto_the_chain():
    output = generate()

    assert (Review.objects.count(), Recommendation.objects.count(), Action.objects.count()) == (4, 12, 30)
    assert ProgressUpdate.objects.count() == 30
    assert Comment.objects.count() == 12
    assert Decision.objects.exists()
    for model in (Review, Recommendation, Action, ProgressUpdate, Comment, Decision):
        with_history = set(model.history.values_list("id", flat=True))
        assert set(model.objects.values_list("pk", flat=True)) <= with_history, model.__name__
        # The live row is the record's newest version.
        for record in model.objects.all()[:5]:
            newest = model.history.filter(id=record.pk).order_by("-history_date", "-history_id").first()
            fields = [field.attname for field in model._meta.concrete_fields]
            assert [getattr(newest, name) for name in fields] == [getattr(record, name) for name in fields]
    versions = Counter(Action.history.values_list("id", flat=True))
    assert max(versions.values()) >= 25
    history_dates = Action.history.values_list("history_date", flat=True)
    assert max(history_dates).year - min(history_dates).year >= 10
    assert AuditEntry.objects.filter(content_type__model="action").count() == Action.history.count()
    # verify_audit_trail also counts each model's history rows against its entries.
    out = StringIO()
    call_command("verify_audit_trail", stdout=out)
    assert "chain intact" in out.getvalue()
    assert "history rows (each with its audit entry)" in output


@override_settings(DEBUG=True)
def test_audit_entries_show_what_changed_and_who_changed_it():
    generate()
    action = Action.objects.order_by("pk").first()
    entries = AuditEntry.objects.filter(object_id=action.pk, content_type__model="action").order_by("history_date")

    created, *changed = entries
    assert created.history_type == "+"
    assert {change["field"] for change in created.changes} >= {"description", "recommendation", "status"}
    assert changed and all(entry.changes for entry in changed)
    assert all(entry.user_id is not None for entry in entries)


@override_settings(DEBUG=False)
def test_refuses_with_debug_off_unless_forced():
    with pytest.raises(CommandError, match="DEBUG"):
        generate()
    assert not Review.objects.exists()

    generate("--force")
    assert Review.objects.count() == 4


@override_settings(DEBUG=True)
def test_refuses_a_register_that_has_records_unless_told():
    generate()
    with pytest.raises(CommandError, match="already has"):
        generate("--seed", "8")
    assert Review.objects.count() == 4


@override_settings(DEBUG=True)
def test_bench_accounts_sign_in_only_with_the_password_given(client):
    generate("--password", "a-bench-password")

    assert client.login(username="bench-member", password="a-bench-password")
    officer = get_user_model().objects.filter(username__startswith="officer").first()
    assert not officer.has_usable_password()
