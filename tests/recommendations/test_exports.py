"""CSV and Excel exports of the recommendation and action lists: exactly the filtered rows under a header row, every
row and not one page of them, with text that a spreadsheet would run as a formula made harmless."""

import csv
import datetime
import io
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from recommendations.choices import ActionStatus, DecisionStatus
from tests.programmes.factories import PersonFactory
from tests.recommendations.factories import ActionFactory, RecommendationFactory, SourceFactory

pytestmark = pytest.mark.django_db

RECOMMENDATION_HEADER_START = ["Number", "Source", "Kind of source", "Review", "Recommendation"]


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def url(name: str, **params) -> str:
    return reverse(f"recommendations:{name}") + "?" + urlencode(params, doseq=True)


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def xlsx_rows(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [tuple(cell for cell in row) for row in sheet.iter_rows(values_only=True)]


def column(header: list, rows: list, name: str) -> list:
    index = list(header).index(name)
    return [row[index] for row in rows]


@pytest.fixture
def register():
    """Three recommendations, two accepted; one accepted with its target date revised."""
    source = SourceFactory(title="HMIC Managing Demand inspection")
    slipped = RecommendationFactory(
        source=source,
        number="1",
        original_target_date=datetime.date(2003, 12, 31),
        revised_target_date=datetime.date(2004, 6, 30),
    )
    accepted = RecommendationFactory(source=source, number="2", original_target_date=datetime.date(2004, 3, 31))
    not_pursued = RecommendationFactory(
        source=source, number="3", decision_status=DecisionStatus.NOT_PURSUED, decision_rationale="Overtaken by C3i."
    )
    return slipped, accepted, not_pursued


class TestRecommendationExports:
    def test_csv_has_a_header_and_exactly_the_filtered_rows_with_both_target_dates(self, member_client, register):
        response = member_client.get(url("recommendation_list", decision_status="accepted", format="csv"))

        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith('attachment; filename="recommendations-')
        header, *rows = csv_rows(response)
        assert header[:5] == RECOMMENDATION_HEADER_START
        assert sorted(column(header, rows, "Number")) == ["1", "2"]
        by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
        assert by_number["1"]["Original target date"] == "2003-12-31"
        assert by_number["1"]["Revised target date"] == "2004-06-30"
        assert by_number["1"]["Slipped by (days)"] == "182"
        assert by_number["2"]["Revised target date"] == ""
        assert by_number["1"]["Timescale as the report gives it"] == "December 2003"

    def test_excel_has_a_header_and_exactly_the_filtered_rows_with_dates_as_dates(self, member_client, register):
        response = member_client.get(url("recommendation_list", decision_status="not_pursued", format="xlsx"))

        assert response.status_code == 200
        assert response["Content-Disposition"].endswith('.xlsx"')
        header, *rows = xlsx_rows(response)
        assert list(header[:5]) == RECOMMENDATION_HEADER_START
        assert column(header, rows, "Number") == ["3"]
        assert column(header, rows, "Decision rationale") == ["Overtaken by C3i."]

        slipped_export = xlsx_rows(member_client.get(url("recommendation_list", q="1", format="xlsx")))
        original = column(slipped_export[0], slipped_export[1:], "Original target date")[0]
        revised = column(slipped_export[0], slipped_export[1:], "Revised target date")[0]
        assert (original.date(), revised.date()) == (datetime.date(2003, 12, 31), datetime.date(2004, 6, 30))

    def test_excel_is_set_up_to_read_a_bold_frozen_filtered_header_fitted_widths_and_readable_dates(
        self, member_client, register
    ):
        response = member_client.get(url("recommendation_list", format="xlsx"))

        sheet = load_workbook(io.BytesIO(response.content)).active
        header = [cell.value for cell in sheet[1]]
        assert all(cell.font.bold for cell in sheet[1])
        assert not sheet["A2"].font.bold
        assert sheet.freeze_panes == "A2"
        last_column = sheet.cell(row=1, column=len(header)).column_letter
        assert sheet.auto_filter.ref == f"A1:{last_column}4"
        widths = {cell.value: sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]}
        assert widths["Number"] < widths["Source"] <= 60
        assert widths["Source"] >= len("HMIC Managing Demand inspection")
        dates = [row[header.index("Original target date")] for row in sheet.iter_rows(min_row=2)]
        dated = next(cell for cell in dates if cell.value is not None)
        assert dated.is_date and dated.number_format == "d mmm yyyy"

    def test_every_filtered_row_is_exported_not_one_page(self, member_client):
        source = SourceFactory()
        RecommendationFactory.create_batch(55, source=source)

        csv_export = csv_rows(member_client.get(url("recommendation_list", format="csv")))
        excel_export = xlsx_rows(member_client.get(url("recommendation_list", format="xlsx", page=2)))

        assert len(csv_export) == 56
        assert len(excel_export) == 56

    @pytest.mark.parametrize("formula", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)"])
    def test_text_a_spreadsheet_would_run_is_neutralised(self, formula, member_client):
        RecommendationFactory(number="9", text=formula, theme=formula)

        csv_header, *csv_data = csv_rows(member_client.get(url("recommendation_list", format="csv")))
        xlsx_header, *xlsx_data = xlsx_rows(member_client.get(url("recommendation_list", format="xlsx")))

        assert column(csv_header, csv_data, "Recommendation") == ["'" + formula]
        assert column(csv_header, csv_data, "Theme") == ["'" + formula]
        assert column(xlsx_header, xlsx_data, "Recommendation") == ["'" + formula]

    def test_a_visitor_who_is_not_signed_in_gets_no_export(self, client, register):
        response = client.get(url("recommendation_list", format="csv"))

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


class TestActionExports:
    def test_overdue_export_has_exactly_the_open_actions_past_their_due_date(self, member_client):
        owner = PersonFactory(name="Alan Brown")
        late = ActionFactory(description="Late one", owner=owner, due_date=days(-10))
        ActionFactory(description="Done late", due_date=days(-10), status=ActionStatus.COMPLETE, completed_on=days(-1))
        ActionFactory(description="Not due yet", due_date=days(10))

        header, *rows = csv_rows(member_client.get(url("action_list", overdue="true", format="csv")))

        assert header[:3] == ["Action", "Recommendation", "Source"]
        assert column(header, rows, "Action") == ["Late one"]
        record = dict(zip(header, rows[0], strict=True))
        assert record["Owner"] == str(owner)
        assert record["Due date"] == days(-10).isoformat()
        assert record["Days overdue"] == "10"
        assert record["RAG"] == "Red"
        assert record["Recommendation"] == late.recommendation.number

    def test_excel_export_keeps_the_status_filter_and_neutralises_formulas(self, member_client):
        ActionFactory(description="=cmd|' /C calc'!A0", status=ActionStatus.BLOCKED)
        ActionFactory(description="Not blocked")

        header, *rows = xlsx_rows(member_client.get(url("action_list", status="blocked", format="xlsx")))

        assert column(header, rows, "Action") == ["'=cmd|' /C calc'!A0"]
        assert column(header, rows, "Status") == ["Blocked"]
