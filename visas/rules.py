"""The evaluation engine: how each visa program's published rules read against one applicant.

Pure Python with no Django imports, and no sentences: frozen dataclasses in
(:class:`ProgramRules`, built from the database by :mod:`visas.selectors` or by hand in tests)
and frozen dataclasses out (:class:`ProgramResult`) holding statuses, cause codes, answers,
points and proposals. :mod:`visas.wording` turns them into translatable sentences at display
time; :func:`snapshot_dump` / :func:`snapshot_load` store them as versioned JSON, which names
each program's rules by a digest so that they can be stored once (:func:`rules_dump`).

Answers
    A mapping from an answer key (``vocabulary.answer_key``: the ``Fact`` value, or for a
    keyed fact the fact and its key, ``"language_level:zh"``) to the answer: an enum value, a
    whole number for number facts, or ``UNKNOWN`` ("I don't know"). A fact that was not asked
    is absent; a value that is not valid for its fact counts as absent, so any mapping
    whatever can be evaluated. Someone who lives in one country has status ``none`` in every
    other country whose statuses the vocabulary knows.

Conditions (a rule on one fact)
    A keyed fact's condition names its key (``language_level`` of ``zh`` at least ``B1``);
    a key the fact does not have makes the condition unreadable (unclear, ``RULE_UNDEFINED``),
    and an unanswered key reads as not answered.
    ``IN`` / ``NOT_IN``: membership. ``AT_LEAST`` / ``AT_MOST``: by rank in the ordered enum,
    or numerically. ``BETWEEN``: inclusive, numbers only. ``ANY``: always true.
    ``UNSPECIFIED``: no threshold is published, so no answer settles it (a malformed
    threshold reads the same way).

A criterion's status (:class:`Status`, with a :class:`Cause` when unclear)
    * ``ANY`` meets; ``UNSPECIFIED``: unclear, ``RULE_UNDEFINED``; no answer: unclear,
      ``NOT_ANSWERED``.
    * "I don't know": the condition is tried with every possible answer; all meet: meets;
      none: does not meet; otherwise unclear, ``ANSWER_UNKNOWN``, with ``meets_with``.
    * A rule of clarity ``UNCLEAR`` is read in its broadest form: failing even that does not
      meet; passing it is unclear, ``RULE_UNCLEAR``.
    * Legal status: on the evaluation date an item is in force only if its status is
      ``IN_FORCE`` and the date lies within its effective dates (past its end it is
      ``EXPIRED``, before its start ``NOT_YET``). A rule not in force cannot count against
      the applicant nor for an exemption: what would have been "does not meet" for a
      requirement (or "meets" for an exemption) becomes unclear, ``LEGAL_STATUS``.

Amounts (salary, savings)
    An amount is answered once, in the applicant's currency ("52000 INR"); a condition names
    the currency of its threshold as its key. The answer is converted with the program's
    exchange rates (:class:`Rate`, euro reference rates with their date and source): into
    the same currency it is exact; across currencies it is a range of ±``CONVERSION_MARGIN``
    around the converted amount, so a result within that margin of the threshold is unclear
    (``CONVERSION``). A currency without a rate cannot be compared: unclear (``NO_RATE``).

Requirement trees
    A program's requirements are nested groups (:class:`GroupRule`): *all* or *any* of their
    members, each member a criterion, a points table or another group. A group with a
    ``route`` label is a named route ("Graduate route"). Every group and criterion has an
    :class:`Importance`; the top-level members of each importance are *units*:

    * ``REQUIRED`` units all count (an implicit *all* at the root): any not met → not
      eligible, else any unclear → possible, else the applicant can apply.
    * ``NOT_NEEDED_IF``: a unit that meets makes the program not needed.
    * ``SELECTION_EXEMPT_IF``: a unit that meets takes the applicant out of the selection
      (e.g. the H-1B cap); an unclear one makes that a maybe.
    * ``SELECTION_ADVANTAGE``: listed with the selection (e.g. the US master's cap).
    * ``WARNING_UNLESS``: an unconfirmed limit (e.g. an age that "young" very likely does
      not reach): a unit that does not meet is a warning, never a verdict.
    * ``FAVOURABLE`` / ``NOT_REQUIRED``: evaluated and shown, never decisive.

    *all* fails if a member fails, is unclear if a member is unclear, else meets; *any*
    meets if a member meets, is unclear if a member is unclear, else fails. ``failed`` counts
    the leaves that do not meet, which says which route is closest.

Points tables
    Rows (condition → points) in categories, an optional cap per category, a pass mark.
    A category's points are the sum of its rows that meet, capped; with an unknown or absent
    answer every possible answer is tried, giving a range (min to max). The table meets when
    even the minimum reaches the pass mark, fails when the maximum cannot, and is unclear
    between (or when no pass mark or no rows are published: ``RULE_UNDEFINED``).

Figures
    A figure with no condition applies to everyone; otherwise its condition is checked like a
    criterion's. One past its end date (or before its start) does not apply today
    (``LEGAL_STATUS``); one whose status is otherwise not in force is unclear.

Selection (:class:`SelectionResult`)
    Separate from "can you apply": the program's mechanism, whether this applicant is exempt,
    the advantages that apply, and the estimated chance: the selection-rate figures marked
    ``estimates_chance`` that are in force and apply to the applicant (a single value), or
    could apply (a range from the lowest to the highest).

Verdict (:class:`Verdict`)
    Not needed beats everything; a suspended program is not eligible; a program announced or
    proposed (not yet in force) is at best possible.

What would change the outcome (``changes``)
    Computed by evaluating again, never written by hand. For each required unit that is not
    met (or unclear because of the answer), each criterion that is not met, and of a points
    table the three rows worth most that are not earned (one per fact), proposes the smallest
    answer that would meet it (never citizenship, never being younger). Each proposal is tried alone, and the first of each unit together; a change is
    kept when it improves the verdict (not eligible < possible < can apply), the combined one
    only when it beats every single one.

``deciding_facts``
    The facts (with their keys) that decided: those of the units that made the program not needed, of the
    failed required units for a not-eligible program, otherwise of every required criterion
    with a condition on the answer.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import json
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from decimal import Decimal
from enum import Enum, StrEnum
from types import MappingProxyType

from visas.vocabulary import (
    FACTS,
    NONE,
    UNKNOWN,
    CaveatCategory,
    Clarity,
    Combine,
    Fact,
    FactKind,
    FactSpec,
    FigureKind,
    Importance,
    LabelledEnum,
    LegalStatus,
    Operator,
    Payer,
    ProgramStatus,
    Recurrence,
    Selection,
    Severity,
    answer_key,
    answer_keys,
    money_format,
    money_parse,
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
    note: str = ""


@dataclass(frozen=True)
class Legal:
    """An item's legal standing: its status, since when and why, and its effective dates."""

    status: LegalStatus = LegalStatus.IN_FORCE
    effective_from: date | None = None
    effective_to: date | None = None
    changed_on: date | None = None
    note: str = ""
    source: SourceRef | None = None

    def on(self, today: date) -> LegalStatus:
        """The status on a date: the dates win over a status of "in force"."""
        if self.effective_to is not None and today > self.effective_to:
            return LegalStatus.EXPIRED
        if self.effective_from is not None and today < self.effective_from:
            return LegalStatus.NOT_YET if self.status is LegalStatus.IN_FORCE else self.status
        return self.status


