"""The checks every app's model tests run on its TextChoices columns."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from simple_history.models import HistoricalChanges


def choice_columns(app_label: str) -> set[tuple]:
    """Every (model, field name) of the app whose column is kept to declared choices."""
    return {
        (model, field.name)
        for model in apps.get_app_config(app_label).get_models()
        if not issubclass(model, HistoricalChanges)
        for field in model._meta.concrete_fields
        if field.choices
    }


def assert_choice_refused_everywhere(instance, field: str) -> None:
    """A value outside the choices is refused by validation (naming the field) and by the database."""
    stored = getattr(instance, field)
    setattr(instance, field, "made_up")

    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    assert list(excinfo.value.message_dict) == [field]

    with pytest.raises(IntegrityError), transaction.atomic():
        instance.save()
    instance.refresh_from_db()
    assert getattr(instance, field) == stored
