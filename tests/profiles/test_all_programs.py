"""The journey with every content file loaded (twelve programs): the questions they need, the
overview of every program, the costs by payer, amounts in the applicant's currency."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from profiles.models import Result
from tests.profiles.journey import ENGINEER_IN_INDIA, US_MASTERS_WITH_AN_OFFER
from tests.profiles.test_views import page_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("all_visa_content")]

VERDICT = re.compile(r"<li><strong>([^<]+):</strong> <span class=\"tag [^\"]+\">([^<]+)<")


def walk(client: Client, journey: list[tuple[str, dict[str, object]]]) -> list[str]:
    """Answer each question the site asks, in its order, while the journey has an answer;
    return the slugs asked."""
    answers = dict(journey)
    asked: list[str] = []
    url = "/check/citizenship/"
    while url.startswith("/check/") and url != "/check/answers/":
        slug = url.split("/")[2]
        if slug not in answers and len(answers) < 10:  # a part of a journey: stop there
            return asked
        assert slug in answers, f"asked {slug!r}, which the journey does not answer"
        asked.append(slug)
        response = client.post(url, answers[slug])
        assert response.status_code == 302, (slug, page_text(response.content.decode())[:600])
        url = response["Location"]
    return asked


def finish(client: Client) -> Result:
    response = client.post("/check/answers/")
    assert response.status_code == 302, page_text(response.content.decode())[:600]
    return Result.objects.get(token=response["Location"].rstrip("/").rsplit("/", 1)[-1])


@pytest.mark.parametrize("journey", [ENGINEER_IN_INDIA, US_MASTERS_WITH_AN_OFFER])
def test_the_longer_journey_stays_under_twenty_questions(
    client: Client, journey: list[tuple[str, dict[str, object]]]
) -> None:
    asked = walk(client, journey)
    assert asked == [slug for slug, _ in journey]
    assert len(asked) < 20
    html = client.get("/check/citizenship/").content.decode()
    assert f"Question 1 of {len(asked)}" in html


def test_each_question_says_which_programs_use_the_answer(client: Client) -> None:
    walk(client, ENGINEER_IN_INDIA[:6])
    text = page_text(client.get("/check/degree-details/").content.decode())
    assert "Why we ask: the rules of these programs use your answer:" in text
    assert "UK High Potential Individual" in text
    assert "Germany Opportunity Card (Chancenkarte)" in text
    assert "China K visa" not in text


def test_bad_amounts_get_a_clear_message_and_keep_saved_answers(client: Client) -> None:
    walk(client, ENGINEER_IN_INDIA[:2])
    for data, message in [
        ({"savings": "lots", "savings_currency": "INR"}, "Enter the amount as a whole number"),
        ({"savings": "1000"}, "Select the currency of the amount"),
        ({"savings": "1000", "savings_currency": "XYZ"}, "Select the currency of the amount"),
        ({"savings": "1000", "savings_currency": "INR", "savings_unknown": "on"}, "not both"),
        ({}, "Enter the amount, like 15000, and its currency, or tick the box"),
    ]:
        response = client.post("/check/savings/", data)
        assert response.status_code == 200
        assert message in page_text(response.content.decode())
    assert client.get("/check/residence/").status_code == 200
    html = client.get("/check/savings/").content.decode()
    # Until answered, the currency of the country the applicant lives in is offered.
    assert '<option value="INR" selected>' in html


def test_the_result_groups_every_program_and_totals_the_costs(client: Client) -> None:
    walk(client, US_MASTERS_WITH_AN_OFFER)
    result = finish(client)
    assert len(result.revisions) == 12
    html = client.get(f"/r/{result.token}/").content.decode()
    verdicts = dict(VERDICT.findall(html))
    assert len(verdicts) == 12  # every program, in the overview
    assert verdicts["US H-1B (specialty occupation)"] == "You can apply"
    assert verdicts["US O-1A (extraordinary ability)"] == "Not as things stand"
    assert verdicts["UK Global Talent"] == "Not as things stand"
    text = page_text(html)
    groups = re.findall(r"<h3>([^<]+) <span class=\"meta\">", html)
    assert groups[0].strip() == "You can apply"
    assert [g.strip() for g in groups] == sorted(
        [g.strip() for g in groups],
        key=[
            "You can apply",
            "You may be able to apply",
            "Not as things stand",
            "Not needed for you",
        ].index,
    )
    # Costs by payer, with the amounts in the applicant's currency (an Indian citizen: INR).
    assert "Your employer:" in text
    assert re.search(r"Your employer: [\d,]+ USD \(about [\d,]+ INR\) once", text)
    assert "Other currencies are approximate, at the exchange rates of 30 October 2026." in text
    # Another currency, picked without JavaScript.
    euros = page_text(client.get(f"/r/{result.token}/?currency=EUR").content.decode())
    assert re.search(r"Your employer: [\d,]+ USD \(about [\d,]+ EUR\) once", euros)
    plain = page_text(client.get(f"/r/{result.token}/?currency=").content.decode())
    assert "(about" not in plain
    # Columns: the K visa and the H-1B, and the two strongest other routes.
    columns = re.findall(r'<th scope="col"><a href="/programs/([^/]+)/">', html)
    assert {"china-k-visa", "us-h1b"} <= set(columns)
    assert len(columns) == 4


def test_a_rule_not_about_the_applicant_is_never_shown_as_a_failure(client: Client) -> None:
    walk(client, ENGINEER_IN_INDIA)
    result = finish(client)
    html = client.get(f"/r/{result.token}/?programs=china-k-visa").content.decode()
    statement = "The K visa is a visa for foreign nationals: Chinese citizens do not need it."
    found = re.search(
        r'<span class="tag tag-([a-z-]+)">([^<]+)</span> ' + re.escape(statement), html
    )
    assert found is not None
    assert found.groups() == ("neutral", "Not about you")


def test_prefer_not_to_say_reads_as_chosen_on_the_answers_page(client: Client) -> None:
    walk(client, US_MASTERS_WITH_AN_OFFER)
    text = page_text(client.get("/check/answers/").content.decode())
    assert "Savings available Prefer not to say" in text
    assert "Offered yearly salary 120,000 USD" in text
