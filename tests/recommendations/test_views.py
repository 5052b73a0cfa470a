"""The recommendations pages as members, the programme manager and owners use them: lists, detail pages, edits,
owners' updates, challenges and evidence downloads, with a bounded number of queries per page."""

import datetime
from urllib.parse import urlencode

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programmes.choices import DecisionKind, DecisionOutcome
from recommendations.choices import ActionStatus, DecisionStatus, ImplementationStatus, Rag
from recommendations.models import Action, Comment, Recommendation
from tests.bvgov.factories import UserFactory
from tests.conftest import MEMBER
from tests.programmes.factories import (
    BodyFactory,
    DecisionFactory,
    PersonFactory,
    ProgrammeFactory,
    StrategicOutcomeFactory,
)
from tests.recommendations.factories import (
    ActionFactory,
    CommentFactory,
    EvidenceFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    SourceFactory,
)
from tests.reviews.factories import ReviewFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def today():
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def rows_of(response) -> list[dict]:
    """The list page's rows, as the values its rows are written from."""
    return list(response.context["object_list"])


def ids_of(response) -> list[int]:
    return [row["id"] for row in rows_of(response)]


@pytest.fixture
def recommendation():
    return RecommendationFactory(number="7", text="Publish a demand management strategy.")


@pytest.fixture
def action(recommendation):
    return ActionFactory(recommendation=recommendation, description="Draft the strategy for the Management Board.")


@pytest.fixture
def owned_action(owner_user):
    """An action owned by the signed-in owner of the owner_client fixture."""
    return ActionFactory(owner=owner_user.person, description="Set up the call handling pilot.")


PAGES = [
    "recommendation_list",
    "recommendation_detail",
    "action_list",
    "action_detail",
    "my_actions",
    "evidence_download",
]


class TestSignedInOnly:
    @pytest.fixture
    def urls(self, action):
        evidence = EvidenceFactory(update__action=action)
        rec = action.recommendation
        return {
            "recommendation_list": reverse("recommendations:recommendation_list"),
            "recommendation_detail": reverse("recommendations:recommendation_detail", args=[rec.pk]),
            "action_list": reverse("recommendations:action_list"),
            "action_detail": reverse("recommendations:action_detail", args=[action.pk]),
            "my_actions": reverse("recommendations:my_actions"),
            "evidence_download": reverse("recommendations:evidence_download", args=[evidence.pk]),
        }

    @pytest.mark.parametrize("name", PAGES)
    def test_a_member_sees_the_page(self, name, urls, member_client):
        assert member_client.get(urls[name]).status_code == 200

    @pytest.mark.parametrize("name", PAGES)
    def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(self, name, urls, client):
        response = client.get(urls[name])

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_a_missing_recommendation_or_action_is_not_found(self, member_client):
        assert member_client.get(reverse("recommendations:recommendation_detail", args=[999999])).status_code == 404
        assert member_client.get(reverse("recommendations:action_detail", args=[999999])).status_code == 404


