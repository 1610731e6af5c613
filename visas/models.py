"""Visa programs and the facts about them: criteria, caveats, key figures and sources.

Fields, validation of a single row, and database constraints only: no business logic.
Every criterion, caveat and figure cites a source and carries an as-of date; both columns
are NOT NULL, so the database itself refuses a fact without them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from simple_history.models import HistoricalRecords

from visas import vocabulary as v
from visas.vocabulary import choices


class LoadedContent(models.Model):
    """A row the content loader can find again (by key) and tell whether an adviser changed."""

    content_key = models.SlugField(
        max_length=80,
        blank=True,
        help_text="Stable name of this item in the content file; empty for items made in admin.",
    )
    content_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True


class Source(LoadedContent):
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200)
    url = models.URLField(
        max_length=500,
        blank=True,
        help_text="Where an adviser can read it. Leave empty only when it has no known web "
        "address (e.g. a stored copy) and say so in the note.",
    )
    published_on = models.DateField(
        null=True, blank=True, help_text="Leave empty when the source is undated."
    )
    published_note = models.CharField(
        max_length=100,
        blank=True,
        help_text='How precise the date is, e.g. "approx." or "undated".',
    )
    accessed_on = models.DateField(help_text="When an adviser last read it.")
    is_official = models.BooleanField(
        default=False, help_text="Government or authority text (not press, not a law firm)."
    )
    note = models.TextField(
        blank=True, help_text="Mirrors, caveats about this source's reliability."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_key"],
                condition=~models.Q(content_key=""),
                name="source_content_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.publisher})"


class SourceCheck(models.Model):
    """What the last automatic check of a source's web address found (``check_sources``).

    Kept apart from Source on purpose: a check is an observation, not an adviser's edit, so
    it adds no history record, does not change the source's stale-save fingerprint and does
    not raise the revisions of the programs citing it.
    """

    source = models.OneToOneField(Source, on_delete=models.CASCADE, related_name="last_check")
    url = models.URLField(max_length=500, help_text="The web address that was checked.")
    status = models.CharField(max_length=12, choices=choices(v.SourceCheckStatus))
    http_status = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The final HTTP status; empty when nothing answered."
    )
    final_url = models.CharField(
        max_length=2000, blank=True, help_text="Where the address led after redirects."
    )
    content_hash = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the page as last fetched."
    )
    baseline_hash = models.CharField(
        max_length=64,
        blank=True,
        help_text="SHA-256 of the page advisers know: as first fetched, or when last reviewed.",
    )
    detail = models.CharField(max_length=300, blank=True)
    checked_at = models.DateTimeField()
    status_since = models.DateTimeField(help_text="When the check first found this status.")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.CharField(max_length=150, blank=True)

    def __str__(self) -> str:
        return f"{self.source_id}: {self.status}"


class Program(LoadedContent):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    country = models.CharField(max_length=8, choices=choices(v.Country))
    authority = models.CharField(max_length=200, help_text="Who issues it.")
    summary = models.TextField(help_text="One paragraph, in plain words.")
    official_url = models.URLField(max_length=500, blank=True)
    status = models.CharField(
        max_length=20, choices=choices(v.ProgramStatus), default=v.ProgramStatus.IN_FORCE
    )
    in_force_on = models.DateField(null=True, blank=True)
    last_reviewed_on = models.DateField()
    last_reviewed_by = models.CharField(max_length=150, blank=True)
    revision = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up on every change to the program or anything under it.",
    )
    display_order = models.PositiveSmallIntegerField(default=100)
    selection = models.CharField(
        max_length=20,
        choices=[c for c in choices(v.Selection) if c[0] != v.Selection.NOT_RECORDED],
        default=v.Selection.NONE,
        help_text="How applicants who may apply are chosen.",
    )
    selection_note = models.CharField(
        max_length=300, blank=True, help_text="The selection in plain words, with its scope."
    )
    selection_source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Where the selection mechanism is stated (needed unless everyone is chosen).",
    )
    selection_clarity = models.CharField(
        max_length=12, choices=choices(v.Clarity), default=v.Clarity.UNCLEAR
    )
    selection_as_of = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["display_order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("visas:program_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.selection != v.Selection.NONE and self.selection_source_id is None:
            raise ValidationError(
                {"selection_source": _("Cite the source that states how applicants are chosen.")}
            )


class CitedFact(LoadedContent):
    """What every statement about a program has: a source, an as-of date and a clarity label."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE)
    clarity = models.CharField(max_length=12, choices=choices(v.Clarity))
    as_of = models.DateField(help_text="The date this statement was true according to its source.")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    more_sources = models.ManyToManyField(Source, blank=True, related_name="+")
    display_order = models.PositiveSmallIntegerField(default=100)
    legal_status = models.CharField(
        max_length=20,
        choices=choices(v.LegalStatus),
        default=v.LegalStatus.IN_FORCE,
        help_text="Anything but “in force” shows as unclear, with the note below as the reason.",
    )
    legal_note = models.CharField(
        max_length=400,
        blank=True,
        help_text="One sentence on the status, with dates, e.g. “Vacated by a federal court on "
        "8 June 2026; the government appealed.”",
    )
    legal_changed_on = models.DateField(
        null=True, blank=True, help_text="When the status last changed."
    )
    legal_source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The source of the last status change.",
    )
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(
        null=True, blank=True, help_text="After this date the item shows as expired."
    )
    review_by = models.DateField(
        null=True,
        blank=True,
        help_text="Likely to change (a fee or threshold set each year): check it again by "
        "this date. Past it, the item is listed as due for review and pages show its date.",
    )

    class Meta:
        abstract = True
        ordering = ["display_order", "id"]

    def legal_errors(self) -> dict[str, list[StrOrPromise]]:
        errors: dict[str, list[StrOrPromise]] = {}
        if self.legal_status != v.LegalStatus.IN_FORCE and not self.legal_note.strip():
            errors["legal_note"] = [
                _("Say in one sentence why the status is not “in force”, with its date.")
            ]
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            errors["effective_to"] = [_("The end date must not be before the start date.")]
        return errors


