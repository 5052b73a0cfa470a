"""Writes to recommendations and actions. Each is one transaction and leaves a history row with actor and reason."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import sealed_together, sha256_of
from core.history import check_not_stale, save_with_history
from programmes.choices import DecisionKind, DecisionOutcome
from programmes.models import Person
from programmes.services import decision_record

from . import signals
from .choices import (
    ACTION_CLOSED_STATUSES,
    IMPLEMENTATION_CLOSED_STATUSES,
    ActionStatus,
    DecisionStatus,
    ImplementationStatus,
    Rag,
    duration_text,
)
from .models import (
    DECISION_STATUSES_COMMITTED,
    Action,
    Comment,
    Delegation,
    Evidence,
    ExtensionRequest,
    ProgressUpdate,
    Recommendation,
    deputy_for,
)
from .permissions import can_close, can_report_implemented, can_update_action, can_verify, person_of
from .querysets import on_recommendation_q, overdue_action_q, red_action_q


def _lock_action(pk: int, *, actor) -> Action:
    """The action's row, locked for the change, if the actor may update it (None: a change no person makes). Its
    recommendation and owner are read in the same query (and not locked): the checks before the save, the audit
    entry's review and the progress update's author need them."""
    action = Action.objects.select_for_update(of=("self",)).select_related("recommendation", "owner").get(pk=pk)
    if actor is not None and not can_update_action(actor, action):
        raise PermissionDenied(
            "Only the programme manager, or the action's owner or the project director of its review in a role "
            "that records progress, can update this action."
        )
    return action


def _move_status(action: Action, status: str, today: datetime.date) -> None:
    if status not in ActionStatus.values:
        raise ValidationError({"status": f"'{status}' is not a status an action can have."})
    if not action.can_move_to(status):
        raise ValidationError(
            {
                "status": f"An action that is {action.get_status_display().lower()} cannot move to "
                f"{ActionStatus(status).label.lower()}."
            }
        )
    action.status = status
    action.completed_on = today if status == ActionStatus.COMPLETE else None


def _override_rag(action: Action, rag: str, reason: str) -> None:
    if rag and rag not in Rag.values:
        raise ValidationError({"rag": f"'{rag}' is not a RAG rating."})
    if rag and not reason.strip():
        raise ValidationError({"rag_override_reason": "Say why the derived RAG is being overridden."})
    action.rag_override = rag
    action.rag_override_reason = reason if rag else ""


@transaction.atomic
def action_update_status(*, action: Action, actor, status: str, reason: str, today: datetime.date | None = None):
    """Move an action to a new status. A reason is required: it is what the audit trail shows beside the change."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the status is changing."})
    locked = _lock_action(action.pk, actor=actor)
    _move_status(locked, status, today or timezone.localdate())
    return save_with_history(locked, actor=actor, reason=reason)


@transaction.atomic
def action_override_rag(*, action: Action, actor, rag: str, reason: str):
    """Override an action's derived RAG, or clear the override with rag=''. An override needs a reason."""
    locked = _lock_action(action.pk, actor=actor)
    _override_rag(locked, rag, reason)
    return save_with_history(locked, actor=actor, reason=reason or "RAG override cleared")


