"""Hand-built rules mirroring the content design (/tmp/content-spec.md, loaded from
visas/content/programs.toml), for tests that need no database: the China K visa, the US H-1B
and the China R visa, plus a synthetic points-table program and a builder of many programs
for benchmarks.

Every id is a unique int (one counter for criteria, points tables, rows, figures and
caveats), as the engine's node refs assume.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from itertools import count

from visas.rules import (
    IN_FORCE,
    CaveatRule,
    Condition,
    CriterionRule,
    FigureRule,
    GroupRule,
    Legal,
    PointsRow,
    PointsTableRule,
    ProgramRules,
    SourceRef,
)
from visas.vocabulary import (
    UNKNOWN,
    CaveatCategory,
    Clarity,
    Combine,
    Fact,
    FigureKind,
    Importance,
    LegalStatus,
    Operator,
    Payer,
    ProgramStatus,
    Recurrence,
    Selection,
    Severity,
    answer_keys,
)

TODAY = date(2026, 11, 29)
AS_OF = date(2025, 10, 1)


def source(
    title: str,
    publisher: str,
    *,
    official: bool,
    published_on: date | None = None,
    published_note: str = "",
    url: str = "",
) -> SourceRef:
    return SourceRef(
        title=title,
        publisher=publisher,
        url=url or f"https://example.org/{title.lower().replace(' ', '-')[:40]}",
        published_on=published_on,
        published_note=published_note,
        accessed_on=TODAY,
        is_official=official,
    )


OFFICIAL = SourceRef(
    title="Official notice",
    publisher="A government",
    url="https://example.gov/notice",
    published_on=date(2025, 8, 14),
    published_note="",
    accessed_on=TODAY,
    is_official=True,
)
PRESS = SourceRef(
    title="Press report",
    publisher="A newspaper",
    url="https://example.com/report",
    published_on=None,
    published_note="undated",
    accessed_on=TODAY,
    is_official=False,
)
FOUR_MINISTRIES_QA = source(
    "Q&A by the heads of the MOJ, MFA, MPS and NIA",
    "Ministry of Justice and others",
    official=True,
    published_on=date(2025, 8, 14),
)
XINHUA = source(
    "China to launch new type of visa for young science, technology professionals",
    "Xinhua",
    official=False,
    published_on=date(2025, 8, 14),
)
VISITCHINAVISA = source(
    "China Introduces New K-Visa Category",
    "visitchinavisa.com",
    official=False,
    published_note="2025, undated",
)
SCMP = source(
    "China creates new visa for young STEM talent",
    "South China Morning Post",
    official=False,
    published_note="August 2025 (approx.)",
)
SAFEA_MEASURES = source(
    "Implementation Measures for the Foreign Talent Visa System",
    "SAFEA, MFA and MPS",
    official=True,
    published_note="2017",
)
H1B_GUIDANCE = source(
    "H-1B employment, cap-exempt and extension guidance", "Caltech and others", official=False
)
WEIGHTED_SELECTION_RULE = source(
    "Weighted Selection Process for Registrants and Petitioners (90 FR 60864)",
    "DHS/USCIS",
    official=True,
    published_on=date(2025, 12, 29),
)
MINTZ = source(
    "The wage-weighted H-1B lottery", "Mintz", official=False, published_on=date(2026, 2, 2)
)
FINANCIAL_EXPRESS = source(
    "DHS projections of FY2027 H-1B selection by wage level",
    "Financial Express",
    official=False,
    published_note="2026 (updates-2026-11-29.json)",
)
SELECTION_TABLE = source(
    "FY26 H-1B Cap Selection Numbers Released by USCIS", "EIG Law", official=False
)
PROCLAMATION = source(
    "Proclamation 10973: Restriction on Entry of Certain Nonimmigrant Workers",
    "The White House (90 FR 46027)",
    official=True,
    published_on=date(2025, 9, 24),
)
COURT_REPORTS = source(
    "Massachusetts ruling on the $100,000 payment, appeal and stay",
    "Law-firm reports",
    official=False,
    published_note="June 2026",
)
PREMIUM_RULE = source(
    "Premium processing fee adjustment (91 FR 1059)",
    "DHS/USCIS",
    official=True,
    published_on=date(2026, 1, 9),
)
FEE_RULE_2024 = source("USCIS Fee Rule Takes Effect April 1", "KMH Immigration", official=False)
I129_INSTRUCTIONS = source(
    "H and L Filing Fees for Form I-129", "USCIS", official=True, published_note="older edition"
)

_ids = count(1)


def next_id() -> int:
    return next(_ids)


def criterion(
    fact: Fact,
    operator: Operator,
    values: tuple[str | int, ...] = (),
    *,
    importance: Importance = Importance.REQUIRED,
    clarity: Clarity = Clarity.CONFIRMED,
    group: str = "",
    statement: str = "",
    legal: Legal = IN_FORCE,
    sources: tuple[SourceRef, ...] = (),
    key: str = "",
) -> CriterionRule:
    return CriterionRule(
        id=next_id(),
        condition=Condition(fact, operator, values, key),
        importance=importance,
        group=group,
        statement=statement or f"{fact.label} {operator.label} {', '.join(map(str, values))}.",
        clarity=clarity,
        as_of=AS_OF,
        sources=sources or ((OFFICIAL, PRESS) if clarity is not Clarity.CONFIRMED else (OFFICIAL,)),
        legal=legal,
    )


def group(
    key: str,
    combine: Combine,
    *,
    parent: str = "",
    importance: Importance = Importance.REQUIRED,
    route: str = "",
) -> GroupRule:
    return GroupRule(key=key, parent=parent, combine=combine, importance=importance, route=route)


def figure(
    label: str,
    *,
    kind: FigureKind = FigureKind.FEE,
    value: Decimal | None = None,
    value_text: str = "",
    unit: str = "",
    payer: Payer = Payer.EMPLOYER,
    recurrence: Recurrence = Recurrence.PER_PETITION,
    period: str = "",
    applies: Condition | None = None,
    applies_note: str = "",
    note: str = "",
    clarity: Clarity = Clarity.CONFIRMED,
    legal: Legal = IN_FORCE,
    estimates_chance: bool = False,
    sources: tuple[SourceRef, ...] = (OFFICIAL,),
) -> FigureRule:
    return FigureRule(
        id=next_id(),
        kind=kind,
        label=label,
        value=value,
        value_text=value_text,
        unit=unit,
        payer=payer,
        recurrence=recurrence,
        period=period,
        applies=applies,
        applies_note=applies_note,
        note=note,
        clarity=clarity,
        as_of=AS_OF,
        sources=sources,
        legal=legal,
        estimates_chance=estimates_chance,
    )


def info(label: str, kind: FigureKind, value_text: str, clarity: Clarity) -> FigureRule:
    """A figure with no value and no cost (validity, rights, family, ...)."""
    return figure(
        label,
        kind=kind,
        value_text=value_text,
        payer=Payer.NOT_APPLICABLE,
        recurrence=Recurrence.NOT_APPLICABLE,
        clarity=clarity,
    )


def caveat(
    title: str,
    *,
    category: CaveatCategory = CaveatCategory.POLICY_CHANGE,
    severity: Severity = Severity.CAUTION,
    clarity: Clarity = Clarity.REPORTED,
    legal: Legal = IN_FORCE,
) -> CaveatRule:
    return CaveatRule(
        id=next_id(),
        category=category,
        severity=severity,
        title=title,
        text=f"{title}.",
        clarity=clarity,
        as_of=AS_OF,
        sources=(PRESS,),
        legal=legal,
    )


def row(
    category: str,
    fact: Fact,
    operator: Operator,
    values: tuple[str | int, ...],
    points: int,
    label: str = "",
    key: str = "",
) -> PointsRow:
    return PointsRow(
        id=next_id(),
        category=category,
        condition=Condition(fact, operator, values, key),
        points=points,
        label=label or f"{fact.label} {operator.label} {', '.join(map(str, values))}",
    )


def points_table(
    key: str,
    rows: tuple[PointsRow, ...],
    *,
    pass_mark: int | None,
    caps: tuple[tuple[str, int], ...] = (),
    group: str = "",
    name: str = "Points assessment",
    clarity: Clarity = Clarity.CONFIRMED,
    legal: Legal = IN_FORCE,
) -> PointsTableRule:
    return PointsTableRule(
        id=next_id(),
        key=key,
        group=group,
        name=name,
        pass_mark=pass_mark,
        caps=caps,
        rows=rows,
        clarity=clarity,
        as_of=AS_OF,
        sources=(OFFICIAL,),
        legal=legal,
    )


def program(
    slug: str,
    name: str,
    country: str,
    criteria: tuple[CriterionRule, ...],
    figures: tuple[FigureRule, ...] = (),
    caveats: tuple[CaveatRule, ...] = (),
    *,
    groups: tuple[GroupRule, ...] = (),
    points_tables: tuple[PointsTableRule, ...] = (),
    selection: Selection = Selection.NONE,
    selection_note: str = "",
    selection_clarity: Clarity = Clarity.UNCLEAR,
    selection_as_of: date | None = None,
    selection_sources: tuple[SourceRef, ...] = (),
    status: ProgramStatus = ProgramStatus.IN_FORCE,
) -> ProgramRules:
    return ProgramRules(
        slug=slug,
        name=name,
        country=country,
        status=status,
        summary=f"{name}: a summary.",
        revision=1,
        last_reviewed_on=TODAY,
        url=f"/programs/{slug}/",
        criteria=criteria,
        figures=figures,
        caveats=caveats,
        groups=groups,
        points_tables=points_tables,
        selection=selection,
        selection_note=selection_note,
        selection_clarity=selection_clarity,
        selection_as_of=selection_as_of,
        selection_sources=selection_sources,
    )


# ---------------------------------------------------------------------------------------------
# China K visa

AGE_STATEMENT = (
    "Official rules do not say how old is “young”: they mention “specific requirements” on "
    "age but give no number."
)

K_NOT_FOR_CHINESE = criterion(
    Fact.CITIZENSHIP,
    Operator.IN,
    ("CN",),
    importance=Importance.NOT_NEEDED_IF,
    statement="The K visa is a visa for foreign nationals: Chinese citizens do not need it.",
)
K_DEGREE = criterion(Fact.DEGREE, Operator.AT_LEAST, ("bachelor",), group="k-graduate")
K_FIELD = criterion(Fact.FIELD, Operator.IN, ("stem",), group="k-graduate")
K_INSTITUTION = criterion(
    Fact.INSTITUTION,
    Operator.IN,
    ("world_top", "national"),
    clarity=Clarity.UNCLEAR,
    group="k-graduate",
    statement="You graduated from a “well-known” university or research institution: "
    "“well-known” is not defined and no list has been published.",
)
K_ACADEMIC_ROLE = criterion(
    Fact.ACADEMIC_ROLE,
    Operator.IN,
    ("yes",),
    clarity=Clarity.UNCLEAR,
    group="k-teaching-research",
    statement="You teach or do research in STEM at a well-known institution: which "
    "institutions count is not defined.",
)
K_EXPERIENCE = criterion(
    Fact.STEM_EXPERIENCE,
    Operator.UNSPECIFIED,
    clarity=Clarity.UNCLEAR,
    group="k-teaching-research",
    statement="The Q&A names experience with this route; the amount is not published.",
)
K_AGE = criterion(
    Fact.AGE,
    Operator.UNSPECIFIED,
    clarity=Clarity.UNCLEAR,
    statement=AGE_STATEMENT,
    sources=(XINHUA,),
)
K_AGE_WARNING = criterion(
    Fact.AGE,
    Operator.AT_MOST,
    (45,),
    importance=Importance.WARNING_UNLESS,
    clarity=Clarity.UNCLEAR,
    statement="Other Chinese young-talent schemes cap age at 40 or 45 and an agency claims "
    "18-45: not confirmed for the K visa.",
    sources=(XINHUA, VISITCHINAVISA, SCMP),
)
K_NO_JOB_OFFER = criterion(
    Fact.JOB_OFFER,
    Operator.ANY,
    importance=Importance.NOT_REQUIRED,
    statement="You do not need a job offer or an inviting employer.",
)

K_GROUPS = (
    group("k-routes", Combine.ANY),
    group(
        "k-graduate",
        Combine.ALL,
        parent="k-routes",
        route="Graduate of a well-known institution",
    ),
    group(
        "k-teaching-research",
        Combine.ALL,
        parent="k-routes",
        route="STEM teaching or research at a well-known institution",
    ),
)
K_ROUTES = ("k-graduate", "k-teaching-research")

K_VISA = program(
    "china-k-visa",
    "China K visa",
    "CN",
    (
        K_NOT_FOR_CHINESE,
        K_DEGREE,
        K_FIELD,
        K_INSTITUTION,
        K_ACADEMIC_ROLE,
        K_EXPERIENCE,
        K_AGE,
        K_AGE_WARNING,
        K_NO_JOB_OFFER,
    ),
    (
        figure(
            "Visa fee",
            value_text="Not specified",
            payer=Payer.APPLICANT,
            recurrence=Recurrence.PER_APPLICATION,
            clarity=Clarity.UNCLEAR,
        ),
        info(
            "Entries, validity and length of stay",
            FigureKind.VALIDITY,
            "No figures published",
            Clarity.UNCLEAR,
        ),
        info(
            "What you may do",
            FigureKind.RIGHTS,
            "Exchanges in education, science and technology and culture",
            Clarity.CONFIRMED,
        ),
        info("Permission to take a job", FigureKind.RIGHTS, "Not stated", Clarity.UNCLEAR),
        info("Spouse and children", FigureKind.FAMILY, "Not specified", Clarity.UNCLEAR),
        info("Annual quota", FigureKind.CAP, "None mentioned in the sources", Clarity.UNCLEAR),
    ),
    (
        caveat(
            "No published age limit",
            category=CaveatCategory.AGE_BAND_UNCLEAR,
            severity=Severity.SERIOUS,
            clarity=Clarity.UNCLEAR,
        ),
        caveat(
            "Detailed rules left to embassies",
            category=CaveatCategory.RULES_UNPUBLISHED,
            severity=Severity.SERIOUS,
        ),
        caveat("Mandarin", category=CaveatCategory.LANGUAGE),
        caveat("New and may change", severity=Severity.INFO),
    ),
    groups=K_GROUPS,
    selection=Selection.DISCRETIONARY,
    selection_note="Embassies and consulates decide each application; no quota is published.",
    selection_clarity=Clarity.UNCLEAR,
    selection_as_of=date(2025, 8, 14),
    selection_sources=(FOUR_MINISTRIES_QA,),
)

# ---------------------------------------------------------------------------------------------
# US H-1B

H1B_NOT_FOR_US_CITIZENS = criterion(
    Fact.CITIZENSHIP,
    Operator.IN,
    ("US",),
    importance=Importance.NOT_NEEDED_IF,
    statement="US citizens do not need the H-1B.",
)
H1B_NOT_FOR_RESIDENTS = criterion(
    Fact.STATUS,
    Operator.IN,
    ("citizen", "green_card"),
    key="US",
    importance=Importance.NOT_NEEDED_IF,
    statement="US citizens and permanent residents do not need the H-1B.",
)
H1B_JOB_OFFER = criterion(
    Fact.JOB_OFFER, Operator.IN, ("US",), clarity=Clarity.REPORTED, sources=(H1B_GUIDANCE,)
)
H1B_SPONSOR = criterion(
    Fact.SPONSOR, Operator.IN, ("yes",), clarity=Clarity.REPORTED, sources=(H1B_GUIDANCE,)
)
H1B_DEGREE = criterion(
    Fact.DEGREE,
    Operator.AT_LEAST,
    ("bachelor",),
    clarity=Clarity.REPORTED,
    group="h1b-degree",
    sources=(H1B_GUIDANCE,),
)
H1B_DEGREE_RELATED = criterion(
    Fact.DEGREE_RELATED,
    Operator.IN,
    ("direct",),
    clarity=Clarity.REPORTED,
    group="h1b-degree",
    statement="The 2025 modernization rule asks for a directly related specialty; general "
    "degrees such as business administration are routinely challenged.",
    sources=(H1B_GUIDANCE,),
)
H1B_EXPERIENCE = criterion(
    Fact.STEM_EXPERIENCE,
    Operator.UNSPECIFIED,
    clarity=Clarity.UNCLEAR,
    group="h1b-equivalent",
    statement="USCIS may accept experience as equivalent to a degree; the stored sources "
    "give no ratio.",
)
H1B_CAP_EXEMPT = criterion(
    Fact.EMPLOYER_TYPE,
    Operator.IN,
    ("research",),
    importance=Importance.SELECTION_EXEMPT_IF,
    clarity=Clarity.REPORTED,
    statement="Universities and non-profit research organisations are cap-exempt: no lottery.",
    sources=(H1B_GUIDANCE,),
)
H1B_MASTERS_DEGREE = criterion(
    Fact.DEGREE,
    Operator.AT_LEAST,
    ("master",),
    importance=Importance.SELECTION_ADVANTAGE,
    clarity=Clarity.REPORTED,
    group="h1b-masters-cap",
    sources=(H1B_GUIDANCE,),
)
H1B_MASTERS_COUNTRY = criterion(
    Fact.DEGREE_COUNTRY,
    Operator.IN,
    ("US",),
    importance=Importance.SELECTION_ADVANTAGE,
    clarity=Clarity.REPORTED,
    group="h1b-masters-cap",
    statement="A US master's or higher degree gives a second chance in the 20,000 "
    "master's cap draw.",
    sources=(H1B_GUIDANCE,),
)

H1B_GROUPS = (
    group("h1b-qualification", Combine.ANY),
    group(
        "h1b-degree",
        Combine.ALL,
        parent="h1b-qualification",
        route="Degree in the job's specialty",
    ),
    group(
        "h1b-equivalent",
        Combine.ALL,
        parent="h1b-qualification",
        route="Equivalent specialty experience",
    ),
    group("h1b-masters-cap", Combine.ALL, importance=Importance.SELECTION_ADVANTAGE),
)
H1B_ROUTES = ("h1b-degree", "h1b-equivalent")

WAGE_CHANCES = {"1": "15.29", "2": "30.58", "3": "45.87", "4": "61.16"}
H1B_CHANCE = {
    level: figure(
        f"Chance of selection at wage level {level}",
        kind=FigureKind.SELECTION_RATE,
        value=Decimal(chance),
        unit="%",
        payer=Payer.NOT_APPLICABLE,
        recurrence=Recurrence.NOT_APPLICABLE,
        period="FY2027 (DHS projection)",
        applies=Condition(Fact.WAGE_LEVEL, Operator.IN, (level,)),
        note="DHS modelled these on its own assumptions; actual FY2027 counts not found.",
        clarity=Clarity.REPORTED,
        estimates_chance=True,
        sources=(FINANCIAL_EXPRESS,),
    )
    for level, chance in WAGE_CHANCES.items()
}
H1B_FY2026_PER_PERSON = figure(
    "Lottery selection rate per person",
    kind=FigureKind.SELECTION_RATE,
    value=Decimal("35.3"),
    value_text="35.3% (118,660 of 336,153 people)",
    unit="%",
    payer=Payer.NOT_APPLICABLE,
    recurrence=Recurrence.NOT_APPLICABLE,
    period="FY2026",
    note="Random draw.",
    clarity=Clarity.REPORTED,
    sources=(SELECTION_TABLE,),
)
H1B_FY2026_PER_REGISTRATION = figure(
    "Lottery selection rate per registration",
    kind=FigureKind.SELECTION_RATE,
    value=Decimal("34.9"),
    value_text="34.9% (120,141 of 343,981 registrations)",
    unit="%",
    payer=Payer.NOT_APPLICABLE,
    recurrence=Recurrence.NOT_APPLICABLE,
    period="FY2026",
    note="Random draw.",
    clarity=Clarity.REPORTED,
    sources=(SELECTION_TABLE,),
)
PAYMENT_LEGAL_NOTE = (
    "Vacated by a federal court in Massachusetts on 8 June 2026; the government appealed and "
    "a stay was reported on 12 June 2026 (sources disagree); the proclamation's 12-month term "
    "ended on 21 September 2026 with no extension found."
)
H1B_PAYMENT = figure(
    "$100,000 payment for certain new H-1B petitions (Proclamation 10973)",
    value=Decimal("100000"),
    unit="USD",
    applies=Condition(Fact.STATUS, Operator.IN, ("none",), key="US"),
    applies_note="New petitions for people outside the US without a valid H-1B visa, or who "
    "need a visa stamp abroad (consular notification), or whose change of status is denied; "
    "not for an approved change of status inside the US.",
    note="One-time per new petition, not annual.",
    clarity=Clarity.UNCLEAR,
    legal=Legal(
        status=LegalStatus.UNKNOWN,
        effective_from=date(2025, 9, 21),
        changed_on=date(2026, 9, 21),
        note=PAYMENT_LEGAL_NOTE,
        source=COURT_REPORTS,
    ),
    sources=(PROCLAMATION, COURT_REPORTS),
)
H1B_REGISTRATION = figure(
    "Lottery registration fee",
    value=Decimal("215"),
    unit="USD",
    recurrence=Recurrence.PER_APPLICATION,
    clarity=Clarity.REPORTED,
    sources=(FEE_RULE_2024,),
)
H1B_I129 = figure(
    "Form I-129 petition fee",
    value=Decimal("780"),
    unit="USD",
    clarity=Clarity.REPORTED,
    legal=Legal(effective_from=date(2024, 4, 1)),
    sources=(FEE_RULE_2024,),
)
H1B_PUBLIC_LAW_FEE = figure(
    "Public Law 114-113 fee",
    value=Decimal("4000"),
    unit="USD",
    applies_note="Employers with 50 or more US employees of whom more than half are in H-1B "
    "or L status.",
    legal=Legal(effective_to=date(2027, 9, 30)),
    sources=(I129_INSTRUCTIONS,),
)
H1B_PREMIUM_OLD = figure(
    "Premium processing (optional)",
    value=Decimal("2805"),
    unit="USD",
    payer=Payer.NOT_APPLICABLE,
    clarity=Clarity.REPORTED,
    legal=Legal(effective_from=date(2024, 2, 26), effective_to=date(2026, 2, 28)),
    sources=(PREMIUM_RULE,),
)
H1B_PREMIUM = figure(
    "Premium processing (optional)",
    value=Decimal("2965"),
    unit="USD",
    payer=Payer.NOT_APPLICABLE,
    legal=Legal(effective_from=date(2026, 3, 1)),
    sources=(PREMIUM_RULE,),
)
H1B_ANNUAL_CAP = figure(
    "Annual cap on new cap-subject H-1B petitions",
    kind=FigureKind.CAP,
    value=Decimal("85000"),
    value_text="65,000, plus 20,000 for holders of a US master's or higher degree",
    unit="petitions a year",
    payer=Payer.NOT_APPLICABLE,
    recurrence=Recurrence.NOT_APPLICABLE,
    clarity=Clarity.REPORTED,
    sources=(H1B_GUIDANCE,),
)

H1B = program(
    "us-h1b",
    "US H-1B",
    "US",
    (
        H1B_NOT_FOR_US_CITIZENS,
        H1B_NOT_FOR_RESIDENTS,
        H1B_JOB_OFFER,
        H1B_SPONSOR,
        H1B_DEGREE,
        H1B_DEGREE_RELATED,
        H1B_EXPERIENCE,
        H1B_CAP_EXEMPT,
        H1B_MASTERS_DEGREE,
        H1B_MASTERS_COUNTRY,
    ),
    (
        *H1B_CHANCE.values(),
        H1B_FY2026_PER_PERSON,
        H1B_FY2026_PER_REGISTRATION,
        H1B_PAYMENT,
        H1B_REGISTRATION,
        H1B_I129,
        H1B_PUBLIC_LAW_FEE,
        H1B_PREMIUM_OLD,
        H1B_PREMIUM,
        H1B_ANNUAL_CAP,
    ),
    (
        caveat(
            "Tied to one employer",
            category=CaveatCategory.EMPLOYER_DEPENDENCE,
            severity=Severity.SERIOUS,
        ),
        caveat("Lottery odds", category=CaveatCategory.LOTTERY, severity=Severity.SERIOUS),
        caveat("Rules in flux and in court", clarity=Clarity.UNCLEAR),
    ),
    groups=H1B_GROUPS,
    selection=Selection.WEIGHTED_LOTTERY,
    selection_note="A wage-weighted lottery from FY2027, for both the 65,000 regular cap and "
    "the 20,000 master's cap.",
    selection_clarity=Clarity.REPORTED,
    selection_as_of=date(2026, 2, 2),
    selection_sources=(WEIGHTED_SELECTION_RULE, MINTZ),
)

# ---------------------------------------------------------------------------------------------
# China R visa

R_NOT_FOR_CHINESE = criterion(
    Fact.CITIZENSHIP,
    Operator.IN,
    ("CN",),
    importance=Importance.NOT_NEEDED_IF,
    statement="The R visa is for foreign talent: Chinese citizens do not need it.",
    sources=(SAFEA_MEASURES,),
)
R_JOB_OFFER = criterion(
    Fact.JOB_OFFER,
    Operator.IN,
    ("CN",),
    statement="The inviting unit in China applies for a confirmation letter.",
    sources=(SAFEA_MEASURES,),
)
R_SPONSOR = criterion(Fact.SPONSOR, Operator.IN, ("yes",), sources=(SAFEA_MEASURES,))
R_CATEGORY_A = criterion(
    Fact.STEM_EXPERIENCE,
    Operator.UNSPECIFIED,
    clarity=Clarity.UNCLEAR,
    group="r-category-a",
    statement="Category A “high-end talent” (talent programmes, internationally recognised "
    "achievements) is not defined by a threshold this check can assess.",
    sources=(SAFEA_MEASURES,),
)
R_POINTS = points_table(
    "r-points",
    (),
    pass_mark=85,
    group="r-category-a",
    name="Points assessment",
    clarity=Clarity.UNCLEAR,
)

R_VISA = program(
    "china-r-visa",
    "China R visa",
    "CN",
    (R_NOT_FOR_CHINESE, R_JOB_OFFER, R_SPONSOR, R_CATEGORY_A),
    (
        info(
            "Entries, validity and length of stay",
            FigureKind.VALIDITY,
            "Multiple entry, valid 5-10 years, up to 180 days per stay",
            Clarity.CONFIRMED,
        ),
        info("Visa and express fees", FigureKind.FEE, "Waived", Clarity.REPORTED),
    ),
    (
        caveat(
            "Needs an employer or inviting unit",
            category=CaveatCategory.EMPLOYER_DEPENDENCE,
            severity=Severity.SERIOUS,
            clarity=Clarity.CONFIRMED,
        ),
    ),
    groups=(group("r-category-a", Combine.ANY),),
    points_tables=(R_POINTS,),
    selection=Selection.DISCRETIONARY,
    selection_note="The provincial authority and the embassy decide each application.",
    selection_clarity=Clarity.UNCLEAR,
    selection_as_of=date(2018, 3, 1),
    selection_sources=(SAFEA_MEASURES,),
)

PROGRAMS = (K_VISA, H1B, R_VISA)

# ---------------------------------------------------------------------------------------------
# A synthetic points-table program (no seed content reads this way yet)

POINTS_AGE = (
    row("age", Fact.AGE, Operator.BETWEEN, (18, 29), 15),
    row("age", Fact.AGE, Operator.BETWEEN, (30, 34), 10),
    row("age", Fact.AGE, Operator.BETWEEN, (35, 39), 5),
)
POINTS_DEGREE = (
    row("degree", Fact.DEGREE, Operator.IN, ("master",), 20),
    row("degree", Fact.DEGREE, Operator.IN, ("doctorate",), 30),
)
POINTS_ENGLISH = (row("english", Fact.LANGUAGE_LEVEL, Operator.AT_LEAST, ("C1",), 10, key="en"),)
POINTS_EXPERIENCE = (
    row("experience", Fact.STEM_EXPERIENCE, Operator.AT_LEAST, (3,), 10),
    row("experience", Fact.STEM_EXPERIENCE, Operator.AT_LEAST, (5,), 5),
)
POINTS_TABLE = points_table(
    "test-points-table",
    (*POINTS_AGE, *POINTS_DEGREE, *POINTS_ENGLISH, *POINTS_EXPERIENCE),
    pass_mark=50,
    caps=(("experience", 10),),
    name="Synthetic points test",
)
POINTS_PROGRAM = program(
    "test-points", "Synthetic points visa", "GB", (), points_tables=(POINTS_TABLE,)
)

ALL_PROGRAMS = (*PROGRAMS, POINTS_PROGRAM)


def synthetic_programs(n: int = 12) -> tuple[ProgramRules, ...]:
    """``n`` programs for benchmarks: copies of the four above with their own slugs."""
    return tuple(
        replace(
            base,
            slug=f"{base.slug}-{index // len(ALL_PROGRAMS) + 1}",
            name=f"{base.name} ({index // len(ALL_PROGRAMS) + 1})",
            url=f"/programs/{base.slug}-{index // len(ALL_PROGRAMS) + 1}/",
        )
        for index in range(n)
        for base in [ALL_PROGRAMS[index % len(ALL_PROGRAMS)]]
    )


# ---------------------------------------------------------------------------------------------
# Applicants (answers as the questionnaire stores them)

STEM_BACHELOR_IN_INDIA = {
    "citizenship": "IN",
    "residence": "IN",
    "age": 27,
    "degree": "bachelor",
    "field": "stem",
    "degree_country": "IN",
    "institution": "national",
    "academic_role": "no",
    "stem_experience": 2,
    "job_offer": "none",
    "language_level:zh": "none",
}
NON_STEM = {**STEM_BACHELOR_IN_INDIA, "field": "non_stem"}
OPT_IN_US = {
    "citizenship": "IN",
    "residence": "US",
    "status:US": "f1_opt",
    "age": 26,
    "degree": "master",
    "field": "stem",
    "degree_country": "US",
    "institution": "world_top",
    "academic_role": "no",
    "stem_experience": 1,
    "job_offer": "US",
    "employer_type": "company",
    "wage_level": "2",
    "sponsor": "yes",
    "degree_related": "direct",
}
OFFER_FROM_INDIA = {key: value for key, value in OPT_IN_US.items() if key != "status:US"} | {
    "residence": "IN"
}
CHINESE_CITIZEN = {**STEM_BACHELOR_IN_INDIA, "citizenship": "CN", "residence": "CN"}
US_CITIZEN = {**OPT_IN_US, "citizenship": "US", "status:US": "citizen"}
GREEN_CARD = {**OPT_IN_US, "status:US": "green_card"}
HIGH_SCHOOL = {
    "citizenship": "NG",
    "residence": "NG",
    "age": 19,
    "degree": "school",
    "academic_role": "no",
    "stem_experience": 0,
    "job_offer": "none",
}
OFFER_IN_CHINA = {
    **STEM_BACHELOR_IN_INDIA,
    "citizenship": "VN",
    "residence": "VN",
    "degree": "master",
    "job_offer": "CN",
    "sponsor": "yes",
}
POINTS_HIGH_SCORER = {
    "citizenship": "PH",
    "residence": "PH",
    "age": 29,
    "degree": "doctorate",
    "language_level:en": "C2",
    "stem_experience": 6,
}
EVERYTHING_UNKNOWN = dict.fromkeys(answer_keys(), UNKNOWN)
GARBAGE = {
    "citizenship": "Narnia",
    "residence": 42,
    "status:US": ["citizen"],
    "language_level:xx": "C2",
    "age": "twenty",
    "degree": "BACHELOR",
    "field": None,
    "institution": {"world_top": True},
    "stem_experience": -3,
    "job_offer": True,
    "sponsor": 1.0,
    "wage_level": 3,
    "degree_related": "Direct",
    "not-a-fact": "whatever",
}
