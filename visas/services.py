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

from visas.models import Caveat, Criterion, KeyFigure, Program, Source

EXPORT_FORMAT = "visa-content/1"

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
]
PROGRAM_CREATE_ONLY_FIELDS = ["last_reviewed_on", "last_reviewed_by"]
CITED_FIELDS = ["clarity", "as_of", "display_order"]
ITEM_FIELDS: dict[type[models.Model], list[str]] = {
    Criterion: [
        "importance",
        "fact",
        "operator",
        "values",
        "group",
        "statement",
        *CITED_FIELDS,
    ],
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
        "effective_from",
        "effective_to",
        "applies_fact",
        "applies_operator",
        "applies_values",
        "applies_note",
        "note",
        *CITED_FIELDS,
    ],
}
# The file's section name for each kind of item, in page order.
SECTIONS: dict[str, type[Criterion | Caveat | KeyFigure]] = {
    "criteria": Criterion,
    "figures": KeyFigure,
    "caveats": Caveat,
}
ITEM_SECTION_KEYS = {"key", "source", "more_sources"}
REQUIRED_ITEM_KEYS = ("key", "clarity", "as_of", "source")


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


def _item_hash(obj: Any, fields: list[str], source: Source, more: list[Source]) -> str:
    values = _values(obj, fields)
    values["source"] = _source_ref(source)
    values["more_sources"] = sorted(_source_ref(s) for s in more)
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
        for constraint in candidate._meta.constraints:
            if isinstance(constraint, models.CheckConstraint):
                constraint.validate(type(candidate), candidate)  # type: ignore[attr-defined]
    except ValidationError as error:
        raise ContentError(f"{where}: {_describe(error)}") from error


class _Loader:
    def __init__(self, *, force: bool) -> None:
        self.force = force
        self.report = LoadReport()
        self.sources: dict[str, Source] = {}

    def _decide(self, existing: Any, current_hash: str, file_hash: str, where: str) -> Outcome:
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
        _check_keys(raw, ["slug", *PROGRAM_FIELDS, *PROGRAM_CREATE_ONLY_FIELDS, *SECTIONS], where)
        values = {k: v for k, v in raw.items() if k in PROGRAM_FIELDS}
        values.setdefault("display_order", (index + 1) * 10)
        create_only = {k: raw[k] for k in PROGRAM_CREATE_ONLY_FIELDS if k in raw}
        candidate = Program(slug=slug, content_key=slug, **values, **create_only)
        _validated(candidate, where)
        file_hash = _hash(_values(candidate, PROGRAM_FIELDS))
        program = Program.objects.filter(slug=slug).first()
        if program is None:
            candidate.content_hash = file_hash
            _reason(candidate, "Loaded from the content file")
            candidate.save()
            program = candidate
            outcome = self._count(Outcome.CREATED)
        else:
            current_hash = _hash(_values(program, PROGRAM_FIELDS))
            outcome = self._count(self._decide(program, current_hash, file_hash, where))
            if outcome is Outcome.UPDATED:
                for name in PROGRAM_FIELDS:
                    setattr(program, name, getattr(candidate, name))
                program.content_key = slug
                program.content_hash = file_hash
                _reason(program, "Loaded from the content file")
                program.save()
        changed = outcome is Outcome.UPDATED
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

    def item(
        self,
        program: Program,
        model: type[Criterion | Caveat | KeyFigure],
        section: str,
        position: int,
        raw: Mapping[str, Any],
    ) -> Outcome:
        key = raw.get("key") if isinstance(raw, Mapping) else None
        where = f"{program.slug} / {section} / {key or f'#{position + 1}'}"
        if not isinstance(raw, Mapping):
            raise ContentError(f"{where}: expected a table of fields.")
        fields = ITEM_FIELDS[model]
        _check_keys(raw, [*fields, *ITEM_SECTION_KEYS], where)
        for required in REQUIRED_ITEM_KEYS:
            if required not in raw or raw[required] in ("", None):
                raise ContentError(f"{where}: missing '{required}' (every item needs one).")
        self.report.items += 1
        source = self._source_for(raw["source"], where, "source")
        more_keys = raw.get("more_sources", [])
        if not isinstance(more_keys, list):
            raise ContentError(f"{where}: more_sources must be a list of source keys.")
        more = [self._source_for(k, where, "more_sources entry") for k in more_keys]
        values = {k: v for k, v in raw.items() if k in fields}
        values.setdefault("display_order", (position + 1) * 10)
        candidate = model(program=program, content_key=raw["key"], source=source, **values)
        _validated(candidate, where)
        file_hash = _item_hash(candidate, fields, source, more)
        existing = (
            model.objects.filter(program=program, content_key=raw["key"])
            .select_related("source")
            .prefetch_related("more_sources")
            .first()
        )
        if existing is None:
            candidate.content_hash = file_hash
            _reason(candidate, "Loaded from the content file")
            candidate.save()
            candidate.more_sources.set(more)
            return self._count(Outcome.CREATED)
        current_hash = _item_hash(
            existing, fields, existing.source, list(existing.more_sources.all())
        )
        outcome = self._decide(existing, current_hash, file_hash, where)
        if outcome is Outcome.UPDATED:
            for name in fields:
                setattr(existing, name, getattr(candidate, name))
            existing.source = source
            existing.content_hash = file_hash
            _reason(existing, "Loaded from the content file")
            existing.save()
            existing.more_sources.set(more)
        return self._count(outcome)


