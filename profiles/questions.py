"""The questionnaire: an ordered list of steps, and which of them apply to an applicant.

Each step asks one question (or one small group) and saves answers under answer keys
(``visas.vocabulary.answer_key``: the fact, and for a keyed fact its key). A simple question
is generated from its fact's vocabulary entry (``profiles.forms.fact_form``); ``ORDER``
places it and says when it applies, and a fact with a question that ``ORDER`` does not place
is asked before the priorities, so a simple fact needs only its vocabulary entry. A keyed
fact is asked once per key (one step per language). Follow-up steps apply only when an
earlier answer calls for them. Plain functions of the answers: no request, no ORM.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from profiles import forms as step_forms
from visas import vocabulary
from visas.vocabulary import NONE, Country, Degree, Fact, answer_key

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Answers = Mapping[str, object]

PRIORITIES = "priorities"  # not an applicant fact: how the result is ordered


@dataclass(frozen=True)
class Step:
    slug: str
    title: StrOrPromise  # translated when shown
    form_class: type[step_forms.StepForm]
    keys: tuple[str, ...]  # the answer keys it saves
    applies: Callable[[Answers], bool] = lambda answers: True
    # Answers whose questions (or derived answers) follow from this one's answer: it is
    # asked when they are in use, even if no rule reads it directly.
    leads_to: tuple[str, ...] = ()
    # Questions asked together (``Together``): each answer key with its generated form; the
    # step asks only those some program's rules read.
    parts: tuple[tuple[str, type[step_forms.StepForm]], ...] = ()

    def keys_in_use(self, facts: InUse) -> tuple[str, ...]:
        """The answers this step asks: of questions asked together, those in use."""
        if not self.parts or facts is None:
            return self.keys
        return tuple(key for key, _form in self.parts if key in facts)

    def form_for(self, facts: InUse) -> type[step_forms.StepForm]:
        """The step's form, with only the questions in use when asked together."""
        if not self.parts or facts is None:
            return self.form_class
        return step_forms.together_form(tuple(form for key, form in self.parts if key in facts))

    def answered(self, answers: Answers, facts: InUse = None) -> bool:
        return all(key in answers for key in self.keys_in_use(facts))

    def in_use(self, facts: InUse) -> bool:
        """Whether some program's rules read what this step asks (or what it leads to)."""
        if facts is None or PRIORITIES in self.keys:
            return True
        return any(key in facts for key in (*self.keys, *self.leads_to))


# The answer keys that published programs' rules read (visas.selectors.facts_in_use: by
# key, the names of the programs reading it); None: all.
InUse = Collection[str] | None


def _always(answers: Answers, key: str) -> bool:
    return True


@dataclass(frozen=True)
class Ask:
    """Where a generated question goes in ``ORDER``: its fact, its slug (``{key}`` stands
    for the key in lower case; by default the fact's name, and the key), when it applies
    (a function of the answers and the key) and what it leads to."""

    fact: Fact
    slug: str = ""
    applies: Callable[[Answers, str], bool] = _always
    leads_to: tuple[str, ...] = ()

    def step(self, key: str) -> Step:
        default = self.fact.value.replace("_", "-") + ("-{key}" if key else "")
        applies = self.applies
        return Step(
            (self.slug or default).format(key=key.lower()),
            step_forms.question_text(self.fact, key),
            step_forms.fact_form(self.fact, key),
            (answer_key(self.fact, key),),
            applies=lambda answers: applies(answers, key),
            leads_to=self.leads_to,
        )


@dataclass(frozen=True)
class Together:
    """Generated questions asked on one page (every key of a keyed fact, or a few facts
    about one thing): one step whose form holds those some program's rules read."""

    slug: str
    title: StrOrPromise
    facts: tuple[Fact, ...]
    applies: Callable[[Answers], bool] = lambda answers: True

    def step(self) -> Step:
        parts = tuple(
            (answer_key(fact, key), step_forms.fact_form(fact, key))
            for fact in self.facts
            for key in _asked_keys(fact)
        )
        return Step(
            self.slug,
            self.title,
            step_forms.together_form(tuple(form for _key, form in parts)),
            tuple(key for key, _form in parts),
            applies=self.applies,
            parts=parts,
        )


def steps_build(order: Sequence[Ask | Step | Together], last: Sequence[Step]) -> tuple[Step, ...]:
    """The steps: ``order`` with each ``Ask`` made into a step per key of its fact and each
    ``Together`` into one step, then a generated step for every other fact with a question of
    its own, then ``last``."""
    steps: list[Step] = []
    placed: set[Fact] = set()
    for item in order:
        if isinstance(item, Step):
            steps.append(item)
            continue
        if isinstance(item, Together):
            placed.update(item.facts)
            steps.append(item.step())
            continue
        placed.add(item.fact)
        steps += [item.step(key) for key in _asked_keys(item.fact)]
    for fact in vocabulary.FACTS:
        if fact not in placed:
            steps += [Ask(fact).step(key) for key in _asked_keys(fact)]
    return (*steps, *last)


