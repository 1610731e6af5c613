"""Site-wide pages: home, the health check, and the error pages that need code."""

from __future__ import annotations

import logging
import sys

from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.ratelimit import CACHE_ERRORS

logger = logging.getLogger(__name__)
# A cache table that fails while the database answers (say, it was never created) counts too.
HEALTH_CACHE_ERRORS: tuple[type[Exception], ...] = (*CACHE_ERRORS, DatabaseError)

# How long a client should wait before retrying while the database is away.
DATABASE_RETRY_AFTER_SECONDS = 10


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Say what the service does and where to start."""
    return render(request, "home.html")


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The database decides: 200 when it answers, 503 (with Retry-After) when it does not.

    A failing shared cache is reported as ``"cache": "degraded"`` but stays 200: every page
    still works without it (rate limits fail open), so the server should keep its traffic.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        response = JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
        return response
    try:
        cache.get("healthz-probe")
    except HEALTH_CACHE_ERRORS as error:
        logger.warning("Health check: the shared cache failed: %s: %s", type(error).__name__, error)
        return JsonResponse({"status": "degraded", "database": "ok", "cache": "degraded"})
    return JsonResponse({"status": "ok", "database": "ok", "cache": "ok"})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Explain an expired or missing form token in plain words (403, nothing lost)."""
    return render(request, "403_csrf.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404. Unlike Django's default handler it skips the CSRF check, which parses the body:
    a POST too big, with too many fields or broken to any unknown address would be a 500."""
    return render(request, "404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400. Unlike Django's default handler it skips the CSRF check, which parses the body:
    the body of a bad request may be the very thing that is bad (a Content-Length that is
    not a number, too many fields), and reading it again would be a 500."""
    return render(request, "400.html", status=400)


def _static_page(template_name: str, status: int) -> HttpResponse:
    # Rendered without the request: context processors would read the session and the
    # user, i.e. the database that may be the very thing that failed.
    response = HttpResponse(loader.get_template(template_name).render(), status=status)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 with Retry-After when the cause is an unreachable database."""
    error = sys.exc_info()[1]
    # Connection lost, refused, timed out or cancelled; other database errors are bugs (500).
    if isinstance(error, OperationalError | InterfaceError):
        response = _static_page("503.html", status=503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
        return response
    return _static_page("500.html", status=500)


def ratelimited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Too many results created from one address in a short while: a readable 429."""
    return render(request, "429.html", status=429)
