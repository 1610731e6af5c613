"""The questionnaire: an ordered list of steps, and which of them apply to an applicant.

Each step asks one question (or one small group) and saves answers under applicant facts
(visas.vocabulary.Fact). Follow-up steps apply only when an earlier answer calls for them.
Plain functions of the answers: no request, no ORM.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from profiles import forms as step_forms
from visas.vocabulary import Degree, Fact, JobOffer

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Answers = Mapping[str, object]

PRIORITIES = "priorities"  # not an applicant fact: how the result is ordered


@dataclass(frozen=True)
class Step:
    slug: str
    title: StrOrPromise  # translated when shown
    form_class: type[step_forms.StepForm]
    keys: tuple[str, ...]
    applies: Callable[[Answers], bool] = lambda answers: True
    # Facts whose questions (or derived answers) follow from this one's answer: it is asked
    # when they are in use, even if no rule reads it directly.
    leads_to: tuple[str, ...] = ()

    def answered(self, answers: Answers) -> bool:
        return all(key in answers for key in self.keys)

    def in_use(self, facts: InUse) -> bool:
        """Whether some program's rules read what this step asks (or what it leads to)."""
        if facts is None or PRIORITIES in self.keys:
            return True
        return any(key in facts for key in (*self.keys, *self.leads_to))


# The facts that published programs' rules read (visas.selectors.facts_in_use); None: all.
InUse = Collection[str] | None


def _lives_in_us(answers: Answers) -> bool:
    return answers.get(Fact.RESIDENCE) == "US"


def _has_degree(answers: Answers) -> bool:
    # Until the degree is answered, count its follow-ups: most applicants have one.
    return answers.get(Fact.DEGREE) != Degree.SCHOOL


def _has_offer(answers: Answers) -> bool:
    # Until the job offer is answered, count its follow-ups.
    return answers.get(Fact.JOB_OFFER) != JobOffer.NONE


def _has_us_offer(answers: Answers) -> bool:
    return answers.get(Fact.JOB_OFFER) == JobOffer.US


STEPS: tuple[Step, ...] = (
    Step(
        "citizenship",
        _("What is your citizenship?"),
        step_forms.CitizenshipForm,
        (Fact.CITIZENSHIP,),
    ),
    Step(
        "residence",
        _("Which country do you live in now?"),
        step_forms.ResidenceForm,
        (Fact.RESIDENCE,),
        leads_to=(Fact.US_STATUS,),
    ),
    Step(
        "us-status",
        _("What is your current status in the United States?"),
        step_forms.UsStatusForm,
        (Fact.US_STATUS,),
        applies=_lives_in_us,
    ),
    Step("age", _("How old are you?"), step_forms.AgeForm, (Fact.AGE,)),
    Step(
        "degree",
        _("What is your highest qualification?"),
        step_forms.DegreeForm,
        (Fact.DEGREE,),
        leads_to=(Fact.FIELD, Fact.DEGREE_COUNTRY, Fact.INSTITUTION, Fact.DEGREE_RELATED),
    ),
    Step(
        "field",
        _("What did you study?"),
        step_forms.FieldForm,
        (Fact.FIELD,),
        applies=_has_degree,
    ),
    Step(
        "institution",
        _("Where did you earn your highest degree?"),
        step_forms.InstitutionForm,
        (Fact.DEGREE_COUNTRY, Fact.INSTITUTION),
        applies=_has_degree,
    ),
    Step(
        "experience",
        _("How many years have you worked in science, technology, engineering or mathematics?"),
        step_forms.ExperienceForm,
        (Fact.STEM_EXPERIENCE,),
    ),
    Step(
        "academic-role",
        _("Do you teach or do research at a university or research institute?"),
        step_forms.AcademicRoleForm,
        (Fact.ACADEMIC_ROLE,),
    ),
    Step(
        "job-offer",
        _("Do you have a job offer?"),
        step_forms.JobOfferForm,
        (Fact.JOB_OFFER,),
        leads_to=(Fact.EMPLOYER_TYPE, Fact.WAGE_LEVEL, Fact.SPONSOR, Fact.DEGREE_RELATED),
    ),
    Step(
        "us-offer",
        _("About your US job offer"),
        step_forms.UsOfferForm,
        (Fact.EMPLOYER_TYPE, Fact.WAGE_LEVEL),
        applies=_has_us_offer,
    ),
    Step(
        "sponsor",
        _("Will your employer sponsor you?"),
        step_forms.SponsorForm,
        (Fact.SPONSOR,),
        applies=_has_offer,
    ),
    Step(
        "degree-related",
        _("Your degree and the offered job"),
        step_forms.DegreeRelatedForm,
        (Fact.DEGREE_RELATED,),
        applies=lambda answers: _has_us_offer(answers) and _has_degree(answers),
    ),
    Step(
        "languages",
        _("Which languages do you speak?"),
        step_forms.LanguagesForm,
        (Fact.MANDARIN, Fact.ENGLISH),
    ),
    Step("family", _("Would anyone come with you?"), step_forms.FamilyForm, (Fact.FAMILY,)),
    Step("priorities", _("What matters most to you?"), step_forms.PrioritiesForm, (PRIORITIES,)),
)
STEPS_BY_SLUG = {step.slug: step for step in STEPS}


def applicable_steps(answers: Answers, *, in_use: InUse = None) -> list[Step]:
    """The steps to ask, in order: those whose condition holds and whose facts are in use."""
    return [step for step in STEPS if step.applies(answers) and step.in_use(in_use)]


def step_get(slug: str, *, answers: Answers, in_use: InUse = None) -> Step:
    """The step with this slug, if it applies to these answers; otherwise 404."""
    step = STEPS_BY_SLUG.get(slug)
    if step is None or not step.in_use(in_use):
        raise Http404("There is no such question.")
    if not step.applies(answers):
        raise Http404("That question does not apply to your earlier answers.")
    return step


def step_position(step: Step, *, answers: Answers, in_use: InUse = None) -> tuple[int, int]:
    """(number, total) for "Question 3 of 9", counting only the steps that apply."""
    steps = applicable_steps(answers, in_use=in_use)
    return steps.index(step) + 1, len(steps)


def previous_step(step: Step, *, answers: Answers, in_use: InUse = None) -> Step | None:
    steps = applicable_steps(answers, in_use=in_use)
    index = steps.index(step)
    return steps[index - 1] if index > 0 else None


def next_step(step: Step, *, answers: Answers, in_use: InUse = None) -> Step | None:
    """The step after this one that applies, or None at the end."""
    steps = applicable_steps(answers, in_use=in_use)
    if step not in steps:
        return first_unanswered(answers, in_use=in_use)
    index = steps.index(step)
    return steps[index + 1] if index + 1 < len(steps) else None


def first_unanswered(answers: Answers, *, in_use: InUse = None) -> Step | None:
    steps = applicable_steps(answers, in_use=in_use)
    return next((step for step in steps if not step.answered(answers)), None)


def is_complete(answers: Answers, *, in_use: InUse = None) -> bool:
    return first_unanswered(answers, in_use=in_use) is None


def applicable_answers(answers: Answers, *, in_use: InUse = None) -> dict[str, object]:
    """Only the answers of steps that apply now (a changed answer can retire a follow-up)."""
    keys = {key for step in applicable_steps(answers, in_use=in_use) for key in step.keys}
    return {key: value for key, value in answers.items() if key in keys}
