"""The page a person sees when a request fails: 503 while the database cannot be reached, else the usual 500.

Django turns an exception that escapes a view or a middleware into a response through `handler500`, inside the
`except` block that caught it, so the exception is still at hand here. A database that is down or restarting raises
OperationalError or InterfaceError; the request is then worth retrying, and the page says so, with status 503 and a
Retry-After header, instead of the 500 page that says something is wrong with the service.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.views.defaults import server_error

RETRY_AFTER_SECONDS = 5


def is_database_unavailable(exception: BaseException | None) -> bool:
    while exception is not None:
        if isinstance(exception, OperationalError | InterfaceError):
            return True
        exception = exception.__cause__
    return False


def service_error(request, template_name="500.html"):
    if is_database_unavailable(sys.exception()):
        response = server_error(request, template_name="503.html")
        response.status_code = 503
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return server_error(request, template_name=template_name)
