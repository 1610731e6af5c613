"""Turn evaluated programs into the side-by-side rows of the result page.

Pure functions over :class:`visas.wording.ProgramView` objects (read from a stored snapshot):
no request, no ORM, so a shared result renders exactly as it was evaluated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from visas import rules, wording
from visas.vocabulary import CaveatCategory, Fact, FigureKind, Priority, answer_key


@dataclass(frozen=True)
class Topic:
    heading: Callable[[], str]
    kinds: tuple[FigureKind, ...] = ()
    categories: tuple[CaveatCategory, ...] = ()
    facts: tuple[Fact, ...] = ()


# Topic rows in page order; headings are functions so they are worded in the active language.
TOPICS: dict[str, Topic] = {
    "job_offer": Topic(
        lambda: _("Job offer and employer"),
        categories=(CaveatCategory.EMPLOYER_DEPENDENCE,),
        facts=(Fact.JOB_OFFER, Fact.SPONSOR, Fact.EMPLOYER_TYPE),
    ),
    "costs": Topic(
        lambda: _("Fees, one by one"), (FigureKind.FEE,), (CaveatCategory.EMPLOYER_COST,)
    ),
    "odds": Topic(
        lambda: _("Odds and caps"),
        (FigureKind.CAP, FigureKind.SELECTION_RATE),
        (CaveatCategory.LOTTERY,),
    ),
    "timeline": Topic(lambda: _("Timeline"), (FigureKind.TIMELINE, FigureKind.PROCESSING)),
    "stay": Topic(lambda: _("Length of stay"), (FigureKind.VALIDITY,)),
    "rights": Topic(lambda: _("What you may do"), (FigureKind.RIGHTS,)),
    "family": Topic(
        lambda: _("Family"), (FigureKind.FAMILY,), (CaveatCategory.FAMILY,), (Fact.FAMILY,)
    ),
    "permanent_residence": Topic(
        lambda: _("Path to permanent residence"),
        (FigureKind.PERMANENT_RESIDENCE,),
        (CaveatCategory.PERMANENT_RESIDENCE,),
    ),
    "language": Topic(
        lambda: _("Language"), categories=(CaveatCategory.LANGUAGE,), facts=(Fact.LANGUAGE_LEVEL,)
    ),
}

PRIORITY_ROWS: dict[Priority, tuple[str, ...]] = {
    Priority.PERMANENT_RESIDENCE: ("permanent_residence",),
    Priority.INDEPENDENCE: ("job_offer",),
    Priority.LOW_COST: ("costs",),
    Priority.SPEED: ("timeline",),
    Priority.RESEARCH: ("rights",),
    Priority.STARTUP: ("rights",),
    Priority.FAMILY: ("family",),
}


@dataclass(frozen=True)
class Cell:
    entries: list[wording.Entry] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.entries

    @property
    def names(self) -> str:
        """The items in a line (what a collapsed cell says it holds)."""
        return "; ".join(entry.name for entry in self.entries)


@dataclass(frozen=True)
class Row:
    key: str
    heading: str
    cells: list[Cell]
    is_priority: bool
    priority_labels: list[str]


# The comparison people come for: always a column unless the applicant chooses otherwise.
ALWAYS_COMPARED = ("china-k-visa", "us-h1b")
_STRENGTH = {
    rules.Verdict.CAN_APPLY: 0,
    rules.Verdict.POSSIBLE: 1,
    rules.Verdict.NOT_ELIGIBLE: 2,
}


def columns_choose(
    results: Sequence[rules.ProgramResult],
    requested: Iterable[str],
    *,
    always: Sequence[str] = ALWAYS_COMPARED,
    strongest: int = 2,
) -> list[rules.ProgramResult]:
    """The programs to show, in site order: those requested that exist; else the ones always
    compared and the applicant's ``strongest`` other routes (best verdict first, then site
    order; never one they do not need)."""
    wanted = set(requested)
    chosen = [result for result in results if result.program.slug in wanted]
    if chosen:
        return chosen
    fixed = [r for r in results if r.program.slug in always]
    others = sorted(
        (r for r in results if r not in fixed and r.verdict in _STRENGTH),
        key=lambda r: _STRENGTH[r.verdict],  # stable: site order within a verdict
    )
    picked = {id(r) for r in [*fixed, *others[:strongest]]}
    return [r for r in results if id(r) in picked]


# The overview's groups, in page order.
OVERVIEW_ORDER = (
    rules.Verdict.CAN_APPLY,
    rules.Verdict.POSSIBLE,
    rules.Verdict.NOT_ELIGIBLE,
    rules.Verdict.NOT_NEEDED,
)


def overview(
    summaries: Sequence[wording.Summary],
) -> list[tuple[rules.Verdict, list[wording.Summary]]]:
    """Every program for this applicant, grouped by verdict (empty groups left out)."""
    return [
        (verdict, members)
        for verdict in OVERVIEW_ORDER
        for members in [[s for s in summaries if s.verdict is verdict]]
        if members
    ]


def _topic_entries(view: wording.ProgramView, topic: Topic) -> list[wording.Entry]:
    entries = [
        e
        for e in view.criteria
        if isinstance(e.rule, rules.CriterionRule)
        and e.rule.condition.fact in topic.facts
        and e.status is not None
        and e.reason
        and not (e.status is rules.Status.UNCLEAR and e.rule.condition.fact not in _asked(view))
    ]
    entries += [
        e
        for e in view.figures
        if isinstance(e.rule, rules.FigureRule) and e.rule.kind in topic.kinds
    ]
    entries += [
        e
        for e in view.caveats
        if isinstance(e.rule, rules.CaveatRule) and e.rule.category in topic.categories
    ]
    return entries


def _asked(view: wording.ProgramView) -> set[Fact]:
    """The facts whose criteria were decided on an answer (not left unasked)."""
    if view.result is None:
        return set()
    by_id = {c.id: c for c in view.result.criteria}
    return {
        e.rule.condition.fact
        for e in view.criteria
        if isinstance(e.rule, rules.CriterionRule)
        and e.rule.id in by_id
        and by_id[e.rule.id].cause is not rules.Cause.NOT_ANSWERED
    }


def rows_build(views: Sequence[wording.ProgramView], *, priorities: Iterable[str]) -> list[Row]:
    """The topic rows for the chosen programs, the applicant's priorities first."""
    wanted: dict[str, list[str]] = {}
    for priority in priorities:
        try:
            member = Priority(priority)
        except ValueError:
            continue
        for key in PRIORITY_ROWS.get(member, ()):
            wanted.setdefault(key, []).append(wording.label(member))
    rows = []
    for key, topic in TOPICS.items():
        cells = [Cell(_topic_entries(view, topic)) for view in views]
        if all(cell.empty for cell in cells):
            continue
        rows.append(Row(key, topic.heading(), cells, key in wanted, wanted.get(key, [])))
    # Stable sort: the applicant's priorities first, in the site's order otherwise.
    return sorted(rows, key=lambda row: not row.is_priority)


def shown_elsewhere(view: wording.ProgramView) -> list[wording.Entry]:
    """Caveats not already shown in a topic row."""
    shown = {category for topic in TOPICS.values() for category in topic.categories}
    return [
        e
        for e in view.caveats
        if isinstance(e.rule, rules.CaveatRule) and e.rule.category not in shown
    ]


def deciding_answers(
    results: Sequence[rules.ProgramResult], answers: Mapping[str, object]
) -> list[tuple[str, str]]:
    """(question, answer) for the answers that decided a verdict: all a shared link reveals."""
    facts: list[tuple[Fact, str]] = []
    for result in results:
        for fact_and_key in result.deciding_facts:
            if fact_and_key not in facts:
                facts.append(fact_and_key)
    order = list(Fact)
    return [
        (wording.fact_label(fact, key), wording.value_label(fact, answers[stored], key))
        for fact, key in sorted(facts, key=lambda pair: (order.index(pair[0]), pair[1]))
        for stored in [answer_key(fact, key)]
        if stored in answers
    ]
