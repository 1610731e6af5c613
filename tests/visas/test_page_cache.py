"""Kept pages and rules stay correct: every change an adviser makes — to a program, an item
under it, or a source it cites — shows at once on the public pages and in new results."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.visas.factories import ProgramFactory
from tests.visas.test_admin import program_data
from tests.visas.test_admin_concurrency import advisers, form_open  # noqa: F401  (fixture)
from visas import selectors
from visas.models import KeyFigure, Program, Source

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"
PAGE = "/programs/us-h1b/"
LIST = "/programs/"


def test_a_source_edited_in_the_admin_shows_at_once_on_the_cached_page(
    advisers: tuple[Client, Client],  # noqa: F811
) -> None:
    ada, _ = advisers
    visitor = Client()
    figure = KeyFigure.objects.get(program__slug="us-h1b", content_key="h1b-payment-100k")
    source = figure.source
    assert source.title in visitor.get(PAGE).content.decode()  # rendered, and now kept
    revision = Program.objects.get(slug="us-h1b").revision
    rules_before = selectors.program_rules_current()

    url = f"{ADMIN}visas/source/{source.pk}/change/"
    data = form_open(ada, url)
    data["title"] = "Proclamation 10973 (title corrected by an adviser)"
    response = ada.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]

    assert Source.objects.get(pk=source.pk).title.endswith("(title corrected by an adviser)")
    assert Program.objects.get(slug="us-h1b").revision > revision
    assert "(title corrected by an adviser)" in visitor.get(PAGE).content.decode()
    rules_after = selectors.program_rules_current()
    assert rules_after != rules_before
    h1b = next(p for p in rules_after if p.slug == "us-h1b")
    payment = next(f for f in h1b.figures if f.id == figure.pk)
    assert payment.sources[0].title.endswith("(title corrected by an adviser)")


def test_an_item_edited_in_the_admin_shows_at_once_on_the_cached_page(
    advisers: tuple[Client, Client],  # noqa: F811
) -> None:
    ada, _ = advisers
    visitor = Client()
    figure = KeyFigure.objects.get(program__slug="us-h1b", content_key="h1b-registration-fee")
    assert figure.label in visitor.get(PAGE).content.decode()
    url = f"{ADMIN}visas/keyfigure/{figure.pk}/change/"
    data = form_open(ada, url)
    data["label"] = "Lottery registration fee (relabelled)"
    assert ada.post(url, data).status_code == 302
    assert "Lottery registration fee (relabelled)" in visitor.get(PAGE).content.decode()


def test_the_program_list_is_kept_and_shows_an_edit_at_once(
    advisers: tuple[Client, Client],  # noqa: F811
) -> None:
    ada, _ = advisers
    visitor = Client()
    program = Program.objects.get(slug="us-h1b")
    assert program.name in visitor.get(LIST).content.decode()  # rendered, and now kept
    with CaptureQueriesContext(connection) as kept:
        assert visitor.get(LIST).status_code == 200
    assert len(kept) == 1  # the programs' versions

    response = ada.post(
        f"{ADMIN}visas/program/{program.pk}/change/",
        program_data(program, name="US H-1B (renamed by an adviser)"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert "US H-1B (renamed by an adviser)" in visitor.get(LIST).content.decode()

    # A program added or removed changes the list too.
    ProgramFactory(slug="new-route", name="A new route")
    assert "A new route" in visitor.get(LIST).content.decode()
    Program.objects.filter(slug="new-route").delete()
    assert "A new route" not in visitor.get(LIST).content.decode()
