"""Sentences from decisions: the rules engine's codes and values, worded for display.

The engine (:mod:`visas.rules`) decides and returns statuses, cause codes, answers, points and
proposals; this module turns them into sentences with Django's translation functions, at
display time, in the active language. Both the program page (rules only) and the result page
(rules and an evaluation) read one program through :func:`program_view`, and templates show
each kind of item with one partial (``visas/_criterion.html``, ``_figure.html``,
``_caveat.html``, ``_points.html``, ``_cited.html``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.template.defaultfilters import date as date_filter
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from visas import rules
from visas.rules import Cause, Exemption, NodeKind, Status, Verdict
from visas.vocabulary import (
    FACTS,
    UNKNOWN,
    Clarity,
    Country,
    Currency,
    Fact,
    FactKind,
    FigureKind,
    Importance,
    LabelledEnum,
    LegalStatus,
    Operator,
    Payer,
    Recurrence,
    Selection,
    Severity,
    money_parse,
)

# CSS classes by enum member: templates never compare strings.
STATUS_CLASSES = {Status.MEETS: "meets", Status.NOT_MET: "not-meets", Status.UNCLEAR: "unclear"}
VERDICT_CLASSES = {
    Verdict.CAN_APPLY: "likely",
    Verdict.POSSIBLE: "possible",
    Verdict.NOT_ELIGIBLE: "not-eligible",
    Verdict.NOT_NEEDED: "na",
}
CLARITY_CLASSES = {
    Clarity.CONFIRMED: "confirmed",
    Clarity.REPORTED: "reported",
    Clarity.UNCLEAR: "unclear",
}


def label(member: LabelledEnum) -> str:
    """An enum member's label in the active language."""
    return _(member.label)


def verdict_label(verdict: Verdict) -> str:
    return {
        Verdict.CAN_APPLY: _("You can apply"),
        Verdict.POSSIBLE: _("You may be able to apply"),
        Verdict.NOT_ELIGIBLE: _("Not as things stand"),
        Verdict.NOT_NEEDED: _("Not needed for you"),
    }[verdict]


def status_label(status: Status, importance: Importance = Importance.REQUIRED) -> str:
    if importance in (Importance.NOT_NEEDED_IF, Importance.SELECTION_EXEMPT_IF):
        return {
            Status.MEETS: _("Applies to you"),
            Status.NOT_MET: _("Does not apply to you"),
            Status.UNCLEAR: _("May apply to you"),
        }[status]
    return {
        Status.MEETS: _("Meets"),
        Status.NOT_MET: _("Does not meet"),
        Status.UNCLEAR: _("Unclear"),
    }[status]


def clarity_label(clarity: Clarity) -> str:
    return {
        Clarity.CONFIRMED: _("Confirmed"),
        Clarity.REPORTED: _("Reported"),
        Clarity.UNCLEAR: _("Unclear"),
    }[clarity]


def a_date(value: date | None) -> str:
    return date_filter(value, "j F Y") if value else ""


# ---------------------------------------------------------------------------------------------
# Answers and conditions


def value_label(fact: Fact, value: object, key: str = "") -> str:
    """One answer as the applicant chose it: "Master's degree", "29 years", "B2: upper
    intermediate (...)"."""
    spec = FACTS[fact].at(key) or FACTS[fact]
    if value == UNKNOWN:
        # As the question offered it ("Prefer not to say", "I'm not sure").
        if spec.question is not None and spec.question.unknown:
            unknown = _(spec.question.unknown)
            return (
                unknown % {"key": _(FACTS[fact].key_label(key))}
                if "%(key)s" in unknown
                else unknown
            )
        return _("I don't know")
    if spec.kind is FactKind.MONEY:
        parsed = money_parse(value)
        if parsed is not None:
            return money(parsed[0], parsed[1].value)
        if isinstance(value, int) and not isinstance(value, bool):
            return money(value, key)  # a threshold, in the rule's currency
        return str(value)
    if spec.kind is FactKind.NUMBER and isinstance(value, int):
        if spec.unit == "years":
            return ngettext("%(count)d year", "%(count)d years", value) % {"count": value}
        return number_format(value)
    if spec.values is not None:
        try:
            return label(spec.values(str(value)))
        except ValueError:
            return str(value)
    return str(value)


def money(amount: int | Decimal, currency: str) -> str:
    """An amount as people write it: "52,000 INR"."""
    return _("%(amount)s %(currency)s") % {
        "amount": number_format(amount, force_grouping=True),
        "currency": currency,
    }


