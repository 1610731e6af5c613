"""The advisers' editor: programs with their criteria, figures and caveats, and sources.

Every save of a program or anything under it bumps the program's revision (through
visas.services); every change form refuses to save over another adviser's newer save (the
program form by its revision, the others by a fingerprint of the row as it was opened).

The flags of ``check_sources`` (broken, unreachable, moved, changed) show, read-only, on each
source and on every item citing it; advisers clear a change with "Mark checked changes as
reviewed" on the source list.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from visas import review
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
    SourceCheck,
)
from visas.selectors import REPORTED
from visas.services import (
    SECTIONS,
    program_mark_reviewed,
    program_revision_bump,
    programs_revision_bump,
    rate_changed,
    source_changed,
)
from visas.source_checks import (
    items_citing_flagged_q,
    source_check_flag,
    source_checks_mark_reviewed,
    sources_needing_review_q,
)

CONCURRENT_EDIT_MESSAGE = (
    "Another adviser saved this program while you were editing: reload to see their changes."
)
STALE_SAVE_MESSAGE = (
    "Another adviser saved this %(thing)s while you were editing: reload to see their "
    "changes. Nothing was saved."
)


class ListJSONField(forms.JSONField):
    """A JSON list such as ["bachelor"] or [18, 45]; empty means an empty list."""

    default_error_messages = {
        "invalid": 'Enter a list in JSON, e.g. ["bachelor"] or [18, 45] (or leave it empty).',
    }

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return []
        return super().to_python(value)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if not isinstance(value, list):
            raise forms.ValidationError(
                'Give the values as a list in square brackets, e.g. ["bachelor"] or [18, 45].',
                code="invalid",
            )


URL_OVERRIDES: dict[type[models.Field], dict[str, Any]] = {
    models.URLField: {"assume_scheme": "https"},
}
FIELD_OVERRIDES: dict[type[models.Field], dict[str, Any]] = {
    **URL_OVERRIDES,
    models.JSONField: {
        "form_class": ListJSONField,
        "widget": forms.TextInput(attrs={"size": 30}),
    },
}


# A points table's caps are a JSON object, not a list: a plain text input.
CAPS_OVERRIDES: dict[type[models.Field], dict[str, Any]] = {
    **URL_OVERRIDES,
    models.JSONField: {"widget": forms.TextInput(attrs={"size": 40})},
}


def _today() -> Any:
    return timezone.localdate()


def _adviser_name(request: HttpRequest) -> str:
    user = request.user
    return (user.get_full_name() or user.get_username()) if user.is_authenticated else ""


# --- Stale saves -----------------------------------------------------------------------------


def row_fingerprint(model: type[models.Model], pk: Any, *, lock: bool = False) -> str:
    """A hash of a row as stored: its fields, its many-to-many links and its latest history
    record (a save through the admin always adds one, also when only an inline row changed).

    With ``lock`` the row stays locked until the transaction ends, so two saves cannot race.
    """
    names = [field.attname for field in model._meta.concrete_fields]
    rows = model._default_manager.filter(pk=pk)
    if lock:
        rows = rows.select_for_update()
    values = list(rows.values_list(*names))
    links = {
        field.name: sorted(
            field.remote_field.through._default_manager.filter(  # type: ignore[union-attr]
                **{field.m2m_field_name(): pk}
            ).values_list(field.m2m_reverse_name(), flat=True)
        )
        for field in model._meta.many_to_many
    }
    history = getattr(model, "history", None)
    latest = (
        history.filter(**{model._meta.pk.attname: pk})
        .order_by("-history_id")
        .values_list("history_id", flat=True)
        .first()
        if history is not None
        else None
    )
    payload = json.dumps([values, links, latest], cls=DjangoJSONEncoder, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


class StaleSaveGuardForm(forms.ModelForm):
    """Carries a fingerprint of the row as opened; refuses the save if the row changed since.

    Not bound to a model: the admin's form factory gives it one.
    """

    opened_fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)
    # Off for simple_history's revert form, which restores an old version on purpose.
    check_concurrency = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["opened_fingerprint"].initial = row_fingerprint(
                type(self.instance), self.instance.pk
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        opened = cleaned.get("opened_fingerprint")
        if self.check_concurrency and self.instance.pk and opened:
            current = row_fingerprint(type(self.instance), self.instance.pk, lock=True)
            if current != opened:
                raise forms.ValidationError(
                    STALE_SAVE_MESSAGE % {"thing": self.instance._meta.verbose_name},
                    code="concurrent_edit",
                )
        return cleaned


class StaleSaveGuardAdmin(SimpleHistoryAdmin):
    """A history admin whose change form refuses stale saves (not its revert form)."""

    form = StaleSaveGuardForm

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        request.visas_reverting = True  # type: ignore[attr-defined]
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)
        if getattr(request, "visas_reverting", False):
            form.check_concurrency = False
        return form


# --- Filters ---------------------------------------------------------------------------------


class StaleFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "stale"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        days = review.STALE_AFTER_DAYS
        return [
            ("yes", f"Stale (not reviewed in {days} days)"),
            ("no", f"Reviewed in the last {days} days"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        cutoff = review.stale_cutoff(_today())
        if self.value() == "yes":
            return queryset.filter(last_reviewed_on__lt=cutoff)
        if self.value() == "no":
            return queryset.filter(last_reviewed_on__gte=cutoff)
        return queryset


# --- Source checks ---------------------------------------------------------------------------


def _check_label(source: Source) -> str:
    """The source's check flag in a word or two, with a warning sign when it needs review."""
    flag = source_check_flag(source)
    if flag is None:
        return _("Not checked") if source.url else _("No web address")
    label = _(flag.label)
    return f"⚠ {label}" if flag.needs_review else label