IN_FORCE = Legal()


@dataclass(frozen=True)
class Rate:
    """An exchange rate: units of ``currency`` per euro, on a date, from a source."""

    currency: str
    per_eur: Decimal
    as_of: date
    clarity: Clarity
    sources: tuple[SourceRef, ...]


@dataclass(frozen=True)
class Condition:
    fact: Fact
    operator: Operator
    values: tuple[Value, ...]
    key: str = ""  # for a keyed fact: the country or language ("zh"); "" otherwise

    @property
    def answer_key(self) -> str:
        return answer_key(self.fact, self.key)


@dataclass(frozen=True)
class CriterionRule:
    id: int
    condition: Condition
    importance: Importance
    group: str  # the key of the group it belongs to; "" for the top level
    statement: str
    clarity: Clarity
    as_of: date
    sources: tuple[SourceRef, ...]
    legal: Legal = IN_FORCE
    review_by: date | None = None  # likely to change: to be checked again by this date


@dataclass(frozen=True)
class GroupRule:
    key: str
    parent: str  # "" for the top level
    combine: Combine
    importance: Importance = Importance.REQUIRED
    route: str = ""  # a named route ("Graduate route"); "" for a plain group


@dataclass(frozen=True)
class PointsRow:
    id: int
    category: str
    condition: Condition
    points: int
    label: str


@dataclass(frozen=True)
class PointsTableRule:
    id: int
    key: str
    group: str
    name: str
    pass_mark: int | None  # None: the sources publish none
    caps: tuple[tuple[str, int], ...]
    rows: tuple[PointsRow, ...]
    clarity: Clarity
    as_of: date
    sources: tuple[SourceRef, ...]
    legal: Legal = IN_FORCE
    review_by: date | None = None  # likely to change: to be checked again by this date


@dataclass(frozen=True)
class FigureRule:
    id: int
    kind: FigureKind
    label: str
    value: Decimal | None
    value_text: str
    unit: str
    payer: Payer
    recurrence: Recurrence
    period: str
    applies: Condition | None
    applies_note: str
    note: str
    clarity: Clarity
    as_of: date
    sources: tuple[SourceRef, ...]
    legal: Legal = IN_FORCE
    review_by: date | None = None  # likely to change: to be checked again by this date
    estimates_chance: bool = False


@dataclass(frozen=True)
class CaveatRule:
    id: int
    category: CaveatCategory
    severity: Severity
    title: str
    text: str
    clarity: Clarity
    as_of: date
    sources: tuple[SourceRef, ...]
    legal: Legal = IN_FORCE
    review_by: date | None = None  # likely to change: to be checked again by this date


@dataclass(frozen=True)
class ProgramRules:
    slug: str
    name: str
    country: str
    status: ProgramStatus
    summary: str
    revision: int
    last_reviewed_on: date
    url: str
    criteria: tuple[CriterionRule, ...]
    figures: tuple[FigureRule, ...] = ()
    caveats: tuple[CaveatRule, ...] = ()
    groups: tuple[GroupRule, ...] = ()
    points_tables: tuple[PointsTableRule, ...] = ()
    selection: Selection = Selection.NONE
    selection_note: str = ""
    selection_clarity: Clarity = Clarity.UNCLEAR
    selection_as_of: date | None = None
    selection_sources: tuple[SourceRef, ...] = ()
    authority: str = ""
    official_url: str = ""
    in_force_on: date | None = None
    last_reviewed_by: str = ""
    # Exchange rates for comparing amounts (only for a program with amount conditions).
    rates: tuple[Rate, ...] = ()

    def facts_used(self) -> frozenset[tuple[Fact, str]]:
        """Every applicant fact (with its key) a rule of this program reads."""
        conditions = [c.condition for c in self.criteria]
        conditions += [row.condition for table in self.points_tables for row in table.rows]
        conditions += [f.applies for f in self.figures if f.applies is not None]
        return frozenset(
            (c.fact, "" if FACTS[c.fact].kind is FactKind.MONEY else c.key)
            for c in conditions
            if c.operator is not Operator.ANY
        )


# ---------------------------------------------------------------------------------------------
# Outputs


class Status(StrEnum):
    MEETS = "meets"
    NOT_MET = "not_met"
    UNCLEAR = "unclear"


class Cause(StrEnum):
    """Why something is unclear."""

    RULE_UNDEFINED = "rule_undefined"  # the sources publish no threshold
    RULE_UNCLEAR = "rule_unclear"  # met on the broadest reading of a vague rule
    ANSWER_UNKNOWN = "answer_unknown"  # "I don't know", and the answer matters
    NOT_ANSWERED = "not_answered"  # not asked, or not answered yet
    LEGAL_STATUS = "legal_status"  # the rule is not plainly in force today
    CONVERSION = "conversion"  # an amount near the threshold once converted between currencies
    NO_RATE = "no_rate"  # no exchange rate to compare an amount in another currency
    PROGRAM_STATUS = "program_status"  # the program is announced, proposed or suspended


class Verdict(StrEnum):
    CAN_APPLY = "can_apply"
    POSSIBLE = "possible"
    NOT_ELIGIBLE = "not_eligible"
    NOT_NEEDED = "not_needed"


class NodeKind(StrEnum):
    GROUP = "group"
    CRITERION = "criterion"
    POINTS = "points"


class Exemption(StrEnum):
    """Whether the program's selection applies to this applicant."""

    SUBJECT = "subject"
    EXEMPT = "exempt"
    MAYBE_EXEMPT = "maybe_exempt"


@dataclass(frozen=True)
class CriterionResult:
    id: int
    status: Status
    cause: Cause | None = None
    answer: Value | None = None
    meets_with: tuple[Value, ...] = ()  # with "I don't know": the answers that would meet
    legal: LegalStatus = LegalStatus.IN_FORCE


@dataclass(frozen=True)
class NodeResult:
    """A criterion, points table or group as it counts: ``ref`` is the criterion or table id,
    or the group key."""

    kind: NodeKind
    ref: str
    status: Status
    failed: int = 0
    children: tuple[NodeResult, ...] = ()


@dataclass(frozen=True)
class PointsRowResult:
    id: int
    status: Status
    cause: Cause | None
    answer: Value | None
    low: int
    high: int


@dataclass(frozen=True)
class PointsCategoryResult:
    category: str
    low: int
    high: int
    cap: int | None


@dataclass(frozen=True)
class PointsResult:
    id: int
    status: Status
    cause: Cause | None
    low: int
    high: int
    pass_mark: int | None
    rows: tuple[PointsRowResult, ...]
    categories: tuple[PointsCategoryResult, ...]
    legal: LegalStatus = LegalStatus.IN_FORCE


