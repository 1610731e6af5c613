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
from visas import selectors, services, vocabulary
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
    Fact.YEARS_SINCE_DEGREE: 2,
    Fact.RECOGNITION: "none",
    Fact.PRIZE: "none",
    Fact.ENDORSEMENT: "no",
    Fact.ACCLAIM: 0,
    Fact.SAVINGS: "5000 USD",
    "language_level:zh": "none",
    "language_level:en": "C1",
    "language_level:de": "none",
    "language_level:ja": "none",
    "language_level:fr": "A2",
    Fact.FAMILY: "alone",
    questions.PRIORITIES: [],
}


# The facts today's programs read (visas.selectors.facts_in_use with the real content): no
# rule reads the residence, the languages or the family.
IN_USE_TODAY = frozenset(
    {
        Fact.CITIZENSHIP,
        "status:US",
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
    with_offer = slugs(questions.applicable_steps({**COMPLETE, Fact.JOB_OFFER: "US"}))
    assert with_offer[with_offer.index("job-offer") + 1] == "us-offer"
    school_only = slugs(questions.applicable_steps({**COMPLETE, Fact.DEGREE: "school"}))
    assert "field" not in school_only
    assert "institution" not in school_only


def test_sponsor_follows_any_offer_and_degree_relation_a_us_offer_with_a_degree() -> None:
    none = slugs(questions.applicable_steps(COMPLETE))
    assert "offer-details" not in none
    assert "degree-related" not in none
    china = slugs(questions.applicable_steps({**COMPLETE, Fact.JOB_OFFER: "CN"}))
    assert china[china.index("job-offer") + 1] == "offer-details"
    assert "us-offer" not in china
    assert "degree-related" not in china
    us = slugs(questions.applicable_steps({**COMPLETE, Fact.JOB_OFFER: "US"}))
    assert us[us.index("job-offer") :][:4] == [
        "job-offer",
        "us-offer",
        "offer-details",
        "degree-related",
    ]
    school = {**COMPLETE, Fact.JOB_OFFER: "US", Fact.DEGREE: "school"}
    assert "degree-related" not in slugs(questions.applicable_steps(school))
    assert "offer-details" in slugs(questions.applicable_steps(school))


def test_only_steps_whose_facts_some_program_uses_are_asked() -> None:
    today = slugs(questions.applicable_steps(COMPLETE, in_use=IN_USE_TODAY))
    assert "languages" not in today
    assert "family" not in today
    assert today[-1] == "priorities"  # always asked: it orders the result
    # No rule reads the residence, but it leads to the US status, which one does.
    assert "residence" in today
    without_us_status = IN_USE_TODAY - {"status:US"}
    assert "residence" not in slugs(questions.applicable_steps(COMPLETE, in_use=without_us_status))
    # A keyed fact is asked for the keys in use, on one page: English only, not every
    # language.
    with_english = IN_USE_TODAY | {"language_level:en"}
    asked = slugs(questions.applicable_steps(COMPLETE, in_use=with_english))
    assert asked[-2:] == ["languages", "priorities"]
    languages = questions.STEPS_BY_SLUG["languages"]
    assert languages.keys_in_use(with_english) == ("language_level:en",)
    assert list(languages.form_for(with_english).base_fields) == ["language_level_en"]
    assert len(languages.form_class.base_fields) == 5  # every language, when all are in use
    # One fact of a step in use is enough to ask the whole step.
    us_offer = {**COMPLETE, Fact.JOB_OFFER: "US"}
    assert "us-offer" in slugs(questions.applicable_steps(us_offer, in_use={Fact.WAGE_LEVEL}))
    # Nothing in use but the priorities.
    assert slugs(questions.applicable_steps(COMPLETE, in_use=frozenset())) == ["priorities"]


def test_position_counts_only_steps_that_apply() -> None:
    step = questions.STEPS_BY_SLUG["age"]
    # Every question (in_use None): the languages on one page, the family, the savings.
    assert questions.step_position(step, answers=COMPLETE) == (3, 15)
    assert questions.step_position(step, answers={**COMPLETE, Fact.RESIDENCE: "US"}) == (4, 16)
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
    assert questions.step_get("us-offer", answers={Fact.JOB_OFFER: "US"}).slug == "us-offer"
    # A step no program uses is not there at all.
    assert questions.step_get("family", answers=COMPLETE).slug == "family"
    with pytest.raises(Http404):
        questions.step_get("family", answers=COMPLETE, in_use=IN_USE_TODAY)
    with pytest.raises(Http404):
        questions.step_get("degree-related", answers={Fact.JOB_OFFER: "CN"})


def test_complete_answers_and_retired_follow_ups() -> None:
    assert questions.is_complete(COMPLETE)
    assert questions.first_unanswered({}).slug == "citizenship"
    changed = {**COMPLETE, Fact.JOB_OFFER: "US"}
    assert questions.first_unanswered(changed).slug == "us-offer"
    # A follow-up answered earlier no longer counts once its trigger changes.
    stale = {**COMPLETE, Fact.SPONSOR: "yes", Fact.WAGE_LEVEL: "4", Fact.EMPLOYER_TYPE: "company"}
    assert Fact.SPONSOR not in questions.applicable_answers(stale)
    assert questions.applicable_answers(stale)[Fact.AGE] == 27
    # Answers to steps no program uses are complete without them, and are not kept.
    today = {k: v for k, v in COMPLETE.items() if not k.startswith("language_level:")}
    today.pop(Fact.FAMILY)
    assert not questions.is_complete(today)
    assert questions.is_complete(today, in_use=IN_USE_TODAY)
    kept = questions.applicable_answers(COMPLETE, in_use=IN_USE_TODAY)
    assert Fact.FAMILY not in kept
    assert "language_level:zh" not in kept
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
            "fact": "language_level",
            "fact_key": "en",
            "operator": "at_least",
            "values": ["C1"],
            "statement": "You speak English at level C1 or above.",
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
        "languages": {"language_level_en": "C1"},
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
    assert {"language_level:en", "family"} <= set(selectors.facts_in_use())
    assert "language_level:zh" not in selectors.facts_in_use()

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
    assert result.answers["language_level:en"] == "C1"
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
    assert set(selectors.facts_in_use()) == IN_USE_TODAY


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
        questions.STEPS_BY_SLUG["offer-details"], form_class=step_forms.fact_form(Fact.JOB_OFFER)
    )
    steps = tuple(wrong if step.slug == "offer-details" else step for step in questions.STEPS)
    errors = questions_errors(steps)
    assert ids(errors) == ["profiles.E002"]
    assert "Step 'offer-details' saves ['job_offer']" in errors[0].msg


def test_the_check_message_names_the_declared_facts_plainly() -> None:
    wrong = dataclasses.replace(
        questions.STEPS_BY_SLUG["offer-details"], form_class=step_forms.fact_form(Fact.JOB_OFFER)
    )
    steps = tuple(wrong if step.slug == "offer-details" else step for step in questions.STEPS)
    assert "but declares ['salary', 'sponsor']" in questions_errors(steps)[0].msg


def test_a_step_asking_something_that_is_not_a_fact_fails_the_check() -> None:
    shoe = questions.Step("shoe-size", "What is your shoe size?", ShoeSizeForm, ("shoe_size",))
    steps = (*questions.STEPS[:-1], shoe, questions.STEPS[-1])
    errors = questions_errors(steps)
    assert ids(errors) == ["profiles.E001"]
    assert "'shoe_size'" in errors[0].msg


# ---------------------------------------------------------------------------------------------
# Simple questions are generated from the vocabulary: one entry ties fact, field and label


def test_a_simple_fact_needs_only_its_vocabulary_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    # questions.py names no family step: its entry alone makes the question.
    source = Path(questions.__file__).read_text(encoding="utf-8")
    assert "Fact.FAMILY" not in source
    entry = vocabulary.FACTS[Fact.FAMILY]
    monkeypatch.delitem(vocabulary.FACTS, Fact.FAMILY)
    without = questions.steps_build(questions.ORDER, questions.LAST)
    assert "family" not in slugs(list(without))
    assert questions_errors(without) == []

    monkeypatch.setitem(vocabulary.FACTS, Fact.FAMILY, entry)
    steps = questions.steps_build(questions.ORDER, questions.LAST)
    assert slugs(list(steps))[-2:] == ["family", "priorities"]
    family = steps[-2]
    assert family.keys == ("family",)
    assert str(family.title) == "Would anyone come with you?"
    form = family.form_class({"family": "spouse"})
    assert form.is_valid()
    assert form.to_answers() == {"family": "spouse"}
    assert questions_errors(steps) == []


def test_a_fact_whose_entry_has_no_question_fails_the_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec = vocabulary.FACTS[Fact.FAMILY]
    monkeypatch.setitem(vocabulary.FACTS, Fact.FAMILY, dataclasses.replace(spec, question=None))
    errors = questions_errors(questions.steps_build(questions.ORDER, questions.LAST))
    assert ids(errors) == ["profiles.E003"]
    assert "'family' is asked by 0 steps" in errors[0].msg
    assert "visas/vocabulary.py" in str(errors[0].hint)


def test_every_key_of_a_keyed_fact_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = vocabulary.FACTS[Fact.LANGUAGE_LEVEL]
    monkeypatch.setitem(
        vocabulary.FACTS, Fact.LANGUAGE_LEVEL, dataclasses.replace(spec, question=None)
    )
    errors = questions_errors(questions.steps_build(questions.ORDER, questions.LAST))
    assert ids(errors) == ["profiles.E003"] * 5
    assert "'language_level:zh' is asked by 0 steps" in errors[0].msg
    monkeypatch.setitem(vocabulary.FACTS, Fact.LANGUAGE_LEVEL, spec)
    # A step asking a key the fact does not have is not asking a fact.
    german_status = questions.Step(
        "de-status", "Status", step_forms.fact_form(Fact.SPONSOR), ("status:DE",)
    )
    errors = questions_errors((*questions.STEPS[:-1], german_status, questions.STEPS[-1]))
    assert "profiles.E001" in ids(errors)


def test_the_status_is_asked_per_country_of_residence() -> None:
    step = questions.STEPS_BY_SLUG["us-status"]
    assert step.keys == ("status:US",)
    assert str(step.title) == "What is your current status in the United States?"
    assert step.applies({Fact.RESIDENCE: "US"})
    assert not step.applies({Fact.RESIDENCE: "GB"})
    assert "status:US" in questions.STEPS_BY_SLUG["residence"].leads_to
