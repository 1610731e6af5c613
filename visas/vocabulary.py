"""The fixed vocabulary shared by the knowledge base, the questionnaire and the rules engine.

Plain Python (no Django): the rules engine and its tests use it without a database.
Models turn these enums into field choices with :func:`choices`.

An *applicant fact* is one thing the questionnaire asks (citizenship, age, degree, ...).
A criterion is a rule on one fact: an :class:`Operator` and values valid for that fact's kind.
A *keyed* fact exists once per country or language (the status in a country, the level of a
language in CEFR): its rules name the key, and its answers are stored under
:func:`answer_key` ("language_level:zh"). A fact's entry in :data:`FACTS` also says how it is
asked (:class:`Question`): the questionnaire generates its form from that entry, so a simple
fact is one entry here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
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
    JP = "JP", _("Japan")
    OTHER = "other", _("Another country")


class Currency(LabelledEnum):
    """Currencies of amounts (thresholds, fees) and of applicants' salaries and savings."""

    EUR = "EUR", _("Euro (EUR)")
    USD = "USD", _("US dollar (USD)")
    GBP = "GBP", _("Pound sterling (GBP)")
    CNY = "CNY", _("Chinese yuan (CNY)")
    JPY = "JPY", _("Japanese yen (JPY)")
    SGD = "SGD", _("Singapore dollar (SGD)")
    CAD = "CAD", _("Canadian dollar (CAD)")
    INR = "INR", _("Indian rupee (INR)")
    PHP = "PHP", _("Philippine peso (PHP)")
    IDR = "IDR", _("Indonesian rupiah (IDR)")
    MYR = "MYR", _("Malaysian ringgit (MYR)")
    THB = "THB", _("Thai baht (THB)")
    BRL = "BRL", _("Brazilian real (BRL)")
    VND = "VND", _("Vietnamese dong (VND)")
    PKR = "PKR", _("Pakistani rupee (PKR)")
    BDT = "BDT", _("Bangladeshi taka (BDT)")
    NPR = "NPR", _("Nepalese rupee (NPR)")
    LKR = "LKR", _("Sri Lankan rupee (LKR)")
    NGN = "NGN", _("Nigerian naira (NGN)")


# The currency of each country (for the default currency an applicant sees amounts in).
COUNTRY_CURRENCY: Mapping[str, Currency] = {
    "CN": Currency.CNY,
    "US": Currency.USD,
    "IN": Currency.INR,
    "PH": Currency.PHP,
    "VN": Currency.VND,
    "ID": Currency.IDR,
    "MY": Currency.MYR,
    "TH": Currency.THB,
    "SG": Currency.SGD,
    "PK": Currency.PKR,
    "BD": Currency.BDT,
    "NP": Currency.NPR,
    "LK": Currency.LKR,
    "NG": Currency.NGN,
    "BR": Currency.BRL,
    "GB": Currency.GBP,
    "DE": Currency.EUR,
    "CA": Currency.CAD,
    "JP": Currency.JPY,
}


def money_format(amount: int, currency: str) -> str:
    """How an amount answer is stored: "52000 INR". The one place this format is written."""
    return f"{amount} {currency}"


def money_parse(value: object) -> tuple[int, Currency] | None:
    """(amount, currency) of a stored amount answer, or None if it is not one."""
    if not isinstance(value, str):
        return None
    amount, _space, code = value.partition(" ")
    if not amount.isascii() or not amount.isdigit() or len(amount) > 15:
        return None
    try:
        return int(amount), Currency(code)
    except ValueError:
        return None


class UsStatus(LabelledEnum):
    CITIZEN = "citizen", _("US citizen")
    GREEN_CARD = "green_card", _("Permanent resident (green card)")
    H1B = "h1b", _("H-1B")
    F1_OPT = "f1_opt", _("Student (F-1, including OPT or STEM OPT)")
    OTHER = "other", _("Another visa or status")
    NONE = "none", _("Not in the United States")


# The answer "none": no job offer, no status in a country, no knowledge of a language.
NONE = "none"


