"""Writing to the register with its audit trail: every save names who made it and why.

A record's version is the history_id of its newest history row: every write adds a row, so the version moves on
each save without a column of its own. An edit form carries the version it was rendered from (`seen_version`),
and `check_not_stale` refuses a save whose version is no longer the record's, saying what changed since.
"""

from datetime import datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import OuterRef, Subquery
from django.utils.text import Truncator
from simple_history.models import HistoricalRecords

from .audit import field_changes, in_memory, m2m_changes


class IndexedHistoricalRecords(HistoricalRecords):
    """simple-history's records with indexes of our own on the historical table: the register "as at" a past day
    looks its versions up by a foreign key and a date, which the single-column indexes cannot answer."""

    def __init__(self, *args, indexes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.indexes = list(indexes)

    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        options["indexes"] = [*options.get("indexes", ()), *self.indexes]
        return options


def save_with_history(instance: models.Model, *, actor, reason: str = "", when: datetime | None = None) -> models.Model:
    """Validate and save one register object, recording the acting user and the reason on its history row.

    Validation runs first (fields, choices, constraints), so bad input raises ValidationError and writes nothing.
    `when` dates the history row at the moment the change really happened (e.g. loading a 2003 report);
    left out, it is now.
    """
    validate(instance)
    _mark_history(instance, actor=actor, reason=reason, when=when)
    # Inside a service's transaction this adds no savepoint: a failed save fails the whole change.
    with transaction.atomic(savepoint=False):
        instance.save()
    return instance


def validate(instance: models.Model) -> None:
    """Model.full_clean(), without a query for each foreign key whose object is already in memory.

    full_clean() checks that every foreign key points at a row by reading it. An object set on the instance, or read
    with it by select_related(), was read from the database (and nothing in the register is ever deleted), so that
    read proves nothing new; the database's foreign key constraint still stands behind it. Only the field check is
    skipped: unique and check constraints are validated over every field, as full_clean() does.
    """
    known = _relations_in_memory(instance)
    errors: dict = {}
    try:
        instance.clean_fields(exclude=known)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        instance.clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    failed = {name for name in errors if name != NON_FIELD_ERRORS}
    for check in (instance.validate_unique, instance.validate_constraints):
        try:
            check(exclude=failed)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _relations_in_memory(instance: models.Model) -> set[str]:
    return {
        field.name
        for field in instance._meta.concrete_fields
        if field.many_to_one
        and not field.get_limit_choices_to()
        and (related := in_memory(instance, field.name, getattr(instance, field.attname))) is not None
        and not related._state.adding
    }


def set_m2m_with_history(
    instance: models.Model, field: str, values, *, actor, reason: str = "", when: datetime | None = None
) -> None:
    """Replace a many-to-many field; simple-history records the change on the instance's history, dated as above."""
    _mark_history(instance, actor=actor, reason=reason, when=when)
    getattr(instance, field).set(values)


def _mark_history(instance: models.Model, *, actor, reason: str, when: datetime | None) -> None:
    instance._history_user = actor
    instance._change_reason = reason
    # simple-history reads _history_date off the instance, so a date left by an earlier dated save would
    # otherwise stamp every later change of the same instance.
    if when is not None:
        instance._history_date = when
    else:
        instance.__dict__.pop("_history_date", None)


class StaleEditError(ValidationError):
    """A save refused because someone else saved the record after the form was rendered; carries the version now
    current, so the form can be re-shown with the user's input and that version."""

    def __init__(self, message, *, current_version: int | None):
        super().__init__(message, code="stale")
        self.current_version = current_version


def latest_version(instance: models.Model) -> int | None:
    """The history_id of the record's newest history row (None for a record not saved yet)."""
    if instance.pk is None:
        return None
    return instance.history.order_by("-history_id").values_list("history_id", flat=True).first()


def latest_version_subquery(model: type[models.Model]) -> Subquery:
    """The version as an annotation, so a page with a form per row reads every row's version in its one query."""
    history = model.history.model._default_manager
    pk_attname = model._meta.pk.attname
    return Subquery(
        history.filter(**{pk_attname: OuterRef("pk")}).order_by("-history_id").values("history_id")[:1],
        output_field=models.IntegerField(),
    )


def _shown(value: str) -> str:
    return f"“{Truncator(value).chars(200)}”" if value else "(blank)"


def check_not_stale(instance: models.Model, seen_version: int | None, *, read_version: int | None = None) -> None:
    """Refuse to save over a version of the record other than the one the user saw, saying what changed since.

    Call it inside the saving transaction, after locking the record's row with select_for_update(): the version read
    here is then the one the save will follow, and no one can save in between. seen_version None means no check
    (callers that did not show the user a version, such as commands).
    """
    if seen_version is None or instance.pk is None:
        return
    if read_version is not None and read_version == seen_version:
        # A check for a message only, outside the lock (a form's): the page's own query read the version, and it is
        # the one the user saw. Under the lock, leave read_version out: only a read after the lock is the truth.
        return
    current = instance.history.select_related("history_user").order_by("-history_id").first()
    if current is not None and current.history_id == seen_version:
        return
    noun = instance._meta.verbose_name
    who = "Someone else"
    if current is not None and current.history_user is not None:
        who = current.history_user.get_full_name() or current.history_user.get_username()
    messages = [
        f"{who} saved this {noun} after you opened it, so your changes have not been saved: they are still in the "
        "form. Check them against what changed, then save again."
    ]
    seen = instance.history.filter(history_id=seen_version).first()
    if current is not None and seen is not None:
        changes = field_changes(current, seen) + m2m_changes(current, seen)
        messages += [f"{change['label']}: {_shown(change['old'])} → {_shown(change['new'])}" for change in changes]
        if not changes:
            messages.append(f"No detail of the {noun} differs from what you saw.")
    raise StaleEditError(messages, current_version=current.history_id if current is not None else None)