class TestRecommendationList:
    @staticmethod
    def list_url(**params):
        return reverse("recommendations:recommendation_list") + ("?" + urlencode(params, doseq=True) if params else "")

    def test_the_programme_manager_is_offered_recording_and_importing_and_a_member_neither(
        self, manager_client, member_client
    ):
        record = reverse("recommendations:recommendation_create")
        import_ = reverse("recommendations:recommendation_import")

        for_manager = manager_client.get(self.list_url()).content.decode()
        for_member = member_client.get(self.list_url()).content.decode()

        assert f'href="{record}">Record a recommendation</a>' in for_manager
        assert f'href="{import_}">Import a report\'s recommendations</a>' in for_manager
        assert record not in for_member and import_ not in for_member

    def test_each_row_shows_what_a_member_looks_for(self, member_client):
        owner = PersonFactory(name="Steve House")
        rec = RecommendationFactory(
            number="4",
            owner=owner,
            timescale="December 2003",
            original_target_date=datetime.date(2003, 12, 31),
            revised_target_date=datetime.date(2004, 3, 31),
            decision_status=DecisionStatus.ACCEPTED,
            implementation_status=ImplementationStatus.IN_PROGRESS,
        )
        ActionFactory.create_batch(2, recommendation=rec)
        ActionFactory(recommendation=rec, status=ActionStatus.COMPLETE, completed_on=today())

        response = member_client.get(self.list_url())

        html = response.content.decode()
        assert "Steve House" in html
        assert "31 Dec 2003" in html and "31 Mar 2004" in html
        assert "slipped by 3 months" in html
        assert "“December 2003”" in html
        assert ">Accepted<" in html and ">In progress<" in html
        (row,) = rows_of(response)
        assert row["open_actions"] == 2
        assert "1 recommendation<" in html

    def test_filters_narrow_the_rows(self, member_client):
        source = SourceFactory()
        accepted = RecommendationFactory(source=source, decision_status=DecisionStatus.ACCEPTED, theme="Call handling")
        not_pursued = RecommendationFactory(
            source=source, decision_status=DecisionStatus.NOT_PURSUED, decision_rationale="Overtaken by C3i."
        )
        elsewhere = RecommendationFactory(priority="low", text="Consult the public on policing priorities.")

        def numbers(**params):
            return set(ids_of(member_client.get(self.list_url(**params))))

        assert numbers(decision_status="not_pursued") == {not_pursued.pk}
        assert numbers(decision_status=["accepted", "not_pursued"]) == {accepted.pk, not_pursued.pk, elsewhere.pk}
        assert numbers(source=source.pk) == {accepted.pk, not_pursued.pk}
        assert numbers(source_kind="audit") == set()
        assert numbers(priority="low") == {elsewhere.pk}
        assert numbers(theme="Call handling") == {accepted.pk}
        assert numbers(q="policing priorities") == {elsewhere.pk}
        assert numbers(q=accepted.number) == {accepted.pk}
        assert numbers(owner=accepted.owner.pk) == {accepted.pk}
        assert numbers(review=accepted.review.pk) == {accepted.pk, not_pursued.pk}

    def test_has_gaps_shows_accepted_outstanding_recommendations_missing_an_owner_a_date_or_money(self, member_client):
        complete = RecommendationFactory(funding_source="Corporate budget")
        no_owner = RecommendationFactory(owner=None, funding_source="Corporate budget")
        no_date = RecommendationFactory(original_target_date=None, funding_amount=1000)
        no_money = RecommendationFactory()
        ongoing_funded = RecommendationFactory(target_ongoing=True, original_target_date=None, funding_amount=0)
        RecommendationFactory(owner=None, decision_status=DecisionStatus.PROPOSED)
        RecommendationFactory(
            owner=None, implementation_status=ImplementationStatus.IMPLEMENTED, implemented_on=days(-1)
        )

        def pks(value):
            return set(ids_of(member_client.get(self.list_url(has_gaps=value))))

        assert pks("true") == {no_owner.pk, no_date.pk, no_money.pk}
        assert pks("no_owner") == {no_owner.pk}
        assert pks("no_target") == {no_date.pk}
        assert pks("no_funding") == {no_money.pk}
        assert complete.pk not in pks("true") and ongoing_funded.pk not in pks("true")

    def test_the_filters_in_force_are_shown_as_tags_that_remove_them(self, member_client):
        RecommendationFactory()

        html = member_client.get(self.list_url(decision_status=["accepted", "proposed"], has_gaps="true")).content
        html = html.decode()

        assert "Selected filters" in html
        assert 'href="?decision_status=proposed&amp;has_gaps=true"' in html
        assert 'href="?decision_status=accepted&amp;decision_status=proposed"' in html

    def test_sorting_by_a_column_and_back(self, member_client):
        late = RecommendationFactory(original_target_date=days(300))
        soon = RecommendationFactory(original_target_date=days(10))
        undated = RecommendationFactory(original_target_date=None)

        ascending = member_client.get(self.list_url(sort="original_target_date"))
        descending = member_client.get(self.list_url(sort="-original_target_date"))

        assert ids_of(ascending) == [soon.pk, late.pk, undated.pk]
        assert ids_of(descending) == [late.pk, soon.pk, undated.pk]
        html = ascending.content.decode()
        assert (
            'aria-sort="ascending"><a class="govuk-link govuk-link--no-visited-state" '
            'href="?sort=-original_target_date"' in html
        )

    def test_sorting_by_open_actions_uses_the_count(self, member_client):
        busy, idle = RecommendationFactory(), RecommendationFactory()
        ActionFactory.create_batch(3, recommendation=busy)

        assert ids_of(member_client.get(self.list_url(sort="-open_actions"))) == [busy.pk, idle.pk]

    def test_a_sort_key_that_is_not_a_column_is_ignored(self, member_client):
        RecommendationFactory()

        assert member_client.get(self.list_url(sort="owner__user__password")).status_code == 200

    def test_the_list_is_paginated(self, member_client):
        source = SourceFactory()
        RecommendationFactory.create_batch(26, source=source)

        first = member_client.get(self.list_url())
        second = member_client.get(self.list_url(page=2))

        assert len(rows_of(first)) == 25 and len(rows_of(second)) == 1
        assert "26 recommendations" in first.content.decode()
        assert 'aria-label="Pagination"' in first.content.decode()

    def test_the_download_links_keep_the_filters(self, member_client):
        RecommendationFactory()

        html = member_client.get(self.list_url(decision_status="accepted", page=1)).content.decode()

        assert 'href="?decision_status=accepted&amp;format=csv"' in html
        assert 'href="?decision_status=accepted&amp;format=xlsx"' in html

    def test_only_the_programme_manager_is_offered_to_record_a_recommendation(self, member_client, manager_client):
        new = reverse("recommendations:recommendation_create")

        assert new not in member_client.get(self.list_url()).content.decode()
        assert new in manager_client.get(self.list_url()).content.decode()


class TestRecommendationDetail:
    def url(self, rec):
        return reverse("recommendations:recommendation_detail", args=[rec.pk])

    def test_it_shows_every_field_a_member_looks_for(self, member_client):
        outcome = StrategicOutcomeFactory(title="Fewer people are victims of crime")
        rec = RecommendationFactory(
            number="12",
            text="Introduce a single non-emergency number.",
            source_note="The report gives no date for this recommendation.",
            theme="Call handling",
            response="A business case will go to the Management Board.",
            owner=PersonFactory(name="Tim Godwin", job_title="Assistant Commissioner"),
            timescale="March 2004",
            original_target_date=datetime.date(2004, 3, 31),
            revised_target_date=datetime.date(2004, 9, 30),
            funding_amount=250000,
            funding_source="Invest to save",
        )
        rec.outcomes.add(outcome)

        html = member_client.get(self.url(rec)).content.decode()

        assert "Recommendation 12" in html
        assert "Introduce a single non-emergency number." in html
        assert "What the report says" in html and "The report gives no date for this recommendation." in html
        assert "Tim Godwin, Assistant Commissioner" in html
        assert "“March 2004”" in html
        assert "Originally 31 March 2004, revised to 30 September 2004: slipped by 6 months" in html
        assert "£250,000, Invest to save" in html
        assert "Fewer people are victims of crime" in html
        assert "A business case will go to the Management Board." in html
        assert reverse("object_history", args=["recommendations", "recommendation", rec.pk]) in html

    def test_the_rationale_of_a_recommendation_not_pursued_is_shown(self, member_client):
        rec = RecommendationFactory(
            decision_status=DecisionStatus.NOT_PURSUED,
            decision_rationale="Superseded by the C3i programme, which centralises call handling.",
        )

        html = member_client.get(self.url(rec)).content.decode()

        assert ">Not pursued<" in html
        assert "Superseded by the C3i programme, which centralises call handling." in html

    def test_an_action_shows_its_derived_rag_and_beside_it_the_override_with_its_reason(self, member_client, action):
        action.due_date = days(-3)
        action.rag_override = Rag.AMBER
        action.rag_override_reason = "Extra staff arrive next week."
        action.save()

        html = member_client.get(self.url(action.recommendation)).content.decode()

        assert "Overridden; derived red. Reason: Extra staff arrive next week." in html
        assert "3 days overdue" in html

    def test_progress_updates_newest_first_with_their_evidence(self, member_client, action):
        older = ProgressUpdateFactory(action=action, reported_on=days(-20), note="Scoping started.")
        newer = ProgressUpdateFactory(action=action, reported_on=days(-2), note="Draft circulated.")
        on_rec = ProgressUpdateFactory(
            action=None, recommendation=action.recommendation, reported_on=days(-10), note="Board briefed."
        )
        evidence = EvidenceFactory(update=newer, description="Draft strategy v2")

        response = member_client.get(self.url(action.recommendation))

        assert response.context["updates"] == [newer, on_rec, older]
        html = response.content.decode()
        assert reverse("recommendations:evidence_download", args=[evidence.pk]) in html
        assert "Draft strategy v2" in html

    def test_decisions_on_it_are_listed(self, member_client, recommendation):
        DecisionFactory(
            subject=recommendation,
            kind=DecisionKind.REJECT_RECOMMENDATION,
            outcome=DecisionOutcome.APPROVED,
            minute_reference="Minute 14/04",
        )

        html = member_client.get(self.url(recommendation)).content.decode()

        assert "Reject recommendation (not pursued)" in html and "Minute 14/04" in html

    def test_edit_and_add_an_action_are_offered_only_to_the_programme_manager(
        self, member_client, manager_client, recommendation
    ):
        edit = reverse("recommendations:recommendation_update", args=[recommendation.pk])
        add = reverse("recommendations:action_create", args=[recommendation.pk])

        member_html = member_client.get(self.url(recommendation)).content.decode()
        manager_html = manager_client.get(self.url(recommendation)).content.decode()

        assert edit not in member_html and add not in member_html
        assert edit in manager_html and add in manager_html


