"""The ordered decision chain of a review, as the 2000 management arrangements and the HMIC inspection require it.

A review's stage moves only through a recorded decision of the body that owns that step, in order: the authority
(or its committee) cannot approve a final report, an implementation plan or completion that the management board
has not approved first. Each approval keeps a snapshot of what was approved and its SHA-256, so a later edit shows
as "changed since approval" until the item is approved again.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from core.history import save_with_history
from core.snapshots import content_hash, snapshot_diff
from programmes.choices import BodyKind, DecisionKind, DecisionOutcome

from .choices import STAGE_ORDER, ReviewStage

AUTHORITY = (BodyKind.AUTHORITY, BodyKind.COMMITTEE)
MANAGEMENT_BOARD = (BodyKind.MANAGEMENT_BOARD,)
PROGRAMME_BOARD = (BodyKind.PROGRAMME_BOARD,)


@dataclass(frozen=True)
class Step:
    """One link of the chain: which body takes which decision, at which stage, and where the review goes next."""

    key: str
    label: str
    kind: str
    body_kinds: tuple[str, ...]
    from_stage: str
    to_stage: str | None = None
    after: str | None = None


STEPS = (
    Step("selection", "Selected by the authority", DecisionKind.SELECT_REVIEW, AUTHORITY, ReviewStage.PROPOSED,
         ReviewStage.SELECTED),
    Step("terms", "Terms of reference approved by the management board", DecisionKind.APPROVE_TERMS_OF_REFERENCE,
         MANAGEMENT_BOARD, ReviewStage.SELECTED, ReviewStage.SCOPING),
    Step("project_plan", "Project plan approved by the programme board", DecisionKind.APPROVE_PROJECT_PLAN,
         PROGRAMME_BOARD, ReviewStage.SCOPING, ReviewStage.IN_REVIEW),
    Step("report_mb", "Final report approved by the management board", DecisionKind.APPROVE_FINAL_REPORT,
         MANAGEMENT_BOARD, ReviewStage.REPORTED, ReviewStage.APPROVED_BY_MANAGEMENT_BOARD),
    Step("report_authority", "Final report approved by the authority", DecisionKind.APPROVE_FINAL_REPORT, AUTHORITY,
         ReviewStage.APPROVED_BY_MANAGEMENT_BOARD, ReviewStage.APPROVED_BY_AUTHORITY, after="report_mb"),
    Step("plan_mb", "Implementation plan approved by the management board", DecisionKind.APPROVE_IMPLEMENTATION_PLAN,
         MANAGEMENT_BOARD, ReviewStage.APPROVED_BY_AUTHORITY),
    Step("plan_authority", "Implementation plan approved by the authority", DecisionKind.APPROVE_IMPLEMENTATION_PLAN,
         AUTHORITY, ReviewStage.APPROVED_BY_AUTHORITY, ReviewStage.IMPLEMENTING, after="plan_mb"),
    Step("completion_mb", "Completion approved by the management board", DecisionKind.APPROVE_COMPLETION,
         MANAGEMENT_BOARD, ReviewStage.IMPLEMENTING),
    Step("completion_authority", "Completion approved by the authority", DecisionKind.APPROVE_COMPLETION, AUTHORITY,
         ReviewStage.IMPLEMENTING, ReviewStage.COMPLETED, after="completion_mb"),
)  # fmt: skip
STEPS_BY_KEY = {step.key: step for step in STEPS}
CHAIN_KINDS = {step.kind for step in STEPS}
BODY_KIND_LABELS = dict(BodyKind.choices)


def step_for(kind: str, body_kind: str) -> Step | None:
    return next((step for step in STEPS if step.kind == kind and body_kind in step.body_kinds), None)


def _stage_index(stage: str) -> int:
    """Withdrawn is past every stage: nothing more can be approved for a withdrawn review."""
    return STAGE_ORDER.index(stage) if stage in STAGE_ORDER else len(STAGE_ORDER)


def _stage_label(stage: str) -> str:
    return ReviewStage(stage).label.lower()


def _bodies(kinds: tuple[str, ...]) -> str:
    return " or ".join(BODY_KIND_LABELS[kind].lower() for kind in kinds)


def _approved(decisions, step: Step, *, on_or_before: datetime.date | None = None):
    """The earliest approval that fulfils `step`, among decisions already read. A corrected decision fulfils
    nothing: it stays in the chain's list, struck through, but no longer takes effect."""
    matches = [
        d
        for d in decisions
        if d.corrected_at is None
        and d.kind == step.kind
        and d.outcome == DecisionOutcome.APPROVED
        and d.body.kind in step.body_kinds
        and (on_or_before is None or d.decided_on <= on_or_before)
    ]
    return min(matches, key=lambda d: (d.decided_on, d.pk or 0), default=None)


