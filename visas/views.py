"""Public program pages: every program, and each program with its requirements, points tables,
figures, caveats and sources. The page reads and words the program exactly as the result page
does, and is kept rendered per revision, date and language: one query when it is cached.
The list of programs is kept rendered the same way."""

from __future__ import annotations

import hashlib

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from config.page_cache import page_get, page_set
from visas import selectors, wording
from visas.models import Program


@require_GET
def program_list(request: HttpRequest) -> HttpResponse:
    """List every program with its status and last review date."""
    # Kept rendered like a program's page: every program's slug, id and revision change with
    # any edit, addition or removal; dates and names are worded by the language.
    versions = selectors.program_versions()
    digest = hashlib.sha256(repr(versions).encode()).hexdigest()[:32]
    key = f"program-list-gz:{digest}:{translation.get_language()}:{request.get_host()}"
    response = page_get(request, key)
    if response is not None:
        return response
    programs = list(Program.objects.order_by("display_order", "name", "id"))
    response = render(request, "visas/program_list.html", {"programs": programs})
    if tuple((p.slug, p.pk, p.revision) for p in programs) == versions:  # not changed meanwhile
        page_set(key, response)
    return response


@require_GET
def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show one program's requirements, figures and caveats with sources and clarity."""
    found = Program.objects.filter(slug=slug).values_list("id", "revision").first()
    if found is None:
        raise Http404("There is no such visa program.")
    program_id, revision = found
    today = timezone.localdate()
    # The id and revision change with any edit (the id if it is made anew under its slug);
    # legal status depends on the date, wording on the language, links on the host.
    key = (
        f"program-page-gz:{slug}:{program_id}:{revision}:{today}:"
        f"{translation.get_language()}:{request.get_host()}"
    )
    response = page_get(request, key)
    if response is not None:
        return response
    program = selectors.program_rules_get(slug=slug)
    if program is None:
        raise Http404("There is no such visa program.")
    response = render(
        request,
        "visas/program_detail.html",
        {"view": wording.program_view(program, None, today=today), "today": today},
    )
    if program.revision == revision:  # not changed while it was being read
        page_set(key, response)
    return response