class TestActionList:
    @staticmethod
    def list_url(**params):
        return reverse("recommendations:action_list") + ("?" + urlencode(params, doseq=True) if params else "")

    def pks(self, client, **params):
        return set(ids_of(client.get(self.list_url(**params))))

    def test_overdue_shows_only_open_actions_past_their_due_date(self, member_client):
        late = ActionFactory(due_date=days(-1))
        late_blocked = ActionFactory(due_date=days(-40), status=ActionStatus.BLOCKED)
        ActionFactory(due_date=days(-1), status=ActionStatus.COMPLETE, completed_on=days(-2))
        ActionFactory(due_date=days(-5), status=ActionStatus.CANCELLED)
        ActionFactory(due_date=today())
        ActionFactory(due_date=None)

        assert self.pks(member_client, overdue="true") == {late.pk, late_blocked.pk}

    def test_the_rag_filter_matches_the_rag_each_row_shows(self, member_client):
        actions = [
            ActionFactory(due_date=days(-1)),
            ActionFactory(due_date=days(10)),
            ActionFactory(due_date=days(30)),
            ActionFactory(due_date=days(31)),
            ActionFactory(due_date=None),
            ActionFactory(due_date=days(10), status=ActionStatus.BLOCKED),
            ActionFactory(due_date=days(-9), status=ActionStatus.COMPLETE, completed_on=days(-9)),
            ActionFactory(due_date=days(-9), rag_override=Rag.GREEN, rag_override_reason="Agreed extension."),
            ActionFactory(due_date=days(90), rag_override=Rag.AMBER, rag_override_reason="Supplier at risk."),
            ActionFactory(due_date=days(90), rag_override=Rag.RED, rag_override_reason="Funding withdrawn."),
        ]

        for rag in Rag.values:
            expected = {action.pk for action in actions if action.rag(today()) == rag}
            assert self.pks(member_client, rag=rag) == expected, rag
        assert self.pks(member_client, rag=["red", "amber"]) == {
            action.pk for action in actions if action.rag(today()) != Rag.GREEN
        }

    def test_status_owner_review_and_dates_narrow_the_rows(self, member_client):
        owner = PersonFactory()
        mine = ActionFactory(owner=owner, due_date=days(5), status=ActionStatus.IN_PROGRESS)
        other = ActionFactory(due_date=days(50), description="Agree the custody protocol with C3i.")

        assert self.pks(member_client, owner=owner.pk) == {mine.pk}
        assert self.pks(member_client, status="in_progress") == {mine.pk}
        assert self.pks(member_client, review=other.recommendation.review.pk) == {other.pk}
        assert self.pks(member_client, due_before=days(10).strftime("%d/%m/%Y")) == {mine.pk}
        assert self.pks(member_client, due_after=days(10).isoformat()) == {other.pk}
        assert self.pks(member_client, q="custody protocol") == {other.pk}

    def test_sorted_by_due_date_by_default_and_by_rag_on_request(self, member_client):
        later = ActionFactory(due_date=days(60))
        red = ActionFactory(due_date=days(-1))
        amber = ActionFactory(due_date=days(5))

        assert ids_of(member_client.get(self.list_url())) == [red.pk, amber.pk, later.pk]
        assert ids_of(member_client.get(self.list_url(sort="-due_date"))) == [later.pk, amber.pk, red.pk]
        assert ids_of(member_client.get(self.list_url(sort="rag_rank"))) == [red.pk, amber.pk, later.pk]

    def test_each_row_shows_status_rag_and_how_overdue(self, member_client):
        ActionFactory(description="Publish the custody review.", due_date=days(-12), status=ActionStatus.IN_PROGRESS)

        html = member_client.get(self.list_url()).content.decode()

        assert "Publish the custody review." in html
        assert "12 days overdue" in html
        assert ">In progress<" in html and ">Red<" in html