def converted_sentence(answer: object, currency: str, rates: Sequence[rules.Rate]) -> str:
    """What an amount answer is worth in another currency, with the rate's date; "" for the
    same currency or no rate."""
    parsed = money_parse(answer)
    if parsed is None or parsed[1].value == currency:
        return ""
    worth = rules.amount_worth(parsed[0], parsed[1].value, currency, rates)
    dates = [rate.as_of for rate in rates if rate.currency in (currency, parsed[1].value)]
    if worth is None or not dates:
        return ""
    return _(
        "That is about %(amount)s at the exchange rates of %(date)s (give or take "
        "%(margin)s%%, as rates move)."
    ) % {
        "amount": money(round(worth), currency),
        "date": a_date(max(dates)),
        "margin": number_format((rules.CONVERSION_MARGIN * 100).normalize()),
    }


def fact_label(fact: Fact, key: str = "") -> str:
    """A fact's name, for a keyed fact with its key: "Mandarin level", "Current US status"."""
    if not key:
        return label(fact)
    top = FACTS[fact]
    spec = top.at(key)
    if spec is None:  # a key the fact does not have: say which
        return _("%(fact)s (%(key)s)") % {"fact": label(fact), "key": key}
    if "%(key)s" not in spec.label:
        return _(spec.label)
    return _(spec.label) % {"key": _(top.key_label(key))}


def _values(fact: Fact, values: Iterable[object], key: str = "") -> str:
    return pgettext("list separator", ", ").join(value_label(fact, v, key) for v in values)


def requirement(condition: rules.Condition) -> str:
    """What a condition asks for: "Highest degree: at least Bachelor's degree"."""
    fact, key, operator, values = (
        condition.fact,
        condition.key,
        condition.operator,
        condition.values,
    )
    params = {"fact": fact_label(fact, key), "values": _values(fact, values, key)}
    if operator is Operator.ANY:
        return _("%(fact)s: no requirement") % params
    if not rules.readable(condition):
        return _("%(fact)s: a requirement the sources do not specify") % params
    if operator is Operator.IN:
        if len(values) == 1:
            return _("%(fact)s: %(values)s") % params
        return _("%(fact)s: one of %(values)s") % params
    if operator is Operator.NOT_IN:
        return _("%(fact)s: anything but %(values)s") % params
    if operator is Operator.AT_LEAST:
        return _("%(fact)s: at least %(values)s") % params
    if operator is Operator.AT_MOST:
        return _("%(fact)s: at most %(values)s") % params
    low, high = values
    return _("%(fact)s: between %(low)s and %(high)s") % {
        "fact": params["fact"],
        "low": value_label(fact, low, key),
        "high": value_label(fact, high, key),
    }


def answer_sentence(fact: Fact, answer: object, key: str = "") -> str:
    return _("You answered “%(answer)s” (%(fact)s).") % {
        "answer": value_label(fact, answer, key),
        "fact": fact_label(fact, key),
    }


# ---------------------------------------------------------------------------------------------
# Legal status


def legal_sentence(legal: rules.Legal, state: LegalStatus) -> str:
    """Why an item is not plainly in force today, in one or two sentences; "" if it is."""
    if state is LegalStatus.IN_FORCE:
        return ""
    if state is LegalStatus.EXPIRED and legal.effective_to:
        lead = _("Ended on %(date)s: this is not current.") % {"date": a_date(legal.effective_to)}
    elif state is LegalStatus.NOT_YET and legal.effective_from:
        lead = _("Takes effect on %(date)s: not yet current.") % {
            "date": a_date(legal.effective_from)
        }
    elif legal.changed_on:
        lead = _("%(status)s since %(date)s: whether it applies today is unclear.") % {
            "status": label(state),
            "date": a_date(legal.changed_on),
        }
    else:
        lead = _("%(status)s: whether it applies today is unclear.") % {"status": label(state)}
    return f"{lead} {legal.note}".strip()


def review_sentence(
    rule: rules.CriterionRule | rules.PointsTableRule | rules.FigureRule | rules.CaveatRule,
    today: date,
) -> str:
    """For an item past its review date: that it is likely out of date, with its dates."""
    if rule.review_by is None or today < rule.review_by:
        return ""
    return _(
        "Likely to have changed: this is as of %(as_of)s, and such values are usually revised "
        "by %(review_by)s. Check the source before relying on it."
    ) % {"as_of": a_date(rule.as_of), "review_by": a_date(rule.review_by)}


# ---------------------------------------------------------------------------------------------
# Items, as the partials show them


