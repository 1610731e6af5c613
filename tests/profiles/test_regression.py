"""Regression profiles: named applicants with the verdicts advisers expect, saved from a
result in the admin and checked with `manage.py check_profiles`."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from profiles.models import RegressionProfile, Result
from profiles.regression import Difference, differences
from tests.profiles.journey import INDIAN_STEM_GRADUATE
from tests.visas.conftest import ADVISER_PASSWORD
from tests.visas.conftest import adviser as adviser  # the fixture, shared
from tests.visas.scenarios import ALL_PROGRAMS, OPT_IN_US, TODAY
from visas import rules
from visas.models import Criterion, Program
from visas.rules import Verdict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("visa_content")]


def finished() -> Result:
    client = Client()
    for slug, data in INDIAN_STEM_GRADUATE:
        assert client.post(f"/check/{slug}/", data).status_code == 302
    token = client.post("/check/answers/")["Location"].rstrip("/").rsplit("/", 1)[-1]
    return Result.objects.get(token=token)


def check(*names: str) -> tuple[str, bool]:
    out = io.StringIO()
    try:
        call_command("check_profiles", *names, stdout=out)
    except CommandError:
        return out.getvalue(), False
    return out.getvalue(), True


def test_differences_name_each_unexpected_verdict() -> None:
    results = rules.evaluate(ALL_PROGRAMS, OPT_IN_US, today=TODAY)
    as_now = {r.program.slug: r.verdict.value for r in results}
    assert differences(as_now, results) == []
    k_visa, h1b = results[0], results[1]
    found = differences({**as_now, h1b.program.slug: "not_eligible", "gone": "possible"}, results)
    assert found == [
        Difference(h1b.program.slug, h1b.program.name, Verdict.NOT_ELIGIBLE, h1b.verdict),
        Difference("gone", "gone", Verdict.POSSIBLE, None),
    ]
    assert all(d.unexpected for d in found)
    # A program nobody expected anything of (a new one) is noted, not failed.
    (new,) = differences({s: v for s, v in as_now.items() if s != k_visa.program.slug}, results)
    assert (new.slug, new.expected, new.unexpected) == (k_visa.program.slug, None, False)


def test_a_profile_saved_from_a_result_in_the_admin_passes_until_the_rules_change(
    adviser,  # type: ignore[no-untyped-def]
) -> None:
    result = finished()
    client = Client()
    client.post("/admin/login/", {"username": adviser.username, "password": ADVISER_PASSWORD})
    response = client.post(
        "/admin/profiles/regressionprofile/add/",
        {
            "name": "Indian STEM graduate abroad",
            "note": "The applicant most of our readers are.",
            "from_result": f"https://visas.example.org/r/{result.token}/",
            "answers": "{}",
            "expected": "{}",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    profile = RegressionProfile.objects.get()
    assert profile.answers == result.answers
    assert profile.expected == {
        "china-k-visa": "possible",
        "us-h1b": "not_eligible",
        "china-r-visa": "not_eligible",
    }
    output, passed = check()
    assert passed
    assert "OK    Indian STEM graduate abroad" in output

    # An adviser's slip: the K visa's STEM-field requirement now asks for a doctorate.
    k_visa = Program.objects.get(slug="china-k-visa")
    degree = Criterion.objects.filter(program=k_visa, fact="degree").first()
    assert degree is not None
    degree.operator, degree.values = "at_least", ["doctorate"]
    degree.save()
    k_visa.revision += 1
    k_visa.save()
    output, passed = check()
    assert not passed
    assert "FAIL  Indian STEM graduate abroad" in output
    assert "china-k-visa: expected possible, now not_eligible" in output


def test_an_unknown_name_or_a_bad_link_is_a_clear_error(adviser) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="No regression profile named: nobody"):
        call_command("check_profiles", "nobody", stdout=io.StringIO())
    client = Client()
    client.post("/admin/login/", {"username": adviser.username, "password": ADVISER_PASSWORD})
    response = client.post(
        "/admin/profiles/regressionprofile/add/",
        {
            "name": "x",
            "from_result": "https://example.org/r/nope/",
            "answers": "{}",
            "expected": '{"us-h1b": "likely"}',
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "No result has that link" in html
