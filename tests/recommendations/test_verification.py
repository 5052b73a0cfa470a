"""Verification before closure: the owner's report that a recommendation is implemented counts only once someone
independent (its report's verifier) accepts it; the other closures each say why, and a risk accepted is a body's."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bvgov.models import Notification
from bvgov.notifications import remind_risk_reviews
from core.history import save_with_history
from programmes.choices import DecisionKind, Organisation
from recommendations import services
from recommendations.choices import ActionStatus, DecisionStatus, ImplementationStatus, SourceKind
from recommendations.models import Recommendation
from tests.bvgov.factories import UserFactory
from tests.programmes.factories import BodyFactory, DecisionFactory, PersonFactory
from tests.recommendations.factories import (
    ActionFactory,
    EvidenceFactory,
    RecommendationFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def evidence(name="minutes.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 minutes of the Management Board", content_type="application/pdf")


@pytest.fixture
def inspector_person(inspector_user):
    return PersonFactory(user=inspector_user, name="Ken Williams", organisation=Organisation.INSPECTORATE)


@pytest.fixture
def recommendation(owner_user, inspector_person):
    """An accepted recommendation of an inspection, owned by the signed-in owner, with one complete action; the
    inspectorate's person verifies it."""
    rec = RecommendationFactory(
        owner=owner_user.person,
        source__kind=SourceKind.INSPECTION,
        source__verifier=inspector_person,
        decision_status=DecisionStatus.ACCEPTED,
    )
    ActionFactory(recommendation=rec, owner=owner_user.person, status=ActionStatus.COMPLETE, completed_on=TODAY)
    return rec


def report(recommendation, actor, **kwargs):
    return services.recommendation_report_implemented(
        recommendation=recommendation,
        actor=actor,
        note=kwargs.pop("note", "The demand strategy was adopted by the Management Board."),
        evidence_file=kwargs.pop("evidence_file", evidence()),
        **kwargs,
    )


def dashboard_totals(client, recommendation, **params):
    programme = recommendation.source.programme_id
    return client.get("/", {"programme": programme, **params}).context["dashboard"].totals


class TestReport:
    def test_the_owners_report_awaits_verification_and_tells_the_verifier(
        self, recommendation, owner_user, inspector_user, member_client
    ):
        report(recommendation, owner_user)

        recommendation.refresh_from_db()
        assert recommendation.implementation_status == ImplementationStatus.AWAITING_VERIFICATION
        assert (recommendation.reported_implemented_by, recommendation.reported_implemented_on) == (owner_user, TODAY)
        assert recommendation.updates.get().evidence.count() == 1
        told = Notification.objects.get(recipient=inspector_user)
        assert told.kind == Notification.Kind.VERIFICATION_REQUEST
        assert told.url == recommendation.get_absolute_url() + "#verification"
        # The committee does not count it yet, and sees it waiting.
        totals = dashboard_totals(member_client, recommendation)
        assert (totals["implemented"], totals["awaiting_verification"]) == (0, 1)

    @pytest.mark.parametrize(
        ("setup", "kwargs", "message"),
        [
            ("open_action", {}, "1 of its actions is not complete"),
            ("no_evidence", {"evidence_file": None}, "Attach the evidence"),
            ("proposed", {}, "Only an accepted recommendation is implemented"),
            ("none", {"note": "  "}, "Say how the recommendation was implemented"),
        ],
    )
    def test_a_report_that_cannot_stand_is_refused_and_changes_nothing(
        self, recommendation, owner_user, setup, kwargs, message
    ):
        if setup == "open_action":
            ActionFactory(recommendation=recommendation, owner=owner_user.person, status=ActionStatus.IN_PROGRESS)
        if setup == "proposed":
            Recommendation.objects.filter(pk=recommendation.pk).update(decision_status=DecisionStatus.PROPOSED)
        versions = recommendation.history.count()

        with pytest.raises(ValidationError, match=message):
            report(recommendation, owner_user, **kwargs)

        recommendation.refresh_from_db()
        assert recommendation.implementation_status == ImplementationStatus.NOT_STARTED
        assert recommendation.history.count() == versions
        assert not recommendation.updates.exists()
        assert not Notification.objects.exists()

    def test_evidence_already_on_an_actions_update_is_enough(self, recommendation, owner_user):
        EvidenceFactory(update__action=recommendation.actions.get(), update__author=owner_user.person)

        report(recommendation, owner_user, evidence_file=None)

        recommendation.refresh_from_db()
        assert recommendation.implementation_status == ImplementationStatus.AWAITING_VERIFICATION

    def test_only_the_owner_or_the_manager_reports(self, recommendation, member_user, owner_user):
        with pytest.raises(PermissionDenied):
            report(recommendation, member_user)
        someone_else = UserFactory(groups=[owner_user.groups.get().name])
        PersonFactory(user=someone_else)
        with pytest.raises(PermissionDenied):
            report(recommendation, someone_else)

    def test_the_owner_of_every_action_may_report_it(self, recommendation, owner_user):
        Recommendation.objects.filter(pk=recommendation.pk).update(owner=PersonFactory())
        recommendation.refresh_from_db()

        report(recommendation, owner_user)

        assert Recommendation.objects.get(pk=recommendation.pk).reported_implemented_by == owner_user

    def test_implemented_cannot_be_set_by_editing(self, recommendation, manager_user):
        recommendation.implementation_status = ImplementationStatus.IMPLEMENTED
        recommendation.implemented_on = TODAY

        with pytest.raises(ValidationError, match="only from its page"):
            save_with_history(recommendation, actor=manager_user, reason="Quietly done")


