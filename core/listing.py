"""The shared shape of every register list: a FilterSet, whitelisted sorting, pagination, and CSV / Excel export
of exactly the filtered rows. Each list view declares its columns once; the page and both exports use them."""

import csv
import datetime
import io
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import models
from django.db.models import F
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import dateformat, timezone
from django_filters.views import FilterView

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str | int | float | Decimal | datetime.date | None:
    """Make a cell safe for spreadsheets: text that a spreadsheet would run as a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float | Decimal | datetime.date):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


EXPORT_FORMATS = {"csv", "xlsx"}


@dataclass(frozen=True)
class Header:
    """A column heading of a list page's table; `sort` names the Column(sort=...) it sorts by, if any."""

    label: str
    sort: str | None = None
    numeric: bool = False


@dataclass(frozen=True)
class Column:
    """One column of a list and of its exports: a header and how to read the value from a row."""

    header: str
    value: Callable | str
    sort: str | None = None

    def read(self, row):
        if callable(self.value):
            return self.value(row)
        result = row
        for part in self.value.split("."):
            result = getattr(result, part, None)
            if result is None:
                return None
            if callable(result) and part.startswith("get_"):
                result = result()
        return result


class _Echo:
    def write(self, value):
        return value


def csv_response(*, filename: str, columns: list[Column], rows: Iterable) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"
        yield writer.writerow([column.header for column in columns])
        for row in rows:
            yield writer.writerow([neutralise(column.read(row)) for column in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


# The rows an Excel export's column widths are fitted to, and the widest a column is made.
EXCEL_WIDTH_SAMPLE = 500
EXCEL_MAX_WIDTH = 60


def excel_response(*, filename: str, title: str, columns: list[Column], rows: Iterable) -> HttpResponse:
    """The rows as an Excel workbook as a person would set it up: a bold header row, frozen, with filters on it;
    columns as wide as their text (up to EXCEL_MAX_WIDTH); dates as dates, shown as 5 Dec 2026."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    values = ([neutralise(column.read(row)) for column in columns] for row in rows)
    first = list(itertools.islice(values, EXCEL_WIDTH_SAMPLE))
    for index, column in enumerate(columns):
        widest = max([len(column.header), *(_excel_width(line[index]) for line in first)])
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(widest + 2, EXCEL_MAX_WIDTH)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def cell(value):
        if not isinstance(value, datetime.date):
            return value
        dated = WriteOnlyCell(sheet, value=value)
        dated.number_format = "d mmm yyyy h:mm" if isinstance(value, datetime.datetime) else "d mmm yyyy"
        return dated

    header = []
    for column in columns:
        heading = WriteOnlyCell(sheet, value=column.header)
        heading.font = bold
        header.append(heading)
    sheet.append(header)
    count = 0
    for line in itertools.chain(first, values):
        sheet.append([cell(value) for value in line])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _excel_width(value) -> int:
    """How many characters wide a cell shows its value: a date as "30 Nov 2003", the rest as their text."""
    if isinstance(value, datetime.date):
        return 11
    return len(str(value))


def _display(field, value) -> str:
    if isinstance(value, models.Model):
        return str(value)
    if value is True:
        return "Yes"
    if hasattr(value, "isoformat"):
        return dateformat.format(value, "j F Y")
    return str(dict(getattr(field, "choices", ())).get(value, value))


class RegisterListView(LoginRequiredMixin, FilterView):
    """The one list page of the register: a FilterSet in the filter panel with the filters in force as removable
    tags, sortable headings (`headers`, the table's; `columns`, the exports'), pagination, and CSV (?format=csv) and
    Excel (?format=xlsx) export of exactly the filtered rows."""

    headers: list[Header] = []

    paginate_by = 25
    # `selector` gives the rows with their joins; `sort_expressions` maps a sort key a user sees in the address
    # (e.g. "stage") to the expression that orders it, where the two differ.
    selector = None
    sort_expressions: dict[str, str] = {}
    columns: list[Column] = []
    default_sort = ""
    export_name = "export"
    strict = False
    # What the page's rows show, where that is less than the exports read: the page reads these values (dicts, not
    # model instances) and the exports whole records. Planning joins the rows do not show, reading long texts they do
    # not print and building three related instances a row cost more than writing the rows.
    page_values: tuple[str, ...] = ()

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        if self.page_values:
            # The page's rows only: the count is of the records, without the values' annotations, which a count of
            # a values() query would work out for every matching row.
            page.object_list = object_list = object_list.select_related(None).values(*self.page_values)
        return paginator, page, object_list, is_paginated

    def get_sort(self) -> str:
        requested = self.request.GET.get("sort", "")
        allowed = {column.sort for column in self.columns if column.sort}
        return requested if requested.lstrip("-") in allowed else self.default_sort

    def get_queryset(self):
        queryset = self.selector() if self.selector is not None else super().get_queryset()
        ordering = self.get_ordering()
        return queryset.order_by(*ordering) if ordering else queryset

    def get_ordering(self):
        sort = self.get_sort()
        if not sort:
            return None
        key = sort.lstrip("-")
        expression = F(self.sort_expressions.get(key, key))
        # Blank values sort last either way, as SQLite and PostgreSQL otherwise disagree on where they go.
        if sort.startswith("-"):
            return [expression.desc(nulls_last=True), F("pk").desc()]
        return [expression.asc(nulls_last=True), F("pk").asc()]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sort = self.get_sort()
        context["columns"] = self.columns
        context["sort"] = sort
        context["sort_links"] = {
            column.sort: {
                "param": column.sort if sort != column.sort else f"-{column.sort}",
                "direction": "ascending"
                if sort == column.sort
                else "descending"
                if sort == f"-{column.sort}"
                else "none",
            }
            for column in self.columns
            if column.sort
        }
        context["result_count"] = context["paginator"].count if context.get("paginator") else len(self.object_list)
        context["table_headers"] = [self.header_context(header, context["sort_links"]) for header in self.headers]
        context["selected_filters"] = self.selected_filters()
        context["today"] = timezone.localdate()
        model = self.object_list.model
        context["noun"] = model._meta.verbose_name
        context["noun_plural"] = model._meta.verbose_name_plural
        return context

    def query_without(self, *names: str, **replace) -> str:
        query = self.request.GET.copy()
        for name in (*names, "page", "format"):
            query.pop(name, None)
        for name, value in replace.items():
            query[name] = value
        return query.urlencode()

    def header_context(self, header: Header, sort_links: dict) -> dict:
        link = sort_links.get(header.sort) if header.sort else None
        return {
            "label": header.label,
            "numeric": header.numeric,
            "sortable": link is not None,
            "direction": link["direction"] if link else None,
            "href": f"?{self.query_without('sort', sort=link['param'])}" if link else None,
        }

    def selected_filters(self) -> list[dict]:
        """The filters in force (MOJ's 'selected filters'), each value a tag with the query that removes it."""
        form = self.filterset.form
        if not self.filterset.is_bound or not form.is_valid():
            return []
        selected = []
        for name, field in form.fields.items():
            value = form.cleaned_data.get(name)
            if value in (None, "", [], (), False):
                continue
            values = value if isinstance(value, list) else [value]
            tags = []
            for item in values:
                query = self.request.GET.copy()
                query.pop("page", None)
                if isinstance(value, list):
                    query.setlist(name, [kept for kept in query.getlist(name) if kept != str(item)])
                else:
                    query.pop(name, None)
                tags.append({"text": _display(field, item), "remove_query": query.urlencode()})
            selected.append({"label": field.label, "tags": tags})
        return selected

    def render_to_response(self, context, **response_kwargs):
        export = self.request.GET.get("format")
        if export in EXPORT_FORMATS:
            rows = self.object_list
            filename = f"{self.export_name}-{timezone.localdate():%Y-%m-%d}"
            if export == "csv":
                return csv_response(filename=filename, columns=self.columns, rows=rows.iterator(chunk_size=2000))
            return excel_response(
                filename=filename, title=self.export_name, columns=self.columns, rows=rows.iterator(chunk_size=2000)
            )
        return super().render_to_response(context, **response_kwargs)