def check_review_decision(*, review, decision, existing) -> Step | None:
    """Refuse a decision on a review that breaks the chain; return the step it fulfils, if any."""
    if decision.kind not in CHAIN_KINDS:
        return None
    step = step_for(decision.kind, decision.body.kind)
    if step is None:
        allowed = sorted({kind for s in STEPS if s.kind == decision.kind for kind in s.body_kinds})
        raise ValidationError(
            {
                "body": f"A {BODY_KIND_LABELS[decision.body.kind].lower()} does not take this decision on a review: "
                f"it is for the {_bodies(tuple(allowed))}."
            }
        )
    if decision.outcome != DecisionOutcome.APPROVED:
        return None
    if step.after:
        before = STEPS_BY_KEY[step.after]
        if _approved(existing, before, on_or_before=decision.decided_on) is None:
            raise ValidationError(
                f"{before.label} is missing: the {_bodies(before.body_kinds)} must approve it "
                f"(on or before {decision.decided_on:%d %B %Y}) before the authority does."
            )
    if review.stage == ReviewStage.WITHDRAWN:
        raise ValidationError("This review has been withdrawn: nothing more can be approved for it.")
    # At the step's stage the approval moves the review on; past it, it is a re-approval of an edited item.
    if _stage_index(review.stage) < _stage_index(step.from_stage):
        raise ValidationError(
            f"This review is {_stage_label(review.stage)}: '{step.label}' can be recorded only once it is "
            f"{_stage_label(step.from_stage)}."
        )
    return step


def snapshot_of(review, kind: str) -> dict:
    """What a decision of this kind approves, as it stands now."""
    recommendations = list(
        review.recommendations.select_related("owner").prefetch_related("actions__owner").order_by("source_id", "id")
    )
    if kind == DecisionKind.APPROVE_IMPLEMENTATION_PLAN:
        return {
            "recommendations": [
                {
                    "number": rec.number,
                    "text": rec.text,
                    "response": rec.response,
                    "owner": rec.owner.name if rec.owner else "",
                    "target": str(rec.original_target_date or ("ongoing" if rec.target_ongoing else "")),
                    "funding": str(rec.funding_amount or rec.funding_source or ""),
                    "actions": [
                        {
                            "description": action.description,
                            "owner": action.owner.name if action.owner else "",
                            "due": str(action.due_date or ""),
                        }
                        for action in sorted(rec.actions.all(), key=lambda action: action.pk)
                    ],
                }
                for rec in recommendations
            ]
        }
    if kind == DecisionKind.APPROVE_COMPLETION:
        return {
            "recommendations": [
                {"number": rec.number, "text": rec.text, "implementation": rec.implementation_status}
                for rec in recommendations
            ]
        }
    return {
        "title": review.title,
        "scope": review.scope,
        "final_report": {
            "title": review.final_report_title,
            "reference": review.final_report_reference,
            "date": str(review.final_report_date or ""),
            "summary": review.final_report_summary,
        },
        "aims": [
            {"text": aim.text, "measure": aim.measure, "target": aim.target, "deadline": str(aim.deadline or "")}
            for aim in review.aims.order_by("number")
        ],
        "recommendations": [{"number": rec.number, "text": rec.text} for rec in recommendations],
    }