def _with_none(name: str, members: type[LabelledEnum], none_label: str) -> type[LabelledEnum]:
    """An enum of "none" followed by every member of ``members`` (so that adding a country
    to :class:`Country` adds it here too)."""
    entries = [("NONE", (NONE, none_label))]
    entries += [(member.name, (member.value, member.label)) for member in members]
    enum: type[LabelledEnum] = LabelledEnum(name, entries)  # type: ignore[assignment, arg-type]
    enum.__module__ = __name__
    return enum


# Where a job offer is: "none", or the country of the offer ("other": a country not listed).
OfferCountry = _with_none("OfferCountry", Country, _("No job offer"))


class Language(LabelledEnum):
    ZH = "zh", _("Mandarin")
    EN = "en", _("English")
    DE = "de", _("German")
    JA = "ja", _("Japanese")
    FR = "fr", _("French")


class Cefr(LabelledEnum):
    """Common European Framework of Reference levels, lowest first ("none" below A1)."""

    NONE = "none", _("None")
    A1 = "A1", _("A1: beginner (simple everyday phrases)")
    A2 = "A2", _("A2: elementary (routine matters, short conversations)")
    B1 = "B1", _("B1: intermediate (getting by at work and when travelling)")
    B2 = "B2", _("B2: upper intermediate (discussing your field fluently)")
    C1 = "C1", _("C1: advanced (working and studying with ease)")
    C2 = "C2", _("C2: proficient (like an educated native speaker)")


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


class Prize(LabelledEnum):
    LISTED = (
        "listed",
        _(
            "A prize on an official list of prestigious prizes (such as a Nobel Prize, the Turing "
            "Award or the Fields Medal)"
        ),
    )
    MAJOR = "major", _("Another nationally or internationally recognised prize or award")
    NONE = "none", _("No prize or award of that kind")


class Recognition(LabelledEnum):
    """Whether a foreign qualification is recognised in Germany."""

    FULL = "full", _("Fully recognised (or a German degree)")
    PARTIAL = "partial", _("Partly recognised")
    NONE = "none", _("Not recognised, or not checked yet")


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
    MONEY = "money", _("An amount of money")


@dataclass(frozen=True, slots=True)
class Question:
    """How the questionnaire asks a fact: ``profiles.forms.fact_form`` makes the form from
    this and the fact's values (choices) or bounds (numbers). For a keyed fact the texts
    name the key as ``%(key)s`` ("Select your %(key)s level": "Select your Mandarin level")."""

    text: str  # the question, the field's label
    required: str  # the error when nothing is chosen: says what to do
    help: str = ""  # why we ask, under the question
    unknown: str = ""  # the "I don't know" / "Prefer not to say" choice; "" for none
    drop_down: bool = False  # a long list: a drop-down rather than radio buttons
    # Numbers only: the error for a number outside the bounds (with %(minimum)s and
    # %(maximum)s), and for a number given together with the "unknown" box.
    out_of_range: str = ""
    both: str = ""