@dataclass(frozen=True)
class SelectionResult:
    mechanism: Selection
    exemption: Exemption
    exemptions: tuple[NodeResult, ...] = ()
    advantages: tuple[NodeResult, ...] = ()
    chance_low: Decimal | None = None
    chance_high: Decimal | None = None
    chance_figures: tuple[int, ...] = ()


@dataclass(frozen=True)
class FigureResult:
    id: int
    applies: Status  # MEETS: applies to you; NOT_MET: does not; UNCLEAR: see the cause
    cause: Cause | None = None
    answer: Value | None = None
    legal: LegalStatus = LegalStatus.IN_FORCE


@dataclass(frozen=True)
class CaveatResult:
    id: int
    legal: LegalStatus = LegalStatus.IN_FORCE


@dataclass(frozen=True)
class Change:
    """One way the verdict would improve: the answers to change (fact, key, value) and the
    verdict it gives."""

    updates: tuple[tuple[Fact, str, Value], ...]
    verdict: Verdict


@dataclass(frozen=True)
class ProgramResult:
    program: ProgramRules
    verdict: Verdict
    cause: Cause | None
    requirements: NodeResult
    routes: tuple[NodeResult, ...]
    not_needed_by: tuple[NodeResult, ...]
    warnings: tuple[NodeResult, ...]
    criteria: tuple[CriterionResult, ...]
    points: tuple[PointsResult, ...]
    selection: SelectionResult
    figures: tuple[FigureResult, ...]
    caveats: tuple[CaveatResult, ...]
    changes: tuple[Change, ...]
    deciding_facts: tuple[tuple[Fact, str], ...]  # (fact, key)


# ---------------------------------------------------------------------------------------------
# Reading answers and checking conditions


@functools.lru_cache(maxsize=1024)
def _spec_at(fact: Fact, key: str) -> FactSpec | None:
    """``FACTS[fact].at(key)``, worked out once per (fact, key): the engine asks it for every
    condition it checks."""
    return FACTS[fact].at(key)


def _values_of(fact: Fact, key: str) -> type[LabelledEnum] | None:
    spec = _spec_at(fact, key)
    return spec.values if spec is not None else None


_ALLOWED: Mapping[tuple[Fact, str], frozenset[str]] = MappingProxyType(
    {
        (fact, key): frozenset(member.value for member in values)
        for fact in Fact
        for key in FACTS[fact].key_values()
        for values in [_values_of(fact, key)]
        if values is not None
    }
)
_RANKS: Mapping[tuple[Fact, str], Mapping[str, int]] = MappingProxyType(
    {
        (fact, key): {member.value: rank for rank, member in enumerate(values)}
        for fact, spec in FACTS.items()
        if spec.kind is FactKind.ORDERED
        for key in spec.key_values()
        for values in [_values_of(fact, key)]
        if values is not None
    }
)
_ANSWER_KEYS = answer_keys()
_STATUS_KEYS = FACTS[Fact.STATUS].key_values()


# Converted amounts count as anywhere within this share either side of the converted value.
CONVERSION_MARGIN = Decimal("0.05")


@dataclass(frozen=True)
class Amount:
    """An amount answer with what it is worth in other currencies: ``text`` as stored
    ("52000 INR"), and per currency the (low, high) whole amounts it converts to."""

    text: str
    amount: int
    currency: str
    worth: tuple[tuple[str, int, int], ...] = ()

    def range_in(self, currency: str) -> tuple[int, int] | None:
        if currency == self.currency:
            return self.amount, self.amount
        return next(((low, high) for code, low, high in self.worth if code == currency), None)


def amount_worth(amount: int, currency: str, target: str, rates: Sequence[Rate]) -> Decimal | None:
    """What an amount is worth in another currency at the rates; None without a rate for
    either."""
    per_eur = {rate.currency: rate.per_eur for rate in rates if rate.per_eur > 0}
    per_eur.setdefault("EUR", Decimal(1))
    if currency not in per_eur or target not in per_eur:
        return None
    return Decimal(amount) / per_eur[currency] * per_eur[target]


def amount_convert(amount: int, currency: str, rates: Sequence[Rate]) -> Amount:
    """An amount with its worth in every currency the rates know (when its own has a rate),
    as a range of ``CONVERSION_MARGIN`` either side."""
    worth = []
    for code in sorted({"EUR", *(rate.currency for rate in rates)} - {currency}):
        value = amount_worth(amount, currency, code, rates)
        if value is None:
            continue
        low = int((value * (1 - CONVERSION_MARGIN)).to_integral_value(rounding="ROUND_FLOOR"))
        high = int((value * (1 + CONVERSION_MARGIN)).to_integral_value(rounding="ROUND_CEILING"))
        worth.append((code, low, high))
    return Amount(money_format(amount, currency), amount, currency, tuple(worth))


Answer = Value | Amount


def _shown(answer: Answer | None) -> Value | None:
    """An answer as results keep it (an amount as its text)."""
    return answer.text if isinstance(answer, Amount) else answer


def _answer(fact: Fact, key: str, answers: Answers) -> Answer | None:
    """The valid answer to a fact (at a key), ``UNKNOWN``, or None when absent, not a valid
    answer, or the fact has no such key. An amount is an :class:`Amount`, whatever the key
    (the currency it is compared in)."""
    spec = _spec_at(fact, key)
    if spec is None:
        return None
    if spec.kind is FactKind.MONEY:
        raw = answers.get(answer_key(fact))
        if raw == UNKNOWN or isinstance(raw, Amount):
            return raw  # type: ignore[return-value]
        parsed = money_parse(raw)
        if parsed is None or parsed[0] > spec.maximum:
            return None
        return Amount(money_format(*parsed), parsed[0], parsed[1].value)
    raw = answers.get(answer_key(fact, key))
    if isinstance(raw, str):
        if raw == UNKNOWN:
            return UNKNOWN
        return raw if raw in _ALLOWED.get((fact, key), ()) else None
    if (
        spec.kind is FactKind.NUMBER
        and isinstance(raw, int)
        and not isinstance(raw, bool)
        and spec.minimum <= raw <= spec.maximum
    ):
        return raw
    return None


def _plain(answers: Answers) -> dict[str, object]:
    """The answers to the known facts as a plain dict (the only keys the engine reads); not
    a mapping at all counts as no answers."""
    if not isinstance(answers, Mapping):
        return {}
    return {name: answers[name] for name in _ANSWER_KEYS if name in answers}


_MONEY_FACTS = tuple(fact for fact, spec in FACTS.items() if spec.kind is FactKind.MONEY)


def _derive(answers: Answers, rates: Sequence[Rate] = ()) -> dict[str, object]:
    """The answers with what follows from them: an amount with its worth in other currencies
    (by ``rates``); someone who lives in one country has no status in another (unless they
    gave a valid one)."""
    derived = dict(answers)
    for fact in _MONEY_FACTS:
        found = _answer(fact, "", derived)
        if isinstance(found, Amount):
            derived[answer_key(fact)] = amount_convert(found.amount, found.currency, rates)
    residence = _answer(Fact.RESIDENCE, "", derived)
    if residence in (None, UNKNOWN):
        return derived
    for country in _STATUS_KEYS:
        unanswered = _answer(Fact.STATUS, country, derived) is None
        if country != residence and unanswered and NONE in _ALLOWED[(Fact.STATUS, country)]:
            derived[answer_key(Fact.STATUS, country)] = NONE
    return derived


