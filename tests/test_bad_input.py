"""A corpus of hostile and malformed input, posted into every text, number and date field of every form a
programme manager (or an owner, or a member) can use, and into the GET filters of the dashboard and audit trail.

For each value and field: the response is never a 5xx; a refused value gives the form's errors and writes nothing
(the model's rows, its history rows and the audit entries are counted before and after); an accepted value is stored
as given, rendered escaped on the pages that show it, and neutralised (a leading ') in the list's CSV and Excel
exports when it starts like a spreadsheet formula.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from programmes.choices import BodyKind
from programmes.models import Decision
from recommendations.choices import DecisionStatus
from recommendations.models import Action, Comment, Evidence, ProgressUpdate, Recommendation
from reviews.models import Review
from tests.programmes.factories import BodyFactory, ProgrammeFactory
from tests.recommendations.factories import ActionFactory, CommentFactory, RecommendationFactory, SourceFactory
from tests.reviews.factories import ReviewFactory

pytestmark = pytest.mark.django_db

TEXT, NUMBER, DATE = "text", "number", "date"
ALL = frozenset({TEXT, NUMBER, DATE})


@dataclass(frozen=True)
class Entry:
    value: str
    kinds: frozenset = ALL
    must_refuse: frozenset = frozenset()  # the field kinds that must refuse the value


CORPUS = {
    "10k-chars": Entry("x" * 10_000),
    "200k-chars": Entry("y" * 200_000, frozenset({TEXT})),
    "abc": Entry("abc", frozenset({NUMBER, DATE}), frozenset({NUMBER, DATE})),
    "1e309": Entry("1e309", frozenset({NUMBER, DATE}), frozenset({NUMBER, DATE})),
    "minus-1": Entry("-1", frozenset({NUMBER, DATE}), frozenset({DATE})),
    "NaN": Entry("NaN", frozenset({NUMBER, DATE}), frozenset({NUMBER, DATE})),
    "0000-00-00": Entry("0000-00-00", frozenset({DATE}), frozenset({DATE})),
    "9999-12-31": Entry("9999-12-31", frozenset({DATE})),
    "0001-01-01": Entry("0001-01-01", frozenset({DATE})),
    "31/02/2004": Entry("31/02/2004", frozenset({DATE}), frozenset({DATE})),
    "1899-01-01": Entry("1899-01-01", frozenset({DATE})),
    "xss-script": Entry("<script>alert(1)</script>"),
    "xss-img": Entry('"><img src=x onerror=alert(1)>'),
    "javascript-url": Entry("javascript:alert(1)", frozenset({TEXT})),
    "formula-hyperlink": Entry('=HYPERLINK("http://x")', frozenset({TEXT})),
    "formula-plus": Entry("+1+1", frozenset({TEXT})),
    "formula-minus": Entry("-2+3", frozenset({TEXT})),
    "formula-at": Entry("@SUM(A1)", frozenset({TEXT})),
    "rtl-override": Entry("Budget \u202egnp.exe", frozenset({TEXT})),
    "nul-byte": Entry("before\x00after", ALL, ALL),
    "emoji": Entry("Safer streets \U0001f46e\u200d\u2640\ufe0f \U0001f6a8", frozenset({TEXT})),
}
XSS_MARKERS = {"xss-script": "<script>alert(1)</script>", "xss-img": "<img src=x onerror=alert(1)>"}
ESCAPED_MARKERS = {
    "xss-script": "&lt;script&gt;alert(1)&lt;/script&gt;",
    "xss-img": "&lt;img src=x onerror=alert(1)&gt;",
}
FORMULA_ENTRIES = {"formula-hyperlink", "formula-plus", "formula-minus", "formula-at"}

TODAY = timezone.localdate()
YESTERDAY = (TODAY - datetime.timedelta(days=1)).isoformat()
COUNTED_MODELS = (Review, Decision, Recommendation, Action, ProgressUpdate, Evidence, Comment)


def snapshot() -> tuple:
    counts = [AuditEntry.objects.count()]
    for model in COUNTED_MODELS:
        counts += [model.objects.count(), model.history.count()]
    return tuple(counts)


def errors_of(response) -> list[str]:
    content = response.content.decode()
    return re.findall(r'<(?:a href="#[^"]*"|p[^>]*govuk-error-message[^>]*)>(.*?)</', content, re.S)


def assert_not_5xx(response, where):
    assert response.status_code < 500, (where, response.status_code)


@dataclass
class Posted:
    """What one form needs: how to make a fresh page (url, base data, the object it edits), and its fields."""

    fields: dict  # name -> kind
    prepare: object  # (world, n) -> (url, data, instance or None)
    client: str = "manager"
    model: type | None = None  # what a create makes; an update's instance is given by prepare
    shown_on: object = None  # obj -> [urls] that show it
    export_list: str | None = None
    model_fields: set = field(default_factory=set)


def review_data(world, n):
    return {"programme": world["programme"].pk, "reference": f"bvr-bad-{n}", "title": "Managing Demand"} | {
        "kind": "best_value"
    }


REVIEW_FIELDS = {
    "reference": TEXT,
    "title": TEXT,
    "scope": TEXT,
    "challenge_evidence": TEXT,
    "compare_evidence": TEXT,
    "consult_evidence": TEXT,
    "compete_evidence": TEXT,
    "final_report_title": TEXT,
    "final_report_reference": TEXT,
    "final_report_summary": TEXT,
    "notes": TEXT,
    "change_message": TEXT,
    "planned_start": DATE,
    "planned_end": DATE,
    "actual_start": DATE,
    "actual_end": DATE,
    "final_report_date": DATE,
    "budget": NUMBER,
    "cost": NUMBER,
}
RECOMMENDATION_FIELDS = {
    "number": TEXT,
    "text": TEXT,
    "source_note": TEXT,
    "theme": TEXT,
    "response": TEXT,
    "timescale": TEXT,
    "funding_source": TEXT,
    "change_message": TEXT,
    "original_target_date": DATE,
    "funding_amount": NUMBER,
}
ACTION_FIELDS = {"description": TEXT, "external_dependency": TEXT, "change_message": TEXT, "due_date": DATE}


def recommendation_data(world, n):
    return {
        "source": world["source"].pk,
        "number": f"R{n}",
        "text": "Produce a demand management strategy.",
        "implementation_status": "not_started",
    }


def history_url(obj):
    return reverse("object_history", args=[obj._meta.app_label, obj._meta.model_name, obj.pk])


def prepare_decision(world, n):
    review = ReviewFactory(programme=world["programme"])
    url = reverse("programmes:decision_create") + f"?subject=reviews.review.{review.pk}"
    data = {
        "body": world["board"].pk,
        "meeting": "",
        "decided_on": YESTERDAY,
        "kind": "note",
        "outcome": "noted",
        "minute_reference": "Minute 1/04",
        "rationale": "",
    }
    return url, data, None


def prepare_review_update(world, n):
    review = ReviewFactory(programme=world["programme"])
    return reverse("reviews:review_update", args=[review.pk]), review_data(world, n), review


def prepare_review_stage(world, n):
    review = ReviewFactory(programme=world["programme"])
    return reverse("reviews:review_stage", args=[review.pk]), {"stage": "withdrawn", "reason": "Merged"}, review


def prepare_recommendation_update(world, n):
    recommendation = RecommendationFactory(
        source=world["source"], decision_status=DecisionStatus.PROPOSED, original_target_date=None
    )
    data = recommendation_data(world, n)
    return reverse("recommendations:recommendation_update", args=[recommendation.pk]), data, recommendation


def prepare_extend(world, n):
    recommendation = RecommendationFactory(source=world["source"])
    data = {
        "body": world["board"].pk,
        "meeting": "",
        "decided_on": YESTERDAY,
        "minute_reference": "Minute 2/04",
        "revised_target_date": (recommendation.original_target_date + datetime.timedelta(days=90)).isoformat(),
        "rationale": "Funding came late.",
    }
    return reverse("recommendations:recommendation_extend", args=[recommendation.pk]), data, recommendation


def prepare_action_create(world, n):
    url = reverse("recommendations:action_create", kwargs={"recommendation_pk": world["recommendation"].pk})
    return url, {"description": "Draft the strategy.", "owner": "", "due_date": "", "external_dependency": ""}, None


def prepare_action_update(world, n):
    action = ActionFactory(recommendation=world["recommendation"])
    # Its own due date: a date, once set, is kept, and moving it needs a reason (test_action_due_dates).
    due = f"{action.due_date:%d/%m/%Y}"
    data = {"description": "Draft the strategy.", "owner": "", "due_date": due, "external_dependency": ""}
    return reverse("recommendations:action_update", args=[action.pk]), data, action


def prepare_progress(world, n):
    action = ActionFactory(recommendation=world["recommendation"], owner=world["owner"].person)
    prefix = f"action-{action.pk}-"
    data = {prefix + "status": "in_progress", prefix + "rag_override": "", prefix + "reason": "Started"}
    data[prefix + "note"] = "Work has begun."
    return reverse("recommendations:action_progress", args=[action.pk]), data, action


def prepare_comment(world, n):
    url = reverse("recommendations:comment_create", kwargs={"recommendation_pk": world["recommendation"].pk})
    return url, {"question": "Why is this late?"}, world["recommendation"]


def prepare_answer(world, n):
    comment = CommentFactory(recommendation=world["recommendation"], addressed_to=world["owner"].person)
    return (
        reverse("recommendations:comment_answer", args=[comment.pk]),
        {f"comment-{comment.pk}-answer": "Soon."},
        comment,
    )


def detail_and_history(obj):
    return [obj.get_absolute_url(), history_url(obj)]


FORMS = {
    "decision_create": Posted(
        {"minute_reference": TEXT, "rationale": TEXT, "change_message": TEXT, "decided_on": DATE},
        prepare_decision,
        model=Decision,
        shown_on=lambda decision: [reverse("programmes:decision_detail", args=[decision.pk]), history_url(decision)],
        export_list="programmes:decision_list",
    ),
    "review_create": Posted(
        REVIEW_FIELDS,
        lambda world, n: (reverse("reviews:review_create"), review_data(world, n), None),
        model=Review,
        shown_on=detail_and_history,
        export_list="reviews:review_list",
    ),
    "review_update": Posted(
        REVIEW_FIELDS, prepare_review_update, shown_on=detail_and_history, export_list="reviews:review_list"
    ),
    "review_stage": Posted({"reason": TEXT}, prepare_review_stage, shown_on=detail_and_history),
    "recommendation_create": Posted(
        RECOMMENDATION_FIELDS,
        lambda world, n: (reverse("recommendations:recommendation_create"), recommendation_data(world, n), None),
        model=Recommendation,
        shown_on=detail_and_history,
        export_list="recommendations:recommendation_list",
    ),
    "recommendation_update": Posted(
        RECOMMENDATION_FIELDS,
        prepare_recommendation_update,
        shown_on=detail_and_history,
        export_list="recommendations:recommendation_list",
    ),
    "recommendation_extend": Posted(
        {"decided_on": DATE, "minute_reference": TEXT, "revised_target_date": DATE, "rationale": TEXT},
        prepare_extend,
        shown_on=detail_and_history,
        export_list="recommendations:recommendation_list",
    ),
    "action_create": Posted(
        ACTION_FIELDS,
        prepare_action_create,
        model=Action,
        shown_on=detail_and_history,
        export_list="recommendations:action_list",
    ),
    "action_update": Posted(
        ACTION_FIELDS, prepare_action_update, shown_on=detail_and_history, export_list="recommendations:action_list"
    ),
    "action_progress": Posted(
        {"reason": TEXT, "note": TEXT}, prepare_progress, client="owner", shown_on=detail_and_history
    ),
    "comment_create": Posted(
        {"question": TEXT}, prepare_comment, client="member", shown_on=lambda rec: [rec.get_absolute_url()]
    ),
    "comment_answer": Posted(
        {"answer": TEXT}, prepare_answer, client="owner", shown_on=lambda comment: [comment.subject.get_absolute_url()]
    ),
}


@pytest.fixture
def world(owner_user):
    programme = ProgrammeFactory()
    review = ReviewFactory(programme=programme)
    source = SourceFactory(programme=programme, review=review)
    return {
        "programme": programme,
        "review": review,
        "source": source,
        "recommendation": RecommendationFactory(source=source, review=review),
        "board": BodyFactory(kind=BodyKind.MANAGEMENT_BOARD),
        "owner": owner_user,
    }


@pytest.fixture
def clients(manager_client, owner_client, member_client):
    return {"manager": manager_client, "owner": owner_client, "member": member_client}


def field_key(data, name):
    """The posted key for a field: the form's prefix, if it has one, in front of the name."""
    return next((key for key in data if key.endswith(f"-{name}")), name)


