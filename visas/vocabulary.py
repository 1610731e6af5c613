"""The fixed vocabulary shared by the knowledge base, the questionnaire and the rules engine.

Plain Python (no Django): the rules engine and its tests use it without a database.
Models turn these enums into field choices with :func:`choices`.

An *applicant fact* is one thing the questionnaire asks (citizenship, age, degree, ...).
A criterion is a rule on one fact: an :class:`Operator` and values valid for that fact's kind.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


def _(message: str) -> str:
    """Marks a label for translation (``makemessages`` finds it); it is translated where it
    is shown, with Django's ``gettext``, so this module stays free of Django."""
    return message


class LabelledEnum(StrEnum):
    """A string enum whose members carry a human label (the second tuple item)."""

    label: str

    def __new__(cls, value: str, label: str = "") -> LabelledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value.replace("_", " ").capitalize()
        return member


def choices(enum: type[LabelledEnum]) -> list[tuple[str, str]]:
    """(value, label) pairs for a Django field or form."""
    return [(member.value, member.label) for member in enum]


# The answer an applicant gives when they do not know (or prefer not to say).
UNKNOWN = "unknown"


class Clarity(LabelledEnum):
    CONFIRMED = "confirmed", _("Confirmed (official text)")
    REPORTED = "reported", _("Reported (press or advisers)")
    UNCLEAR = "unclear", _("Unclear (unspecified or disputed)")


class Importance(LabelledEnum):
    """What a criterion (or a group of them) does for the verdict."""

    REQUIRED = "required", _("Required")
    FAVOURABLE = "favourable", _("Counts in your favour")
    NOT_REQUIRED = "not_required", _("Not required")
    NOT_NEEDED_IF = "not_needed_if", _("Program not needed if")
    SELECTION_EXEMPT_IF = "selection_exempt_if", _("No selection (lottery or cap) if")
    SELECTION_ADVANTAGE = "selection_advantage", _("Improves the chance of selection if")
    WARNING_UNLESS = "warning_unless", _("Very likely excluded unless (unconfirmed)")


class Combine(LabelledEnum):
    """How a group of requirements combines its members."""

    ALL = "all", _("All of these")
    ANY = "any", _("Any one of these")


class LegalStatus(LabelledEnum):
    """The legal standing of a rule, figure or caveat. Only IN_FORCE is plainly current."""

    IN_FORCE = "in_force", _("In force")
    PROPOSED = "proposed", _("Proposed, not in force")
    VACATED = "vacated", _("Vacated by a court")
    STAYED = "stayed", _("Stayed by a court")
    UNDER_APPEAL = "under_appeal", _("Under appeal")
    EXPIRED = "expired", _("Expired")
    NOT_YET = "not_yet", _("Not yet in force")
    UNKNOWN = "unknown", _("Status unknown")


class SourceCheckStatus(LabelledEnum):
    """What the last automatic check of a source's web address found (``check_sources``).

    Anything but OK asks an adviser to look at the source and at the facts that cite it.
    """

    OK = "ok", _("OK")
    CHANGED = "changed", _("Changed since last reviewed")
    MOVED = "moved", _("Moved (permanent redirect)")
    BROKEN = "broken", _("Broken (error from the server)")
    UNREACHABLE = "unreachable", _("Unreachable (no answer)")

    @property
    def needs_review(self) -> bool:
        return self is not SourceCheckStatus.OK


class ReportedItem(LabelledEnum):
    """What on a public page an applicant can report as wrong or out of date."""

    CRITERION = "criterion", _("Requirement")
    POINTS = "points", _("Points table")
    FIGURE = "figure", _("Key figure")
    CAVEAT = "caveat", _("Caveat")


class ReportStatus(LabelledEnum):
    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted (the content was or will be corrected)")
    REJECTED = "rejected", _("Rejected (the content is right)")