@dataclass(frozen=True)
class Entry:
    """One criterion, points table, figure or caveat with what is said about it."""

    kind: str
    rule: rules.CriterionRule | rules.PointsTableRule | rules.FigureRule | rules.CaveatRule
    status: Status | None = None
    status_label: str = ""
    reason: str = ""
    requirement: str = ""
    legal: str = ""
    extra: dict[str, object] = field(default_factory=dict)
    review: str = ""  # past its review date: says the value is likely to have changed
    # What the tag's colour says for the applicant, when not the status's own ("cost": a
    # cost that applies to them; "neutral": not about them, or not asked).
    tone: str = ""

    @property
    def status_class(self) -> str:
        if self.tone:
            return self.tone
        return STATUS_CLASSES[self.status] if self.status else ""

    @property
    def template(self) -> str:
        return f"visas/_{self.kind}.html"

    @property
    def name(self) -> str:
        """What the item is called on the page (for links about it)."""
        rule = self.rule
        if isinstance(rule, rules.CriterionRule):
            return rule.statement
        if isinstance(rule, rules.PointsTableRule):
            return rule.name
        if isinstance(rule, rules.FigureRule):
            return rule.label
        return rule.title

    @property
    def unclear(self) -> bool:
        return (
            self.status is Status.UNCLEAR
            or self.rule.clarity is Clarity.UNCLEAR
            or bool(self.legal)
        )


def criterion_reason(
    rule: rules.CriterionRule, result: rules.CriterionResult, rates: Sequence[rules.Rate] = ()
) -> str:
    fact, key = rule.condition.fact, rule.condition.key
    answered = result.answer is not None and result.answer != UNKNOWN
    cause = result.cause
    if cause is Cause.NO_RATE:
        return _(
            "We have no exchange rate for your currency, so your amount cannot be compared "
            "with this threshold in %(currency)s."
        ) % {"currency": key}
    if cause is Cause.CONVERSION:
        return _(
            "You answered “%(answer)s”. %(converted)s That is too close to the threshold to "
            "say whether it is enough."
        ) % {
            "answer": value_label(fact, result.answer, key),
            "converted": converted_sentence(result.answer, key, rates),
        }
    if answered and FACTS[fact].kind is FactKind.MONEY:
        return f"{answer_sentence(fact, result.answer, key)} {converted_sentence(result.answer, key, rates)}".strip()
    if cause is Cause.RULE_UNDEFINED:
        return _("The sources publish no threshold for this, so no answer can settle it.")
    if cause is Cause.NOT_ANSWERED:
        return _("“%(fact)s” was not asked for your situation.") % {"fact": fact_label(fact, key)}
    if cause is Cause.ANSWER_UNKNOWN and not result.meets_with:
        return _("You answered “I don't know”, and the answer matters here.")
    if cause is Cause.ANSWER_UNKNOWN:
        return _("You answered “I don't know”. It is met with: %(values)s.") % {
            "values": _values(fact, result.meets_with, key)
        }
    if cause is Cause.RULE_UNCLEAR:
        return _(
            "You answered “%(answer)s”, which meets the broadest reading of this rule; the "
            "sources leave unclear whether that is enough."
        ) % {"answer": value_label(fact, result.answer, key)}
    if cause is Cause.LEGAL_STATUS:
        return _("This rule may not be in force today, so it cannot settle anything.")
    if not answered:
        if result.status is Status.MEETS:
            return _("You answered “I don't know”, but every possible answer meets this.")
        return _("You answered “I don't know”, but no possible answer meets this.")
    if result.status is Status.MEETS:
        return answer_sentence(fact, result.answer, key)
    if rule.clarity is Clarity.UNCLEAR:
        return _(
            "You answered “%(answer)s”: even the broadest reading of this rule excludes it."
        ) % {"answer": value_label(fact, result.answer, key)}
    return answer_sentence(fact, result.answer, key)


def _criterion_tag(rule: rules.CriterionRule, result: rules.CriterionResult) -> tuple[str, str]:
    """(label, tone) of a criterion's tag as the applicant reads it: a rule that is not about
    them, or a question they were not asked, is neutral, never a failure."""
    if result.cause is Cause.NOT_ANSWERED:
        return _("Not asked"), "neutral"
    exempting = rule.importance in (Importance.NOT_NEEDED_IF, Importance.SELECTION_EXEMPT_IF)
    if exempting and result.status is Status.NOT_MET:
        return _("Not about you"), "neutral"
    return status_label(result.status, rule.importance), ""


def criterion_entry(
    rule: rules.CriterionRule,
    result: rules.CriterionResult | None,
    today: date,
    rates: Sequence[rules.Rate] = (),
) -> Entry:
    state = result.legal if result else rule.legal.on(today)
    tag, tone = _criterion_tag(rule, result) if result else ("", "")
    return Entry(
        "criterion",
        rule,
        result.status if result else None,
        tag,
        criterion_reason(rule, result, rates) if result else "",
        requirement(rule.condition),
        legal_sentence(rule.legal, state),
        review=review_sentence(rule, today),
        tone=tone,
    )


def figure_value(figure: rules.FigureRule) -> str:
    """A figure as people say it: "100,000 USD", "35.3%"; text wins over the number."""
    if figure.value_text:
        return figure.value_text
    if figure.value is None:
        return _("Not published")
    number = number_format(figure.value.normalize(), force_grouping=True)
    if figure.unit == "%":
        return _("%(number)s%%") % {"number": number}
    return f"{number} {figure.unit}".strip()


