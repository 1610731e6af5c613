"""Public program pages: every program, and each program with its requirements, points tables,
figures, caveats and sources. The page reads and words the program exactly as the result page
does, and is kept rendered per revision, date and language: one query when it is cached.
The list of programs is kept rendered the same way."""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from config.page_cache import page_get, page_set
from visas import rules, selectors, wording
from visas.models import Program
from visas.vocabulary import Country


@require_GET
def program_list(request: HttpRequest) -> HttpResponse:
    """List every program with its status and last review date; filter by country and by
    whether a job offer is needed."""
    country = request.GET.get("country", "")
    if country not in {c.value for c in Country}:
        country = ""
    no_offer = request.GET.get("no_offer") == "1"
    # Kept rendered like a program's page: every program's slug, id and revision change with
    # any edit, addition or removal; dates and names are worded by the language.
    versions = selectors.program_versions()
    today = timezone.localdate()
    digest = hashlib.sha256(repr(versions).encode()).hexdigest()[:32]
    key = (
        f"program-list-gz:{digest}:{country or '-'}:{int(no_offer)}:{today}:"
        f"{translation.get_language()}:{request.get_host()}"
    )
    response = page_get(request, key)
    if response is not None:
        return response
    programs = selectors.program_rules_current(versions=versions)
    rows: list[dict[str, Any]] = [
        {
            "program": program,
            "country": wording.country_name(program.country),
            "status": wording.label(program.status),
            "needs_offer": rules.needs_job_offer(program, today=today),
        }
        for program in programs
    ]
    shown = [
        row
        for row in rows
        if (not country or row["program"].country == country)
        and not (no_offer and row["needs_offer"])
    ]
    countries = sorted(
        {(p.country, wording.country_name(p.country)) for p in programs}, key=lambda c: c[1]
    )
    response = render(
        request,
        "visas/program_list.html",
        {
            "rows": shown,
            "total": len(rows),
            "countries": countries,
            "country": country,
            "no_offer": no_offer,
            "filtered": bool(country or no_offer),
        },
    )
    if tuple((p.slug, p.revision) for p in programs) == tuple(
        (slug, revision) for slug, _pk, revision in versions
    ):  # not changed meanwhile
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
