"""Recording a report's recommendations from a file: reading a CSV or Excel sheet, checking every row against the
register, and writing them all, or none, with their history and audit trail.

Reading (`read_table`) finds problems with the file as a whole, which the uploader must fix before anything else
can be said about it. Checking (`check_rows`) gives each row its result against the register as it stands; it runs
when the preview is shown and again inside the writing transaction, because the register may change in between.
The preview streams: `stream_table` reads a row at a time (a workbook in openpyxl's read-only mode), `row_results`
checks each as it comes, and `paginate` keeps one page of them with the counts, so what it holds does not grow with
the file.
Every cell is kept as the text it holds: a formula in a workbook is read as its formula text, never evaluated.
"""

import calendar
import csv
import datetime
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import IntegrityError, transaction
from openpyxl import load_workbook
from openpyxl.worksheet.formula import ArrayFormula
from simple_history.utils import bulk_create_with_history

from core.audit import record_bulk_history
from programmes.models import Person

from .choices import DecisionStatus, ImplementationStatus, Priority
from .models import Recommendation, Source

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
# A workbook keeps each distinct text once (shared strings): a small file can repeat a long text in every row. Every
# cell, and all the cells together, are bounded, so what is read is bounded whatever the file's size.
MAX_CELL_CHARS = 10_000
MAX_TEXT_CHARS = 5_000_000
# Rows of the file the preview shows a page.
PREVIEW_PAGE_SIZE = 100
# A workbook is a zip of XML: refuse one that would unpack to far more than any sheet of 5,000 rows needs.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
EXTENSIONS = (".csv", ".xlsx")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool
    headers: tuple[str, ...]


COLUMNS = (
    Column("number", "number", True, ("number",)),
    Column("text", "text", True, ("text",)),
    Column("theme", "theme", False, ("theme",)),
    Column("owner", "owner", True, ("owner",)),
    Column("target_date", "target date", True, ("target date", "timescale")),
    Column("priority", "priority", False, ("priority",)),
    Column("response", "response", False, ("response",)),
)
COLUMN_BY_HEADER = {header: column for column in COLUMNS for header in column.headers}

MONTHS = {
    **{name.lower(): number for number, name in enumerate(calendar.month_name) if name},
    **{name.lower(): number for number, name in enumerate(calendar.month_abbr) if name},
    "sept": 9,
}
# A spreadsheet saved as CSV may write a date with a midnight time after it.
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
MONTH_YEAR = re.compile(r"([a-z]+)\.?\s+(\d{4})")


class ImportFileError(Exception):
    """The file as a whole cannot be imported: wrong type, unreadable, empty, too big, or missing a column."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class SheetRow:
    """One row of the sheet under the header, numbered as a spreadsheet numbers it (the header is row 1)."""

    line: int
    cells: dict[str, object]


@dataclass
class Table:
    """A file's rows by column key, with each column's header as the file writes it. `rows` is a list, or, for a
    table being streamed (`stream_table`), an iterator that reads the file as it goes."""

    headers: dict[str, str]
    rows: Iterable[SheetRow]
    ignored_headers: list[str] = field(default_factory=list)


@dataclass
class Problem:
    line: int
    column: str
    detail: str

    def __str__(self):
        return f"Row {self.line}, column '{self.column}': {self.detail}"


@dataclass
class RowResult:
    """A row as it would be recorded, with every problem that stops it."""

    line: int
    number: str = ""
    text: str = ""
    theme: str = ""
    owner_text: str = ""
    owner: Person | None = None
    target_text: str = ""
    target_date: datetime.date | None = None
    target_ongoing: bool = False
    timescale: str = ""
    priority_text: str = ""
    priority: str = ""
    response: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"row-{self.line}"

    @property
    def is_ready(self) -> bool:
        return not self.problems

    def problem(self, column: str, detail: str) -> None:
        self.problems.append(Problem(self.line, column, detail))

    def to_recommendation(self, source: Source) -> Recommendation:
        return Recommendation(
            source=source,
            review=source.review,
            number=self.number,
            text=self.text,
            theme=self.theme,
            priority=self.priority,
            response=self.response,
            owner=self.owner,
            timescale=self.timescale,
            target_ongoing=self.target_ongoing,
            original_target_date=self.target_date,
            decision_status=DecisionStatus.PROPOSED,
            implementation_status=ImplementationStatus.NOT_STARTED,
        )


@dataclass
class Preview:
    """Every row's result against the register, and whether the file can be imported as it stands."""

    source: Source
    rows: list[RowResult]
    ignored_headers: list[str] = field(default_factory=list)

    @property
    def problem_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.problems]

    @property
    def ready_count(self) -> int:
        return len(self.rows) - len(self.problem_rows)

    @property
    def problem_count(self) -> int:
        return len(self.problem_rows)

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not self.problem_rows


