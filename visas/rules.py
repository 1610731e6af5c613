"""The evaluation engine: how each visa program's published rules read against one applicant.

Pure Python with no Django imports: frozen dataclasses in (:class:`ProgramRules`, built from
the database by :mod:`visas.selectors` or by hand in tests) and frozen dataclasses out
(:class:`ProgramResult`). :func:`result_to_dict` turns a result into JSON that renders
without the engine (a stored snapshot).

Answers
    A mapping from an applicant fact (``Fact`` value) to the answer: an enum value, a whole
    number for number facts (age, years of experience), or ``UNKNOWN`` ("I don't know").
    A fact that was not asked is absent. A value that is not valid for its fact (not one of
    the enum's values, a number out of the fact's range, a wrong type) counts as absent, so
    any mapping whatever can be evaluated.

Conditions (a rule on one fact)
    ``IN`` / ``NOT_IN``: membership. ``AT_LEAST`` / ``AT_MOST``: by rank in the ordered enum,
    or numerically for number facts. ``BETWEEN``: inclusive, numbers only. ``ANY``: always
    true. ``UNSPECIFIED``: no threshold, so no answer settles it. A threshold the vocabulary
    cannot read (a malformed rule) is treated like ``UNSPECIFIED``.

Criterion status
    * ``ANY`` meets whatever the answer. ``UNSPECIFIED`` (or a malformed threshold) is
      unclear because of the rule, whatever the answer: the reason is the rule's statement
      and that no threshold is published.
    * No answer: unclear, *not answered*.
    * "I don't know": the condition is tried with every possible value of the fact (for a
      number fact its range ends and each threshold with its neighbours, which is enough for
      these monotone conditions). All would meet: meets; none: does not meet; otherwise
      unclear because of the *answer*, and the reason says which answers would meet.
    * A rule of clarity ``UNCLEAR`` is read in its most generous form: an answer that fails
      even that reading does not meet; one that passes is unclear because of the *rule*.
    * Otherwise meets or does not meet. Every reason names the answer it was decided on.

Groups and importance
    Criteria of a program that share a non-empty ``group`` (and importance) are
    alternatives: the group meets if any member meets, else it is unclear if any member is
    unclear, else it does not meet. Each criterion keeps its own status for display; the
    group's status is what counts. Only ``REQUIRED`` criteria (or groups) decide
    eligibility; ``FAVOURABLE`` and ``NOT_REQUIRED`` ones are evaluated and shown only. A
    ``NOT_NEEDED_IF`` criterion that meets makes the program not applicable (an unclear one
    does not block anything).

Verdict
    Not needed (a ``NOT_NEEDED_IF`` criterion meets) beats everything; else any required
    criterion or group that does not meet makes the program not eligible; else any unclear
    one makes it possible, with ``depends_on`` saying in plain words what it depends on;
    else likely. A not-eligible headline always names the failed requirements.

What would change the outcome (``changes``)
    Computed, not written by hand. For a not-eligible or possible program, each required
    criterion or group that does not meet, or is unclear because of the answer ("I don't
    know" or not answered; never because of the rule), proposes the smallest answer that
    would meet it: the first listed value of an ``IN`` list (the lowest ranked for an
    ordered fact), the threshold of ``AT_LEAST`` / ``AT_MOST``, the nearer end of
    ``BETWEEN``. ``NOT_IN`` proposes nothing (no single value is "the" answer); citizenship
    is never proposed, nor being younger. Each proposal is applied to a copy of the answers
    and the program evaluated again; when several requirements fail, the first proposal of
    each is also tried together (so "a job offer in the United States and an employer who
    will sponsor you" is found). A change is reported when it improves the verdict (not
    eligible < possible < likely; becoming "not needed" does not count); the combined change
    only when it does better than every single one.

Figures
    ``is_current``: ``effective_from <= today <= effective_to``, either end open. ``applies``:
    a figure with no condition applies (meets, empty reason); otherwise its condition is
    checked like a criterion's: meets = applies to you, does not meet = does not apply,
    unclear = depends, and the reason says on what.

``deciding_facts``
    For a program not needed: the facts of the not-needed-if criteria that applied. For a
    not-eligible program: the facts of the failed required criteria. Otherwise the facts of
    every required criterion that has a condition on the answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from types import MappingProxyType

from visas.vocabulary import (
    FACTS,
    UNKNOWN,
    Clarity,
    Country,
    Fact,
    FactKind,
    Importance,
    LabelledEnum,
    Operator,
)

Answers = Mapping[str, object]
Value = str | int

# ---------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True)
class SourceRef:
    title: str
    publisher: str
    url: str
    published_on: date | None
    published_note: str
    accessed_on: date
    is_official: bool


@dataclass(frozen=True)
class Condition:
    fact: Fact
    operator: Operator
    values: tuple[Value, ...]


@dataclass(frozen=True)
class CriterionRule:
    id: int
    condition: Condition
    importance: Importance
    group: str
    statement: str
    clarity: Clarity
    as_of: date
    sources: tuple[SourceRef, ...]


@dataclass(frozen=True)
class FigureRule:
    id: int
    kind: str
    kind_label: str
    label: str
    value: Decimal | None
    value_text: str
    unit: str
    payer: str
    payer_label: str
    recurrence: str
    recurrence_label: str
    period: str
    effective_from: date | None
    effective_to: date | None
    applies: Condition | None
    applies_note: str
    note: str
    clarity: Clarity
    as_of: date
    sources: tuple[SourceRef, ...]


@dataclass(frozen=True)
class CaveatRule:
    id: int
    category: str
    category_label: str
    severity: str
    severity_label: str
    title: str
    text: str
    clarity: Clarity
    as_of: date
    sources: tuple[SourceRef, ...]


@dataclass(frozen=True)
class ProgramRules:
    slug: str
    name: str
    country: str
    status: str
    status_label: str
    summary: str
    revision: int
    last_reviewed_on: date
    url: str
    criteria: tuple[CriterionRule, ...]
    figures: tuple[FigureRule, ...]
    caveats: tuple[CaveatRule, ...]


# ---------------------------------------------------------------------------------------------
# Outputs


class Status(LabelledEnum):
    MEETS = "meets", "Meets"
    NOT_MET = "not_met", "Does not meet"
    UNCLEAR = "unclear", "Unclear"


class UnclearBecause(LabelledEnum):
    RULE = "rule", "The program's rule is unclear"
    ANSWER = "answer", "You answered “I don't know”"
    NOT_ANSWERED = "not_answered", "Not answered"


class Verdict(LabelledEnum):
    LIKELY = "likely", "Likely eligible"
    POSSIBLE = "possible", "Possibly eligible"
    NOT_ELIGIBLE = "not_eligible", "Not eligible as things stand"
    NOT_APPLICABLE = "not_applicable", "Not needed for you"


@dataclass(frozen=True)
class CriterionResult:
    criterion: CriterionRule
    status: Status
    unclear_because: UnclearBecause | None
    reason: str
    answer_label: str


@dataclass(frozen=True)
class FigureResult:
    figure: FigureRule
    applies: Status  # MEETS: applies to you; NOT_MET: does not; UNCLEAR: depends (see reason)
    reason: str
    is_current: bool


@dataclass(frozen=True)
class Change:
    """One way the verdict would improve: the answers to change and the verdict it gives.

    ``fact``, ``fact_label`` and ``value_label`` describe the first changed answer (joined with
    "; " when several change together); ``updates`` holds every (fact, new answer) pair.
    """

    fact: Fact
    fact_label: str
    value_label: str
    new_verdict: Verdict
    sentence: str
    updates: tuple[tuple[Fact, Value], ...]


@dataclass(frozen=True)
class ProgramResult:
    program: ProgramRules
    verdict: Verdict
    headline: str
    depends_on: tuple[str, ...]
    criteria: tuple[CriterionResult, ...]
    figures: tuple[FigureResult, ...]
    changes: tuple[Change, ...]
    deciding_facts: tuple[Fact, ...]


# ---------------------------------------------------------------------------------------------
# Wording: how an answer reads in a sentence ("you live in India") and as a thing one has
# ("a job offer in the United States"). Values without an entry fall back to their labels.


@dataclass(frozen=True)
class _Wording:
    said: str  # a clause with {} for the value: "your highest degree is {}"
    noun: str = "{}"  # a noun phrase with {} for the value: "{} of STEM work experience"
    said_values: Mapping[str, str] = field(default_factory=dict)
    noun_values: Mapping[str, str] = field(default_factory=dict)


_COUNTRIES: Mapping[str, str] = MappingProxyType(
    {
        Country.US: "the United States",
        Country.GB: "the United Kingdom",
        Country.PH: "the Philippines",
        Country.OTHER: "another country",
    }
)
_DEGREES: Mapping[str, str] = MappingProxyType(
    {
        "school": "secondary school or less",
        "vocational": "a vocational or associate qualification",
        "bachelor": "a Bachelor's degree",
        "master": "a Master's degree",
        "doctorate": "a doctorate (PhD)",
    }
)
_LANGUAGE_SAID: Mapping[str, str] = MappingProxyType(
    {
        "none": "none",
        "basic": "basic",
        "conversational": "conversational",
        "professional": "professional working level",
        "native": "native or bilingual",
    }
)


def _language_nouns(language: str) -> Mapping[str, str]:
    return MappingProxyType(
        {
            "none": f"no {language}",
            "basic": f"basic {language}",
            "conversational": f"conversational {language}",
            "professional": f"professional working {language}",
            "native": f"native or bilingual {language}",
        }
    )


_WORDING: Mapping[Fact, _Wording] = MappingProxyType(
    {
        Fact.CITIZENSHIP: _Wording("you are a citizen of {}", "citizenship of {}"),
        Fact.RESIDENCE: _Wording("you live in {}", "residence in {}"),
        Fact.DEGREE_COUNTRY: _Wording("you earned your degree in {}", "a degree from {}"),
        Fact.US_STATUS: _Wording(
            "{}",
            said_values={
                "citizen": "you are a US citizen",
                "green_card": "you hold a green card",
                "h1b": "you are on an H-1B",
                "f1_opt": "you are on an F-1 student visa (including OPT)",
                "other": "you hold another US visa or status",
                "none": "you have no US status",
            },
            noun_values={
                "citizen": "US citizenship",
                "green_card": "a green card",
                "h1b": "H-1B status",
                "f1_opt": "F-1 student status (including OPT)",
                "other": "another US visa or status",
                "none": "no US status",
            },
        ),
        Fact.AGE: _Wording("you are {} old", "an age of {}"),
        Fact.STEM_EXPERIENCE: _Wording(
            "you have {} of STEM work experience", "{} of STEM work experience"
        ),
        Fact.DEGREE: _Wording(
            "your highest degree is {}", said_values=_DEGREES, noun_values=_DEGREES
        ),
        Fact.FIELD: _Wording(
            "you studied {}",
            said_values={"stem": "a STEM subject", "non_stem": "a subject outside STEM"},
            noun_values={"stem": "a STEM degree", "non_stem": "a degree outside STEM"},
        ),
        Fact.INSTITUTION: _Wording(
            "your institution is {}",
            said_values={
                "world_top": "world top-ranked",
                "national": "nationally recognised",
                "not_recognised": "neither world top-ranked nor nationally recognised",
            },
            noun_values={
                "world_top": "a degree from a world top-ranked institution",
                "national": "a degree from a nationally recognised institution",
                "not_recognised": "a degree from a less well-known institution",
            },
        ),
        Fact.ACADEMIC_ROLE: _Wording(
            "{}",
            said_values={
                "yes": "you teach or do research at a university or institute",
                "no": "you do not teach or do research at a university or institute",
            },
            noun_values={
                "yes": "a teaching or research role at a university or institute",
                "no": "no teaching or research role at a university or institute",
            },
        ),
        Fact.JOB_OFFER: _Wording(
            "{}",
            said_values={
                "none": "you have no job offer",
                "china": "you have a job offer in China",
                "us": "you have a job offer in the United States",
                "elsewhere": "you have a job offer somewhere else",
            },
            noun_values={
                "none": "no job offer",
                "china": "a job offer in China",
                "us": "a job offer in the United States",
                "elsewhere": "a job offer somewhere else",
            },
        ),
        Fact.EMPLOYER_TYPE: _Wording(
            "your US employer is {}",
            said_values={
                "research": "a university or non-profit research organisation",
                "company": "a company",
            },
            noun_values={
                "research": "a university or non-profit research employer",
                "company": "a company as employer",
            },
        ),
        Fact.WAGE_LEVEL: _Wording(
            "the offered wage is {}",
            said_values={
                "1": "level I (entry)",
                "2": "level II (qualified)",
                "3": "level III (experienced)",
                "4": "level IV (fully competent)",
            },
            noun_values={
                "1": "a level I (entry) wage",
                "2": "a level II (qualified) wage",
                "3": "a level III (experienced) wage",
                "4": "a level IV (fully competent) wage",
            },
        ),
        Fact.SPONSOR: _Wording(
            "{}",
            said_values={
                "yes": "your employer will sponsor a visa",
                "no": "your employer will not sponsor a visa",
            },
            noun_values={
                "yes": "an employer who will sponsor you",
                "no": "an employer who will not sponsor you",
            },
        ),
        Fact.MANDARIN: _Wording(
            "your Mandarin level is {}",
            said_values=_LANGUAGE_SAID,
            noun_values=_language_nouns("Mandarin"),
        ),
        Fact.ENGLISH: _Wording(
            "your English level is {}",
            said_values=_LANGUAGE_SAID,
            noun_values=_language_nouns("English"),
        ),
        Fact.FAMILY: _Wording(
            "{}",
            said_values={
                "alone": "you are coming alone",
                "spouse": "a spouse or partner would come with you",
                "children": "children would come with you",
                "spouse_and_children": "a spouse or partner and children would come with you",
            },
            noun_values={
                "alone": "no accompanying family",
                "spouse": "an accompanying spouse or partner",
                "children": "accompanying children",
                "spouse_and_children": "an accompanying spouse or partner and children",
            },
        ),
    }
)

_COUNTRY_FACTS = frozenset({Fact.CITIZENSHIP, Fact.RESIDENCE, Fact.DEGREE_COUNTRY})


def _wording(fact: Fact) -> _Wording:
    return _WORDING.get(fact) or _Wording(f"your {FACTS[fact].label.lower()} is {{}}")


def _value_phrase(fact: Fact, value: Value, *, noun: bool) -> str:
    """One value as it reads inside its fact's clause or noun phrase."""
    spec = FACTS[fact]
    if spec.kind is FactKind.NUMBER:
        return _amount(fact, value)
    if fact in _COUNTRY_FACTS:
        return _COUNTRIES.get(str(value)) or spec.value_label(value)
    wording = _wording(fact)
    table = wording.noun_values if noun else wording.said_values
    return table.get(str(value)) or spec.value_label(value)


