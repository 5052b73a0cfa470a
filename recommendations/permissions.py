"""Who may change what in the recommendations register. Checked on the server for every write."""

from .models import Action, Comment, Recommendation


def person_of(user):
    return getattr(user, "person", None) if user.is_authenticated else None


def can_update_action(user, action: Action) -> bool:
    """The programme manager (whose role may change any action), and, if their role lets them record progress, the
    action's own owner and the project director of the review the action's recommendation belongs to. Rights follow
    the role and the person: being named on the action gives none to an inspector or a member. Nobody updates an
    archived action: it is restored first."""
    if action.is_archived:
        return False
    if user.has_perm("recommendations.change_action"):
        return True
    person = person_of(user)
    if person is None or not user.has_perm("recommendations.add_progressupdate"):
        return False
    return action.owner_id == person.pk or directs_review_of(person, action)


def directs_review_of(person, action: Action) -> bool:
    review = action.recommendation.review
    return review is not None and review.project_director_id == person.pk


def can_ask(user) -> bool:
    """Members (and whoever else holds the permission) may challenge an owner."""
    return user.has_perm("recommendations.add_comment")


def can_answer(user, comment: Comment, subject: Recommendation | Action) -> bool:
    """Of those whose role lets them answer challenges: the programme manager (who may change any action), the
    person the challenge was put to, and whoever owns the subject now."""
    if not user.has_perm("recommendations.change_comment"):
        return False
    if user.has_perm("recommendations.change_action"):
        return True
    person = person_of(user)
    return person is not None and person.pk in {comment.addressed_to_id, subject.owner_id}
