"""Recording a report's recommendations from a file: upload, preview the rows a page at a time, then confirm or
cancel.

Between the preview and the confirmation the uploaded file waits in the default storage under imports/, named by a
random UUID; the session (signed by Django) holds its name with the importing user and the report. Keeping the file,
not the parsed rows, means the confirmation checks the rows again against the register as it then stands; each
preview page reads the file again row by row and keeps only its own rows, so neither the session, the page nor the
worker grows with the file. Storage,
not the web process's disk, so that any web process behind the load balancer can take the confirmation.
"""

import uuid
from dataclasses import asdict, dataclass
from pathlib import PurePosixPath
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.files.storage import default_storage
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, View
from django.views.generic.base import TemplateResponseMixin

from core.listing import Column as ExportColumn
from core.listing import csv_response, excel_response

from .import_forms import RecommendationImportForm
from .imports import (
    COLUMNS,
    EXTENSIONS,
    MAX_ROWS,
    PREVIEW_PAGE_SIZE,
    ImportFileError,
    ImportRefused,
    PreviewPage,
    Table,
    import_recommendations,
    paginate,
    read_table,
    row_results,
    stream_table,
)
from .models import Source

SESSION_KEY = "recommendation_import"
STORAGE_FOLDER = "imports"
# The error summary links to the first problems; the table below it lists them all.
SUMMARY_PROBLEMS = 10


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


@dataclass
class PendingImport:
    """An uploaded file waiting for its confirmation, as the session remembers it."""

    stored_name: str
    filename: str
    user_id: int
    source_id: int

    @classmethod
    def store(cls, request, *, upload, source: Source) -> "PendingImport":
        """Keep the upload for the confirmation, replacing any file this session was already holding."""
        discard_pending(request)
        suffix = PurePosixPath(upload.name).suffix.lower()
        stored_name = default_storage.save(f"{STORAGE_FOLDER}/{uuid.uuid4()}{suffix}", upload)
        filename = PurePosixPath(upload.name).name
        pending = cls(stored_name=stored_name, filename=filename, user_id=request.user.pk, source_id=source.pk)
        request.session[SESSION_KEY] = asdict(pending)
        return pending

    @classmethod
    def from_session(cls, request) -> "PendingImport | None":
        """The file this user uploaded in this session, or None (nothing waiting, or not theirs)."""
        data = request.session.get(SESSION_KEY)
        if not isinstance(data, dict):
            return None
        try:
            pending = cls(**data)
        except TypeError:
            discard_pending(request)
            return None
        if pending.user_id != request.user.pk or not _is_import_file(pending.stored_name):
            discard_pending(request)
            return None
        return pending

    def source(self) -> Source:
        return Source.objects.select_related("review").get(pk=self.source_id)

    def read(self) -> tuple[Source, Table]:
        """The report and all the file's rows, to import them. Raises Source.DoesNotExist, FileNotFoundError or
        ImportFileError."""
        source = self.source()
        with default_storage.open(self.stored_name, "rb") as stored:
            data = stored.read()
        return source, read_table(self.filename, data)

    def preview(self, page) -> PreviewPage:
        """One page of the rows with their results, and the whole file's counts, reading the file row by row and
        keeping only that page. Raises as `read` does."""
        source = self.source()
        with default_storage.open(self.stored_name, "rb") as stored:
            table = stream_table(self.filename, stored, default_storage.size(self.stored_name))
            return paginate(
                source=source,
                results=row_results(source=source, table=table),
                ignored_headers=table.ignored_headers,
                page=page,
                summary_size=SUMMARY_PROBLEMS,
            )


def discard_pending(request) -> None:
    """Forget the waiting file and delete it from storage."""
    data = request.session.pop(SESSION_KEY, None)
    name = data.get("stored_name") if isinstance(data, dict) else None
    if _is_import_file(name):
        default_storage.delete(name)


def _is_import_file(name) -> bool:
    """Only ever open or delete a file in the imports folder, whatever the session says."""
    if not isinstance(name, str):
        return False
    path = PurePosixPath(name)
    return str(path.parent) == STORAGE_FOLDER and path.suffix in EXTENSIONS


def upload_url(source_id: int | None = None) -> str:
    url = reverse("recommendations:recommendation_import")
    return f"{url}?{urlencode({'source': source_id})}" if source_id else url


class ImportPermissionMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Importing records recommendations, so it takes the programme manager's permission to add them."""

    permission_required = "recommendations.add_recommendation"