@dataclass
class PreviewPage:
    """One page of a file's rows with their results, and the counts and first problems of the whole file."""

    source: Source
    rows: list[RowResult]
    page_obj: Page
    ready_count: int
    problem_count: int
    summary_problems: list[tuple[Problem, int]]
    more_problems: int
    ignored_headers: list[str] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return self.ready_count + self.problem_count

    @property
    def is_valid(self) -> bool:
        return self.row_count > 0 and not self.problem_count


def paginate(
    *, source: Source, results: Iterable[RowResult], ignored_headers: list[str], page, summary_size: int = 10
) -> PreviewPage:
    """A page of the results, read in one pass: only that page's rows are kept, with the counts and the first
    `summary_size` problems (each with the page its row is on). A page past the end is the last page."""
    try:
        wanted = max(int(page), 1)
    except (TypeError, ValueError):
        wanted = 1
    ready = problems_seen = problem_rows = 0
    summary: list[tuple[Problem, int]] = []
    kept: list[RowResult] = []
    chunk: list[RowResult] = []
    for index, row in enumerate(results):
        number = index // PREVIEW_PAGE_SIZE + 1
        if index % PREVIEW_PAGE_SIZE == 0:
            chunk = [] if number != wanted else kept
        chunk.append(row)
        if row.problems:
            problem_rows += 1
            for problem in row.problems:
                problems_seen += 1
                if len(summary) < summary_size:
                    summary.append((problem, number))
        else:
            ready += 1
    total = ready + problem_rows
    page_obj = Paginator(range(total), PREVIEW_PAGE_SIZE).get_page(wanted)
    rows = kept if page_obj.number == wanted else chunk  # past the end: the last page, still in hand
    return PreviewPage(
        source=source,
        rows=rows,
        page_obj=page_obj,
        ready_count=ready,
        problem_count=problem_rows,
        summary_problems=summary,
        more_problems=problems_seen - len(summary),
        ignored_headers=ignored_headers,
    )


class ImportRefused(Exception):
    """Nothing was written: the rows have problems against the register as it now stands."""

    def __init__(self, preview: Preview, message: str = ""):
        super().__init__(message or "The rows have problems: nothing was imported.")
        self.preview = preview
        self.message = message


# Reading the file


def check_upload(name: str, size: int) -> None:
    """Refuse a file by its name and size alone, before reading it."""
    if PurePath(name).suffix.lower() not in EXTENSIONS:
        raise ImportFileError("The selected file must be a CSV or an Excel .xlsx file")
    if size == 0:
        raise ImportFileError("The selected file is empty")
    if size > MAX_BYTES:
        raise ImportFileError(f"The selected file must be smaller than {MAX_BYTES // (1024 * 1024)} MB")


def read_table(name: str, data: bytes) -> Table:
    """The rows of a CSV or .xlsx file under its header row. Raises ImportFileError for a file that cannot be used."""
    table = stream_table(name, io.BytesIO(data), len(data))
    table.rows = list(table.rows)
    if not table.rows:
        raise ImportFileError("The file has a header row but no recommendations under it")
    return table


def stream_table(name: str, file, size: int) -> Table:
    """The file's header read now, its rows as they are iterated, one at a time (a workbook in openpyxl's read-only
    mode). The header's problems raise ImportFileError here, the rows' while iterating."""
    check_upload(name, size)
    is_workbook = PurePath(name).suffix.lower() == ".xlsx"
    return _table(_xlsx_records(file) if is_workbook else _csv_records(file))


