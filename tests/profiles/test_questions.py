import copy
import dataclasses
import re
import tomllib
from datetime import date
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.core import checks
from django.http import Http404
from django.test import Client

from profiles import forms as step_forms
from profiles import questions
from profiles.checks import questions_errors
from profiles.models import Result
from tests.profiles.journey import INDIAN_STEM_GRADUATE
from visas import selectors, services
from visas.vocabulary import Fact

COMPLETE = {
    Fact.CITIZENSHIP: "IN",
    Fact.RESIDENCE: "IN",
    Fact.AGE: 27,
    Fact.DEGREE: "bachelor",
    Fact.FIELD: "stem",
    Fact.DEGREE_COUNTRY: "IN",
    Fact.INSTITUTION: "national",
    Fact.STEM_EXPERIENCE: 3,
    Fact.ACADEMIC_ROLE: "no",
    Fact.JOB_OFFER: "none",
    Fact.MANDARIN: "none",
    Fact.ENGLISH: "professional",
    Fact.FAMILY: "alone",
    questions.PRIORITIES: [],
}


# The facts today's programs read (visas.selectors.facts_in_use with the real content): no
# rule reads the residence, the languages or the family.
IN_USE_TODAY = frozenset(
    {
        Fact.CITIZENSHIP,
        Fact.US_STATUS,
        Fact.AGE,
        Fact.DEGREE,
        Fact.FIELD,
        Fact.DEGREE_COUNTRY,
        Fact.INSTITUTION,
        Fact.STEM_EXPERIENCE,
        Fact.ACADEMIC_ROLE,
        Fact.JOB_OFFER,
        Fact.EMPLOYER_TYPE,
        Fact.WAGE_LEVEL,
        Fact.SPONSOR,
        Fact.DEGREE_RELATED,
    }
)


def slugs(steps: list[questions.Step]) -> list[str]:
    return [step.slug for step in steps]


def test_follow_up_questions_apply_only_when_an_answer_calls_for_them() -> None:
    base = slugs(questions.applicable_steps(COMPLETE))
    assert "us-status" not in base
    assert "us-offer" not in base
    in_us = slugs(questions.applicable_steps({**COMPLETE, Fact.RESIDENCE: "US"}))
    assert in_us[in_us.index("residence") + 1] == "us-status"
    with_offer = slugs(questions.applicable_steps({**COMPLETE, Fact.JOB_OFFER: "us"}))
    assert with_offer[with_offer.index("job-offer") + 1] == "us-offer"
    school_only = slugs(questions.applicable_steps({**COMPLETE, Fact.DEGREE: "school"}))
    assert "field" not in school_only
    assert "institution" not in school_only


def test_sponsor_follows_any_offer_and_degree_relation_a_us_offer_with_a_degree() -> None:
    none = slugs(questions.applicable_steps(COMPLETE))
    assert "sponsor" not in none
    assert "degree-related" not in none
    china = slugs(questions.applicable_steps({**COMPLETE, Fact.JOB_OFFER: "china"}))
    assert china[china.index("job-offer") + 1] == "sponsor"
    assert "us-offer" not in china
    assert "degree-related" not in china
    us = slugs(questions.applicable_steps({**COMPLETE, Fact.JOB_OFFER: "us"}))
    assert us[us.index("job-offer") :][:4] == ["job-offer", "us-offer", "sponsor", "degree-related"]
    school = {**COMPLETE, Fact.JOB_OFFER: "us", Fact.DEGREE: "school"}
    assert "degree-related" not in slugs(questions.applicable_steps(school))
    assert "sponsor" in slugs(questions.applicable_steps(school))


def test_only_steps_whose_facts_some_program_uses_are_asked() -> None:
    today = slugs(questions.applicable_steps(COMPLETE, in_use=IN_USE_TODAY))
    assert "languages" not in today
    assert "family" not in today
    assert today[-1] == "priorities"  # always asked: it orders the result
    # No rule reads the residence, but it leads to the US status, which one does.
    assert "residence" in today
    without_us_status = IN_USE_TODAY - {Fact.US_STATUS}
    assert "residence" not in slugs(questions.applicable_steps(COMPLETE, in_use=without_us_status))
    # One fact of a step in use is enough to ask the whole step.
    with_english = slugs(questions.applicable_steps(COMPLETE, in_use=IN_USE_TODAY | {Fact.ENGLISH}))
    assert with_english[-2:] == ["languages", "priorities"]
    # Nothing in use but the priorities.
    assert slugs(questions.applicable_steps(COMPLETE, in_use=frozenset())) == ["priorities"]


def test_position_counts_only_steps_that_apply() -> None:
    step = questions.STEPS_BY_SLUG["age"]
    assert questions.step_position(step, answers=COMPLETE) == (3, 12)
    assert questions.step_position(step, answers={**COMPLETE, Fact.RESIDENCE: "US"}) == (4, 13)
    # With today's programs: no languages or family questions.
    assert questions.step_position(step, answers=COMPLETE, in_use=IN_USE_TODAY) == (3, 10)
    in_us = {**COMPLETE, Fact.RESIDENCE: "US"}
    assert questions.step_position(step, answers=in_us, in_use=IN_USE_TODAY) == (4, 11)


