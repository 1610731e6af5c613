"""Writes to the visa knowledge base: revisions, reviews, and loading or restoring content.

The content file (visas/content/programs.toml) and the JSON backup both go through here.
Rows are found again by their ``content_key`` (``slug`` for programs). Each row loaded from
the file stores ``content_hash``, the hash of the values it was loaded with: if the row's
values no longer match that hash, an adviser has edited it since, and the loader keeps the
adviser's version (unless forced) and says so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F

from visas import vocabulary as v
from visas.models import (
    Caveat,
    Criterion,
    ExchangeRate,
    KeyFigure,
    PointsRow,
    PointsTable,
    Program,
    Report,
    RequirementGroup,
    Source,
)
from visas.selectors import ReportedItemView

EXPORT_FORMAT = "visa-content/2"

SOURCE_FIELDS = [
    "title",
    "publisher",
    "url",
    "published_on",
    "published_note",
    "accessed_on",
    "is_official",
    "note",
]
# last_reviewed_on/by are set by the file only when a program is created: marking a program
# reviewed in admin is not a content edit the loader should report.
PROGRAM_FIELDS = [
    "name",
    "country",
    "authority",
    "summary",
    "official_url",
    "status",
    "in_force_on",
    "display_order",
    "selection",
    "selection_note",
    "selection_clarity",
    "selection_as_of",
]
# Fields that name another row by its key: (field, the file's name for it).
PROGRAM_REFERENCES = {"selection_source": "selection_source"}
PROGRAM_CREATE_ONLY_FIELDS = ["last_reviewed_on", "last_reviewed_by"]
CITED_FIELDS = [
    "clarity",
    "as_of",
    "display_order",
    "legal_status",
    "legal_note",
    "legal_changed_on",
    "effective_from",
    "effective_to",
    "review_by",
]
RATE_FIELDS = ["per_eur", "as_of", "clarity"]
GROUP_FIELDS = ["combine", "importance", "route", "display_order"]
ROW_FIELDS = [
    "category",
    "fact",
    "fact_key",
    "operator",
    "values",
    "points",
    "label",
    "display_order",
]
ITEM_FIELDS: dict[type[models.Model], list[str]] = {
    Criterion: [
        "importance",
        "fact",
        "fact_key",
        "operator",
        "values",
        "statement",
        *CITED_FIELDS,
    ],
    PointsTable: ["name", "pass_mark", "caps", *CITED_FIELDS],
    Caveat: ["category", "severity", "title", "text", *CITED_FIELDS],
    KeyFigure: [
        "kind",
        "label",
        "value",
        "value_text",
        "unit",
        "payer",
        "recurrence",
        "period",
        "estimates_chance",
        "applies_fact",
        "applies_key",
        "applies_operator",
        "applies_values",
        "applies_note",
        "note",
        *CITED_FIELDS,
    ],
}
# The file's section name for each kind of item, in page order.
SECTIONS: dict[str, type[Criterion | PointsTable | Caveat | KeyFigure]] = {
    "criteria": Criterion,
    "points_tables": PointsTable,
    "figures": KeyFigure,
    "caveats": Caveat,
}
# Keys of an item that are not model fields: rows and sources are named by their keys.
ITEM_SECTION_KEYS = {"key", "source", "more_sources", "legal_source", "group", "rows"}
REQUIRED_ITEM_KEYS = ("key", "clarity", "as_of", "source")


# The content hash of a row that nobody edited since it was loaded, set by a migration that
# changed what the hash covers: the loader updates such a row as if its hash matched.
UNEDITED_SINCE_LOADED = "unedited-since-loaded"


class ContentError(Exception):
    """The content file (or backup) is malformed; the message says where and what to fix."""


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    KEPT = "kept"


@dataclasses.dataclass
class LoadReport:
    counts: dict[Outcome, int] = dataclasses.field(
        default_factory=lambda: dict.fromkeys(Outcome, 0)
    )
    kept: list[str] = dataclasses.field(default_factory=list)
    programs: int = 0
    sources: int = 0
    items: int = 0

    def summary(self) -> str:
        counts = ", ".join(f"{self.counts[o]} {o.value}" for o in Outcome)
        return (
            f"{self.programs} programs, {self.sources} sources, {self.items} items: {counts}"
            " (kept = adviser edits left in place)."
        )


# --- Revisions and reviews -------------------------------------------------------------------


@transaction.atomic
def program_revision_bump(*, program: Program) -> int:
    """Raise the program's revision by one (in the database, race-free); return the new one."""
    Program.objects.filter(pk=program.pk).update(revision=F("revision") + 1)
    program.revision = Program.objects.values_list("revision", flat=True).get(pk=program.pk)
    return program.revision