def _position(fact: Fact, key: str, value: object) -> int | None:
    """Where a value sits for AT_LEAST / AT_MOST / BETWEEN, or None if it has no place (an
    amount: a whole number in the condition's currency)."""
    spec = FACTS[fact]
    if spec.kind in (FactKind.NUMBER, FactKind.MONEY):
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if spec.kind is FactKind.ORDERED and isinstance(value, str):
        return _RANKS.get((fact, key), {}).get(value)
    return None


@functools.lru_cache(maxsize=4096)
def _bounds(condition: Condition) -> tuple[int, int] | None:
    """The inclusive (low, high) ranks or numbers a threshold allows; None if unreadable."""
    keys = [_position(condition.fact, condition.key, value) for value in condition.values]
    if any(key is None for key in keys):
        return None
    numbers = [key for key in keys if key is not None]
    lowest, highest = -(10**9), 10**9
    operator = condition.operator
    if operator is Operator.AT_LEAST and len(numbers) == 1:
        return numbers[0], highest
    if operator is Operator.AT_MOST and len(numbers) == 1:
        return lowest, numbers[0]
    if operator is Operator.BETWEEN and len(numbers) == 2 and numbers[0] <= numbers[1]:
        return numbers[0], numbers[1]
    return None


@functools.lru_cache(maxsize=4096)
def readable(condition: Condition) -> bool:
    """Whether the condition has a threshold the engine can check."""
    operator = condition.operator
    if operator is Operator.ANY:
        return True
    if operator is Operator.UNSPECIFIED or _spec_at(condition.fact, condition.key) is None:
        return False
    if operator in (Operator.IN, Operator.NOT_IN):
        return bool(condition.values)
    return _bounds(condition) is not None


def _holds(condition: Condition, value: Value) -> bool:
    operator = condition.operator
    if operator is Operator.ANY:
        return True
    if operator is Operator.IN:
        return value in condition.values
    if operator is Operator.NOT_IN:
        return value not in condition.values
    bounds = _bounds(condition)
    position = _position(condition.fact, condition.key, value)
    return bounds is not None and position is not None and bounds[0] <= position <= bounds[1]


def _possible_values(fact: Fact, key: str, conditions: Iterable[Condition]) -> tuple[Value, ...]:
    """Every answer worth trying for an unknown fact: all enum values, or for a number the
    range ends and each threshold with its neighbours (enough for these conditions)."""
    spec = FACTS[fact].at(key) or FACTS[fact]
    if spec.values is not None:
        return tuple(member.value for member in spec.values)
    return _numbers_between(spec.minimum, spec.maximum, conditions)


def _numbers_between(
    minimum: int, maximum: int, conditions: Iterable[Condition]
) -> tuple[int, ...]:
    """The ends of a range and each threshold within it with its neighbours."""
    candidates = {minimum, maximum}
    for condition in conditions:
        for value in condition.values:
            if isinstance(value, int) and not isinstance(value, bool):
                candidates.update({value - 1, value, value + 1})
    return tuple(sorted(n for n in candidates if minimum <= n <= maximum))


def _range_of(condition: Condition, answer: Amount) -> tuple[int, ...] | None:
    """The amounts (in the condition's currency) an amount answer may be: both ends of its
    converted range and any threshold between; None without a rate."""
    found = answer.range_in(condition.key)
    if found is None:
        return None
    return _numbers_between(found[0], found[1], [condition])


def _check(condition: Condition, answer: Answer | None) -> tuple[Status, Cause | None]:
    """A condition against an answer, before clarity and legal status are weighed."""
    if condition.operator is Operator.ANY:
        return Status.MEETS, None
    if not readable(condition):
        return Status.UNCLEAR, Cause.RULE_UNDEFINED
    if answer is None:
        return Status.UNCLEAR, Cause.NOT_ANSWERED
    if isinstance(answer, Amount):
        amounts = _range_of(condition, answer)
        if amounts is None:
            return Status.UNCLEAR, Cause.NO_RATE
        outcomes = {_holds(condition, amount) for amount in amounts}
        if outcomes == {True}:
            return Status.MEETS, None
        if outcomes == {False}:
            return Status.NOT_MET, None
        return Status.UNCLEAR, Cause.CONVERSION
    if answer == UNKNOWN:
        outcomes = {
            _holds(condition, v)
            for v in _possible_values(condition.fact, condition.key, [condition])
        }
        if outcomes == {True}:
            return Status.MEETS, None
        if outcomes == {False}:
            return Status.NOT_MET, None
        return Status.UNCLEAR, Cause.ANSWER_UNKNOWN
    return (Status.MEETS, None) if _holds(condition, answer) else (Status.NOT_MET, None)


_EXEMPTING = frozenset(
    {Importance.NOT_NEEDED_IF, Importance.SELECTION_EXEMPT_IF, Importance.SELECTION_ADVANTAGE}
)


def _weigh_legal(
    status: Status, cause: Cause | None, legal: LegalStatus, *, exempting: bool
) -> tuple[Status, Cause | None]:
    """A rule not in force counts neither against the applicant nor for an exemption."""
    if legal is LegalStatus.IN_FORCE:
        return status, cause
    if (status is Status.NOT_MET and not exempting) or (status is Status.MEETS and exempting):
        return Status.UNCLEAR, Cause.LEGAL_STATUS
    return status, cause


def _evaluate_criterion(
    rule: CriterionRule, importance: Importance, answers: Answers, today: date
) -> CriterionResult:
    condition = rule.condition
    answer = _answer(condition.fact, condition.key, answers)
    status, cause = _check(condition, answer)
    meets_with: tuple[Value, ...] = ()
    if cause is Cause.ANSWER_UNKNOWN and FACTS[condition.fact].kind is not FactKind.MONEY:
        candidates = _possible_values(condition.fact, condition.key, [condition])
        meets_with = tuple(v for v in candidates if _holds(condition, v))
    vague = rule.clarity is Clarity.UNCLEAR and condition.operator is not Operator.ANY
    if vague and status is Status.MEETS and readable(condition):
        status, cause = Status.UNCLEAR, Cause.RULE_UNCLEAR
    legal = rule.legal.on(today)
    status, cause = _weigh_legal(status, cause, legal, exempting=importance in _EXEMPTING)
    return CriterionResult(rule.id, status, cause, _shown(answer), meets_with, legal)


# ---------------------------------------------------------------------------------------------
# Points tables

_MAX_COMBINATIONS = 4096


