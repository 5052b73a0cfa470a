"""The shared shape of every register list: a FilterSet, whitelisted sorting, pagination, and CSV / Excel export
of exactly the filtered rows. Each list view declares its columns once; the page and both exports use them."""

import csv
import datetime
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import F
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
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


def excel_response(*, filename: str, title: str, columns: list[Column], rows: Iterable) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([column.header for column in columns])
    for row in rows:
        sheet.append([neutralise(column.read(row)) for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _direction(sort: str, key: str) -> str:
    if sort == key:
        return "ascending"
    return "descending" if sort == f"-{key}" else "none"


class RegisterListView(LoginRequiredMixin, FilterView):
    """A filterable, sortable, paginated list with CSV (?format=csv) and Excel (?format=xlsx) export."""

    paginate_by = 50
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

    def unfiltered_count(self) -> int | None:
        """How many rows the list has when no filter is set, where the view knows it without counting the table;
        None, to count them."""
        return None

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        if not self.is_filtered() and (count := self.unfiltered_count()) is not None:
            paginator.__dict__["count"] = count  # Paginator.count is a cached_property
        return paginator

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        if self.page_values:
            # The page's rows only: the count is of the records, without the values' annotations, which a count of
            # a values() query would work out for every matching row.
            page.object_list = object_list = object_list.select_related(None).values(*self.page_values)
        return paginator, page, object_list, is_paginated

    def is_filtered(self) -> bool:
        """Whether any filter is set (sorting and paging are not filters)."""
        filterset = getattr(self, "filterset", None)
        if filterset is None or not filterset.is_bound:
            return False
        if not filterset.is_valid():
            return True
        return any(value not in (None, "", [], ()) for value in filterset.form.cleaned_data.values())

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
        return context

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