@transaction.atomic
def program_mark_reviewed(*, program: Program, reviewed_by: str, today: dt.date) -> Program:
    """Record that an adviser checked the program's content today."""
    program.last_reviewed_on = today
    program.last_reviewed_by = reviewed_by[:150]
    program.save(update_fields=["last_reviewed_on", "last_reviewed_by"])
    program_revision_bump(program=program)
    return program


@transaction.atomic
def programs_revision_bump(*, program_ids: Iterable[int]) -> None:
    """Bump every listed program once (e.g. after deleting items of several programs)."""
    Program.objects.filter(pk__in=set(program_ids)).update(revision=F("revision") + 1)


def programs_reading_amounts() -> set[int]:
    """The programs with a rule on an amount (salary, savings): what an exchange rate
    changes."""
    money = [fact.value for fact, spec in v.FACTS.items() if spec.kind is v.FactKind.MONEY]
    reading = set(Criterion.objects.filter(fact__in=money).values_list("program_id", flat=True))
    reading |= set(
        PointsRow.objects.filter(fact__in=money).values_list("table__program_id", flat=True)
    )
    reading |= set(
        KeyFigure.objects.filter(applies_fact__in=money).values_list("program_id", flat=True)
    )
    return reading


@transaction.atomic
def rate_changed() -> None:
    """An edited exchange rate changes the verdicts of every program reading an amount."""
    programs_revision_bump(program_ids=programs_reading_amounts())


def programs_citing(*, source_ids: Iterable[int]) -> set[int]:
    """The programs whose items (or selection) cite any of these sources, in any role."""
    ids = set(source_ids)
    citing = set(Program.objects.filter(selection_source__in=ids).values_list("pk", flat=True))
    for model in SECTIONS.values():
        citing |= set(
            model.objects.filter(
                models.Q(source__in=ids)
                | models.Q(more_sources__in=ids)
                | models.Q(legal_source__in=ids)
            ).values_list("program_id", flat=True)
        )
    return citing


@transaction.atomic
def source_changed(*, source: Source) -> None:
    """An edited source changes what every program citing it says: raise their revisions,
    so cached pages and results made before show the change."""
    programs_revision_bump(program_ids=programs_citing(source_ids=[source.pk]))


def _reason(obj: models.Model, reason: str) -> None:
    """The change reason simple_history stores with the next save."""
    obj._change_reason = reason  # type: ignore[attr-defined]


# --- Hashing ---------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _source_ref(source: Source) -> str:
    return source.content_key or f"source-{source.pk}"


def _values(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in fields}


def _hash(values: Mapping[str, Any]) -> str:
    encoded = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


def _item_hash(
    obj: Any,
    fields: list[str],
    source: Source,
    more: list[Source],
    rows: list[dict[str, Any]] | None = None,
) -> str:
    values = _without_empty_keys(_values(obj, fields))
    values["source"] = _source_ref(source)
    values["more_sources"] = sorted(_source_ref(s) for s in more)
    legal_source = getattr(obj, "legal_source", None) if obj.legal_source_id else None
    values["legal_source"] = _source_ref(legal_source) if legal_source else ""
    if hasattr(obj, "group_id"):
        values["group"] = obj.group.key if obj.group_id else ""
    if rows is not None:
        values["rows"] = [_without_empty_keys(row) for row in rows]
    return _hash(values)


# A condition's key, hashed only when given: rows loaded before conditions had keys keep
# their hash, so the loader still tells them from advisers' edits.
_CONDITION_KEYS = ("fact_key", "applies_key")


def _without_empty_keys(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if not (k in _CONDITION_KEYS and v == "")}