def _category_range(
    rows: Sequence[PointsRow], cap: int | None, answers: Answers
) -> tuple[int, int]:
    """The least and most points a category can give, trying every answer to an unknown."""
    facts = sorted(
        {(row.condition.fact, row.condition.key) for row in rows},
        key=lambda pair: (list(Fact).index(pair[0]), pair[1]),
    )
    options: list[tuple[Value | None, ...]] = []
    for fact, key in facts:
        answer = _answer(fact, key, answers)
        conditions = [
            row.condition for row in rows if row.condition.fact is fact and row.condition.key == key
        ]
        if answer is None or answer == UNKNOWN:
            options.append(_possible_values(fact, key, conditions))
        elif isinstance(answer, Amount):
            found = answer.range_in(key)
            options.append(
                _numbers_between(found[0], found[1], conditions)
                if found is not None
                else _possible_values(fact, key, conditions)
            )
        else:
            options.append((answer,))
    combos = 1
    for values in options:
        combos *= max(len(values), 1)

    def capped(total: int) -> int:
        return min(total, cap) if cap is not None else total

    if combos > _MAX_COMBINATIONS or any(not readable(row.condition) for row in rows):
        # Too many answers to try, or a row no answer settles: bound it row by row.
        statuses = [
            _check(row.condition, _answer(row.condition.fact, row.condition.key, answers))[0]
            for row in rows
        ]
        low = sum(r.points for r, st in zip(rows, statuses, strict=True) if st is Status.MEETS)
        high = sum(
            r.points for r, st in zip(rows, statuses, strict=True) if st is not Status.NOT_MET
        )
        return capped(low), capped(high)
    totals = []
    for combo in itertools.product(*options):
        chosen = dict(zip(facts, combo, strict=True))
        totals.append(
            capped(
                sum(
                    row.points
                    for row in rows
                    if chosen[(row.condition.fact, row.condition.key)] is not None
                    and _holds(
                        row.condition,
                        typing.cast(Value, chosen[(row.condition.fact, row.condition.key)]),
                    )
                )
            )
        )
    return min(totals), max(totals)


def _evaluate_points(table: PointsTableRule, answers: Answers, today: date) -> PointsResult:
    rows = []
    causes: set[Cause] = set()
    for row in table.rows:
        answer = _answer(row.condition.fact, row.condition.key, answers)
        row_status, row_cause = _check(row.condition, answer)
        low = row.points if row_status is Status.MEETS else 0
        high = 0 if row_status is Status.NOT_MET else row.points
        if row_cause is not None:
            causes.add(row_cause)
        rows.append(PointsRowResult(row.id, row_status, row_cause, _shown(answer), low, high))
    caps = dict(table.caps)
    categories = []
    by_category: dict[str, list[PointsRow]] = {}
    for row in table.rows:
        by_category.setdefault(row.category, []).append(row)
    for category, members in by_category.items():
        low, high = _category_range(members, caps.get(category), answers)
        categories.append(PointsCategoryResult(category, low, high, caps.get(category)))
    low = sum(c.low for c in categories)
    high = sum(c.high for c in categories)
    cause: Cause | None = None
    if table.pass_mark is None or not table.rows:
        status, cause = Status.UNCLEAR, Cause.RULE_UNDEFINED
    elif low >= table.pass_mark:
        status = Status.MEETS
    elif high < table.pass_mark:
        status = Status.NOT_MET
    else:
        status = Status.UNCLEAR
        for candidate in (Cause.ANSWER_UNKNOWN, Cause.NOT_ANSWERED, Cause.RULE_UNDEFINED):
            if candidate in causes:
                cause = candidate
                break
        cause = cause or Cause.ANSWER_UNKNOWN
    if status is Status.MEETS and table.clarity is Clarity.UNCLEAR:
        status, cause = Status.UNCLEAR, Cause.RULE_UNCLEAR
    legal = table.legal.on(today)
    status, cause = _weigh_legal(status, cause, legal, exempting=False)
    return PointsResult(
        table.id,
        status,
        cause,
        low,
        high,
        table.pass_mark,
        tuple(rows),
        tuple(categories),
        legal,
    )


# ---------------------------------------------------------------------------------------------
# Trees


def _combine(combine: Combine, statuses: Sequence[Status]) -> Status:
    if not statuses:
        return Status.MEETS
    decisive = Status.NOT_MET if combine is Combine.ALL else Status.MEETS
    if decisive in statuses:
        return decisive
    if Status.UNCLEAR in statuses:
        return Status.UNCLEAR
    return Status.MEETS if combine is Combine.ALL else Status.NOT_MET


@dataclass(frozen=True)
class _Evaluation:
    """Everything decided for one set of answers (before changes are looked for)."""

    verdict: Verdict
    cause: Cause | None
    units: Mapping[Importance, tuple[NodeResult, ...]]
    requirements: NodeResult
    routes: tuple[NodeResult, ...]
    criteria: tuple[CriterionResult, ...]
    points: tuple[PointsResult, ...]


def _evaluate_tree(program: ProgramRules, answers: Answers, today: date) -> _Evaluation:
    groups = {group.key: group for group in program.groups}

    def importance_of(group_key: str, fallback: Importance) -> Importance:
        seen: set[str] = set()
        while group_key in groups and group_key not in seen:
            seen.add(group_key)
            group = groups[group_key]
            if not group.parent:
                return group.importance
            group_key = group.parent
        return fallback

    criteria = tuple(
        _evaluate_criterion(rule, importance_of(rule.group, rule.importance), answers, today)
        for rule in program.criteria
    )
    points = tuple(_evaluate_points(table, answers, today) for table in program.points_tables)
    leaves_by_group: dict[str, list[NodeResult]] = {}
    for rule, result in zip(program.criteria, criteria, strict=True):
        group_key = rule.group if rule.group in groups else ""
        if not group_key and rule.importance in (Importance.FAVOURABLE, Importance.NOT_REQUIRED):
            continue
        node = NodeResult(
            NodeKind.CRITERION,
            str(rule.id),
            result.status,
            int(result.status is Status.NOT_MET),
        )
        leaves_by_group.setdefault(group_key, []).append(node)
    top_importance: dict[tuple[NodeKind, str], Importance] = {}
    for table, scored in zip(program.points_tables, points, strict=True):
        group_key = table.group if table.group in groups else ""
        node = NodeResult(
            NodeKind.POINTS, str(table.id), scored.status, int(scored.status is Status.NOT_MET)
        )
        leaves_by_group.setdefault(group_key, []).append(node)
        if not group_key:
            top_importance[(NodeKind.POINTS, node.ref)] = Importance.REQUIRED
    for rule in program.criteria:
        if rule.group not in groups:
            top_importance[(NodeKind.CRITERION, str(rule.id))] = rule.importance

    children_of: dict[str, list[str]] = {}
    for group in program.groups:
        parent = group.parent if group.parent in groups else ""
        children_of.setdefault(parent, []).append(group.key)

    routes: list[NodeResult] = []

    def build(key: str, path: frozenset[str]) -> NodeResult:
        group = groups[key]
        nested = [
            build(child, path | {child})
            for child in children_of.get(key, [])
            if child not in path  # a cycle is refused by validation; never loop here
        ]
        members = [*leaves_by_group.get(key, []), *nested]
        status = _combine(group.combine, [m.status for m in members])
        failed = sum(m.failed for m in members)
        node = NodeResult(NodeKind.GROUP, key, status, failed, tuple(members))
        if group.route:
            routes.append(node)
        return node

    top_groups = [build(key, frozenset({key})) for key in children_of.get("", [])]
    units: dict[Importance, list[NodeResult]] = {}
    for node in leaves_by_group.get("", []):
        importance = top_importance.get((node.kind, node.ref), Importance.REQUIRED)
        units.setdefault(importance, []).append(node)
    for node in top_groups:
        units.setdefault(groups[node.ref].importance, []).append(node)

    required = units.get(Importance.REQUIRED, [])
    requirements = NodeResult(
        NodeKind.GROUP,
        "",
        _combine(Combine.ALL, [u.status for u in required]),
        sum(u.failed for u in required),
        tuple(required),
    )
    cause: Cause | None = None
    if any(u.status is Status.MEETS for u in units.get(Importance.NOT_NEEDED_IF, [])):
        verdict = Verdict.NOT_NEEDED
    elif program.status is ProgramStatus.SUSPENDED:
        verdict, cause = Verdict.NOT_ELIGIBLE, Cause.PROGRAM_STATUS
    elif requirements.status is Status.NOT_MET:
        verdict = Verdict.NOT_ELIGIBLE
    elif requirements.status is Status.UNCLEAR:
        verdict = Verdict.POSSIBLE
    elif program.status is not ProgramStatus.IN_FORCE:
        verdict, cause = Verdict.POSSIBLE, Cause.PROGRAM_STATUS
    else:
        verdict = Verdict.CAN_APPLY
    return _Evaluation(
        verdict,
        cause,
        MappingProxyType({k: tuple(v) for k, v in units.items()}),
        requirements,
        tuple(routes),
        criteria,
        points,
    )


