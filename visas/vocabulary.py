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
    CONFIRMED = "confirmed", "Confirmed (official text)"
    REPORTED = "reported", "Reported (press or advisers)"
    UNCLEAR = "unclear", "Unclear (unspecified or disputed)"


class Importance(LabelledEnum):
    REQUIRED = "required", "Required"
    FAVOURABLE = "favourable", "Counts in your favour"
    NOT_REQUIRED = "not_required", "Not required"
    NOT_NEEDED_IF = "not_needed_if", "Route not needed if"


class Operator(LabelledEnum):
    IN = "in", "is one of"
    NOT_IN = "not_in", "is not one of"
    AT_LEAST = "at_least", "is at least"
    AT_MOST = "at_most", "is at most"
    BETWEEN = "between", "is between (inclusive)"
    UNSPECIFIED = "unspecified", "has a requirement the sources do not specify"
    ANY = "any", "any answer (no requirement)"


class ProgramStatus(LabelledEnum):
    IN_FORCE = "in_force", "In force"
    ANNOUNCED = "announced", "Announced"
    PROPOSED = "proposed", "Proposed"
    SUSPENDED = "suspended", "Suspended"


class Country(LabelledEnum):
    CN = "CN", "China"
    US = "US", "United States"
    IN = "IN", "India"
    PH = "PH", "Philippines"
    VN = "VN", "Vietnam"
    ID = "ID", "Indonesia"
    MY = "MY", "Malaysia"
    TH = "TH", "Thailand"
    SG = "SG", "Singapore"
    PK = "PK", "Pakistan"
    BD = "BD", "Bangladesh"
    NP = "NP", "Nepal"
    LK = "LK", "Sri Lanka"
    NG = "NG", "Nigeria"
    BR = "BR", "Brazil"
    GB = "GB", "United Kingdom"
    DE = "DE", "Germany"
    CA = "CA", "Canada"
    OTHER = "other", "Another country"


class UsStatus(LabelledEnum):
    CITIZEN = "citizen", "US citizen"
    GREEN_CARD = "green_card", "Permanent resident (green card)"
    H1B = "h1b", "H-1B"
    F1_OPT = "f1_opt", "Student (F-1, including OPT or STEM OPT)"
    OTHER = "other", "Another visa or status"
    NONE = "none", "Not in the United States"


class Degree(LabelledEnum):
    """Ordered from lowest to highest: AT_LEAST and AT_MOST compare by this order."""

    SCHOOL = "school", "Secondary school or less"
    VOCATIONAL = "vocational", "Vocational or associate qualification"
    BACHELOR = "bachelor", "Bachelor's degree"
    MASTER = "master", "Master's degree"
    DOCTORATE = "doctorate", "Doctorate (PhD)"


class Field(LabelledEnum):
    STEM = "stem", "Science, technology, engineering or mathematics (STEM)"
    NON_STEM = "non_stem", "Another field"


class Institution(LabelledEnum):
    WORLD_TOP = "world_top", "World top-ranked"
    NATIONAL = "national", "Nationally recognised"
    NOT_RECOGNISED = "not_recognised", "Neither (a less well-known institution)"


class YesNo(LabelledEnum):
    YES = "yes", "Yes"
    NO = "no", "No"


class JobOffer(LabelledEnum):
    NONE = "none", "No job offer"
    CHINA = "china", "In China"
    US = "us", "In the United States"
    ELSEWHERE = "elsewhere", "Somewhere else"


class EmployerType(LabelledEnum):
    RESEARCH = "research", "University, affiliated non-profit or non-profit research organisation"
    COMPANY = "company", "A company"


class WageLevel(LabelledEnum):
    """US Department of Labor wage levels, lowest first."""

    I = "1", "Level I (entry)"  # noqa: E741
    II = "2", "Level II (qualified)"
    III = "3", "Level III (experienced)"
    IV = "4", "Level IV (fully competent)"


class LanguageLevel(LabelledEnum):
    """Ordered from lowest to highest."""

    NONE = "none", "None"
    BASIC = "basic", "Basic"
    CONVERSATIONAL = "conversational", "Conversational"
    PROFESSIONAL = "professional", "Professional working level"
    NATIVE = "native", "Native or bilingual"