def test_next_and_previous_skip_steps_that_do_not_apply() -> None:
    residence = questions.STEPS_BY_SLUG["residence"]
    assert questions.next_step(residence, answers=COMPLETE).slug == "age"
    assert questions.next_step(residence, answers={Fact.RESIDENCE: "US"}).slug == "us-status"
    age = questions.STEPS_BY_SLUG["age"]
    assert questions.previous_step(age, answers=COMPLETE).slug == "residence"
    last = questions.STEPS[-1]
    assert questions.next_step(last, answers=COMPLETE) is None
    job_offer = questions.STEPS_BY_SLUG["job-offer"]
    assert questions.next_step(job_offer, answers=COMPLETE).slug == "languages"
    assert questions.next_step(job_offer, answers=COMPLETE, in_use=IN_USE_TODAY).slug == (
        "priorities"
    )
    priorities = questions.STEPS_BY_SLUG["priorities"]
    previous = questions.previous_step(priorities, answers=COMPLETE, in_use=IN_USE_TODAY)
    assert previous.slug == "job-offer"


def test_step_get_refuses_unknown_and_inapplicable_steps() -> None:
    with pytest.raises(Http404):
        questions.step_get("no-such-step", answers={})
    with pytest.raises(Http404):
        questions.step_get("us-offer", answers={Fact.JOB_OFFER: "none"})
    assert questions.step_get("us-offer", answers={Fact.JOB_OFFER: "us"}).slug == "us-offer"
    # A step no program uses is not there at all.
    assert questions.step_get("family", answers=COMPLETE).slug == "family"
    with pytest.raises(Http404):
        questions.step_get("family", answers=COMPLETE, in_use=IN_USE_TODAY)
    with pytest.raises(Http404):
        questions.step_get("degree-related", answers={Fact.JOB_OFFER: "china"})


def test_complete_answers_and_retired_follow_ups() -> None:
    assert questions.is_complete(COMPLETE)
    assert questions.first_unanswered({}).slug == "citizenship"
    changed = {**COMPLETE, Fact.JOB_OFFER: "us"}
    assert questions.first_unanswered(changed).slug == "us-offer"
    # A follow-up answered earlier no longer counts once its trigger changes.
    stale = {**COMPLETE, Fact.SPONSOR: "yes", Fact.WAGE_LEVEL: "4", Fact.EMPLOYER_TYPE: "company"}
    assert Fact.SPONSOR not in questions.applicable_answers(stale)
    assert questions.applicable_answers(stale)[Fact.AGE] == 27
    # Answers to steps no program uses are complete without them, and are not kept.
    today = {k: v for k, v in COMPLETE.items() if k not in (Fact.MANDARIN, Fact.ENGLISH)}
    today.pop(Fact.FAMILY)
    assert not questions.is_complete(today)
    assert questions.is_complete(today, in_use=IN_USE_TODAY)
    kept = questions.applicable_answers(COMPLETE, in_use=IN_USE_TODAY)
    assert Fact.FAMILY not in kept
    assert Fact.MANDARIN not in kept
    assert kept[questions.PRIORITIES] == []


# ---------------------------------------------------------------------------------------------
# A program added through the content file alone gets its questions asked


EXAMPLE_PROGRAM = {
    "slug": "example-family-talent-visa",
    "name": "Example family talent visa",
    "country": "GB",
    "authority": "An example authority",
    "summary": "A program made up for this test: it reads the English level and the family.",
    "official_url": "",
    "status": "in_force",
    "last_reviewed_on": date(2026, 11, 23),
    "display_order": 40,
    "selection": "none",
    "criteria": [
        {
            "key": "example-english",
            "importance": "required",
            "fact": "english",
            "operator": "at_least",
            "values": ["professional"],
            "statement": "You speak English at a professional working level.",
            "clarity": "confirmed",
            "as_of": date(2026, 1, 1),
            "source": "example-rules",
        },
        {
            "key": "example-family",
            "importance": "required",
            "fact": "family",
            "operator": "in",
            "values": ["alone", "spouse"],
            "statement": "You come alone or with a spouse or partner.",
            "clarity": "confirmed",
            "as_of": date(2026, 1, 1),
            "source": "example-rules",
        },
    ],
}
EXAMPLE_SOURCE = {
    "title": "Example rules",
    "publisher": "An example authority",
    "url": "https://example.org/rules",
    "published_on": date(2026, 1, 1),
    "accessed_on": date(2026, 11, 23),
    "is_official": True,
}


def content_with_example_program() -> dict[str, object]:
    path = Path(settings.BASE_DIR) / "visas" / "content" / "programs.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    data["sources"]["example-rules"] = EXAMPLE_SOURCE
    data["programs"].append(EXAMPLE_PROGRAM)
    return data


