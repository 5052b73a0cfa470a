"""Every URL × every role × GET and POST, with the status each role must get.

The table is built from the URL resolver, so a new URL without an entry here fails the suite: whoever adds a page
decides, in this file, who may read it and who may write through it.
"""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from bvgov.models import SignInEvent
from bvgov.roles import ACTION_OWNER, INSPECTOR, MEMBER, PROGRAMME_MANAGER
from core.models import AuditEntry
from programmes.choices import BodyKind
from recommendations.choices import ActionStatus, DecisionStatus
from recommendations.models import Action
from recommendations.rounds import round_open
from recommendations.services import action_archive, action_report_progress, recommendation_archive
from tests.bvgov.factories import UserFactory
from tests.programmes.factories import (
    BodyFactory,
    DecisionFactory,
    IndicatorFactory,
    MeetingFactory,
    PersonFactory,
    ProgrammeFactory,
    RiskFactory,
)
from tests.recommendations.factories import (
    ActionFactory,
    CommentFactory,
    DelegationFactory,
    EvidenceFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    SourceFactory,
)
from tests.reviews.factories import InspectionFactory, ReviewFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "member", "manager", "owner", "inspector")

# Status by role, for GET and for POST with an empty form (refused with the form's errors: 400, or 200 where the
# page re-renders the form). "login" means a redirect to the sign-in page.
READ = {
    "GET": dict.fromkeys(ROLES[1:], 200) | {"anonymous": "login"},
    "POST": dict.fromkeys(ROLES[1:], 405) | {"anonymous": "login"},
}


def manager_only(get_ok=200, post_ok=200):
    return {
        "GET": {"anonymous": "login", "member": 403, "manager": get_ok, "owner": 403, "inspector": 403},
        "POST": {"anonymous": "login", "member": 403, "manager": post_ok, "owner": 403, "inspector": 403},
    }


# The trail and its export are for the roles with view_auditentry (bvgov.roles): the manager and the inspector here.
TRAIL = {
    "GET": {"anonymous": "login", "member": 403, "manager": 200, "owner": 403, "inspector": 200},
    "POST": {"anonymous": "login", "member": 403, "manager": 405, "owner": 403, "inspector": 405},
}

