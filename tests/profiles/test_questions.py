import pytest
from django.http import Http404

from profiles import questions
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


def test_position_counts_only_steps_that_apply() -> None:
    step = questions.STEPS_BY_SLUG["age"]
    assert questions.step_position(step, answers=COMPLETE) == (3, 12)
    assert questions.step_position(step, answers={**COMPLETE, Fact.RESIDENCE: "US"}) == (4, 13)


def test_next_and_previous_skip_steps_that_do_not_apply() -> None:
    residence = questions.STEPS_BY_SLUG["residence"]
    assert questions.next_step(residence, answers=COMPLETE).slug == "age"
    assert questions.next_step(residence, answers={Fact.RESIDENCE: "US"}).slug == "us-status"
    age = questions.STEPS_BY_SLUG["age"]
    assert questions.previous_step(age, answers=COMPLETE).slug == "residence"
    last = questions.STEPS[-1]
    assert questions.next_step(last, answers=COMPLETE) is None


def test_step_get_refuses_unknown_and_inapplicable_steps() -> None:
    with pytest.raises(Http404):
        questions.step_get("no-such-step", answers={})
    with pytest.raises(Http404):
        questions.step_get("us-offer", answers={Fact.JOB_OFFER: "none"})
    assert questions.step_get("us-offer", answers={Fact.JOB_OFFER: "us"}).slug == "us-offer"


def test_complete_answers_and_retired_follow_ups() -> None:
    assert questions.is_complete(COMPLETE)
    assert questions.first_unanswered({}).slug == "citizenship"
    changed = {**COMPLETE, Fact.JOB_OFFER: "us"}
    assert questions.first_unanswered(changed).slug == "us-offer"
    # A follow-up answered earlier no longer counts once its trigger changes.
    stale = {**COMPLETE, Fact.SPONSOR: "yes", Fact.WAGE_LEVEL: "4", Fact.EMPLOYER_TYPE: "company"}
    assert Fact.SPONSOR not in questions.applicable_answers(stale)
    assert questions.applicable_answers(stale)[Fact.AGE] == 27