def _when(moment: Any) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _cited_sources(obj: Any) -> list[Source]:
    """Every source an item cites (its source, more sources, legal source), once each."""
    if obj is None or obj.pk is None:
        return []
    found = [obj.source] if obj.source_id else []
    found += list(obj.more_sources.all())
    if obj.legal_source_id:
        found.append(obj.legal_source)
    return list({source.pk: source for source in found}.values())


def _sources_summary(sources: list[Source]) -> str:
    """One line for a list column: the flags that need review, else OK or not checked."""
    flags = [source_check_flag(source) for source in sources]
    flagged = sorted({_(flag.label) for flag in flags if flag is not None and flag.needs_review})
    if flagged:
        return "⚠ " + "; ".join(flagged)
    if any(flag is not None for flag in flags):
        return _("OK")
    return _("Not checked") if sources else "—"


def _sources_detail(sources: list[Source]) -> SafeString | str:
    """Each cited source with its check flag and when it was checked."""
    if not sources:
        return "—"
    rows = []
    for source in sources:
        flag = source_check_flag(source)
        checked = _when(source.last_check.checked_at) if flag is not None else ""
        rows.append((_check_label(source), source, checked))
    return format_html(
        '<ul class="source-checks">{}</ul>',
        format_html_join("", "<li><strong>{}</strong>: {} <small>{}</small></li>", rows),
    )