@transaction.atomic
def action_report_progress(
    *,
    action: Action,
    actor,
    author: Person,
    status: str,
    rag_override: str,
    reason: str,
    note: str,
    evidence_file=None,
    evidence_description: str = "",
    today: datetime.date | None = None,
    seen_version: int | None = None,
) -> ProgressUpdate | None:
    """An owner's update of an action in one step: status, RAG override, a progress note and evidence.

    Changing the status or the RAG needs a reason; a change to either (or both) is one new version of the action,
    whose history row carries that reason. The note (or, failing one, the reason) is kept as a dated progress update
    with the status and RAG the action has once the update is made. `seen_version` is the action's version the owner
    saw (see core.history.check_not_stale): if someone else has saved the action since, nothing is written.
    None skips the check.
    """
    today = today or timezone.localdate()
    with sealed_together():
        locked = _lock_action(action.pk, actor=actor)
        check_not_stale(locked, seen_version)
        status_changes = status != locked.status
        rag_changes = rag_override != locked.rag_override
        if (status_changes or rag_changes) and not reason.strip():
            raise ValidationError({"reason": "Say why the status or RAG is changing."})
        if evidence_file is not None and actor is not None and not actor.has_perm("recommendations.add_evidence"):
            raise PermissionDenied("Your role does not let you add evidence.")
        if not (status_changes or rag_changes or note.strip() or evidence_file):
            raise ValidationError("Nothing to update: change the status or RAG, or write a progress note.")
        if status_changes:
            _move_status(locked, status, today)
        if rag_changes:
            _override_rag(locked, rag_override, reason)
        deputising = author.pk != locked.owner_id and deputy_for(author, locked.owner_id, today)
        for_owner = locked.owner if deputising else None
        by_deputy = f" (by the deputy, for {for_owner.name})" if for_owner else ""
        if status_changes or rag_changes:
            save_with_history(locked, actor=actor, reason=reason + by_deputy)
        # This update is the action's latest: the RAG it reports counts it.
        locked.last_update_on = today
        update = ProgressUpdate(
            action=locked,
            author=author,
            on_behalf_of=for_owner,
            reported_on=today,
            note=note.strip() or reason.strip(),
            reported_status=locked.status,
            reported_rag=locked.rag(today),
        )
        save_with_history(update, actor=actor, reason=(reason or "Progress update") + by_deputy)
        if evidence_file is not None:
            save_with_history(
                Evidence(
                    update=update,
                    file=evidence_file,
                    description=evidence_description,
                    uploaded_by=actor,
                    sha256=sha256_of(evidence_file),
                ),
                actor=actor,
                reason="Evidence for a progress update",
            )
    return update


@transaction.atomic
def comment_ask(*, subject: Recommendation | Action, actor, question: str) -> Comment:
    """A member's question about a recommendation or an action, put to its owner."""
    if not question.strip():
        raise ValidationError({"question": "Write your question."})
    comment = Comment(author=actor, addressed_to=subject.owner, question=question.strip())
    if isinstance(subject, Action):
        comment.action = subject
    else:
        comment.recommendation = subject
    save_with_history(comment, actor=actor, reason="Challenge put to the owner")
    signals.challenge_asked.send(sender=Comment, comment=comment)
    return comment


@transaction.atomic
def comment_answer(*, comment: Comment, actor, answer: str) -> Comment:
    """The owner's answer to a challenge. A challenge is answered once: the answer stands in the record."""
    if not answer.strip():
        raise ValidationError({"answer": "Write your answer."})
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if locked.is_answered:
        raise ValidationError("This challenge has already been answered.")
    locked.answer = answer.strip()
    locked.answered_by = actor
    locked.answered_at = timezone.now()
    person, owner = person_of(actor), locked.addressed_to
    deputising = owner is not None and person is not None and person != owner
    if deputising and deputy_for(person, owner.pk, timezone.localdate()):
        locked.answered_for = owner
    reason = f"Challenge answered by the deputy, for {owner.name}" if locked.answered_for else "Challenge answered"
    save_with_history(locked, actor=actor, reason=reason)
    signals.challenge_answered.send(sender=Comment, comment=locked)
    return locked


@transaction.atomic
def extend_date(
    *,
    subject: Recommendation | Action,
    actor,
    body,
    meeting,
    decided_on: datetime.date,
    minute_reference: str,
    revised_target_date: datetime.date,
    rationale: str,
):
    """Move a recommendation's target date, or an action's due date, later through an approved extension decision;
    the original date is kept. The subject's decision rules (recommendations.workflow) check and carry it out. The
    owner's request waiting for it, if any, is answered by it."""
    decision = decision_record(
        subject=subject,
        actor=actor,
        body=body,
        meeting=meeting,
        decided_on=decided_on,
        kind=DecisionKind.APPROVE_EXTENSION,
        outcome=DecisionOutcome.APPROVED,
        minute_reference=minute_reference,
        rationale=rationale,
        reason=f"Extension to {revised_target_date:%d %B %Y}: {rationale}",
        effect={"revised_target_date": revised_target_date},
    )
    _answer_request(pending_extension_request(subject), decision, actor=actor)
    return decision