class Selection(LabelledEnum):
    """How a program chooses among applicants who may apply."""

    NONE = "none", _("Everyone who qualifies")
    LOTTERY = "lottery", _("Random lottery")
    WEIGHTED_LOTTERY = "weighted_lottery", _("Weighted lottery")
    RANKED_DRAW = "ranked_draw", _("Ranked draw (cut-off score)")
    CAP = "cap", _("Annual cap or quota")
    DISCRETIONARY = "discretionary", _("Officials' discretion")
    # Only in results made before selection was evaluated; advisers never choose it.
    NOT_RECORDED = "not_recorded", _("Not recorded in this result")


class FigureKind(LabelledEnum):
    FEE = "fee", _("Fee or payment")
    CAP = "cap", _("Annual cap")
    SELECTION_RATE = "selection_rate", _("Selection rate")
    VALIDITY = "validity", _("Validity and stay")
    PROCESSING = "processing", _("Processing time")
    TIMELINE = "timeline", _("Timeline")
    RIGHTS = "rights", _("What you may do")
    FAMILY = "family", _("Family")
    PERMANENT_RESIDENCE = "permanent_residence", _("Path to permanent residence")
    OTHER = "other", _("Other")


class Payer(LabelledEnum):
    NOT_APPLICABLE = "", _("Not a cost")
    APPLICANT = "applicant", _("Applicant")
    EMPLOYER = "employer", _("Employer")
    EITHER = "either", _("Applicant or employer")


class Recurrence(LabelledEnum):
    NOT_APPLICABLE = "", "—"
    ONE_TIME = "one_time", _("One-time")
    PER_PETITION = "per_petition", _("Once per petition")
    PER_YEAR = "per_year", _("Every year")
    PER_APPLICATION = "per_application", _("Per application")


class CaveatCategory(LabelledEnum):
    AGE_BAND_UNCLEAR = "age_band_unclear", _("Age band unclear")
    RULES_UNPUBLISHED = "rules_unpublished", _("Rules vague or unpublished")
    PERMANENT_RESIDENCE = "permanent_residence", _("Permanent-residence pathway")
    LANGUAGE = "language", _("Language hurdle")
    INTERNET = "internet", _("Internet restrictions")
    GEOPOLITICS = "geopolitics", _("Geopolitics")
    JOB_COMPETITION = "job_competition", _("Domestic job competition")
    FAMILY = "family", _("Family and dependants")
    EMPLOYER_COST = "employer_cost", _("Employer cost")
    EMPLOYER_DEPENDENCE = "employer_dependence", _("Depends on an employer")
    LOTTERY = "lottery", _("Lottery odds")
    POLICY_CHANGE = "policy_change", _("Policy may change")
    OTHER = "other", _("Other")


class Severity(LabelledEnum):
    INFO = "info", _("Good to know")
    CAUTION = "caution", _("Weigh this")
    SERIOUS = "serious", _("Could stop you")


class Operator(LabelledEnum):
    IN = "in", _("is one of")
    NOT_IN = "not_in", _("is not one of")
    AT_LEAST = "at_least", _("is at least")
    AT_MOST = "at_most", _("is at most")
    BETWEEN = "between", _("is between (inclusive)")
    UNSPECIFIED = "unspecified", _("has a requirement the sources do not specify")
    ANY = "any", _("any answer (no requirement)")


class ProgramStatus(LabelledEnum):
    IN_FORCE = "in_force", _("In force")
    ANNOUNCED = "announced", _("Announced")
    PROPOSED = "proposed", _("Proposed")
    SUSPENDED = "suspended", _("Suspended")


