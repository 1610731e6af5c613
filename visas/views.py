"""Public program pages: every program, and each program with its requirements, points tables,
figures, caveats and sources. A constant number of queries per page, whatever the amount of
content; the page reads and words the program exactly as the result page does."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from visas import selectors, wording
from visas.models import Program


@require_GET
def program_list(request: HttpRequest) -> HttpResponse:
    """List every program with its status and last review date."""
    return render(request, "visas/program_list.html", {"programs": Program.objects.all()})


@require_GET
def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show one program's requirements, figures and caveats with sources and clarity."""
    program = selectors.program_rules_get(slug=slug)
    if program is None:
        raise Http404("There is no such visa program.")
    today = timezone.localdate()
    return render(
        request,
        "visas/program_detail.html",
        {"view": wording.program_view(program, None, today=today), "today": today},
    )
