"""Signing out a person who has left their session idle; keeping signed-in pages out of every cache."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control

from .security import LAST_ACTIVITY_KEY

# The session is written at most once a minute for activity alone, not on every request.
ACTIVITY_RESOLUTION = 60


class IdleTimeoutMiddleware:
    """Signs out a person whose last request was more than SESSION_IDLE_TIMEOUT seconds ago.

    Signing in sets the last-activity time (bvgov.security.on_signed_in); a signed-in session without one, made
    before this middleware was added, counts as active from now.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last_activity = request.session.get(LAST_ACTIVITY_KEY)
            if last_activity is not None and now - last_activity > settings.SESSION_IDLE_TIMEOUT:
                return self.sign_out(request)
            if last_activity is None or now - last_activity >= ACTIVITY_RESOLUTION:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)

    def sign_out(self, request):
        logout(request)
        minutes = settings.SESSION_IDLE_TIMEOUT // 60
        messages.info(request, f"You were signed out after {minutes} minutes without activity.")
        if request.headers.get("HX-Request"):
            # A redirect would be followed by htmx and the sign-in page swapped into part of the page.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse(settings.LOGIN_URL)
            return response
        return redirect_to_login(request.get_full_path())


class NoStoreMiddleware:
    """Cache-Control: no-store on every response to a signed-in person (pages, exports, evidence downloads), so that
    no browser, proxy or shared machine keeps a copy of what only they may read. The pages' `{% cache %}` fragments
    are kept on the server under the register's version and are unaffected."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


class QueryCountMiddleware:
    """Benchmarks only (settings BENCHMARK_HEADERS, off by default): each response says how many database queries
    it took (X-Query-Count) and how long the server spent on it and in the database (Server-Timing).

    Outermost, so that the session and user lookups count too. A streamed response is timed up to its first byte.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.db import connection

        counter = {"queries": 0, "seconds": 0.0}

        def count(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                counter["queries"] += 1
                counter["seconds"] += time.perf_counter() - started

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        total_ms = (time.perf_counter() - started) * 1000
        response["X-Query-Count"] = str(counter["queries"])
        response["Server-Timing"] = f"app;dur={total_ms:.1f}, db;dur={counter['seconds'] * 1000:.1f}"
        return response