class TestActionDetail:
    def url(self, action):
        return reverse("recommendations:action_detail", args=[action.pk])

    def test_it_shows_dependencies_both_ways_and_what_it_waits_on_outside(self, member_client, action):
        first = ActionFactory(recommendation=action.recommendation, description="Agree the C3i interface.")
        later = ActionFactory(recommendation=action.recommendation, description="Train call handlers.")
        action.depends_on.add(first)
        later.depends_on.add(action)
        action.external_dependency = "C3i"
        action.save()

        html = member_client.get(self.url(action)).content.decode()

        assert "Agree the C3i interface." in html
        assert "Train call handlers." in html
        assert "C3i <span" in html and "(outside the register)" in html

    def test_each_progress_update_shows_its_own_evidence(self, member_client, action):
        plain = ProgressUpdateFactory(action=action, reported_on=days(-9), note="Scoping started.")
        with_files = ProgressUpdateFactory(action=action, reported_on=days(-2), note="Draft circulated.")
        first = EvidenceFactory(update=with_files, description="Draft strategy v2")
        second = EvidenceFactory(update=with_files, description="Consultation responses")

        response = member_client.get(self.url(action))

        assert response.context["updates"] == [with_files, plain]
        assert list(response.context["updates"][0].evidence.all()) == [first, second]
        assert list(response.context["updates"][1].evidence.all()) == []
        html = response.content.decode()
        for evidence in (first, second):
            assert reverse("recommendations:evidence_download", args=[evidence.pk]) in html
        assert html.count("moj-timeline__document-item") == 2

    def test_it_shows_the_override_with_its_reason_beside_the_derived_rag(self, member_client, action):
        action.due_date = days(100)
        action.rag_override = Rag.RED
        action.rag_override_reason = "The supplier has gone into administration."
        action.save()

        html = member_client.get(self.url(action)).content.decode()

        assert "Overridden; derived green. Reason: The supplier has gone into administration." in html

    def test_the_update_form_is_there_for_the_owner_and_not_for_a_member(
        self, owner_client, member_client, owned_action
    ):
        progress = reverse("recommendations:action_progress", args=[owned_action.pk])

        assert progress in owner_client.get(self.url(owned_action)).content.decode()
        assert progress not in member_client.get(self.url(owned_action)).content.decode()

    def test_progress_updates_with_evidence_and_challenges(self, member_client, action):
        update = ProgressUpdateFactory(action=action, note="Pilot running in two boroughs.")
        evidence = EvidenceFactory(update=update)
        CommentFactory(recommendation=None, action=action, question="When will the pilot report?")

        html = member_client.get(self.url(action)).content.decode()

        assert "Pilot running in two boroughs." in html
        assert reverse("recommendations:evidence_download", args=[evidence.pk]) in html
        assert "When will the pilot report?" in html


def recommendation_form_data(source, **overrides):
    data = {
        "source": source.pk,
        "review": "",
        "number": "21",
        "text": "Set SMART aims for every review.",
        "source_note": "",
        "theme": "Review method",
        "priority": "high",
        "ease": "",
        "cost_band": "",
        "speed": "",
        "response": "Guidance will be issued.",
        "owner": "",
        "timescale": "April 2004",
        "original_target_date": "30/04/2004",
        "implementation_status": "not_started",
        "funding_amount": "",
        "funding_source": "",
        "change_message": "Recorded from the HMIC report",
    }
    data.update(overrides)
    return data


class TestRecommendationCreateAndUpdate:
    create_url = property(lambda self: reverse("recommendations:recommendation_create"))

    def test_the_programme_manager_records_a_recommendation_with_history(self, manager_client, manager_user):
        source = SourceFactory()

        response = manager_client.post(self.create_url, recommendation_form_data(source))

        rec = Recommendation.objects.get(source=source, number="21")
        assert response.status_code == 302 and response["Location"] == rec.get_absolute_url()
        assert rec.review == source.review
        assert rec.original_target_date == datetime.date(2004, 4, 30)
        created = rec.history.earliest()
        assert (created.history_type, created.history_user, created.history_change_reason) == (
            "+",
            manager_user,
            "Recorded from the HMIC report",
        )

    def test_the_source_can_be_chosen_in_the_link(self, manager_client):
        source = SourceFactory()

        response = manager_client.get(f"{self.create_url}?source={source.pk}")

        assert response.status_code == 200
        assert response.context["form"].initial["source"] == source.pk

    def test_an_edit_is_saved_with_the_change_message_as_the_reason(self, manager_client, manager_user):
        rec = RecommendationFactory(original_target_date=datetime.date(2004, 4, 30))
        data = recommendation_form_data(
            rec.source, number=rec.number, theme="Call grading", change_message="Theme agreed with the ICG"
        )

        response = manager_client.post(reverse("recommendations:recommendation_update", args=[rec.pk]), data)

        assert response.status_code == 302
        rec.refresh_from_db()
        assert rec.theme == "Call grading"
        latest = rec.history.latest()
        assert (latest.history_type, latest.history_user, latest.history_change_reason) == (
            "~",
            manager_user,
            "Theme agreed with the ICG",
        )

    def test_the_edit_form_cannot_move_the_target_or_the_decision(self, manager_client):
        rec = RecommendationFactory(original_target_date=datetime.date(2004, 4, 30))
        data = recommendation_form_data(
            rec.source, number=rec.number, revised_target_date="31/07/2004", decision_status="not_pursued"
        )

        manager_client.post(reverse("recommendations:recommendation_update", args=[rec.pk]), data)

        rec.refresh_from_db()
        assert rec.revised_target_date is None
        assert rec.decision_status == DecisionStatus.ACCEPTED

    def test_an_extension_is_recorded_with_its_decision_and_keeps_the_original_date(self, manager_client, manager_user):
        # A decision of April 2004, on a report published before it, by a board established before it.
        board = BodyFactory(name="Best Value Programme Board", established_on=datetime.date(2001, 4, 1))
        rec = RecommendationFactory(
            original_target_date=datetime.date(2004, 4, 30), source__published_on=datetime.date(2003, 11, 1)
        )
        url = reverse("recommendations:recommendation_extend", args=[rec.pk])
        form = {
            "body": board.pk,
            "decided_on": "12/04/2004",
            "minute_reference": "BVPB 4/04 minute 6",
            "revised_target_date": "31/07/2004",
            "rationale": "Waits on the C3i roll-out in the first three boroughs.",
        }

        response = manager_client.post(url, form)

        assert response.status_code == 302
        rec.refresh_from_db()
        assert (rec.original_target_date, rec.revised_target_date) == (
            datetime.date(2004, 4, 30),
            datetime.date(2004, 7, 31),
        )
        assert rec.slipped_days == 92
        (decision,) = rec.decisions.all()
        assert (decision.body, decision.minute_reference, decision.snapshot["revised_target_date"]) == (
            board,
            "BVPB 4/04 minute 6",
            "2004-07-31",
        )
        latest = rec.history.latest()
        assert latest.history_user == manager_user
        assert "Approve extension" in latest.history_change_reason
        detail = manager_client.get(rec.get_absolute_url()).content.decode()
        assert "Slipped by 3 months" in detail

    def test_an_extension_to_an_earlier_date_or_without_a_minute_writes_nothing(self, manager_client, member_client):
        board = BodyFactory(established_on=datetime.date(2001, 4, 1))
        rec = RecommendationFactory(
            original_target_date=datetime.date(2004, 4, 30), source__published_on=datetime.date(2003, 11, 1)
        )
        url = reverse("recommendations:recommendation_extend", args=[rec.pk])
        earlier = {
            "body": board.pk,
            "decided_on": "12/04/2004",
            "minute_reference": "BVPB 4/04",
            "revised_target_date": "31/03/2004",
            "rationale": "Brought forward",
        }

        refused = manager_client.post(url, earlier)
        no_minute = manager_client.post(url, earlier | {"minute_reference": "", "revised_target_date": "31/07/2004"})

        assert refused.status_code == 200
        assert "must be later than the current one" in refused.content.decode()
        assert "minute_reference" in no_minute.context["form"].errors
        assert member_client.post(url, earlier | {"revised_target_date": "31/07/2004"}).status_code == 403
        rec.refresh_from_db()
        assert rec.revised_target_date is None
        assert not rec.decisions.exists()

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"number": "5"}, "number", "already has a recommendation 5."),
            (
                {"target_ongoing": "on"},
                "target_ongoing",
                "An ongoing recommendation has no target date: clear the dates.",
            ),
            # Implemented comes only from the verifier's acceptance (recommendation_verify), never from this form.
            (
                {"implementation_status": "implemented"},
                "implementation_status",
                "Select a valid choice. implemented is not one of the available choices.",
            ),
            ({"original_target_date": "31/02/2004"}, "original_target_date", "Enter a valid date."),
        ],
    )
    def test_bad_input_is_refused_with_the_reason_and_nothing_is_written(
        self, overrides, field, message, manager_client
    ):
        source = SourceFactory()
        RecommendationFactory(source=source, number="5")
        count, history = Recommendation.objects.count(), Recommendation.history.count()

        response = manager_client.post(self.create_url, recommendation_form_data(source, **overrides))

        assert response.status_code == 200
        assert any(message in error for error in response.context["form"].errors[field])
        html = response.content.decode()
        assert "There is a problem" in html and "govuk-error-message" in html
        assert (Recommendation.objects.count(), Recommendation.history.count()) == (count, history)

    def test_a_member_cannot_create_or_edit(self, member_client, recommendation):
        source = recommendation.source
        edit = reverse("recommendations:recommendation_update", args=[recommendation.pk])

        assert member_client.get(self.create_url).status_code == 403
        assert member_client.post(self.create_url, recommendation_form_data(source)).status_code == 403
        assert member_client.get(edit).status_code == 403
        assert member_client.post(edit, recommendation_form_data(source, number="99")).status_code == 403
        recommendation.refresh_from_db()
        assert recommendation.number == "7"
        assert not Recommendation.objects.filter(number="21").exists()


