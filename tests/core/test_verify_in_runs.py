"""The full verification on PostgreSQL splits a long chain into runs walked by processes of their own. Whatever is
done to the trail, the split walk gives the answer a single walk gives, including at the joins between runs."""

import pytest
from django.db import connection, transaction

from core.audit import chain_hash, entry_content, history_model_of, verify_chain
from core.models import AuditEntry
from recommendations.choices import ActionStatus
from recommendations.services import action_update_status
from tests.core.test_audit_anchor import as_superuser
from tests.recommendations.factories import ActionFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="The chain is split into runs on PostgreSQL only."),
]

WORKERS = 3


def split(**kwargs):
    return verify_chain(workers=WORKERS, parallel_from=1, **kwargs)


def single(**kwargs):
    return verify_chain(workers=1, **kwargs)


@pytest.fixture
def trail(manager_user):
    """A dozen entries or so: each run of three holds a few."""
    for index in range(4):
        action = ActionFactory(description=f"Action {index} of the call handling review")
        action_update_status(action=action, actor=manager_user, status=ActionStatus.IN_PROGRESS, reason="Started")
    return list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True))


def boundaries(sequences) -> list[int]:
    """The first entry of each run after the first, as the verifier splits them."""
    last = sequences[-1]
    return [1 + last * index // WORKERS for index in range(1, WORKERS)]


def history_row(entry):
    return history_model_of(entry.content_type).objects.get(history_id=entry.history_id)


def test_an_intact_chain_reads_the_same_split_as_whole(trail):
    whole, runs = single(), split()
    assert whole.intact and runs.intact
    assert str(runs) == str(whole)
    assert runs.entries == whole.entries == len(trail)


@pytest.mark.parametrize("where", ["boundary", "inside"])
def test_a_changed_history_row_is_the_same_first_bad_link(trail, where):
    target = boundaries(trail)[1] if where == "boundary" else boundaries(trail)[1] + 1
    entry = AuditEntry.objects.get(sequence=target)
    with transaction.atomic(), as_superuser():
        history_model_of(entry.content_type).objects.filter(history_id=entry.history_id).update(
            history_change_reason="Rewritten after the event"
        )
    runs, whole = split(), single()
    assert not runs.intact
    assert str(runs) == str(whole)
    assert f"Entry {target} " in str(runs)


def test_entries_deleted_at_a_join_are_named_as_a_single_walk_names_them(trail):
    first_of_last_run = boundaries(trail)[-1]
    with transaction.atomic(), as_superuser():
        AuditEntry.objects.filter(sequence__in=[first_of_last_run - 1, first_of_last_run]).delete()
    runs, whole = split(), single()
    assert not runs.intact
    assert str(runs) == str(whole)
    assert "are missing — they were deleted" in str(runs)


def test_a_run_resealed_on_its_own_does_not_join_the_run_before_it(trail):
    """An attacker rewrites the first entry of a run with a forged previous hash, and seals it correctly: only the
    join between the runs sees that it follows no entry of the chain."""
    target = boundaries(trail)[0]
    entry = AuditEntry.objects.get(sequence=target)
    record = history_row(entry)
    forged_previous = "0" * 64
    entry.previous_hash = forged_previous
    resealed = chain_hash(forged_previous, entry_content(entry, record))
    with transaction.atomic(), as_superuser():
        AuditEntry.objects.filter(sequence=target).update(previous_hash=forged_previous, entry_hash=resealed)
        following = AuditEntry.objects.get(sequence=target + 1)
        following_record = history_row(following)
        following.previous_hash = resealed
        AuditEntry.objects.filter(sequence=target + 1).update(
            previous_hash=resealed, entry_hash=chain_hash(resealed, entry_content(following, following_record))
        )
    runs, whole = split(), single()
    assert not runs.intact
    assert str(runs) == str(whole)
    assert f"Entry {target} " in str(runs) and "does not follow on from the entry before it" in str(runs)
