"""Reading visa programs: the one place database rows become rule objects (visas.rules).

A fixed number of queries whatever the number of programs, criteria, figures or caveats:
one for the programs, and per kind of item one for the items (with their main source) and
one for their further sources.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import TypeVar

from django.db import connection, models
from django.db.models import JSONField, Prefetch, QuerySet
from django.db.models.expressions import RawSQL

from visas import rules
from visas.models import (
    Caveat,
    Criterion,
    ExchangeRate,
    KeyFigure,
    PointsTable,
    Program,
    RequirementGroup,
    Source,
)
from visas.vocabulary import (
    FACTS,
    CaveatCategory,
    Clarity,
    Combine,
    Fact,
    FactKind,
    FigureKind,
    Importance,
    LegalStatus,
    Operator,
    Payer,
    ProgramStatus,
    Recurrence,
    ReportedItem,
    Selection,
    Severity,
    answer_key,
)

logger = logging.getLogger(__name__)


def program_rules_list(*, slugs: Sequence[str] | None = None) -> list[rules.ProgramRules]:
    """Every program (or those with the given slugs) as rules, ordered as on the site."""
    programs = (
        Program.objects.order_by("display_order", "name", "id")
        .select_related("selection_source")
        .prefetch_related(
            Prefetch("groups", queryset=RequirementGroup.objects.select_related("parent")),
            Prefetch("criteria", queryset=_cited(Criterion.objects.select_related("group"))),
            Prefetch(
                "points_tables",
                queryset=_cited(PointsTable.objects.select_related("group")).prefetch_related(
                    "rows"
                ),
            ),
            Prefetch("figures", queryset=_cited(KeyFigure.objects.all())),
            Prefetch("caveats", queryset=_cited(Caveat.objects.all())),
        )
    )
    if slugs is not None:
        programs = programs.filter(slug__in=list(slugs))
    found = [_program_rules(program) for program in programs]
    reading = {program.slug for program in found if _reads_amounts(program)}
    if not reading:
        return found
    rates = exchange_rates()
    return [
        dataclasses.replace(program, rates=rates) if program.slug in reading else program
        for program in found
    ]


def _reads_amounts(program: rules.ProgramRules) -> bool:
    return any(FACTS[fact].kind is FactKind.MONEY for fact, _key in program.facts_used())


def exchange_rates() -> tuple[rules.Rate, ...]:
    """Every exchange rate, as the engine reads them."""
    return tuple(
        rules.Rate(
            currency=rate.currency,
            per_eur=rate.per_eur,
            as_of=rate.as_of,
            clarity=_clarity(rate.clarity),
            sources=(_source_ref(rate.source),),
        )
        for rate in ExchangeRate.objects.select_related("source").order_by("currency")
    )


def program_rules_get(*, slug: str) -> rules.ProgramRules | None:
    """One program as rules, or None if there is no such program."""
    found = program_rules_list(slugs=[slug])
    return found[0] if found else None


# What identifies every program's current content: (slug, id, revision) each, in site order.
# The id too: a program deleted and made again under its slug starts again at revision 1.
Versions = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class _Kept:
    rules: tuple[rules.ProgramRules, ...]
    facts: Mapping[str, tuple[str, ...]]  # every answer key these rules read: which programs


# Rules read from the database, kept per process by the programs' versions, with the facts
# they read (the questionnaire needs those on every page): every change to a program or
# anything under it (and to a source it cites) raises its revision, so a reader that sees
# the same versions would read the same rules. A few sets are kept, for the moment when
# processes see a change at different times.
_RULES_BY_REVISIONS: OrderedDict[Versions, _Kept] = OrderedDict()
_RULES_KEPT = 4


def program_versions() -> Versions:
    """Every program's (slug, id, revision), in site order: what the kept rules are keyed by."""
    # Written out: it runs on every question page, and building it through the ORM took
    # three times as long as running it.
    table = connection.ops.quote_name(Program._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT slug, id, revision FROM {table} ORDER BY display_order, name, id")
        return tuple((slug, pk, revision) for slug, pk, revision in cursor.fetchall())


def program_versions_expression() -> RawSQL:
    """:func:`program_versions` as one JSON array, for annotating another query with it (one
    round trip instead of two on the questionnaire's pages); read it with
    :func:`program_versions_from_json`."""
    table = connection.ops.quote_name(Program._meta.db_table)
    return RawSQL(
        "SELECT COALESCE(jsonb_agg(jsonb_build_array(slug, id, revision) "
        f"ORDER BY display_order, name, id), '[]'::jsonb) FROM {table}",
        [],
        output_field=JSONField(),
    )


def program_versions_from_json(value: object) -> Versions | None:
    """Versions read through :func:`program_versions_expression` (as JSON, or as its text
    from a raw query); None if unreadable."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if not isinstance(value, list):
        return None
    try:
        return tuple((str(slug), int(pk), int(revision)) for slug, pk, revision in value)
    except (TypeError, ValueError):
        return None


def _kept(versions: Versions | None) -> _Kept:
    if versions is None:
        versions = program_versions()
    kept = _RULES_BY_REVISIONS.get(versions)
    if kept is None:
        found = program_rules_list()
        kept = _Kept(rules=tuple(found), facts=_facts(found))
        read = tuple((p.slug, p.revision) for p in found)
        if read == tuple((slug, revision) for slug, _, revision in versions):  # no change
            _RULES_BY_REVISIONS[versions] = kept
            while len(_RULES_BY_REVISIONS) > _RULES_KEPT:
                _RULES_BY_REVISIONS.popitem(last=False)
    return kept


def _facts(programs: Iterable[rules.ProgramRules]) -> Mapping[str, tuple[str, ...]]:
    """Every answer key (``vocabulary.answer_key``: a fact, with its key for a keyed fact)
    that the programs' rules read, with the names of the programs reading it, in order."""
    reading: dict[str, list[str]] = {}
    for program in programs:
        for fact, key in sorted(program.facts_used()):
            names = reading.setdefault(answer_key(fact, key), [])
            if program.name not in names:
                names.append(program.name)
    return MappingProxyType({key: tuple(names) for key, names in reading.items()})


def program_rules_current(*, versions: Versions | None = None) -> list[rules.ProgramRules]:
    """Every program as rules, as :func:`program_rules_list`, in one query when nothing
    changed since this process last read them (none with ``versions`` already read)."""
    return list(_kept(versions).rules)


def facts_in_use(
    programs: Sequence[rules.ProgramRules] | None = None, *, versions: Versions | None = None
) -> Mapping[str, tuple[str, ...]]:
    """Every applicant fact that some program's rules read (criteria, points rows and figure
    conditions): the questionnaire asks only about these. Of the given programs, or else of
    the kept rules: one query when nothing changed (none with ``versions`` already read)."""
    if programs is not None:
        return _facts(programs)
    return _kept(versions).facts


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


_Cited = TypeVar("_Cited", Criterion, PointsTable, KeyFigure, Caveat)


def _cited(items: QuerySet[_Cited]) -> QuerySet[_Cited]:
    return (
        items.select_related("source", "legal_source")
        .prefetch_related("more_sources")
        .order_by("display_order", "id")
    )


def _program_rules(program: Program) -> rules.ProgramRules:
    return rules.ProgramRules(
        slug=program.slug,
        name=program.name,
        country=program.country,
        status=_enum(ProgramStatus, program.status, ProgramStatus.IN_FORCE),
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
        groups=tuple(_group_rule(group) for group in program.groups.all()),
        points_tables=tuple(_points_rule(table) for table in program.points_tables.all()),
        selection=_enum(Selection, program.selection, Selection.NONE),
        selection_note=program.selection_note,
        selection_clarity=_clarity(program.selection_clarity),
        selection_as_of=program.selection_as_of,
        selection_sources=(_source_ref(program.selection_source),)
        if program.selection_source
        else (),
        authority=program.authority,
        official_url=program.official_url,
        in_force_on=program.in_force_on,
        last_reviewed_by=program.last_reviewed_by,
    )


_E = TypeVar("_E", bound=StrEnum)


def _enum(enum: type[_E], value: str, fallback: _E) -> _E:
    try:
        return enum(value)
    except ValueError:
        return fallback


def _legal(item: Criterion | PointsTable | KeyFigure | Caveat) -> rules.Legal:
    """An unreadable status reads as unknown: the cautious choice."""
    return rules.Legal(
        status=_enum(LegalStatus, item.legal_status, LegalStatus.UNKNOWN),
        effective_from=item.effective_from,
        effective_to=item.effective_to,
        changed_on=item.legal_changed_on,
        note=item.legal_note,
        source=_source_ref(item.legal_source) if item.legal_source else None,
    )


def _group_rule(group: RequirementGroup) -> rules.GroupRule:
    return rules.GroupRule(
        key=group.key,
        parent=group.parent.key if group.parent else "",
        combine=_enum(Combine, group.combine, Combine.ALL),
        importance=_enum(Importance, group.importance, Importance.REQUIRED),
        route=group.route,
    )


def _criterion_rule(item: Criterion) -> rules.CriterionRule | None:
    """The rule, or None (logged) for a row the engine cannot read; admin validation keeps
    such rows out, so this guards only against edits made around it."""
    condition = _condition(item.fact, item.operator, item.values, item.fact_key)
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
        group=item.group.key if item.group else "",
        statement=item.statement,
        clarity=_clarity(item.clarity),
        as_of=item.as_of,
        sources=_sources(item),
        legal=_legal(item),
        review_by=item.review_by,
    )


