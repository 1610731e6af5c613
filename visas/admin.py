"""The advisers' editor: programs with their criteria, figures and caveats, and sources.

Every save of a program or anything under it bumps the program's revision (through
visas.services); every change form refuses to save over another adviser's newer save (the
program form by its revision, the others by a fingerprint of the row as it was opened).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from visas import review
from visas import vocabulary as v
from visas.models import (
    Caveat,
    Criterion,
    KeyFigure,
    PointsRow,
    PointsTable,
    Program,
    RequirementGroup,
    Source,
)
from visas.services import (
    program_mark_reviewed,
    program_revision_bump,
    programs_revision_bump,
    source_changed,
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


class CitedInline(admin.StackedInline):
    extra = 0
    autocomplete_fields = ["source", "more_sources", "legal_source"]
    formfield_overrides = FIELD_OVERRIDES
    show_change_link = True
    classes = ["collapse"]


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
        ("fact", "operator", "values"),
        "statement",
        ("clarity", "as_of"),
        ("source", "more_sources"),
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
        ("applies_fact", "applies_operator", "applies_values"),
        "applies_note",
        "note",
        ("clarity", "as_of"),
        ("source", "more_sources"),
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
        "revision",
    ]
    list_filter = ["country", "status", StaleFilter]
    search_fields = ["name", "slug", "summary", "authority"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["revision"]
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
                ]
            },
        ),
        (
            "Review",
            {"fields": ["last_reviewed_on", "last_reviewed_by", "revision", "opened_revision"]},
        ),
        ("Content file", {"fields": ["content_key"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Program]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                unclear_count=Count(
                    "criteria", filter=Q(criteria__clarity=v.Clarity.UNCLEAR), distinct=True
                )
            )
        )

    @admin.display(description="Unclear criteria", ordering="unclear_count")
    def unclear_criteria(self, program: Program) -> int:
        return getattr(program, "unclear_count", 0)

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


class CitedAdmin(StaleSaveGuardAdmin):
    """Shared by the stand-alone lists of criteria, figures and caveats."""

    autocomplete_fields = ["program", "source", "more_sources", "legal_source"]
    formfield_overrides = FIELD_OVERRIDES
    list_select_related = ["program", "source"]
    list_filter = ["clarity", "program__country", "program"]

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
    fields = ["category", "fact", "operator", "values", "points", "label", "display_order"]
    formfield_overrides = FIELD_OVERRIDES


@admin.register(PointsTable)
class PointsTableAdmin(GroupedAdmin):
    inlines = [PointsRowInline]
    list_display = ["name", "program", "pass_mark", "clarity", "legal_status"]
    search_fields = ["name", "content_key", "program__name"]
    formfield_overrides = CAPS_OVERRIDES

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        program_revision_bump(program=form.instance.program)


@admin.register(Criterion)
class CriterionAdmin(GroupedAdmin):
    list_display = ["statement_short", "program", "importance", "fact", "operator", "clarity"]
    list_filter = ["clarity", "importance", "fact", "program__country", "program"]
    search_fields = ["statement", "content_key", "program__name"]

    @admin.display(description="Statement")
    def statement_short(self, obj: Criterion) -> str:
        return obj.statement[:90]


@admin.register(KeyFigure)
class KeyFigureAdmin(CitedAdmin):
    list_display = ["label", "program", "kind", "period", "value", "value_text", "clarity"]
    list_filter = ["clarity", "kind", "program__country", "program"]
    search_fields = ["label", "value_text", "period", "note", "content_key", "program__name"]


@admin.register(Caveat)
class CaveatAdmin(CitedAdmin):
    list_display = ["title", "program", "category", "severity", "clarity"]
    list_filter = ["clarity", "category", "severity", "program__country", "program"]
    search_fields = ["title", "text", "content_key", "program__name"]


@admin.register(Source)
class SourceAdmin(StaleSaveGuardAdmin):
    formfield_overrides = URL_OVERRIDES
    list_display = ["title", "publisher", "published_on", "accessed_on", "is_official"]
    list_filter = ["is_official"]
    search_fields = ["title", "publisher", "url", "note", "content_key"]

    def save_model(self, request: HttpRequest, obj: Source, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change:
            source_changed(source=obj)
