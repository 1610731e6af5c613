"""Turn a stored evaluation snapshot into the side-by-side rows of the result page.

Pure functions over the snapshot (plain dicts from visas.rules.result_to_dict): no request,
no ORM, so a shared result renders exactly as it was evaluated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from visas.vocabulary import Fact, Priority

Snapshot = Sequence[Mapping[str, Any]]

# Row key -> (heading, figure kinds, caveat categories, criterion facts)
ROWS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "job_offer": (
        "Job offer and employer",
        (),
        ("employer_dependence",),
        (Fact.JOB_OFFER, Fact.SPONSOR, Fact.EMPLOYER_TYPE),
    ),
    "costs": ("Who pays what", ("fee",), ("employer_cost",), ()),
    "odds": ("Odds and caps", ("cap", "selection_rate"), ("lottery",), (Fact.WAGE_LEVEL,)),
    "timeline": ("Timeline", ("timeline", "processing"), (), ()),
    "stay": ("Length of stay", ("validity",), (), ()),
    "rights": ("What you may do", ("rights",), (), ()),
    "family": ("Family", ("family",), ("family",), (Fact.FAMILY,)),
    "permanent_residence": (
        "Path to permanent residence",
        ("permanent_residence",),
        ("permanent_residence",),
        (),
    ),
    "language": ("Language", (), ("language",), (Fact.MANDARIN, Fact.ENGLISH)),
}

PRIORITY_ROWS: dict[str, tuple[str, ...]] = {
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
    figures: list[Mapping[str, Any]] = field(default_factory=list)
    caveats: list[Mapping[str, Any]] = field(default_factory=list)
    criteria: list[Mapping[str, Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.figures or self.caveats or self.criteria)


@dataclass(frozen=True)
class Row:
    key: str
    heading: str
    cells: list[Cell]
    is_priority: bool
    priority_labels: list[str]


def columns_choose(
    snapshot: Snapshot, requested: Iterable[str], *, default_count: int = 2
) -> list[str]:
    """The programs to show: those requested that exist, else the first `default_count`."""
    slugs = [result["program"]["slug"] for result in snapshot]
    chosen = [slug for slug in slugs if slug in set(requested)]
    return chosen or slugs[:default_count]


def rows_build(snapshot: Snapshot, *, slugs: Sequence[str], priorities: Iterable[str]) -> list[Row]:
    """The comparison rows for the chosen programs, the applicant's priorities first."""
    results = [r for slug in slugs for r in snapshot if r["program"]["slug"] == slug]
    wanted: dict[str, list[str]] = {}
    for priority in priorities:
        try:
            label = Priority(priority).label
        except ValueError:
            continue
        for key in PRIORITY_ROWS.get(priority, ()):
            wanted.setdefault(key, []).append(label)

    rows = []
    for key, (heading, kinds, categories, facts) in ROWS.items():
        cells = [
            Cell(
                figures=[f for f in result["figures"] if f["figure"]["kind"] in kinds],
                caveats=[c for c in result["program"]["caveats"] if c["category"] in categories],
                criteria=[
                    c
                    for c in result["criteria"]
                    if c["criterion"]["condition"]["fact"] in facts
                    and c["unclear_because"] != "not_answered"  # not asked: only in the full list
                ],
            )
            for result in results
        ]
        if all(cell.empty for cell in cells):
            continue
        rows.append(Row(key, heading, cells, key in wanted, wanted.get(key, [])))
    # Stable sort: the applicant's priorities first, in the site's order otherwise.
    return sorted(rows, key=lambda row: not row.is_priority)


def deciding_answers(snapshot: Snapshot, answers: Mapping[str, object]) -> list[tuple[str, str]]:
    """(question, answer) for the answers that decided a verdict: all a shared link reveals."""
    from visas.vocabulary import FACTS

    facts: list[str] = []
    for result in snapshot:
        for fact in result.get("deciding_facts", []):
            if fact not in facts:
                facts.append(fact)
    shown = []
    for fact_value in sorted(facts, key=lambda f: list(Fact).index(Fact(f))):
        fact = Fact(fact_value)
        if fact_value in answers:
            shown.append((fact.label, FACTS[fact].value_label(answers[fact_value])))
    return shown


def remaining_caveats(result: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Caveats not already shown in a topic row."""
    shown = {category for _, _, categories, _ in ROWS.values() for category in categories}
    return [c for c in result["program"]["caveats"] if c["category"] not in shown]
