"""Requests that no view can answer sensibly, refused with a 4xx before they reach one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse

# Longest decimal a PostgreSQL bigint primary key can have.
MAX_ID_DIGITS = 18


class RejectMalformedRequestsMiddleware:
    """400 for a NUL byte in the path or query string or a Content-Length that is not a
    number (Django reads it with ``int()`` wherever a body is read, error handlers included);
    404 for a non-numeric history id.

    PostgreSQL refuses NUL bytes in text, so an admin search, list filter or autocomplete
    term holding one would be a DataError (a 500); no page of this site needs one. The
    history pages of django-simple-history pass their ids to the ORM unchecked.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "\x00" in query or "%00" in query:
            raise BadRequest("NUL byte in the path or query string")
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not (length.isascii() and length.isdigit()):
            raise BadRequest("Content-Length is not a number")
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        match = request.resolver_match
        is_history_record = match is not None and (match.url_name or "").endswith("_simple_history")
        if is_history_record and not all(_is_id(arg) for arg in view_args):
            raise Http404("No such history record")


def _is_id(value: object) -> bool:
    return (
        isinstance(value, str)
        and value.isascii()
        and value.isdigit()
        and len(value) <= MAX_ID_DIGITS
    )
