"""Request bodies capped before they reach the disk.

Two stops, both before anything is written. The middleware refuses a request whose Content-Length is over the
limit without reading its body. The upload handler, first in FILE_UPLOAD_HANDLERS, counts the bytes of the files
as they stream in and stops the upload (dropping the connection, so the client stops sending) as soon as they pass
the limit, before the chunk reaches the handlers that keep it in memory or in a temporary file; the middleware then
answers 413 with the design system's page. Anonymous requests (only the sign-in form takes a body) get a far lower
limit than signed-in ones.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat

REFUSED_ATTRIBUTE = "_bvgov_upload_refused"
BODY_METHODS = ("POST", "PUT", "PATCH")


def body_limit(request) -> int:
    """The most a request may send: a file of UPLOAD_MAX_SIZE and the form around it, or a sign-in form."""
    if request.user.is_authenticated:
        return settings.UPLOAD_MAX_SIZE + settings.UPLOAD_FORM_ALLOWANCE
    return settings.ANONYMOUS_REQUEST_MAX_SIZE


class LimitedUploadHandler(FileUploadHandler):
    """Stops an upload at the limit while it streams: no file over the limit is ever written, even in part."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        limit = min(settings.UPLOAD_MAX_SIZE, body_limit(self.request)) if self.request else settings.UPLOAD_MAX_SIZE
        if self.received > limit:
            if self.request is not None:
                setattr(self.request, REFUSED_ATTRIBUTE, True)
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None  # the handlers after this one keep the file


def too_large(request, limit: int):
    upload_limit = filesizeformat(min(settings.UPLOAD_MAX_SIZE, limit))
    # htmx swaps in only successful responses (as the import form's errors come back): the page is shown either way.
    status = 200 if request.headers.get("HX-Request") == "true" else 413
    return render(request, "413.html", {"upload_limit": upload_limit}, status=status)


class RequestSizeLimitMiddleware:
    """Refuses an oversized body with 413 before the view, the CSRF check or anything else reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in BODY_METHODS:
            limit = body_limit(request)
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                return too_large(request, limit)
            if request.content_type == "multipart/form-data":
                request.POST  # noqa: B018 -- parse now, through LimitedUploadHandler, to answer a stopped upload here
                if getattr(request, REFUSED_ATTRIBUTE, False):
                    return too_large(request, limit)
        return self.get_response(request)
