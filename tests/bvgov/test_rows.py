"""The long lists' rows, written in Python (core.rows, recommendations.rows): what a reader sees in each row,
escaped as the templates escaped it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from core.history import save_with_history
from recommendations.choices import ActionStatus
from tests.pages import text_of
from tests.recommendations.factories import (
    ActionFactory,
    EvidenceFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(1)</script> & “quotes”"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; “quotes”"


def test_the_actions_list_shows_each_action_with_its_links_dates_and_tags_escaped(member_client):
    today = timezone.localdate()
    overdue = ActionFactory(
        description=HOSTILE,
        due_date=today - datetime.timedelta(days=12),
        status=ActionStatus.IN_PROGRESS,
        external_dependency="C3i <b>programme</b>",
        rag_override="amber",
        rag_override_reason="The board accepted the slip",
        owner__name="Sam <i>Owner</i>",
    )
    ActionFactory(owner=None, due_date=None, description="Nobody's yet", recommendation__number="")

    html = text_of(member_client.get(reverse("recommendations:action_list")))

    assert HOSTILE not in html and ESCAPED in html
    assert f'href="{overdue.get_absolute_url()}"' in html
    assert (
        f'href="{overdue.recommendation.get_absolute_url()}">Recommendation {overdue.recommendation.number}</a>' in html
    )
    assert "Waits on C3i &lt;b&gt;programme&lt;/b&gt;" in html
    assert "Sam &lt;i&gt;Owner&lt;/i&gt;" in html
    assert "12 days overdue" in html
    assert '<strong class="govuk-tag govuk-tag--yellow">Amber</strong>' in html
    assert "Overridden; derived red" in html
    assert '<span class="bvgov-empty">No owner</span>' in html and "No due date" in html
    assert "Unnumbered recommendation" in html


def test_an_action_long_overdue_says_how_long_in_years_and_months_not_days(member_client):
    action = ActionFactory(
        due_date=timezone.localdate() - datetime.timedelta(days=800), status=ActionStatus.NOT_STARTED
    )

    listed = text_of(member_client.get(reverse("recommendations:action_list")))
    detail = text_of(member_client.get(action.get_absolute_url()))

    for html in (listed, detail):
        assert "2 years 2 months overdue" in html
        assert "800 days" not in html


def test_the_recommendations_list_shows_targets_slips_and_owners_escaped(member_client):
    slipped = RecommendationFactory(
        text=HOSTILE,
        theme="Call <handling>",
        original_target_date=datetime.date(2003, 12, 31),
        revised_target_date=datetime.date(2004, 1, 1),
        timescale="By <b>December</b> 2003",
    )
    RecommendationFactory(owner=None, target_ongoing=True, original_target_date=None, timescale="")

    html = text_of(member_client.get(reverse("recommendations:recommendation_list")))

    assert HOSTILE not in html and ESCAPED in html
    assert f'href="{slipped.get_absolute_url()}"' in html
    assert f"{slipped.source.title} · Call &lt;handling&gt;" in html
    assert "31 Dec 2003" in html and "1 Jan 2004" in html and "slipped by 1 day<" in html
    assert "Report: “By &lt;b&gt;December&lt;/b&gt; 2003”" in html
    assert '<strong class="govuk-tag govuk-tag--red">No owner</strong>' in html and ">Ongoing<" in html


def test_the_audit_trail_and_history_show_each_change_escaped(inspector_client, manager_user):
    source = SourceFactory(title="Report of <b>2003</b>")
    save_with_history(source, actor=manager_user, reason="A reason with <i>markup</i>")
    source.title = HOSTILE
    save_with_history(source, actor=manager_user, reason="Retitled")

    trail = text_of(inspector_client.get(reverse("audit_trail")))
    history = text_of(inspector_client.get(reverse("object_history", args=["recommendations", "source", source.pk])))

    for html in (trail, history):
        assert HOSTILE not in html and "<b>2003</b>" not in html
        assert "Report of &lt;b&gt;2003&lt;/b&gt;" in html and ESCAPED in html
        assert "A reason with &lt;i&gt;markup&lt;/i&gt;" in html
        assert manager_user.get_full_name() in html
    assert '<del class="bvgov-changes__old">Report of &lt;b&gt;2003&lt;/b&gt;</del>' in trail
    assert f'href="{reverse("object_history", args=["recommendations", "source", source.pk])}"' in trail
    when = timezone.localtime(source.history.first().history_date)
    assert f'<time datetime="{when.isoformat()}">' in history


def test_rows_kept_rendered_show_who_made_the_change_by_their_name_now(inspector_client, manager_user):
    source = SourceFactory(title="Report of 2003")
    save_with_history(source, actor=manager_user, reason="Recorded the report")
    history_url = reverse("object_history", args=["recommendations", "source", source.pk])
    assert "Catherine Crawford" in text_of(inspector_client.get(reverse("audit_trail")))
    assert "Catherine Crawford" in text_of(inspector_client.get(history_url))

    manager_user.last_name = "Crawford-Smith"
    manager_user.save()

    trail = text_of(inspector_client.get(reverse("audit_trail")))
    assert 'data-label="Who">Catherine Crawford-Smith</td>' in trail
    assert 'data-label="Who">Catherine Crawford</td>' not in trail
    history = text_of(inspector_client.get(history_url))
    assert "by Catherine Crawford-Smith<" in history and "by Catherine Crawford<" not in history


def test_the_rows_escape_exactly_as_djangos_format_html_does():
    from django.utils import html as django_html
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    from core import html as quick

    values = [
        HOSTILE,
        'O\'Brien & "Sons"',
        mark_safe("<b>already safe</b>"),
        gettext_lazy("Actions"),
        12,
        None,
        datetime.date(2003, 3, 31),
        "",
    ]
    template = "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
    assert quick.format_html(template, *values) == django_html.format_html(template, *values)
    for value in values:
        assert quick.conditional_escape(value) == django_html.conditional_escape(value)
    from core.html import status_tag, status_tag_class

    for value, label in (("blocked", "Blocked <now>"), ("implemented", ""), ("red", gettext_lazy("Red"))):
        assert status_tag(value, label) == django_html.format_html(
            '<strong class="govuk-tag {}">{}</strong>', status_tag_class(value), label or value
        )


def test_progress_updates_show_who_when_what_was_reported_and_the_evidence_escaped(member_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    action = ActionFactory(description="Single crewing <pilot>")
    with_file = ProgressUpdateFactory(
        action=action,
        author__name="Ann <b>Owner</b>",
        reported_on=datetime.date(2004, 3, 1),
        note=f"{HOSTILE}\nSecond line",
        reported_status=ActionStatus.BLOCKED,
        reported_rag="red",
    )
    evidence = EvidenceFactory(update=with_file, description="Board <minutes>")
    ProgressUpdateFactory(
        action=None,
        recommendation=action.recommendation,
        reported_on=datetime.date(2004, 2, 1),
        note="Plain",
        reported_status="",
        reported_rag="",
    )

    action_page = text_of(member_client.get(action.get_absolute_url()))
    assert ESCAPED + "<br>Second line" in action_page and HOSTILE not in action_page
    assert "by Ann &lt;b&gt;Owner&lt;/b&gt;" in action_page
    assert '<time datetime="2004-03-01">1 March 2004</time>' in action_page
    assert 'Reported <strong class="govuk-tag govuk-tag--red">Blocked</strong> ' in action_page
    assert '<strong class="govuk-tag govuk-tag--red">RAG Red</strong>' in action_page
    download = reverse("recommendations:evidence_download", args=[evidence.pk])
    assert f'href="{download}">{escape(str(evidence))}<span class="govuk-visually-hidden">' in action_page
    assert '<h3 class="moj-timeline__title">Progress update</h3>' in action_page

    # On the recommendation's page each update says what it is on, the action's with a link to the action.
    recommendation_page = text_of(member_client.get(action.recommendation.get_absolute_url()))
    assert (
        f'On the action <a class="govuk-link" href="{action.get_absolute_url()}">Single crewing &lt;pilot&gt;</a>'
        in (recommendation_page)
    )
    assert '<h3 class="moj-timeline__title">On the recommendation</h3>' in recommendation_page
    assert "Reported  </p>" not in recommendation_page