@transaction.atomic
def content_load(*, data: Mapping[str, Any], force: bool = False) -> LoadReport:
    """Upsert the content file's sources, programs and items; never duplicate a row.

    Rows an adviser edited since they were loaded are kept (and listed in the report) unless
    ``force`` is set. A program's revision goes up when anything under it changes.
    """
    if not isinstance(data, Mapping):
        raise ContentError("The content file must be a table with [sources] and [[programs]].")
    _check_keys(data, ["sources", "programs"], "content file")
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
    if updated_sources:
        # A changed source changes what every program citing it says.
        citing: set[int] = set()
        for model in SECTIONS.values():
            citing |= set(
                model.objects.filter(
                    models.Q(source__in=updated_sources)
                    | models.Q(more_sources__in=updated_sources)
                ).values_list("program_id", flat=True)
            )
        programs_revision_bump(program_ids=citing - bumped)
    return loader.report


# --- Backup: export and import ---------------------------------------------------------------


def _item_key(obj: Criterion | Caveat | KeyFigure) -> str:
    return obj.content_key or f"{obj._meta.model_name}-{obj.pk}"


def content_export() -> dict[str, Any]:
    """Every source, program and item as plain JSON-ready data, in a stable order."""
    sources = [
        {"key": _source_ref(s), **_values(s, SOURCE_FIELDS), "content_hash": s.content_hash}
        for s in Source.objects.all()
    ]
    sources.sort(key=lambda s: s["key"])
    programs = []
    queryset = Program.objects.prefetch_related(
        *(
            models.Prefetch(
                name,
                queryset=model.objects.select_related("source").prefetch_related("more_sources"),
            )
            for name, model in SECTIONS.items()
        )
    ).order_by("slug")
    for program in queryset:
        entry: dict[str, Any] = {
            "slug": program.slug,
            **_values(program, [*PROGRAM_FIELDS, *PROGRAM_CREATE_ONLY_FIELDS, "revision"]),
            "content_key": program.content_key,
            "content_hash": program.content_hash,
        }
        for section, model in SECTIONS.items():
            items = [
                {
                    "key": _item_key(obj),
                    **_values(obj, ITEM_FIELDS[model]),
                    "source": _source_ref(obj.source),
                    "more_sources": sorted(_source_ref(s) for s in obj.more_sources.all()),
                    "content_hash": obj.content_hash,
                }
                for obj in getattr(program, section).all()
            ]
            items.sort(key=lambda i: (i["display_order"], i["key"]))
            entry[section] = items
        programs.append(entry)
    return {"format": EXPORT_FORMAT, "sources": sources, "programs": programs}


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
        program.content_key = raw.get("content_key", "")
        program.content_hash = raw.get("content_hash", "")
        if created:
            program.revision = raw.get("revision", 1)
        _validated(program, f"program {slug!r}")
        _reason(program, "Restored from a backup")
        program.save()
        for section, model in SECTIONS.items():
            for item in raw.get(section, []):
                where = f"{slug} / {section} / {item['key']}"
                obj = model.objects.filter(program=program, content_key=item["key"]).first()
                if obj is None:
                    obj = model(program=program, content_key=item["key"])
                try:
                    obj.source = sources[item["source"]]
                    more = [sources[k] for k in item.get("more_sources", [])]
                except KeyError as error:
                    raise ContentError(f"{where}: unknown source {error}.") from error
                _assign(obj, item, ITEM_FIELDS[model])
                _validated(obj, where)
                obj.content_hash = item.get("content_hash", "")
                _reason(obj, "Restored from a backup")
                obj.save()
                obj.more_sources.set(more)
                report.items += 1
        if not created:
            program_revision_bump(program=program)
        report.counts[Outcome.CREATED if created else Outcome.UPDATED] += 1
        report.programs += 1
    return report