class ReviewDecisionRules:
    """Registered for Review in reviews.apps: the chain's checks and the stage move of each approval."""

    def check(self, *, decision, effect: dict | None = None) -> None:
        # Read under lock: two approvals recorded at once must see each other, and a caller's copy may be stale.
        review = type(decision.subject).objects.select_for_update().get(pk=decision.subject.pk)
        existing = list(review.decisions.select_related("body"))
        check_review_decision(review=review, decision=decision, existing=existing)

    def apply(self, *, decision, actor, reason: str, effect: dict | None = None) -> None:
        review = type(decision.subject).objects.select_for_update().get(pk=decision.subject.pk)
        if decision.kind in CHAIN_KINDS and decision.outcome == DecisionOutcome.APPROVED:
            decision.snapshot = snapshot_of(review, decision.kind)
            decision.snapshot_hash = content_hash(decision.snapshot)
        step = step_for(decision.kind, decision.body.kind)
        if step is None or decision.outcome != DecisionOutcome.APPROVED or step.to_stage is None:
            return
        if review.stage != step.from_stage:
            return
        review.stage = step.to_stage
        review._stage_decision = decision
        minute = f", minute {decision.minute_reference}" if decision.minute_reference else ""
        save_with_history(review, actor=actor, reason=f"{step.label} ({decision.body}{minute}). {reason}".strip())


@dataclass
class ChainLink:
    step: Step
    decision: object | None
    problem: str = ""
    corrected: list = field(default_factory=list)  # decisions for this step recorded in error, shown struck through


@dataclass
class Chain:
    """A review's decision chain up to its stage: each link present, missing or out of order."""

    links: list[ChainLink] = field(default_factory=list)

    @property
    def problems(self) -> list[ChainLink]:
        return [link for link in self.links if link.problem]


def decision_chain(review, decisions) -> Chain:
    """The steps the review's stage implies, matched to its decisions; `decisions` are its decisions, read once."""
    # A withdrawn review may have stopped anywhere: show only the decisions it has, never a missing step.
    reached = -1 if review.stage == ReviewStage.WITHDRAWN else _stage_index(review.stage)
    chain = Chain()
    found: dict[str, object] = {}
    for step in STEPS:
        implied = STAGE_ORDER.index(step.to_stage) if step.to_stage else STAGE_ORDER.index(step.from_stage) + 1
        decision = _approved(decisions, step)
        if decision is None and implied > reached:
            continue
        found[step.key] = decision
        problem = ""
        if decision is None:
            problem = "Missing: no recorded decision, yet the review has moved past this step."
        elif step.after:
            before = found.get(step.after)
            if before is None:
                problem = f"Out of order: '{STEPS_BY_KEY[step.after].label}' was never recorded."
            elif before.decided_on > decision.decided_on:
                problem = (
                    f"Out of order: taken before '{STEPS_BY_KEY[step.after].label}' ({before.decided_on:%d %b %Y})."
                )
        corrected = [
            d
            for d in decisions
            if d.corrected_at is not None and d.kind == step.kind and d.body.kind in step.body_kinds
        ]
        chain.links.append(ChainLink(step=step, decision=decision, problem=problem, corrected=corrected))
    return chain


@dataclass
class ApprovalDrift:
    kind: str
    label: str
    decision: object
    changes: list[dict]


def changed_since_approval(review, decisions) -> list[ApprovalDrift]:
    """Approved items (final report, implementation plan) edited since their latest approval."""
    drifts = []
    for kind, label in (
        (DecisionKind.APPROVE_FINAL_REPORT, "final report"),
        (DecisionKind.APPROVE_IMPLEMENTATION_PLAN, "implementation plan"),
    ):
        approvals = [
            d for d in decisions if d.kind == kind and d.outcome == DecisionOutcome.APPROVED and d.snapshot_hash
        ]
        if not approvals:
            continue
        latest = max(approvals, key=lambda d: (d.decided_on, d.pk))
        current = snapshot_of(review, kind)
        if content_hash(current) != latest.snapshot_hash:
            drifts.append(ApprovalDrift(kind, label, latest, snapshot_diff(latest.snapshot, current)))
    return drifts
