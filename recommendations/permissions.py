"""Who may change what in the recommendations register. Checked on the server for every write."""

from django.utils import timezone

from .models import Action, Comment, Recommendation, deputy_for, deputy_for_any


def person_of(user):
    return getattr(user, "person", None) if user.is_authenticated else None


def can_update_action(user, action: Action) -> bool:
    """The programme manager (whose role may change any action), and, if their role lets them record progress, the
    action's own owner, the owner's deputy for the time being (Delegation), and the project director of the review
    the action's recommendation belongs to. Rights follow the role and the person: being named on the action gives
    none to an inspector or a member. Nobody updates an archived action: it is restored first."""
    if action.is_archived:
        return False
    if user.has_perm("recommendations.change_action"):
        return True
    person = person_of(user)
    if person is None or not user.has_perm("recommendations.add_progressupdate"):
        return False
    return (
        action.owner_id == person.pk
        or directs_review_of(person, action)
        or deputy_for(person, action.owner_id, timezone.localdate())
    )


def directs_review_of(person, action: Action) -> bool:
    review = action.recommendation.review
    return review is not None and review.project_director_id == person.pk


def can_ask(user) -> bool:
    """Members (and whoever else holds the permission) may challenge an owner."""
    return user.has_perm("recommendations.add_comment")


def can_answer(user, comment: Comment, subject: Recommendation | Action) -> bool:
    """Of those whose role lets them answer challenges: the programme manager (who may change any action), the
    person the challenge was put to, whoever owns the subject now, and the deputy of either."""
    if not user.has_perm("recommendations.change_comment"):
        return False
    if user.has_perm("recommendations.change_action"):
        return True
    person = person_of(user)
    if person is None:
        return False
    owners = {comment.addressed_to_id, subject.owner_id} - {None}
    return person.pk in owners or deputy_for_any(person, owners, timezone.localdate())


def can_report_implemented(user, recommendation: Recommendation) -> bool:
    """The programme manager; and, if their role records progress, the recommendation's owner or the person who
    owns every one of its actions (the work it took is theirs)."""
    if recommendation.is_archived:
        return False
    if user.has_perm("recommendations.change_recommendation"):
        return True
    person = person_of(user)
    if person is None or not user.has_perm("recommendations.add_progressupdate"):
        return False
    if recommendation.owner_id == person.pk:
        return True
    # The actions as the page read them, if it did (the recommendation's page prefetches them).
    return {action.owner_id for action in recommendation.actions.all()} == {person.pk}


def can_verify(user, recommendation: Recommendation) -> bool:
    """Only the person who verifies the recommendation's source (Source.effective_verifier), whatever their role:
    an inspector verifies their inspection's recommendations though their role changes nothing else."""
    person = person_of(user)
    verifier = recommendation.source.effective_verifier
    return person is not None and verifier is not None and verifier.pk == person.pk and not recommendation.is_archived


def can_close(user, recommendation: Recommendation) -> bool:
    """Recording a recommendation superseded, not implemented, or reopened is the programme manager's."""
    return not recommendation.is_archived and user.has_perm("recommendations.change_recommendation")
