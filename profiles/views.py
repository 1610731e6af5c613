"""The applicant journey: questions, answers, result."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """Explain the questions before the first one."""
    return render(request, "profiles/start.html")