EXPECTED = {
    "dashboard": READ,
    "board_dashboard": READ,
    "programme_overview": READ,
    "audit_trail": TRAIL,
    # Only the roles granted view_auditentry: the inspector, the manager (and the administrator).
    "audit_integrity": TRAIL,
    "decision_chains": READ,
    "gaps": READ,
    "outcomes": READ,
    "help": READ,
    # Everyone's own: an empty POST opens nothing and comes back with a message.
    "notifications": {"GET": READ["GET"], "POST": dict.fromkeys(ROLES[1:], 302) | {"anonymous": "login"}},
    "committee_pack": READ,
    # A register record's history (an action's, here): for everyone who may see the record. Accounts' history is
    # covered in test_trail_and_history_pages_by_role.
    "object_history": READ,
    "calendar": {
        "GET": dict.fromkeys(ROLES[1:], 200) | {"anonymous": "login"},
        "POST": dict.fromkeys(ROLES[1:], 200) | {"anonymous": "login"},
    },
    "calendar_revoke": {
        "GET": dict.fromkeys(ROLES[1:], 405) | {"anonymous": "login"},
        "POST": dict.fromkeys(ROLES[1:], 302) | {"anonymous": "login"},
    },
    # The token is the credential: an unknown one is not found, for anyone.
    "calendar_ics": {"GET": dict.fromkeys(ROLES, 404), "POST": dict.fromkeys(ROLES, 405)},
    "programmes:programme_list": READ,
    "programmes:programme_detail": READ,
    "programmes:body_list": READ,
    "programmes:body_detail": READ,
    "programmes:meeting_list": READ,
    "programmes:meeting_detail": READ,
    "programmes:decision_list": READ,
    "programmes:decision_detail": READ,
    "programmes:decision_create": manager_only(),
    "programmes:decision_correct": manager_only(),
    "programmes:indicator_list": READ,
    "programmes:indicator_detail": READ,
    "programmes:risk_list": READ,
    "programmes:risk_detail": READ,
    "reviews:review_list": READ,
    "reviews:review_detail": READ,
    "reviews:review_create": manager_only(),
    "reviews:review_update": manager_only(),
    "reviews:review_stage": manager_only(),
    "reviews:inspection_list": READ,
    "reviews:inspection_detail": READ,
    "recommendations:recommendation_list": READ,
    "recommendations:recommendation_detail": READ,
    "recommendations:recommendation_create": manager_only(),
    "recommendations:recommendation_update": manager_only(),
    "recommendations:recommendation_extend": manager_only(),
    "recommendations:action_extend": manager_only(),
    # The owner here owns every action of the recommendation, so may report it implemented.
    "recommendations:recommendation_report_implemented": {
        "GET": {"anonymous": "login", "member": 403, "manager": 200, "owner": 200, "inspector": 403},
        "POST": {"anonymous": "login", "member": 403, "manager": 200, "owner": 200, "inspector": 403},
    },
    # Only the verifier of its report verifies it, whatever the role; this report has none (its programme no
    # manager), so nobody may.
    "recommendations:recommendation_verify": {
        "GET": {"anonymous": "login", "member": 403, "manager": 403, "owner": 403, "inspector": 403},
        "POST": {"anonymous": "login", "member": 403, "manager": 403, "owner": 403, "inspector": 403},
    },
    "recommendations:recommendation_close": manager_only(),
    "recommendations:recommendation_accept_risk": manager_only(),
    "recommendations:recommendation_reopen": manager_only(),
    # An owner names their own deputy; the manager here is no person in the register.
    "recommendations:delegation_create": {
        "GET": {"anonymous": "login", "member": 403, "manager": 403, "owner": 200, "inspector": 403},
        "POST": {"anonymous": "login", "member": 403, "manager": 403, "owner": 200, "inspector": 403},
    },
    # The owner's delegation: the manager (who may change any action) ends it, and the owner is then told it has.
    "recommendations:delegation_end": {
        "GET": {"anonymous": "login", "member": 405, "manager": 405, "owner": 405, "inspector": 405},
        "POST": {"anonymous": "login", "member": 403, "manager": 302, "owner": 302, "inspector": 403},
    },
    # Flagging at risk is the action's owner's (and the manager's), as updating it is.
    "recommendations:action_at_risk": {
        "GET": {"anonymous": "login", "member": 403, "manager": 200, "owner": 200, "inspector": 403},
        "POST": {"anonymous": "login", "member": 403, "manager": 200, "owner": 200, "inspector": 403},
    },
    # Asking for an extension is the owner's (the owner here owns the action, and every action of the
    # recommendation) and the manager's; an empty form is refused with its errors.
    "recommendations:action_extension_request": {
        "GET": {"anonymous": "login", "member": 403, "manager": 200, "owner": 200, "inspector": 403},
        "POST": {"anonymous": "login", "member": 403, "manager": 200, "owner": 200, "inspector": 403},
    },
    "recommendations:recommendation_extension_request": {
        "GET": {"anonymous": "login", "member": 403, "manager": 200, "owner": 200, "inspector": 403},
        "POST": {"anonymous": "login", "member": 403, "manager": 200, "owner": 200, "inspector": 403},
    },
    "recommendations:round_list": READ,
    "recommendations:round_detail": READ,
    "recommendations:round_open": manager_only(),
    # The owner asked, or the manager for them; an empty response is refused with its errors.
    "recommendations:round_respond": {
        "GET": {"anonymous": "login", "member": 403, "manager": 200, "owner": 200, "inspector": 403},
        "POST": {"anonymous": "login", "member": 403, "manager": 400, "owner": 400, "inspector": 403},
    },
    "recommendations:recommendation_archive": manager_only(),
    "recommendations:recommendation_restore": manager_only(),
    "recommendations:recommendation_import": manager_only(post_ok=400),
    "recommendations:recommendation_import_confirm": manager_only(get_ok=302, post_ok=302),
    "recommendations:recommendation_import_template_csv": manager_only(post_ok=405),
    "recommendations:recommendation_import_template_xlsx": manager_only(post_ok=405),
    "recommendations:action_create": manager_only(),
    "recommendations:action_list": READ,
    "recommendations:action_detail": READ,
    "recommendations:action_update": manager_only(),
    "recommendations:action_archive": manager_only(),
    "recommendations:action_restore": manager_only(),
    # The owner's own action; the manager may update any. An empty update is refused with the form's errors.
    "recommendations:action_progress": {
        "GET": {"anonymous": "login", "member": 403, "manager": 200, "owner": 200, "inspector": 403},
        "POST": {"anonymous": "login", "member": 403, "manager": 400, "owner": 400, "inspector": 403},
    },
    # Members challenge; owners and the manager answer; inspectors write nothing.
    "recommendations:comment_create": {
        "GET": {"anonymous": "login", "member": 200, "manager": 200, "owner": 403, "inspector": 403},
        "POST": {"anonymous": "login", "member": 400, "manager": 400, "owner": 403, "inspector": 403},
    },
    "recommendations:comment_answer": {
        "GET": {"anonymous": "login", "member": 403, "manager": 200, "owner": 200, "inspector": 403},
        "POST": {"anonymous": "login", "member": 403, "manager": 400, "owner": 400, "inspector": 403},
    },
    "recommendations:evidence_download": {
        "GET": dict.fromkeys(ROLES[1:], 200) | {"anonymous": "login"},
        "POST": dict.fromkeys(ROLES[1:], 405) | {"anonymous": "login"},
    },
    "recommendations:my_actions": READ,
    "login": {
        "GET": {"anonymous": 200} | dict.fromkeys(ROLES[1:], 302),
        "POST": {"anonymous": 200} | dict.fromkeys(ROLES[1:], 302),
    },
    "logout": {"GET": dict.fromkeys(ROLES, 405), "POST": dict.fromkeys(ROLES, 302)},
}