class TestVerify:
    def test_accepted_it_counts_with_who_when_and_the_note_and_the_owner_is_told(
        self, recommendation, owner_user, inspector_user, member_client
    ):
        report(recommendation, owner_user)

        services.recommendation_verify(
            recommendation=recommendation, actor=inspector_user, accept=True, note="Seen the minutes of 12 May."
        )

        recommendation.refresh_from_db()
        assert recommendation.implementation_status == ImplementationStatus.IMPLEMENTED
        assert recommendation.get_implementation_status_display() == "Implemented (verified)"
        assert recommendation.closed_by == inspector_user
        assert recommendation.closure_note == "Seen the minutes of 12 May."
        assert recommendation.closed_at is not None and recommendation.implemented_on == TODAY
        outcome = Notification.objects.get(recipient=owner_user)
        assert outcome.kind == Notification.Kind.VERIFICATION_OUTCOME
        assert "accepted as implemented" in outcome.text
        totals = dashboard_totals(member_client, recommendation)
        assert (totals["implemented"], totals["awaiting_verification"]) == (1, 0)

    def test_rejected_it_goes_back_in_progress_with_the_reason_for_the_owner(
        self, recommendation, owner_user, inspector_user
    ):
        report(recommendation, owner_user)

        with pytest.raises(ValidationError, match="Say why it is not accepted"):
            services.recommendation_verify(recommendation=recommendation, actor=inspector_user, accept=False, note="")
        services.recommendation_verify(
            recommendation=recommendation, actor=inspector_user, accept=False, note="The minutes are of a draft."
        )

        recommendation.refresh_from_db()
        assert recommendation.implementation_status == ImplementationStatus.IN_PROGRESS
        assert recommendation.reported_implemented_by is None
        assert recommendation.history.first().history_change_reason == (
            "Not accepted as implemented: The minutes are of a draft."
        )
        told = Notification.objects.get(recipient=owner_user)
        assert "did not accept" in told.text and "The minutes are of a draft." in told.text
        # Fixed, reported again, accepted: then it counts.
        report(recommendation, owner_user, evidence_file=evidence("final-minutes.pdf"))
        services.recommendation_verify(
            recommendation=recommendation, actor=inspector_user, accept=True, note="Final minutes seen."
        )
        assert Recommendation.objects.get(pk=recommendation.pk).implementation_status == "implemented"

    def test_only_its_verifier_verifies_and_never_the_person_who_reported_it(
        self, recommendation, owner_user, manager_user, inspector_user
    ):
        report(recommendation, owner_user)
        for someone in (manager_user, owner_user):
            with pytest.raises(PermissionDenied, match="Only the verifier"):
                services.recommendation_verify(recommendation=recommendation, actor=someone, accept=True, note="Ok")
        # The programme manager verifies internal items, but not one they reported themselves.
        internal = RecommendationFactory(decision_status=DecisionStatus.ACCEPTED)
        programme = internal.source.programme
        programme.manager = PersonFactory(user=manager_user)
        programme.save()
        internal.refresh_from_db()
        report(internal, manager_user)
        with pytest.raises(ValidationError, match="someone independent"):
            services.recommendation_verify(recommendation=internal, actor=manager_user, accept=True, note="Done")
        assert Recommendation.objects.get(pk=internal.pk).implementation_status == "awaiting_verification"

    def test_the_rate_as_at_a_day_and_in_the_pack_counts_only_verified_items(
        self, recommendation, owner_user, inspector_user, member_client
    ):
        report(recommendation, owner_user)
        as_at = {"as_at": TODAY.isoformat()}
        pack_url = reverse("committee_pack")

        waiting = dashboard_totals(member_client, recommendation, **as_at)
        assert (waiting["implemented"], waiting["awaiting_verification"]) == (0, 1)
        assert "awaiting verification" in member_client.get(pack_url, as_at).content.decode()
        services.recommendation_verify(recommendation=recommendation, actor=inspector_user, accept=True, note="Ok.")
        verified = dashboard_totals(member_client, recommendation, **as_at)
        assert (verified["implemented"], verified["awaiting_verification"]) == (1, 0)