class TestActionCreateAndUpdate:
    def test_the_programme_manager_adds_an_action_to_a_recommendation(
        self, manager_client, manager_user, recommendation
    ):
        owner = PersonFactory()
        url = reverse("recommendations:action_create", args=[recommendation.pk])

        response = manager_client.post(
            url,
            {
                "description": "Commission the demand survey.",
                "owner": owner.pk,
                "due_date": "31/01/2004",
                "external_dependency": "C3i",
                "status": "complete",
                "change_message": "Agreed at the CSMB",
            },
        )

        action = Action.objects.get(description="Commission the demand survey.")
        assert response.status_code == 302 and response["Location"] == action.get_absolute_url()
        assert (action.recommendation, action.owner, action.due_date) == (
            recommendation,
            owner,
            datetime.date(2004, 1, 31),
        )
        assert action.status == ActionStatus.NOT_STARTED
        created = action.history.earliest()
        assert (created.history_user, created.history_change_reason) == (manager_user, "Agreed at the CSMB")

    def test_the_edit_form_has_no_status_and_saves_with_history(self, manager_client, manager_user, action):
        url = reverse("recommendations:action_update", args=[action.pk])
        other = ActionFactory(recommendation=action.recommendation)

        page = manager_client.get(url)
        response = manager_client.post(
            url,
            {
                "description": action.description,
                "owner": action.owner.pk,
                "due_date": "30/06/2004",
                "depends_on": [other.pk],
                "status": "complete",
                "change_message": "Date moved after the board",
            },
        )

        assert "status" not in page.context["form"].fields
        assert response.status_code == 302
        action.refresh_from_db()
        assert action.due_date == datetime.date(2004, 6, 30)
        assert action.status == ActionStatus.NOT_STARTED
        assert list(action.depends_on.all()) == [other]
        assert action.history.latest().history_user == manager_user
        assert action.history.filter(history_change_reason="Date moved after the board").exists()

    def test_the_first_action_of_a_recommendation_has_nothing_to_wait_on_and_says_so(
        self, manager_client, recommendation
    ):
        url = reverse("recommendations:action_create", args=[recommendation.pk])

        first = manager_client.get(url).content.decode()
        ActionFactory(recommendation=recommendation, description="Survey the boroughs.")
        second = manager_client.get(url).content.decode()

        # An empty checkbox group is one GOV.UK Frontend's checkboxes component refuses to start, with a console error.
        assert "There is nothing to choose from yet." in first
        assert 'data-module="govuk-checkboxes"' not in first
        assert "There is nothing to choose from yet." not in second
        assert 'data-module="govuk-checkboxes"' in second and "Survey the boroughs." in second

    def test_an_action_without_a_description_is_refused(self, manager_client, recommendation):
        url = reverse("recommendations:action_create", args=[recommendation.pk])

        response = manager_client.post(url, {"description": "", "due_date": "31/01/2004"})

        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()
        assert not Action.objects.exists()

    def test_a_member_cannot_add_or_edit_an_action(self, member_client, action):
        create = reverse("recommendations:action_create", args=[action.recommendation.pk])
        edit = reverse("recommendations:action_update", args=[action.pk])

        assert member_client.get(create).status_code == 403
        assert member_client.post(create, {"description": "Sneaked in."}).status_code == 403
        assert member_client.post(edit, {"description": "Changed."}).status_code == 403
        action.refresh_from_db()
        assert action.description == "Draft the strategy for the Management Board."
        assert Action.objects.count() == 1