class Country(LabelledEnum):
    CN = "CN", _("China")
    US = "US", _("United States")
    IN = "IN", _("India")
    PH = "PH", _("Philippines")
    VN = "VN", _("Vietnam")
    ID = "ID", _("Indonesia")
    MY = "MY", _("Malaysia")
    TH = "TH", _("Thailand")
    SG = "SG", _("Singapore")
    PK = "PK", _("Pakistan")
    BD = "BD", _("Bangladesh")
    NP = "NP", _("Nepal")
    LK = "LK", _("Sri Lanka")
    NG = "NG", _("Nigeria")
    BR = "BR", _("Brazil")
    GB = "GB", _("United Kingdom")
    DE = "DE", _("Germany")
    CA = "CA", _("Canada")
    OTHER = "other", _("Another country")


class UsStatus(LabelledEnum):
    CITIZEN = "citizen", _("US citizen")
    GREEN_CARD = "green_card", _("Permanent resident (green card)")
    H1B = "h1b", _("H-1B")
    F1_OPT = "f1_opt", _("Student (F-1, including OPT or STEM OPT)")
    OTHER = "other", _("Another visa or status")
    NONE = "none", _("Not in the United States")


class Degree(LabelledEnum):
    """Ordered from lowest to highest: AT_LEAST and AT_MOST compare by this order."""

    SCHOOL = "school", _("Secondary school or less")
    VOCATIONAL = "vocational", _("Vocational or associate qualification")
    BACHELOR = "bachelor", _("Bachelor's degree")
    MASTER = "master", _("Master's degree")
    DOCTORATE = "doctorate", _("Doctorate (PhD)")


class Relatedness(LabelledEnum):
    DIRECT = "direct", _("Directly related to the job")
    GENERAL = "general", _("General or only partly related (e.g. business administration)")
    UNRELATED = "unrelated", _("Not related to the job")


class Field(LabelledEnum):
    STEM = "stem", _("Science, technology, engineering or mathematics (STEM)")
    NON_STEM = "non_stem", _("Another field")


class Institution(LabelledEnum):
    WORLD_TOP = "world_top", _("World top-ranked")
    NATIONAL = "national", _("Nationally recognised")
    NOT_RECOGNISED = "not_recognised", _("Neither (a less well-known institution)")


class YesNo(LabelledEnum):
    YES = "yes", _("Yes")
    NO = "no", _("No")


class JobOffer(LabelledEnum):
    NONE = "none", _("No job offer")
    CHINA = "china", _("In China")
    US = "us", _("In the United States")
    ELSEWHERE = "elsewhere", _("Somewhere else")


class EmployerType(LabelledEnum):
    RESEARCH = (
        "research",
        _("University, affiliated non-profit or non-profit research organisation"),
    )
    COMPANY = "company", _("A company")


class WageLevel(LabelledEnum):
    """US Department of Labor wage levels, lowest first."""

    I = "1", _("Level I (entry)")  # noqa: E741
    II = "2", _("Level II (qualified)")
    III = "3", _("Level III (experienced)")
    IV = "4", _("Level IV (fully competent)")


class LanguageLevel(LabelledEnum):
    """Ordered from lowest to highest."""

    NONE = "none", _("None")
    BASIC = "basic", _("Basic")
    CONVERSATIONAL = "conversational", _("Conversational")
    PROFESSIONAL = "professional", _("Professional working level")
    NATIVE = "native", _("Native or bilingual")


class Family(LabelledEnum):
    ALONE = "alone", _("No, just me")
    SPOUSE = "spouse", _("A spouse or partner")
    CHILDREN = "children", _("Children")
    SPOUSE_AND_CHILDREN = "spouse_and_children", _("A spouse or partner and children")


class Priority(LabelledEnum):
    PERMANENT_RESIDENCE = "permanent_residence", _("A path to permanent residence")
    INDEPENDENCE = "independence", _("Not depending on one employer")
    LOW_COST = "low_cost", _("Low cost")
    SPEED = "speed", _("Speed")
    RESEARCH = "research", _("Doing research")
    STARTUP = "startup", _("Starting a company")
    FAMILY = "family", _("Bringing my family")


class FactKind(LabelledEnum):
    CHOICE = "choice", _("One of a fixed list")
    ORDERED = "ordered", _("One of an ordered list")
    NUMBER = "number", _("A whole number")


