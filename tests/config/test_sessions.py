"""Sessions are read as Django's database store reads them: a live session with its data; an
expired or unknown one as no session, its key dropped, so its answers are not found."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from config.sessions import SessionStore
from tests.conftest import FIRST_THREE

pytestmark = pytest.mark.django_db


def test_a_live_session_is_read_with_its_data() -> None:
    store = SessionStore()
    store["questionnaire_id"] = 7
    store.save()
    read = SessionStore(store.session_key)
    assert read["questionnaire_id"] == 7
    assert read.session_key == store.session_key


def test_an_expired_or_unknown_session_reads_as_none() -> None:
    store = SessionStore()
    store["questionnaire_id"] = 7
    store.save()
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    for key in (store.session_key, "a" * 32):
        read = SessionStore(key)
        assert read.get("questionnaire_id") is None
        assert read.session_key is None


def test_the_answers_of_an_expired_session_are_not_shown(client: Client) -> None:
    call_command("load_visa_content", *FIRST_THREE, verbosity=0)
    assert client.post("/check/citizenship/", {"citizenship": "IN"}).status_code == 302
    assert client.get("/check/answers/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/check/answers/")["Location"] == "/check/"
    fresh = Client()
    fresh.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME]
    assert "Continue where you left off" not in fresh.get("/check/").content.decode()