class TestClosures:
    def test_superseded_names_its_successor_and_the_page_links_it(self, recommendation, manager_client, manager_user):
        successor = RecommendationFactory(source=recommendation.source, number="99")
        url = reverse("recommendations:recommendation_close", args=[recommendation.pk])

        missing = manager_client.post(url, {"outcome": "superseded", "reason": "Merged into 99"})
        assert "Choose the recommendation that supersedes it." in missing.content.decode()
        assert Recommendation.objects.get(pk=recommendation.pk).implementation_status == "not_started"

        done = manager_client.post(
            url, {"outcome": "superseded", "superseded_by": successor.pk, "reason": "Merged into 99"}
        )
        assert done.status_code == 302
        recommendation.refresh_from_db()
        assert (recommendation.implementation_status, recommendation.superseded_by) == ("superseded", successor)
        page = manager_client.get(recommendation.get_absolute_url()).content.decode()
        assert f'href="{successor.get_absolute_url()}"' in page and "Merged into 99" in page

    def test_not_implemented_needs_a_reason_and_only_the_manager_closes(self, recommendation, owner_user, manager_user):
        with pytest.raises(PermissionDenied):
            services.recommendation_close(
                recommendation=recommendation, actor=owner_user, outcome="not_implemented", reason="Too costly"
            )
        with pytest.raises(ValidationError, match="Say why"):
            services.recommendation_close(
                recommendation=recommendation, actor=manager_user, outcome="not_implemented", reason=""
            )
        services.recommendation_close(
            recommendation=recommendation, actor=manager_user, outcome="not_implemented", reason="Overtaken by C3i"
        )
        recommendation.refresh_from_db()
        assert recommendation.implementation_status == ImplementationStatus.NOT_IMPLEMENTED
        assert recommendation.closure_note == "Overtaken by C3i"

    def test_a_risk_accepted_is_a_decision_of_the_body_that_answers_for_it(self, recommendation, manager_user):
        authority = BodyFactory(name="Metropolitan Police Authority")
        DecisionFactory(subject=recommendation, body=authority, kind=DecisionKind.ACCEPT_RECOMMENDATION)
        elsewhere = BodyFactory(name="Some other board")
        decided = TODAY - datetime.timedelta(days=1)
        arguments = {
            "recommendation": recommendation,
            "actor": manager_user,
            "meeting": None,
            "decided_on": decided,
            "minute_reference": "MPA 12/04",
            "rationale": "The cost outweighs the benefit while C3i is built.",
            "risk_review_date": TODAY + datetime.timedelta(days=180),
        }
        with pytest.raises(ValidationError, match="Metropolitan Police Authority"):
            services.recommendation_accept_risk(body=elsewhere, **arguments)
        with pytest.raises(ValidationError, match="after the decision"):
            services.recommendation_accept_risk(body=authority, **(arguments | {"risk_review_date": decided}))
        with pytest.raises(ValidationError, match="rationale"):
            services.recommendation_accept_risk(body=authority, **(arguments | {"rationale": " "}))
        assert not recommendation.decisions.filter(kind=DecisionKind.ACCEPT_RISK).exists()

        services.recommendation_accept_risk(body=authority, **arguments)

        recommendation.refresh_from_db()
        assert recommendation.implementation_status == ImplementationStatus.RISK_ACCEPTED
        assert recommendation.risk_review_date == TODAY + datetime.timedelta(days=180)
        assert recommendation.decisions.get(kind=DecisionKind.ACCEPT_RISK).body == authority

    def test_the_owner_and_manager_are_reminded_once_before_the_risk_review(
        self, recommendation, owner_user, manager_user
    ):
        programme = recommendation.source.programme
        programme.manager = PersonFactory(user=manager_user)
        programme.save()
        Recommendation.objects.filter(pk=recommendation.pk).update(
            implementation_status=ImplementationStatus.RISK_ACCEPTED, risk_review_date=TODAY + datetime.timedelta(20)
        )
        assert remind_risk_reviews(today=TODAY) == 0  # 20 days ahead: not yet

        assert remind_risk_reviews(today=TODAY + datetime.timedelta(days=7)) == 2
        call_command("send_reminders", date=(TODAY + datetime.timedelta(days=8)).isoformat(), stdout=io.StringIO())

        told = Notification.objects.filter(kind=Notification.Kind.RISK_REVIEW)
        assert sorted(told.values_list("recipient__username", flat=True)) == ["manager", "owner"]

    def test_a_closed_recommendation_reopens_with_a_reason(self, recommendation, manager_client, manager_user):
        services.recommendation_close(
            recommendation=recommendation, actor=manager_user, outcome="not_implemented", reason="Too costly"
        )
        url = reverse("recommendations:recommendation_reopen", args=[recommendation.pk])
        assert "Say why the recommendation is reopened." in manager_client.post(url, {"reason": ""}).content.decode()

        assert manager_client.post(url, {"reason": "Funding found in 2005/06"}).status_code == 302

        recommendation.refresh_from_db()
        assert (recommendation.implementation_status, recommendation.closure_note) == ("in_progress", "")
        reasons = list(recommendation.history.values_list("history_change_reason", flat=True)[:2])
        assert reasons == ["Reopened: Funding found in 2005/06", "Closed as not implemented: Too costly"]


