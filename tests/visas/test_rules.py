"""The rules engine against a table of named applicants, and its properties for any answers.

No database: the programs are the hand-built mirrors of the content design in scenarios.py
(China K visa, US H-1B, China R visa) and a synthetic points-table program.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.visas.scenarios import (
    ALL_PROGRAMS,
    CHINESE_CITIZEN,
    EVERYTHING_UNKNOWN,
    GARBAGE,
    GREEN_CARD,
    H1B,
    H1B_CAP_EXEMPT,
    H1B_CHANCE,
    H1B_DEGREE,
    H1B_DEGREE_RELATED,
    H1B_EXPERIENCE,
    H1B_FY2026_PER_PERSON,
    H1B_FY2026_PER_REGISTRATION,
    H1B_I129,
    H1B_JOB_OFFER,
    H1B_MASTERS_COUNTRY,
    H1B_MASTERS_DEGREE,
    H1B_NOT_FOR_RESIDENTS,
    H1B_NOT_FOR_US_CITIZENS,
    H1B_PAYMENT,
    H1B_PREMIUM,
    H1B_PREMIUM_OLD,
    H1B_PUBLIC_LAW_FEE,
    H1B_SPONSOR,
    HIGH_SCHOOL,
    K_ACADEMIC_ROLE,
    K_AGE,
    K_AGE_WARNING,
    K_DEGREE,
    K_EXPERIENCE,
    K_FIELD,
    K_INSTITUTION,
    K_NO_JOB_OFFER,
    K_NOT_FOR_CHINESE,
    K_VISA,
    NON_STEM,
    OFFER_FROM_INDIA,
    OFFER_IN_CHINA,
    OPT_IN_US,
    PAYMENT_LEGAL_NOTE,
    POINTS_PROGRAM,
    POINTS_TABLE,
    PROGRAMS,
    R_CATEGORY_A,
    R_JOB_OFFER,
    R_NOT_FOR_CHINESE,
    R_POINTS,
    R_SPONSOR,
    R_VISA,
    STEM_BACHELOR_IN_INDIA,
    TODAY,
    US_CITIZEN,
    WAGE_CHANCES,
    caveat,
    criterion,
    figure,
    group,
    points_table,
    program,
    row,
    synthetic_programs,
)
from visas import rules
from visas.rules import (
    Cause,
    Change,
    Condition,
    CriterionResult,
    CriterionRule,
    Exemption,
    FigureResult,
    FigureRule,
    Legal,
    NodeKind,
    ProgramResult,
    ProgramRules,
    Status,
    Verdict,
    evaluate,
    evaluate_program,
)
from visas.vocabulary import (
    FACTS,
    OPERATORS_BY_KIND,
    UNKNOWN,
    Clarity,
    Combine,
    Fact,
    FigureKind,
    Importance,
    LegalStatus,
    Operator,
    ProgramStatus,
    Selection,
    answer_key,
    answer_keys,
)

K, H, R, P = K_VISA.slug, H1B.slug, R_VISA.slug, POINTS_PROGRAM.slug
CAN, POSSIBLE = Verdict.CAN_APPLY, Verdict.POSSIBLE
NE, NOT_NEEDED = Verdict.NOT_ELIGIBLE, Verdict.NOT_NEEDED
MEETS, NOT_MET, UNCLEAR = Status.MEETS, Status.NOT_MET, Status.UNCLEAR
RANK = {NE: 0, POSSIBLE: 1, CAN: 2, NOT_NEEDED: 3}
# Answer keys of keyed facts, and every (fact, key) a condition can name.
US_STATUS = answer_key(Fact.STATUS, "US")
ENGLISH = answer_key(Fact.LANGUAGE_LEVEL, "en")
SLOTS = [(fact, key) for fact, spec in FACTS.items() for key in spec.key_values()]


def results_by_slug(answers: object) -> dict[str, ProgramResult]:
    return {r.program.slug: r for r in evaluate(ALL_PROGRAMS, answers, today=TODAY)}  # type: ignore[arg-type]


def criterion_result(result: ProgramResult, rule: CriterionRule) -> CriterionResult:
    return next(item for item in result.criteria if item.id == rule.id)


def figure_result(result: ProgramResult, rule: FigureRule) -> FigureResult:
    return next(item for item in result.figures if item.id == rule.id)


def verdicts(k: Verdict, h: Verdict, r: Verdict, p: Verdict) -> dict[str, Verdict]:
    return {K: k, H: h, R: r, P: p}


def with_(answers: dict[str, object], **changes: object) -> dict[str, object]:
    return {**answers, **changes}


def without(answers: dict[str, object], *facts: str) -> dict[str, object]:
    return {key: value for key, value in answers.items() if key not in facts}


def replace_rule(rules_: ProgramRules, old: CriterionRule, new: CriterionRule) -> ProgramRules:
    return replace(rules_, criteria=tuple(new if c is old else c for c in rules_.criteria))


# Short names for the routes (group keys)
KG, KT = "k-graduate", "k-teaching-research"
HD, HE = "h1b-degree", "h1b-equivalent"
HD_ROUTE = "Degree in the job's specialty"
HE_ROUTE = "Equivalent specialty experience"

POINTS_ONLY = {"citizenship": "PH", "residence": "PH"}

# ---------------------------------------------------------------------------------------------
# The scenario table: verdicts for every program, and which routes meet

SCENARIOS = [
    pytest.param(
        STEM_BACHELOR_IN_INDIA,
        verdicts(POSSIBLE, NE, NE, NE),
        {KG: UNCLEAR, KT: NOT_MET, HD: UNCLEAR, HE: UNCLEAR},
        id="stem-bachelor-no-offer-india",
    ),
    pytest.param(NON_STEM, verdicts(NE, NE, NE, NE), {KG: NOT_MET, KT: NOT_MET}, id="non-stem"),
    pytest.param(
        OPT_IN_US,
        verdicts(POSSIBLE, CAN, NE, NE),
        {KG: UNCLEAR, KT: NOT_MET, HD: MEETS, HE: UNCLEAR},
        id="us-master-on-opt",
    ),
    pytest.param(
        OFFER_FROM_INDIA, verdicts(POSSIBLE, CAN, NE, NE), {HD: MEETS}, id="us-offer-from-india"
    ),
    pytest.param(
        CHINESE_CITIZEN, verdicts(NOT_NEEDED, NE, NOT_NEEDED, NE), {}, id="chinese-citizen"
    ),
    pytest.param(
        with_(OPT_IN_US, citizenship="CN"),
        verdicts(NOT_NEEDED, CAN, NOT_NEEDED, NE),
        {HD: MEETS},
        id="chinese-citizen-with-us-offer",
    ),
    pytest.param(US_CITIZEN, verdicts(POSSIBLE, NOT_NEEDED, NE, NE), {}, id="us-citizen"),
    pytest.param(
        with_(STEM_BACHELOR_IN_INDIA, citizenship="US", residence="GB"),
        verdicts(POSSIBLE, NOT_NEEDED, NE, NE),
        {},
        id="us-citizen-living-abroad",
    ),
    pytest.param(GREEN_CARD, verdicts(POSSIBLE, NOT_NEEDED, NE, NE), {}, id="green-card-holder"),
    pytest.param(
        with_(OPT_IN_US, **{US_STATUS: UNKNOWN}),
        verdicts(POSSIBLE, CAN, NE, NE),
        {},
        id="us-status-unknown-does-not-block",
    ),
    pytest.param(
        HIGH_SCHOOL,
        verdicts(NE, NE, NE, NE),
        {KG: NOT_MET, KT: NOT_MET, HD: NOT_MET, HE: UNCLEAR},
        id="high-school-only",
    ),
    pytest.param(
        with_(HIGH_SCHOOL, job_offer="US", sponsor="yes", employer_type="company", wage_level="1"),
        verdicts(NE, POSSIBLE, NE, NE),
        {HD: NOT_MET, HE: UNCLEAR},
        id="high-school-with-us-offer-equivalent-route",
    ),
    pytest.param(
        with_(
            HIGH_SCHOOL,
            age=35,
            degree="vocational",
            stem_experience=12,
            job_offer="US",
            sponsor="yes",
            wage_level="3",
        ),
        verdicts(NE, POSSIBLE, NE, NE),
        {HD: NOT_MET, HE: UNCLEAR},
        id="experienced-engineer-without-degree",
    ),
    pytest.param(
        with_(OPT_IN_US, sponsor="no"),
        verdicts(POSSIBLE, NE, NE, NE),
        {HD: MEETS},
        id="employer-will-not-sponsor",
    ),
    pytest.param(
        with_(OPT_IN_US, sponsor=UNKNOWN),
        verdicts(POSSIBLE, POSSIBLE, NE, NE),
        {HD: MEETS},
        id="sponsor-unknown",
    ),
    pytest.param(
        with_(OPT_IN_US, job_offer="other"),
        verdicts(POSSIBLE, NE, NE, NE),
        {},
        id="job-offer-elsewhere",
    ),
    pytest.param(
        with_(STEM_BACHELOR_IN_INDIA, job_offer=UNKNOWN),
        verdicts(POSSIBLE, POSSIBLE, POSSIBLE, NE),
        {},
        id="job-offer-unknown",
    ),
    pytest.param(
        with_(OFFER_FROM_INDIA, degree="bachelor", degree_country="IN"),
        verdicts(POSSIBLE, CAN, NE, NE),
        {HD: MEETS, HE: UNCLEAR},
        id="h1b-bachelor-directly-related",
    ),
    pytest.param(
        with_(OPT_IN_US, degree_related="general"),
        verdicts(POSSIBLE, POSSIBLE, NE, NE),
        {HD: NOT_MET, HE: UNCLEAR},
        id="h1b-general-degree-equivalent-route",
    ),
    pytest.param(
        with_(OPT_IN_US, degree_related="unrelated"),
        verdicts(POSSIBLE, POSSIBLE, NE, NE),
        {HD: NOT_MET, HE: UNCLEAR},
        id="h1b-unrelated-degree-equivalent-route",
    ),
    pytest.param(
        with_(OPT_IN_US, degree_related=UNKNOWN),
        verdicts(POSSIBLE, POSSIBLE, NE, NE),
        {HD: UNCLEAR, HE: UNCLEAR},
        id="h1b-relatedness-unknown",
    ),
    pytest.param(
        with_(OPT_IN_US, employer_type="research"),
        verdicts(POSSIBLE, CAN, NE, NE),
        {HD: MEETS},
        id="h1b-cap-exempt-employer",
    ),
    *(
        pytest.param(
            with_(OPT_IN_US, wage_level=level),
            verdicts(POSSIBLE, CAN, NE, NE),
            {HD: MEETS},
            id=f"h1b-wage-level-{level}",
        )
        for level in ("1", "3", "4")
    ),
    pytest.param(
        with_(OPT_IN_US, wage_level=UNKNOWN),
        verdicts(POSSIBLE, CAN, NE, NE),
        {},
        id="h1b-wage-level-unknown",
    ),
    pytest.param(
        with_(OPT_IN_US, employer_type=UNKNOWN),
        verdicts(POSSIBLE, CAN, NE, NE),
        {},
        id="h1b-employer-type-unknown",
    ),
    pytest.param(
        with_(OPT_IN_US, degree="doctorate"),
        verdicts(POSSIBLE, CAN, NE, POSSIBLE),
        {HD: MEETS},
        id="h1b-us-doctorate",
    ),
    pytest.param(
        with_(OFFER_FROM_INDIA, degree_country="IN"),
        verdicts(POSSIBLE, CAN, NE, NE),
        {HD: MEETS},
        id="h1b-foreign-master",
    ),
    pytest.param(OFFER_IN_CHINA, verdicts(POSSIBLE, NE, POSSIBLE, NE), {}, id="offer-in-china"),
    pytest.param(
        with_(OFFER_IN_CHINA, sponsor="no"),
        verdicts(POSSIBLE, NE, NE, NE),
        {},
        id="china-offer-without-confirmation-letter",
    ),
    pytest.param(
        without(OFFER_IN_CHINA, "sponsor"),
        verdicts(POSSIBLE, NE, POSSIBLE, NE),
        {},
        id="china-offer-sponsor-not-asked",
    ),
    pytest.param(
        with_(OFFER_IN_CHINA, academic_role="yes", degree="doctorate", stem_experience=10),
        verdicts(POSSIBLE, NE, POSSIBLE, CAN),
        {KG: UNCLEAR, KT: UNCLEAR},
        id="researcher-with-china-offer",
    ),
    pytest.param(
        with_(STEM_BACHELOR_IN_INDIA, institution="not_recognised"),
        verdicts(NE, NE, NE, NE),
        {KG: NOT_MET, KT: NOT_MET},
        id="k-institution-not-recognised",
    ),
    pytest.param(
        with_(STEM_BACHELOR_IN_INDIA, institution="not_recognised", academic_role="yes"),
        verdicts(POSSIBLE, NE, NE, NE),
        {KG: NOT_MET, KT: UNCLEAR},
        id="k-teaching-research-route",
    ),
    pytest.param(
        with_(HIGH_SCHOOL, academic_role="yes"),
        verdicts(POSSIBLE, NE, NE, NE),
        {KG: NOT_MET, KT: UNCLEAR},
        id="k-researcher-without-degree",
    ),
    pytest.param(
        with_(STEM_BACHELOR_IN_INDIA, degree="doctorate", institution="world_top"),
        verdicts(POSSIBLE, NE, NE, POSSIBLE),
        {KG: UNCLEAR, KT: NOT_MET},
        id="k-world-top-doctorate-still-possible",
    ),
    pytest.param(
        with_(STEM_BACHELOR_IN_INDIA, field=UNKNOWN),
        verdicts(POSSIBLE, NE, NE, NE),
        {KG: UNCLEAR},
        id="k-field-unknown",
    ),
    pytest.param(
        with_(STEM_BACHELOR_IN_INDIA, degree=UNKNOWN),
        verdicts(POSSIBLE, NE, NE, POSSIBLE),
        {KG: UNCLEAR, HD: UNCLEAR},
        id="degree-unknown",
    ),
    pytest.param(
        with_(STEM_BACHELOR_IN_INDIA, institution=UNKNOWN),
        verdicts(POSSIBLE, NE, NE, NE),
        {KG: UNCLEAR},
        id="k-institution-unknown",
    ),
    pytest.param(
        with_(NON_STEM, academic_role=UNKNOWN),
        verdicts(POSSIBLE, NE, NE, NE),
        {KG: NOT_MET, KT: UNCLEAR},
        id="k-academic-role-unknown",
    ),
    pytest.param(
        with_(STEM_BACHELOR_IN_INDIA, age=60),
        verdicts(POSSIBLE, NE, NE, NE),
        {KG: UNCLEAR},
        id="k-aged-60-warning-not-verdict",
    ),
    pytest.param(
        with_(STEM_BACHELOR_IN_INDIA, age=45),
        verdicts(POSSIBLE, NE, NE, NE),
        {},
        id="k-aged-45",
    ),
    pytest.param({}, verdicts(POSSIBLE, POSSIBLE, POSSIBLE, POSSIBLE), {}, id="nothing-answered"),
    pytest.param(
        EVERYTHING_UNKNOWN,
        verdicts(POSSIBLE, POSSIBLE, POSSIBLE, POSSIBLE),
        {KG: UNCLEAR, KT: UNCLEAR, HD: UNCLEAR, HE: UNCLEAR},
        id="all-i-dont-know",
    ),
    pytest.param(
        GARBAGE,
        verdicts(POSSIBLE, POSSIBLE, POSSIBLE, POSSIBLE),
        {KG: UNCLEAR, KT: UNCLEAR, HD: UNCLEAR},
        id="garbage-is-unanswered",
    ),
    pytest.param(
        with_(POINTS_ONLY, age=29, degree="doctorate", **{ENGLISH: "C2"}, stem_experience=6),
        verdicts(POSSIBLE, POSSIBLE, POSSIBLE, CAN),
        {KG: UNCLEAR, KT: UNCLEAR},
        id="points-high-scorer",
    ),
    pytest.param(
        with_(POINTS_ONLY, age=31, degree="master", **{ENGLISH: "C1"}, stem_experience=3),
        verdicts(POSSIBLE, POSSIBLE, POSSIBLE, CAN),
        {},
        id="points-exactly-the-pass-mark",
    ),
    pytest.param(
        with_(POINTS_ONLY, age=35, degree="master", **{ENGLISH: "C1"}, stem_experience=3),
        verdicts(POSSIBLE, POSSIBLE, POSSIBLE, NE),
        {},
        id="points-five-short",
    ),
    pytest.param(
        with_(POINTS_ONLY, age=40, degree="doctorate", **{ENGLISH: "C2"}, stem_experience=10),
        verdicts(POSSIBLE, POSSIBLE, POSSIBLE, CAN),
        {},
        id="points-experience-capped-still-passes",
    ),
    pytest.param(
        with_(POINTS_ONLY, age=UNKNOWN, degree="master", **{ENGLISH: "C1"}, stem_experience=5),
        verdicts(POSSIBLE, POSSIBLE, POSSIBLE, POSSIBLE),
        {},
        id="points-age-unknown",
    ),
    pytest.param(
        with_(POINTS_ONLY, age=40, degree="master", **{ENGLISH: "C1"}, stem_experience=10),
        verdicts(POSSIBLE, POSSIBLE, POSSIBLE, NE),
        {},
        id="points-too-old-for-age-points",
    ),
    pytest.param(
        with_(POINTS_ONLY, age=29, degree="doctorate", **{ENGLISH: "C2"}, stem_experience=UNKNOWN),
        verdicts(POSSIBLE, POSSIBLE, POSSIBLE, CAN),
        {},
        id="points-experience-unknown-still-passes",
    ),
]


def test_scenario_table_is_large_and_named() -> None:
    assert len(SCENARIOS) >= 45
    ids = [param.id for param in SCENARIOS]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(("answers", "expected", "routes"), SCENARIOS)
def test_scenarios(
    answers: dict[str, object], expected: dict[str, Verdict], routes: dict[str, Status]
) -> None:
    results = results_by_slug(answers)
    assert {slug: result.verdict for slug, result in results.items()} == expected
    found = {node.ref: node.status for result in results.values() for node in result.routes}
    assert {key: found[key] for key in routes} == routes
    for result in results.values():  # in force: the verdict never carries a program cause
        assert result.cause is None


def test_every_route_is_reported_with_its_members() -> None:
    results = results_by_slug(STEM_BACHELOR_IN_INDIA)
    assert [node.ref for node in results[K].routes] == [KG, KT]
    assert [node.ref for node in results[H].routes] == [HD, HE]
    assert results[R].routes == ()
    assert results[P].routes == ()
    graduate = results[K].routes[0]
    assert graduate.kind is NodeKind.GROUP
    assert [child.ref for child in graduate.children] == [
        str(K_DEGREE.id),
        str(K_FIELD.id),
        str(K_INSTITUTION.id),
    ]
    assert [child.status for child in graduate.children] == [MEETS, MEETS, UNCLEAR]
    teaching = results[K].routes[1]
    assert [child.status for child in teaching.children] == [NOT_MET, UNCLEAR]
    assert teaching.failed == 1


def test_failed_counts_say_which_route_is_closest() -> None:
    routes = {node.ref: node for node in results_by_slug(HIGH_SCHOOL)[K].routes}
    assert routes[KG].failed == 1  # only the degree; field and institution not answered
    assert routes[KT].failed == 1  # academic role "no"
    requirements = results_by_slug(HIGH_SCHOOL)[K].requirements
    assert requirements.status is NOT_MET
    assert requirements.failed == 2


def test_the_k_visa_is_never_more_than_possible() -> None:
    """Every route has a rule no answer settles (institution "well-known", experience)."""
    best = with_(
        STEM_BACHELOR_IN_INDIA, degree="doctorate", institution="world_top", academic_role="yes"
    )
    result = results_by_slug(best)[K]
    assert result.verdict is POSSIBLE
    assert result.changes == ()
    assert {node.ref: node.status for node in result.routes} == {KG: UNCLEAR, KT: UNCLEAR}


def test_r_category_a_is_always_unclear() -> None:
    result = results_by_slug(OFFER_IN_CHINA)[R]
    (category_a,) = (unit for unit in result.requirements.children if unit.ref == "r-category-a")
    assert category_a.status is UNCLEAR
    assert [(child.kind, child.ref) for child in category_a.children] == [
        (NodeKind.CRITERION, str(R_CATEGORY_A.id)),
        (NodeKind.POINTS, str(R_POINTS.id)),
    ]
    (points,) = result.points
    assert (points.status, points.cause, points.low, points.high, points.pass_mark) == (
        UNCLEAR,
        Cause.RULE_UNDEFINED,
        0,
        0,
        85,
    )
    assert points.rows == ()
    assert points.categories == ()
    assert criterion_result(result, R_CATEGORY_A).cause is Cause.RULE_UNDEFINED
    assert criterion_result(result, R_JOB_OFFER).status is MEETS
    assert criterion_result(result, R_SPONSOR).status is MEETS


# ---------------------------------------------------------------------------------------------
# Criteria: statuses and the causes of unclear ones


@pytest.mark.parametrize(
    ("answers", "slug", "rule", "status", "cause", "answer"),
    [
        pytest.param({}, K, K_AGE, UNCLEAR, Cause.RULE_UNDEFINED, None, id="k-age-absent"),
        pytest.param({"age": 30}, K, K_AGE, UNCLEAR, Cause.RULE_UNDEFINED, 30, id="k-age-given"),
        pytest.param(
            {"age": UNKNOWN}, K, K_AGE, UNCLEAR, Cause.RULE_UNDEFINED, UNKNOWN, id="k-age-unknown"
        ),
        pytest.param(
            {"stem_experience": 10},
            K,
            K_EXPERIENCE,
            UNCLEAR,
            Cause.RULE_UNDEFINED,
            10,
            id="k-experience-unspecified",
        ),
        pytest.param(
            {"institution": "national"},
            K,
            K_INSTITUTION,
            UNCLEAR,
            Cause.RULE_UNCLEAR,
            "national",
            id="vague-rule-passing",
        ),
        pytest.param(
            {"institution": "not_recognised"},
            K,
            K_INSTITUTION,
            NOT_MET,
            None,
            "not_recognised",
            id="vague-rule-failing-even-broadest-reading",
        ),
        pytest.param(
            {"institution": UNKNOWN},
            K,
            K_INSTITUTION,
            UNCLEAR,
            Cause.ANSWER_UNKNOWN,
            UNKNOWN,
            id="institution-unknown",
        ),
        pytest.param(
            {"academic_role": "yes"},
            K,
            K_ACADEMIC_ROLE,
            UNCLEAR,
            Cause.RULE_UNCLEAR,
            "yes",
            id="academic-role-vague",
        ),
        pytest.param(
            {"degree": "bachelor"}, K, K_DEGREE, MEETS, None, "bachelor", id="degree-meets"
        ),
        pytest.param({"degree": "school"}, K, K_DEGREE, NOT_MET, None, "school", id="degree-low"),
        pytest.param(
            {"degree": UNKNOWN},
            K,
            K_DEGREE,
            UNCLEAR,
            Cause.ANSWER_UNKNOWN,
            UNKNOWN,
            id="degree-unknown",
        ),
        pytest.param({}, K, K_DEGREE, UNCLEAR, Cause.NOT_ANSWERED, None, id="degree-absent"),
        pytest.param(
            {"field": UNKNOWN}, K, K_FIELD, UNCLEAR, Cause.ANSWER_UNKNOWN, UNKNOWN, id="field?"
        ),
        pytest.param(
            {"age": UNKNOWN},
            K,
            K_AGE_WARNING,
            UNCLEAR,
            Cause.ANSWER_UNKNOWN,
            UNKNOWN,
            id="age-limit-age-unknown",
        ),
        pytest.param(
            {"age": 30}, K, K_AGE_WARNING, UNCLEAR, Cause.RULE_UNCLEAR, 30, id="age-limit-young"
        ),
        pytest.param({"age": 60}, K, K_AGE_WARNING, NOT_MET, None, 60, id="age-limit-old"),
        pytest.param(
            {"job_offer": "none"}, K, K_NO_JOB_OFFER, MEETS, None, "none", id="any-answer-meets"
        ),
        pytest.param({}, K, K_NO_JOB_OFFER, MEETS, None, None, id="any-even-unanswered"),
        pytest.param(
            {"degree_related": UNKNOWN},
            H,
            H1B_DEGREE_RELATED,
            UNCLEAR,
            Cause.ANSWER_UNKNOWN,
            UNKNOWN,
            id="relatedness-unknown",
        ),
        pytest.param(
            {"degree_related": "general"},
            H,
            H1B_DEGREE_RELATED,
            NOT_MET,
            None,
            "general",
            id="relatedness-general",
        ),
        pytest.param(
            {"sponsor": UNKNOWN},
            H,
            H1B_SPONSOR,
            UNCLEAR,
            Cause.ANSWER_UNKNOWN,
            UNKNOWN,
            id="sponsor-unknown",
        ),
        pytest.param(
            {"stem_experience": 20},
            H,
            H1B_EXPERIENCE,
            UNCLEAR,
            Cause.RULE_UNDEFINED,
            20,
            id="h1b-equivalent-experience-no-ratio",
        ),
        pytest.param(
            {US_STATUS: UNKNOWN},
            H,
            H1B_NOT_FOR_RESIDENTS,
            UNCLEAR,
            Cause.ANSWER_UNKNOWN,
            UNKNOWN,
            id="us-status-unknown",
        ),
        pytest.param(
            {"residence": "IN"},
            H,
            H1B_NOT_FOR_RESIDENTS,
            NOT_MET,
            None,
            "none",
            id="living-abroad-means-no-us-status",
        ),
        pytest.param(
            {"residence": "US"},
            H,
            H1B_NOT_FOR_RESIDENTS,
            UNCLEAR,
            Cause.NOT_ANSWERED,
            None,
            id="living-in-us-status-not-given",
        ),
        pytest.param(
            {"employer_type": UNKNOWN},
            H,
            H1B_CAP_EXEMPT,
            UNCLEAR,
            Cause.ANSWER_UNKNOWN,
            UNKNOWN,
            id="employer-type-unknown",
        ),
        pytest.param(
            {"citizenship": "CN"}, R, R_NOT_FOR_CHINESE, MEETS, None, "CN", id="r-not-for-chinese"
        ),
        pytest.param(
            {"stem_experience": 30},
            R,
            R_CATEGORY_A,
            UNCLEAR,
            Cause.RULE_UNDEFINED,
            30,
            id="r-category-a",
        ),
        pytest.param(
            GARBAGE, H, H1B_DEGREE, UNCLEAR, Cause.NOT_ANSWERED, None, id="garbage-wrong-case"
        ),
        pytest.param(
            GARBAGE, H, H1B_SPONSOR, UNCLEAR, Cause.NOT_ANSWERED, None, id="garbage-float"
        ),
        pytest.param(
            GARBAGE, H, H1B_JOB_OFFER, UNCLEAR, Cause.NOT_ANSWERED, None, id="garbage-bool"
        ),
        pytest.param(
            GARBAGE,
            H,
            H1B_NOT_FOR_RESIDENTS,
            UNCLEAR,
            Cause.NOT_ANSWERED,
            None,
            id="garbage-list",
        ),
        pytest.param(
            GARBAGE, K, K_EXPERIENCE, UNCLEAR, Cause.RULE_UNDEFINED, None, id="garbage-negative"
        ),
    ],
)
def test_criterion(
    answers: dict[str, object],
    slug: str,
    rule: CriterionRule,
    status: Status,
    cause: Cause | None,
    answer: object,
) -> None:
    item = criterion_result(results_by_slug(answers)[slug], rule)
    assert (item.status, item.cause, item.answer) == (status, cause, answer)
    assert item.legal is LegalStatus.IN_FORCE


@pytest.mark.parametrize(
    ("rule", "meets_with"),
    [
        pytest.param(K_DEGREE, ("bachelor", "master", "doctorate"), id="degree"),
        pytest.param(K_INSTITUTION, ("world_top", "national"), id="institution"),
        pytest.param(H1B_DEGREE_RELATED, ("direct",), id="relatedness"),
        pytest.param(H1B_SPONSOR, ("yes",), id="sponsor"),
    ],
)
def test_dont_know_says_which_answers_would_meet(
    rule: CriterionRule, meets_with: tuple[str, ...]
) -> None:
    slug = K if rule in K_VISA.criteria else H
    item = criterion_result(results_by_slug(EVERYTHING_UNKNOWN)[slug], rule)
    assert (item.status, item.cause, item.meets_with) == (UNCLEAR, Cause.ANSWER_UNKNOWN, meets_with)


def test_dont_know_age_against_an_age_limit_lists_the_ages_tried() -> None:
    item = criterion_result(results_by_slug({"age": UNKNOWN})[K], K_AGE_WARNING)
    assert item.meets_with == (14, 44, 45)  # range ends and the threshold with its neighbours


@pytest.mark.parametrize(
    ("condition", "answer", "status"),
    [
        pytest.param((Fact.AGE, Operator.AT_LEAST, (18,)), 18, MEETS, id="at-least-edge"),
        pytest.param((Fact.AGE, Operator.AT_LEAST, (18,)), 17, NOT_MET, id="below"),
        pytest.param((Fact.AGE, Operator.AT_MOST, (45,)), 45, MEETS, id="at-most-edge"),
        pytest.param((Fact.AGE, Operator.BETWEEN, (18, 45)), 18, MEETS, id="between-bottom"),
        pytest.param((Fact.AGE, Operator.BETWEEN, (18, 45)), 45, MEETS, id="between-top"),
        pytest.param((Fact.AGE, Operator.BETWEEN, (18, 45)), 46, NOT_MET, id="above"),
        pytest.param((Fact.AGE, Operator.BETWEEN, (18, 45)), UNKNOWN, UNCLEAR, id="age?"),
        pytest.param((Fact.AGE, Operator.AT_LEAST, (14,)), UNKNOWN, MEETS, id="every-age-meets"),
        pytest.param((Fact.AGE, Operator.AT_MOST, (13,)), UNKNOWN, NOT_MET, id="no-age-meets"),
        pytest.param((Fact.AGE, Operator.AT_LEAST, (18,)), 101, UNCLEAR, id="age-out-of-range"),
        pytest.param((Fact.AGE, Operator.AT_LEAST, (18,)), True, UNCLEAR, id="bool-age"),
        pytest.param((Fact.AGE, Operator.AT_LEAST, (18,)), "30", UNCLEAR, id="age-as-text"),
        pytest.param((Fact.STEM_EXPERIENCE, Operator.AT_LEAST, (3,)), 3, MEETS, id="experience"),
        pytest.param((Fact.STEM_EXPERIENCE, Operator.AT_LEAST, (3,)), -1, UNCLEAR, id="neg"),
        pytest.param((Fact.DEGREE, Operator.AT_MOST, ("master",)), "doctorate", NOT_MET, id="max"),
        pytest.param((Fact.DEGREE, Operator.AT_LEAST, ("master",)), "doctorate", MEETS, id="rank"),
        pytest.param((Fact.WAGE_LEVEL, Operator.AT_LEAST, ("3",)), "4", MEETS, id="wage-rank"),
        pytest.param((Fact.WAGE_LEVEL, Operator.AT_LEAST, ("3",)), 4, UNCLEAR, id="wage-int"),
        pytest.param((Fact.DEGREE, Operator.IN, ("master",)), "master", MEETS, id="in"),
        pytest.param((Fact.RESIDENCE, Operator.NOT_IN, ("US",)), "US", NOT_MET, id="not-in"),
        pytest.param((Fact.RESIDENCE, Operator.NOT_IN, ("US",)), "IN", MEETS, id="not-in-other"),
        pytest.param((Fact.DEGREE, Operator.AT_LEAST, ("phd",)), "master", UNCLEAR, id="bad-rule"),
        pytest.param((Fact.AGE, Operator.BETWEEN, (45, 18)), 30, UNCLEAR, id="reversed-between"),
        pytest.param((Fact.AGE, Operator.AT_LEAST, (18, 20)), 30, UNCLEAR, id="two-thresholds"),
        pytest.param((Fact.FIELD, Operator.AT_LEAST, ("stem",)), "stem", UNCLEAR, id="unordered"),
        pytest.param((Fact.FIELD, Operator.IN, ()), "stem", UNCLEAR, id="empty-in"),
        pytest.param((Fact.FIELD, Operator.ANY, ()), None, MEETS, id="any"),
        pytest.param((Fact.FIELD, Operator.UNSPECIFIED, ()), "stem", UNCLEAR, id="unspecified"),
    ],
)
def test_condition_semantics(
    condition: tuple[Fact, Operator, tuple[str | int, ...]], answer: object, status: Status
) -> None:
    fact, operator, values = condition
    rules_ = program("p", "P", "GB", (criterion(fact, operator, values),))
    (item,) = evaluate_program(rules_, {fact.value: answer}, today=TODAY).criteria
    assert item.status is status


def test_unreadable_rule_reads_as_undefined() -> None:
    rules_ = program("p", "P", "GB", (criterion(Fact.AGE, Operator.BETWEEN, (45, 18)),))
    result = evaluate_program(rules_, {"age": 30}, today=TODAY)
    (item,) = result.criteria
    assert (item.status, item.cause) == (UNCLEAR, Cause.RULE_UNDEFINED)
    assert not rules.readable(Condition(Fact.AGE, Operator.BETWEEN, (45, 18)))
    assert result.verdict is POSSIBLE
    assert result.changes == ()  # nothing to propose for a rule nobody can read


# ---------------------------------------------------------------------------------------------
# Not needed, warnings, deciding facts


@pytest.mark.parametrize(
    ("answers", "slug", "rules_"),
    [
        pytest.param(CHINESE_CITIZEN, K, (K_NOT_FOR_CHINESE,), id="k-chinese-citizen"),
        pytest.param(CHINESE_CITIZEN, R, (R_NOT_FOR_CHINESE,), id="r-chinese-citizen"),
        pytest.param(GREEN_CARD, H, (H1B_NOT_FOR_RESIDENTS,), id="h1b-green-card"),
        pytest.param(
            US_CITIZEN, H, (H1B_NOT_FOR_US_CITIZENS, H1B_NOT_FOR_RESIDENTS), id="h1b-us-citizen"
        ),
        pytest.param(
            {"citizenship": "US"}, H, (H1B_NOT_FOR_US_CITIZENS,), id="h1b-citizenship-alone"
        ),
    ],
)
def test_not_needed(answers: dict[str, object], slug: str, rules_: tuple[CriterionRule]) -> None:
    result = results_by_slug(answers)[slug]
    assert result.verdict is NOT_NEEDED
    assert [node.ref for node in result.not_needed_by] == [str(rule.id) for rule in rules_]
    assert all(node.status is MEETS for node in result.not_needed_by)
    assert result.changes == ()
    assert result.deciding_facts == tuple((r.condition.fact, r.condition.key) for r in rules_)


def test_not_needed_even_when_every_requirement_fails() -> None:
    result = results_by_slug(with_(HIGH_SCHOOL, citizenship="CN"))[K]
    assert result.requirements.status is NOT_MET
    assert result.verdict is NOT_NEEDED


@pytest.mark.parametrize(
    ("answers", "warned"),
    [
        pytest.param(with_(STEM_BACHELOR_IN_INDIA, age=60), True, id="aged-60"),
        pytest.param(with_(STEM_BACHELOR_IN_INDIA, age=46), True, id="aged-46"),
        pytest.param(with_(STEM_BACHELOR_IN_INDIA, age=45), False, id="aged-45"),
        pytest.param(with_(STEM_BACHELOR_IN_INDIA, age=UNKNOWN), False, id="age-unknown"),
        pytest.param(without(STEM_BACHELOR_IN_INDIA, "age"), False, id="age-absent"),
    ],
)
def test_k_age_warning(answers: dict[str, object], warned: bool) -> None:
    result = results_by_slug(answers)[K]
    assert result.verdict is POSSIBLE  # a warning never decides
    expected = ((str(K_AGE_WARNING.id), NOT_MET),) if warned else ()
    assert tuple((node.ref, node.status) for node in result.warnings) == expected
    assert all(node.kind is NodeKind.CRITERION for node in result.warnings)


def test_only_the_k_visa_warns_about_age() -> None:
    results = results_by_slug(with_(OPT_IN_US, age=60))
    assert [slug for slug, result in results.items() if result.warnings] == [K]


@pytest.mark.parametrize(
    ("answers", "slug", "facts"),
    [
        pytest.param(STEM_BACHELOR_IN_INDIA, H, (Fact.JOB_OFFER,), id="h1b-no-offer"),
        pytest.param(
            STEM_BACHELOR_IN_INDIA,
            K,
            (Fact.DEGREE, Fact.FIELD, Fact.INSTITUTION, Fact.ACADEMIC_ROLE),
            id="k-possible-every-checkable-fact",
        ),
        pytest.param(
            HIGH_SCHOOL,
            K,
            (Fact.DEGREE, Fact.FIELD, Fact.INSTITUTION, Fact.ACADEMIC_ROLE),
            id="k-failed-routes",
        ),
        pytest.param(
            OPT_IN_US,
            H,
            (Fact.JOB_OFFER, Fact.SPONSOR, Fact.DEGREE, Fact.DEGREE_RELATED),
            id="h1b-can-apply",
        ),
        pytest.param(with_(OPT_IN_US, sponsor="no"), H, (Fact.SPONSOR,), id="h1b-no-sponsor"),
        pytest.param(STEM_BACHELOR_IN_INDIA, R, (Fact.JOB_OFFER,), id="r-no-offer"),
        pytest.param({}, R, (Fact.JOB_OFFER, Fact.SPONSOR), id="r-unanswered"),
        pytest.param(
            STEM_BACHELOR_IN_INDIA,
            P,
            (Fact.AGE, Fact.DEGREE, (Fact.LANGUAGE_LEVEL, "en"), Fact.STEM_EXPERIENCE),
            id="points-every-row-fact",
        ),
        pytest.param(CHINESE_CITIZEN, K, (Fact.CITIZENSHIP,), id="k-not-needed"),
        pytest.param(GREEN_CARD, H, ((Fact.STATUS, "US"),), id="h1b-not-needed"),
    ],
)
def test_deciding_facts(
    answers: dict[str, object], slug: str, facts: tuple[Fact | tuple[Fact, str], ...]
) -> None:
    expected = tuple(fact if isinstance(fact, tuple) else (fact, "") for fact in facts)
    assert results_by_slug(answers)[slug].deciding_facts == expected


# ---------------------------------------------------------------------------------------------
# What would change the outcome


@pytest.mark.parametrize(
    ("answers", "slug", "expected"),
    [
        pytest.param(
            STEM_BACHELOR_IN_INDIA,
            H,
            (
                Change(((Fact.JOB_OFFER, "", "US"),), POSSIBLE),
                Change(
                    (
                        (Fact.JOB_OFFER, "", "US"),
                        (Fact.SPONSOR, "", "yes"),
                        (Fact.DEGREE_RELATED, "", "direct"),
                    ),
                    CAN,
                ),
            ),
            id="h1b-needs-offer-sponsor-related-degree",
        ),
        pytest.param(
            STEM_BACHELOR_IN_INDIA,
            R,
            (Change(((Fact.JOB_OFFER, "", "CN"),), POSSIBLE),),
            id="r-needs-china-offer",
        ),
        pytest.param(
            NON_STEM,
            K,
            (
                Change(((Fact.FIELD, "", "stem"),), POSSIBLE),
                Change(((Fact.ACADEMIC_ROLE, "", "yes"),), POSSIBLE),
            ),
            id="k-either-route",
        ),
        pytest.param(
            HIGH_SCHOOL,
            K,
            (
                Change(((Fact.DEGREE, "", "bachelor"),), POSSIBLE),
                Change(((Fact.ACADEMIC_ROLE, "", "yes"),), POSSIBLE),
            ),
            id="k-needs-bachelor-or-academic-role",
        ),
        pytest.param(
            HIGH_SCHOOL,
            H,
            (Change(((Fact.JOB_OFFER, "", "US"),), POSSIBLE),),
            id="h1b-without-degree-at-best-possible",
        ),
        pytest.param(
            with_(OPT_IN_US, sponsor=UNKNOWN),
            H,
            (Change(((Fact.SPONSOR, "", "yes"),), CAN),),
            id="sponsor-unknown",
        ),
        pytest.param(
            with_(OPT_IN_US, sponsor="no"),
            H,
            (Change(((Fact.SPONSOR, "", "yes"),), CAN),),
            id="sponsor-no",
        ),
        pytest.param(
            with_(OPT_IN_US, degree_related="general"),
            H,
            (Change(((Fact.DEGREE_RELATED, "", "direct"),), CAN),),
            id="general-degree",
        ),
        pytest.param(
            with_(OFFER_IN_CHINA, sponsor="no"),
            R,
            (Change(((Fact.SPONSOR, "", "yes"),), POSSIBLE),),
            id="r-confirmation-letter",
        ),
        pytest.param(
            STEM_BACHELOR_IN_INDIA,
            P,
            (Change(((Fact.DEGREE, "", "doctorate"),), POSSIBLE),),
            id="points-doctorate-makes-possible",
        ),
        pytest.param(
            with_(POINTS_ONLY, age=35, degree="master", **{ENGLISH: "C1"}, stem_experience=3),
            P,
            (Change(((Fact.DEGREE, "", "doctorate"),), CAN),),
            id="points-never-younger-capped-experience-useless",
        ),
        pytest.param(OPT_IN_US, H, (), id="can-apply-has-no-changes"),
        pytest.param(CHINESE_CITIZEN, K, (), id="not-needed-has-no-changes"),
        pytest.param(STEM_BACHELOR_IN_INDIA, K, (), id="k-possible-by-rule-nothing-to-change"),
        pytest.param(OFFER_IN_CHINA, R, (), id="r-possible-by-rule-nothing-to-change"),
        pytest.param({}, H, (), id="nothing-answered-no-single-change-settles-it"),
    ],
)
def test_changes(answers: dict[str, object], slug: str, expected: tuple[Change, ...]) -> None:
    assert results_by_slug(answers)[slug].changes == expected


def test_changes_never_propose_citizenship() -> None:
    only_some = program(
        "citizens", "Citizens only", "GB", (criterion(Fact.CITIZENSHIP, Operator.IN, ("GB",)),)
    )
    result = evaluate_program(only_some, {"citizenship": "IN"}, today=TODAY)
    assert (result.verdict, result.changes) == (NE, ())


def test_age_is_never_proposed_lower() -> None:
    young_only = program(
        "young",
        "Young talent",
        "CN",
        (
            criterion(Fact.AGE, Operator.AT_MOST, (35,)),
            criterion(Fact.DEGREE, Operator.IN, ("master",)),
        ),
    )
    result = evaluate_program(young_only, {"age": 40, "degree": "bachelor"}, today=TODAY)
    assert (result.verdict, result.changes) == (NE, ())
    grown_up = program("adult", "Adults", "CN", (criterion(Fact.AGE, Operator.BETWEEN, (18, 45)),))
    result = evaluate_program(grown_up, {"age": 16}, today=TODAY)
    assert result.changes == (Change(((Fact.AGE, "", 18),), CAN),)
    assert evaluate_program(grown_up, {"age": 50}, today=TODAY).changes == ()


def test_combined_change_only_when_it_beats_every_single_one() -> None:
    two = program(
        "two",
        "Two requirements",
        "GB",
        (
            criterion(Fact.DEGREE, Operator.AT_LEAST, ("master",)),
            criterion(Fact.LANGUAGE_LEVEL, Operator.AT_LEAST, ("C1",), key="en"),
        ),
    )
    result = evaluate_program(two, {"degree": "bachelor", ENGLISH: "A2"}, today=TODAY)
    assert result.changes == (
        Change(((Fact.DEGREE, "", "master"), (Fact.LANGUAGE_LEVEL, "en", "C1")), CAN),
    )
    result = evaluate_program(two, {"degree": "bachelor", ENGLISH: UNKNOWN}, today=TODAY)
    assert result.changes == (
        Change(((Fact.DEGREE, "", "master"),), POSSIBLE),
        Change(((Fact.DEGREE, "", "master"), (Fact.LANGUAGE_LEVEL, "en", "C1")), CAN),
    )


# ---------------------------------------------------------------------------------------------
# Points tables


@pytest.mark.parametrize(
    ("answers", "low", "high", "status", "cause", "categories"),
    [
        pytest.param(
            with_(POINTS_ONLY, age=29, degree="doctorate", **{ENGLISH: "C2"}, stem_experience=6),
            65,
            65,
            MEETS,
            None,
            {"age": (15, 15), "degree": (30, 30), "english": (10, 10), "experience": (10, 10)},
            id="top-score-experience-capped",
        ),
        pytest.param(
            with_(POINTS_ONLY, age=31, degree="master", **{ENGLISH: "C1"}, stem_experience=3),
            50,
            50,
            MEETS,
            None,
            {"age": (10, 10), "degree": (20, 20), "english": (10, 10), "experience": (10, 10)},
            id="exactly-the-pass-mark",
        ),
        pytest.param(
            with_(POINTS_ONLY, age=35, degree="master", **{ENGLISH: "C1"}, stem_experience=3),
            45,
            45,
            NOT_MET,
            None,
            {"age": (5, 5), "degree": (20, 20), "english": (10, 10), "experience": (10, 10)},
            id="five-short",
        ),
        pytest.param(
            with_(POINTS_ONLY, age=UNKNOWN, degree="master", **{ENGLISH: "C1"}, stem_experience=5),
            40,
            55,
            UNCLEAR,
            Cause.ANSWER_UNKNOWN,
            {"age": (0, 15), "degree": (20, 20), "english": (10, 10), "experience": (10, 10)},
            id="age-unknown-range",
        ),
        pytest.param(
            with_(
                POINTS_ONLY, age=29, degree="doctorate", **{ENGLISH: "C2"}, stem_experience=UNKNOWN
            ),
            55,
            65,
            MEETS,
            None,
            {"age": (15, 15), "degree": (30, 30), "english": (10, 10), "experience": (0, 10)},
            id="experience-unknown-still-meets",
        ),
        pytest.param(
            STEM_BACHELOR_IN_INDIA,
            15,
            25,
            NOT_MET,
            None,
            {"age": (15, 15), "degree": (0, 0), "english": (0, 10), "experience": (0, 0)},
            id="english-not-asked-cannot-save-it",
        ),
        pytest.param(
            with_(STEM_BACHELOR_IN_INDIA, degree=UNKNOWN),
            15,
            55,
            UNCLEAR,
            Cause.ANSWER_UNKNOWN,
            {"age": (15, 15), "degree": (0, 30), "english": (0, 10), "experience": (0, 0)},
            id="unknown-before-not-answered",
        ),
        pytest.param(
            {},
            0,
            65,
            UNCLEAR,
            Cause.NOT_ANSWERED,
            {"age": (0, 15), "degree": (0, 30), "english": (0, 10), "experience": (0, 10)},
            id="nothing-answered",
        ),
    ],
)
def test_points(
    answers: dict[str, object],
    low: int,
    high: int,
    status: Status,
    cause: Cause | None,
    categories: dict[str, tuple[int, int]],
) -> None:
    (points,) = results_by_slug(answers)[P].points
    assert (points.id, points.low, points.high, points.status, points.cause) == (
        POINTS_TABLE.id,
        low,
        high,
        status,
        cause,
    )
    assert points.pass_mark == 50
    assert {c.category: (c.low, c.high) for c in points.categories} == categories
    assert {c.category: c.cap for c in points.categories} == {
        "age": None,
        "degree": None,
        "english": None,
        "experience": 10,
    }


def test_points_rows_say_what_each_answer_earns() -> None:
    answers = with_(POINTS_ONLY, age=31, degree="master", **{ENGLISH: UNKNOWN}, stem_experience=6)
    (points,) = results_by_slug(answers)[P].points
    by_row = {row_.id: (row_.status, row_.cause, row_.low, row_.high) for row_ in points.rows}
    rows = POINTS_TABLE.rows
    assert [by_row[row_.id] for row_ in rows] == [
        (NOT_MET, None, 0, 0),  # 18-29
        (MEETS, None, 10, 10),  # 30-34
        (NOT_MET, None, 0, 0),  # 35-39
        (MEETS, None, 20, 20),  # master
        (NOT_MET, None, 0, 0),  # doctorate
        (UNCLEAR, Cause.ANSWER_UNKNOWN, 0, 10),  # english
        (MEETS, None, 10, 10),  # 3 years
        (MEETS, None, 5, 5),  # 5 years (the category cap of 10 applies to the total)
    ]
    assert (points.low, points.high, points.status) == (40, 50, UNCLEAR)


@pytest.mark.parametrize(
    ("pass_mark", "rows_", "clarity", "status", "cause"),
    [
        pytest.param(None, True, Clarity.CONFIRMED, UNCLEAR, Cause.RULE_UNDEFINED, id="no-mark"),
        pytest.param(50, False, Clarity.CONFIRMED, UNCLEAR, Cause.RULE_UNDEFINED, id="no-rows"),
        pytest.param(10, True, Clarity.UNCLEAR, UNCLEAR, Cause.RULE_UNCLEAR, id="vague-table"),
        pytest.param(10, True, Clarity.CONFIRMED, MEETS, None, id="clear-table"),
        pytest.param(99, True, Clarity.UNCLEAR, NOT_MET, None, id="vague-but-short"),
    ],
)
def test_points_table_definition(
    pass_mark: int | None, rows_: bool, clarity: Clarity, status: Status, cause: Cause | None
) -> None:
    table = points_table(
        "t",
        (row("degree", Fact.DEGREE, Operator.AT_LEAST, ("master",), 20),) if rows_ else (),
        pass_mark=pass_mark,
        clarity=clarity,
    )
    result = evaluate_program(
        program("t", "T", "GB", (), points_tables=(table,)), {"degree": "master"}, today=TODAY
    )
    (points,) = result.points
    assert (points.status, points.cause) == (status, cause)


# ---------------------------------------------------------------------------------------------
# Selection: the lottery estimate, the cap exemption and the master's cap


@pytest.mark.parametrize(
    ("answers", "exemption", "low", "high", "levels"),
    [
        *(
            pytest.param(
                with_(OPT_IN_US, wage_level=level),
                Exemption.SUBJECT,
                WAGE_CHANCES[level],
                WAGE_CHANCES[level],
                (level,),
                id=f"wage-level-{level}",
            )
            for level in ("1", "2", "3", "4")
        ),
        pytest.param(
            with_(OPT_IN_US, wage_level=UNKNOWN),
            Exemption.SUBJECT,
            "15.29",
            "61.16",
            ("1", "2", "3", "4"),
            id="wage-level-unknown-range",
        ),
        pytest.param(
            without(OPT_IN_US, "wage_level"),
            Exemption.SUBJECT,
            "15.29",
            "61.16",
            ("1", "2", "3", "4"),
            id="wage-level-not-answered-range",
        ),
        pytest.param(
            with_(OPT_IN_US, employer_type="research"),
            Exemption.EXEMPT,
            None,
            None,
            (),
            id="research-employer-exempt",
        ),
        pytest.param(
            with_(OPT_IN_US, employer_type="research", wage_level="4"),
            Exemption.EXEMPT,
            None,
            None,
            (),
            id="exempt-whatever-the-wage",
        ),
        pytest.param(
            with_(OPT_IN_US, employer_type=UNKNOWN),
            Exemption.MAYBE_EXEMPT,
            "30.58",
            "30.58",
            ("2",),
            id="employer-type-unknown-maybe-exempt",
        ),
    ],
)
def test_h1b_lottery_estimate(
    answers: dict[str, object],
    exemption: Exemption,
    low: str | None,
    high: str | None,
    levels: tuple[str, ...],
) -> None:
    selection = results_by_slug(answers)[H].selection
    assert selection.mechanism is Selection.WEIGHTED_LOTTERY
    assert selection.exemption is exemption
    assert selection.chance_low == (Decimal(low) if low else None)
    assert selection.chance_high == (Decimal(high) if high else None)
    assert selection.chance_figures == tuple(H1B_CHANCE[level].id for level in levels)
    assert [node.ref for node in selection.exemptions] == [str(H1B_CAP_EXEMPT.id)]


def test_fy2026_rates_are_shown_but_never_an_estimate() -> None:
    result = results_by_slug(with_(OPT_IN_US, wage_level=UNKNOWN))[H]
    for rule in (H1B_FY2026_PER_PERSON, H1B_FY2026_PER_REGISTRATION):
        assert figure_result(result, rule).applies is MEETS
        assert rule.id not in result.selection.chance_figures


@pytest.mark.parametrize(
    ("answers", "status"),
    [
        pytest.param(OPT_IN_US, MEETS, id="us-master"),
        pytest.param(with_(OPT_IN_US, degree="doctorate"), MEETS, id="us-doctorate"),
        pytest.param(with_(OPT_IN_US, degree_country="IN"), NOT_MET, id="foreign-master"),
        pytest.param(with_(OPT_IN_US, degree="bachelor"), NOT_MET, id="us-bachelor"),
        pytest.param(with_(OPT_IN_US, degree_country=UNKNOWN), UNCLEAR, id="country-unknown"),
    ],
)
def test_masters_cap_advantage(answers: dict[str, object], status: Status) -> None:
    result = results_by_slug(answers)[H]
    (advantage,) = result.selection.advantages
    assert (advantage.ref, advantage.status) == ("h1b-masters-cap", status)
    assert [child.ref for child in advantage.children] == [
        str(H1B_MASTERS_DEGREE.id),
        str(H1B_MASTERS_COUNTRY.id),
    ]
    assert result.verdict is CAN  # an advantage never decides whether you can apply


@pytest.mark.parametrize(
    ("slug", "mechanism", "exemption"),
    [
        pytest.param(K, Selection.DISCRETIONARY, Exemption.SUBJECT, id="k"),
        pytest.param(R, Selection.DISCRETIONARY, Exemption.SUBJECT, id="r"),
        pytest.param(P, Selection.NONE, Exemption.EXEMPT, id="points"),
    ],
)
def test_other_selection_mechanisms(slug: str, mechanism: Selection, exemption: Exemption) -> None:
    selection = results_by_slug(OPT_IN_US)[slug].selection
    assert (selection.mechanism, selection.exemption) == (mechanism, exemption)
    assert (selection.chance_low, selection.chance_high, selection.chance_figures) == (
        None,
        None,
        (),
    )


# ---------------------------------------------------------------------------------------------
# Figures and legal status


@pytest.mark.parametrize(
    ("answers", "applies", "cause", "answer"),
    [
        pytest.param(OFFER_FROM_INDIA, UNCLEAR, Cause.LEGAL_STATUS, "none", id="outside-us"),
        pytest.param(OPT_IN_US, NOT_MET, None, "f1_opt", id="change-of-status-in-us"),
        pytest.param(with_(OPT_IN_US, **{US_STATUS: "h1b"}), NOT_MET, None, "h1b", id="h1b-holder"),
        pytest.param(
            {US_STATUS: UNKNOWN}, UNCLEAR, Cause.ANSWER_UNKNOWN, UNKNOWN, id="status-unknown"
        ),
        pytest.param({"residence": "US"}, UNCLEAR, Cause.NOT_ANSWERED, None, id="not-answered"),
        pytest.param(
            {"residence": UNKNOWN}, UNCLEAR, Cause.NOT_ANSWERED, None, id="residence-unknown"
        ),
    ],
)
def test_h1b_payment(
    answers: dict[str, object], applies: Status, cause: Cause | None, answer: object
) -> None:
    item = figure_result(results_by_slug(answers)[H], H1B_PAYMENT)
    assert (item.applies, item.cause, item.answer) == (applies, cause, answer)
    assert item.legal is LegalStatus.UNKNOWN


def test_h1b_payment_legal_record() -> None:
    legal = H1B_PAYMENT.legal
    assert (legal.status, legal.changed_on, legal.effective_from, legal.note) == (
        LegalStatus.UNKNOWN,
        date(2026, 9, 21),
        date(2025, 9, 21),
        PAYMENT_LEGAL_NOTE,
    )
    assert legal.on(date(2025, 9, 1)) is LegalStatus.UNKNOWN  # not "not yet": it is unknown
    assert H1B_PAYMENT.value == Decimal("100000")


def test_h1b_payment_would_apply_if_it_were_in_force() -> None:
    in_force = replace(H1B_PAYMENT, legal=Legal(effective_from=date(2025, 9, 21)))
    rules_ = replace(H1B, figures=tuple(in_force if f is H1B_PAYMENT else f for f in H1B.figures))
    result = evaluate_program(rules_, OFFER_FROM_INDIA, today=TODAY)
    assert figure_result(result, in_force) == FigureResult(in_force.id, MEETS, None, "none")


@pytest.mark.parametrize(
    ("rule", "today", "legal", "applies"),
    [
        pytest.param(H1B_PREMIUM_OLD, TODAY, LegalStatus.EXPIRED, NOT_MET, id="old-premium"),
        pytest.param(H1B_PREMIUM, TODAY, LegalStatus.IN_FORCE, MEETS, id="new-premium"),
        pytest.param(
            H1B_PREMIUM_OLD, date(2026, 2, 28), LegalStatus.IN_FORCE, MEETS, id="old-last-day"
        ),
        pytest.param(
            H1B_PREMIUM, date(2026, 2, 28), LegalStatus.NOT_YET, NOT_MET, id="new-not-yet"
        ),
        pytest.param(H1B_PREMIUM, date(2026, 3, 1), LegalStatus.IN_FORCE, MEETS, id="new-first"),
        pytest.param(H1B_PUBLIC_LAW_FEE, TODAY, LegalStatus.IN_FORCE, MEETS, id="pl-114-113"),
        pytest.param(
            H1B_PUBLIC_LAW_FEE,
            date(2027, 9, 30),
            LegalStatus.IN_FORCE,
            MEETS,
            id="pl-114-113-last-day",
        ),
        pytest.param(
            H1B_PUBLIC_LAW_FEE, date(2027, 10, 1), LegalStatus.EXPIRED, NOT_MET, id="pl-expired"
        ),
        pytest.param(H1B_I129, date(2024, 3, 31), LegalStatus.NOT_YET, NOT_MET, id="i129-early"),
    ],
)
def test_figure_legal_status_follows_dates(
    rule: FigureRule, today: date, legal: LegalStatus, applies: Status
) -> None:
    """A past or future amount does not apply today, with the legal status as the cause."""
    item = figure_result(evaluate_program(H1B, OPT_IN_US, today=today), rule)
    assert (item.legal, item.applies) == (legal, applies)
    assert item.cause is (Cause.LEGAL_STATUS if legal is not LegalStatus.IN_FORCE else None)


@pytest.mark.parametrize(
    ("legal", "today", "expected"),
    [
        pytest.param(Legal(), TODAY, LegalStatus.IN_FORCE, id="plain"),
        pytest.param(Legal(effective_to=TODAY), TODAY, LegalStatus.IN_FORCE, id="last-day"),
        pytest.param(
            Legal(effective_to=date(2026, 11, 28)), TODAY, LegalStatus.EXPIRED, id="expired"
        ),
        pytest.param(
            Legal(LegalStatus.VACATED, effective_to=date(2026, 1, 1)),
            TODAY,
            LegalStatus.EXPIRED,
            id="dates-win",
        ),
        pytest.param(Legal(effective_from=TODAY), TODAY, LegalStatus.IN_FORCE, id="first-day"),
        pytest.param(
            Legal(effective_from=date(2026, 11, 30)), TODAY, LegalStatus.NOT_YET, id="not-yet"
        ),
        pytest.param(
            Legal(LegalStatus.PROPOSED, effective_from=date(2027, 1, 1)),
            TODAY,
            LegalStatus.PROPOSED,
            id="proposed-stays-proposed",
        ),
        pytest.param(Legal(LegalStatus.STAYED), TODAY, LegalStatus.STAYED, id="stayed"),
    ],
)
def test_legal_on(legal: Legal, today: date, expected: LegalStatus) -> None:
    assert legal.on(today) is expected


@pytest.mark.parametrize(
    "legal",
    [
        pytest.param(Legal(LegalStatus.VACATED), id="vacated"),
        pytest.param(Legal(LegalStatus.UNDER_APPEAL), id="under-appeal"),
        pytest.param(Legal(effective_to=date(2026, 1, 1)), id="expired"),
        pytest.param(Legal(effective_from=date(2027, 1, 1)), id="not-yet"),
    ],
)
def test_required_rule_not_in_force_cannot_count_against(legal: Legal) -> None:
    shaky = replace(H1B_SPONSOR, legal=legal)
    rules_ = replace_rule(H1B, H1B_SPONSOR, shaky)
    result = evaluate_program(rules_, with_(OPT_IN_US, sponsor="no"), today=TODAY)
    item = criterion_result(result, shaky)
    assert (item.status, item.cause, item.legal) == (UNCLEAR, Cause.LEGAL_STATUS, legal.on(TODAY))
    assert result.verdict is POSSIBLE
    assert result.changes == ()  # the answer is not what makes it unclear
    met = evaluate_program(rules_, OPT_IN_US, today=TODAY)
    assert (criterion_result(met, shaky).status, met.verdict) == (MEETS, CAN)


def test_exemption_not_in_force_makes_it_a_maybe() -> None:
    stayed = replace(H1B_CAP_EXEMPT, legal=Legal(LegalStatus.STAYED))
    result = evaluate_program(
        replace_rule(H1B, H1B_CAP_EXEMPT, stayed),
        with_(OPT_IN_US, employer_type="research"),
        today=TODAY,
    )
    item = criterion_result(result, stayed)
    assert (item.status, item.cause) == (UNCLEAR, Cause.LEGAL_STATUS)
    assert result.selection.exemption is Exemption.MAYBE_EXEMPT
    assert result.selection.chance_low == Decimal("30.58")


def test_not_needed_rule_not_in_force_does_not_settle_it() -> None:
    proposed = replace(K_NOT_FOR_CHINESE, legal=Legal(LegalStatus.PROPOSED))
    result = evaluate_program(
        replace_rule(K_VISA, K_NOT_FOR_CHINESE, proposed), CHINESE_CITIZEN, today=TODAY
    )
    assert criterion_result(result, proposed).cause is Cause.LEGAL_STATUS
    assert result.verdict is POSSIBLE
    assert result.not_needed_by == ()


def test_chance_figure_not_in_force_is_not_an_estimate() -> None:
    proposed = replace(H1B_CHANCE["2"], legal=Legal(LegalStatus.PROPOSED))
    rules_ = replace(
        H1B, figures=tuple(proposed if f is H1B_CHANCE["2"] else f for f in H1B.figures)
    )
    exact = evaluate_program(rules_, OPT_IN_US, today=TODAY).selection
    assert (exact.chance_low, exact.chance_high, exact.chance_figures) == (None, None, ())
    ranged = evaluate_program(rules_, with_(OPT_IN_US, wage_level=UNKNOWN), today=TODAY)
    assert ranged.selection.chance_figures == tuple(H1B_CHANCE[k].id for k in ("1", "3", "4"))


def test_points_table_not_in_force_cannot_count_against() -> None:
    vacated = replace(POINTS_TABLE, legal=Legal(LegalStatus.VACATED))
    rules_ = replace(POINTS_PROGRAM, points_tables=(vacated,))
    result = evaluate_program(rules_, HIGH_SCHOOL, today=TODAY)
    (points,) = result.points
    assert (points.status, points.cause, points.legal) == (
        UNCLEAR,
        Cause.LEGAL_STATUS,
        LegalStatus.VACATED,
    )
    assert result.verdict is POSSIBLE


def test_caveat_legal_status() -> None:
    old = caveat("An old rule", legal=Legal(effective_to=date(2026, 1, 1)))
    rules_ = replace(K_VISA, caveats=(*K_VISA.caveats, old))
    result = evaluate_program(rules_, {}, today=TODAY)
    assert result.caveats[-1] == rules.CaveatResult(old.id, LegalStatus.EXPIRED)
    assert all(item.legal is LegalStatus.IN_FORCE for item in result.caveats[:-1])


@pytest.mark.parametrize(
    ("status", "answers", "verdict", "cause"),
    [
        pytest.param(ProgramStatus.SUSPENDED, OPT_IN_US, NE, Cause.PROGRAM_STATUS, id="suspended"),
        pytest.param(
            ProgramStatus.SUSPENDED, US_CITIZEN, NOT_NEEDED, None, id="not-needed-beats-suspended"
        ),
        pytest.param(
            ProgramStatus.ANNOUNCED, OPT_IN_US, POSSIBLE, Cause.PROGRAM_STATUS, id="announced"
        ),
        pytest.param(
            ProgramStatus.PROPOSED, OPT_IN_US, POSSIBLE, Cause.PROGRAM_STATUS, id="proposed"
        ),
        pytest.param(
            ProgramStatus.PROPOSED, with_(OPT_IN_US, sponsor="no"), NE, None, id="proposed-fails"
        ),
    ],
)
def test_program_status(
    status: ProgramStatus, answers: dict[str, object], verdict: Verdict, cause: Cause | None
) -> None:
    result = evaluate_program(replace(H1B, status=status), answers, today=TODAY)
    assert (result.verdict, result.cause) == (verdict, cause)
    if cause is Cause.PROGRAM_STATUS:
        assert result.changes == ()


# ---------------------------------------------------------------------------------------------
# The hand-built content itself


def test_content_mirrors_the_design() -> None:
    assert [p.slug for p in PROGRAMS] == ["china-k-visa", "us-h1b", "china-r-visa"]
    assert {g.key: (g.parent, g.combine, g.importance, g.route) for g in H1B.groups} == {
        "h1b-qualification": ("", Combine.ANY, Importance.REQUIRED, ""),
        "h1b-degree": ("h1b-qualification", Combine.ALL, Importance.REQUIRED, HD_ROUTE),
        "h1b-equivalent": ("h1b-qualification", Combine.ALL, Importance.REQUIRED, HE_ROUTE),
        "h1b-masters-cap": ("", Combine.ALL, Importance.SELECTION_ADVANTAGE, ""),
    }
    assert K_VISA.facts_used() == {
        (fact, "")
        for fact in (
            Fact.CITIZENSHIP,
            Fact.DEGREE,
            Fact.FIELD,
            Fact.INSTITUTION,
            Fact.ACADEMIC_ROLE,
            Fact.STEM_EXPERIENCE,
            Fact.AGE,
        )
    }
    # "Mandarin counts in your favour" is gone.
    assert (Fact.LANGUAGE_LEVEL, "zh") not in K_VISA.facts_used()
    chance = [f for f in H1B.figures if f.estimates_chance]
    assert [(f.value, f.applies) for f in chance] == [
        (Decimal(v), Condition(Fact.WAGE_LEVEL, Operator.IN, (k,))) for k, v in WAGE_CHANCES.items()
    ]
    assert all(f.kind is FigureKind.SELECTION_RATE and f.unit == "%" for f in chance)
    for rules_ in ALL_PROGRAMS:
        ids = [
            *(c.id for c in rules_.criteria),
            *(f.id for f in rules_.figures),
            *(c.id for c in rules_.caveats),
            *(t.id for t in rules_.points_tables),
            *(r.id for t in rules_.points_tables for r in t.rows),
        ]
        assert len(ids) == len(set(ids))
        for rule in rules_.criteria:
            assert not rules.readable(rule.condition) or rule.condition.operator in (
                OPERATORS_BY_KIND[FACTS[rule.condition.fact].kind] | {Operator.ANY}
            )


def test_synthetic_programs_for_benchmarks() -> None:
    programs = synthetic_programs(12)
    assert len(programs) == 12
    assert len({p.slug for p in programs}) == 12
    assert {replace(p, slug="", name="", url="") for p in programs} == {
        replace(p, slug="", name="", url="") for p in ALL_PROGRAMS
    }
    results = evaluate(programs, OPT_IN_US, today=TODAY)
    assert [r.program.slug for r in results] == [p.slug for p in programs]
    assert [r.verdict for r in results[:4]] == [r.verdict for r in results[4:8]]


def test_answers_that_are_not_a_mapping_count_as_unanswered() -> None:
    result = evaluate_program(H1B, None, today=TODAY)  # type: ignore[arg-type]
    assert result.verdict is POSSIBLE
    assert result == evaluate_program(H1B, {}, today=TODAY)


def test_fact_enum_keys_work_like_strings() -> None:
    by_enum = {
        Fact(key) if key in Fact._value2member_map_ else key: value
        for key, value in OPT_IN_US.items()
    }
    assert evaluate(ALL_PROGRAMS, by_enum, today=TODAY) == evaluate(
        ALL_PROGRAMS, OPT_IN_US, today=TODAY
    )


def test_rule_objects_are_frozen() -> None:
    with pytest.raises(AttributeError):
        K_VISA.name = "Other"  # type: ignore[misc]
    assert replace(K_VISA, name="Other").name == "Other"


# ---------------------------------------------------------------------------------------------
# Engine edge cases found in review (each once a bug, now fixed)


def test_invalid_us_status_outside_the_us_reads_as_none() -> None:
    item = figure_result(
        results_by_slug(with_(OFFER_FROM_INDIA, **{US_STATUS: None}))[H], H1B_PAYMENT
    )
    assert (item.answer, item.cause) == ("none", Cause.LEGAL_STATUS)


def test_change_of_residence_is_evaluated_as_the_applicant_would_answer() -> None:
    rules_ = program(
        "residents",
        "Residents",
        "US",
        (
            criterion(Fact.RESIDENCE, Operator.IN, ("US",), group="where"),
            criterion(Fact.AGE, Operator.UNSPECIFIED, clarity=Clarity.UNCLEAR, group="where"),
            criterion(Fact.STATUS, Operator.IN, ("none",), key="US"),
        ),
        groups=(group("where", Combine.ANY),),
    )
    answers = {"residence": "IN"}
    result = evaluate_program(rules_, answers, today=TODAY)
    assert result.verdict is POSSIBLE
    # Moving to the US would not settle the US status: no change may claim it would.
    for change in result.changes:
        changed = {**answers, **{answer_key(f, k): value for f, k, value in change.updates}}
        assert evaluate_program(rules_, changed, today=TODAY).verdict is change.verdict


def test_points_table_and_criterion_ids_may_coincide() -> None:
    mandarin = replace(
        criterion(
            Fact.LANGUAGE_LEVEL,
            Operator.AT_LEAST,
            ("A2",),
            importance=Importance.FAVOURABLE,
            key="zh",
        ),
        id=1,
    )
    table = replace(
        points_table(
            "t", (row("degree", Fact.DEGREE, Operator.IN, ("doctorate",), 10),), pass_mark=10
        ),
        id=1,
    )
    rules_ = program("ids", "Ids", "GB", (mandarin,), points_tables=(table,))
    assert evaluate_program(rules_, {"degree": "bachelor"}, today=TODAY).verdict is NE


def test_points_maximum_ignores_rows_already_failed() -> None:
    table = points_table(
        "t",
        (
            row("a", Fact.DEGREE, Operator.IN, ("doctorate",), 30),
            row("a", Fact.AGE, Operator.UNSPECIFIED, (), 10),
        ),
        pass_mark=25,
    )
    result = evaluate_program(
        program("pp", "PP", "GB", (), points_tables=(table,)),
        {"degree": "bachelor", "age": 30},
        today=TODAY,
    )
    (points,) = result.points
    assert (points.high, points.status, result.verdict) == (10, NOT_MET, NE)


# ---------------------------------------------------------------------------------------------
# Properties: for any answers whatever, and for random programs

ENUM_VALUES = sorted(
    {member.value for spec in FACTS.values() if spec.values for member in spec.values}
)
ANY_VALUE = st.one_of(
    st.sampled_from(ENUM_VALUES),
    st.just(UNKNOWN),
    st.integers(min_value=-5, max_value=130),
    st.text(max_size=8),
    st.none(),
    st.booleans(),
    st.floats(allow_nan=True),
    st.lists(st.sampled_from(ENUM_VALUES), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.decimals(allow_nan=True),
)
ANSWERS = st.dictionaries(
    keys=st.one_of(st.sampled_from(answer_keys()), st.text(max_size=6)),
    values=ANY_VALUE,
    max_size=len(answer_keys()) + 3,
)


def real_values(fact: Fact, key: str = "") -> st.SearchStrategy[str | int]:
    spec = FACTS[fact].at(key)
    assert spec is not None
    if spec.values is not None:
        return st.sampled_from([member.value for member in spec.values])
    return st.integers(min_value=spec.minimum, max_value=spec.maximum)


VALID_ANSWERS = st.fixed_dictionaries(
    {},
    optional={
        answer_key(fact, key): st.one_of(
            real_values(fact, key), real_values(fact, key), st.just(UNKNOWN)
        )
        for fact, key in SLOTS
    },
)
SOME_ANSWERS = st.one_of(VALID_ANSWERS, VALID_ANSWERS, ANSWERS)
LEGALS = st.sampled_from(
    [
        rules.IN_FORCE,
        rules.IN_FORCE,
        rules.IN_FORCE,
        Legal(LegalStatus.VACATED),
        Legal(LegalStatus.UNKNOWN, changed_on=date(2026, 9, 21), note="Disputed."),
        Legal(effective_to=date(2026, 1, 1)),
        Legal(effective_from=date(2027, 1, 1)),
    ]
)


@st.composite
def conditions(draw: st.DrawFn, slot: tuple[Fact, str]) -> Condition:
    fact, key = slot
    spec = FACTS[fact].at(key)
    assert spec is not None
    if spec.values is not None:
        pool: list[str | int] = [member.value for member in spec.values]
    else:
        pool = sorted({spec.minimum, spec.maximum, 18, 25, 30, 35, 45, 3, 5, 10})
    if draw(st.integers(0, 9)) == 0:  # now and then a malformed one
        operator = draw(st.sampled_from(list(Operator)))
        junk = [*pool, "nonsense", spec.maximum + 5]
        key = draw(st.sampled_from([key, key, "xx"]))  # now and then a key the fact lacks
        junk_values = tuple(draw(st.lists(st.sampled_from(junk), max_size=3)))
        return Condition(fact, operator, junk_values, key)
    operator = draw(
        st.sampled_from(sorted(OPERATORS_BY_KIND[spec.kind] | {Operator.ANY, Operator.UNSPECIFIED}))
    )
    if operator in (Operator.ANY, Operator.UNSPECIFIED):
        values: tuple[str | int, ...] = ()
    elif operator in (Operator.IN, Operator.NOT_IN):
        values = tuple(draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True)))
    elif operator is Operator.BETWEEN:
        values = tuple(sorted(draw(st.lists(st.sampled_from(pool), min_size=2, max_size=2))))
    else:
        values = (draw(st.sampled_from(pool)),)
    return Condition(fact, operator, values, key)


@st.composite
def random_programs(
    draw: st.DrawFn, *, unique_facts: bool = False, exclude: frozenset[Fact] = frozenset()
) -> ProgramRules:
    available = [slot for slot in SLOTS if slot[0] not in exclude]
    order = iter(draw(st.permutations(available)))

    def next_fact() -> tuple[Fact, str]:
        return next(order) if unique_facts else draw(st.sampled_from(available))

    groups = []
    for index in range(draw(st.integers(0, 4))):
        groups.append(
            group(
                f"g{index}",
                draw(st.sampled_from(list(Combine))),
                parent=draw(st.sampled_from(["", *(g.key for g in groups)])),
                importance=draw(st.sampled_from(list(Importance))),
                route=draw(st.sampled_from(["", f"Route {index}"])),
            )
        )
    keys = ["", "", "missing-group", *(g.key for g in groups)]
    criteria = []
    for _ in range(draw(st.integers(0, 5 if unique_facts else 6))):
        condition = draw(conditions(next_fact()))
        clarity = draw(st.sampled_from(list(Clarity)))
        if condition.operator is Operator.UNSPECIFIED:
            clarity = Clarity.UNCLEAR
        criteria.append(
            criterion(
                condition.fact,
                condition.operator,
                condition.values,
                importance=draw(st.sampled_from(list(Importance))),
                clarity=clarity,
                group=draw(st.sampled_from(keys)),
                legal=draw(LEGALS),
                key=condition.key,
            )
        )
    tables = []
    for index in range(draw(st.integers(0, 1))):
        table_rows = []
        for _ in range(draw(st.integers(0, 3))):
            condition = draw(conditions(next_fact()))
            table_rows.append(
                row(
                    draw(st.sampled_from(["a", "b"])),
                    condition.fact,
                    condition.operator,
                    condition.values,
                    draw(st.integers(0, 30)),
                    key=condition.key,
                )
            )
        tables.append(
            points_table(
                f"t{index}",
                tuple(table_rows),
                pass_mark=draw(st.one_of(st.none(), st.integers(0, 60))),
                caps=draw(st.sampled_from([(), (("a", 20),), (("a", 10), ("b", 15))])),
                group=draw(st.sampled_from(keys)),
                clarity=draw(st.sampled_from(list(Clarity))),
                legal=draw(LEGALS),
            )
        )
    figures = []
    for _ in range(draw(st.integers(0, 3))):
        applies = draw(st.one_of(st.none(), st.sampled_from(available).flatmap(conditions)))
        figures.append(
            figure(
                "A figure",
                kind=draw(st.sampled_from(list(FigureKind))),
                value=draw(st.one_of(st.none(), st.decimals(0, 10**6, places=2))),
                applies=applies,
                legal=draw(LEGALS),
                estimates_chance=draw(st.booleans()),
            )
        )
    return program(
        "random",
        "Random program",
        "GB",
        tuple(criteria),
        tuple(figures),
        (caveat("A caveat", legal=draw(LEGALS)),),
        groups=tuple(groups),
        points_tables=tuple(tables),
        selection=draw(st.sampled_from(list(Selection))),
        status=draw(st.sampled_from(list(ProgramStatus))),
    )


PROGRAM = st.one_of(st.sampled_from(ALL_PROGRAMS), random_programs())


@settings(max_examples=200, deadline=None)
@given(rules_=PROGRAM, answers=ANSWERS)
def test_never_crashes_and_is_consistent(rules_: ProgramRules, answers: dict) -> None:
    result = evaluate_program(rules_, answers, today=TODAY)
    assert evaluate_program(rules_, answers, today=TODAY) == result  # deterministic
    assert (result.verdict is NOT_NEEDED) == bool(result.not_needed_by)
    if result.verdict is not NOT_NEEDED:
        requirements = result.requirements.status
        if rules_.status is ProgramStatus.SUSPENDED:
            assert (result.verdict, result.cause) == (NE, Cause.PROGRAM_STATUS)
        elif requirements is NOT_MET:
            assert result.verdict is NE
        elif requirements is UNCLEAR:
            assert result.verdict is POSSIBLE
        elif rules_.status is ProgramStatus.IN_FORCE:
            assert result.verdict is CAN
        else:
            assert (result.verdict, result.cause) == (POSSIBLE, Cause.PROGRAM_STATUS)
    for item in (*result.criteria, *result.points):
        assert (item.cause is None) == (item.status is not UNCLEAR)
    for figure_item in result.figures:
        if figure_item.applies is UNCLEAR:
            assert figure_item.cause is not None
        elif figure_item.cause is not None:  # a past or future amount does not apply
            assert (figure_item.applies, figure_item.cause) == (NOT_MET, Cause.LEGAL_STATUS)
            assert figure_item.legal in (LegalStatus.EXPIRED, LegalStatus.NOT_YET)
        if figure_item.legal is not LegalStatus.IN_FORCE:
            assert figure_item.applies is not MEETS
    assert all(node.status is NOT_MET for node in result.warnings)
    routes = {g.key for g in rules_.groups if g.route}
    assert {node.ref for node in result.routes} <= routes
    selection = result.selection
    assert (selection.chance_low is None) == (selection.chance_high is None)
    if selection.chance_low is not None:
        assert selection.chance_high is not None
        assert selection.chance_low <= selection.chance_high
        assert selection.exemption is not Exemption.EXEMPT
    if result.verdict not in (NE, POSSIBLE):
        assert result.changes == ()


@settings(max_examples=200, deadline=None)
@given(answers=ANSWERS)
def test_the_payment_never_plainly_applies(answers: dict) -> None:
    item = figure_result(evaluate_program(H1B, answers, today=TODAY), H1B_PAYMENT)
    assert item.applies is not MEETS
    assert item.legal is LegalStatus.UNKNOWN


@settings(max_examples=200, deadline=None)
@given(
    rules_=st.one_of(
        st.sampled_from(ALL_PROGRAMS),
        # A change of residence is left out: see test_change_of_residence_is_evaluated_...
        random_programs(exclude=frozenset({Fact.RESIDENCE})),
    ),
    answers=SOME_ANSWERS,
)
def test_every_change_improves_the_verdict(rules_: ProgramRules, answers: dict) -> None:
    result = evaluate_program(rules_, answers, today=TODAY)
    singles = [change for change in result.changes if len(change.updates) == 1]
    for change in result.changes:
        changed = {**answers, **{answer_key(f, k): value for f, k, value in change.updates}}
        after = evaluate_program(rules_, changed, today=TODAY).verdict
        assert after is change.verdict
        assert RANK[after] > RANK[result.verdict]
        updates = {fact: value for fact, _key, value in change.updates}
        assert Fact.CITIZENSHIP not in updates
        age = answers.get("age")
        valid_age = isinstance(age, int) and not isinstance(age, bool) and 14 <= age <= 100
        if Fact.AGE in updates and valid_age:
            assert updates[Fact.AGE] >= age  # nobody becomes younger
        if len(change.updates) > 1:
            assert all(RANK[change.verdict] > RANK[single.verdict] for single in singles)


def candidates(rules_: ProgramRules, fact: Fact, key: str) -> list[str | int]:
    """Every real answer worth trying: all values, or for a number the range ends and each
    threshold used anywhere with its neighbours (conditions are steps at those)."""
    spec = FACTS[fact].at(key)
    assert spec is not None
    if spec.values is not None:
        return [member.value for member in spec.values]
    conditions_ = [c.condition for c in rules_.criteria]
    conditions_ += [r.condition for t in rules_.points_tables for r in t.rows]
    numbers = {spec.minimum, spec.maximum}
    for condition in conditions_:
        for value in condition.values:
            if isinstance(value, int) and not isinstance(value, bool):
                numbers |= {value - 1, value, value + 1}
    return sorted(n for n in numbers if spec.minimum <= n <= spec.maximum)


@settings(max_examples=150, deadline=None)
@given(
    rules_=st.one_of(st.sampled_from(ALL_PROGRAMS), random_programs(unique_facts=True)),
    answers=VALID_ANSWERS,
    slot=st.sampled_from(SLOTS),
    us_status=real_values(Fact.STATUS, "US"),
)
def test_dont_know_lies_between_the_real_answers(
    rules_: ProgramRules, answers: dict, slot: tuple[Fact, str], us_status: str
) -> None:
    """With each fact used once, "I don't know" is never better than the best real answer
    nor worse than the worst. (US status is given so residence does not derive it.)"""
    fact, key = slot
    base = {US_STATUS: us_status, **answers}
    asked = answer_key(fact, key)
    unknown = evaluate_program(rules_, {**base, asked: UNKNOWN}, today=TODAY).verdict
    real = [
        RANK[evaluate_program(rules_, {**base, asked: value}, today=TODAY).verdict]
        for value in candidates(rules_, fact, key)
    ]
    assert min(real) <= RANK[unknown] <= max(real)


@settings(max_examples=200, deadline=None)
@given(rules_=PROGRAM, answers=st.one_of(ANSWERS, VALID_ANSWERS))
def test_snapshot_round_trip(rules_: ProgramRules, answers: dict) -> None:
    results = evaluate((rules_,), answers, today=TODAY)
    text = json.dumps(rules.snapshot_dump(results), allow_nan=False)
    kept = json.dumps(rules.snapshot_rules(results), allow_nan=False)
    rules._RULES_LOADED.clear()  # read the rules back from their JSON too
    assert rules.snapshot_load(json.loads(text), json.loads(kept)) == results


@settings(max_examples=50, deadline=None)
@given(answers=ANSWERS)
def test_evaluate_keeps_program_order(answers: dict) -> None:
    results = evaluate(ALL_PROGRAMS, answers, today=TODAY)
    assert [result.program for result in results] == list(ALL_PROGRAMS)


# ---------------------------------------------------------------------------------------------
# Keyed facts: one fact per country or language, the key named by the condition

MANDARIN_B1 = criterion(Fact.LANGUAGE_LEVEL, Operator.AT_LEAST, ("B1",), key="zh")
OFFER_IN_CN = criterion(Fact.JOB_OFFER, Operator.IN, ("CN",))
KEYED = program("keyed", "Keyed", "CN", (MANDARIN_B1, OFFER_IN_CN))
MANDARIN = answer_key(Fact.LANGUAGE_LEVEL, "zh")


@pytest.mark.parametrize(
    ("answers", "status", "cause", "answer"),
    [
        pytest.param({MANDARIN: "B2"}, MEETS, None, "B2", id="above"),
        pytest.param({MANDARIN: "B1"}, MEETS, None, "B1", id="at"),
        pytest.param({MANDARIN: "A2"}, NOT_MET, None, "A2", id="below"),
        pytest.param({MANDARIN: "none"}, NOT_MET, None, "none", id="none"),
        pytest.param({ENGLISH: "C2"}, UNCLEAR, Cause.NOT_ANSWERED, None, id="other-language"),
        pytest.param({"language_level": "C2"}, UNCLEAR, Cause.NOT_ANSWERED, None, id="no-key"),
        pytest.param({MANDARIN: "native"}, UNCLEAR, Cause.NOT_ANSWERED, None, id="old-level"),
        pytest.param({MANDARIN: UNKNOWN}, UNCLEAR, Cause.ANSWER_UNKNOWN, UNKNOWN, id="unknown"),
    ],
)
def test_a_keyed_condition_reads_the_answer_at_its_key(
    answers: dict[str, object], status: Status, cause: Cause | None, answer: object
) -> None:
    result = criterion_result(evaluate_program(KEYED, answers, today=TODAY), MANDARIN_B1)
    assert (result.status, result.cause, result.answer) == (status, cause, answer)
    if cause is Cause.ANSWER_UNKNOWN:
        assert result.meets_with == ("B1", "B2", "C1", "C2")


@pytest.mark.parametrize(
    "condition",
    [
        pytest.param(
            Condition(Fact.LANGUAGE_LEVEL, Operator.AT_LEAST, ("B1",), "xx"), id="no-such-key"
        ),
        pytest.param(Condition(Fact.LANGUAGE_LEVEL, Operator.AT_LEAST, ("B1",)), id="key-missing"),
        pytest.param(Condition(Fact.STATUS, Operator.IN, ("none",), "DE"), id="no-statuses-for-de"),
        pytest.param(Condition(Fact.AGE, Operator.AT_LEAST, (18,), "US"), id="key-on-unkeyed-fact"),
    ],
)
def test_a_key_the_fact_does_not_have_reads_as_unclear(condition: Condition) -> None:
    rule = criterion(condition.fact, condition.operator, condition.values, key=condition.key)
    answers = {MANDARIN: "C2", ENGLISH: "C2", "language_level": "C2", "age": 30, "residence": "GB"}
    result = evaluate_program(program("k", "K", "GB", (rule,)), answers, today=TODAY)
    assert (result.criteria[0].status, result.criteria[0].cause) == (UNCLEAR, Cause.RULE_UNDEFINED)
    assert result.verdict is POSSIBLE
    assert result.changes == ()


def test_job_offer_is_a_country() -> None:
    for offer, status in (("CN", MEETS), ("US", NOT_MET), ("other", NOT_MET), ("none", NOT_MET)):
        answers = {MANDARIN: "C1", "job_offer": offer}
        assert (
            criterion_result(evaluate_program(KEYED, answers, today=TODAY), OFFER_IN_CN).status
            is status
        )
    old = evaluate_program(KEYED, {MANDARIN: "C1", "job_offer": "china"}, today=TODAY)
    assert criterion_result(old, OFFER_IN_CN).cause is Cause.NOT_ANSWERED  # not a value now


def test_what_would_change_this_proposes_keyed_answers() -> None:
    result = evaluate_program(KEYED, {MANDARIN: "A2", "job_offer": "CN"}, today=TODAY)
    assert result.verdict is NE
    assert result.changes == (Change(((Fact.LANGUAGE_LEVEL, "zh", "B1"),), CAN),)
    assert result.deciding_facts == ((Fact.LANGUAGE_LEVEL, "zh"),)
    result = evaluate_program(KEYED, {MANDARIN: "A1", "job_offer": "none"}, today=TODAY)
    both = ((Fact.LANGUAGE_LEVEL, "zh", "B1"), (Fact.JOB_OFFER, "", "CN"))
    assert result.changes == (Change(both, CAN),)  # neither alone is enough


def test_a_keyed_points_row_counts_its_language_only() -> None:
    table = points_table(
        "lang",
        (
            row("language", Fact.LANGUAGE_LEVEL, Operator.AT_LEAST, ("B2",), 10, key="de"),
            row("language", Fact.LANGUAGE_LEVEL, Operator.AT_LEAST, ("B2",), 5, key="en"),
        ),
        pass_mark=10,
    )
    german = program("de", "German points", "DE", (), points_tables=(table,))
    assert (
        evaluate_program(german, {ENGLISH: "C2", "language_level:de": "A1"}, today=TODAY).verdict
        is NE
    )
    assert evaluate_program(german, {"language_level:de": "B2"}, today=TODAY).verdict is CAN
    unsure = evaluate_program(german, {ENGLISH: "C2", "language_level:de": UNKNOWN}, today=TODAY)
    assert (unsure.points[0].low, unsure.points[0].high) == (5, 15)
    assert unsure.changes == (Change(((Fact.LANGUAGE_LEVEL, "de", "B2"),), CAN),)


def test_living_in_one_country_means_no_status_in_another() -> None:
    status_none = criterion(Fact.STATUS, Operator.IN, ("none",), key="US")
    rules_ = program("s", "S", "US", (status_none,))
    for residence, status in (("GB", MEETS), ("US", UNCLEAR), (UNKNOWN, UNCLEAR)):
        result = evaluate_program(rules_, {"residence": residence}, today=TODAY)
        assert result.criteria[0].status is status
    given = evaluate_program(rules_, {"residence": "GB", US_STATUS: "h1b"}, today=TODAY)
    assert given.criteria[0].status is NOT_MET  # a valid answer is kept
