"""Public program pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from visas.models import Program


@require_GET
def program_list(request: HttpRequest) -> HttpResponse:
    """List every program with its status and last review date."""
    return render(request, "visas/program_list.html", {"programs": Program.objects.all()})


@require_GET
def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show one program's criteria, figures and caveats with sources and clarity."""
    program = get_object_or_404(Program, slug=slug)
    return render(request, "visas/program_detail.html", {"program": program})
