"""Pagination without COUNT(*): on a trail of a million rows the count costs more than the page itself."""

from dataclasses import dataclass

from django.db.models import F, Func, IntegerField, Subquery


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