def _asked_keys(fact: Fact) -> list[str]:
    """The keys of a fact that have a question of their own (generated)."""
    spec = vocabulary.FACTS[fact]
    return [key for key in spec.answered_keys() if (found := spec.at(key)) and found.question]


def _lives_in(answers: Answers, country: str) -> bool:
    return answers.get(Fact.RESIDENCE) == country


def _has_degree(answers: Answers, key: str = "") -> bool:
    # Until the degree is answered, count its follow-ups: most applicants have one.
    return answers.get(Fact.DEGREE) != Degree.SCHOOL


def _has_offer(answers: Answers, key: str = "") -> bool:
    # Until the job offer is answered, count its follow-ups.
    return answers.get(Fact.JOB_OFFER) != NONE


def _has_us_offer(answers: Answers, key: str = "") -> bool:
    return answers.get(Fact.JOB_OFFER) == Country.US


_STATUSES = tuple(
    answer_key(Fact.STATUS, key) for key in vocabulary.FACTS[Fact.STATUS].key_values()
)

ORDER: tuple[Ask | Step | Together, ...] = (
    Ask(Fact.CITIZENSHIP),
    Ask(Fact.RESIDENCE, leads_to=_STATUSES),
    # The status in a country is asked of those who live there ("us-status"); everyone
    # else has status "none" there (visas.rules derives it).
    Ask(Fact.STATUS, slug="{key}-status", applies=_lives_in),
    Ask(Fact.AGE),
    Ask(
        Fact.DEGREE,
        leads_to=(
            Fact.FIELD,
            Fact.DEGREE_COUNTRY,
            Fact.INSTITUTION,
            Fact.DEGREE_RELATED,
            Fact.YEARS_SINCE_DEGREE,
            Fact.RECOGNITION,
        ),
    ),
    Ask(Fact.FIELD, applies=_has_degree),
    Step(
        "institution",
        _("Where did you earn your highest degree?"),
        step_forms.InstitutionForm,
        (Fact.DEGREE_COUNTRY, Fact.INSTITUTION),
        applies=_has_degree,
    ),
    Together(
        "degree-details",
        _("About your highest degree"),
        (Fact.YEARS_SINCE_DEGREE, Fact.RECOGNITION),
        applies=_has_degree,
    ),
    Ask(Fact.STEM_EXPERIENCE, slug="experience"),
    Ask(Fact.ACADEMIC_ROLE),
    Together(
        "recognition",
        _("Recognition in your field"),
        (Fact.PRIZE, Fact.ENDORSEMENT, Fact.ACCLAIM),
    ),
    Ask(
        Fact.JOB_OFFER,
        leads_to=(
            Fact.EMPLOYER_TYPE,
            Fact.WAGE_LEVEL,
            Fact.SPONSOR,
            Fact.DEGREE_RELATED,
            Fact.SALARY,
        ),
    ),
    Step(
        "us-offer",
        _("About your US job offer"),
        step_forms.UsOfferForm,
        (Fact.EMPLOYER_TYPE, Fact.WAGE_LEVEL),
        applies=_has_us_offer,
    ),
    Together(
        "offer-details", _("About the job offer"), (Fact.SPONSOR, Fact.SALARY), applies=_has_offer
    ),
    Ask(
        Fact.DEGREE_RELATED,
        applies=lambda answers, key: _has_us_offer(answers) and _has_degree(answers),
    ),
    # Every language that some program's rules read, on one page.
    Together("languages", _("Your languages"), (Fact.LANGUAGE_LEVEL,)),
    # Every other fact with a question (the family) is asked here, before the priorities.
)
LAST: tuple[Step, ...] = (
    Step("priorities", _("What matters most to you?"), step_forms.PrioritiesForm, (PRIORITIES,)),
)
STEPS: tuple[Step, ...] = steps_build(ORDER, LAST)
STEPS_BY_SLUG = {step.slug: step for step in STEPS}


def programs_asking(step: Step, in_use: InUse) -> list[str]:
    """The names of the programs whose rules read what the step asks (or what it leads to),
    in site order; empty when not known."""
    if not isinstance(in_use, Mapping):
        return []
    names: dict[str, None] = {}
    for key in (*step.keys, *step.leads_to):
        names.update(dict.fromkeys(in_use.get(key, ())))
    return list(names)


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
    return next((step for step in steps if not step.answered(answers, in_use)), None)


def is_complete(answers: Answers, *, in_use: InUse = None) -> bool:
    return first_unanswered(answers, in_use=in_use) is None


def applicable_answers(answers: Answers, *, in_use: InUse = None) -> dict[str, object]:
    """Only the answers of steps that apply now (a changed answer can retire a follow-up)."""
    keys = {key for step in applicable_steps(answers, in_use=in_use) for key in step.keys}
    return {key: value for key, value in answers.items() if key in keys}