@dataclass(frozen=True, slots=True)
class FactSpec:
    """What one applicant fact is: its kind, its allowed values, how it reads and how it is
    asked.

    A *keyed* fact is one fact per country or language (``keys``: the status in a country,
    the level of a language): a condition names the key, and the answer is stored under
    :func:`answer_key`. Its keys are every member of ``keys``, or, when ``by_key`` is given,
    only those it lists, each with its own spec (the statuses of one country).

    An *amount* (kind ``MONEY``) is answered once, in the applicant's currency
    (:func:`money_format`: "52000 INR"); its rules name the currency of their threshold as
    the key ("salary" in EUR at least 50700), and the engine converts the answer into that
    currency with the dated exchange rates (``visas.rules``)."""

    label: str
    kind: FactKind
    values: type[LabelledEnum] | None = None
    unit: str = ""
    minimum: int = 0
    maximum: int = 0
    # None: a hand-written step asks it (profiles/questions.py).
    question: Question | None = None
    keys: type[LabelledEnum] | None = None
    key_name: str = ""  # what a key is, for advisers: "language", "country"
    by_key: Mapping[str, FactSpec] = field(default_factory=dict)

    def key_values(self) -> tuple[str, ...]:
        """The keys this fact can have ("" alone for a fact that is not keyed)."""
        if self.keys is None:
            return ("",)
        if self.by_key:
            return tuple(member.value for member in self.keys if member.value in self.by_key)
        return tuple(member.value for member in self.keys)

    def answered_keys(self) -> tuple[str, ...]:
        """The keys an answer is stored under: an amount is answered once (its rules' keys
        are currencies to convert it into)."""
        return ("",) if self.kind is FactKind.MONEY else self.key_values()

    def at(self, key: str) -> FactSpec | None:
        """The spec for one key (the fact's own when not keyed), or None for a key the fact
        does not have."""
        if key not in self.key_values() and not (key == "" and self.kind is FactKind.MONEY):
            return None
        return self.by_key.get(key, self)

    def key_label(self, key: str) -> str:
        if self.keys is None:
            return ""
        try:
            return self.keys(key).label
        except ValueError:
            return key

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
    STATUS = "status", _("Status in a country")
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
    LANGUAGE_LEVEL = "language_level", _("Language level (CEFR)")
    FAMILY = "family", _("Accompanying family")
    YEARS_SINCE_DEGREE = "years_since_degree", _("Years since the highest degree was awarded")
    RECOGNITION = "recognition", _("Recognition of the qualification in Germany")
    PRIZE = "prize", _("Major prize or award")
    ENDORSEMENT = "endorsement", _("Endorsement as a leader in the field (UK)")
    ACCLAIM = "acclaim", _("Kinds of evidence of acclaim (US O-1A criteria)")
    SALARY = "salary", _("Offered yearly salary")
    SAVINGS = "savings", _("Savings available")