def walk(client: Client) -> list[tuple[str, str]]:
    """Answer the Indian graduate's questions, then any others asked, as a browser would;
    return each step asked with its "Question N of M"."""
    answers = dict(INDIAN_STEM_GRADUATE)
    extra = {
        "languages": {"mandarin": "none", "english": "professional"},
        "family": {"family": "alone"},
    }
    asked = []
    url = client.post("/check/restart/")["Location"]
    while url.startswith("/check/") and url != "/check/answers/":
        slug = url.strip("/").rsplit("/", 1)[-1]
        html = client.get(url).content.decode()
        position = html.split("Question ", 1)[1].split("<", 1)[0]
        asked.append((slug, position))
        response = client.post(url, answers[slug] if slug in answers else extra[slug])
        assert response.status_code == 302, (slug, response.content.decode()[:1000])
        url = response["Location"]
    return asked


@pytest.mark.django_db
@pytest.mark.usefixtures("visa_content")
def test_a_program_using_existing_facts_needs_only_the_content_file(client: Client) -> None:
    asked = walk(client)
    assert [slug for slug, _ in asked] == [slug for slug, _ in INDIAN_STEM_GRADUATE]
    assert asked[0][1] == "1 of 11"  # the sponsor counts until the job offer is answered
    assert asked[-1][1] == "10 of 10"

    services.content_load(data=content_with_example_program())
    assert {"english", "family"} <= selectors.facts_in_use()

    asked = walk(Client())
    slugs_asked = [slug for slug, _ in asked]
    assert slugs_asked[-4:] == ["job-offer", "languages", "family", "priorities"]
    assert asked[0][1] == "1 of 13"
    assert asked[-1][1] == "12 of 12"
    # Someone who finished before the program was added is asked its questions first.
    html = client.get("/check/answers/").content.decode()
    assert re.search(r"<dt>Accompanying family</dt>\s*<dd>Not answered</dd>", html)
    assert client.post("/check/answers/")["Location"] == "/check/languages/"


@pytest.mark.django_db
@pytest.mark.usefixtures("visa_content")
def test_the_added_program_reads_the_new_answers(client: Client) -> None:
    services.content_load(data=content_with_example_program())
    walk(client)
    response = client.post("/check/answers/")
    result = Result.objects.get(token=response["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert result.answers["family"] == "alone"
    assert result.answers["english"] == "professional"
    html = client.get(f"{result.get_absolute_url()}?programs=example-family-talent-visa")
    verdict = re.search(
        r"<strong>Example family talent visa:</strong> <span class=\"tag [^\"]+\">([^<]+)<",
        html.content.decode(),
    )
    assert verdict is not None
    assert verdict.group(1) == "You can apply"


@pytest.mark.django_db
@pytest.mark.usefixtures("visa_content")
def test_today_no_program_reads_the_languages_family_or_residence() -> None:
    assert selectors.facts_in_use() == IN_USE_TODAY


# ---------------------------------------------------------------------------------------------
# The system check that every fact has exactly one question


class ShoeSizeForm(step_forms.StepForm):
    shoe_size = forms.IntegerField()


def ids(errors: list[checks.CheckMessage]) -> list[str]:
    return [error.id for error in errors]


def test_the_real_questions_pass_the_check() -> None:
    assert questions_errors(questions.STEPS) == []
    assert [e for e in checks.run_checks() if (e.id or "").startswith("profiles.")] == []


def test_a_fact_without_a_question_fails_the_check() -> None:
    steps = tuple(step for step in questions.STEPS if step.slug != "family")
    errors = questions_errors(steps)
    assert ids(errors) == ["profiles.E003"]
    assert "'family' is asked by 0 steps" in errors[0].msg


def test_a_step_whose_form_saves_other_answers_fails_the_check() -> None:
    wrong = dataclasses.replace(
        questions.STEPS_BY_SLUG["sponsor"], form_class=step_forms.JobOfferForm
    )
    steps = tuple(wrong if step.slug == "sponsor" else step for step in questions.STEPS)
    errors = questions_errors(steps)
    assert ids(errors) == ["profiles.E002"]
    assert "Step 'sponsor' saves ['job_offer']" in errors[0].msg


def test_the_check_message_names_the_declared_facts_plainly() -> None:
    wrong = dataclasses.replace(
        questions.STEPS_BY_SLUG["sponsor"], form_class=step_forms.JobOfferForm
    )
    steps = tuple(wrong if step.slug == "sponsor" else step for step in questions.STEPS)
    assert "but declares ['sponsor']" in questions_errors(steps)[0].msg


def test_a_step_asking_something_that_is_not_a_fact_fails_the_check() -> None:
    shoe = questions.Step("shoe-size", "What is your shoe size?", ShoeSizeForm, ("shoe_size",))
    steps = (*questions.STEPS[:-1], shoe, questions.STEPS[-1])
    errors = questions_errors(steps)
    assert ids(errors) == ["profiles.E001"]
    assert "'shoe_size'" in errors[0].msg
