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

from profiles import questions, services, views
from profiles.models import Questionnaire

STEP = questions.STEPS_BY_SLUG["citizenship"]
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


@pytest.mark.usefixtures("visa_content")
def test_an_answer_saved_from_an_older_read_keeps_the_answers_saved_since() -> None:
    first = services.questionnaire_answer_save(
        questionnaire=None, step=STEP, data={"citizenship": "IN"}, session_key="k" * 32
    )
    # Another tab saves an answer after this one read the questionnaire.
    read_before = Questionnaire.objects.get(pk=first.pk)
    services.questionnaire_answer_save(
        questionnaire=first, step=STEP, data={"residence": "US"}, session_key="k" * 32
    )
    saved = services.questionnaire_answer_save(
        questionnaire=read_before, step=STEP, data={"age": 30}, session_key="k" * 32
    )
    assert saved.pk == first.pk
    assert saved.answers == {"citizenship": "IN", "residence": "US", "age": 30}
    assert Questionnaire.objects.get().answers == saved.answers
    assert saved.updated_at > first.updated_at


@pytest.mark.usefixtures("visa_content")
def test_an_answer_for_a_questionnaire_removed_meanwhile_starts_a_new_one() -> None:
    gone = services.questionnaire_answer_save(
        questionnaire=None, step=STEP, data={"citizenship": "IN"}, session_key="k" * 32
    )
    Questionnaire.objects.filter(pk=gone.pk).delete()  # "start again" in another tab
    saved = services.questionnaire_answer_save(
        questionnaire=gone, step=STEP, data={"residence": "US"}, session_key="k" * 32
    )
    assert saved.pk != gone.pk
    assert Questionnaire.objects.get().answers == {"residence": "US"}
    assert saved.session_key == "k" * 32
