"""Public program pages: sources and clarity shown as text; routes, points tables, selection
and legal status; constant queries."""

from __future__ import annotations

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.visas.factories import (
    CaveatFactory,
    CriterionFactory,
    KeyFigureFactory,
    PointsRowFactory,
    PointsTableFactory,
    ProgramFactory,
    RequirementGroupFactory,
    SourceFactory,
)
from visas import vocabulary as v
from visas.models import Criterion, PointsTable, Program

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
    assert "a visa agency claims 18 to 45" in html
    assert "This is not a confirmed rule." in html
    assert "Read on 23 November 2026." in html
    assert "Published 14 August 2025." in html
    assert "<strong>Official text.</strong>" in html
    assert "Not official (press, law firm or agency)." in html
    assert "What you do not need" in html
    assert "Limits the sources hint at" in html
    assert "No figures published" in html


def test_a_program_page_shows_its_routes_as_nested_groups(client: Client, content: None) -> None:
    html = client.get("/programs/china-k-visa/").content.decode()
    requirements = html[html.index('id="criteria-heading"') : html.index('id="figures-heading"')]
    any_of = requirements.index("Any one of these:")
    graduate = requirements.index("Graduate of a well-known institution \u2014 All of these:")
    teaching = requirements.index(
        "STEM teaching or research at a well-known institution \u2014 All of these:"
    )
    assert any_of < graduate < teaching
    # Each route lists its own criteria, between its heading and the next route's.
    degree = requirements.index("You have a bachelor&#x27;s degree or higher.")
    research = requirements.index("You teach or do research in a STEM field")
    assert graduate < degree < teaching < research
    assert requirements.count('<div class="group">') == 3

    h1b = client.get("/programs/us-h1b/").content.decode()
    assert "Degree in the job&#x27;s specialty \u2014 All of these:" in h1b
    assert "Equivalent specialty experience \u2014 All of these:" in h1b
    assert "What improves your chance of selection" in h1b


def test_a_program_page_shows_how_applicants_are_chosen(client: Client, content: None) -> None:
    h1b = client.get("/programs/us-h1b/").content.decode()
    chosen = re.search(r"<dt>How applicants are chosen</dt><dd>(.*?)</dd>", h1b, re.S)
    assert chosen is not None
    assert chosen.group(1).startswith("Weighted lottery: From the FY2027 lottery")
    assert "(Reported, " in chosen.group(1)
    assert "USCIS announces H-1B cap registration period (March 2026)" in chosen.group(1)

    k_visa = client.get("/programs/china-k-visa/").content.decode()
    chosen = re.search(r"<dt>How applicants are chosen</dt><dd>(.*?)</dd>", k_visa, re.S)
    assert chosen is not None
    assert chosen.group(1).startswith("Officials&#x27; discretion: Embassies and consulates")
    assert "(Unclear, " in chosen.group(1)


def test_a_program_page_shows_a_points_table(client: Client, content: None) -> None:
    html = client.get("/programs/china-r-visa/").content.decode()
    assert "(Category A: a score above 85)</strong> \u2014 pass mark 85 points" in html
    assert "The sources do not publish the points of each row." in html


def test_the_h1b_page_states_the_legal_status_of_the_100k_payment(
    client: Client, content: None
) -> None:
    html = client.get("/programs/us-h1b/").content.decode()
    figures = html[html.index('id="figures-heading"') : html.index('id="caveats-heading"')]
    payment = figures[figures.index("$100,000 payment for certain new H-1B petitions") :]
    payment = payment[: payment.index('<div class="item')]
    legal = re.search(r'<p class="legal">(.*?)</p>', payment, re.S)
    assert legal is not None
    assert "Status unknown since 21 September 2026" in legal.group(1)
    assert "whether it applies today is unclear." in legal.group(1)
    assert "Vacated by a federal court in Massachusetts on 8 June 2026" in legal.group(1)
    assert "Proclamation 10973" in legal.group(1)
    # Besides it, only the expired premium-processing fee has a legal-status line.
    assert figures.count('<p class="legal">') == 2
    assert "Ended on 28 February 2026: this is not current." in figures


def test_the_h1b_page_states_the_corrected_facts(client: Client, content: None) -> None:
    html = client.get("/programs/us-h1b/").content.decode()
    assert "100,000 USD" in html
    assert "Once per petition" in html
    assert "not annual" in html
    assert "not on total H-1B approvals" in html
    assert '<h2 id="figures-heading">Key figures</h2>' in html
    assert "Estimated chance of selection at wage level IV:</strong> about 61.2%" in html


def test_an_unknown_program_is_404(client: Client) -> None:
    assert client.get("/programs/nowhere/").status_code == 404


def _programs(count: int) -> None:
    """`count` programs, and one ("busy") with `count` of every kind of item: criteria in
    nested routes, points tables with rows, figures with a legal status, caveats."""
    source = SourceFactory()
    for _ in range(count):
        ProgramFactory()
    program = ProgramFactory(
        slug="busy",
        selection=v.Selection.LOTTERY,
        selection_source=SourceFactory(),
        selection_clarity=v.Clarity.CONFIRMED,
    )
    extra = [SourceFactory() for _ in range(2)]
    routes = RequirementGroupFactory(program=program, combine=v.Combine.ANY)
    for index in range(count):
        route = RequirementGroupFactory(program=program, parent=routes, route=f"Route {index}")
        CriterionFactory(program=program, source=source, more_sources=extra, group=route)
        CriterionFactory(program=program, source=source, more_sources=extra)
        table = PointsTableFactory(
            program=program, source=source, more_sources=extra, group=route, caps={"age": 10}
        )
        PointsRowFactory(table=table)
        PointsRowFactory(table=table, fact=v.Fact.DEGREE, operator="at_least", values=["master"])
        CaveatFactory(program=program, source=source, more_sources=extra)
        KeyFigureFactory(
            program=program,
            more_sources=extra,
            legal_status=v.LegalStatus.VACATED,
            legal_note="Vacated on 8 June 2026.",
            legal_source=SourceFactory(),
        )


def _wipe() -> None:
    # Grouped items first: see test_models.test_deleting_a_program_deletes_its_groups_...
    Criterion.objects.all().delete()
    PointsTable.objects.all().delete()
    Program.objects.all().delete()


def test_queries_do_not_grow_with_the_amount_of_content(client: Client) -> None:
    _programs(3)
    html = client.get("/programs/busy/").content.decode()
    assert "Route 2 \u2014 All of these:" in html
    assert "Age 18 to 39" in html
    assert "Vacated by a court: whether it applies today is unclear." in html
    assert queries(client, "/programs/busy/") == 1  # rendered once, then kept: its revision
    caches["pages"].clear()
    few = (queries(client, "/programs/"), queries(client, "/programs/busy/"))
    _wipe()
    _programs(50)
    html = client.get("/programs/busy/").content.decode()
    assert "Route 49 \u2014 All of these:" in html
    caches["pages"].clear()
    many = (queries(client, "/programs/"), queries(client, "/programs/busy/"))
    assert few == many
    # Its revision; the program (with its selection source); its groups; per kind of item the
    # items (with their source and legal source) and their further sources; the points rows.
    assert many[1] == 12