def figure_reason(figure: rules.FigureRule, result: rules.FigureResult) -> str:
    condition = figure.applies
    if result.cause is Cause.LEGAL_STATUS and result.applies is Status.NOT_MET:
        return _("Not in effect on the date of this result.")
    if result.cause is Cause.LEGAL_STATUS:
        return _("It would apply to you, but whether it is in force today is unclear.")
    if condition is None:
        return ""
    fact, key = condition.fact, condition.key
    params = {"fact": fact_label(fact, key)}
    if result.cause is Cause.RULE_UNDEFINED:
        return _("The sources do not say who it applies to.")
    if result.cause is Cause.NOT_ANSWERED:
        return _("It depends on “%(fact)s”, which was not asked.") % params
    if result.cause is Cause.ANSWER_UNKNOWN:
        return _("It depends on “%(fact)s”: you answered “I don't know”.") % params
    if result.answer is None or result.answer == UNKNOWN:
        return ""
    return answer_sentence(fact, result.answer, key)


def figure_entry(rule: rules.FigureRule, result: rules.FigureResult | None, today: date) -> Entry:
    state = result.legal if result else rule.legal.on(today)
    applies_label, tone = "", ""
    if result is not None and (rule.applies is not None or result.cause is Cause.LEGAL_STATUS):
        applies_label = status_label(result.applies, Importance.NOT_NEEDED_IF)
        # Colours say what is good or bad for the applicant: a cost that applies is not good.
        if rule.kind is FigureKind.FEE and result.applies is Status.MEETS:
            tone = "cost"
        elif result.applies is Status.NOT_MET:
            tone = "neutral"
    return Entry(
        "figure",
        rule,
        result.applies if result and applies_label else None,
        applies_label,
        figure_reason(rule, result) if result else "",
        figure_value(rule),
        legal_sentence(rule.legal, state),
        {
            "payer": label(rule.payer) if rule.payer else "",
            "recurrence": label(rule.recurrence) if rule.recurrence else "",
        },
        review=review_sentence(rule, today),
        tone=tone,
    )


def caveat_entry(rule: rules.CaveatRule, result: rules.CaveatResult | None, today: date) -> Entry:
    state = result.legal if result else rule.legal.on(today)
    return Entry(
        "caveat",
        rule,
        legal=legal_sentence(rule.legal, state),
        extra={"severity": label(rule.severity)},
        review=review_sentence(rule, today),
    )


def _range(low: int, high: int) -> str:
    if low == high:
        return number_format(low)
    return _("%(low)s to %(high)s") % {"low": number_format(low), "high": number_format(high)}


def points_entry(
    rule: rules.PointsTableRule, result: rules.PointsResult | None, today: date
) -> Entry:
    state = result.legal if result else rule.legal.on(today)
    rows_by_id = {row.id: row for row in result.rows} if result else {}
    rows = [
        {
            "label": row.label,
            "category": row.category,
            "points": row.points,
            "requirement": requirement(row.condition),
            "yours": _range(rows_by_id[row.id].low, rows_by_id[row.id].high)
            if row.id in rows_by_id
            else "",
        }
        for row in rule.rows
    ]
    reason = ""
    if result is not None:
        if result.cause is Cause.RULE_UNDEFINED:
            reason = _("The sources publish no points for this test, so no answer can settle it.")
        elif rule.pass_mark is not None:
            reason = _("Your points: %(points)s; the pass mark is %(pass)s.") % {
                "points": _range(result.low, result.high),
                "pass": number_format(rule.pass_mark),
            }
    return Entry(
        "points",
        rule,
        result.status if result else None,
        status_label(result.status) if result else "",
        reason,
        "",
        legal_sentence(rule.legal, state),
        {
            "rows": rows,
            "caps": [{"category": c, "cap": n} for c, n in rule.caps],
            "total": _range(result.low, result.high) if result else "",
        },
        review=review_sentence(rule, today),
    )


# ---------------------------------------------------------------------------------------------
# A program, with or without an evaluation


@dataclass(frozen=True)
class Line:
    """A sentence with an optional status for its tag."""

    text: str
    status: Status | None = None
    status_label: str = ""

    @property
    def status_class(self) -> str:
        return STATUS_CLASSES[self.status] if self.status else ""