FACTS: dict[Fact, FactSpec] = {
    Fact.CITIZENSHIP: FactSpec(
        _("Citizenship"),
        FactKind.CHOICE,
        Country,
        question=Question(
            _("What is your citizenship?"),
            _("Select the country of your citizenship"),
            help=_("If you have more than one, choose the one you would travel on."),
            unknown=_("Prefer not to say"),
            drop_down=True,
        ),
    ),
    Fact.RESIDENCE: FactSpec(
        _("Country of residence"),
        FactKind.CHOICE,
        Country,
        question=Question(
            _("Which country do you live in now?"),
            _("Select the country you live in"),
            drop_down=True,
        ),
    ),
    # One entry per country whose statuses the rules read: another country's statuses are
    # one more entry in ``by_key``.
    Fact.STATUS: FactSpec(
        _("Status in %(key)s"),
        FactKind.CHOICE,
        keys=Country,
        key_name=_("country"),
        by_key={
            Country.US: FactSpec(
                _("Current US status"),
                FactKind.CHOICE,
                UsStatus,
                question=Question(
                    _("What is your current status in the United States?"),
                    _("Select your current status in the United States"),
                    help=_("Some costs depend on whether you would change status inside the US."),
                    unknown=_("I don't know"),
                ),
            ),
        },
    ),
    Fact.AGE: FactSpec(
        _("Age"),
        FactKind.NUMBER,
        unit="years",
        minimum=14,
        maximum=100,
        question=Question(
            _("How old are you?"),
            _("Enter your age in years, like 29, or tick the box"),
            help=_("In years."),
            unknown=_("Prefer not to say"),
            out_of_range=_("Your age must be a whole number between %(minimum)s and %(maximum)s"),
            both=_("Enter your age in years or tick the box, not both"),
        ),
    ),
    Fact.DEGREE: FactSpec(
        _("Highest degree"),
        FactKind.ORDERED,
        Degree,
        question=Question(
            _("What is your highest qualification?"),
            _("Select your highest qualification"),
            help=_("Include a degree you will finish within the next few months."),
            unknown=_("I'm not sure how my qualification compares"),
        ),
    ),
    Fact.FIELD: FactSpec(
        _("Field of study"),
        FactKind.CHOICE,
        Field,
        question=Question(
            _("What did you study?"),
            _("Select the field you studied"),
            help=_("STEM: natural sciences, computing, engineering, mathematics and statistics."),
            unknown=_("I don't know if it counts as STEM"),
        ),
    ),
    # Asked with the institution, on one hand-written step.
    Fact.DEGREE_COUNTRY: FactSpec(
        _("Country where the degree was earned"), FactKind.CHOICE, Country
    ),
    Fact.INSTITUTION: FactSpec(_("Standing of the institution"), FactKind.CHOICE, Institution),
    Fact.STEM_EXPERIENCE: FactSpec(
        _("Years of STEM work experience"),
        FactKind.NUMBER,
        unit="years",
        minimum=0,
        maximum=60,
        question=Question(
            _("How many years have you worked in science, technology, engineering or mathematics?"),
            _("Enter your years of experience, like 3, or tick the box"),
            help=_(
                "Whole years of paid work, research or teaching in a STEM field. Enter 0 if none."
            ),
            unknown=_("Prefer not to say"),
            out_of_range=_(
                "Years of experience must be a whole number between %(minimum)s and %(maximum)s"
            ),
            both=_("Enter your years of experience or tick the box, not both"),
        ),
    ),
    Fact.ACADEMIC_ROLE: FactSpec(
        _("Teaching or research at a university or institute"),
        FactKind.CHOICE,
        YesNo,
        question=Question(
            _("Do you teach or do research at a university or research institute?"),
            _("Select yes if you teach or do research at a university or institute"),
            help=_("In science, technology, engineering or mathematics."),
        ),
    ),
    Fact.JOB_OFFER: FactSpec(
        _("Job offer"),
        FactKind.CHOICE,
        OfferCountry,
        question=Question(
            _("Do you have a job offer?"),
            _("Select the country of your job offer, or that you have none"),
            help=_("Choose the country where the job is."),
            drop_down=True,
        ),
    ),
    # Asked with the wage level, on one hand-written step about a US offer.
    Fact.EMPLOYER_TYPE: FactSpec(_("US employer type"), FactKind.CHOICE, EmployerType),
    Fact.WAGE_LEVEL: FactSpec(_("Offered wage level"), FactKind.ORDERED, WageLevel),
    Fact.SPONSOR: FactSpec(
        _("Employer will sponsor a visa"),
        FactKind.CHOICE,
        YesNo,
        question=Question(
            _("Will the employer sponsor your visa?"),
            _("Select whether the employer will sponsor your visa"),
            help=_("Most work visas need the employer to apply for you or invite you."),
            unknown=_("I don't know yet"),
        ),
    ),
    Fact.DEGREE_RELATED: FactSpec(
        _("Degree field and the offered job"),
        FactKind.CHOICE,
        Relatedness,
        question=Question(
            _("How does the field of your degree relate to the offered job?"),
            _("Select how your degree's field relates to the offered job"),
            help=_(
                "The H-1B needs a degree in a specialty directly related to the job; general "
                "degrees (such as business administration) are often challenged."
            ),
            unknown=_("I'm not sure"),
        ),
    ),
    # One level per language: a rule names the language (language_level of zh at least B1).
    Fact.LANGUAGE_LEVEL: FactSpec(
        _("%(key)s level"),
        FactKind.ORDERED,
        Cefr,
        keys=Language,
        key_name=_("language"),
        question=Question(
            _("What is your %(key)s level?"),
            _("Select your %(key)s level"),
            help=_(
                "Levels of the Common European Framework of Reference (CEFR). Some programs "
                "ask for a level in the country's language, often with a test certificate."
            ),
            unknown=_("I'm not sure"),
        ),
    ),
    Fact.FAMILY: FactSpec(
        _("Accompanying family"),
        FactKind.CHOICE,
        Family,
        question=Question(
            _("Would anyone come with you?"),
            _("Select who would come with you"),
            unknown=_("Prefer not to say"),
        ),
    ),
    Fact.YEARS_SINCE_DEGREE: FactSpec(
        _("Years since the highest degree was awarded"),
        FactKind.NUMBER,
        unit="years",
        minimum=0,
        maximum=70,
        question=Question(
            _("How many years ago was your highest degree awarded?"),
            _("Enter the number of years, like 2, or tick the box"),
            help=_("Enter 0 if it was awarded this year or you will finish it soon."),
            unknown=_("Prefer not to say"),
            out_of_range=_("The number of years must be between %(minimum)s and %(maximum)s"),
            both=_("Enter the number of years or tick the box, not both"),
        ),
    ),
    Fact.RECOGNITION: FactSpec(
        _("Recognition of the qualification in Germany"),
        FactKind.CHOICE,
        Recognition,
        question=Question(
            _("Is your qualification recognised in Germany?"),
            _("Select whether your qualification is recognised in Germany"),
            help=_(
                "Germany's recognition offices, or the anabin database for degrees, say "
                "whether a foreign qualification is equivalent to a German one."
            ),
            unknown=_("I don't know"),
        ),
    ),
    Fact.PRIZE: FactSpec(
        _("Major prize or award"),
        FactKind.CHOICE,
        Prize,
        question=Question(
            _("Have you won a major prize or award in your field?"),
            _("Select the kind of prize or award you have won, or none"),
            help=_(
                "As the named winner, not as a member of a winning team. Some routes skip "
                "other tests for the holder of a listed prize."
            ),
            unknown=_("I'm not sure"),
        ),
    ),
    Fact.ENDORSEMENT: FactSpec(
        _("Endorsement as a leader in the field (UK)"),
        FactKind.CHOICE,
        YesNo,
        question=Question(
            _("Do you hold an endorsement as a leader or potential leader in your field?"),
            _("Select yes if you hold such an endorsement"),
            help=_(
                "From a UK endorsing body such as the Royal Society, the Royal Academy of "
                "Engineering, UKRI or the body for digital technology."
            ),
            unknown=_("Not yet: I don't know if I would get one"),
        ),
    ),
    Fact.ACCLAIM: FactSpec(
        _("Kinds of evidence of acclaim (US O-1A criteria)"),
        FactKind.NUMBER,
        unit="kinds",
        minimum=0,
        maximum=8,
        question=Question(
            _("How many of these eight kinds of evidence could you document?"),
            _("Enter a number from 0 to 8, or tick the box"),
            help=_(
                "Nationally or internationally recognised prizes; membership of associations "
                "that require outstanding achievement; articles about you and your work; "
                "judging others' work; original contributions of major significance; "
                "scholarly articles you wrote; a critical role at a distinguished "
                "organisation; a high salary for your field."
            ),
            unknown=_("I'm not sure"),
            out_of_range=_("Enter a whole number between %(minimum)s and %(maximum)s"),
            both=_("Enter a number or tick the box, not both"),
        ),
    ),
    Fact.SALARY: FactSpec(
        _("Offered yearly salary"),
        FactKind.MONEY,
        keys=Currency,
        key_name=_("currency"),
        maximum=10**13,
        question=Question(
            _("What yearly salary does the job offer?"),
            _("Enter the yearly salary, like 52000, and its currency, or tick the box"),
            help=_(
                "Gross, before tax, for a year. Several routes set a minimum salary; we "
                "convert yours with dated exchange rates where the currencies differ."
            ),
            unknown=_("I don't know yet"),
            out_of_range=_("Enter the salary as a whole number, like 52000"),
            both=_("Enter a salary or tick the box, not both"),
        ),
    ),
    Fact.SAVINGS: FactSpec(
        _("Savings available"),
        FactKind.MONEY,
        keys=Currency,
        key_name=_("currency"),
        maximum=10**13,
        question=Question(
            _("How much money could you show in savings?"),
            _("Enter the amount, like 15000, and its currency, or tick the box"),
            help=_(
                "Money in your own account that you could show when applying. Some routes "
                "ask you to prove funds to support yourself."
            ),
            unknown=_("Prefer not to say"),
            out_of_range=_("Enter the amount as a whole number, like 15000"),
            both=_("Enter an amount or tick the box, not both"),
        ),
    ),
}