def _row_values(row: PointsRow) -> dict[str, Any]:
    return {"key": row.content_key, **_values(row, ROW_FIELDS)}


def _program_hash(program: Program) -> str:
    values = _values(program, PROGRAM_FIELDS)
    source = program.selection_source if program.selection_source_id else None
    values["selection_source"] = _source_ref(source) if source else ""
    return _hash(values)


# --- Loading the content file ----------------------------------------------------------------


def _describe(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def _check_keys(raw: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
    unknown = sorted(set(raw) - set(allowed))
    if unknown:
        raise ContentError(f"{where}: unknown field(s) {', '.join(unknown)}.")


def _validated(candidate: models.Model, where: str) -> None:
    """Field, clean() and check-constraint validation; uniqueness is the upsert's business."""
    try:
        candidate.full_clean(validate_unique=False, validate_constraints=False)
        dated = all(
            getattr(candidate, name, None) is not None
            for name in ("effective_from", "effective_to")
        )
        for constraint in candidate._meta.constraints:
            if not isinstance(constraint, models.CheckConstraint):
                continue
            if constraint.name.endswith("effective_range_ordered") and not dated:
                continue  # met by any item without both dates (each check is a query)
            constraint.validate(type(candidate), candidate)  # type: ignore[attr-defined]
    except ValidationError as error:
        raise ContentError(f"{where}: {_describe(error)}") from error


class _Loader:
    def __init__(self, *, force: bool) -> None:
        self.force = force
        self.report = LoadReport()
        self.sources: dict[str, Source] = {}
        self.group_keys: dict[str, RequirementGroup] = {}
        self.created_programs: set[int] = set()

    def _decide(self, existing: Any, current_hash: str, file_hash: str, where: str) -> Outcome:
        if existing.content_hash == UNEDITED_SINCE_LOADED:
            existing.content_hash = current_hash
        if current_hash != existing.content_hash and not self.force:
            if current_hash == file_hash:  # the adviser made the file's change already
                existing.content_hash = file_hash
                existing.save(update_fields=["content_hash"])
                return Outcome.UNCHANGED
            self.report.kept.append(
                f"Kept {where}: an adviser edited it after it was loaded, and the content file "
                "differs. Update the file or re-run with --force to overwrite the edit."
            )
            return Outcome.KEPT
        if current_hash == file_hash == existing.content_hash:
            return Outcome.UNCHANGED
        return Outcome.UPDATED

    def _count(self, outcome: Outcome) -> Outcome:
        self.report.counts[outcome] += 1
        return outcome

    def source(self, key: str, raw: Mapping[str, Any]) -> Outcome:
        where = f"source {key!r}"
        if not isinstance(raw, Mapping):
            raise ContentError(f"{where}: expected a table of fields.")
        _check_keys(raw, SOURCE_FIELDS, where)
        candidate = Source(content_key=key, **raw)
        _validated(candidate, where)
        file_hash = _hash(_values(candidate, SOURCE_FIELDS))
        existing = Source.objects.filter(content_key=key).first()
        if existing is None:
            candidate.content_hash = file_hash
            _reason(candidate, "Loaded from the content file")
            candidate.save()
            self.sources[key] = candidate
            return self._count(Outcome.CREATED)
        self.sources[key] = existing
        current_hash = _hash(_values(existing, SOURCE_FIELDS))
        outcome = self._decide(existing, current_hash, file_hash, where)
        if outcome is Outcome.UPDATED:
            for name in SOURCE_FIELDS:
                setattr(existing, name, getattr(candidate, name))
            existing.content_hash = file_hash
            _reason(existing, "Loaded from the content file")
            existing.save()
        return self._count(outcome)

    def rate(self, index: int, raw: Mapping[str, Any]) -> Outcome:
        """One exchange rate, found again by its currency."""
        currency = raw.get("currency") if isinstance(raw, Mapping) else None
        where = f"rate #{index + 1} ({currency or 'no currency'})"
        if not isinstance(currency, str) or not currency:
            raise ContentError(f"{where}: missing 'currency'.")
        _check_keys(raw, ["currency", *RATE_FIELDS, "source"], where)
        for required in ("per_eur", "as_of", "source"):
            if required not in raw:
                raise ContentError(f"{where}: missing {required!r}.")
        values = {name: raw[name] for name in RATE_FIELDS if name in raw}
        if "per_eur" in values:
            values["per_eur"] = Decimal(str(values["per_eur"]))
        candidate = ExchangeRate(
            currency=currency,
            content_key=currency.lower(),
            source=self._source_for(raw["source"], where, "source"),
            **values,
        )
        _validated(candidate, where)
        file_hash = _hash({**_values(candidate, RATE_FIELDS), "source": raw["source"]})
        existing = ExchangeRate.objects.filter(currency=currency).select_related("source").first()
        if existing is None:
            candidate.content_hash = file_hash
            _reason(candidate, "Loaded from the content file")
            candidate.save()
            return self._count(Outcome.CREATED)
        current_hash = _hash(
            {**_values(existing, RATE_FIELDS), "source": _source_ref(existing.source)}
        )
        outcome = self._decide(existing, current_hash, file_hash, where)
        if outcome is Outcome.UPDATED:
            for name in [*RATE_FIELDS, "source"]:
                setattr(existing, name, getattr(candidate, name))
            existing.content_hash = file_hash
            _reason(existing, "Loaded from the content file")
            existing.save()
        return self._count(outcome)

    def _source_for(self, key: object, where: str, field: str) -> Source:
        if not isinstance(key, str) or key not in self.sources:
            raise ContentError(f"{where}: {field} {key!r} is not a source key under [sources].")
        return self.sources[key]

    def program(self, index: int, raw: Mapping[str, Any]) -> bool:
        """Load one program and its items; return True if anything under it changed."""
        slug = raw.get("slug") if isinstance(raw, Mapping) else None
        if not isinstance(slug, str) or not slug:
            raise ContentError(f"program #{index + 1}: missing 'slug'.")
        where = f"program {slug!r}"
        _check_keys(
            raw,
            [
                "slug",
                *PROGRAM_FIELDS,
                *PROGRAM_REFERENCES,
                *PROGRAM_CREATE_ONLY_FIELDS,
                "groups",
                *SECTIONS,
            ],
            where,
        )
        values = {k: v for k, v in raw.items() if k in PROGRAM_FIELDS}
        values.setdefault("display_order", (index + 1) * 10)
        create_only = {k: raw[k] for k in PROGRAM_CREATE_ONLY_FIELDS if k in raw}
        candidate = Program(slug=slug, content_key=slug, **values, **create_only)
        if raw.get("selection_source"):
            candidate.selection_source = self._source_for(
                raw["selection_source"], where, "selection_source"
            )
        _validated(candidate, where)
        file_hash = _program_hash(candidate)
        program = Program.objects.filter(slug=slug).first()
        if program is None:
            candidate.content_hash = file_hash
            _reason(candidate, "Loaded from the content file")
            candidate.save()
            program = candidate
            self.created_programs.add(program.pk)
            outcome = self._count(Outcome.CREATED)
        else:
            current_hash = _program_hash(program)
            outcome = self._count(self._decide(program, current_hash, file_hash, where))
            if outcome is Outcome.UPDATED:
                for name in [*PROGRAM_FIELDS, *PROGRAM_REFERENCES]:
                    setattr(program, name, getattr(candidate, name))
                program.content_key = slug
                program.content_hash = file_hash
                _reason(program, "Loaded from the content file")
                program.save()
        changed = outcome is Outcome.UPDATED
        changed |= self.groups(program, raw.get("groups", []), where)
        for section, model in SECTIONS.items():
            items = raw.get(section, [])
            if not isinstance(items, list):
                raise ContentError(f"{where}: {section} must be a list of tables.")
            for position, item in enumerate(items):
                changed |= self.item(program, model, section, position, item) in (
                    Outcome.CREATED,
                    Outcome.UPDATED,
                )
        if changed and outcome is not Outcome.CREATED:
            program_revision_bump(program=program)
        return changed

    def groups(self, program: Program, raw_groups: object, where: str) -> bool:
        """Load the program's requirement groups (parents before children); return True if
        any changed. A group's identity is its key within the program."""
        if not isinstance(raw_groups, list):
            raise ContentError(f"{where}: groups must be a list of tables.")
        self.group_keys = {}
        changed = False
        for position, raw in enumerate(raw_groups):
            key = raw.get("key") if isinstance(raw, Mapping) else None
            here = f"{program.slug} / groups / {key or f'#{position + 1}'}"
            if not isinstance(raw, Mapping) or not isinstance(key, str) or not key:
                raise ContentError(f"{here}: every group needs a 'key'.")
            _check_keys(raw, ["key", "parent", *GROUP_FIELDS], here)
            parent_key = raw.get("parent", "")
            if parent_key and parent_key not in self.group_keys:
                raise ContentError(
                    f"{here}: parent {parent_key!r} is not a group listed before it."
                )
            values = {k: v for k, v in raw.items() if k in GROUP_FIELDS}
            values.setdefault("display_order", (position + 1) * 10)
            parent = self.group_keys.get(parent_key) if parent_key else None
            if parent is not None and parent.importance != values.get(
                "importance", parent.importance
            ):
                raise ContentError(f"{here}: a group has the importance of its parent.")
            if parent is not None:
                values.setdefault("importance", parent.importance)
            group = RequirementGroup.objects.filter(program=program, key=key).first()
            candidate = RequirementGroup(
                program=program, key=key, content_key=key, parent=parent, **values
            )
            _validated(candidate, here)
            if group is None:
                _reason(candidate, "Loaded from the content file")
                candidate.save()
                group, changed = candidate, True
            else:
                fields = ["parent", *GROUP_FIELDS]
                if any(getattr(group, f) != getattr(candidate, f) for f in fields):
                    for name in fields:
                        setattr(group, name, getattr(candidate, name))
                    _reason(group, "Loaded from the content file")
                    group.save()
                    changed = True
            self.group_keys[key] = group
        return changed

    def item(
        self,
        program: Program,
        model: type[Criterion | PointsTable | Caveat | KeyFigure],
        section: str,
        position: int,
        raw: Mapping[str, Any],
    ) -> Outcome:
        key = raw.get("key") if isinstance(raw, Mapping) else None
        where = f"{program.slug} / {section} / {key or f'#{position + 1}'}"
        if not isinstance(raw, Mapping):
            raise ContentError(f"{where}: expected a table of fields.")
        fields = ITEM_FIELDS[model]
        allowed = {*fields, "key", "source", "more_sources", "legal_source"}
        if model in (Criterion, PointsTable):
            allowed.add("group")
        if model is PointsTable:
            allowed.add("rows")
        _check_keys(raw, allowed, where)
        for required in REQUIRED_ITEM_KEYS:
            if required not in raw or raw[required] in ("", None):
                raise ContentError(f"{where}: missing '{required}' (every item needs one).")
        self.report.items += 1
        source = self._source_for(raw["source"], where, "source")
        more_keys = raw.get("more_sources", [])
        if not isinstance(more_keys, list):
            raise ContentError(f"{where}: more_sources must be a list of source keys.")
        more = [self._source_for(k, where, "more_sources entry") for k in more_keys]
        values: dict[str, Any] = {k: v for k, v in raw.items() if k in fields}
        values.setdefault("display_order", (position + 1) * 10)
        if raw.get("legal_source"):
            values["legal_source"] = self._source_for(raw["legal_source"], where, "legal_source")
        if raw.get("group"):
            if raw["group"] not in self.group_keys:
                raise ContentError(f"{where}: group {raw['group']!r} is not a group of it.")
            values["group"] = self.group_keys[raw["group"]]
            if model is Criterion:
                values.setdefault("importance", values["group"].importance)
        candidate = model(program=program, content_key=raw["key"], source=source, **values)
        _validated(candidate, where)
        rows = self._rows(raw.get("rows", []), where) if model is PointsTable else None
        file_rows = [_row_values(row) for row in rows] if rows is not None else None
        file_hash = _item_hash(candidate, fields, source, more, file_rows)
        existing = (
            None
            if program.pk in self.created_programs  # a new program has no items yet
            else model.objects.filter(program=program, content_key=raw["key"])
            .select_related("source")
            .prefetch_related("more_sources")
            .first()
        )
        if existing is None:
            candidate.content_hash = file_hash
            _reason(candidate, "Loaded from the content file")
            candidate.save()
            candidate.more_sources.set(more)
            self._save_rows(candidate, rows)
            return self._count(Outcome.CREATED)
        current_rows = (
            [_row_values(row) for row in existing.rows.all()]
            if isinstance(existing, PointsTable)
            else None
        )
        current_hash = _item_hash(
            existing, fields, existing.source, list(existing.more_sources.all()), current_rows
        )
        outcome = self._decide(existing, current_hash, file_hash, where)
        if outcome is Outcome.UPDATED:
            for name in [
                *fields,
                "legal_source",
                *(["group"] if hasattr(candidate, "group_id") else []),
            ]:
                setattr(existing, name, getattr(candidate, name))
            existing.source = source
            existing.content_hash = file_hash
            _reason(existing, "Loaded from the content file")
            existing.save()
            existing.more_sources.set(more)
            self._save_rows(existing, rows)
        return self._count(outcome)

    def _rows(self, raw_rows: object, where: str) -> list[PointsRow]:
        if not isinstance(raw_rows, list):
            raise ContentError(f"{where}: rows must be a list of tables.")
        rows = []
        for position, raw in enumerate(raw_rows):
            key = raw.get("key") if isinstance(raw, Mapping) else None
            here = f"{where} / rows / {key or f'#{position + 1}'}"
            if not isinstance(raw, Mapping) or not isinstance(key, str) or not key:
                raise ContentError(f"{here}: every row needs a 'key'.")
            _check_keys(raw, ["key", *ROW_FIELDS], here)
            values = {k: v for k, v in raw.items() if k in ROW_FIELDS}
            values.setdefault("display_order", (position + 1) * 10)
            row = PointsRow(content_key=key, **values)
            try:
                row.full_clean(exclude=["table"], validate_unique=False)
            except ValidationError as error:
                raise ContentError(f"{here}: {_describe(error)}") from error
            rows.append(row)
        return rows

    def _save_rows(self, item: models.Model, rows: list[PointsRow] | None) -> None:
        if rows is None or not isinstance(item, PointsTable):
            return
        item.rows.all().delete()
        for row in rows:
            row.table = item
            _reason(row, "Loaded from the content file")
            row.save()


@transaction.atomic
def content_load(*, data: Mapping[str, Any], force: bool = False) -> LoadReport:
    """Upsert the content file's sources, programs and items; never duplicate a row.

    Rows an adviser edited since they were loaded are kept (and listed in the report) unless
    ``force`` is set. A program's revision goes up when anything under it changes.
    """
    if not isinstance(data, Mapping):
        raise ContentError("The content file must be a table with [sources] and [[programs]].")
    _check_keys(data, ["sources", "programs", "rates"], "content file")
    loader = _Loader(force=force)
    raw_sources = data.get("sources", {})
    if not isinstance(raw_sources, Mapping):
        raise ContentError("[sources] must be a table of sources keyed by their key.")
    updated_sources = set()
    for key, raw in raw_sources.items():
        if loader.source(key, raw) is Outcome.UPDATED:
            updated_sources.add(loader.sources[key].pk)
    loader.report.sources = len(raw_sources)
    programs = data.get("programs", [])
    if not isinstance(programs, list):
        raise ContentError("[[programs]] must be a list of programs.")
    bumped: set[int] = set()
    for index, raw in enumerate(programs):
        if loader.program(index, raw):
            bumped.add(Program.objects.get(slug=raw["slug"]).pk)
    loader.report.programs = len(programs)
    raw_rates = data.get("rates", [])
    if not isinstance(raw_rates, list):
        raise ContentError("[[rates]] must be a list of exchange rates.")
    rates_changed = [loader.rate(index, raw) for index, raw in enumerate(raw_rates)]
    if any(outcome is Outcome.UPDATED for outcome in rates_changed):
        rate_changed()
    if updated_sources:
        # A changed source changes what every program citing it says.
        citing = programs_citing(source_ids=updated_sources)
        programs_revision_bump(program_ids=citing - bumped)
    return loader.report


# --- Backup: export and import ---------------------------------------------------------------


def _item_key(obj: Any) -> str:
    return obj.content_key or f"{obj._meta.model_name}-{obj.pk}"


def content_export() -> dict[str, Any]:
    """Every source, program and item as plain JSON-ready data, in a stable order."""
    sources = [
        {"key": _source_ref(s), **_values(s, SOURCE_FIELDS), "content_hash": s.content_hash}
        for s in Source.objects.all()
    ]
    sources.sort(key=lambda s: s["key"])
    programs = []
    queryset = (
        Program.objects.select_related("selection_source")
        .prefetch_related(
            models.Prefetch("groups", queryset=RequirementGroup.objects.select_related("parent")),
            *(
                models.Prefetch(
                    name,
                    queryset=model.objects.select_related(
                        "source", "legal_source"
                    ).prefetch_related("more_sources"),
                )
                for name, model in SECTIONS.items()
            ),
            "points_tables__rows",
        )
        .order_by("slug")
    )
    for program in queryset:
        entry: dict[str, Any] = {
            "slug": program.slug,
            **_values(program, [*PROGRAM_FIELDS, *PROGRAM_CREATE_ONLY_FIELDS, "revision"]),
            "selection_source": _source_ref(program.selection_source)
            if program.selection_source
            else "",
            "content_key": program.content_key,
            "content_hash": program.content_hash,
            "groups": [
                {
                    "key": group.key,
                    "parent": group.parent.key if group.parent else "",
                    **_values(group, GROUP_FIELDS),
                }
                for group in program.groups.all()
            ],
        }
        groups = {group.pk: group.key for group in program.groups.all()}
        for section, model in SECTIONS.items():
            items = [
                {
                    "key": _item_key(obj),
                    **_values(obj, ITEM_FIELDS[model]),
                    "source": _source_ref(obj.source),
                    "more_sources": sorted(_source_ref(s) for s in obj.more_sources.all()),
                    "legal_source": _source_ref(obj.legal_source) if obj.legal_source else "",
                    **({"group": groups.get(obj.group_id, "")} if hasattr(obj, "group_id") else {}),
                    **(
                        {"rows": [_row_values(row) for row in obj.rows.all()]}
                        if isinstance(obj, PointsTable)
                        else {}
                    ),
                    "content_hash": obj.content_hash,
                }
                for obj in getattr(program, section).all()
            ]
            items.sort(key=lambda i: (i["display_order"], i["key"]))
            entry[section] = items
        programs.append(entry)
    rates = [
        {
            "currency": rate.currency,
            **_values(rate, RATE_FIELDS),
            "source": _source_ref(rate.source),
            "content_hash": rate.content_hash,
        }
        for rate in ExchangeRate.objects.select_related("source").order_by("currency")
    ]
    return {"format": EXPORT_FORMAT, "sources": sources, "programs": programs, "rates": rates}


def _assign(obj: models.Model, values: Mapping[str, Any], fields: list[str]) -> None:
    for name in fields:
        if name in values:
            field = obj._meta.get_field(name)
            value = values[name]
            if isinstance(field, (models.DateField, models.DecimalField)) and value is not None:
                value = field.to_python(value)
            setattr(obj, name, value)


@transaction.atomic
def content_import(*, data: Mapping[str, Any]) -> LoadReport:
    """Restore a backup made by :func:`content_export`: upsert everything by its keys."""
    if not isinstance(data, Mapping) or data.get("format") != EXPORT_FORMAT:
        raise ContentError(f"Not a visa content backup (expected format {EXPORT_FORMAT!r}).")
    report = LoadReport()
    sources: dict[str, Source] = {}
    for raw in data.get("sources", []):
        key = raw["key"]
        source = Source.objects.filter(content_key=key).first() or Source(content_key=key)
        created = source.pk is None
        _assign(source, raw, SOURCE_FIELDS)
        _validated(source, f"source {key!r}")
        source.content_hash = raw.get("content_hash", "")
        _reason(source, "Restored from a backup")
        source.save()
        sources[key] = source
        report.counts[Outcome.CREATED if created else Outcome.UPDATED] += 1
        report.sources += 1
    for raw in data.get("programs", []):
        slug = raw["slug"]
        program = Program.objects.filter(slug=slug).first() or Program(slug=slug)
        created = program.pk is None
        _assign(program, raw, [*PROGRAM_FIELDS, *PROGRAM_CREATE_ONLY_FIELDS])
        program.selection_source = sources.get(raw.get("selection_source", ""))
        program.content_key = raw.get("content_key", "")
        program.content_hash = raw.get("content_hash", "")
        if created:
            program.revision = raw.get("revision", 1)
        _validated(program, f"program {slug!r}")
        _reason(program, "Restored from a backup")
        program.save()
        groups: dict[str, RequirementGroup] = {}
        raw_groups = raw.get("groups", [])
        for item in raw_groups:  # every group first, then their parents (in any order)
            group = RequirementGroup.objects.filter(
                program=program, key=item["key"]
            ).first() or RequirementGroup(program=program, key=item["key"])
            _assign(group, item, GROUP_FIELDS)
            group.parent = None
            group.content_key = item["key"]
            _reason(group, "Restored from a backup")
            group.save()
            groups[group.key] = group
        for item in raw_groups:
            if item.get("parent"):
                group = groups[item["key"]]
                group.parent = groups.get(item["parent"])
                _reason(group, "Restored from a backup")
                group.save(update_fields=["parent"])
        for section, model in SECTIONS.items():
            for item in raw.get(section, []):
                where = f"{slug} / {section} / {item['key']}"
                obj = model.objects.filter(program=program, content_key=item["key"]).first()
                if obj is None:
                    obj = model(program=program, content_key=item["key"])
                try:
                    obj.source = sources[item["source"]]
                    more = [sources[k] for k in item.get("more_sources", [])]
                    legal_key = item.get("legal_source", "")
                    obj.legal_source = sources[legal_key] if legal_key else None
                except KeyError as error:
                    raise ContentError(f"{where}: unknown source {error}.") from error
                if isinstance(obj, (Criterion, PointsTable)):
                    obj.group = groups.get(item.get("group", ""))
                _assign(obj, item, ITEM_FIELDS[model])
                _validated(obj, where)
                obj.content_hash = item.get("content_hash", "")
                _reason(obj, "Restored from a backup")
                obj.save()
                obj.more_sources.set(more)
                if isinstance(obj, PointsTable):
                    obj.rows.all().delete()
                    for row in item.get("rows", []):
                        PointsRow.objects.create(
                            table=obj,
                            content_key=row["key"],
                            **{k: row[k] for k in ROW_FIELDS if k in row},
                        )
                report.items += 1
        if not created:
            program_revision_bump(program=program)
        report.counts[Outcome.CREATED if created else Outcome.UPDATED] += 1
        report.programs += 1
    rates_changed = False
    for raw in data.get("rates", []):
        currency = raw["currency"]
        where = f"rate {currency!r}"
        rate = ExchangeRate.objects.filter(currency=currency).first() or ExchangeRate(
            currency=currency, content_key=currency.lower()
        )
        created = rate.pk is None
        before = None if created else (_values(rate, RATE_FIELDS), rate.source_id)
        _assign(rate, raw, RATE_FIELDS)
        try:
            rate.source = sources[raw["source"]]
        except KeyError as error:
            raise ContentError(f"{where}: unknown source {error}.") from error
        _validated(rate, where)
        rate.content_hash = raw.get("content_hash", "")
        _reason(rate, "Restored from a backup")
        rate.save()
        rates_changed |= before is not None and before != (
            _values(rate, RATE_FIELDS),
            rate.source_id,
        )
        report.counts[Outcome.CREATED if created else Outcome.UPDATED] += 1
    if rates_changed:  # programs restored above carry their revisions already
        rate_changed()
    return report


def report_create(
    *,
    item: ReportedItemView,
    message: str,
    source_url: str = "",
    email: str = "",
    answers: Mapping[str, Any] | None = None,
) -> Report:
    """Record an applicant's report that an item is wrong or out of date, for advisers."""
    return Report.objects.create(
        program_id=item.program_id,
        item_kind=item.kind,
        item_id=item.id,
        item_text=item.text[:500],
        message=message,
        source_url=source_url,
        email=email,
        answers=dict(answers) if answers is not None else None,
    )