@dataclass(frozen=True)
class ProgramView:
    """Everything the pages say about one program (and, on a result, one applicant)."""

    program: rules.ProgramRules
    result: rules.ProgramResult | None
    country: str
    status: str
    criteria: tuple[Entry, ...]
    points: tuple[Entry, ...]
    figures: tuple[Entry, ...]
    caveats: tuple[Entry, ...]
    sections: tuple[tuple[str, tuple[GroupNode | Entry, ...]], ...]
    routes: tuple[Line, ...]
    selection: str
    selection_lines: tuple[Line, ...]
    verdict: str = ""
    verdict_class: str = ""
    headline: str = ""
    depends_on: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    changes: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        return self.program.slug

    @property
    def selection_label(self) -> str:
        """How applicants are chosen, in a few words (the note apart)."""
        return label(self.program.selection)

    @property
    def unclear(self) -> tuple[Entry, ...]:
        """Every item that is unclear for this applicant, by rule, answer or legal status."""
        return tuple(
            e for e in (*self.criteria, *self.points, *self.figures, *self.caveats) if e.unclear
        )


@dataclass(frozen=True)
class GroupNode:
    """A group of the requirement tree as shown: a route or "all/any of these"."""

    heading: str
    members: tuple[GroupNode | Entry, ...]
    importance: Importance = Importance.REQUIRED
    status: Status | None = None
    status_label: str = ""
    template: str = "visas/_group.html"

    @property
    def status_class(self) -> str:
        return STATUS_CLASSES[self.status] if self.status else ""


def _tree(
    program: rules.ProgramRules,
    criteria: Sequence[Entry],
    points: Sequence[Entry],
    result: rules.ProgramResult | None,
) -> tuple[tuple[str, tuple[GroupNode | Entry, ...]], ...]:
    """The requirements by importance, each a list of entries and (nested) groups."""
    groups = {g.key: g for g in program.groups}
    statuses: dict[str, Status] = {}
    if result is not None:
        for node in (*result.requirements.children, *result.not_needed_by, *result.warnings):
            for sub in _walk(node):
                if sub.kind is NodeKind.GROUP:
                    statuses[sub.ref] = sub.status
        for route in result.routes:
            statuses[route.ref] = route.status

    def members(key: str) -> tuple[GroupNode | Entry, ...]:
        items: list[GroupNode | Entry] = [
            e for e in criteria if isinstance(e.rule, rules.CriterionRule) and e.rule.group == key
        ]
        items += [
            e for e in points if isinstance(e.rule, rules.PointsTableRule) and e.rule.group == key
        ]
        items += [group_node(g) for g in program.groups if g.parent == key and g.key in groups]
        return tuple(items)

    def group_node(group: rules.GroupRule) -> GroupNode:
        combine = _("All of these:") if group.combine.value == "all" else _("Any one of these:")
        heading = f"{group.route} — {combine}" if group.route else combine
        status = statuses.get(group.key)
        return GroupNode(
            heading,
            members(group.key),
            group.importance,
            status,
            status_label(status, group.importance) if status else "",
        )

    top = members("")
    sections = []
    for importance in IMPORTANCE_SECTIONS:
        chosen = tuple(item for item in top if _importance(item) is importance)
        if chosen:
            sections.append((_section_title(importance), chosen))
    return tuple(sections)


def _importance(item: GroupNode | Entry) -> Importance:
    if isinstance(item, GroupNode):
        return item.importance
    if isinstance(item.rule, rules.CriterionRule):
        return item.rule.importance
    return Importance.REQUIRED


def _walk(node: rules.NodeResult) -> Iterable[rules.NodeResult]:
    yield node
    for child in node.children:
        yield from _walk(child)


IMPORTANCE_SECTIONS = (
    Importance.REQUIRED,
    Importance.WARNING_UNLESS,
    Importance.FAVOURABLE,
    Importance.NOT_REQUIRED,
    Importance.NOT_NEEDED_IF,
    Importance.SELECTION_EXEMPT_IF,
    Importance.SELECTION_ADVANTAGE,
)


def _section_title(importance: Importance) -> str:
    return {
        Importance.REQUIRED: _("What you need"),
        Importance.WARNING_UNLESS: _("Limits the sources hint at"),
        Importance.FAVOURABLE: _("What counts in your favour"),
        Importance.NOT_REQUIRED: _("What you do not need"),
        Importance.NOT_NEEDED_IF: _("When you do not need this program"),
        Importance.SELECTION_EXEMPT_IF: _("When there is no lottery or cap for you"),
        Importance.SELECTION_ADVANTAGE: _("What improves your chance of selection"),
    }[importance]


def _node_text(node: rules.NodeResult, program: rules.ProgramRules) -> str:
    """A unit of the requirement tree in a few words: a route's name, a requirement."""
    if node.kind is NodeKind.CRITERION:
        rule = next(c for c in program.criteria if str(c.id) == node.ref)
        return requirement(rule.condition)
    if node.kind is NodeKind.POINTS:
        table = next(t for t in program.points_tables if str(t.id) == node.ref)
        return table.name
    group = next(g for g in program.groups if g.key == node.ref)
    if group.route:
        return group.route
    parts = [_node_text(child, program) for child in node.children]
    joiner = _(" and ") if group.combine.value == "all" else _(" or ")
    return joiner.join(parts)