class TestActionProgress:
    def url(self, action):
        return reverse("recommendations:action_progress", args=[action.pk])

    @staticmethod
    def data(action, **values):
        prefix = f"action-{action.pk}-"
        return {prefix + name: value for name, value in values.items()}

    def test_an_owner_cannot_update_another_owners_action(self, owner_client):
        someone_elses = ActionFactory()
        history = someone_elses.history.count()

        response = owner_client.post(
            self.url(someone_elses),
            self.data(someone_elses, status="complete", reason="Done, honestly", note="Finished."),
        )

        assert response.status_code == 403
        someone_elses.refresh_from_db()
        assert someone_elses.status == ActionStatus.NOT_STARTED
        assert someone_elses.history.count() == history
        assert not someone_elses.updates.exists()

    def test_with_htmx_the_row_comes_back_in_place_with_the_new_status(self, owner_client, owned_action):
        response = owner_client.post(
            self.url(owned_action),
            self.data(owned_action, status="in_progress", reason="Pilot started", note="Two boroughs live."),
            **HTMX,
        )

        html = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in html
        assert f'id="action-{owned_action.pk}"' in html
        assert ">In progress<" in html and "Action updated." in html
        owned_action.refresh_from_db()
        assert owned_action.status == ActionStatus.IN_PROGRESS

    def test_a_status_change_without_a_reason_is_refused_and_nothing_is_written(self, owner_client, owned_action):
        history = owned_action.history.count()

        response = owner_client.post(
            self.url(owned_action), self.data(owned_action, status="in_progress", reason="", note="Started."), **HTMX
        )

        assert response.status_code == 200
        assert "Say why the status or RAG is changing." in response.content.decode()
        owned_action.refresh_from_db()
        assert owned_action.status == ActionStatus.NOT_STARTED
        assert owned_action.history.count() == history
        assert not owned_action.updates.exists()

    def test_without_javascript_a_refused_update_shows_the_error_on_its_own_page(self, owner_client, owned_action):
        detail = owned_action.get_absolute_url()

        response = owner_client.post(
            self.url(owned_action), {**self.data(owned_action, status="complete", reason=""), "next": detail}
        )

        html = response.content.decode()
        assert response.status_code == 400
        assert "There is a problem" in html and "Say why the status or RAG is changing." in html
        assert f'name="next" value="{detail}"' in html
        assert f'class="govuk-back-link" href="{detail}"' in html
        owned_action.refresh_from_db()
        assert owned_action.status == ActionStatus.NOT_STARTED

    def test_a_next_address_off_the_site_is_never_followed(self, owner_client, owned_action):
        page = owner_client.get(self.url(owned_action) + "?next=javascript:alert(1)")
        saved = owner_client.post(
            self.url(owned_action),
            {**self.data(owned_action, status="in_progress", reason="Started"), "next": "https://evil.example/"},
        )

        assert f'class="govuk-back-link" href="{owned_action.get_absolute_url()}"' in page.content.decode()
        assert saved.status_code == 302 and saved["Location"] == reverse("recommendations:my_actions")

    def test_without_javascript_the_update_from_the_detail_page_returns_there(self, owner_client, owned_action):
        detail = owned_action.get_absolute_url()

        response = owner_client.post(
            self.url(owned_action),
            {**self.data(owned_action, status="blocked", reason="Waiting for C3i", note=""), "next": detail},
        )

        assert response.status_code == 302 and response["Location"] == detail
        owned_action.refresh_from_db()
        assert owned_action.status == ActionStatus.BLOCKED
        page = owner_client.get(detail)
        assert "Action updated." in page.content.decode()
        assert "Waiting for C3i" in page.content.decode()


class TestChallenges:
    def ask_url(self, subject):
        kind = "action" if isinstance(subject, Action) else "recommendation"
        return reverse("recommendations:comment_create", kwargs={f"{kind}_pk": subject.pk})

    def test_a_member_asks_the_owner_and_the_owner_answers_both_in_the_history(
        self, member_client, member_user, owner_client, owner_user
    ):
        rec = RecommendationFactory(owner=owner_user.person)

        asked = member_client.post(self.ask_url(rec), {"question": "Why is only one of 17 implemented?"}, **HTMX)

        comment = Comment.objects.get()
        assert asked.status_code == 200 and "<html" not in asked.content.decode()
        assert 'id="challenges"' in asked.content.decode()
        assert "Your question has been put to Steve House." in asked.content.decode()
        assert (comment.recommendation, comment.author, comment.addressed_to) == (rec, member_user, owner_user.person)

        answered = owner_client.post(
            reverse("recommendations:comment_answer", args=[comment.pk]),
            {f"comment-{comment.pk}-answer": "Funding was agreed only in March."},
            **HTMX,
        )

        assert answered.status_code == 200
        assert "Funding was agreed only in March." in answered.content.decode()
        comment.refresh_from_db()
        assert (comment.answer, comment.answered_by) == ("Funding was agreed only in March.", owner_user)
        first, second = comment.history.order_by("history_date", "history_id")
        assert (first.history_type, first.history_user, first.answer) == ("+", member_user, "")
        assert (second.history_type, second.history_user) == ("~", owner_user)

    def test_without_javascript_a_question_on_an_action_redirects_back_with_a_message(self, member_client, action):
        response = member_client.post(self.ask_url(action), {"question": "Is C3i on schedule?"})

        assert response.status_code == 302
        assert response["Location"] == f"{action.get_absolute_url()}#challenges"
        assert [str(m) for m in get_messages(response.wsgi_request)] == [
            f"Your question has been put to {action.owner.name}."
        ]
        assert Comment.objects.get().action == action
        assert "Is C3i on schedule?" in member_client.get(action.get_absolute_url()).content.decode()

    def test_an_empty_question_is_refused(self, member_client, recommendation):
        with_js = member_client.post(self.ask_url(recommendation), {"question": "  "}, **HTMX)
        without_js = member_client.post(self.ask_url(recommendation), {"question": ""})

        assert "Write your question." in with_js.content.decode()
        assert without_js.status_code == 400 and "Write your question." in without_js.content.decode()
        assert not Comment.objects.exists()

    def test_only_members_ask_and_only_the_owner_or_the_programme_manager_answer(
        self, inspector_client, member_client, manager_client, recommendation
    ):
        comment = CommentFactory(recommendation=recommendation, addressed_to=recommendation.owner)
        answer_url = reverse("recommendations:comment_answer", args=[comment.pk])
        answer = {f"comment-{comment.pk}-answer": "An answer."}

        assert inspector_client.post(self.ask_url(recommendation), {"question": "Why?"}).status_code == 403
        assert member_client.post(answer_url, answer).status_code == 403
        other_owner = UserFactory(groups=["Action owner"])
        PersonFactory(user=other_owner)
        other_owner_client = Client()
        other_owner_client.force_login(other_owner)
        assert other_owner_client.post(answer_url, answer).status_code == 403
        comment.refresh_from_db()
        assert comment.answer == ""
        assert manager_client.post(answer_url, answer).status_code == 302
        comment.refresh_from_db()
        assert comment.answer == "An answer."

    def test_the_answer_form_is_offered_to_the_owner_only(self, member_client, owner_client, owner_user):
        rec = RecommendationFactory(owner=owner_user.person)
        comment = CommentFactory(recommendation=rec, addressed_to=owner_user.person)
        answer_url = reverse("recommendations:comment_answer", args=[comment.pk])

        assert answer_url in owner_client.get(rec.get_absolute_url()).content.decode()
        assert answer_url not in member_client.get(rec.get_absolute_url()).content.decode()

    def test_a_challenge_is_answered_once(self, owner_client, owner_user):
        rec = RecommendationFactory(owner=owner_user.person)
        comment = CommentFactory(recommendation=rec, answer="Already answered.", answered_at=timezone.now())

        response = owner_client.post(
            reverse("recommendations:comment_answer", args=[comment.pk]), {f"comment-{comment.pk}-answer": "Again."}
        )

        assert response.status_code == 400
        comment.refresh_from_db()
        assert comment.answer == "Already answered."