@dataclass(frozen=True, slots=True)
class FactSpec:
    """What one applicant fact is: its kind, its allowed values, and how it reads."""

    label: str
    kind: FactKind
    values: type[LabelledEnum] | None = None
    unit: str = ""
    minimum: int = 0
    maximum: int = 0

    def value_label(self, value: object) -> str:
        if value == UNKNOWN:
            return _("I don't know")
        if self.values is not None:
            try:
                return self.values(str(value)).label
            except ValueError:
                return str(value)
        return f"{value} {self.unit}".strip()

    def rank(self, value: str) -> int:
        """Position of a value in an ordered list (for AT_LEAST / AT_MOST)."""
        assert self.values is not None
        return [member.value for member in self.values].index(value)


class Fact(LabelledEnum):
    CITIZENSHIP = "citizenship", _("Citizenship")
    RESIDENCE = "residence", _("Country of residence")
    US_STATUS = "us_status", _("Current US status")
    AGE = "age", _("Age")
    DEGREE = "degree", _("Highest degree")
    FIELD = "field", _("Field of study")
    DEGREE_COUNTRY = "degree_country", _("Country where the degree was earned")
    INSTITUTION = "institution", _("Standing of the institution")
    STEM_EXPERIENCE = "stem_experience", _("Years of STEM work experience")
    ACADEMIC_ROLE = "academic_role", _("Teaching or research at a university or institute")
    JOB_OFFER = "job_offer", _("Job offer")
    EMPLOYER_TYPE = "employer_type", _("US employer type")
    WAGE_LEVEL = "wage_level", _("Offered wage level")
    SPONSOR = "sponsor", _("Employer will sponsor a visa")
    DEGREE_RELATED = "degree_related", _("Degree field and the offered job")
    MANDARIN = "mandarin", _("Mandarin level")
    ENGLISH = "english", _("English level")
    FAMILY = "family", _("Accompanying family")


FACTS: dict[Fact, FactSpec] = {
    Fact.CITIZENSHIP: FactSpec(_("Citizenship"), FactKind.CHOICE, Country),
    Fact.RESIDENCE: FactSpec(_("Country of residence"), FactKind.CHOICE, Country),
    Fact.US_STATUS: FactSpec(_("Current US status"), FactKind.CHOICE, UsStatus),
    Fact.AGE: FactSpec(_("Age"), FactKind.NUMBER, unit="years", minimum=14, maximum=100),
    Fact.DEGREE: FactSpec(_("Highest degree"), FactKind.ORDERED, Degree),
    Fact.FIELD: FactSpec(_("Field of study"), FactKind.CHOICE, Field),
    Fact.DEGREE_COUNTRY: FactSpec(
        _("Country where the degree was earned"), FactKind.CHOICE, Country
    ),
    Fact.INSTITUTION: FactSpec(_("Standing of the institution"), FactKind.CHOICE, Institution),
    Fact.STEM_EXPERIENCE: FactSpec(
        _("Years of STEM work experience"), FactKind.NUMBER, unit="years", minimum=0, maximum=60
    ),
    Fact.ACADEMIC_ROLE: FactSpec(
        _("Teaching or research at a university or institute"), FactKind.CHOICE, YesNo
    ),
    Fact.JOB_OFFER: FactSpec(_("Job offer"), FactKind.CHOICE, JobOffer),
    Fact.EMPLOYER_TYPE: FactSpec(_("US employer type"), FactKind.CHOICE, EmployerType),
    Fact.WAGE_LEVEL: FactSpec(_("Offered wage level"), FactKind.ORDERED, WageLevel),
    Fact.SPONSOR: FactSpec(_("Employer will sponsor a visa"), FactKind.CHOICE, YesNo),
    Fact.DEGREE_RELATED: FactSpec(
        _("Degree field and the offered job"), FactKind.CHOICE, Relatedness
    ),
    Fact.MANDARIN: FactSpec(_("Mandarin level"), FactKind.ORDERED, LanguageLevel),
    Fact.ENGLISH: FactSpec(_("English level"), FactKind.ORDERED, LanguageLevel),
    Fact.FAMILY: FactSpec(_("Accompanying family"), FactKind.CHOICE, Family),
}