def url_names() -> list[str]:
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return sorted(set(walk(get_resolver().url_patterns)))


def test_every_url_has_an_entry_in_the_matrix():
    assert sorted(EXPECTED) == url_names()


@pytest.fixture
def register(owner_user, manager_user):
    programme = ProgrammeFactory()
    review = ReviewFactory(programme=programme)
    source = SourceFactory(review=review, programme=programme)
    recommendation = RecommendationFactory(source=source, review=review)
    action = ActionFactory(recommendation=recommendation, owner=owner_user.person)
    update = ProgressUpdateFactory(action=action, author=owner_user.person)
    board = BodyFactory(kind=BodyKind.PROGRAMME_BOARD)
    entered_twice = RecommendationFactory(
        source=source, review=review, decision_status=DecisionStatus.PROPOSED, original_target_date=None
    )
    recommendation_archive(recommendation=entered_twice, actor=manager_user, reason="Entered twice")
    duplicate_action = ActionFactory(recommendation=recommendation)
    action_archive(action=duplicate_action, actor=manager_user, reason="Entered twice")
    update_round = round_open(
        meeting=MeetingFactory(body=board, date=timezone.localdate() + datetime.timedelta(days=21)),
        programme=programme,
        respond_by=timezone.localdate() + datetime.timedelta(days=14),
        due_within_days=None,
        actor=manager_user,
    )
    return {
        "delegation": DelegationFactory(owner=owner_user.person),
        "update_round": update_round,
        "update_request": update_round.requests.get(owner=owner_user.person),
        "archived_recommendation": entered_twice,
        "archived_action": duplicate_action,
        "programme": programme,
        "review": review,
        "recommendation": recommendation,
        "action": action,
        "comment": CommentFactory(recommendation=recommendation, addressed_to=owner_user.person),
        "evidence": EvidenceFactory(update=update),
        "decision": DecisionFactory(subject=review),
        "body": board,
        "meeting": MeetingFactory(body=board),
        "indicator": IndicatorFactory(programme=programme),
        "risk": RiskFactory(programme=programme),
        "inspection": InspectionFactory(review=review),
    }