@transaction.atomic
def extension_refuse(
    *,
    subject: Recommendation | Action,
    actor,
    body,
    meeting,
    decided_on: datetime.date,
    minute_reference: str,
    rationale: str,
):
    """A body's refusal of the extension its owner asked for: recorded as a decision, the date unchanged."""
    request = pending_extension_request(subject)
    if request is None:
        raise ValidationError("No extension has been asked for: there is nothing to refuse.")
    if not rationale.strip():
        raise ValidationError({"rationale": "Say why the extension is refused."})
    decision = decision_record(
        subject=subject,
        actor=actor,
        body=body,
        meeting=meeting,
        decided_on=decided_on,
        kind=DecisionKind.APPROVE_EXTENSION,
        outcome=DecisionOutcome.REJECTED,
        minute_reference=minute_reference,
        rationale=rationale,
        reason=f"Extension to {request.proposed_date:%d %B %Y} refused: {rationale}",
    )
    _answer_request(request, decision, actor=actor)
    return decision


def pending_extension_request(subject) -> ExtensionRequest | None:
    field = "action" if isinstance(subject, Action) else "recommendation"
    return ExtensionRequest.objects.filter(**{field: subject}, decision__isnull=True).first()


def _answer_request(request: ExtensionRequest | None, decision, *, actor) -> None:
    """The owner's request waiting for this decision, read by the caller, is answered by it."""
    if request is not None:
        request.decision = decision
        save_with_history(request, actor=actor, reason=f"Answered: {decision.get_outcome_display().lower()}")