def _points_rule(table: PointsTable) -> rules.PointsTableRule:
    rows = []
    for row in table.rows.all():
        condition = _condition(row.fact, row.operator, row.values, row.fact_key)
        if condition is None:
            logger.warning("Points row %s cannot be read as a rule and is left out.", row.pk)
            continue
        rows.append(rules.PointsRow(row.pk, row.category, condition, row.points, row.label))
    caps = table.caps if isinstance(table.caps, dict) else {}
    return rules.PointsTableRule(
        id=table.pk,
        key=table.content_key or f"points-{table.pk}",
        group=table.group.key if table.group else "",
        name=table.name,
        pass_mark=table.pass_mark,
        caps=tuple(
            (str(category), cap)
            for category, cap in sorted(caps.items())
            if isinstance(cap, int) and not isinstance(cap, bool)
        ),
        rows=tuple(rows),
        clarity=_clarity(table.clarity),
        as_of=table.as_of,
        sources=_sources(table),
        legal=_legal(table),
        review_by=table.review_by,
    )


def _figure_rule(item: KeyFigure) -> rules.FigureRule:
    applies = None
    if item.applies_fact or item.applies_operator:
        applies = _condition(
            item.applies_fact, item.applies_operator, item.applies_values, item.applies_key
        )
        if applies is None:
            logger.warning("Key figure %s has a condition that cannot be read.", item.pk)
    return rules.FigureRule(
        id=item.pk,
        kind=_enum(FigureKind, item.kind, FigureKind.OTHER),
        label=item.label,
        value=item.value,
        value_text=item.value_text,
        unit=item.unit,
        payer=_enum(Payer, item.payer, Payer.NOT_APPLICABLE),
        recurrence=_enum(Recurrence, item.recurrence, Recurrence.NOT_APPLICABLE),
        period=item.period,
        applies=applies,
        applies_note=item.applies_note,
        note=item.note,
        clarity=_clarity(item.clarity),
        as_of=item.as_of,
        sources=_sources(item),
        legal=_legal(item),
        review_by=item.review_by,
        estimates_chance=item.estimates_chance,
    )