class Family(LabelledEnum):
    ALONE = "alone", "No, just me"
    SPOUSE = "spouse", "A spouse or partner"
    CHILDREN = "children", "Children"
    SPOUSE_AND_CHILDREN = "spouse_and_children", "A spouse or partner and children"


class Priority(LabelledEnum):
    PERMANENT_RESIDENCE = "permanent_residence", "A path to permanent residence"
    INDEPENDENCE = "independence", "Not depending on one employer"
    LOW_COST = "low_cost", "Low cost"
    SPEED = "speed", "Speed"
    RESEARCH = "research", "Doing research"
    STARTUP = "startup", "Starting a company"
    FAMILY = "family", "Bringing my family"


class FactKind(LabelledEnum):
    CHOICE = "choice", "One of a fixed list"
    ORDERED = "ordered", "One of an ordered list"
    NUMBER = "number", "A whole number"


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
            return "I don't know"
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
    CITIZENSHIP = "citizenship", "Citizenship"
    RESIDENCE = "residence", "Country of residence"
    US_STATUS = "us_status", "Current US status"
    AGE = "age", "Age"
    DEGREE = "degree", "Highest degree"
    FIELD = "field", "Field of study"
    DEGREE_COUNTRY = "degree_country", "Country where the degree was earned"
    INSTITUTION = "institution", "Standing of the institution"
    STEM_EXPERIENCE = "stem_experience", "Years of STEM work experience"
    ACADEMIC_ROLE = "academic_role", "Teaching or research at a university or institute"
    JOB_OFFER = "job_offer", "Job offer"
    EMPLOYER_TYPE = "employer_type", "US employer type"
    WAGE_LEVEL = "wage_level", "Offered wage level"
    SPONSOR = "sponsor", "Employer will sponsor a visa"
    MANDARIN = "mandarin", "Mandarin level"
    ENGLISH = "english", "English level"
    FAMILY = "family", "Accompanying family"


FACTS: dict[Fact, FactSpec] = {
    Fact.CITIZENSHIP: FactSpec("Citizenship", FactKind.CHOICE, Country),
    Fact.RESIDENCE: FactSpec("Country of residence", FactKind.CHOICE, Country),
    Fact.US_STATUS: FactSpec("Current US status", FactKind.CHOICE, UsStatus),
    Fact.AGE: FactSpec("Age", FactKind.NUMBER, unit="years", minimum=14, maximum=100),
    Fact.DEGREE: FactSpec("Highest degree", FactKind.ORDERED, Degree),
    Fact.FIELD: FactSpec("Field of study", FactKind.CHOICE, Field),
    Fact.DEGREE_COUNTRY: FactSpec("Country where the degree was earned", FactKind.CHOICE, Country),
    Fact.INSTITUTION: FactSpec("Standing of the institution", FactKind.CHOICE, Institution),
    Fact.STEM_EXPERIENCE: FactSpec(
        "Years of STEM work experience", FactKind.NUMBER, unit="years", minimum=0, maximum=60
    ),
    Fact.ACADEMIC_ROLE: FactSpec(
        "Teaching or research at a university or institute", FactKind.CHOICE, YesNo
    ),
    Fact.JOB_OFFER: FactSpec("Job offer", FactKind.CHOICE, JobOffer),
    Fact.EMPLOYER_TYPE: FactSpec("US employer type", FactKind.CHOICE, EmployerType),
    Fact.WAGE_LEVEL: FactSpec("Offered wage level", FactKind.ORDERED, WageLevel),
    Fact.SPONSOR: FactSpec("Employer will sponsor a visa", FactKind.CHOICE, YesNo),
    Fact.MANDARIN: FactSpec("Mandarin level", FactKind.ORDERED, LanguageLevel),
    Fact.ENGLISH: FactSpec("English level", FactKind.ORDERED, LanguageLevel),
    Fact.FAMILY: FactSpec("Accompanying family", FactKind.CHOICE, Family),
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