class TestEvidenceDownload:
    def test_the_file_comes_as_an_attachment(self, member_client):
        evidence = EvidenceFactory()

        response = member_client.get(reverse("recommendations:evidence_download", args=[evidence.pk]))

        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert 'filename="minutes' in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == b"Minutes of the project board.\n"

    def test_a_missing_file_or_record_is_not_found(self, member_client):
        evidence = EvidenceFactory()
        evidence.file.storage.delete(evidence.file.name)

        assert member_client.get(reverse("recommendations:evidence_download", args=[evidence.pk])).status_code == 404
        assert member_client.get(reverse("recommendations:evidence_download", args=[999999])).status_code == 404


class TestMyActionsStillWork:
    def test_the_owner_sees_their_action_with_its_update_form(self, owner_client, owned_action):
        html = owner_client.get(reverse("recommendations:my_actions")).content.decode()

        assert "Set up the call handling pilot." in html
        assert reverse("recommendations:action_progress", args=[owned_action.pk]) in html


# Query counts. Each page's count is pinned, and it is the same with 2 rows and with 50: the joins are done once.
# A user's permissions are one query (their own and their groups', core.permissions), read when a page first asks
# (the navigation does on every page). The lists read the current programme, whose reviews (and reports) their
# filters offer.
RECOMMENDATION_LIST_QUERIES = 11
ACTION_LIST_QUERIES = 9
# Its progress updates take two queries: its actions' ids, then the updates (querysets.on_recommendation_q).
RECOMMENDATION_DETAIL_QUERIES = 13
# Session, user, the action, its dependencies each way, the permissions, the updates, their evidence, the
# challenges, an extension asked for. The signed-in user's person comes with the user (bvgov.backends).
ACTION_DETAIL_QUERIES = 10
# With the counts of the actions (pages of 25) and of the recommendations, the challenges waiting, the update
# requests waiting, and the deputies named by and for the owner.
MY_ACTIONS_QUERIES = 11


class TestQueryCounts:
    def assert_same_count(self, client, url, pinned, grow, django_assert_num_queries):
        client.get(url)  # the first request of a test run fills per-process caches (content types)
        with django_assert_num_queries(pinned):
            assert client.get(url).status_code == 200
        grow()
        with django_assert_num_queries(pinned):
            assert client.get(url).status_code == 200

    def test_recommendation_list(self, member_client, django_assert_num_queries):
        source = SourceFactory()

        def make(n):
            for rec in RecommendationFactory.create_batch(n, source=source, owner=PersonFactory()):
                ActionFactory(recommendation=rec, owner=rec.owner)

        make(2)
        self.assert_same_count(
            member_client,
            reverse("recommendations:recommendation_list"),
            RECOMMENDATION_LIST_QUERIES,
            lambda: make(48),
            django_assert_num_queries,
        )

    def test_action_list(self, member_client, django_assert_num_queries):
        rec = RecommendationFactory()

        def make(n):
            ActionFactory.create_batch(n, recommendation=rec, owner=PersonFactory())

        make(2)
        self.assert_same_count(
            member_client,
            reverse("recommendations:action_list"),
            ACTION_LIST_QUERIES,
            lambda: make(48),
            django_assert_num_queries,
        )

    def test_recommendation_detail(self, member_client, django_assert_num_queries):
        rec = RecommendationFactory()
        DecisionFactory(subject=rec, kind=DecisionKind.ACCEPT_RECOMMENDATION)
        rec.outcomes.add(StrategicOutcomeFactory(programme=rec.source.programme))

        def make(n):
            for action in ActionFactory.create_batch(n, recommendation=rec):
                EvidenceFactory(update__action=action, update__author=action.owner)
                CommentFactory(recommendation=rec)

        make(2)
        self.assert_same_count(
            member_client,
            reverse("recommendations:recommendation_detail", args=[rec.pk]),
            RECOMMENDATION_DETAIL_QUERIES,
            lambda: make(48),
            django_assert_num_queries,
        )

    def test_action_detail(self, owner_client, owner_user, django_assert_num_queries):
        action = ActionFactory(owner=owner_user.person)

        def make(n):
            for other in ActionFactory.create_batch(n, recommendation=action.recommendation):
                action.depends_on.add(other)
                EvidenceFactory(update__action=action, update__author=other.owner)
                CommentFactory(recommendation=None, action=action)

        make(2)
        self.assert_same_count(
            owner_client,
            reverse("recommendations:action_detail", args=[action.pk]),
            ACTION_DETAIL_QUERIES,
            lambda: make(48),
            django_assert_num_queries,
        )

    def test_an_action_with_no_dependency_or_evidence_costs_the_same(
        self, owner_client, owner_user, django_assert_num_queries
    ):
        action = ActionFactory(owner=owner_user.person)
        ProgressUpdateFactory(action=action, author=owner_user.person)
        owner_client.get(reverse("recommendations:action_detail", args=[action.pk]))
        with django_assert_num_queries(ACTION_DETAIL_QUERIES):
            owner_client.get(reverse("recommendations:action_detail", args=[action.pk]))

    def test_my_actions(self, owner_client, owner_user, django_assert_num_queries):
        def make(n):
            for action in ActionFactory.create_batch(n, owner=owner_user.person):
                ProgressUpdateFactory.create_batch(2, action=action, author=owner_user.person)
                RecommendationFactory(source=action.recommendation.source, owner=owner_user.person)
                CommentFactory(recommendation=None, action=action, addressed_to=owner_user.person)

        make(2)
        self.assert_same_count(
            owner_client,
            reverse("recommendations:my_actions"),
            MY_ACTIONS_QUERIES,
            lambda: make(48),
            django_assert_num_queries,
        )


