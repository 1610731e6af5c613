"""The questionnaire: an ordered list of steps, and which of them apply to an applicant.

Each step asks one question (or one small group) and saves answers under applicant facts
(visas.vocabulary.Fact). Follow-up steps apply only when an earlier answer calls for them.
Plain functions of the answers: no request, no ORM.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.http import Http404

from profiles import forms as step_forms
from visas.vocabulary import Degree, Fact, JobOffer

Answers = Mapping[str, object]

PRIORITIES = "priorities"  # not an applicant fact: how the result is ordered


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form_class: type[step_forms.StepForm]
    keys: tuple[str, ...]
    applies: Callable[[Answers], bool] = lambda answers: True

    def answered(self, answers: Answers) -> bool:
        return all(key in answers for key in self.keys)


def _lives_in_us(answers: Answers) -> bool:
    return answers.get(Fact.RESIDENCE) == "US"


def _has_degree(answers: Answers) -> bool:
    # Until the degree is answered, count its follow-ups: most applicants have one.
    return answers.get(Fact.DEGREE) != Degree.SCHOOL


def _has_us_offer(answers: Answers) -> bool:
    return answers.get(Fact.JOB_OFFER) == JobOffer.US


STEPS: tuple[Step, ...] = (
    Step(
        "citizenship", "What is your citizenship?", step_forms.CitizenshipForm, (Fact.CITIZENSHIP,)
    ),
    Step(
        "residence",
        "Which country do you live in now?",
        step_forms.ResidenceForm,
        (Fact.RESIDENCE,),
    ),
    Step(
        "us-status",
        "What is your current status in the United States?",
        step_forms.UsStatusForm,
        (Fact.US_STATUS,),
        applies=_lives_in_us,
    ),
    Step("age", "How old are you?", step_forms.AgeForm, (Fact.AGE,)),
    Step("degree", "What is your highest qualification?", step_forms.DegreeForm, (Fact.DEGREE,)),
    Step(
        "field",
        "What did you study?",
        step_forms.FieldForm,
        (Fact.FIELD,),
        applies=_has_degree,
    ),
    Step(
        "institution",
        "Where did you earn your highest degree?",
        step_forms.InstitutionForm,
        (Fact.DEGREE_COUNTRY, Fact.INSTITUTION),
        applies=_has_degree,
    ),
    Step(
        "experience",
        "How many years have you worked in science, technology, engineering or mathematics?",
        step_forms.ExperienceForm,
        (Fact.STEM_EXPERIENCE,),
    ),
    Step(
        "academic-role",
        "Do you teach or do research at a university or research institute?",
        step_forms.AcademicRoleForm,
        (Fact.ACADEMIC_ROLE,),
    ),
    Step("job-offer", "Do you have a job offer?", step_forms.JobOfferForm, (Fact.JOB_OFFER,)),
    Step(
        "us-offer",
        "About your US job offer",
        step_forms.UsOfferForm,
        (Fact.EMPLOYER_TYPE, Fact.WAGE_LEVEL, Fact.SPONSOR),
        applies=_has_us_offer,
    ),
    Step(
        "languages",
        "Which languages do you speak?",
        step_forms.LanguagesForm,
        (Fact.MANDARIN, Fact.ENGLISH),
    ),
    Step("family", "Would anyone come with you?", step_forms.FamilyForm, (Fact.FAMILY,)),
    Step("priorities", "What matters most to you?", step_forms.PrioritiesForm, (PRIORITIES,)),
)
STEPS_BY_SLUG = {step.slug: step for step in STEPS}


def applicable_steps(answers: Answers) -> list[Step]:
    return [step for step in STEPS if step.applies(answers)]


def step_get(slug: str, *, answers: Answers) -> Step:
    """The step with this slug, if it applies to these answers; otherwise 404."""
    step = STEPS_BY_SLUG.get(slug)
    if step is None:
        raise Http404("There is no such question.")
    if not step.applies(answers):
        raise Http404("That question does not apply to your earlier answers.")
    return step


def step_position(step: Step, *, answers: Answers) -> tuple[int, int]:
    """(number, total) for "Question 3 of 9", counting only the steps that apply."""
    steps = applicable_steps(answers)
    return steps.index(step) + 1, len(steps)


def previous_step(step: Step, *, answers: Answers) -> Step | None:
    steps = applicable_steps(answers)
    index = steps.index(step)
    return steps[index - 1] if index > 0 else None


def next_step(step: Step, *, answers: Answers) -> Step | None:
    """The step after this one that applies, or None at the end."""
    steps = applicable_steps(answers)
    if step not in steps:
        return first_unanswered(answers)
    index = steps.index(step)
    return steps[index + 1] if index + 1 < len(steps) else None


def first_unanswered(answers: Answers) -> Step | None:
    return next((step for step in applicable_steps(answers) if not step.answered(answers)), None)


def is_complete(answers: Answers) -> bool:
    return first_unanswered(answers) is None


def applicable_answers(answers: Answers) -> dict[str, object]:
    """Only the answers of steps that apply now (a changed answer can retire a follow-up)."""
    keys = {key for step in applicable_steps(answers) for key in step.keys}
    return {key: value for key, value in answers.items() if key in keys}