class SourceCheckFilter(admin.SimpleListFilter):
    """Sources by the flag of the last check of their current web address."""

    title = "check"
    parameter_name = "check"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("review", _("Needs review (any flag)")),
            *((status.value, _(status.label)) for status in v.SourceCheckStatus),
            ("none", _("Not checked")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value == "review":
            return queryset.filter(sources_needing_review_q())
        if value == "none":
            checked = Source.objects.filter(last_check__url=F("url")).values("pk")
            return queryset.exclude(pk__in=checked)
        if value in {status.value for status in v.SourceCheckStatus}:
            return queryset.filter(last_check__status=value, last_check__url=F("url"))
        return queryset


class CitedSourcesFilter(admin.SimpleListFilter):
    """Items by whether any source they cite was flagged by the last check."""

    title = "cited sources"
    parameter_name = "source_check"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("review", _("A source needs review")), ("ok", _("No source flagged"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() not in ("review", "ok"):
            return queryset
        citing = queryset.model._default_manager.filter(items_citing_flagged_q()).values("pk")
        if self.value() == "review":
            return queryset.filter(pk__in=citing)
        return queryset.exclude(pk__in=citing)


class SourceChecksShown:
    """A read-only "Source checks" field: the check flags of every source an item cites."""

    @admin.display(description="Source checks")
    def source_checks(self, obj: Any) -> SafeString | str:
        return _sources_detail(_cited_sources(obj))


def with_source_checks(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Items with their sources' checks, in a constant number of queries."""
    return queryset.select_related(
        "source__last_check", "legal_source__last_check"
    ).prefetch_related(
        Prefetch("more_sources", queryset=Source.objects.select_related("last_check"))
    )


# --- Inlines ---------------------------------------------------------------------------------


LEGAL_FIELDS: list[Any] = [
    ("legal_status", "legal_changed_on", "legal_source"),
    "legal_note",
    ("effective_from", "effective_to"),
]


def _program_of(request: HttpRequest) -> Program | None:
    """The program whose change form this request shows (set by ProgramAdmin.get_form)."""
    return getattr(request, "visas_program", None)


class GroupChoicesMixin:
    """Offer only the groups of the program being edited (none while it is being added)."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.related_model is RequirementGroup:
            program = _program_of(request)
            queryset = RequirementGroup.objects.select_related("program")
            kwargs["queryset"] = queryset.filter(program=program) if program else queryset.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class CitedInline(SourceChecksShown, admin.StackedInline):
    extra = 0
    autocomplete_fields = ["source", "more_sources", "legal_source"]
    formfield_overrides = FIELD_OVERRIDES
    show_change_link = True
    classes = ["collapse"]
    readonly_fields = ["source_checks"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return with_source_checks(super().get_queryset(request))


class GroupFormSet(forms.BaseInlineFormSet):
    """Refuses a requirement tree that loops, names its broken node, and keeps a group's
    importance equal to its parent's."""

    def clean(self) -> None:
        super().clean()
        parents: dict[str, str] = {}
        importance: dict[str, str] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("key"):
                continue
            parent = data.get("parent")
            parents[data["key"]] = parent.key if parent else ""
            importance[data["key"]] = data.get("importance", "")
        for key in parents:
            seen = [key]
            current = parents[key]
            while current:
                if current in seen:
                    raise forms.ValidationError(
                        _(
                            "Group “%(key)s”: its parents loop back to it (%(path)s). Choose "
                            "another parent."
                        )
                        % {"key": key, "path": " → ".join([*seen, current])}
                    )
                seen.append(current)
                current = parents.get(current, "")
            parent_key = parents[key]
            if (
                parent_key
                and parent_key in importance
                and importance[parent_key] != importance[key]
            ):
                raise forms.ValidationError(
                    _("Group “%(key)s”: give it the importance of its parent “%(parent)s”.")
                    % {"key": key, "parent": parent_key}
                )


class RequirementGroupInline(GroupChoicesMixin, admin.TabularInline):
    model = RequirementGroup
    formset = GroupFormSet
    fk_name = "program"
    extra = 0
    fields = ["key", "parent", "combine", "importance", "route", "display_order"]
    classes = ["collapse"]
    verbose_name = "requirement group or route"
    verbose_name_plural = "requirement groups and routes (criteria and points tables name them)"


class CriterionInline(GroupChoicesMixin, CitedInline):
    model = Criterion
    fields = [
        ("importance", "group"),
        ("fact", "fact_key", "operator", "values"),
        "statement",
        ("clarity", "as_of"),
        ("source", "more_sources"),
        "source_checks",
        *LEGAL_FIELDS,
        ("display_order", "content_key"),
    ]


class PointsTableInline(GroupChoicesMixin, CitedInline):
    model = PointsTable
    fields = [
        ("name", "group", "pass_mark"),
        "caps",
        ("clarity", "as_of"),
        ("source", "more_sources"),
        "source_checks",
        *LEGAL_FIELDS,
        ("display_order", "content_key"),
    ]
    formfield_overrides = CAPS_OVERRIDES


class KeyFigureInline(CitedInline):
    model = KeyFigure
    fields = [
        ("kind", "label", "period"),
        ("value", "unit", "value_text"),
        ("payer", "recurrence", "estimates_chance"),
        ("applies_fact", "applies_key", "applies_operator", "applies_values"),
        "applies_note",
        "note",
        ("clarity", "as_of"),
        ("source", "more_sources"),
        "source_checks",
        *LEGAL_FIELDS,
        ("display_order", "content_key"),
    ]


class CaveatInline(CitedInline):
    model = Caveat
    fields = [
        ("category", "severity"),
        "title",
        "text",
        ("clarity", "as_of"),
        ("source", "more_sources"),
        "source_checks",
        *LEGAL_FIELDS,
        ("display_order", "content_key"),
    ]


# --- Programs --------------------------------------------------------------------------------


class ProgramAdminForm(forms.ModelForm):
    opened_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Off for simple_history's revert form, which restores an old version on purpose.
    check_concurrency = True

    class Meta:
        model = Program
        fields: list[str] = []  # the admin's fieldsets choose them

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_revision"].initial = self.instance.revision

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        opened = cleaned.get("opened_revision")
        if self.check_concurrency and self.instance.pk and opened is not None:
            # Lock the row until this request's transaction ends, so two saves cannot race.
            current = (
                Program.objects.select_for_update()
                .values_list("revision", flat=True)
                .get(pk=self.instance.pk)
            )
            if current != opened:
                raise forms.ValidationError(CONCURRENT_EDIT_MESSAGE, code="concurrent_edit")
        return cleaned


@admin.register(Program)
class ProgramAdmin(SimpleHistoryAdmin):
    form = ProgramAdminForm
    formfield_overrides = URL_OVERRIDES
    inlines = [
        RequirementGroupInline,
        CriterionInline,
        PointsTableInline,
        KeyFigureInline,
        CaveatInline,
    ]
    autocomplete_fields = ["selection_source"]
    list_display = [
        "name",
        "country",
        "status",
        "last_reviewed_on",
        "review_state",
        "unclear_criteria",
        "new_reports",
        "revision",
    ]
    list_filter = ["country", "status", StaleFilter]
    search_fields = ["name", "slug", "summary", "authority"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["revision", "selection_source_check", "flagged_sources"]
    actions = ["mark_reviewed_today"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "country", "authority", "summary", "official_url"]}),
        ("Status", {"fields": ["status", "in_force_on", "display_order"]}),
        (
            "Selection",
            {
                "fields": [
                    "selection",
                    "selection_note",
                    ("selection_source", "selection_clarity", "selection_as_of"),
                    "selection_source_check",
                ]
            },
        ),
        (
            "Review",
            {
                "fields": [
                    "last_reviewed_on",
                    "last_reviewed_by",
                    "revision",
                    "flagged_sources",
                    "opened_revision",
                ]
            },
        ),
        ("Content file", {"fields": ["content_key"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Program]:
        return (
            super()
            .get_queryset(request)
            .select_related("selection_source__last_check")
            .annotate(
                unclear_count=Count(
                    "criteria", filter=Q(criteria__clarity=v.Clarity.UNCLEAR), distinct=True
                ),
                new_report_count=Count(
                    "reports", filter=Q(reports__status=v.ReportStatus.NEW), distinct=True
                ),
            )
        )

    @admin.display(description="Selection source check")
    def selection_source_check(self, program: Program) -> SafeString | str:
        source = program.selection_source if program.selection_source_id else None
        return _sources_detail([source] if source is not None else [])

    @admin.display(description="Items citing flagged sources")
    def flagged_sources(self, program: Program) -> SafeString | str:
        """Per kind of item, how many cite a source the last check flagged, linked to them."""
        if program.pk is None:
            return "—"
        links = []
        for model in SECTIONS.values():
            citing = model.objects.filter(items_citing_flagged_q())
            count = citing.filter(program=program).distinct().count()
            if count:
                url = reverse(f"{self.admin_site.name}:visas_{model._meta.model_name}_changelist")
                query = (
                    f"?program__id__exact={program.pk}&{CitedSourcesFilter.parameter_name}=review"
                )
                links.append((url + query, f"⚠ {count} {model._meta.verbose_name_plural}"))
        if not links:
            return _("None")
        return format_html_join(", ", '<a href="{}">{}</a>', links)

    @admin.display(description="Unclear criteria", ordering="unclear_count")
    def unclear_criteria(self, program: Program) -> int:
        return getattr(program, "unclear_count", 0)

    @admin.display(description="New reports", ordering="new_report_count")
    def new_reports(self, program: Program) -> SafeString | int:
        count: int = getattr(program, "new_report_count", 0)
        if not count:
            return 0
        url = reverse("admin:visas_report_changelist")
        return format_html(
            '<a href="{}?program__id__exact={}&amp;status__exact=new">{}</a>',
            url,
            program.pk,
            count,
        )

    @admin.display(description="Review")
    def review_state(self, program: Program) -> str:
        if review.is_stale(program.last_reviewed_on, today=_today()):
            return f"⚠ Stale: over {review.STALE_AFTER_DAYS} days"
        return "Up to date"

    @admin.action(description="Mark reviewed today", permissions=["change"])
    def mark_reviewed_today(self, request: HttpRequest, queryset: QuerySet[Program]) -> None:
        name = _adviser_name(request)
        for program in queryset:
            program_mark_reviewed(program=program, reviewed_by=name, today=_today())
        self.message_user(
            request, f"Marked {queryset.count()} program(s) reviewed today.", messages.SUCCESS
        )

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        request.visas_reverting = True  # type: ignore[attr-defined]
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        request.visas_program = obj  # type: ignore[attr-defined]
        form = super().get_form(request, obj, **kwargs)
        if getattr(request, "visas_reverting", False):
            form.check_concurrency = False
        return form

    def save_model(self, request: HttpRequest, obj: Program, form: Any, change: bool) -> None:
        reverting = getattr(request, "visas_reverting", False)
        if change:
            # The revision only ever goes up, also when an old version is restored.
            obj.revision = Program.objects.values_list("revision", flat=True).get(pk=obj.pk)
        super().save_model(request, obj, form, change)
        if reverting:
            program_revision_bump(program=obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if change:
            program_revision_bump(program=form.instance)


# --- Criteria, figures and caveats on their own ----------------------------------------------


class CitedAdmin(SourceChecksShown, StaleSaveGuardAdmin):
    """Shared by the stand-alone lists of criteria, figures and caveats."""

    autocomplete_fields = ["program", "source", "more_sources", "legal_source"]
    formfield_overrides = FIELD_OVERRIDES
    list_select_related = ["program"]
    list_filter = ["clarity", CitedSourcesFilter, "program__country", "program"]
    readonly_fields = ["source_checks"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # The change list adds list_select_related only to a queryset without select_related.
        return with_source_checks(super().get_queryset(request)).select_related("program")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """The source checks right after the sources they are about."""
        fields = [name for name in super().get_fields(request, obj) if name != "source_checks"]
        at = fields.index("more_sources") + 1 if "more_sources" in fields else len(fields)
        return [*fields[:at], "source_checks", *fields[at:]]

    @admin.display(description="Sources")
    def sources_check(self, obj: Any) -> str:
        return _sources_summary(_cited_sources(obj))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        previous = type(obj).objects.filter(pk=obj.pk).values_list("program_id", flat=True)
        moved_from = set(previous) - {obj.program_id}
        super().save_model(request, obj, form, change)
        # save_related saves more_sources; bump here too, since a revert skips save_related.
        programs_revision_bump(program_ids={obj.program_id, *moved_from})

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        program = obj.program
        super().delete_model(request, obj)
        program_revision_bump(program=program)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        program_ids = set(queryset.values_list("program_id", flat=True))
        super().delete_queryset(request, queryset)
        programs_revision_bump(program_ids=program_ids)


class GroupedAdmin(GroupChoicesMixin, CitedAdmin):
    """Criteria and points tables: their group is chosen among their program's groups."""

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        request.visas_program = obj.program if obj else None  # type: ignore[attr-defined]
        return super().get_form(request, obj, **kwargs)


class PointsRowInline(admin.TabularInline):
    model = PointsRow
    extra = 0
    fields = [
        "category",
        "fact",
        "fact_key",
        "operator",
        "values",
        "points",
        "label",
        "display_order",
    ]
    formfield_overrides = FIELD_OVERRIDES


@admin.register(PointsTable)
class PointsTableAdmin(GroupedAdmin):
    inlines = [PointsRowInline]
    list_display = ["name", "program", "pass_mark", "clarity", "legal_status", "sources_check"]
    search_fields = ["name", "content_key", "program__name"]
    formfield_overrides = CAPS_OVERRIDES

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        program_revision_bump(program=form.instance.program)


@admin.register(Criterion)
class CriterionAdmin(GroupedAdmin):
    list_display = [
        "statement_short",
        "program",
        "importance",
        "fact",
        "operator",
        "clarity",
        "sources_check",
    ]
    list_filter = [
        "clarity",
        CitedSourcesFilter,
        "importance",
        "fact",
        "program__country",
        "program",
    ]
    search_fields = ["statement", "content_key", "program__name"]

    @admin.display(description="Statement")
    def statement_short(self, obj: Criterion) -> str:
        return obj.statement[:90]


@admin.register(KeyFigure)
class KeyFigureAdmin(CitedAdmin):
    list_display = [
        "label",
        "program",
        "kind",
        "period",
        "value",
        "value_text",
        "clarity",
        "sources_check",
    ]
    list_filter = ["clarity", CitedSourcesFilter, "kind", "program__country", "program"]
    search_fields = ["label", "value_text", "period", "note", "content_key", "program__name"]


@admin.register(Caveat)
class CaveatAdmin(CitedAdmin):
    list_display = ["title", "program", "category", "severity", "clarity", "sources_check"]
    list_filter = [
        "clarity",
        CitedSourcesFilter,
        "category",
        "severity",
        "program__country",
        "program",
    ]
    search_fields = ["title", "text", "content_key", "program__name"]


@admin.register(Source)
class SourceAdmin(StaleSaveGuardAdmin):
    formfield_overrides = URL_OVERRIDES
    list_display = [
        "title",
        "publisher",
        "published_on",
        "accessed_on",
        "is_official",
        "check_state",
    ]
    list_filter = [SourceCheckFilter, "is_official"]
    list_select_related = ["last_check"]
    search_fields = ["title", "publisher", "url", "note", "content_key"]
    readonly_fields = ["check_state", "check_details", "cited_by"]
    actions = ["mark_changes_reviewed"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        return super().get_queryset(request).select_related("last_check")

    @admin.display(description="Check", ordering="last_check__status")
    def check_state(self, source: Source) -> str:
        return _check_label(source) if source.pk else "—"

    @admin.display(description="Last check")
    def check_details(self, source: Source) -> SafeString | str:
        try:
            check = source.last_check
        except SourceCheck.DoesNotExist:
            return "—"
        status = v.SourceCheckStatus(check.status)
        rows: list[tuple[str, Any]] = [
            (
                _("Status"),
                _("%(status)s (since %(when)s)")
                % {"status": _(status.label), "when": _when(check.status_since)},
            ),
            (_("Checked"), _when(check.checked_at)),
            (_("Address checked"), check.url),
            (_("HTTP status"), check.http_status or "—"),
            (_("Final address"), check.final_url or "—"),
        ]
        if check.url != source.url:
            rows.insert(0, (_("Note"), _("The address was edited after this check.")))
        if check.detail:
            rows.append((_("Detail"), check.detail))
        if check.reviewed_at:
            rows.append((_("Change reviewed"), f"{_when(check.reviewed_at)} {check.reviewed_by}"))
        rows.append(
            (
                _("Content (SHA-256)"),
                _("%(content)s (baseline %(baseline)s)")
                % {
                    "content": check.content_hash[:16] or "—",
                    "baseline": check.baseline_hash[:16] or "—",
                },
            )
        )
        return format_html(
            '<dl class="source-check">{}</dl>',
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows),
        )

    @admin.display(description="Cited by")
    def cited_by(self, source: Source) -> SafeString | str:
        """Every item citing this source, linked: what to review when its check flags it."""
        if source.pk is None:
            return "—"
        links: list[tuple[str, str]] = []
        for program in Program.objects.filter(selection_source=source):
            url = reverse(f"{self.admin_site.name}:visas_program_change", args=[program.pk])
            links.append((url, _("%(program)s (how applicants are chosen)") % {"program": program}))
        for model in SECTIONS.values():
            citing = model.objects.filter(
                pk__in=model.objects.filter(
                    Q(source=source) | Q(more_sources=source) | Q(legal_source=source)
                ).values("pk")
            ).select_related("program")
            for item in citing:
                url = reverse(
                    f"{self.admin_site.name}:visas_{model._meta.model_name}_change",
                    args=[item.pk],
                )
                links.append((url, str(item)))
        if not links:
            return "—"
        return format_html(
            "<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a></li>', links)
        )

    def has_review_check_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("visas.change_sourcecheck")

    @admin.action(description="Mark checked changes as reviewed", permissions=["review_check"])
    def mark_changes_reviewed(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        cleared = source_checks_mark_reviewed(
            source_ids=queryset.values_list("pk", flat=True),
            reviewed_by=_adviser_name(request),
            now=timezone.now(),
        )
        self.message_user(
            request,
            _(
                "Marked %(count)d changed source(s) reviewed: their current pages are the new "
                "baseline."
            )
            % {"count": cleared},
            messages.SUCCESS,
        )
        still = queryset.filter(sources_needing_review_q()).count()
        if still:
            self.message_user(
                request,
                _(
                    "%(count)d selected source(s) are moved, broken or unreachable: correct "
                    "their web address (or the note); the next check clears the flag."
                )
                % {"count": still},
                messages.WARNING,
            )

    def save_model(self, request: HttpRequest, obj: Source, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change:
            source_changed(source=obj)


@admin.register(ExchangeRate)
class ExchangeRateAdmin(StaleSaveGuardAdmin):
    """Rates for comparing amounts across currencies: a change re-evaluates every program
    with a salary or savings rule (their revisions go up)."""

    list_display = ["currency", "per_eur", "as_of", "clarity", "source"]
    list_select_related = ["source"]
    autocomplete_fields = ["source"]
    search_fields = ["currency"]

    def save_model(self, request: HttpRequest, obj: ExchangeRate, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        rate_changed()

    def delete_model(self, request: HttpRequest, obj: ExchangeRate) -> None:
        super().delete_model(request, obj)
        rate_changed()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ExchangeRate]) -> None:
        super().delete_queryset(request, queryset)
        rate_changed()


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Applicants' reports of wrong or outdated items: the advisers' queue, newest first."""

    list_display = ["created_at", "program", "item_kind", "item_text", "status", "has_source"]
    list_filter = ["status", "item_kind", "program"]
    list_select_related = ["program"]
    search_fields = ["item_text", "message", "source_url"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "program",
        "item_kind",
        "item_link",
        "item_text",
        "message",
        "source_link",
        "email",
        "answers",
        "created_at",
        "updated_at",
    ]
    fields = [*readonly_fields, "status", "adviser_note"]
    actions = ["mark_accepted", "mark_rejected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # reports come from applicants

    @admin.display(description="Item now")
    def item_link(self, report: Report) -> SafeString | str:
        found = REPORTED.get(v.ReportedItem(report.item_kind))
        if found is None:
            return "—"
        url = reverse(f"admin:visas_{found[0]._meta.model_name}_change", args=[report.item_id])
        return format_html('<a href="{}">Open the item to correct it</a>', url)

    @admin.display(description="Source given")
    def source_link(self, report: Report) -> SafeString | str:
        if not report.source_url:
            return "—"
        return format_html(
            '<a href="{}" rel="noopener noreferrer nofollow">{}</a>',
            report.source_url,
            report.source_url,
        )

    @admin.display(description="Source?", boolean=True)
    def has_source(self, report: Report) -> bool:
        return bool(report.source_url)

    def _mark(self, request: HttpRequest, queryset: QuerySet[Report], status: str) -> None:
        count = queryset.update(status=status, updated_at=timezone.now())
        self.message_user(
            request, f"Marked {count} report(s) “{v.ReportStatus(status).label}”.", messages.SUCCESS
        )

    @admin.action(description="Mark accepted", permissions=["change"])
    def mark_accepted(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        self._mark(request, queryset, v.ReportStatus.ACCEPTED)

    @admin.action(description="Mark rejected", permissions=["change"])
    def mark_rejected(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        self._mark(request, queryset, v.ReportStatus.REJECTED)