OPERATORS_BY_KIND: dict[FactKind, frozenset[Operator]] = {
    FactKind.CHOICE: frozenset({Operator.IN, Operator.NOT_IN}),
    FactKind.ORDERED: frozenset(
        {Operator.IN, Operator.NOT_IN, Operator.AT_LEAST, Operator.AT_MOST}
    ),
    FactKind.NUMBER: frozenset({Operator.AT_LEAST, Operator.AT_MOST, Operator.BETWEEN}),
}
NO_VALUE_OPERATORS = frozenset({Operator.UNSPECIFIED, Operator.ANY})


def rule_errors(
    *, fact: str, operator: str, values: Sequence[object], clarity: str
) -> dict[str, list[str]]:
    """Why a rule is malformed, by field name ("fact", "operator", "values"); empty if valid.

    Messages say what to do, in the words an adviser uses.
    """
    errors: dict[str, list[str]] = {}
    try:
        spec = FACTS[Fact(fact)]
    except ValueError:
        return {"fact": [f"Choose an applicant fact from the list (not {fact!r})."]}
    try:
        op = Operator(operator)
    except ValueError:
        return {"operator": [f"Choose an operator from the list (not {operator!r})."]}

    if op in NO_VALUE_OPERATORS:
        if values:
            errors["values"] = [f"Leave the values empty: “{op.label}” takes none."]
        if op is Operator.UNSPECIFIED and clarity != Clarity.UNCLEAR:
            errors["operator"] = [
                "A requirement the sources do not specify must have clarity “unclear”."
            ]
        return errors

    if op not in OPERATORS_BY_KIND[spec.kind]:
        allowed = ", ".join(sorted(o.label for o in OPERATORS_BY_KIND[spec.kind]))
        return {"operator": [f"{spec.label} cannot use “{op.label}”. Use one of: {allowed}."]}

    if not values:
        return {"values": [f"Give at least one value for {spec.label.lower()}."]}

    if spec.kind is FactKind.NUMBER:
        expected = 2 if op is Operator.BETWEEN else 1
        if len(values) != expected:
            errors["values"] = [f"“{op.label}” takes exactly {expected} number(s) of {spec.unit}."]
            return errors
        numbers = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
        if len(numbers) != len(values):
            errors["values"] = [
                f"{spec.label} is a number of {spec.unit}: give whole numbers, not "
                f"{', '.join(repr(v) for v in values)}."
            ]
        elif any(not spec.minimum <= n <= spec.maximum for n in numbers):
            errors["values"] = [
                f"{spec.label} must be between {spec.minimum} and {spec.maximum} {spec.unit}."
            ]
        elif op is Operator.BETWEEN and numbers[0] > numbers[1]:
            errors["values"] = ["Put the smaller number first."]
        return errors

    assert spec.values is not None
    allowed_values = {member.value for member in spec.values}
    wrong = [v for v in values if v not in allowed_values]
    if wrong:
        listed = ", ".join(f"{m.value} ({m.label})" for m in spec.values)
        errors["values"] = [
            f"{', '.join(repr(v) for v in wrong)} is not a valid {spec.label.lower()}. "
            f"Use: {listed}."
        ]
    elif op in (Operator.AT_LEAST, Operator.AT_MOST) and len(values) != 1:
        errors["values"] = [f"“{op.label}” takes exactly one {spec.label.lower()}."]
    return errors


def describe_values(fact: Fact, values: Iterable[object]) -> str:
    spec = FACTS[fact]
    return ", ".join(spec.value_label(v) for v in values)