def test_the_members_group_is_the_one_the_fixtures_use(member_user):
    assert member_user.groups.filter(name=MEMBER).exists()
    assert member_user.has_perm("recommendations.add_comment")
    assert not member_user.has_perm("recommendations.add_recommendation")


class TestMyActionsPages:
    def test_an_owner_with_many_actions_reads_them_25_at_a_time_open_ones_first(self, owner_client, owner_user):
        person = owner_user.person
        closed = ActionFactory(owner=person, status=ActionStatus.COMPLETE, completed_on=timezone.localdate())
        ActionFactory.create_batch(29, owner=person)

        first = owner_client.get(reverse("recommendations:my_actions")).content.decode()
        second = owner_client.get(reverse("recommendations:my_actions") + "?page=2").content.decode()

        assert "30 actions are assigned to you" in first
        assert "Actions 1 to 25 of 30" in first and "Actions 26 to 30 of 30" in second
        assert first.count('bvgov-action" id="action-') == 25 and second.count('bvgov-action" id="action-') == 5
        assert f'id="action-{closed.pk}"' not in first and f'id="action-{closed.pk}"' in second
        assert 'rel="next"' in first and 'rel="prev"' in second

    def test_the_first_recommendations_are_shown_with_a_link_to_all_of_them(self, owner_client, owner_user):
        RecommendationFactory.create_batch(22, owner=owner_user.person)

        html = owner_client.get(reverse("recommendations:my_actions")).content.decode()

        assert "you are accountable for 22 recommendations" in html
        link = f"{reverse('recommendations:recommendation_list')}?owner={owner_user.person.pk}"
        assert f'href="{link}">See all 22 recommendations you are accountable for</a>' in html


class TestActionProgressPages:
    def test_an_action_shows_its_latest_20_updates_and_all_of_them_on_request(self, member_client):
        action = ActionFactory()
        start = datetime.date(2020, 1, 6)
        for week in range(23):
            ProgressUpdateFactory(
                action=action, reported_on=start + datetime.timedelta(weeks=week), note=f"Week {week}"
            )
        url = reverse("recommendations:action_detail", args=[action.pk])

        latest = member_client.get(url).content.decode()
        everything = member_client.get(url, {"updates": "all"}).content.decode()

        assert "The latest 20 of 23 progress updates" in latest
        assert "Week 22" in latest and "Week 3<" in latest and "Week 2<" not in latest
        assert latest.index("Week 22") < latest.index("Week 21")
        assert all(f"Week {week}<" in everything for week in range(23))
        assert "The latest 20" not in everything


def test_the_review_filter_offers_the_chosen_programmes_reviews_and_still_takes_any(member_client):
    older = ProgrammeFactory(name="Best Value Programme 2002/03", start_date=days(-900), end_date=days(-535))
    current = ProgrammeFactory(name="Best Value Programme 2026/27")
    old_review = ReviewFactory(title="Managing Demand", programme=older)
    ReviewFactory(title="Call Handling", programme=current)
    action = ActionFactory(
        recommendation=RecommendationFactory(source=SourceFactory(review=old_review, programme=older))
    )

    def offered(response) -> list[str]:
        html = response.content.decode()
        select = html[
            html.index('<select name="review"') : html.index("</select>", html.index('<select name="review"'))
        ]
        return [title for title in ("Managing Demand", "Call Handling") if f">{title}</option>" in select]

    assert offered(member_client.get("/actions/")) == ["Call Handling"]
    assert offered(member_client.get("/actions/", {"programme": older.pk})) == ["Managing Demand"]
    linked = member_client.get("/actions/", {"review": old_review.pk})  # as the review's page links to it
    assert [row["id"] for row in linked.context["object_list"]] == [action.pk]
    assert offered(linked) == ["Managing Demand", "Call Handling"]


def test_the_theme_filter_offers_the_programmes_themes_and_still_takes_another(member_client):
    older = ProgrammeFactory(name="Best Value Programme 2002/03", start_date=days(-900), end_date=days(-535))
    current = ProgrammeFactory(name="Best Value Programme 2026/27")
    old = RecommendationFactory(source=SourceFactory(programme=older), theme="Demand management")
    RecommendationFactory(source=SourceFactory(programme=current), theme="Call handling & dispatch")

    def offered(response) -> list[str]:
        html = response.content.decode()
        start = html.index('<select name="theme"')
        select = html[start : html.index("</select>", start)]
        return [
            theme
            for theme in ("Demand management", "Call handling &amp; dispatch")
            if f'value="{theme}">{theme}</option>' in select or f'value="{theme}" selected>{theme}</option>' in select
        ]

    assert offered(member_client.get("/recommendations/")) == ["Call handling &amp; dispatch"]
    assert offered(member_client.get("/recommendations/", {"programme": older.pk})) == ["Demand management"]
    linked = member_client.get("/recommendations/", {"theme": "Demand management"})
    assert [row["id"] for row in linked.context["object_list"]] == [old.pk]
    assert offered(linked) == ["Demand management", "Call handling &amp; dispatch"]
    assert 'value="Demand management" selected>' in linked.content.decode()
    chosen = member_client.get("/recommendations/", {"theme": "Call handling & dispatch"})
    assert 'value="Call handling &amp; dispatch" selected>' in chosen.content.decode()
    unknown = member_client.get("/recommendations/", {"theme": "No such theme"})
    assert unknown.status_code == 200 and "Select a valid choice" in unknown.content.decode()
