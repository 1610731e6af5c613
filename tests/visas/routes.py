"""What the tests of the routes in visas/content/ share: evaluate a loaded program for an
applicant, and find a route, a criterion or a points table of its result by content key."""

from __future__ import annotations

from datetime import date

from visas import rules, selectors
from visas.models import Criterion, PointsTable

TODAY = date(2026, 12, 2)


def evaluate(slug: str, answers: dict[str, object], today: date = TODAY) -> rules.ProgramResult:
    program = selectors.program_rules_get(slug=slug)
    assert program is not None, slug
    return rules.evaluate_program(program, answers, today=today)


def route(result: rules.ProgramResult, key: str) -> rules.NodeResult:
    """A named route (or any group) of the result's requirement tree, by its key."""

    def walk(nodes: tuple[rules.NodeResult, ...]) -> rules.NodeResult | None:
        for node in nodes:
            if node.ref == key:
                return node
            found = walk(node.children)
            if found is not None:
                return found
        return None

    found = walk(result.routes) or walk((result.requirements,))
    assert found is not None, key
    return found


def criterion(result: rules.ProgramResult, key: str) -> rules.CriterionResult:
    pk = Criterion.objects.get(program__slug=result.program.slug, content_key=key).pk
    return next(c for c in result.criteria if c.id == pk)


def points(result: rules.ProgramResult, key: str) -> rules.PointsResult:
    pk = PointsTable.objects.get(program__slug=result.program.slug, content_key=key).pk
    return next(p for p in result.points if p.id == pk)