def url_for(name: str, objects: dict) -> str:
    model_of = {
        "programme": "programme",
        "body": "body",
        "meeting": "meeting",
        "decision": "decision",
        "indicator": "indicator",
        "risk": "risk",
        "review": "review",
        "inspection": "inspection",
        "recommendation": "recommendation",
        "action": "action",
        "comment": "comment",
        "evidence": "evidence",
    }
    short = name.split(":")[-1]
    special = {
        "object_history": lambda: reverse(name, args=["recommendations", "action", objects["action"].pk]),
        "calendar_ics": lambda: reverse(name, args=["x" * 43]),
        "action_create": lambda: reverse(name, kwargs={"recommendation_pk": objects["recommendation"].pk}),
        "comment_create": lambda: reverse(name, kwargs={"recommendation_pk": objects["recommendation"].pk}),
        "decision_create": lambda: reverse(name) + f"?subject=reviews.review.{objects['review'].pk}",
        "decision_correct": lambda: reverse(name, args=[objects["decision"].pk]),
        "recommendation_extend": lambda: reverse(name, args=[objects["recommendation"].pk]),
        "action_extend": lambda: reverse(name, args=[objects["action"].pk]),
        "action_at_risk": lambda: reverse(name, args=[objects["action"].pk]),
        "action_extension_request": lambda: reverse(name, args=[objects["action"].pk]),
        "recommendation_extension_request": lambda: reverse(name, args=[objects["recommendation"].pk]),
        "round_detail": lambda: reverse(name, args=[objects["update_round"].pk]),
        "delegation_end": lambda: reverse(name, args=[objects["delegation"].pk]),
        "round_respond": lambda: reverse(name, args=[objects["update_request"].pk]),
        **{
            step: lambda: reverse(name, args=[objects["recommendation"].pk])
            for step in (
                "recommendation_report_implemented",
                "recommendation_verify",
                "recommendation_close",
                "recommendation_accept_risk",
                "recommendation_reopen",
            )
        },
        "review_stage": lambda: reverse(name, args=[objects["review"].pk]),
        "action_progress": lambda: reverse(name, args=[objects["action"].pk]),
        "recommendation_archive": lambda: reverse(name, args=[objects["recommendation"].pk]),
        "action_archive": lambda: reverse(name, args=[objects["action"].pk]),
        "recommendation_restore": lambda: reverse(name, args=[objects["archived_recommendation"].pk]),
        "action_restore": lambda: reverse(name, args=[objects["archived_action"].pk]),
    }
    if short in special:
        return special[short]()
    for key, model in model_of.items():
        if short.startswith(f"{model}_") and short.split("_", 1)[1] in {"detail", "update", "answer", "download"}:
            return reverse(name, args=[objects[key].pk])
    return reverse(name)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_role_gets_the_status_the_matrix_gives(
    name, register, member_user, manager_user, owner_user, inspector_user
):
    users = {"member": member_user, "manager": manager_user, "owner": owner_user, "inspector": inspector_user}
    url = url_for(name, register)
    ContentType.objects.clear_cache()
    for role in ROLES:
        for method in ("GET", "POST"):
            client = Client()
            if role != "anonymous":
                client.force_login(users[role])
            response = getattr(client, method.lower())(url)
            expected = EXPECTED[name][method][role]
            if expected == "login":
                assert response.status_code == 302 and "/accounts/login/" in response["Location"], (role, method)
            else:
                assert response.status_code == expected, (role, method, response.status_code)


# The trail, its export, and the history of a register record, of an account and of a sign-in recorded in the trail
# before the sign-in log, for every role: only the administrator reads sign-ins (addresses and browsers), and
# members and owners read nothing about accounts.
ALL_ROLES = (*ROLES, "administrator")
TRAIL_READERS = {"anonymous": "login", "member": 403, "owner": 403, "manager": 200, "inspector": 200}
HISTORY_PAGES = {
    "trail": TRAIL_READERS | {"administrator": 200},
    "trail_csv": TRAIL_READERS | {"administrator": 200},
    "action_history": dict.fromkeys(ALL_ROLES[1:], 200) | {"anonymous": "login"},
    "account_history": TRAIL_READERS | {"member": 404, "owner": 404, "administrator": 200},
    "sign_in_history": dict.fromkeys(ALL_ROLES[1:], 404) | {"anonymous": "login", "administrator": 200},
}