@transaction.atomic
def extension_request(
    *, subject: Recommendation | Action, actor, proposed_date: datetime.date, reason: str
) -> ExtensionRequest:
    """The owner's request for a later date, for a body to decide: the date does not move until one approves it."""
    if isinstance(subject, Action):
        allowed, current, still_open = can_update_action(actor, subject), subject.due_date, subject.is_open
    else:
        allowed, current = can_report_implemented(actor, subject), subject.target_date
        still_open = subject.implementation_status not in IMPLEMENTATION_CLOSED_STATUSES
    if not allowed:
        raise PermissionDenied("Only its owner, their deputy or the programme manager can ask for an extension.")
    if not still_open:
        raise ValidationError("It is closed: there is nothing to extend.")
    if current is None:
        raise ValidationError("It has no date to extend: give it one first.")
    if proposed_date <= current:
        raise ValidationError({"proposed_date": f"Propose a date later than the current one, {current:%d %B %Y}."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why more time is needed."})
    if pending_extension_request(subject) is not None:
        raise ValidationError("An extension has already been asked for: it waits for the body's decision.")
    request = ExtensionRequest(
        requested_by=actor,
        requested_at=timezone.now(),
        current_date=current,
        proposed_date=proposed_date,
        reason=reason.strip(),
        **{"action" if isinstance(subject, Action) else "recommendation": subject},
    )
    return save_with_history(request, actor=actor, reason=f"Extension to {proposed_date:%d %B %Y} asked for: {reason}")


def archive_blockers(
    *, recommendation: Recommendation | None = None, action: Action | None = None, today: datetime.date | None = None
) -> list[str]:
    """What has been recorded against a record that keeps it in the register: archiving is for entries made in
    error, never a way to take a decided, reported-on, challenged, overdue or red item out of the committee's
    figures. Overdue and red are as shown (the one overdue rule, and red_action_q: an owner's red override too)."""
    today = today or timezone.localdate()
    blockers = []
    if recommendation is not None:
        if recommendation.decision_status != DecisionStatus.PROPOSED or recommendation.decisions.exists():
            blockers.append("a body has decided on it: record it as superseded, or as not pursued by decision, instead")
        failing = Action.objects.filter(recommendation=recommendation).filter(
            overdue_action_q(today) | red_action_q(today)
        )
        if count := failing.count():
            blockers.append(
                f"{count} of its actions {'is' if count == 1 else 'are'} overdue or red: an overdue or red action "
                "stays in the committee's figures until it is done or cancelled with a reason"
            )
        on_it = on_recommendation_q(recommendation.pk)
        updates = ProgressUpdate.objects.filter(on_it)
        challenges = Comment.objects.filter(on_it)
    else:
        if action.status != ActionStatus.NOT_STARTED:
            blockers.append(f"it is {action.get_status_display().lower()}: cancel it instead")
        if overdue := action.days_overdue(today):
            blockers.append(f"it is {duration_text(overdue)} overdue: cancel it, with a reason, instead")
        elif action.rag(today) == Rag.RED:
            blockers.append("it is red: cancel it, with a reason, instead")
        updates = ProgressUpdate.objects.filter(action=action)
        challenges = Comment.objects.filter(action=action)
    if updates.exists():
        blockers.append("progress has been reported on it")
    if challenges.exists():
        blockers.append("a member has challenged it")
    return blockers


# How an action archived along with its recommendation gives its reason (the pack reads it to list them together).
ARCHIVED_WITH_RECOMMENDATION = "archived with its recommendation — "


def _refuse_unless_archivable(noun: str, blockers: list[str]) -> None:
    if blockers:
        raise ValidationError(f"This {noun} stays in the register because {'; and '.join(blockers)}.")


def _archive(instance, *, actor, reason: str, when):
    instance.archived_at = when
    instance.archive_reason = reason
    return save_with_history(instance, actor=actor, reason=f"Archived: {reason}")


def _restore(instance, *, actor, reason: str):
    instance.archived_at, instance.archive_reason = None, ""
    return save_with_history(instance, actor=actor, reason=reason)


def _locked(model, pk: int, *, reason: str, restoring: bool, seen_version: int | None = None):
    """The record's row, locked until commit, once the reason is given and the record is in the state the step
    starts from (live to archive, archived to restore)."""
    noun = model._meta.verbose_name
    if not reason:
        raise ValidationError({"reason": f"Say why the {noun} is being {'restored' if restoring else 'archived'}."})
    locked = model.all_objects.select_for_update().get(pk=pk)
    check_not_stale(locked, seen_version)
    if locked.is_archived != restoring:
        raise ValidationError(f"This {noun} is {'not' if restoring else 'already'} archived.")
    return locked


@transaction.atomic
def recommendation_archive(
    *, recommendation: Recommendation, actor, reason: str, seen_version: int | None = None
) -> Recommendation:
    """Take a recommendation entered in error out of the register, with its actions; every history row stays, and
    it can be restored. Refused for anything a body has decided on or anyone has reported on or challenged, and
    while any of its actions is overdue or red. The actions are locked before the check, so none can turn overdue
    or red between the check and the archive."""
    reason = reason.strip()
    locked = _locked(Recommendation, recommendation.pk, reason=reason, restoring=False, seen_version=seen_version)
    actions = list(Action.objects.select_for_update().filter(recommendation=locked).order_by("pk"))
    _refuse_unless_archivable("recommendation", archive_blockers(recommendation=locked))
    when = timezone.now()
    for action in actions:
        _archive(action, actor=actor, reason=f"{ARCHIVED_WITH_RECOMMENDATION}{reason}", when=when)
    return _archive(locked, actor=actor, reason=reason, when=when)


@transaction.atomic
def recommendation_restore(
    *, recommendation: Recommendation, actor, reason: str, seen_version: int | None = None
) -> Recommendation:
    """Bring an archived recommendation back, with the actions archived along with it."""
    reason = reason.strip()
    locked = _locked(Recommendation, recommendation.pk, reason=reason, restoring=True, seen_version=seen_version)
    archived_with_it = list(
        Action.all_objects.select_for_update().filter(recommendation=locked, archived_at=locked.archived_at)
    )
    _restore(locked, actor=actor, reason=f"Restored: {reason}")
    for action in sorted(archived_with_it, key=lambda action: action.pk):
        _restore(action, actor=actor, reason=f"Restored with its recommendation: {reason}")
    return locked


@transaction.atomic
def action_archive(*, action: Action, actor, reason: str, seen_version: int | None = None) -> Action:
    """Take an action entered in error out of the register; every history row stays, and it can be restored.
    Refused for an action that has started, is overdue or red, or has been reported on or challenged."""
    reason = reason.strip()
    locked = _locked(Action, action.pk, reason=reason, restoring=False, seen_version=seen_version)
    _refuse_unless_archivable("action", archive_blockers(action=locked))
    return _archive(locked, actor=actor, reason=reason, when=timezone.now())


@transaction.atomic
def action_restore(*, action: Action, actor, reason: str, seen_version: int | None = None) -> Action:
    reason = reason.strip()
    locked = _locked(Action, action.pk, reason=reason, restoring=True, seen_version=seen_version)
    if Recommendation.all_objects.filter(pk=locked.recommendation_id, archived_at__isnull=False).exists():
        raise ValidationError("Its recommendation is archived: restore the recommendation, and its actions with it.")
    return _restore(locked, actor=actor, reason=f"Restored: {reason}")


# Verification before closure: the owner's word that a recommendation is implemented is checked by someone
# independent (its source's verifier) before it counts; the other ways a recommendation closes each say why.


def _lock_recommendation(pk: int, *, seen_version: int | None = None) -> Recommendation:
    locked = (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("source__programme__manager", "source__verifier", "owner")
        .get(pk=pk)
    )
    check_not_stale(locked, seen_version)
    return locked


def _has_evidence(recommendation: Recommendation) -> bool:
    return Evidence.objects.filter(on_recommendation_q(recommendation.pk, prefix="update__")).exists()


def _refuse_if_closed(recommendation: Recommendation) -> None:
    if recommendation.implementation_status in IMPLEMENTATION_CLOSED_STATUSES:
        raise ValidationError(
            f"This recommendation is already closed ({recommendation.get_implementation_status_display().lower()})."
        )


@transaction.atomic
def recommendation_report_implemented(
    *,
    recommendation: Recommendation,
    actor,
    note: str,
    evidence_file=None,
    evidence_description: str = "",
    today: datetime.date | None = None,
    seen_version: int | None = None,
) -> Recommendation:
    """The owner's report that an accepted recommendation is implemented: every action is complete (or cancelled)
    and there is evidence, on this report or an earlier update. It becomes "awaiting verification", and its
    verifier is asked to check it; it does not yet count as implemented."""
    today = today or timezone.localdate()
    with sealed_together():
        locked = _lock_recommendation(recommendation.pk, seen_version=seen_version)
        if actor is not None and not can_report_implemented(actor, locked):
            raise PermissionDenied(
                "Only the recommendation's owner or the programme manager can report it implemented."
            )
        author = person_of(actor) if actor is not None else locked.owner
        if author is None:
            raise ValidationError("Your account is not linked to a person in the register, so it cannot report.")
        _refuse_if_closed(locked)
        if locked.implementation_status == ImplementationStatus.AWAITING_VERIFICATION:
            raise ValidationError("This recommendation has already been reported implemented: it awaits its verifier.")
        if locked.decision_status not in DECISION_STATUSES_COMMITTED:
            raise ValidationError("Only an accepted recommendation is implemented: record the decision first.")
        if not note.strip():
            raise ValidationError({"note": "Say how the recommendation was implemented."})
        unfinished = locked.actions.exclude(status__in=ACTION_CLOSED_STATUSES).count()
        if unfinished:
            raise ValidationError(
                f"{unfinished} of its actions {'is' if unfinished == 1 else 'are'} not complete: complete or cancel "
                "each action first."
            )
        if evidence_file is None and not _has_evidence(locked):
            raise ValidationError(
                {"evidence_file": "Attach the evidence that it is implemented (minutes, a policy, a report)."}
            )
        update = save_with_history(
            ProgressUpdate(recommendation=locked, author=author, reported_on=today, note=note.strip()),
            actor=actor,
            reason="Reported implemented",
        )
        if evidence_file is not None:
            save_with_history(
                Evidence(
                    update=update,
                    file=evidence_file,
                    description=evidence_description,
                    uploaded_by=actor,
                    sha256=sha256_of(evidence_file),
                ),
                actor=actor,
                reason="Evidence that the recommendation is implemented",
            )
        locked.implementation_status = ImplementationStatus.AWAITING_VERIFICATION
        locked.reported_implemented_by = actor
        locked.reported_implemented_on = today
        locked._closure = update
        save_with_history(locked, actor=actor, reason=f"Reported implemented, for verification: {note.strip()}")
    signals.verification_requested.send(
        sender=Recommendation, recommendation=locked, verifier=locked.source.effective_verifier, actor=actor
    )
    return locked


@transaction.atomic
def recommendation_verify(
    *, recommendation: Recommendation, actor, accept: bool, note: str, seen_version: int | None = None
) -> Recommendation:
    """The verifier's check of a recommendation reported implemented. Accepted, it is implemented (verified), with
    who, when and the note, and counts in the committee's figures from then on. Rejected, with the reason, it goes
    back in progress. Either way its owner is told."""
    locked = _lock_recommendation(recommendation.pk, seen_version=seen_version)
    if not can_verify(actor, locked):
        verifier = locked.source.effective_verifier
        who = f", {verifier}," if verifier else " (it has none yet)"
        raise PermissionDenied(f"Only the verifier of {locked.source}{who} can verify it.")
    if locked.implementation_status != ImplementationStatus.AWAITING_VERIFICATION:
        raise ValidationError("This recommendation is not awaiting verification: nothing to verify.")
    if locked.reported_implemented_by_id == actor.pk:
        raise ValidationError("You reported it implemented: its verification needs someone independent of the report.")
    note = note.strip()
    if not note:
        raise ValidationError(
            {"note": "Say what you checked." if accept else "Say why it is not accepted as implemented."}
        )
    locked._closure = actor
    reported_by = locked.reported_implemented_by
    if accept:
        locked.implementation_status = ImplementationStatus.IMPLEMENTED
        locked.implemented_on = locked.reported_implemented_on
        locked.closed_by = actor
        locked.closed_at = timezone.now()
        locked.closure_note = note
        save_with_history(locked, actor=actor, reason=f"Verified as implemented: {note}")
    else:
        locked.implementation_status = ImplementationStatus.IN_PROGRESS
        locked.reported_implemented_by = None
        locked.reported_implemented_on = None
        save_with_history(locked, actor=actor, reason=f"Not accepted as implemented: {note}")
    signals.verification_decided.send(
        sender=Recommendation, recommendation=locked, accepted=accept, note=note, actor=actor, reported_by=reported_by
    )
    return locked


@transaction.atomic
def recommendation_close(
    *,
    recommendation: Recommendation,
    actor,
    outcome: str,
    reason: str,
    superseded_by: Recommendation | None = None,
    seen_version: int | None = None,
) -> Recommendation:
    """Close a recommendation that will not be implemented as written: superseded by another recommendation, or not
    implemented, each with the reason. (A risk accepted needs a body's decision: recommendation_accept_risk.)"""
    locked = _lock_recommendation(recommendation.pk, seen_version=seen_version)
    if actor is not None and not can_close(actor, locked):
        raise PermissionDenied("Only the programme manager can close a recommendation.")
    _refuse_if_closed(locked)
    if outcome not in (ImplementationStatus.SUPERSEDED, ImplementationStatus.NOT_IMPLEMENTED):
        raise ValidationError({"outcome": "Choose superseded or not implemented."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the recommendation is closed."})
    if outcome == ImplementationStatus.SUPERSEDED:
        if superseded_by is None:
            raise ValidationError({"superseded_by": "Choose the recommendation that supersedes it."})
        if superseded_by.pk == locked.pk or superseded_by.superseded_by_id == locked.pk:
            raise ValidationError({"superseded_by": "A recommendation cannot be superseded by itself."})
        if superseded_by.is_archived:
            raise ValidationError({"superseded_by": "That recommendation is archived: choose one in the register."})
        locked.superseded_by = superseded_by
    locked.implementation_status = outcome
    locked.closed_by = actor
    locked.closed_at = timezone.now()
    locked.closure_note = reason.strip()
    locked._closure = actor
    label = ImplementationStatus(outcome).label.lower()
    return save_with_history(locked, actor=actor, reason=f"Closed as {label}: {reason.strip()}")


@transaction.atomic
def recommendation_accept_risk(
    *,
    recommendation: Recommendation,
    actor,
    body,
    meeting,
    decided_on: datetime.date,
    minute_reference: str,
    rationale: str,
    risk_review_date: datetime.date,
):
    """A body's decision to accept the risk of not implementing a recommendation, with the rationale and the date it
    is looked at again. The recommendation's decision rules (recommendations.workflow) check the body and close it."""
    return decision_record(
        subject=recommendation,
        actor=actor,
        body=body,
        meeting=meeting,
        decided_on=decided_on,
        kind=DecisionKind.ACCEPT_RISK,
        outcome=DecisionOutcome.APPROVED,
        minute_reference=minute_reference,
        rationale=rationale,
        reason=f"Risk accepted, to be reviewed by {risk_review_date:%d %B %Y}: {rationale}",
        effect={"risk_review_date": risk_review_date},
    )


@transaction.atomic
def recommendation_reopen(*, recommendation: Recommendation, actor, reason: str, seen_version: int | None = None):
    """Put a closed recommendation back in progress (a risk review that decides to act after all, a closure made in
    error), with the reason; its closure stays in its history."""
    locked = _lock_recommendation(recommendation.pk, seen_version=seen_version)
    if actor is not None and not can_close(actor, locked):
        raise PermissionDenied("Only the programme manager can reopen a recommendation.")
    if locked.implementation_status not in IMPLEMENTATION_CLOSED_STATUSES:
        raise ValidationError("This recommendation is not closed.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the recommendation is reopened."})
    locked.implementation_status = ImplementationStatus.IN_PROGRESS
    for name in ("implemented_on", "reported_implemented_by", "reported_implemented_on", "closed_by", "closed_at"):
        setattr(locked, name, None)
    locked.superseded_by = None
    locked.risk_review_date = None
    locked.closure_note = ""
    return save_with_history(locked, actor=actor, reason=f"Reopened: {reason.strip()}")


# Delegation: an owner's deputy for a period, who updates and answers for them.


def _may_delegate_for(actor, owner) -> bool:
    return actor.has_perm("recommendations.change_action") or person_of(actor) == owner


@transaction.atomic
def delegation_create(
    *, owner, deputy, starts_on: datetime.date, ends_on: datetime.date, actor, today: datetime.date | None = None
) -> Delegation:
    """Name a deputy for a period. The deputy must be able to sign in with a role that records progress, and an
    owner has one deputy at a time."""
    today = today or timezone.localdate()
    if not _may_delegate_for(actor, owner):
        raise PermissionDenied("Only the owner, or the programme manager, names the owner's deputy.")
    if deputy is None:
        raise ValidationError({"deputy": "Choose your deputy."})
    if deputy == owner:
        raise ValidationError({"deputy": "Name someone else as the deputy."})
    user = getattr(deputy, "user", None)
    if user is None or not user.is_active or not user.has_perm("recommendations.add_progressupdate"):
        raise ValidationError({"deputy": f"{deputy.name} cannot sign in to record progress: choose someone who can."})
    if ends_on < today:
        raise ValidationError({"ends_on": "The period has already ended: give an end date from today on."})
    overlapping = Delegation.objects.filter(
        owner=owner, ended_at__isnull=True, starts_on__lte=ends_on, ends_on__gte=starts_on
    ).first()
    if overlapping is not None:
        raise ValidationError(f"{owner.name} already has a deputy then: {overlapping}. End it first.")
    delegation = Delegation(owner=owner, deputy=deputy, starts_on=starts_on, ends_on=ends_on)
    save_with_history(delegation, actor=actor, reason=f"Deputy named: {delegation}")
    signals.deputy_named.send(sender=Delegation, delegation=delegation, actor=actor)
    return delegation


@transaction.atomic
def delegation_end(*, delegation: Delegation, actor) -> Delegation:
    locked = Delegation.objects.select_for_update().select_related("owner", "deputy").get(pk=delegation.pk)
    if not _may_delegate_for(actor, locked.owner):
        raise PermissionDenied("Only the owner, or the programme manager, ends the owner's delegation.")
    if locked.ended_at is not None:
        raise ValidationError("This delegation has already ended.")
    locked.ended_at = timezone.now()
    return save_with_history(locked, actor=actor, reason=f"Delegation ended early: {locked}")


@transaction.atomic
def action_flag_at_risk(
    *, action: Action, actor, reason: str, today: datetime.date | None = None, seen_version: int | None = None
) -> Action:
    """The owner's warning, before the due date, that an action will not be met: shown on the action, in the lists
    and to the committee. Once overdue it is the escalation ladder's."""
    today = today or timezone.localdate()
    locked = _lock_action(action.pk, actor=actor)
    check_not_stale(locked, seen_version)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the action is at risk."})
    if not locked.is_open:
        raise ValidationError(f"The action is {locked.get_status_display().lower()}: it is not at risk.")
    if locked.days_overdue(today):
        raise ValidationError("The action is already overdue: it is escalated as it stays overdue.")
    locked.at_risk_since = locked.at_risk_since or today
    locked.at_risk_reason = reason.strip()
    return save_with_history(locked, actor=actor, reason=f"Flagged at risk: {reason.strip()}")


@transaction.atomic
def action_clear_at_risk(*, action: Action, actor, reason: str, seen_version: int | None = None) -> Action:
    locked = _lock_action(action.pk, actor=actor)
    check_not_stale(locked, seen_version)
    if locked.at_risk_since is None:
        raise ValidationError("The action is not flagged at risk.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why it is no longer at risk."})
    locked.at_risk_since = None
    locked.at_risk_reason = ""
    return save_with_history(locked, actor=actor, reason=f"No longer at risk: {reason.strip()}")