def _route_line(node: rules.NodeResult, program: rules.ProgramRules) -> Line:
    name = _node_text(node, program)
    if node.status is Status.MEETS:
        text = _("%(route)s: you meet it.") % {"route": name}
    elif node.status is Status.UNCLEAR:
        text = _("%(route)s: possible; something it asks is unclear.") % {"route": name}
    else:
        text = ngettext(
            "%(route)s: %(count)d requirement not met.",
            "%(route)s: %(count)d requirements not met.",
            node.failed,
        ) % {"route": name, "count": node.failed}
    return Line(text, node.status, status_label(node.status))


def _headline(program: rules.ProgramRules, result: rules.ProgramResult) -> str:
    verdict = result.verdict
    if verdict is Verdict.NOT_NEEDED:
        reasons = []
        for node in result.not_needed_by:
            for leaf in rules.leaves(node):
                if leaf.kind is NodeKind.CRITERION and leaf.status is Status.MEETS:
                    rule = next(c for c in program.criteria if str(c.id) == leaf.ref)
                    reasons.append(rule.statement)
        return " ".join(reasons) or _("Your answers show you do not need it.")
    if result.cause is Cause.PROGRAM_STATUS:
        return _("The program is not open as things stand: its status is “%(status)s”.") % {
            "status": label(program.status)
        }
    if verdict is Verdict.NOT_ELIGIBLE:
        failed = [
            _node_text(node, program)
            for node in result.requirements.children
            if node.status is Status.NOT_MET
        ]
        return _("Not met: %(requirements)s.") % {"requirements": "; ".join(failed)}
    if verdict is Verdict.POSSIBLE:
        count = sum(1 for n in result.requirements.children if n.status is Status.UNCLEAR)
        return ngettext(
            "Nothing rules you out, but %(count)d requirement is unclear.",
            "Nothing rules you out, but %(count)d requirements are unclear.",
            count,
        ) % {"count": count}
    return _("You meet every requirement the sources state.")


def _depends_on(
    view_criteria: Sequence[Entry],
    view_points: Sequence[Entry],
    program: rules.ProgramRules,
    result: rules.ProgramResult,
) -> tuple[str, ...]:
    lines = []
    for node in result.requirements.children:
        if node.status is not Status.UNCLEAR:
            continue
        reasons = []
        for leaf in rules.leaves(node):
            if leaf.status is not Status.UNCLEAR:
                continue
            entries = view_criteria if leaf.kind is NodeKind.CRITERION else view_points
            entry = next(e for e in entries if str(e.rule.id) == leaf.ref)
            reasons.append(entry.reason or entry.requirement)
        lines.append(
            _("%(requirement)s — %(reasons)s")
            % {"requirement": _node_text(node, program), "reasons": " ".join(reasons)}
        )
    return tuple(lines)


def _change_sentence(program: rules.ProgramRules, change: rules.Change) -> str:
    updates = pgettext("list separator", "; ").join(
        _("%(fact)s: %(value)s")
        % {"fact": fact_label(fact, key), "value": value_label(fact, value, key)}
        for fact, key, value in change.updates
    )
    sentence = _("With %(changes)s: %(verdict)s.") % {
        "changes": updates,
        "verdict": verdict_label(change.verdict).lower(),
    }
    chosen = program.selection not in (Selection.NONE, Selection.NOT_RECORDED)
    if change.verdict is Verdict.CAN_APPLY and chosen:
        sentence += " " + _("Applicants are then chosen by: %(selection)s.") % {
            "selection": label(program.selection).lower()
        }
    return sentence


def _percent(value: Decimal) -> str:
    return _("%(number)s%%") % {"number": number_format(value.normalize())}