@pytest.mark.parametrize("page", sorted(HISTORY_PAGES))
def test_trail_and_history_pages_by_role(
    page, register, member_user, manager_user, owner_user, inspector_user, administrator
):
    sign_in = SignInEvent.objects.create(kind="failed", username="guess", ip_address="203.0.113.9")
    urls = {
        "trail": reverse("audit_trail"),
        "trail_csv": reverse("audit_trail") + "?format=csv",
        "action_history": reverse("object_history", args=["recommendations", "action", register["action"].pk]),
        "account_history": reverse("object_history", args=["bvgov", "user", manager_user.pk]),
        "sign_in_history": reverse("object_history", args=["bvgov", "signinevent", sign_in.pk]),
    }
    users = {
        "member": member_user,
        "manager": manager_user,
        "owner": owner_user,
        "inspector": inspector_user,
        "administrator": administrator,
    }
    for role in ALL_ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(users[role])
        response = client.get(urls[page])
        expected = HISTORY_PAGES[page][role]
        if expected == "login":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], role
        else:
            assert response.status_code == expected, (role, response.status_code)


def test_owner_a_cannot_update_owner_bs_action_by_changing_the_id(owner_user, register):
    someone_else = ActionFactory(description="Another owner's action")
    client = Client()
    client.force_login(owner_user)

    response = client.post(
        reverse("recommendations:action_progress", args=[someone_else.pk]),
        {f"action-{someone_else.pk}-status": "complete", f"action-{someone_else.pk}-reason": "Done, honestly"},
    )

    assert response.status_code == 403
    someone_else.refresh_from_db()
    assert someone_else.status == Action._meta.get_field("status").default


def test_even_an_administrator_cannot_delete_a_register_record_in_the_admin(admin_client, register):
    action = register["action"]

    page = admin_client.get(f"/admin/recommendations/action/{action.pk}/delete/")
    posted = admin_client.post(f"/admin/recommendations/action/{action.pk}/delete/", {"post": "yes"})

    assert page.status_code == 403 and posted.status_code == 403
    assert Action.objects.filter(pk=action.pk).exists()


# Rights follow the role and the person: an action's update page by how the person is linked to the action and the
# role they hold. Being named on an action gives nothing to a role that does not record progress.
LINKED_ACTION_UPDATE = [
    ("owner", ACTION_OWNER, 200),
    ("owner", INSPECTOR, 403),
    ("owner", MEMBER, 403),
    ("project director", ACTION_OWNER, 200),
    ("project director", INSPECTOR, 403),
    ("project director", MEMBER, 403),
    ("not linked", ACTION_OWNER, 403),
    ("not linked", PROGRAMME_MANAGER, 200),
]


def _linked_action(link: str, role: str):
    user = UserFactory(groups=[role])
    person = PersonFactory(user=user)
    review = ReviewFactory(project_director=person if link == "project director" else PersonFactory())
    action = ActionFactory(
        recommendation=RecommendationFactory(review=review), owner=person if link == "owner" else PersonFactory()
    )
    return user, action


@pytest.mark.parametrize(("link", "role", "status"), LINKED_ACTION_UPDATE)
def test_an_action_is_updated_only_by_a_person_linked_to_it_in_a_role_that_may(link, role, status):
    user, action = _linked_action(link, role)
    client = Client()
    client.force_login(user)
    url = reverse("recommendations:action_progress", args=[action.pk])
    prefix = f"action-{action.pk}"

    page = client.get(url)
    posted = client.post(url, {f"{prefix}-status": ActionStatus.IN_PROGRESS, f"{prefix}-reason": "Work has begun"})

    assert page.status_code == status
    assert posted.status_code == (302 if status == 200 else 403)
    action.refresh_from_db()
    assert action.status == (ActionStatus.IN_PROGRESS if status == 200 else ActionStatus.NOT_STARTED)


def test_the_service_refuses_an_inspector_named_project_director_and_writes_nothing():
    user, action = _linked_action("project director", INSPECTOR)
    entries = AuditEntry.objects.count()

    with pytest.raises(PermissionDenied):
        action_report_progress(
            action=action,
            actor=user,
            author=user.person,
            status=ActionStatus.COMPLETE,
            rag_override="",
            reason="Marked complete by the inspector",
            note="",
        )

    action.refresh_from_db()
    assert action.status == ActionStatus.NOT_STARTED
    assert AuditEntry.objects.count() == entries


def test_the_service_lets_an_owner_in_the_owner_role_update_their_action():
    user, action = _linked_action("owner", ACTION_OWNER)

    action_report_progress(
        action=action,
        actor=user,
        author=user.person,
        status=ActionStatus.IN_PROGRESS,
        rag_override="",
        reason="Work has begun",
        note="",
    )

    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