class RecommendationImportView(ImportPermissionMixin, FormView):
    """Choose the report and the file. A file that can be read is kept, and the preview of its rows follows."""

    template_name = "recommendations/import_upload.html"
    form_class = RecommendationImportForm

    def get_initial(self):
        initial = super().get_initial()
        source = self.request.GET.get("source", "")
        if source.isdigit():
            initial["source"] = int(source)
        return initial

    def form_valid(self, form):
        PendingImport.store(self.request, upload=form.cleaned_data["file"], source=form.cleaned_data["source"])
        return redirect("recommendations:recommendation_import_confirm")

    def form_invalid(self, form):
        # A new upload replaces the file waiting, even when the new one is refused: the preview would be stale.
        discard_pending(self.request)
        response = super().form_invalid(form)
        # htmx swaps in only successful responses, so the form with its errors comes back to it as a 200.
        response.status_code = 200 if is_htmx(self.request) else 400
        return response


class RecommendationImportConfirmView(ImportPermissionMixin, TemplateResponseMixin, View):
    """GET: a page of the waiting file's rows with their results, and the whole file's counts. POST: import them
    all, or cancel."""

    template_name = "recommendations/import_preview.html"

    def pending_or_none(self):
        """The waiting import, or None after saying why there is nothing to show."""
        pending = PendingImport.from_session(self.request)
        if pending is None:
            messages.error(
                self.request, "There is no file waiting to be imported: choose the report and the file to import."
            )
        return pending

    def reading(self, read):
        """What `read()` gives, or None after saying why the waiting file cannot be read and forgetting it."""
        try:
            return read()
        except (Source.DoesNotExist, FileNotFoundError):
            discard_pending(self.request)
            messages.error(self.request, "The file waiting to be imported has gone: upload it again.")
        except ImportFileError as error:
            discard_pending(self.request)
            messages.error(self.request, f"{error.message}. Nothing was imported.")
        return None

    def get(self, request, *args, **kwargs):
        pending = self.pending_or_none()
        page = pending and self.reading(lambda: pending.preview(request.GET.get("page")))
        if page is None:
            return redirect(upload_url())
        response = self.render_preview(pending, page)
        if is_htmx(request):
            # The upload redirected here; the address bar should show this page, as it does without JavaScript.
            response["HX-Push-Url"] = request.get_full_path()
        return response

    def post(self, request, *args, **kwargs):
        pending = self.pending_or_none()
        found = pending and self.reading(pending.read)
        if found is None:
            return redirect(upload_url())
        source, table = found
        if request.POST.get("action") == "cancel":
            discard_pending(request)
            messages.success(request, f"Import cancelled: nothing was recorded from {pending.filename}.")
            return redirect(upload_url(source.pk))
        try:
            created = import_recommendations(source=source, table=table, actor=request.user, filename=pending.filename)
        except ImportRefused as refused:
            page = paginate(
                source=refused.preview.source,
                results=refused.preview.rows,
                ignored_headers=refused.preview.ignored_headers,
                page=1,
                summary_size=SUMMARY_PROBLEMS,
            )
            return self.render_preview(pending, page, refused=refused.message or "Nothing was imported.", status=409)
        discard_pending(request)
        count = len(created)
        messages.success(request, f"{count} recommendation{'' if count == 1 else 's'} imported into {source}")
        return redirect(f"{reverse('recommendations:recommendation_list')}?{urlencode({'source': source.pk})}")

    def render_preview(self, pending: PendingImport, page: PreviewPage, *, refused: str = "", status: int = 200):
        return self.render_to_response(
            {
                "preview": page,
                "page_obj": page.page_obj,
                "source": page.source,
                "filename": pending.filename,
                "summary_problems": page.summary_problems,
                "more_problems": page.more_problems,
                "refused": refused,
                "upload_url": upload_url(page.source.pk),
                "page_size": PREVIEW_PAGE_SIZE,
                "max_rows": MAX_ROWS,
            },
            status=status,
        )


class RecommendationImportTemplateView(ImportPermissionMixin, View):
    """The file to fill in: the columns the import reads, with one example row to write over."""

    filename = "recommendations-import-template"
    # In the words of the Managing Demand inspection (../shared/seeds/).
    example = {
        "number": "1",
        "text": "The MPS should produce a demand management strategy with clear milestones.",
        "theme": "Demand",
        "owner": "Steve House",
        "target_date": "December 2003",
        "priority": "High",
        "response": "Agreed.",
    }

    def get(self, request, *args, format, **kwargs):
        columns = [ExportColumn(column.headers[0], lambda row, key=column.key: row[key]) for column in COLUMNS]
        if format == "xlsx":
            return excel_response(filename=self.filename, title="Recommendations", columns=columns, rows=[self.example])
        return csv_response(filename=self.filename, columns=columns, rows=[self.example])