class TestPages:
    def test_report_then_verify_through_the_pages(self, recommendation, owner_client, inspector_client):
        page = owner_client.get(recommendation.get_absolute_url()).content.decode()
        report_url = reverse("recommendations:recommendation_report_implemented", args=[recommendation.pk])
        assert f'href="{report_url}"' in page

        empty = owner_client.post(report_url, {"note": ""})
        assert empty.status_code == 200
        assert "Say how the recommendation was implemented." in empty.content.decode()
        sent = owner_client.post(report_url, {"note": "Strategy adopted", "evidence_file": evidence()})
        assert sent.status_code == 302

        verify_url = reverse("recommendations:recommendation_verify", args=[recommendation.pk])
        assert owner_client.get(verify_url).status_code == 403
        assert f'href="{verify_url}"' in inspector_client.get(recommendation.get_absolute_url()).content.decode()
        form = inspector_client.get(verify_url)
        assert "Strategy adopted" in form.content.decode()
        done = inspector_client.post(verify_url, {"outcome": "accept", "note": "Minutes seen"})
        assert done.status_code == 302
        page = owner_client.get(recommendation.get_absolute_url()).content.decode()
        assert "Implemented (verified)" in page and "Minutes seen" in page

    def test_the_step_pages_refuse_whoever_may_not_take_the_step(self, recommendation, member_client, owner_client):
        for name in ("report_implemented", "verify", "close", "accept_risk", "reopen"):
            url = reverse(f"recommendations:recommendation_{name}", args=[recommendation.pk])
            assert member_client.get(url).status_code == 403, name
        close_url = reverse("recommendations:recommendation_close", args=[recommendation.pk])
        assert owner_client.get(close_url).status_code == 403

    def test_the_edit_form_offers_only_the_open_statuses(self, recommendation, manager_client, manager_user):
        url = reverse("recommendations:recommendation_update", args=[recommendation.pk])
        field = manager_client.get(url).context["form"].fields["implementation_status"]
        choices = [value for value, _ in field.choices]
        assert choices == ["not_started", "in_progress"]
        services.recommendation_close(
            recommendation=recommendation, actor=manager_user, outcome="not_implemented", reason="Too costly"
        )
        form = manager_client.get(url).context["form"]
        assert "implementation_status" not in form.fields