KEY_SEPARATOR = ":"


def answer_key(fact: Fact | str, key: str = "") -> str:
    """Where an answer is stored: the fact's value ("degree"), or for a keyed fact the fact
    and the key ("language_level:zh", "status:US"). The one place this scheme is written."""
    name = fact.value if isinstance(fact, Fact) else fact
    return f"{name}{KEY_SEPARATOR}{key}" if key else name


def answer_key_parse(stored: str) -> tuple[Fact, str] | None:
    """The fact and key an answer key names, or None if it names no fact's valid key."""
    name, _separator, key = stored.partition(KEY_SEPARATOR)
    try:
        fact = Fact(name)
    except ValueError:
        return None
    return (fact, key) if FACTS[fact].at(key) is not None else None


def answer_keys() -> tuple[str, ...]:
    """Every answer key the facts have, in the order of the facts and their keys."""
    return tuple(
        answer_key(fact, key) for fact, spec in FACTS.items() for key in spec.answered_keys()
    )


OPERATORS_BY_KIND: dict[FactKind, frozenset[Operator]] = {
    FactKind.CHOICE: frozenset({Operator.IN, Operator.NOT_IN}),
    FactKind.ORDERED: frozenset(
        {Operator.IN, Operator.NOT_IN, Operator.AT_LEAST, Operator.AT_MOST}
    ),
    FactKind.NUMBER: frozenset({Operator.AT_LEAST, Operator.AT_MOST, Operator.BETWEEN}),
    FactKind.MONEY: frozenset({Operator.AT_LEAST, Operator.AT_MOST, Operator.BETWEEN}),
}
NO_VALUE_OPERATORS = frozenset({Operator.UNSPECIFIED, Operator.ANY})