def _selection_lines(
    program: rules.ProgramRules, result: rules.ProgramResult | None, figures: Sequence[Entry]
) -> tuple[Line, ...]:
    if result is None:
        return ()
    selection = result.selection
    lines: list[Line] = []
    if selection.mechanism is Selection.NOT_RECORDED:
        return (
            Line(
                _(
                    "Results made before 29 November 2026 did not record how applicants are "
                    "chosen. Check again with today's rules to see it."
                )
            ),
        )
    if selection.mechanism is Selection.NONE:
        return (Line(_("Everyone who qualifies may be granted it: there is no lottery or cap.")),)
    if selection.exemption is Exemption.EXEMPT:
        names = [_node_text(n, program) for n in selection.exemptions if n.status is Status.MEETS]
        lines.append(
            Line(
                _("You are not subject to it: %(reason)s.") % {"reason": "; ".join(names)},
                Status.MEETS,
                _("Exempt"),
            )
        )
        return tuple(lines)
    if selection.exemption is Exemption.MAYBE_EXEMPT:
        names = [_node_text(n, program) for n in selection.exemptions if n.status is Status.UNCLEAR]
        lines.append(
            Line(
                _("You may be exempt, depending on: %(reason)s.") % {"reason": "; ".join(names)},
                Status.UNCLEAR,
                _("Maybe exempt"),
            )
        )
    if selection.chance_low is not None and selection.chance_high is not None:
        used = [e for e in figures if e.rule.id in selection.chance_figures]
        periods = sorted(
            {e.rule.period for e in used if isinstance(e.rule, rules.FigureRule) and e.rule.period}
        )
        if selection.chance_low == selection.chance_high:
            text = _("Estimated chance of being selected: about %(chance)s.") % {
                "chance": _percent(selection.chance_low)
            }
        else:
            text = _(
                "Estimated chance of being selected: between %(low)s and %(high)s, depending "
                "on answers you have not given."
            ) % {"low": _percent(selection.chance_low), "high": _percent(selection.chance_high)}
        if periods:
            text += " " + _(
                "Basis: %(period)s. An estimate from the figures below, not a certainty."
            ) % {"period": ", ".join(periods)}
        else:
            text += " " + _("An estimate from the figures below, not a certainty.")
        lines.append(Line(text))
    elif selection.exemption is not Exemption.EXEMPT:
        lines.append(Line(_("No estimate of your chance is published.")))
    for node in selection.advantages:
        if node.status is Status.NOT_MET:
            continue
        lines.append(
            Line(
                _("In your favour: %(advantage)s.") % {"advantage": _node_text(node, program)},
                node.status,
                status_label(node.status),
            )
        )
    return tuple(lines)


def program_view(
    program: rules.ProgramRules, result: rules.ProgramResult | None, *, today: date
) -> ProgramView:
    """One program as the pages show it; with ``result``, as it reads for one applicant."""
    criteria_results = {c.id: c for c in result.criteria} if result else {}
    criteria = tuple(
        criterion_entry(rule, criteria_results.get(rule.id), today, program.rates)
        for rule in program.criteria
    )
    points_results = {p.id: p for p in result.points} if result else {}
    points = tuple(
        points_entry(rule, points_results.get(rule.id), today) for rule in program.points_tables
    )
    figure_results = {f.id: f for f in result.figures} if result else {}
    figures = tuple(
        figure_entry(rule, figure_results.get(rule.id), today) for rule in program.figures
    )
    caveat_results = {c.id: c for c in result.caveats} if result else {}
    caveats = tuple(
        caveat_entry(rule, caveat_results.get(rule.id), today) for rule in program.caveats
    )
    sections = _tree(program, criteria, points, result)
    selection = label(program.selection)
    if program.selection_note:
        selection = f"{selection}: {program.selection_note}"
    if result is None:
        return ProgramView(
            program,
            None,
            country_name(program.country),
            label(program.status),
            criteria,
            points,
            figures,
            caveats,
            sections,
            (),
            selection,
            (),
        )
    routes = tuple(_route_line(node, program) for node in result.routes)
    return ProgramView(
        program,
        result,
        country_name(program.country),
        label(program.status),
        criteria,
        points,
        figures,
        caveats,
        sections,
        routes,
        selection,
        _selection_lines(program, result, figures),
        verdict=verdict_label(result.verdict),
        verdict_class=VERDICT_CLASSES[result.verdict],
        headline=_headline(program, result),
        depends_on=_depends_on(criteria, points, program, result)
        if result.verdict is Verdict.POSSIBLE
        else (),
        warnings=tuple(
            _("Very likely excluded: %(limit)s. %(why)s")
            % {
                "limit": _node_text(node, program),
                "why": " ".join(
                    e.rule.statement
                    for leaf in rules.leaves(node)
                    if leaf.kind is NodeKind.CRITERION
                    for e in [next(x for x in criteria if str(x.rule.id) == leaf.ref)]
                    if isinstance(e.rule, rules.CriterionRule)
                ),
            }
            for node in result.warnings
        ),
        changes=tuple(_change_sentence(program, change) for change in result.changes),
    )


@dataclass(frozen=True)
class Summary:
    """One program for one applicant in a line: the result page's overview."""

    program: rules.ProgramRules
    verdict: Verdict
    verdict_label: str
    verdict_class: str
    headline: str
    chosen_by: str  # how applicants are chosen, with the estimated chance when there is one
    catch: str  # the most serious caveat in force, or ""

    @property
    def slug(self) -> str:
        return self.program.slug


def _catch(program: rules.ProgramRules, result: rules.ProgramResult) -> str:
    current = {c.id for c in result.caveats if c.legal is LegalStatus.IN_FORCE}
    caveats = [c for c in program.caveats if c.id in current]
    for severity in (Severity.SERIOUS, Severity.CAUTION):
        found = next((c for c in caveats if c.severity is severity), None)
        if found is not None:
            return found.title
    return ""


