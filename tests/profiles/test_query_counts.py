"""Queries per page stay the same as the number of programs grows (3, then 50)."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from profiles.models import Result
from tests.profiles.journey import INDIAN_STEM_GRADUATE
from tests.visas.factories import (
    CaveatFactory,
    CriterionFactory,
    KeyFigureFactory,
    ProgramFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("visa_content")]


def queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries)


def page_queries(client: Client, token: str) -> dict[str, int]:
    caches["pages"].clear()
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
        CaveatFactory.create_batch(2, program=program)
        KeyFigureFactory.create_batch(2, program=program)


def finished_result(client: Client) -> str:
    for slug, data in INDIAN_STEM_GRADUATE:
        client.post(f"/check/{slug}/", data)
    client.post("/check/answers/")
    return Result.objects.latest("created_at").token


def test_queries_per_page_do_not_grow_with_programs(client: Client) -> None:
    with_three = page_queries(client, finished_result(client))
    add_programs(47)
    with_fifty = page_queries(client, finished_result(client))
    assert with_fifty == with_three
    # The shared page, once rendered, is one query: the result with the current revisions.
    assert with_three["result, cached"] == 1


def test_creating_a_result_does_not_grow_with_programs(client: Client) -> None:
    finished_result(client)
    with CaptureQueriesContext(connection) as three:
        client.post("/check/answers/")
    add_programs(47)
    with CaptureQueriesContext(connection) as fifty:
        client.post("/check/answers/")
    assert len(fifty.captured_queries) == len(three.captured_queries)
