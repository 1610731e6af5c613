"""Rendered pages kept gzip-compressed in the per-process page cache (``CACHES["pages"]``).

For pages that are snapshots of something versioned (a result, a program at a revision): the
caller builds a key that changes whenever the page would (the revision, the date, the
language, the host), so nothing here ever needs invalidating. Compressing per request (with
BREACH padding) is needed only for pages carrying secrets; cached pages hold no form token.
"""

from __future__ import annotations

import gzip

from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers


def page_get(request: HttpRequest, key: str) -> HttpResponse | None:
    """The cached page for this key, compressed if the client accepts gzip, or None."""
    compressed = caches["pages"].get(key)
    if compressed is None:
        return None
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(compressed)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(compressed))
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def page_set(key: str, response: HttpResponse) -> None:
    caches["pages"].set(key, gzip.compress(response.content))
