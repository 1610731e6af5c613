"""Public program pages: every program, and each program with its criteria, figures, caveats
and sources. A constant number of queries per page, whatever the amount of content."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from visas import vocabulary as v
from visas.models import Caveat, Criterion, KeyFigure, Program

IMPORTANCE_SECTIONS = [
    (v.Importance.REQUIRED, "What you need"),
    (v.Importance.FAVOURABLE, "What counts in your favour"),
    (v.Importance.NOT_REQUIRED, "What you do not need"),
    (v.Importance.NOT_NEEDED_IF, "When you do not need this route"),
]


def _cited(model: type[Criterion | Caveat | KeyFigure]) -> QuerySet[Criterion | Caveat | KeyFigure]:
    return model.objects.select_related("source").prefetch_related("more_sources")


@require_GET
def program_list(request: HttpRequest) -> HttpResponse:
    """List every program with its status and last review date."""
    return render(request, "visas/program_list.html", {"programs": Program.objects.all()})


@require_GET
def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show one program's criteria, figures and caveats with sources and clarity."""
    program = get_object_or_404(
        Program.objects.prefetch_related(
            Prefetch("criteria", queryset=_cited(Criterion)),
            Prefetch("figures", queryset=_cited(KeyFigure)),
            Prefetch("caveats", queryset=_cited(Caveat)),
        ),
        slug=slug,
    )
    criteria = list(program.criteria.all())
    criteria_sections = [
        {"importance": importance, "title": title, "criteria": items}
        for importance, title in IMPORTANCE_SECTIONS
        if (items := [c for c in criteria if c.importance == importance])
    ]
    return render(
        request,
        "visas/program_detail.html",
        {
            "program": program,
            "criteria_sections": criteria_sections,
            "figures": program.figures.all(),
            "caveats": program.caveats.all(),
        },
    )