def check_file(name: str, file, size: int) -> None:
    """Read the whole file once, keeping nothing, to refuse it now (ImportFileError) if it cannot be imported."""
    table = stream_table(name, file, size)
    if sum(1 for _ in table.rows) == 0:
        raise ImportFileError("The file has a header row but no recommendations under it")


NOT_UTF8 = "The file is not UTF-8 encoded text: save it as CSV UTF-8"


def _csv_records(file):
    reader = csv.reader(io.TextIOWrapper(file, encoding="utf-8-sig", newline=""))
    try:
        for values in reader:
            if any("\x00" in value for value in values):
                raise ImportFileError(NOT_UTF8)
            yield values
    except UnicodeDecodeError:
        raise ImportFileError(NOT_UTF8) from None
    except csv.Error as error:
        raise ImportFileError(f"The file cannot be read as CSV (row {reader.line_num}): {error}") from None


def _xlsx_records(file):
    not_a_workbook = "The file is not an Excel .xlsx workbook: save it as Excel Workbook (.xlsx) or CSV UTF-8"
    try:
        with zipfile.ZipFile(file) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportFileError(not_a_workbook) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError("The workbook is too large once unpacked: save the sheet as CSV UTF-8 instead")
    file.seek(0)
    try:
        # The default (data_only=False) reads a formula cell as its formula text; nothing is calculated.
        workbook = load_workbook(file, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of error on a damaged or foreign file; all mean the same here.
        raise ImportFileError(not_a_workbook) from None
    try:
        if not workbook.worksheets:
            raise ImportFileError("The workbook has no sheets")
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            yield [_cell_value(value) for value in values]
    finally:
        workbook.close()


def _cell_value(value):
    """A workbook cell as text, except that a date stays a date for the target date column to read."""
    if value is None:
        return ""
    if isinstance(value, ArrayFormula):
        return value.text or ""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _normalise_header(header) -> str:
    return " ".join(str(header).replace("_", " ").split()).lower()


def _is_blank(values) -> bool:
    return all(isinstance(value, str) and not value.strip() for value in values)


def _table(records) -> Table:
    records = iter(records)
    header_line, header = 0, None
    for line, values in enumerate(records, start=1):
        if not _is_blank(values):
            header_line, header = line, values
            break
    if header is None:
        raise ImportFileError("The file is empty")

    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored = []
    for position, raw in enumerate(header):
        written = " ".join(str(raw).split())
        column = COLUMN_BY_HEADER.get(_normalise_header(raw))
        if column is None:
            if written:
                ignored.append(written)
            continue
        if column.key in positions:
            raise ImportFileError(f"The first row names the column '{column.label}' more than once")
        positions[column.key] = position
        headers[column.key] = written
    missing = [column.label for column in COLUMNS if column.required and column.key not in positions]
    if missing:
        names = " or ".join(f"'{label}'" for label in missing)
        raise ImportFileError(
            f"The file has no {names} column: the first row must name the columns "
            + ", ".join(column.label for column in COLUMNS)
        )

    return Table(headers=headers, rows=_rows(records, positions, header_line, headers), ignored_headers=ignored)


def _rows(records, positions: dict[str, int], header_line: int, headers: dict[str, str]) -> Iterator[SheetRow]:
    count = characters = 0
    for line, values in enumerate(records, start=header_line + 1):
        if _is_blank(values):
            continue
        if count == MAX_ROWS:
            raise ImportFileError(
                f"The file has more than {MAX_ROWS:,} rows: split it into files of {MAX_ROWS:,} rows or fewer"
            )
        count += 1
        cells = {key: values[position] if position < len(values) else "" for key, position in positions.items()}
        for key, value in cells.items():
            length = len(value) if isinstance(value, str) else 0
            if length > MAX_CELL_CHARS:
                raise ImportFileError(
                    f"Row {line}, column '{headers[key]}' holds more than {MAX_CELL_CHARS:,} characters: "
                    "no cell may be longer"
                )
            characters += length
        if characters > MAX_TEXT_CHARS:
            raise ImportFileError(
                f"The file holds more than {MAX_TEXT_CHARS:,} characters of text: split it into smaller files"
            )
        yield SheetRow(line=line, cells=cells)


# Checking the rows against the register


def _text(value) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def parse_target(value) -> tuple[datetime.date | None, bool, str]:
    """A target date cell as (date, ongoing, timescale text). Raises ValueError for anything that is not a date.

    A month ("December 2003") means its last day; the report's own words are kept as the timescale.
    """
    if isinstance(value, datetime.date):
        return value, False, ""
    text = " ".join(_text(value).split())
    if not text:
        return None, False, ""
    if text.casefold() == "ongoing":
        return None, True, text
    if match := ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
        return datetime.date(year, month, day), False, ""
    if match := UK_DATE.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
        return datetime.date(year, month, day), False, ""
    if (match := MONTH_YEAR.fullmatch(text.lower())) and match.group(1) in MONTHS:
        return _month_end(int(match.group(2)), MONTHS[match.group(1)]), False, text
    raise ValueError


def _label(model_field: str) -> str:
    if model_field == "original_target_date":
        return "target date"
    try:
        return str(Recommendation._meta.get_field(model_field).verbose_name)
    except LookupError:
        return model_field


def _max_length(model_field: str) -> int:
    return Recommendation._meta.get_field(model_field).max_length


class PeopleIndex:
    """The register's people by name, and by "name, job title" for when two people share a name."""

    def __init__(self):
        self.by_name: dict[str, list[Person]] = defaultdict(list)
        self.by_name_and_title: dict[str, list[Person]] = defaultdict(list)
        for person in Person.objects.only("pk", "name", "job_title"):
            self.by_name[_fold(person.name)].append(person)
            if person.job_title:
                self.by_name_and_title[_fold(f"{person.name}, {person.job_title}")].append(person)

    def find(self, written: str) -> list[Person]:
        key = _fold(written)
        return self.by_name.get(key) or self.by_name_and_title.get(key) or []


def check_rows(*, source: Source, table: Table) -> Preview:
    """Each row of the table as it would be recorded in the source's recommendations, with its problems.

    Two queries whatever the number of rows: the numbers and texts the source already has, and the people.
    """
    return Preview(
        source=source, rows=list(row_results(source=source, table=table)), ignored_headers=table.ignored_headers
    )


def row_results(*, source: Source, table: Table) -> Iterator[RowResult]:
    """Each row's result, one at a time as the table's rows come (check_rows keeps them all; a preview page,
    only its own)."""
    recorded = list(source.recommendations.values_list("number", "text"))
    used_numbers = {number for number, _ in recorded if number}
    # A text already in the report, or earlier in the file, is a duplicate whatever its number: a file of blank
    # numbers imported twice would otherwise record every recommendation twice.
    recorded_texts = {_fold(text): number for number, text in recorded}
    people = PeopleIndex()
    first_line_of_number: dict[str, int] = {}
    first_line_of_text: dict[str, int] = {}
    headers = table.headers
    for sheet_row in table.rows:
        row = RowResult(line=sheet_row.line)
        cells = sheet_row.cells
        _check_number(row, cells, headers, used_numbers, first_line_of_number)
        _check_text(row, cells, headers)
        _check_duplicate_text(row, headers, recorded_texts, first_line_of_text)
        _check_owner(row, cells, headers, people)
        _check_target(row, cells, headers)
        _check_priority(row, cells, headers)
        yield row


def _check_number(row, cells, headers, used_numbers, first_line_of_number):
    column = headers["number"]
    row.number = _text(cells["number"])
    if not row.number:
        return
    if len(row.number) > _max_length("number"):
        row.problem(column, f"'{row.number}' is longer than {_max_length('number')} characters")
    elif row.number in used_numbers:
        row.problem(column, f"{row.number} is already used in this report")
    elif row.number in first_line_of_number:
        row.problem(column, f"{row.number} is also the number of row {first_line_of_number[row.number]} of this file")
    else:
        first_line_of_number[row.number] = row.line


def _check_text(row, cells, headers):
    row.text = _text(cells["text"])
    if not row.text:
        row.problem(headers["text"], "the recommendation has no text")
    if "theme" in headers:
        row.theme = _text(cells["theme"])
        if len(row.theme) > _max_length("theme"):
            row.problem(headers["theme"], f"the theme is longer than {_max_length('theme')} characters")
    if "response" in headers:
        row.response = _text(cells["response"])


def _check_duplicate_text(row, headers, recorded_texts, first_line_of_text):
    if not row.text:
        return
    folded = _fold(row.text)
    if folded in recorded_texts:
        number = recorded_texts[folded]
        which = f"recommendation {number}" if number else "an unnumbered recommendation"
        row.problem(headers["text"], f"the same text as {which} already in this report")
    elif folded in first_line_of_text:
        row.problem(headers["text"], f"the same text as row {first_line_of_text[folded]} of this file")
    else:
        first_line_of_text[folded] = row.line


def _check_owner(row, cells, headers, people):
    row.owner_text = " ".join(_text(cells["owner"]).split())
    if not row.owner_text:
        return
    found = people.find(row.owner_text)
    if not found:
        row.problem(headers["owner"], f"no person called '{row.owner_text}' in the register")
    elif len(found) > 1:
        example = next((person for person in found if person.job_title), found[0])
        row.problem(
            headers["owner"],
            f"{len(found)} people are called '{row.owner_text}' in the register: "
            f"write the name with the job title, e.g. '{example}'",
        )
    else:
        row.owner = found[0]


def _check_target(row, cells, headers):
    value = cells["target_date"]
    row.target_text = value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else _text(value)
    try:
        row.target_date, row.target_ongoing, row.timescale = parse_target(value)
    except ValueError:
        row.problem(headers["target_date"], f"'{row.target_text}' is not a date")


def _check_priority(row, cells, headers):
    if "priority" not in headers:
        return
    written = row.priority_text = _text(cells["priority"])
    if not written:
        return
    by_word = {choice.casefold(): value for value, label in Priority.choices for choice in (value, label)}
    row.priority = by_word.get(written.casefold(), "")
    if not row.priority:
        allowed = ", ".join(Priority.values)
        row.problem(headers["priority"], f"'{written}' is not one of {allowed}")


# Writing


def import_reason(*, filename: str, source: Source) -> str:
    return f"Imported from {PurePath(filename).name} into {source}"


def import_recommendations(*, source: Source, table: Table, actor, filename: str) -> list[Recommendation]:
    """Record every row of the table as a proposed recommendation of the source, all in one transaction, or none.

    The rows are checked again inside the transaction, with the source locked against a concurrent import, so a
    register that changed since the preview refuses the import (ImportRefused) rather than half-writing it. Each
    recommendation gets a history row naming the importing user and the file, and an audit entry beside it.
    """
    try:
        return _write(source=source, table=table, actor=actor, filename=filename)
    except IntegrityError:
        # Someone recorded a clashing recommendation between the check and the write: show what clashes now.
        preview = check_rows(source=source, table=table)
        raise ImportRefused(
            preview, "The register changed while the file was being imported, so nothing was written."
        ) from None


@transaction.atomic
def _write(*, source: Source, table: Table, actor, filename: str) -> list[Recommendation]:
    locked = Source.objects.select_for_update().get(pk=source.pk)
    preview = check_rows(source=locked, table=table)
    if not preview.is_valid:
        raise ImportRefused(preview)
    objects = []
    for row in preview.rows:
        recommendation = row.to_recommendation(locked)
        # Field checks only (lengths, choices): the foreign keys were resolved from the register just now and the
        # numbers checked against it under the lock, so the per-row queries of a full check would add nothing.
        try:
            recommendation.full_clean(
                exclude=["source", "review", "owner"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                row.problem(_label(name), " ".join(messages))
        objects.append(recommendation)
    if not preview.is_valid:
        raise ImportRefused(preview)
    created = bulk_create_with_history(
        objects,
        Recommendation,
        batch_size=500,
        default_user=actor,
        default_change_reason=import_reason(filename=filename, source=locked),
    )
    records = list(
        Recommendation.history.filter(
            id__in=[recommendation.pk for recommendation in created], history_type="+"
        ).select_related("source", "review", "owner")
    )
    record_bulk_history(records, created)
    return created
