"""Visa programs and the facts about them: criteria, caveats, key figures and sources.

Fields, validation of a single row, and database constraints only: no business logic.
Every criterion, caveat and figure cites a source and carries an as-of date; both columns
are NOT NULL, so the database itself refuses a fact without them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
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
    history = HistoricalRecords()

    class Meta:
        ordering = ["display_order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("visas:program_detail", kwargs={"slug": self.slug})


class CitedFact(LoadedContent):
    """What every statement about a program has: a source, an as-of date and a clarity label."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE)
    clarity = models.CharField(max_length=12, choices=choices(v.Clarity))
    as_of = models.DateField(help_text="The date this statement was true according to its source.")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    more_sources = models.ManyToManyField(Source, blank=True, related_name="+")
    display_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        abstract = True
        ordering = ["display_order", "id"]


def _content_key_unique(name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["program", "content_key"], condition=~models.Q(content_key=""), name=name
    )


class Criterion(CitedFact):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="criteria")
    fact = models.CharField(max_length=30, choices=choices(v.Fact))
    operator = models.CharField(max_length=20, choices=choices(v.Operator))
    values = models.JSONField(
        default=list,
        blank=True,
        help_text='A list: codes for a choice (e.g. ["bachelor"]), whole numbers for a number '
        "(e.g. [18, 45]); empty for “unspecified” and “any”.",
    )
    importance = models.CharField(max_length=20, choices=choices(v.Importance))
    group = models.SlugField(
        max_length=40,
        blank=True,
        help_text="Criteria of a program with the same group are alternatives: meeting one is "
        "enough.",
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
        ]

    def __str__(self) -> str:
        return f"{self.program}: {self.statement[:60]}"

    def clean(self) -> None:
        errors = v.rule_errors(
            fact=self.fact,
            operator=self.operator,
            values=self.values if isinstance(self.values, list) else [self.values],
            clarity=self.clarity,
        )
        if not isinstance(self.values, list):
            errors.setdefault("values", []).insert(
                0, 'Give the values as a list, e.g. ["bachelor"].'
            )
        if errors:
            raise ValidationError(errors)


class Caveat(CitedFact):
    class Category(models.TextChoices):
        AGE_BAND_UNCLEAR = "age_band_unclear", "Age band unclear"
        RULES_UNPUBLISHED = "rules_unpublished", "Rules vague or unpublished"
        PERMANENT_RESIDENCE = "permanent_residence", "Permanent-residence pathway"
        LANGUAGE = "language", "Language hurdle"
        INTERNET = "internet", "Internet restrictions"
        GEOPOLITICS = "geopolitics", "Geopolitics"
        JOB_COMPETITION = "job_competition", "Domestic job competition"
        FAMILY = "family", "Family and dependants"
        EMPLOYER_COST = "employer_cost", "Employer cost"
        EMPLOYER_DEPENDENCE = "employer_dependence", "Depends on an employer"
        LOTTERY = "lottery", "Lottery odds"
        POLICY_CHANGE = "policy_change", "Policy may change"
        OTHER = "other", "Other"

    class Severity(models.TextChoices):
        INFO = "info", "Good to know"
        CAUTION = "caution", "Weigh this"
        SERIOUS = "serious", "Could stop you"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="caveats")
    category = models.CharField(max_length=30, choices=Category.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.CAUTION)
    title = models.CharField(max_length=150)
    text = models.TextField()
    history = HistoricalRecords()

    class Meta(CitedFact.Meta):
        constraints = [_content_key_unique("caveat_content_key_unique")]

    def __str__(self) -> str:
        return f"{self.program}: {self.title}"


class KeyFigure(CitedFact):
    class Kind(models.TextChoices):
        FEE = "fee", "Fee or payment"
        CAP = "cap", "Annual cap"
        SELECTION_RATE = "selection_rate", "Selection rate"
        VALIDITY = "validity", "Validity and stay"
        PROCESSING = "processing", "Processing time"
        TIMELINE = "timeline", "Timeline"
        RIGHTS = "rights", "What you may do"
        FAMILY = "family", "Family"
        PERMANENT_RESIDENCE = "permanent_residence", "Path to permanent residence"
        OTHER = "other", "Other"

    class Payer(models.TextChoices):
        APPLICANT = "applicant", "Applicant"
        EMPLOYER = "employer", "Employer"
        EITHER = "either", "Applicant or employer"
        NOT_APPLICABLE = "", "Not a cost"

    class Recurrence(models.TextChoices):
        ONE_TIME = "one_time", "One-time"
        PER_PETITION = "per_petition", "Once per petition"
        PER_YEAR = "per_year", "Every year"
        PER_APPLICATION = "per_application", "Per application"
        NOT_APPLICABLE = "", "—"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="figures")
    kind = models.CharField(max_length=20, choices=Kind.choices)
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
    payer = models.CharField(max_length=10, choices=Payer.choices, blank=True, default="")
    recurrence = models.CharField(max_length=20, choices=Recurrence.choices, blank=True, default="")
    period = models.CharField(max_length=40, blank=True, help_text='e.g. "FY2026".')
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(null=True, blank=True)
    # When the figure applies only to some applicants: a rule on one applicant fact.
    applies_fact = models.CharField(max_length=30, choices=choices(v.Fact), blank=True)
    applies_operator = models.CharField(max_length=20, choices=choices(v.Operator), blank=True)
    applies_values = models.JSONField(default=list, blank=True)
    applies_note = models.CharField(
        max_length=300, blank=True, help_text="Who it applies to, in plain words."
    )
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta(CitedFact.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_from__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="figure_effective_range_ordered",
            ),
            _content_key_unique("figure_content_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.program}: {self.label}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.value is None and not self.value_text and self.clarity != v.Clarity.UNCLEAR:
            errors["value"] = ["Give a number or a text, or mark the figure as unclear."]
        if self.applies_fact or self.applies_operator:
            rule = v.rule_errors(
                fact=self.applies_fact,
                operator=self.applies_operator,
                values=self.applies_values if isinstance(self.applies_values, list) else [],
                clarity=self.clarity,
            )
            for field, messages in rule.items():
                errors.setdefault(f"applies_{field}", []).extend(messages)
        if errors:
            raise ValidationError(errors)