def leaves(node: NodeResult) -> Iterable[NodeResult]:
    """The criteria and points tables under a node (the node itself if it is one)."""
    if node.kind is NodeKind.GROUP:
        for child in node.children:
            yield from leaves(child)
    else:
        yield node


# ---------------------------------------------------------------------------------------------
# Selection and figures


def _evaluate_figure(figure: FigureRule, answers: Answers, today: date) -> FigureResult:
    legal = figure.legal.on(today)
    if figure.applies is None:
        status: Status = Status.MEETS
        cause: Cause | None = None
        answer = None
    else:
        answer = _answer(figure.applies.fact, figure.applies.key, answers)
        status, cause = _check(figure.applies, answer)
    if legal in _NOT_CURRENT and status is not Status.NOT_MET:
        status, cause = Status.NOT_MET, Cause.LEGAL_STATUS  # a past or future amount
    elif legal is not LegalStatus.IN_FORCE and status is Status.MEETS:
        status, cause = Status.UNCLEAR, Cause.LEGAL_STATUS
    return FigureResult(figure.id, status, cause, _shown(answer), legal)


_NOT_CURRENT = frozenset({LegalStatus.EXPIRED, LegalStatus.NOT_YET})


def _evaluate_selection(
    program: ProgramRules, evaluation: _Evaluation, figures: Sequence[FigureResult]
) -> SelectionResult:
    exemptions = evaluation.units.get(Importance.SELECTION_EXEMPT_IF, ())
    advantages = evaluation.units.get(Importance.SELECTION_ADVANTAGE, ())
    if program.selection is Selection.NONE or any(u.status is Status.MEETS for u in exemptions):
        exemption = Exemption.EXEMPT
    elif any(u.status is Status.UNCLEAR for u in exemptions):
        exemption = Exemption.MAYBE_EXEMPT
    else:
        exemption = Exemption.SUBJECT
    chances: list[tuple[int, Decimal]] = []
    if exemption is not Exemption.EXEMPT:
        for rule, result in zip(program.figures, figures, strict=True):
            if not rule.estimates_chance or rule.value is None:
                continue
            if result.legal is not LegalStatus.IN_FORCE:
                continue
            could = result.applies is Status.UNCLEAR and result.cause in _ANSWER_CAUSES
            if result.applies is Status.MEETS or could:
                chances.append((rule.id, rule.value))
    exact = [
        (i, v) for i, v in chances if next(f for f in figures if f.id == i).applies is Status.MEETS
    ]
    chosen = exact or chances
    values = [value for _, value in chosen]
    return SelectionResult(
        mechanism=program.selection,
        exemption=exemption,
        exemptions=exemptions,
        advantages=advantages,
        chance_low=min(values) if values else None,
        chance_high=max(values) if values else None,
        chance_figures=tuple(i for i, _ in chosen),
    )


# ---------------------------------------------------------------------------------------------
# What would change the outcome

_RANK: Mapping[Verdict, int] = MappingProxyType(
    {Verdict.NOT_ELIGIBLE: 0, Verdict.POSSIBLE: 1, Verdict.CAN_APPLY: 2}
)
_ANSWER_CAUSES = frozenset({Cause.ANSWER_UNKNOWN, Cause.NOT_ANSWERED})


def _valid(fact: Fact, key: str, value: object) -> bool:
    """Whether a value is a real answer to the fact (not "I don't know", not invalid)."""
    return _answer(fact, key, {answer_key(fact, key): value}) not in (None, UNKNOWN)


def _proposal(condition: Condition, answer: Value | None) -> Value | None:
    """The smallest answer that would satisfy the condition, or None if there is none to
    propose (see the module docstring)."""
    fact, key, operator = condition.fact, condition.key, condition.operator
    if fact is Fact.CITIZENSHIP or not readable(condition):
        return None
    proposal: Value | None = None
    if operator is Operator.IN:
        valid = [value for value in condition.values if _valid(fact, key, value)]
        if FACTS[fact].kind is FactKind.ORDERED:
            valid.sort(key=lambda value: _position(fact, key, value) or 0)
        proposal = valid[0] if valid else None
    elif FACTS[fact].kind is FactKind.MONEY:
        # The threshold itself, in its currency (only "at least" makes sense to propose).
        amount = condition.values[0]
        if operator is not Operator.AT_LEAST or not isinstance(amount, int):
            return None
        return money_format(amount, key)
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
    return proposal if _valid(fact, key, proposal) else None


_ROWS_PROPOSED = 3  # per points table, in "what would change the outcome"


