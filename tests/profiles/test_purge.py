"""`manage.py purge_stale`: results nobody viewed for 180 days, answers nobody touched for 30
days (configurable) and expired sessions go; everything fresher stays."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from profiles.models import EvaluatedRules, Questionnaire, Result
from profiles.services import questionnaires_remove_stale
from tests.profiles.journey import INDIAN_STEM_GRADUATE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("visa_content")]


def finished(client: Client) -> Result:
    for slug, data in INDIAN_STEM_GRADUATE:
        assert client.post(f"/check/{slug}/", data).status_code == 302
    response = client.post("/check/answers/")
    return Result.objects.get(token=response["Location"].rstrip("/").rsplit("/", 1)[-1])


def age(model: type[Questionnaire] | type[Result], pk: int, field: str, days: int) -> None:
    model.objects.filter(pk=pk).update(**{field: timezone.now() - timedelta(days=days)})


def test_purge_stale_removes_old_results_answers_and_expired_sessions() -> None:
    abandoned, kept = Client(), Client()
    old_result = finished(abandoned)
    fresh_result = finished(kept)
    age(Result, old_result.pk, "last_viewed_at", 181)
    old = Questionnaire.objects.get(session_key=abandoned.session.session_key)
    fresh = Questionnaire.objects.get(session_key=kept.session.session_key)
    age(Questionnaire, old.pk, "updated_at", 31)
    age(Questionnaire, fresh.pk, "updated_at", 29)
    Session.objects.filter(session_key=abandoned.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    out = io.StringIO()
    call_command("purge_stale", stdout=out)

    assert list(Result.objects.all()) == [fresh_result]
    assert list(Questionnaire.objects.all()) == [fresh]
    assert list(Session.objects.values_list("session_key", flat=True)) == [kept.session.session_key]
    assert "1 result(s)" in out.getvalue()
    assert "1 questionnaire(s) not updated for 30 days" in out.getvalue()
    # A result keeps its own answers: it still opens after its questionnaire is gone.
    assert Client().get(fresh_result.get_absolute_url()).status_code == 200


def test_the_questionnaire_age_is_configurable() -> None:
    client = Client()
    assert client.post("/check/citizenship/", {"citizenship": "IN"}).status_code == 302
    questionnaire = Questionnaire.objects.get()
    age(Questionnaire, questionnaire.pk, "updated_at", 8)
    call_command("purge_stale", "--questionnaire-days", "10", stdout=io.StringIO())
    assert Questionnaire.objects.exists()
    call_command("purge_stale", "--questionnaire-days", "7", stdout=io.StringIO())
    assert not Questionnaire.objects.exists()
    with pytest.raises(CommandError, match="at least 1"):
        call_command("purge_stale", "--questionnaire-days", "0")


def test_an_applicant_whose_answers_were_purged_starts_afresh() -> None:
    client = Client()
    assert client.post("/check/citizenship/", {"citizenship": "IN"}).status_code == 302
    age(Questionnaire, Questionnaire.objects.get().pk, "updated_at", 31)
    assert questionnaires_remove_stale() == 1
    assert client.get("/check/").status_code == 200
    assert client.post("/check/citizenship/", {"citizenship": "CN"}).status_code == 302
    assert Questionnaire.objects.get().answers == {"citizenship": "CN"}


def test_remove_stale_results_still_works_for_old_cron_entries() -> None:
    result = finished(Client())
    age(Result, result.pk, "last_viewed_at", 181)
    call_command("remove_stale_results", stdout=io.StringIO())
    assert not Result.objects.exists()


def test_rules_no_result_needs_go_with_the_last_result_but_today_s_stay() -> None:
    old = finished(Client())
    today_s = set(old.rules.values_list("digest", flat=True))
    assert len(today_s) == 3  # one per program, stored once for every result
    # Rules of an earlier revision, needed only by the old result.
    earlier = EvaluatedRules.objects.create(digest="e" * 64, rules={})
    old.rules.add(earlier)
    kept = finished(Client())
    assert set(kept.rules.values_list("digest", flat=True)) == today_s
    age(Result, old.pk, "last_viewed_at", 181)
    age(Result, kept.pk, "last_viewed_at", 181)

    call_command("purge_stale", stdout=io.StringIO())

    assert not Result.objects.exists()
    assert set(EvaluatedRules.objects.values_list("digest", flat=True)) == today_s
    # A result made now still opens (its rules are there).
    assert Client().get(finished(Client()).get_absolute_url()).status_code == 200