def _amount(fact: Fact, value: Value) -> str:
    unit = FACTS[fact].unit
    if unit == "years" and value == 1:
        unit = "year"
    return f"{value} {unit}".strip()


def _said(fact: Fact, values: Sequence[Value], prefix: str = "") -> str:
    """A clause stating the answer(s): "your highest degree is at least a Bachelor's degree"."""
    wording = _wording(fact)
    phrases = [_value_phrase(fact, value, noun=False) for value in values]
    if wording.said == "{}":  # each value is a whole clause
        return _join(phrases, "or")
    return wording.said.format(prefix + _join(phrases, "or"))


def _noun(fact: Fact, values: Sequence[Value], prefix: str = "") -> str:
    """A noun phrase for having the value(s): "a job offer in the United States"."""
    wording = _wording(fact)
    phrases = [_value_phrase(fact, value, noun=True) for value in values]
    if FACTS[fact].kind is FactKind.NUMBER:
        return wording.noun.format(prefix + _join(phrases, "or"))
    return prefix + _join([wording.noun.format(phrase) for phrase in phrases], "or")


def _join(items: Sequence[str], word: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text.endswith((".", "!", "?")) else f"{text}."


# ---------------------------------------------------------------------------------------------
# Reading answers and checking conditions


def _answer(fact: Fact, answers: Answers) -> Value | None:
    """The valid answer to a fact, ``UNKNOWN``, or None when absent or not a valid answer."""
    raw = answers.get(fact.value)
    spec = FACTS[fact]
    if isinstance(raw, str):
        if raw == UNKNOWN:
            return UNKNOWN
        if spec.values is not None and raw in _ALLOWED[fact]:
            return str(raw)
        return None
    if (
        spec.kind is FactKind.NUMBER
        and isinstance(raw, int)
        and not isinstance(raw, bool)
        and spec.minimum <= raw <= spec.maximum
    ):
        return raw
    return None


_ALLOWED: Mapping[Fact, frozenset[str]] = MappingProxyType(
    {
        fact: frozenset(member.value for member in spec.values)
        for fact, spec in FACTS.items()
        if spec.values is not None
    }
)


_RANKS: Mapping[Fact, Mapping[str, int]] = MappingProxyType(
    {
        fact: {member.value: spec.rank(member.value) for member in spec.values}
        for fact, spec in FACTS.items()
        if spec.kind is FactKind.ORDERED and spec.values is not None
    }
)


def _key(fact: Fact, value: object) -> int | None:
    """Where a value sits for AT_LEAST / AT_MOST / BETWEEN, or None if it has no place."""
    spec = FACTS[fact]
    if spec.kind is FactKind.NUMBER:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return None
    if spec.kind is FactKind.ORDERED and isinstance(value, str):
        return _RANKS[fact].get(value)
    return None


def _bounds(condition: Condition) -> tuple[int, int] | None:
    """The inclusive (low, high) ranks or numbers a threshold condition allows; None if
    the threshold cannot be read."""
    fact, values = condition.fact, condition.values
    keys = [_key(fact, value) for value in values]
    if any(key is None for key in keys):
        return None
    numbers = [key for key in keys if key is not None]
    lowest, highest = -(10**9), 10**9
    if condition.operator is Operator.AT_LEAST and len(numbers) == 1:
        return numbers[0], highest
    if condition.operator is Operator.AT_MOST and len(numbers) == 1:
        return lowest, numbers[0]
    if condition.operator is Operator.BETWEEN and len(numbers) == 2 and numbers[0] <= numbers[1]:
        return numbers[0], numbers[1]
    return None


def _readable(condition: Condition) -> bool:
    """Whether the condition has a threshold the engine can check."""
    operator = condition.operator
    if operator is Operator.ANY:
        return True
    if operator is Operator.UNSPECIFIED:
        return False
    if operator in (Operator.IN, Operator.NOT_IN):
        return bool(condition.values)
    return _bounds(condition) is not None


def _holds(condition: Condition, value: Value) -> bool:
    """Whether a valid answer satisfies a readable condition."""
    operator = condition.operator
    if operator is Operator.ANY:
        return True
    if operator is Operator.IN:
        return value in condition.values
    if operator is Operator.NOT_IN:
        return value not in condition.values
    bounds = _bounds(condition)
    key = _key(condition.fact, value)
    return bounds is not None and key is not None and bounds[0] <= key <= bounds[1]


def _possible_values(condition: Condition) -> tuple[Value, ...]:
    """Every answer worth trying for "I don't know": all enum values, or for a number fact the
    range ends and each threshold with its neighbours (enough for these conditions)."""
    spec = FACTS[condition.fact]
    if spec.values is not None:
        return tuple(member.value for member in spec.values)
    candidates = {spec.minimum, spec.maximum}
    for value in condition.values:
        if isinstance(value, int) and not isinstance(value, bool):
            candidates.update({value - 1, value, value + 1})
    return tuple(sorted(n for n in candidates if spec.minimum <= n <= spec.maximum))


class _Outcome(Enum):
    PASS = "pass"
    FAIL = "fail"
    MIXED = "mixed"  # "I don't know", and the answer would matter
    NO_THRESHOLD = "no_threshold"
    NO_ANSWER = "no_answer"


def _outcome(condition: Condition, answer: Value | None) -> _Outcome:
    if condition.operator is Operator.ANY:
        return _Outcome.PASS
    if not _readable(condition):
        return _Outcome.NO_THRESHOLD
    if answer is None:
        return _Outcome.NO_ANSWER
    if answer == UNKNOWN:
        results = {_holds(condition, value) for value in _possible_values(condition)}
        if results == {True}:
            return _Outcome.PASS
        if results == {False}:
            return _Outcome.FAIL
        return _Outcome.MIXED
    return _Outcome.PASS if _holds(condition, answer) else _Outcome.FAIL


def _requirement(condition: Condition) -> str:
    """What the condition asks for, as a noun phrase: "at least a Bachelor's degree"."""
    fact, operator, values = condition.fact, condition.operator, condition.values
    if operator is Operator.ANY:
        return "no particular answer"
    if not _readable(condition):
        return f"something about your {FACTS[fact].label.lower()} that the sources do not state"
    if operator is Operator.IN:
        return _noun(fact, values)
    if operator is Operator.NOT_IN:
        return f"anything but {_noun(fact, values)}"
    if operator is Operator.AT_LEAST:
        return _noun(fact, values, "at least ")
    if operator is Operator.AT_MOST:
        return _noun(fact, values, "at most ")
    low, high = values
    return _wording(fact).noun.format(f"between {low} and {_amount(fact, high)}")


def _meets_when(condition: Condition) -> str:
    """When an answer would satisfy the condition: "if you live in China", "unless ..."."""
    fact, operator, values = condition.fact, condition.operator, condition.values
    if operator is Operator.IN:
        return f"if {_said(fact, values)}"
    if operator is Operator.NOT_IN:
        return f"unless {_said(fact, values)}"
    if operator is Operator.AT_LEAST:
        return f"if {_said(fact, values, 'at least ')}"
    if operator is Operator.AT_MOST:
        return f"if {_said(fact, values, 'at most ')}"
    if operator is Operator.BETWEEN:
        low, high = values
        return f"if {_wording(fact).said.format(f'between {low} and {_amount(fact, high)}')}"
    return "whatever your answer"


# ---------------------------------------------------------------------------------------------
# Criteria

_ASKS: Mapping[Importance, str] = MappingProxyType(
    {
        Importance.REQUIRED: "the program asks for {}",
        Importance.FAVOURABLE: "the program favours {}",
        Importance.NOT_REQUIRED: "the program mentions {} but does not require it",
        Importance.NOT_NEEDED_IF: "the program is not needed with {}",
    }
)
_MEETS_LEAD: Mapping[Importance, str] = MappingProxyType(
    {
        Importance.REQUIRED: "You meet this",
        Importance.FAVOURABLE: "This counts in your favour",
        Importance.NOT_REQUIRED: "This would apply to you",
        Importance.NOT_NEEDED_IF: "You would not need this program",
    }
)
_DONT_KNOW = "You answered “I don't know”"


def _evaluate_criterion(rule: CriterionRule, answers: Answers) -> CriterionResult:
    condition = rule.condition
    fact = condition.fact
    answer = _answer(fact, answers)
    answer_label = "" if answer is None else FACTS[fact].value_label(answer)
    outcome = _outcome(condition, answer)
    asks = _ASKS[rule.importance].format(_requirement(condition))
    said = "" if answer is None or answer == UNKNOWN else _said(fact, [answer])

    def result(status: Status, because: UnclearBecause | None, reason: str) -> CriterionResult:
        return CriterionResult(rule, status, because, reason, answer_label)

    if condition.operator is Operator.ANY:
        reason = "There is no requirement here: any answer will do."
        if said:
            reason += f" You said {said}."
        return result(Status.MEETS, None, reason)
    if outcome is _Outcome.NO_THRESHOLD:
        statement = _sentence(rule.statement)
        if answer is None:
            tail = "The sources publish no threshold for this, so no answer can settle it."
        else:
            tail = (
                f"The sources publish no threshold for this, so your answer "
                f"(“{answer_label}”) cannot settle it."
            )
        return result(Status.UNCLEAR, UnclearBecause.RULE, f"{statement} {tail}".strip())
    if outcome is _Outcome.NO_ANSWER:
        return result(
            Status.UNCLEAR,
            UnclearBecause.NOT_ANSWERED,
            f"“{FACTS[fact].label}” was not asked for your situation; {asks}.",
        )
    if outcome is _Outcome.MIXED:
        return result(
            Status.UNCLEAR,
            UnclearBecause.ANSWER,
            f"{_DONT_KNOW}. {_MEETS_LEAD[rule.importance]} {_meets_when(condition)}.",
        )

    passed = outcome is _Outcome.PASS
    if said:
        basis = f"You said {said}"
    elif passed:
        basis = f"{_DONT_KNOW}, but every possible answer meets this"
    else:
        basis = f"{_DONT_KNOW}, but no possible answer meets this"
    if rule.clarity is Clarity.UNCLEAR:
        if passed:
            return result(
                Status.UNCLEAR,
                UnclearBecause.RULE,
                f"{basis}, which meets the broadest reading of this rule ({asks}); "
                f"the sources leave it unclear whether that is enough.",
            )
        return result(
            Status.NOT_MET,
            None,
            f"{basis}; even the broadest reading of this rule ({asks}) excludes you.",
        )
    return result(Status.MEETS if passed else Status.NOT_MET, None, f"{basis}; {asks}.")


@dataclass(frozen=True)
class _Unit:
    """A criterion, or a group of alternative criteria, as it counts for the verdict."""

    importance: Importance
    members: tuple[CriterionResult, ...]
    status: Status


def _units(results: Sequence[CriterionResult]) -> tuple[_Unit, ...]:
    grouped: dict[tuple[Importance, str], list[CriterionResult]] = {}
    order: list[tuple[Importance, str] | CriterionResult] = []
    for result in results:
        group = result.criterion.group
        if not group:
            order.append(result)
            continue
        key = (result.criterion.importance, group)
        if key not in grouped:
            grouped[key] = []
            order.append(key)
        grouped[key].append(result)
    units = []
    for item in order:
        if isinstance(item, CriterionResult):
            units.append(_Unit(item.criterion.importance, (item,), item.status))
            continue
        members = tuple(grouped[item])
        statuses = {member.status for member in members}
        if Status.MEETS in statuses:
            status = Status.MEETS
        elif Status.UNCLEAR in statuses:
            status = Status.UNCLEAR
        else:
            status = Status.NOT_MET
        units.append(_Unit(item[0], members, status))
    return tuple(units)


def _depends_on_item(unit: _Unit) -> str:
    """What an unclear requirement depends on, in plain words."""
    parts = []
    for member in unit.members:
        if member.status is not Status.UNCLEAR:
            continue
        condition = member.criterion.condition
        if member.unclear_because is UnclearBecause.RULE:
            statement = member.criterion.statement.strip().rstrip(".")
            label = FACTS[condition.fact].label
            parts.append(statement or f"what the program asks about “{label}”")
            continue
        if condition.operator is Operator.NOT_IN:
            part = f"whether {_said(condition.fact, condition.values)} (that would rule it out)"
        else:
            part = f"whether {_meets_when(condition).removeprefix('if ')}"
        if member.unclear_because is UnclearBecause.NOT_ANSWERED:
            part += " (not answered yet)"
        parts.append(part)
    return "; or ".join(parts)


@dataclass(frozen=True)
class _Assessment:
    verdict: Verdict
    criteria: tuple[CriterionResult, ...]
    units: tuple[_Unit, ...]


def _assess(program: ProgramRules, answers: Answers) -> _Assessment:
    criteria = tuple(_evaluate_criterion(rule, answers) for rule in program.criteria)
    units = _units(criteria)
    required = [unit for unit in units if unit.importance is Importance.REQUIRED]
    if any(
        unit.importance is Importance.NOT_NEEDED_IF and unit.status is Status.MEETS
        for unit in units
    ):
        verdict = Verdict.NOT_APPLICABLE
    elif any(unit.status is Status.NOT_MET for unit in required):
        verdict = Verdict.NOT_ELIGIBLE
    elif any(unit.status is Status.UNCLEAR for unit in required):
        verdict = Verdict.POSSIBLE
    else:
        verdict = Verdict.LIKELY
    return _Assessment(verdict, criteria, units)


# ---------------------------------------------------------------------------------------------
# What would change the outcome

_RANK: Mapping[Verdict, int] = MappingProxyType(
    {Verdict.NOT_ELIGIBLE: 0, Verdict.POSSIBLE: 1, Verdict.LIKELY: 2}
)


# Unclear because of the answer (or its absence): another answer could settle it.
_ANSWER_CAUSES = frozenset({UnclearBecause.ANSWER, UnclearBecause.NOT_ANSWERED})


def _proposal(condition: Condition, answer: Value | None) -> Value | None:
    """The smallest answer that would satisfy the condition, or None if there is none to
    propose (see the module docstring)."""
    fact, operator = condition.fact, condition.operator
    if fact is Fact.CITIZENSHIP or not _readable(condition):
        return None
    spec = FACTS[fact]
    proposal: Value | None = None
    if operator is Operator.IN:
        valid = [value for value in condition.values if _valid(fact, value)]
        if spec.kind is FactKind.ORDERED:
            valid.sort(key=lambda value: _key(fact, value) or 0)
        proposal = valid[0] if valid else None
    elif operator in (Operator.AT_LEAST, Operator.AT_MOST):
        proposal = condition.values[0]
    elif operator is Operator.BETWEEN:
        low, high = condition.values
        above = isinstance(answer, int) and isinstance(high, int) and answer > high
        proposal = high if above else low
    if proposal is None or proposal == answer:
        return None
    younger = isinstance(answer, int) and isinstance(proposal, int) and proposal < answer
    if fact is Fact.AGE and younger:  # nobody can become younger
        return None
    return proposal if _valid(fact, proposal) else None


def _valid(fact: Fact, value: object) -> bool:
    """Whether a value is a real answer to the fact (not "I don't know", not invalid)."""
    return _answer(fact, {fact.value: value}) not in (None, UNKNOWN)


def _changes(
    program: ProgramRules, answers: Answers, assessment: _Assessment
) -> tuple[Change, ...]:
    if assessment.verdict not in (Verdict.NOT_ELIGIBLE, Verdict.POSSIBLE):
        return ()
    proposals_by_unit: list[list[tuple[Fact, Value]]] = []
    for unit in assessment.units:
        if unit.importance is not Importance.REQUIRED or unit.status is Status.MEETS:
            continue
        if unit.status is Status.UNCLEAR and not any(
            member.unclear_because in _ANSWER_CAUSES for member in unit.members
        ):
            continue
        proposals: list[tuple[Fact, Value]] = []
        for member in unit.members:
            if member.status is Status.MEETS:
                continue
            condition = member.criterion.condition
            value = _proposal(condition, _answer(condition.fact, answers))
            if value is not None and (condition.fact, value) not in proposals:
                proposals.append((condition.fact, value))
        if proposals:
            proposals_by_unit.append(proposals)

    current = _RANK[assessment.verdict]
    tried: set[tuple[tuple[Fact, Value], ...]] = set()
    singles: list[Change] = []
    for proposals in proposals_by_unit:
        for proposal in proposals:
            change = _try(program, answers, (proposal,), current, tried)
            if change is not None:
                singles.append(change)
    changes = list(singles)
    if len(proposals_by_unit) > 1:
        combined: dict[Fact, Value] = {}
        for proposals in proposals_by_unit:
            fact, value = proposals[0]
            combined.setdefault(fact, value)
        best_single = max((_RANK[change.new_verdict] for change in singles), default=current)
        change = _try(program, answers, tuple(combined.items()), best_single, tried)
        if change is not None:
            changes.append(change)
    return tuple(changes)


def _try(
    program: ProgramRules,
    answers: Answers,
    updates: tuple[tuple[Fact, Value], ...],
    to_beat: int,
    tried: set[tuple[tuple[Fact, Value], ...]],
) -> Change | None:
    """The change if applying ``updates`` gives a verdict ranked above ``to_beat``."""
    if updates in tried:
        return None
    tried.add(updates)
    changed = {**answers, **{fact.value: value for fact, value in updates}}
    verdict = _assess(program, changed).verdict
    if verdict not in _RANK or _RANK[verdict] <= to_beat:
        return None
    nouns = [_noun(fact, [value]) for fact, value in updates]
    return Change(
        fact=updates[0][0],
        fact_label="; ".join(FACTS[fact].label for fact, _ in updates),
        value_label="; ".join(FACTS[fact].value_label(value) for fact, value in updates),
        new_verdict=verdict,
        sentence=f"With {_join(nouns, 'and')}, {program.name} would become "
        f"{verdict.label.lower()}.",
        updates=updates,
    )


def _plain(answers: Answers) -> dict[str, object]:
    """The answers to the known facts as a plain dict (the only keys the engine reads); not
    a mapping at all counts as no answers."""
    if not isinstance(answers, Mapping):
        return {}
    return {fact.value: answers[fact.value] for fact in Fact if fact.value in answers}


# ---------------------------------------------------------------------------------------------
# Figures


def _evaluate_figure(figure: FigureRule, answers: Answers, today: date) -> FigureResult:
    is_current = (figure.effective_from is None or figure.effective_from <= today) and (
        figure.effective_to is None or today <= figure.effective_to
    )
    condition = figure.applies
    if condition is None:
        return FigureResult(figure, Status.MEETS, "", is_current)
    answer = _answer(condition.fact, answers)
    outcome = _outcome(condition, answer)
    said = "" if answer is None or answer == UNKNOWN else _said(condition.fact, [answer])
    if outcome is _Outcome.PASS:
        reason = f"Applies to you: you said {said}." if said else "Applies to you."
        return FigureResult(figure, Status.MEETS, reason, is_current)
    if outcome is _Outcome.FAIL:
        reason = f"Does not apply to you: you said {said}." if said else "Does not apply to you."
        return FigureResult(figure, Status.NOT_MET, reason, is_current)
    if outcome is _Outcome.NO_THRESHOLD:
        note = _sentence(figure.applies_note) or "The sources do not say who it applies to."
        return FigureResult(figure, Status.UNCLEAR, f"It depends. {note}", is_current)
    lead = _DONT_KNOW + "." if outcome is _Outcome.MIXED else "It was not asked for your situation."
    return FigureResult(
        figure, Status.UNCLEAR, f"Applies {_meets_when(condition)}. {lead}", is_current
    )


# ---------------------------------------------------------------------------------------------
# The program's verdict


def _headline(
    program: ProgramRules, answers: Answers, assessment: _Assessment, depends_on: Sequence[str]
) -> str:
    verdict = assessment.verdict
    if verdict is Verdict.NOT_APPLICABLE:
        member = next(
            member
            for unit in assessment.units
            if unit.importance is Importance.NOT_NEEDED_IF and unit.status is Status.MEETS
            for member in unit.members
            if member.status is Status.MEETS
        )
        fact = member.criterion.condition.fact
        answer = _answer(fact, answers)
        if answer is None or answer == UNKNOWN:
            because = _sentence(member.criterion.statement) or "every possible answer exempts you."
            return f"You do not need the {program.name}: {because}"
        return f"Because {_said(fact, [answer])}, you do not need the {program.name}."
    if verdict is Verdict.NOT_ELIGIBLE:
        failed = [
            _join([_requirement(member.criterion.condition) for member in unit.members], "or")
            for unit in assessment.units
            if unit.importance is Importance.REQUIRED and unit.status is Status.NOT_MET
        ]
        return f"It asks for {_join(failed, 'and')}."
    if verdict is Verdict.POSSIBLE:
        count = len(depends_on)
        points = "1 requirement is" if count == 1 else f"{count} requirements are"
        return f"Nothing rules you out, but {points} unclear."
    return "You meet every requirement the sources state."


def _deciding_facts(assessment: _Assessment) -> tuple[Fact, ...]:
    verdict = assessment.verdict
    facts: list[Fact] = []
    for unit in assessment.units:
        if verdict is Verdict.NOT_APPLICABLE:
            chosen = unit.importance is Importance.NOT_NEEDED_IF and unit.status is Status.MEETS
            members = [m for m in unit.members if m.status is Status.MEETS] if chosen else []
        elif verdict is Verdict.NOT_ELIGIBLE:
            chosen = unit.importance is Importance.REQUIRED and unit.status is Status.NOT_MET
            members = list(unit.members) if chosen else []
        else:
            members = list(unit.members) if unit.importance is Importance.REQUIRED else []
        for member in members:
            condition = member.criterion.condition
            if condition.operator is Operator.ANY or not _readable(condition):
                continue
            if condition.fact not in facts:
                facts.append(condition.fact)
    return tuple(facts)


def evaluate_program(program: ProgramRules, answers: Answers, *, today: date) -> ProgramResult:
    """How one program's rules read against the answers (see the module docstring)."""
    answers = _plain(answers)
    assessment = _assess(program, answers)
    depends_on: tuple[str, ...] = ()
    if assessment.verdict is Verdict.POSSIBLE:
        depends_on = tuple(
            _depends_on_item(unit)
            for unit in assessment.units
            if unit.importance is Importance.REQUIRED and unit.status is Status.UNCLEAR
        )
    return ProgramResult(
        program=program,
        verdict=assessment.verdict,
        headline=_headline(program, answers, assessment, depends_on),
        depends_on=depends_on,
        criteria=assessment.criteria,
        figures=tuple(_evaluate_figure(figure, answers, today) for figure in program.figures),
        changes=_changes(program, answers, assessment),
        deciding_facts=_deciding_facts(assessment),
    )


def evaluate(
    programs: Sequence[ProgramRules], answers: Answers, *, today: date
) -> tuple[ProgramResult, ...]:
    """Every program's result, in the order given (ordering for display is the caller's)."""
    return tuple(evaluate_program(program, answers, today=today) for program in programs)


# ---------------------------------------------------------------------------------------------
# Snapshots

# Fields that may hold None instead of an enum, and tuples of enums: both get labels too.
_OPTIONAL_ENUM_FIELDS = frozenset({"unclear_because"})
_ENUM_TUPLE_FIELDS = frozenset({"deciding_facts"})


def result_to_dict(result: ProgramResult) -> dict[str, object]:
    """The result as JSON-safe data with the same field names, plus a ``<field>_label`` next
    to every enum (so a stored snapshot renders without the engine)."""
    data = _to_json(result)
    assert isinstance(data, dict)
    return data


def _to_json(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    if is_dataclass(value) and not isinstance(value, type):
        data: dict[str, object] = {}
        for attribute in fields(value):
            name = attribute.name
            item = getattr(value, name)
            data[name] = _to_json(item)
            if isinstance(item, LabelledEnum):
                data[f"{name}_label"] = item.label
            elif name in _OPTIONAL_ENUM_FIELDS and item is None:
                data[f"{name}_label"] = ""
            elif name in _ENUM_TUPLE_FIELDS:
                data[f"{name}_labels"] = [member.label for member in item]
        _add_labels(value, data)
        return data
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (tuple, list)):
        return [_to_json(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): _to_json(item) for key, item in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _country_label(code: str) -> str:
    try:
        return Country(code).label
    except ValueError:
        return code


def _add_labels(value: object, data: dict[str, object]) -> None:
    if isinstance(value, Condition):
        data["values_label"] = ", ".join(
            FACTS[value.fact].value_label(item) for item in value.values
        )
        data["requirement"] = _requirement(value)
    elif isinstance(value, ProgramRules):
        data["country_label"] = _country_label(value.country)