def _unit_proposals(
    unit: NodeResult,
    program: ProgramRules,
    evaluation: _Evaluation,
    answers: Answers,
) -> list[tuple[Fact, str, Value]]:
    criteria = {str(rule.id): rule for rule in program.criteria}
    results = {str(result.id): result for result in evaluation.criteria}
    tables = {str(table.id): table for table in program.points_tables}
    conditions: list[Condition] = []
    for leaf in leaves(unit):
        if leaf.status is Status.MEETS:
            continue
        if leaf.kind is NodeKind.CRITERION:
            result = results[leaf.ref]
            if leaf.status is Status.UNCLEAR and result.cause not in _ANSWER_CAUSES:
                continue
            conditions.append(criteria[leaf.ref].condition)
        else:
            table_result = next(p for p in evaluation.points if str(p.id) == leaf.ref)
            earned = {row.id for row in table_result.rows if row.status is Status.MEETS}
            rows = sorted(tables[leaf.ref].rows, key=lambda row: -row.points)
            # The rows worth most, one per fact: each is evaluated again, and a long table
            # would otherwise mean dozens of evaluations for little.
            proposed: set[tuple[Fact, str]] = set()
            for row in rows:
                fact_key = (row.condition.fact, row.condition.key)
                if row.id in earned or fact_key in proposed:
                    continue
                proposed.add(fact_key)
                conditions.append(row.condition)
                if len(proposed) == _ROWS_PROPOSED:
                    break
    proposals: list[tuple[Fact, str, Value]] = []
    for condition in conditions:
        answer = _shown(_answer(condition.fact, condition.key, answers))
        value = _proposal(condition, answer)
        if value is None:
            continue
        # An amount is answered once, whatever the currency its rule compares it in.
        stored_key = "" if FACTS[condition.fact].kind is FactKind.MONEY else condition.key
        proposal = (condition.fact, stored_key, value)
        if proposal not in proposals:
            proposals.append(proposal)
    return proposals


def _changes(
    program: ProgramRules, answers: Answers, evaluation: _Evaluation, today: date
) -> tuple[Change, ...]:
    if evaluation.verdict not in (Verdict.NOT_ELIGIBLE, Verdict.POSSIBLE):
        return ()
    if evaluation.cause is Cause.PROGRAM_STATUS:
        return ()
    by_unit = [
        proposals
        for unit in evaluation.requirements.children
        if unit.status is not Status.MEETS
        for proposals in [_unit_proposals(unit, program, evaluation, answers)]
        if proposals
    ]
    current = _RANK[evaluation.verdict]
    tried: set[tuple[tuple[Fact, str, Value], ...]] = set()

    def attempt(updates: tuple[tuple[Fact, str, Value], ...], to_beat: int) -> Change | None:
        if updates in tried:
            return None
        tried.add(updates)
        changed = _derive(
            {**answers, **{answer_key(fact, key): value for fact, key, value in updates}},
            program.rates,
        )
        verdict = _evaluate_tree(program, changed, today).verdict
        if verdict not in _RANK or _RANK[verdict] <= to_beat:
            return None
        return Change(updates, verdict)

    singles = [
        change
        for proposals in by_unit
        for proposal in proposals
        for change in [attempt((proposal,), current)]
        if change is not None
    ]
    changes = list(singles)
    if len(by_unit) > 1:
        combined: dict[tuple[Fact, str], Value] = {}
        for proposals in by_unit:
            fact, key, value = proposals[0]
            combined.setdefault((fact, key), value)
        best = max((_RANK[change.verdict] for change in singles), default=current)
        change = attempt(tuple((fact, key, value) for (fact, key), value in combined.items()), best)
        if change is not None:
            changes.append(change)
    return tuple(changes)


def _deciding_facts(program: ProgramRules, evaluation: _Evaluation) -> tuple[tuple[Fact, str], ...]:
    criteria = {str(rule.id): rule for rule in program.criteria}
    tables = {str(table.id): table for table in program.points_tables}
    if evaluation.verdict is Verdict.NOT_NEEDED:
        units = [
            u
            for u in evaluation.units.get(Importance.NOT_NEEDED_IF, ())
            if u.status is Status.MEETS
        ]
    elif evaluation.verdict is Verdict.NOT_ELIGIBLE:
        units = [u for u in evaluation.requirements.children if u.status is Status.NOT_MET]
    else:
        units = list(evaluation.requirements.children)
    facts: list[tuple[Fact, str]] = []
    for unit in units:
        for leaf in leaves(unit):
            if evaluation.verdict is Verdict.NOT_NEEDED and leaf.status is not Status.MEETS:
                continue
            if leaf.kind is NodeKind.CRITERION:
                conditions = [criteria[leaf.ref].condition]
            else:
                conditions = [row.condition for row in tables[leaf.ref].rows]
            for condition in conditions:
                if condition.operator is Operator.ANY or not readable(condition):
                    continue
                if (condition.fact, condition.key) not in facts:
                    facts.append((condition.fact, condition.key))
    return tuple(facts)


# ---------------------------------------------------------------------------------------------
# The program's result


def evaluate_program(program: ProgramRules, answers: Answers, *, today: date) -> ProgramResult:
    """How one program's rules read against the answers (see the module docstring)."""
    given = _plain(answers)
    answers = _derive(given, program.rates)
    evaluation = _evaluate_tree(program, answers, today)
    figures = tuple(_evaluate_figure(figure, answers, today) for figure in program.figures)
    return ProgramResult(
        program=program,
        verdict=evaluation.verdict,
        cause=evaluation.cause,
        requirements=evaluation.requirements,
        routes=evaluation.routes,
        not_needed_by=tuple(
            u
            for u in evaluation.units.get(Importance.NOT_NEEDED_IF, ())
            if u.status is Status.MEETS
        ),
        warnings=tuple(
            u
            for u in evaluation.units.get(Importance.WARNING_UNLESS, ())
            if u.status is Status.NOT_MET
        ),
        criteria=evaluation.criteria,
        points=evaluation.points,
        selection=_evaluate_selection(program, evaluation, figures),
        figures=figures,
        caveats=tuple(CaveatResult(c.id, c.legal.on(today)) for c in program.caveats),
        changes=_changes(program, given, evaluation, today),
        deciding_facts=_deciding_facts(program, evaluation),
    )


def needs_job_offer(program: ProgramRules, *, today: date) -> bool:
    """Whether the program rules out anyone without a job offer (or a sponsor): read from its
    rules, by evaluating someone with neither and nothing else answered."""
    answers = {answer_key(Fact.JOB_OFFER): NONE, answer_key(Fact.SPONSOR): "no"}
    return _evaluate_tree(program, answers, today).verdict is Verdict.NOT_ELIGIBLE


def evaluate(
    programs: Sequence[ProgramRules], answers: Answers, *, today: date
) -> tuple[ProgramResult, ...]:
    """Every program's result, in the order given (ordering for display is the caller's)."""
    return tuple(evaluate_program(program, answers, today=today) for program in programs)


# ---------------------------------------------------------------------------------------------
# Snapshots: versioned JSON of results, read back into the same dataclasses

SNAPSHOT_SCHEMA = 4


class SnapshotError(ValueError):
    """A stored snapshot cannot be read (an unknown schema or a malformed value)."""


def snapshot_dump(results: Sequence[ProgramResult]) -> dict[str, object]:
    """The results as JSON-safe data, with the schema version they are written in.

    A program's rules are the same in every result made against them, so a result names them
    by digest (see :func:`rules_dump`) and they are stored once, apart from the results."""
    return {
        "schema": SNAPSHOT_SCHEMA,
        "results": [
            {
                f.name: rules_dump(result.program)[0]
                if f.name == "program"
                else _to_json(getattr(result, f.name))
                for f in fields(result)
            }
            for result in results
        ],
    }