def export_cells(client, list_name, *, excel=True) -> tuple[list[str], list]:
    url = reverse(list_name)
    response = client.get(url, {"format": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    csv_cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    if not excel:
        return csv_cells, []
    response = client.get(url, {"format": "xlsx"})
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    xlsx_cells = [cell for row in workbook.active.iter_rows() for cell in row]
    return csv_cells, xlsx_cells


def assert_neutralised(client, list_name, value, where, *, excel=True):
    csv_cells, xlsx_cells = export_cells(client, list_name, excel=excel)
    assert value not in csv_cells, (where, "CSV")
    assert all(cell.data_type != "f" for cell in xlsx_cells), (where, "xlsx formula")
    assert value not in [cell.value for cell in xlsx_cells], (where, "xlsx")
    return "'" + value in csv_cells


def assert_escaped(client, urls, entry_id, where):
    pages = ""
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (where, url, response.status_code)
        pages += response.content.decode()
    assert XSS_MARKERS[entry_id] not in pages, (where, "unescaped")
    assert ESCAPED_MARKERS[entry_id] in pages, (where, "not shown escaped")


def stored_value(obj, name):
    return getattr(obj, name) if name in {f.name for f in obj._meta.concrete_fields} else None


@pytest.mark.parametrize("form_name", sorted(FORMS))
def test_each_form_accepts_its_base_data(form_name, world, clients):
    """The corpus changes one field of a post that is otherwise good, so the good post must be accepted."""
    spec = FORMS[form_name]
    url, data, _ = spec.prepare(world, 0)
    response = clients[spec.client].post(url, data)
    assert response.status_code == 302, errors_of(response)


def form_cases():
    for form_name, spec in sorted(FORMS.items()):
        for entry_id, entry in sorted(CORPUS.items()):
            if any(kind in entry.kinds for kind in spec.fields.values()):
                yield pytest.param(form_name, entry_id, id=f"{form_name}-{entry_id}")


@pytest.mark.parametrize(("form_name", "entry_id"), list(form_cases()))
def test_each_form_field_refuses_or_safely_keeps_each_bad_value(form_name, entry_id, world, clients):
    spec, entry = FORMS[form_name], CORPUS[entry_id]
    client = clients[spec.client]
    fields = [name for name, kind in spec.fields.items() if kind in entry.kinds]
    for n, name in enumerate(fields):
        where = (form_name, name, entry_id)
        url, data, instance = spec.prepare(world, n)
        key = field_key(data, name)
        data[key] = entry.value
        before = snapshot()
        latest = spec.model.objects.order_by("-pk").first() if spec.model else None
        response = client.post(url, data)
        assert_not_5xx(response, where)
        if response.status_code != 302:
            assert snapshot() == before, (where, "refused, but something was written")
            assert b"govuk-error-summary" in response.content or b"govuk-error-message" in response.content, where
            continue
        assert spec.fields[name] not in entry.must_refuse, (where, "accepted a value that must be refused")
        assert snapshot() != before, (where, "accepted, but nothing was written")
        obj = spec.model.objects.order_by("-pk").first() if spec.model else instance
        assert obj is not None and obj != latest or spec.model is None, where
        obj.refresh_from_db()
        if spec.fields[name] == TEXT and stored_value(obj, name) is not None:
            assert stored_value(obj, name) == entry.value.strip(), (where, "stored differently")
        if entry_id in XSS_MARKERS:
            assert_escaped(client, spec.shown_on(obj), entry_id, where)
        if entry_id == "javascript-url":
            for url in spec.shown_on(obj):
                assert b'href="javascript:' not in client.get(url).content, (where, url)
        if entry_id in FORMULA_ENTRIES and spec.export_list:
            # Excel goes through the same neutralise(); one formula entry is enough to prove the path.
            excel = entry_id == "formula-hyperlink"
            assert_neutralised(clients["manager"], spec.export_list, entry.value, where, excel=excel)


GET_TARGETS = {
    "dashboard-as_at": ("dashboard", "as_at", DATE),
    "pack-as_at": ("committee_pack", "as_at", DATE),
    "pack-previous": ("committee_pack", "previous", DATE),
    "audit-object_id": ("audit_trail", "object_id", NUMBER),
    "audit-date_from": ("audit_trail", "date_from", DATE),
    "audit-date_to": ("audit_trail", "date_to", DATE),
    "audit-reason": ("audit_trail", "reason", TEXT),
}
# Known server errors on these filters, each marked where it fails; empty while none is known. (The 500s this
# corpus found for ?as_at=0001-01-01, ?date_to=9999-12-31 and a 200,000-character reason filter on SQLite were
# fixed in e4d393d, so their cases now simply pass.)
GET_BUGS: dict = {}


def get_cases():
    for target, (_, _, kind) in GET_TARGETS.items():
        for entry_id, entry in sorted(CORPUS.items()):
            if kind in entry.kinds:
                marks = [GET_BUGS[(target, entry_id)]] if (target, entry_id) in GET_BUGS else []
                yield pytest.param(target, entry_id, marks=marks, id=f"{target}-{entry_id}")


@pytest.mark.parametrize(("target", "entry_id"), list(get_cases()))
def test_the_dashboard_and_audit_trail_filters_never_fail_or_echo_raw_markup(target, entry_id, world, manager_client):
    url_name, parameter, _ = GET_TARGETS[target]
    before = snapshot()
    formats = [{}, {"format": "csv"}] if url_name == "audit_trail" else [{}]
    for extra in formats:
        response = manager_client.get(reverse(url_name), {parameter: CORPUS[entry_id].value, **extra})
        assert_not_5xx(response, extra)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if entry_id in XSS_MARKERS:
            assert XSS_MARKERS[entry_id].encode() not in body, extra
    assert snapshot() == before


IMPORT_HEADER = ["number", "text", "theme", "owner", "target date", "priority", "response"]
IMPORT_GOOD_ROW = ["1", "Produce a demand management strategy.", "Demand", "", "December 2030", "High", "Agreed."]


def import_file(kind, row):
    if kind == "csv":
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow(IMPORT_HEADER)
        writer.writerow(row)
        return SimpleUploadedFile("bad.csv", buffer.getvalue().encode("utf-8"), content_type="text/csv")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(IMPORT_HEADER)
    sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("bad.xlsx", buffer.getvalue())


@pytest.fixture(autouse=False)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize("entry_id", sorted(CORPUS))
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_import_refuses_or_safely_keeps_each_bad_value(kind, entry_id, world, manager_client, media_root):
    entry = CORPUS[entry_id]
    upload_url = reverse("recommendations:recommendation_import")
    confirm_url = reverse("recommendations:recommendation_import_confirm")
    for column, header in enumerate(IMPORT_HEADER):
        where = (kind, header, entry_id)
        row = [str(100 + column), *IMPORT_GOOD_ROW[1:]]
        row[column] = entry.value
        try:
            file = import_file(kind, row)
        except openpyxl.utils.exceptions.IllegalCharacterError:
            continue  # Excel cannot hold the value at all
        before = snapshot()
        response = manager_client.post(upload_url, {"source": world["source"].pk, "file": file})
        assert_not_5xx(response, where)
        if response.status_code != 302:
            assert snapshot() == before, where
            continue
        preview = manager_client.get(confirm_url)
        assert_not_5xx(preview, where)
        if entry_id in XSS_MARKERS:
            assert XSS_MARKERS[entry_id].encode() not in preview.content, (where, "preview unescaped")
        count = Recommendation.objects.count()
        response = manager_client.post(confirm_url, {"action": "import"})
        assert_not_5xx(response, where)
        if Recommendation.objects.count() == count:
            assert snapshot() == before, (where, "refused, but something was written")
            manager_client.post(confirm_url, {"action": "cancel"})
            continue
        assert Recommendation.objects.count() == count + 1, where
        recommendation = Recommendation.objects.order_by("-pk").first()
        if entry_id in XSS_MARKERS:
            assert_escaped(manager_client, detail_and_history(recommendation), entry_id, where)
        if entry_id in FORMULA_ENTRIES:
            assert_neutralised(manager_client, "recommendations:recommendation_list", entry.value.strip(), where)


READ_PAGES = (
    "dashboard",
    "board_dashboard",
    "gaps",
    "outcomes",
    "committee_pack",
    "audit_trail",
    "reviews:review_list",
    "recommendations:recommendation_list",
    "recommendations:action_list",
    "recommendations:my_actions",
)


@pytest.fixture
def extreme_register(request, world, clients):
    """A review, a recommendation, an action and an extension, each given the day under test through its form."""
    day = request.param
    manager = clients["manager"]
    review_dates = dict.fromkeys(
        ["planned_start", "planned_end", "actual_start", "actual_end", "final_report_date"], day
    )
    response = manager.post(reverse("reviews:review_create"), review_data(world, 0) | review_dates)
    assert response.status_code == 302, errors_of(response)
    url, data, _ = FORMS["recommendation_create"].prepare(world, 0)
    response = manager.post(url, data | {"original_target_date": day})
    assert response.status_code == 302, errors_of(response)
    url, data, _ = prepare_action_create(world, 0)
    response = manager.post(url, data | {"due_date": day, "owner": world["owner"].person.pk})
    assert response.status_code == 302, errors_of(response)
    url, data, recommendation = prepare_extend(world, 0)
    manager.post(url, data | {"revised_target_date": day})
    return {
        "review": Review.objects.latest("pk"),
        "recommendation": Recommendation.objects.latest("pk"),
        "action": Action.objects.latest("pk"),
        "extended": recommendation,
    }


@pytest.mark.parametrize("extreme_register", ["0001-01-01", "1899-01-01", "9999-12-31"], indirect=True)
def test_extreme_dates_the_forms_accept_do_not_break_the_pages_that_read_them(
    extreme_register, owner_user, manager_user
):
    failures = []
    for user in (manager_user, owner_user):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        urls = [reverse(name) for name in READ_PAGES]
        urls += [obj.get_absolute_url() for obj in extreme_register.values()]
        urls += [f"{reverse(name)}?format={fmt}" for name in READ_PAGES[6:9] for fmt in ("csv", "xlsx")]
        for url in urls:
            response = client.get(url)
            if response.status_code >= 500:
                failures.append((user.username, url, response.status_code))
    assert failures == []
