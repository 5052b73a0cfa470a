"""Reading rows for a page: pagination without COUNT(*) (on a trail of a million rows the count costs more than the
page itself), the first rows with their count in one query, and one record by its primary key."""

from dataclasses import dataclass

from django.db.models import F, Func, IntegerField, Subquery
from django.http import Http404


@dataclass
class WindowPage:
    object_list: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)


def window_page(queryset, page: str | int | None, *, per_page: int) -> WindowPage:
    """One page of `queryset`, fetching one row more than shown to know whether a next page exists."""
    try:
        number = max(int(page or 1), 1)
    except (TypeError, ValueError):
        number = 1
    offset = (number - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    return WindowPage(object_list=rows[:per_page], number=number, has_next=len(rows) > per_page)


def first_rows_and_count(queryset, limit: int) -> tuple[list, int]:
    """The first `limit` rows and how many there are in all, in one query: the count is a scalar subquery over the
    same filter, which the database works out once (from an index where it can) before the limit applies."""
    count = queryset.order_by().values(n=Func(F("pk"), function="COUNT"))
    rows = list(queryset.annotate(rows_in_all=Subquery(count, output_field=IntegerField()))[:limit])
    if not rows:
        return rows, 0
    first = rows[0]
    return rows, first["rows_in_all"] if isinstance(first, dict) else first.rows_in_all


def one_or_404(queryset, pk):
    """The one row of a primary-key lookup, or a 404. Unlike get(), it asks for no LIMIT: given one, PostgreSQL plans a
    query of many joins for a fast start as well as in full, which took longer than reading the row."""
    try:
        queryset = queryset.filter(pk=pk)
    except (TypeError, ValueError):
        queryset = queryset.none()
    rows = list(queryset)
    if not rows:
        raise Http404(f"No {queryset.model._meta.verbose_name} has the number {pk}.")
    return rows[0]
