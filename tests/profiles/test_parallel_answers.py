"""Two tabs of one browser answering their first questions at the same moment: both answers
land in one questionnaire, the one the session keeps."""

from __future__ import annotations

import threading
from importlib import import_module
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from profiles import views
from profiles.models import Questionnaire

FIRST_ANSWERS = [
    ("citizenship", {"citizenship": "IN"}),
    ("residence", {"residence": "US"}),
]


@pytest.mark.usefixtures("visa_content_live")
def test_parallel_first_answers_land_in_one_questionnaire(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A session that exists but holds no answers yet (say, after "start again").
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session["seen"] = True
    session.save()

    # Both requests have read the session before either saves its answer: the race, every time.
    both_read_the_session = threading.Barrier(2, timeout=20)
    waited = threading.local()
    real_facts_in_use = views.selectors.facts_in_use

    def facts_in_use_after_both_read(*args: Any, **kwargs: Any) -> Any:
        if not getattr(waited, "done", False):
            waited.done = True
            both_read_the_session.wait()
        return real_facts_in_use(*args, **kwargs)

    monkeypatch.setattr(views.selectors, "facts_in_use", facts_in_use_after_both_read)

    statuses: list[int] = []
    errors: list[BaseException] = []

    def answer(slug: str, data: dict[str, str]) -> None:
        try:
            client = Client()
            client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
            statuses.append(client.post(f"/check/{slug}/", data).status_code)
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    tabs = [threading.Thread(target=answer, args=step) for step in FIRST_ANSWERS]
    for tab in tabs:
        tab.start()
    for tab in tabs:
        tab.join(timeout=60)
    assert not errors, errors
    assert statuses == [302, 302]

    questionnaire = Questionnaire.objects.get()  # one, not one per tab
    assert questionnaire.answers == {"citizenship": "IN", "residence": "US"}
    stored = import_module(settings.SESSION_ENGINE).SessionStore(session.session_key)
    assert stored[views.SESSION_QUESTIONNAIRE] == questionnaire.pk


@pytest.mark.usefixtures("visa_content")
def test_a_first_answer_without_a_session_starts_one_with_its_questionnaire() -> None:
    client = Client()
    assert client.post("/check/citizenship/", {"citizenship": "IN"}).status_code == 302
    questionnaire = Questionnaire.objects.get()
    assert questionnaire.session_key == client.session.session_key
    assert client.session[views.SESSION_QUESTIONNAIRE] == questionnaire.pk
    assert client.post("/check/residence/", {"residence": "US"}).status_code == 302
    questionnaire.refresh_from_db()
    assert questionnaire.answers == {"citizenship": "IN", "residence": "US"}