def program_summary(program: rules.ProgramRules, result: rules.ProgramResult) -> Summary:
    selection = result.selection
    chosen_by = label(selection.mechanism)
    if selection.exemption is Exemption.EXEMPT:
        chosen_by = _("%(how)s; you are exempt") % {"how": chosen_by}
    elif selection.chance_low is not None and selection.chance_high is not None:
        if selection.chance_low == selection.chance_high:
            chance = _percent(selection.chance_low)
        else:
            chance = _("%(low)s to %(high)s") % {
                "low": _percent(selection.chance_low),
                "high": _percent(selection.chance_high),
            }
        chosen_by = _("%(how)s; your estimated chance: %(chance)s") % {
            "how": chosen_by,
            "chance": chance,
        }
    return Summary(
        program,
        result.verdict,
        verdict_label(result.verdict),
        VERDICT_CLASSES[result.verdict],
        _headline(program, result),
        chosen_by,
        _catch(program, result),
    )


@dataclass(frozen=True)
class Cost:
    """What one payer pays for a program, totalled: once and every year, by currency."""

    payer: Payer
    once: tuple[tuple[str, Decimal], ...]
    yearly: tuple[tuple[str, Decimal], ...]


_ONCE = frozenset({Recurrence.ONE_TIME, Recurrence.PER_APPLICATION, Recurrence.PER_PETITION})


def costs(program: rules.ProgramRules, result: rules.ProgramResult) -> tuple[Cost, ...]:
    """The fees that apply to this applicant and are in force on the result's date, totalled
    by payer (applicant, employer, either), once and yearly, in each currency."""
    applying = {
        f.id
        for f in result.figures
        if f.applies is Status.MEETS and f.legal is LegalStatus.IN_FORCE
    }
    sums: dict[tuple[Payer, bool, str], Decimal] = {}
    for figure in program.figures:
        if figure.kind is not FigureKind.FEE or figure.value is None or figure.id not in applying:
            continue
        if figure.payer is Payer.NOT_APPLICABLE or not _is_currency(figure.unit):
            continue
        if figure.recurrence is not Recurrence.PER_YEAR and figure.recurrence not in _ONCE:
            continue
        key = (figure.payer, figure.recurrence is Recurrence.PER_YEAR, figure.unit)
        sums[key] = sums.get(key, Decimal(0)) + figure.value
    found = []
    for payer in (Payer.APPLICANT, Payer.EMPLOYER, Payer.EITHER):
        once = tuple((c, v) for (p, y, c), v in sums.items() if p is payer and not y)
        each_year = tuple((c, v) for (p, y, c), v in sums.items() if p is payer and y)
        if once or each_year:
            found.append(Cost(payer, once, each_year))
    return tuple(found)


def _is_currency(unit: str) -> bool:
    try:
        Currency(unit)
    except ValueError:
        return False
    return True


def approximately(amount: Decimal, currency: str, target: str, rates: Sequence[rules.Rate]) -> str:
    """ "about 97,500 INR" for an amount in another currency; "" for the same currency or
    without a rate."""
    if not target or currency == target:
        return ""
    worth = rules.amount_worth(int(amount), currency, target, rates)
    if worth is None:
        return ""
    # Round to three significant figures: the rate is approximate anyway.
    rounded = int(worth.quantize(Decimal(10) ** max(len(str(int(worth))) - 3, 0)))
    return _("about %(amount)s") % {"amount": money(rounded, target)}


def cost_sentence(cost: Cost, target: str, rates: Sequence[rules.Rate]) -> str:
    """ "You: 766 GBP once (about 80,500 INR), then 1,035 GBP a year (...)." """

    def amounts(pairs: tuple[tuple[str, Decimal], ...]) -> str:
        parts = []
        for currency, amount in pairs:
            text = money(amount.normalize(), currency)
            about = approximately(amount, currency, target, rates)
            parts.append(f"{text} ({about})" if about else text)
        return pgettext("list separator", " + ").join(parts)

    who = {
        Payer.APPLICANT: _("You"),
        Payer.EMPLOYER: _("Your employer"),
        Payer.EITHER: _("You or your employer"),
    }[cost.payer]
    if cost.once and cost.yearly:
        return _("%(who)s: %(once)s once, then %(yearly)s a year.") % {
            "who": who,
            "once": amounts(cost.once),
            "yearly": amounts(cost.yearly),
        }
    if cost.once:
        return _("%(who)s: %(once)s once.") % {"who": who, "once": amounts(cost.once)}
    return _("%(who)s: %(yearly)s a year.") % {"who": who, "yearly": amounts(cost.yearly)}


def country_name(code: str) -> str:
    """A country's name in the active language (the code, for one the vocabulary lacks)."""
    try:
        return label(Country(code))
    except ValueError:
        return code
