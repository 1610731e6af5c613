"""Public program pages: sources and clarity shown as text; constant queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.visas.factories import (
    CaveatFactory,
    CriterionFactory,
    KeyFigureFactory,
    ProgramFactory,
    SourceFactory,
)
from visas.models import Program

pytestmark = pytest.mark.django_db


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_shows_every_program_with_status_and_review_date(
    client: Client, content: None
) -> None:
    html = client.get("/programs/").content.decode()
    assert html.count("<h1>") == 1
    assert '<th scope="col">Last reviewed</th>' in html
    for program in Program.objects.all():
        assert program.name in html
        assert f'href="/programs/{program.slug}/"' in html
    assert "In force" in html
    assert "23 November 2026" in html


def test_a_program_page_shows_clarity_as_text_and_sources_with_dates(
    client: Client, content: None
) -> None:
    html = client.get("/programs/china-k-visa/").content.decode()
    assert html.count("<h1>") == 1
    assert '<section aria-labelledby="criteria-heading">' in html
    assert '<span class="tag tag-unclear">Unclear</span>' in html
    assert '<span class="tag tag-confirmed">Confirmed</span>' in html
    assert "An 18\u201345 band is claimed by a visa agency and is unconfirmed." in html
    assert "accessed 23 November 2026" in html
    assert "Published 14 August 2025" in html
    assert "<strong>Official</strong> text." in html
    assert "Not official (press, law firm or agency)." in html
    assert "What you do not need" in html
    assert "No figures published" in html


def test_the_h1b_page_states_the_corrected_facts(client: Client, content: None) -> None:
    html = client.get("/programs/us-h1b/").content.decode()
    assert "100,000 USD" in html
    assert "Once per petition" in html
    assert "not annual" in html
    assert "not on total H-1B approvals" in html
    assert (
        "<caption>Fees, caps, rates and dates for US H-1B (specialty occupation)</caption>" in html
    )


def test_an_unknown_program_is_404(client: Client) -> None:
    assert client.get("/programs/nowhere/").status_code == 404


def _programs(count: int) -> None:
    source = SourceFactory()
    for _ in range(count):
        ProgramFactory()
    program = ProgramFactory(slug="busy")
    extra = [SourceFactory() for _ in range(2)]
    for _ in range(count):
        CriterionFactory(program=program, source=source, more_sources=extra)
        CaveatFactory(program=program, source=source, more_sources=extra)
        KeyFigureFactory(program=program, more_sources=extra)


def test_queries_do_not_grow_with_the_amount_of_content(client: Client) -> None:
    _programs(3)
    few = (queries(client, "/programs/"), queries(client, "/programs/busy/"))
    Program.objects.all().delete()
    _programs(50)
    many = (queries(client, "/programs/"), queries(client, "/programs/busy/"))
    assert few == many
    assert many[1] <= 8