def _caveat_rule(item: Caveat) -> rules.CaveatRule:
    return rules.CaveatRule(
        id=item.pk,
        category=_enum(CaveatCategory, item.category, CaveatCategory.OTHER),
        severity=_enum(Severity, item.severity, Severity.CAUTION),
        title=item.title,
        text=item.text,
        clarity=_clarity(item.clarity),
        as_of=item.as_of,
        sources=_sources(item),
        legal=_legal(item),
        review_by=item.review_by,
    )


def _condition(fact: str, operator: str, values: object, key: str = "") -> rules.Condition | None:
    try:
        condition_fact, condition_operator = Fact(fact), Operator(operator)
    except ValueError:
        return None
    items = values if isinstance(values, list) else []
    kept = tuple(
        value for value in items if isinstance(value, (str, int)) and not isinstance(value, bool)
    )
    return rules.Condition(condition_fact, condition_operator, kept, key)


def _clarity(value: str) -> Clarity:
    """An unreadable clarity reads as unclear: the cautious choice."""
    try:
        return Clarity(value)
    except ValueError:
        return Clarity.UNCLEAR


def _sources(item: Criterion | PointsTable | KeyFigure | Caveat) -> tuple[rules.SourceRef, ...]:
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
        note=source.note,
    )


@dataclass(frozen=True)
class ReportedItemView:
    """An item an applicant may report, as the report form shows it."""

    kind: ReportedItem
    id: int
    program_id: int
    program_slug: str
    program_name: str
    text: str


# What each kind of reported item is, and the field that names it.
REPORTED: dict[ReportedItem, tuple[type[models.Model], str]] = {
    ReportedItem.CRITERION: (Criterion, "statement"),
    ReportedItem.POINTS: (PointsTable, "name"),
    ReportedItem.FIGURE: (KeyFigure, "label"),
    ReportedItem.CAVEAT: (Caveat, "title"),
}


def reported_item_get(*, kind: str, item_id: int) -> ReportedItemView | None:
    """The item a report is about, or None if there is no such item (any more)."""
    try:
        item_kind = ReportedItem(kind)
    except ValueError:
        return None
    model, text_field = REPORTED[item_kind]
    row = (
        model._default_manager.filter(pk=item_id)
        .values_list("program_id", "program__slug", "program__name", text_field)
        .first()
    )
    if row is None:
        return None
    program_id, slug, name, text = row
    return ReportedItemView(item_kind, item_id, program_id, slug, name, str(text))
