"""Reading visa programs: the one place database rows become rule objects (visas.rules).

A fixed number of queries whatever the number of programs, criteria, figures or caveats:
one for the programs, and per kind of item one for the items (with their main source) and
one for their further sources.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TypeVar

from django.db import connection
from django.db.models import JSONField, Prefetch, QuerySet
from django.db.models.expressions import RawSQL

from visas import rules
from visas.models import Caveat, Criterion, KeyFigure, Program, Source
from visas.vocabulary import Clarity, Fact, Importance, Operator

logger = logging.getLogger(__name__)


def program_rules_list(*, slugs: Sequence[str] | None = None) -> list[rules.ProgramRules]:
    """Every program (or those with the given slugs) as rules, ordered as on the site."""
    programs = Program.objects.order_by("display_order", "name", "id").prefetch_related(
        Prefetch("criteria", queryset=_cited(Criterion.objects.all())),
        Prefetch("figures", queryset=_cited(KeyFigure.objects.all())),
        Prefetch("caveats", queryset=_cited(Caveat.objects.all())),
    )
    if slugs is not None:
        programs = programs.filter(slug__in=list(slugs))
    return [_program_rules(program) for program in programs]


def program_revisions(*, slugs: Sequence[str]) -> dict[str, int]:
    """The current revision of each of these programs that still exists, by slug."""
    return dict(Program.objects.filter(slug__in=list(slugs)).values_list("slug", "revision"))


def program_revisions_expression() -> RawSQL:
    """Every program's current revision as one JSON object {slug: revision}, for annotating
    another query with it (one round trip instead of two on hot pages)."""
    table = connection.ops.quote_name(Program._meta.db_table)
    return RawSQL(
        f"SELECT COALESCE(jsonb_object_agg(slug, revision), '{{}}'::jsonb) FROM {table}",
        [],
        output_field=JSONField(),
    )


_Cited = TypeVar("_Cited", Criterion, KeyFigure, Caveat)


def _cited(items: QuerySet[_Cited]) -> QuerySet[_Cited]:
    return (
        items.select_related("source")
        .prefetch_related("more_sources")
        .order_by("display_order", "id")
    )


def _program_rules(program: Program) -> rules.ProgramRules:
    return rules.ProgramRules(
        slug=program.slug,
        name=program.name,
        country=program.country,
        status=program.status,
        status_label=program.get_status_display(),
        summary=program.summary,
        revision=program.revision,
        last_reviewed_on=program.last_reviewed_on,
        url=program.get_absolute_url(),
        criteria=tuple(
            rule
            for rule in (_criterion_rule(item) for item in program.criteria.all())
            if rule is not None
        ),
        figures=tuple(_figure_rule(item) for item in program.figures.all()),
        caveats=tuple(_caveat_rule(item) for item in program.caveats.all()),
    )


def _criterion_rule(item: Criterion) -> rules.CriterionRule | None:
    """The rule, or None (logged) for a row the engine cannot read; admin validation keeps
    such rows out, so this guards only against edits made around it."""
    condition = _condition(item.fact, item.operator, item.values)
    try:
        importance = Importance(item.importance)
    except ValueError:
        condition = None
    if condition is None:
        logger.warning("Criterion %s cannot be read as a rule and is left out.", item.pk)
        return None
    return rules.CriterionRule(
        id=item.pk,
        condition=condition,
        importance=importance,
        group=item.group,
        statement=item.statement,
        clarity=_clarity(item.clarity),
        as_of=item.as_of,
        sources=_sources(item),
    )


def _figure_rule(item: KeyFigure) -> rules.FigureRule:
    applies = None
    if item.applies_fact or item.applies_operator:
        applies = _condition(item.applies_fact, item.applies_operator, item.applies_values)
        if applies is None:
            logger.warning("Key figure %s has a condition that cannot be read.", item.pk)
    return rules.FigureRule(
        id=item.pk,
        kind=item.kind,
        kind_label=item.get_kind_display(),
        label=item.label,
        value=item.value,
        value_text=item.value_text,
        unit=item.unit,
        payer=item.payer,
        payer_label=item.get_payer_display(),
        recurrence=item.recurrence,
        recurrence_label=item.get_recurrence_display(),
        period=item.period,
        effective_from=item.effective_from,
        effective_to=item.effective_to,
        applies=applies,
        applies_note=item.applies_note,
        note=item.note,
        clarity=_clarity(item.clarity),
        as_of=item.as_of,
        sources=_sources(item),
    )


def _caveat_rule(item: Caveat) -> rules.CaveatRule:
    return rules.CaveatRule(
        id=item.pk,
        category=item.category,
        category_label=item.get_category_display(),
        severity=item.severity,
        severity_label=item.get_severity_display(),
        title=item.title,
        text=item.text,
        clarity=_clarity(item.clarity),
        as_of=item.as_of,
        sources=_sources(item),
    )


def _condition(fact: str, operator: str, values: object) -> rules.Condition | None:
    try:
        condition_fact, condition_operator = Fact(fact), Operator(operator)
    except ValueError:
        return None
    items = values if isinstance(values, list) else []
    kept = tuple(
        value for value in items if isinstance(value, (str, int)) and not isinstance(value, bool)
    )
    return rules.Condition(condition_fact, condition_operator, kept)


def _clarity(value: str) -> Clarity:
    """An unreadable clarity reads as unclear: the cautious choice."""
    try:
        return Clarity(value)
    except ValueError:
        return Clarity.UNCLEAR


def _sources(item: Criterion | KeyFigure | Caveat) -> tuple[rules.SourceRef, ...]:
    """The main source first, then the further ones (by title), each once."""
    further: Iterable[Source] = item.more_sources.all()
    ordered = [item.source, *(source for source in further if source.pk != item.source_id)]
    return tuple(_source_ref(source) for source in ordered)


def _source_ref(source: Source) -> rules.SourceRef:
    return rules.SourceRef(
        title=source.title,
        publisher=source.publisher,
        url=source.url,
        published_on=source.published_on,
        published_note=source.published_note,
        accessed_on=source.accessed_on,
        is_official=source.is_official,
    )
