"""Hand-built rules mirroring the seed content (visas/content/programs.toml), for tests that
need no database: the China K visa, the US H-1B and the China R visa."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count

from visas.rules import (
    CaveatRule,
    Condition,
    CriterionRule,
    FigureRule,
    ProgramRules,
    SourceRef,
)
from visas.vocabulary import UNKNOWN, Clarity, Fact, Importance, Operator

TODAY = date(2026, 11, 23)
AS_OF = date(2025, 10, 1)

OFFICIAL = SourceRef(
    title="Official notice",
    publisher="A government",
    url="https://example.gov/notice",
    published_on=date(2025, 8, 14),
    published_note="",
    accessed_on=date(2026, 11, 23),
    is_official=True,
)
PRESS = SourceRef(
    title="Press report",
    publisher="A newspaper",
    url="https://example.com/report",
    published_on=None,
    published_note="undated",
    accessed_on=date(2026, 11, 23),
    is_official=False,
)

_ids = count(1)


def criterion(
    fact: Fact,
    operator: Operator,
    values: tuple[str | int, ...] = (),
    *,
    importance: Importance = Importance.REQUIRED,
    clarity: Clarity = Clarity.CONFIRMED,
    group: str = "",
    statement: str = "",
) -> CriterionRule:
    return CriterionRule(
        id=next(_ids),
        condition=Condition(fact, operator, values),
        importance=importance,
        group=group,
        statement=statement or f"{fact.label} {operator.label} {', '.join(map(str, values))}.",
        clarity=clarity,
        as_of=AS_OF,
        sources=(OFFICIAL, PRESS) if clarity is not Clarity.CONFIRMED else (OFFICIAL,),
    )


def figure(
    label: str,
    *,
    value: Decimal | None = None,
    value_text: str = "",
    unit: str = "",
    applies: Condition | None = None,
    applies_note: str = "",
    effective_from: date | None = None,
    effective_to: date | None = None,
    clarity: Clarity = Clarity.CONFIRMED,
) -> FigureRule:
    return FigureRule(
        id=next(_ids),
        kind="fee",
        kind_label="Fee or payment",
        label=label,
        value=value,
        value_text=value_text,
        unit=unit,
        payer="employer",
        payer_label="Employer",
        recurrence="per_petition",
        recurrence_label="Once per petition",
        period="",
        effective_from=effective_from,
        effective_to=effective_to,
        applies=applies,
        applies_note=applies_note,
        note="",
        clarity=clarity,
        as_of=AS_OF,
        sources=(OFFICIAL,),
    )


def caveat(title: str) -> CaveatRule:
    return CaveatRule(
        id=next(_ids),
        category="policy_change",
        category_label="Policy may change",
        severity="caution",
        severity_label="Weigh this",
        title=title,
        text=f"{title}.",
        clarity=Clarity.REPORTED,
        as_of=AS_OF,
        sources=(PRESS,),
    )


def program(
    slug: str,
    name: str,
    country: str,
    criteria: tuple[CriterionRule, ...],
    figures: tuple[FigureRule, ...] = (),
    caveats: tuple[CaveatRule, ...] = (),
) -> ProgramRules:
    return ProgramRules(
        slug=slug,
        name=name,
        country=country,
        status="in_force",
        status_label="In force",
        summary=f"{name}: a summary.",
        revision=1,
        last_reviewed_on=TODAY,
        url=f"/programs/{slug}/",
        criteria=criteria,
        figures=figures,
        caveats=caveats,
    )


AGE_STATEMENT = (
    "Official rules do not say how old is “young”: they mention “specific requirements” on "
    "age but give no number."
)

K_VISA = program(
    "china-k-visa",
    "China K visa",
    "CN",
    (
        criterion(
            Fact.CITIZENSHIP,
            Operator.IN,
            ("CN",),
            importance=Importance.NOT_NEEDED_IF,
            statement="The K visa is a visa for foreign nationals: Chinese citizens do not need it.",
        ),
        criterion(Fact.DEGREE, Operator.AT_LEAST, ("bachelor",)),
        criterion(Fact.FIELD, Operator.IN, ("stem",)),
        criterion(
            Fact.INSTITUTION,
            Operator.IN,
            ("world_top", "national"),
            clarity=Clarity.UNCLEAR,
            group="institution",
            statement="You graduated from a “well-known” university or research institution.",
        ),
        criterion(
            Fact.ACADEMIC_ROLE,
            Operator.IN,
            ("yes",),
            clarity=Clarity.UNCLEAR,
            group="institution",
            statement="Or: you teach or do research in a STEM field at such an institution.",
        ),
        criterion(Fact.AGE, Operator.UNSPECIFIED, clarity=Clarity.UNCLEAR, statement=AGE_STATEMENT),
        criterion(
            Fact.STEM_EXPERIENCE,
            Operator.UNSPECIFIED,
            clarity=Clarity.UNCLEAR,
            statement="Official rules mention “specific requirements” on work experience.",
        ),
        criterion(Fact.JOB_OFFER, Operator.ANY, importance=Importance.NOT_REQUIRED),
        criterion(
            Fact.MANDARIN,
            Operator.AT_LEAST,
            ("conversational",),
            importance=Importance.FAVOURABLE,
            clarity=Clarity.REPORTED,
        ),
    ),
    (figure("Visa fee", value_text="Not specified", clarity=Clarity.UNCLEAR),),
    (caveat("Policy may change"),),
)

H1B_PAYMENT = figure(
    "One-time payment for new petitions",
    value=Decimal("100000.00"),
    unit="USD",
    applies=Condition(Fact.RESIDENCE, Operator.NOT_IN, ("US",)),
    applies_note="Paid by the employer for new petitions for people outside the US.",
    effective_from=date(2025, 9, 21),
    clarity=Clarity.UNCLEAR,
)
H1B_OLD_FEE = figure(
    "Petition fee (older schedule)",
    value=Decimal("460"),
    unit="USD",
    effective_to=date(2024, 3, 31),
)
H1B_REGISTRATION = figure("Lottery registration fee", value=Decimal("215"), unit="USD")

H1B = program(
    "us-h1b",
    "US H-1B",
    "US",
    (
        criterion(
            Fact.CITIZENSHIP,
            Operator.IN,
            ("US",),
            importance=Importance.NOT_NEEDED_IF,
            statement="US citizens do not need the H-1B.",
        ),
        criterion(
            Fact.US_STATUS,
            Operator.IN,
            ("citizen", "green_card"),
            importance=Importance.NOT_NEEDED_IF,
            statement="Permanent residents do not need the H-1B.",
        ),
        criterion(Fact.DEGREE, Operator.AT_LEAST, ("bachelor",), clarity=Clarity.REPORTED),
        criterion(Fact.JOB_OFFER, Operator.IN, ("us",), clarity=Clarity.REPORTED),
        criterion(Fact.SPONSOR, Operator.IN, ("yes",), clarity=Clarity.REPORTED),
        criterion(
            Fact.EMPLOYER_TYPE,
            Operator.IN,
            ("research",),
            importance=Importance.FAVOURABLE,
            clarity=Clarity.REPORTED,
        ),
        criterion(
            Fact.WAGE_LEVEL,
            Operator.AT_LEAST,
            ("3",),
            importance=Importance.FAVOURABLE,
            clarity=Clarity.REPORTED,
        ),
    ),
    (H1B_PAYMENT, H1B_REGISTRATION, H1B_OLD_FEE),
    (caveat("Lottery odds"),),
)

R_VISA = program(
    "china-r-visa",
    "China R visa",
    "CN",
    (
        criterion(
            Fact.CITIZENSHIP,
            Operator.IN,
            ("CN",),
            importance=Importance.NOT_NEEDED_IF,
            statement="Chinese citizens do not need the R visa.",
        ),
        criterion(Fact.JOB_OFFER, Operator.IN, ("china",)),
        criterion(
            Fact.DEGREE,
            Operator.UNSPECIFIED,
            clarity=Clarity.UNCLEAR,
            statement="You must meet the Category A “high-end talent” standard.",
        ),
    ),
)

PROGRAMS = (K_VISA, H1B, R_VISA)


# Applicants (answers as the questionnaire stores them).
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
    "mandarin": "none",
}
NON_STEM = {**STEM_BACHELOR_IN_INDIA, "field": "non_stem"}
OPT_IN_US = {
    "citizenship": "IN",
    "residence": "US",
    "us_status": "f1_opt",
    "age": 26,
    "degree": "master",
    "field": "stem",
    "degree_country": "US",
    "institution": "world_top",
    "academic_role": "no",
    "stem_experience": 1,
    "job_offer": "us",
    "employer_type": "company",
    "wage_level": "2",
    "sponsor": "yes",
}
OFFER_FROM_INDIA = {**OPT_IN_US, "residence": "IN", "us_status": None}
CHINESE_CITIZEN = {**STEM_BACHELOR_IN_INDIA, "citizenship": "CN", "residence": "CN"}
US_CITIZEN = {**OPT_IN_US, "citizenship": "US", "us_status": "citizen"}
GREEN_CARD = {**OPT_IN_US, "us_status": "green_card"}
HIGH_SCHOOL = {
    "citizenship": "NG",
    "residence": "NG",
    "age": 19,
    "degree": "school",
    "stem_experience": 0,
    "job_offer": "none",
}
EVERYTHING_UNKNOWN = {fact.value: UNKNOWN for fact in Fact}
GARBAGE = {
    "citizenship": "Narnia",
    "residence": 42,
    "us_status": ["citizen"],
    "age": "twenty",
    "degree": "BACHELOR",
    "field": None,
    "institution": {"world_top": True},
    "stem_experience": -3,
    "job_offer": True,
    "sponsor": 1.0,
    "wage_level": 3,
    "not-a-fact": "whatever",
}