def snapshot_rules(results: Sequence[ProgramResult]) -> dict[str, object]:
    """The rules the results were evaluated against, as JSON by digest: what
    :func:`snapshot_load` needs beside the snapshot."""
    return dict(rules_dump(result.program) for result in results)


# A program's rules as (digest, JSON), by the identity of the (frozen) rules object: the
# selectors keep one object per program revision, so each is turned into JSON once per process.
_RULES_JSON: dict[int, tuple[ProgramRules, tuple[str, object]]] = {}
_RULES_LOADED: dict[str, ProgramRules] = {}
_RULES_KEPT = 256


def rules_dump(program: ProgramRules) -> tuple[str, object]:
    """A program's rules as JSON-safe data with its digest (SHA-256 of the canonical JSON):
    equal rules have equal digests, so a store keyed by digest keeps each set once.
    Treat the returned data as read-only: it is shared."""
    found = _RULES_JSON.get(id(program))
    if found is None or found[0] is not program:
        if len(_RULES_JSON) >= _RULES_KEPT:
            _RULES_JSON.clear()
        data = _to_json(program)
        canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        found = _RULES_JSON[id(program)] = (program, (digest, data))
    return found[1]


def _rules_load(digest: str, rules_json: Mapping[str, object]) -> ProgramRules:
    """Rules by digest, read from ``rules_json`` once per process (rules never change)."""
    program = _RULES_LOADED.get(digest)
    if program is None:
        if digest not in rules_json:
            raise SnapshotError(f"The rules {digest!r} are missing.")
        program = _from_json(ProgramRules, rules_json[digest])
        if len(_RULES_LOADED) >= _RULES_KEPT:
            _RULES_LOADED.clear()
        _RULES_LOADED[digest] = program
    return program


def snapshot_load(
    data: object, rules_json: Mapping[str, object] | None = None
) -> tuple[ProgramResult, ...]:
    """Results read back from :func:`snapshot_dump` data, with the rules it names by digest
    from ``rules_json`` (as :func:`snapshot_rules` gives them; rules already read in this
    process are not needed again). Older schemas are converted by data migrations, so only
    the current one is read here."""
    if not isinstance(data, Mapping) or data.get("schema") != SNAPSHOT_SCHEMA:
        schema = data.get("schema") if isinstance(data, Mapping) else None
        raise SnapshotError(f"Unknown snapshot schema {schema!r}.")
    items = data.get("results")
    if not isinstance(items, list):
        raise SnapshotError("A snapshot holds a list of results.")
    try:
        return tuple(
            _from_json(
                ProgramResult,
                item,
                program=_rules_load(item["program"], rules_json or {}),
            )
            for item in items
        )
    except SnapshotError:
        raise
    except (ArithmeticError, KeyError, TypeError, ValueError) as error:
        raise SnapshotError(f"A malformed snapshot: {error}") from error


def snapshot_rules_needed(data: object) -> list[str]:
    """The digests of the rules a snapshot names that this process has not read yet: the
    ones :func:`snapshot_load` needs in its ``rules_json``."""
    if not isinstance(data, Mapping) or not isinstance(data.get("results"), list):
        return []
    return [
        item["program"]
        for item in data["results"]
        if isinstance(item, Mapping)
        and isinstance(item.get("program"), str)
        and item["program"] not in _RULES_LOADED
    ]


_PLAIN: frozenset[type] = frozenset({str, int, bool, float, type(None)})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
# Fields added since schema 4, written only when they differ from their default: rules and
# results without them read and dump exactly as before, so stored digests stay valid.
_WRITTEN_WHEN_SET: Mapping[str, object] = MappingProxyType({"rates": (), "review_by": None})


def _to_json(value: object) -> object:
    kind = type(value)
    if kind in _PLAIN:
        return value
    names = _FIELD_NAMES.get(kind)
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(value))
    if names is not None:
        return {
            name: _to_json(field_value)
            for name in names
            for field_value in [getattr(value, name)]
            if name not in _WRITTEN_WHEN_SET or field_value != _WRITTEN_WHEN_SET[name]
        }
    if kind is tuple or kind is list:
        return [_to_json(item) for item in value]  # type: ignore[attr-defined]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (tuple, list)):
        return [_to_json(item) for item in value]
    return value


_HINTS: dict[type, dict[str, object]] = {}


def _from_json(kind: object, data: object, **given: object) -> typing.Any:
    """``data`` read as the type ``kind`` (a dataclass, enum, tuple, date, ... from hints);
    for a dataclass, the fields in ``given`` are taken as they are."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(kind)
        if data is None and type(None) in options:
            return None
        for option in options:
            if option is type(None):
                continue
            try:
                return _from_json(option, data)
            except (SnapshotError, ValueError, TypeError):
                continue
        raise SnapshotError(f"{data!r} fits none of {kind}.")
    if origin is tuple:
        args = typing.get_args(kind)
        if not isinstance(data, list):
            raise SnapshotError(f"Expected a list, not {data!r}.")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_from_json(args[0], item) for item in data)
        return tuple(_from_json(arg, item) for arg, item in zip(args, data, strict=True))
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        if not isinstance(data, Mapping):
            raise SnapshotError(f"Expected an object for {kind.__name__}, not {data!r}.")
        hints = _HINTS.get(kind)
        if hints is None:
            hints = _HINTS[kind] = typing.get_type_hints(kind)
        values = {
            f.name: _from_json(hints[f.name], data[f.name])
            for f in fields(kind)
            if f.name in data and f.name not in given
        }
        return kind(**values, **given)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(data)
    if kind is date:
        return date.fromisoformat(str(data))
    if kind is Decimal:
        return Decimal(str(data))
    if kind is int and isinstance(data, int) and not isinstance(data, bool):
        return data
    if kind is str and isinstance(data, str):
        return data
    if kind is bool and isinstance(data, bool):
        return data
    raise SnapshotError(f"{data!r} is not a {kind}.")


__all__ = [
    "CONVERSION_MARGIN",
    "IN_FORCE",
    "Amount",
    "Answers",
    "Cause",
    "CaveatResult",
    "CaveatRule",
    "Change",
    "Condition",
    "CriterionResult",
    "CriterionRule",
    "Exemption",
    "FigureResult",
    "FigureRule",
    "GroupRule",
    "Legal",
    "NodeKind",
    "NodeResult",
    "PointsCategoryResult",
    "PointsResult",
    "PointsRow",
    "PointsRowResult",
    "PointsTableRule",
    "ProgramResult",
    "ProgramRules",
    "Rate",
    "SelectionResult",
    "SnapshotError",
    "SourceRef",
    "Status",
    "Value",
    "Verdict",
    "amount_convert",
    "amount_worth",
    "evaluate",
    "evaluate_program",
    "leaves",
    "needs_job_offer",
    "readable",
    "rules_dump",
    "snapshot_dump",
    "snapshot_load",
    "snapshot_rules",
    "snapshot_rules_needed",
]