def _effective_range_ordered(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(effective_to__isnull=True)
        | models.Q(effective_from__isnull=True)
        | models.Q(effective_to__gte=models.F("effective_from")),
        name=name,
    )


class RequirementGroup(LoadedContent):
    """A node of a program's requirement tree: all or any of its members (criteria, points
    tables and further groups); with a route name it is one of the program's routes."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="groups")
    key = models.SlugField(max_length=60, help_text="A short name the members refer to.")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subgroups",
        help_text="Empty for a top-level group.",
    )
    combine = models.CharField(max_length=3, choices=choices(v.Combine), default=v.Combine.ALL)
    importance = models.CharField(
        max_length=20, choices=choices(v.Importance), default=v.Importance.REQUIRED
    )
    route = models.CharField(
        max_length=150,
        blank=True,
        help_text="A route's name (e.g. “Graduate route”); empty for a plain group.",
    )
    display_order = models.PositiveSmallIntegerField(default=100)
    history = HistoricalRecords()

    class Meta:
        ordering = ["display_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "key"], name="group_key_unique"),
        ]

    def __str__(self) -> str:
        return self.route or self.key

    def clean(self) -> None:
        if self.pk is None:
            return
        others = self.criteria.exclude(importance=self.importance).values_list(
            "importance", flat=True
        )
        if others.exists():
            raise ValidationError(
                {
                    "importance": _(
                        "Group “%(key)s” holds criteria of another importance: change theirs "
                        "first, or move them out of the group."
                    )
                    % {"key": self.key}
                }
            )


def _content_key_unique(name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["program", "content_key"], condition=~models.Q(content_key=""), name=name
    )


class Criterion(CitedFact):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="criteria")
    fact = models.CharField(max_length=30, choices=choices(v.Fact))
    fact_key = models.CharField(
        "key",
        max_length=20,
        blank=True,
        default="",
        help_text="For a fact about one country or language (status in a country, language "
        'level): which one, e.g. "US" or "zh". Empty for other facts.',
    )
    operator = models.CharField(max_length=20, choices=choices(v.Operator))
    values = models.JSONField(
        default=list,
        blank=True,
        help_text='A list: codes for a choice (e.g. ["bachelor"]), whole numbers for a number '
        "(e.g. [18, 45]); empty for “unspecified” and “any”.",
    )
    importance = models.CharField(max_length=20, choices=choices(v.Importance))
    group = models.ForeignKey(
        RequirementGroup,
        # A group with criteria cannot be deleted on its own, but with its program it can.
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="criteria",
        help_text="The group (or route) it belongs to; empty for a requirement on its own.",
    )
    statement = models.TextField(help_text="The sentence the applicant reads.")
    history = HistoricalRecords()

    class Meta(CitedFact.Meta):
        verbose_name_plural = "criteria"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(operator=v.Operator.UNSPECIFIED)
                | models.Q(clarity=v.Clarity.UNCLEAR),
                name="criterion_unspecified_is_unclear",
            ),
            _content_key_unique("criterion_content_key_unique"),
            _effective_range_ordered("criterion_effective_range_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.program}: {self.statement[:60]}"

    def clean(self) -> None:
        errors: dict[str, list[Any]] = {}
        errors |= v.rule_errors(
            fact=self.fact,
            key=self.fact_key,
            operator=self.operator,
            values=self.values if isinstance(self.values, list) else [self.values],
            clarity=self.clarity,
        )
        if "key" in errors:  # the condition's key is the field "fact_key"
            errors["fact_key"] = errors.pop("key")
        if not isinstance(self.values, list):
            errors.setdefault("values", []).insert(
                0, 'Give the values as a list, e.g. ["bachelor"].'
            )
        if self.group_id is not None and self.group is not None:
            if self.group.program_id != self.program_id:
                errors.setdefault("group", []).append(_("Choose a group of the same program."))
            elif self.group.importance != self.importance:
                errors.setdefault("importance", []).append(
                    _("Its group “%(group)s” is “%(importance)s”: give it the same importance.")
                    % {"group": self.group, "importance": self.group.get_importance_display()}
                )
        for name, messages in self.legal_errors().items():
            errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)


class Caveat(CitedFact):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="caveats")
    category = models.CharField(max_length=30, choices=choices(v.CaveatCategory))
    severity = models.CharField(
        max_length=10, choices=choices(v.Severity), default=v.Severity.CAUTION
    )
    title = models.CharField(max_length=150)
    text = models.TextField()
    history = HistoricalRecords()

    class Meta(CitedFact.Meta):
        constraints = [
            _content_key_unique("caveat_content_key_unique"),
            _effective_range_ordered("caveat_effective_range_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.program}: {self.title}"

    def clean(self) -> None:
        if errors := self.legal_errors():
            raise ValidationError(errors)


class PointsTable(CitedFact):
    """A points test: rows of (condition → points) in categories, optional caps per category,
    and a pass mark; a member of the requirement tree like a criterion."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="points_tables")
    group = models.ForeignKey(
        RequirementGroup,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="points_tables",
        help_text="The group (or route) it belongs to; empty for a requirement on its own.",
    )
    name = models.CharField(max_length=150)
    pass_mark = models.PositiveIntegerField(
        null=True, blank=True, help_text="Leave empty when the sources publish none."
    )
    caps = models.JSONField(
        default=dict,
        blank=True,
        help_text='The most points a category can give, e.g. {"language": 3}; empty for none.',
    )
    history = HistoricalRecords()

    class Meta(CitedFact.Meta):
        constraints = [
            _content_key_unique("points_table_content_key_unique"),
            _effective_range_ordered("points_table_effective_range_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.program}: {self.name}"

    def clean(self) -> None:
        errors: dict[str, list[Any]] = dict(self.legal_errors())
        caps = self.caps
        if not isinstance(caps, dict) or not all(
            isinstance(k, str) and isinstance(n, int) and not isinstance(n, bool) and n > 0
            for k, n in caps.items()
        ):
            errors["caps"] = [
                _('Give caps as {"category": points}, with whole numbers above 0, or leave empty.')
            ]
        if (
            self.group_id is not None
            and self.group is not None
            and self.group.program_id != self.program_id
        ):
            errors["group"] = [_("Choose a group of the same program.")]
        if errors:
            raise ValidationError(errors)


class PointsRow(LoadedContent):
    """One row of a points table: the points given when the condition holds."""

    table = models.ForeignKey(PointsTable, on_delete=models.CASCADE, related_name="rows")
    category = models.SlugField(
        max_length=40, help_text="Rows of one category add up (to the category's cap, if any)."
    )
    fact = models.CharField(max_length=30, choices=choices(v.Fact))
    fact_key = models.CharField(
        "key",
        max_length=20,
        blank=True,
        default="",
        help_text="For a fact about one country or language (status in a country, language "
        'level): which one, e.g. "US" or "zh". Empty for other facts.',
    )
    operator = models.CharField(max_length=20, choices=choices(v.Operator))
    values = models.JSONField(default=list, blank=True)
    points = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=200, help_text="How the row reads, e.g. “Age 30 to 34”.")
    display_order = models.PositiveSmallIntegerField(default=100)
    history = HistoricalRecords()

    class Meta:
        ordering = ["display_order", "id"]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        errors: dict[str, list[Any]] = {}
        errors |= v.rule_errors(
            fact=self.fact,
            key=self.fact_key,
            operator=self.operator,
            values=self.values if isinstance(self.values, list) else [self.values],
            clarity=v.Clarity.UNCLEAR,
        )
        if "key" in errors:  # the condition's key is the field "fact_key"
            errors["fact_key"] = errors.pop("key")
        if self.operator in (v.Operator.UNSPECIFIED, v.Operator.ANY):
            errors["operator"] = [_("A points row needs a condition that can be checked.")]
        if errors:
            raise ValidationError(errors)


class KeyFigure(CitedFact):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="figures")
    kind = models.CharField(max_length=20, choices=choices(v.FigureKind))
    label = models.CharField(max_length=150)
    value = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Leave empty when the sources give no number: the figure then reads as unclear.",
    )
    value_text = models.CharField(
        max_length=200, blank=True, help_text='How to say it, e.g. "3 years, extendable to 6".'
    )
    unit = models.CharField(max_length=20, blank=True, help_text='e.g. "USD", "%", "years".')
    payer = models.CharField(max_length=10, choices=choices(v.Payer), blank=True, default="")
    recurrence = models.CharField(
        max_length=20, choices=choices(v.Recurrence), blank=True, default=""
    )
    period = models.CharField(max_length=40, blank=True, help_text='e.g. "FY2026".')
    estimates_chance = models.BooleanField(
        default=False,
        help_text="A selection rate used as the applicant's estimated chance when its "
        "condition applies to them (e.g. one per wage level).",
    )
    # When the figure applies only to some applicants: a rule on one applicant fact.
    applies_fact = models.CharField(max_length=30, choices=choices(v.Fact), blank=True)
    applies_key = models.CharField(
        "applies key",
        max_length=20,
        blank=True,
        default="",
        help_text="For a fact about one country or language (status in a country, language "
        'level): which one, e.g. "US" or "zh". Empty for other facts.',
    )
    applies_operator = models.CharField(max_length=20, choices=choices(v.Operator), blank=True)
    applies_values = models.JSONField(default=list, blank=True)
    applies_note = models.CharField(
        max_length=300, blank=True, help_text="Who it applies to, in plain words."
    )
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta(CitedFact.Meta):
        constraints = [
            _effective_range_ordered("figure_effective_range_ordered"),
            _content_key_unique("figure_content_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.program}: {self.label}"

    def clean(self) -> None:
        errors: dict[str, list[Any]] = dict(self.legal_errors())
        if self.estimates_chance and (
            self.kind != v.FigureKind.SELECTION_RATE or self.value is None
        ):
            errors.setdefault("estimates_chance", []).append(
                _("Only a selection rate with a number can estimate the chance.")
            )
        if self.value is None and not self.value_text and self.clarity != v.Clarity.UNCLEAR:
            errors["value"] = ["Give a number or a text, or mark the figure as unclear."]
        if self.applies_fact or self.applies_operator:
            rule = v.rule_errors(
                fact=self.applies_fact,
                key=self.applies_key,
                operator=self.applies_operator,
                values=self.applies_values if isinstance(self.applies_values, list) else [],
                clarity=self.clarity,
            )
            for field, messages in rule.items():
                errors.setdefault(f"applies_{field}", []).extend(messages)
        if errors:
            raise ValidationError(errors)


class ExchangeRate(LoadedContent):
    """Units of a currency per euro on a date, from a source: how applicants' amounts are
    compared with thresholds in other currencies, and shown in the currency they pick."""

    currency = models.CharField(max_length=3, choices=choices(v.Currency), unique=True)
    per_eur = models.DecimalField(
        max_digits=18,
        decimal_places=6,
        validators=[MinValueValidator(Decimal("0.000001"))],
        help_text="How many units of the currency one euro buys (e.g. 1.1172 for USD).",
    )
    as_of = models.DateField(help_text="The date of the rate.")
    clarity = models.CharField(
        max_length=12, choices=choices(v.Clarity), default=v.Clarity.CONFIRMED
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["currency"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(per_eur__gt=0), name="exchange_rate_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"1 EUR = {self.per_eur.normalize():f} {self.currency} ({self.as_of})"


class Report(models.Model):
    """An applicant's report that an item on a public page is wrong or out of date."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="reports")
    item_kind = models.CharField(max_length=12, choices=choices(v.ReportedItem))
    item_id = models.PositiveIntegerField()
    item_text = models.CharField(
        max_length=500, help_text="The item as the reporter saw it (it may have changed since)."
    )
    message = models.TextField(max_length=2000, verbose_name="what is wrong")
    source_url = models.URLField(max_length=500, blank=True, verbose_name="source given")
    email = models.EmailField(blank=True, help_text="Only to ask the reporter about the report.")
    answers = models.JSONField(
        null=True,
        blank=True,
        help_text="The reporter's answers, only if they chose to attach them.",
    )
    status = models.CharField(
        max_length=10, choices=choices(v.ReportStatus), default=v.ReportStatus.NEW, db_index=True
    )
    adviser_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["item_kind", "item_id"])]

    def __str__(self) -> str:
        return f"{v.ReportedItem(self.item_kind).label}: {self.item_text[:60]}"
