"""Queries per page stay the same as the number of programs grows (3, then 50), with
requirement trees (routes), points tables, figures and caveats in every program."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from profiles import services
from profiles.models import Result
from tests.profiles.journey import INDIAN_STEM_GRADUATE
from tests.visas.factories import (
    CaveatFactory,
    CriterionFactory,
    KeyFigureFactory,
    PointsRowFactory,
    PointsTableFactory,
    ProgramFactory,
    RequirementGroupFactory,
)
from visas import rules, selectors
from visas.vocabulary import Combine

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("visa_content")]


def queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries)


def page_queries(client: Client, token: str) -> dict[str, int]:
    caches["pages"].clear()
    rules._RULES_LOADED.clear()  # the first view reads each program's rules (one query)
    return {
        "step": queries(client, "/check/age/"),
        "answers": queries(client, "/check/answers/"),
        "result, first view": queries(Client(), f"/r/{token}/"),
        "result, cached": queries(Client(), f"/r/{token}/"),
        "result, owner": queries(client, f"/r/{token}/"),
    }


def add_programs(count: int) -> None:
    for program in ProgramFactory.create_batch(count):
        CriterionFactory.create_batch(3, program=program)
        routes = RequirementGroupFactory(program=program, combine=Combine.ANY)
        route = RequirementGroupFactory(program=program, parent=routes, route="A route")
        CriterionFactory(program=program, group=route)
        table = PointsTableFactory(program=program, group=routes)
        PointsRowFactory.create_batch(2, table=table)
        CaveatFactory.create_batch(2, program=program)
        KeyFigureFactory.create_batch(2, program=program)


def finished_result(client: Client) -> str:
    for slug, data in INDIAN_STEM_GRADUATE:
        assert client.post(f"/check/{slug}/", data).status_code == 302
    response = client.post("/check/answers/")
    assert response["Location"].startswith("/r/"), response["Location"]
    return response["Location"].rstrip("/").rsplit("/", 1)[-1]


def test_queries_per_page_do_not_grow_with_programs(client: Client) -> None:
    with_three = page_queries(client, finished_result(client))
    add_programs(47)
    token = finished_result(client)
    results = services.result_evaluations(Result.objects.get(token=token))
    assert len(results) == 50
    assert sum(len(r.routes) for r in results) == 47 + 4  # each new program's, and the K and H-1B's
    with_fifty = page_queries(client, token)
    assert with_fifty == with_three
    # The shared page, once rendered, is one query: the result with the current revisions.
    assert with_three["result, cached"] == 1


def test_creating_a_result_does_not_grow_with_programs(client: Client) -> None:
    finished_result(client)
    with CaptureQueriesContext(connection) as warm:
        client.post("/check/answers/")  # the rules as read for the first result are kept
    selectors._RULES_BY_REVISIONS.clear()
    with CaptureQueriesContext(connection) as three:
        client.post("/check/answers/")
    add_programs(47)  # new revisions: the rules are read again
    with CaptureQueriesContext(connection) as fifty:
        client.post("/check/answers/")
    # The same, and one query that stores the new programs' rules (once, for every result).
    assert len(fifty.captured_queries) == len(three.captured_queries) + 1
    with CaptureQueriesContext(connection) as fifty_again:
        client.post("/check/answers/")
    assert len(fifty_again.captured_queries) == len(warm.captured_queries)
    # Reading the rules is 11 queries; kept, one query checks the revisions instead.
    assert len(three.captured_queries) - len(warm.captured_queries) == 11


def test_questions_and_answers_cost_a_fixed_few_queries(client: Client) -> None:
    for slug, data in INDIAN_STEM_GRADUATE[:2]:
        assert client.post(f"/check/{slug}/", data).status_code == 302
    # A first visit: the programs' versions (which questions to ask); no session yet.
    with CaptureQueriesContext(connection) as fresh:
        assert Client().get("/check/citizenship/").status_code == 200
    assert len(fresh) == 1
    # With answers: the questionnaire of this (live) session, with the programs' versions.
    # The session itself is not read.
    for path in ("/check/age/", "/check/answers/", "/check/"):
        with CaptureQueriesContext(connection) as page:
            response = client.get(path)
        assert response.status_code == 200
        assert len(page) == 1, (path, page.captured_queries)
        assert "Cookie" in response["Vary"]  # personal: no shared cache may keep it
    # An answer: the same query, and one statement merging it into the saved answers. The
    # session already finds the questionnaire, so it is not written.
    with CaptureQueriesContext(connection) as answer:
        assert client.post("/check/age/", {"age": "30"}).status_code == 302
    statements = [query["sql"].split()[0] for query in answer.captured_queries]
    assert statements == ["SELECT", "UPDATE"], answer.captured_queries
    assert "profiles_questionnaire" in answer.captured_queries[-1]["sql"]