def rule_errors(
    *, fact: str, operator: str, values: Sequence[object], clarity: str, key: str = ""
) -> dict[str, list[str]]:
    """Why a rule is malformed, by field name ("fact", "key", "operator", "values"); empty if
    valid.

    Messages say what to do, in the words an adviser uses.
    """
    errors: dict[str, list[str]] = {}
    try:
        fact_spec = FACTS[Fact(fact)]
    except ValueError:
        return {"fact": [f"Choose an applicant fact from the list (not {fact!r})."]}
    keyed_spec = fact_spec.at(key)
    if keyed_spec is None and fact_spec.keys is None:
        return {
            "key": [
                f"Leave the key empty: {fact_spec.label.lower()} is not about one country "
                "or language."
            ]
        }
    if keyed_spec is None:
        listed = ", ".join(f"{k} ({fact_spec.key_label(k)})" for k in fact_spec.key_values())
        given = f" (not {key!r})" if key else ""
        return {
            "key": [
                f"Give the {fact_spec.key_name} this rule is about in the key field{given}. "
                f"Use one of: {listed}."
            ]
        }
    spec = keyed_spec
    if "%(key)s" in spec.label:
        spec = dataclasses.replace(spec, label=spec.label % {"key": fact_spec.key_label(key)})
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

    if spec.kind is FactKind.MONEY and not key:
        return {
            "key": [
                f"Give the currency of the amount in the key field (such as EUR): "
                f"{spec.label.lower()} is compared in the rule's currency."
            ]
        }
    if spec.kind in (FactKind.NUMBER, FactKind.MONEY):
        expected = 2 if op is Operator.BETWEEN else 1
        if len(values) != expected:
            errors["values"] = [
                f"“{op.label}” takes exactly {expected} number(s) of {spec.unit or key}."
            ]
            return errors
        numbers = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
        if len(numbers) != len(values):
            errors["values"] = [
                f"{spec.label} is a number of {spec.unit or key}: give whole numbers, not "
                f"{', '.join(repr(v) for v in values)}."
            ]
        elif any(not spec.minimum <= n <= spec.maximum for n in numbers):
            errors["values"] = [
                f"{spec.label} must be between {spec.minimum} and {spec.maximum} {spec.unit or key}."
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


def describe_values(fact: Fact, values: Iterable[object], key: str = "") -> str:
    spec = FACTS[fact].at(key) or FACTS[fact]
    return ", ".join(spec.value_label(v) for v in values)
