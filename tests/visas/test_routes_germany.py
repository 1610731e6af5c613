"""The German routes (visas/content/germany.toml) against named applicants, on real PostgreSQL.

Opportunity Card: a fully recognised qualification, or a degree or vocational qualification
plus German A1 or English B2 plus 6 points (a table whose age brackets the sources dispute,
so it reads as unclear), and about €1,091 a month in funds (savings, or other proof the check
cannot assess). EU Blue Card: a degree or IT experience, a job offer in Germany and the 2026
salary thresholds (€50,700, or €45,934.20 for recent graduates and shortage occupations).
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.visas import routes
from tests.visas.routes import criterion, evaluate, route
from visas import rules
from visas.models import Criterion
from visas.vocabulary import UNKNOWN, Fact, Selection, answer_key, money_format

pytestmark = pytest.mark.django_db
# The content files these tests read (with the first three programs and the rates).
CONTENT_FILES = ("germany.toml",)

GERMAN = answer_key(Fact.LANGUAGE_LEVEL, "de")
ENGLISH = answer_key(Fact.LANGUAGE_LEVEL, "en")
OPPORTUNITY_CARD = "germany-opportunity-card"
BLUE_CARD = "eu-blue-card-germany"


def points(result: rules.ProgramResult) -> rules.PointsResult:
    return routes.points(result, "oc-points")


# --- Opportunity Card ------------------------------------------------------------------------

RECOGNISED_ENGINEER = {
    "citizenship": "IN",
    "residence": "IN",
    "age": 41,
    "degree": "bachelor",
    "recognition": "full",
    "job_offer": "none",
    GERMAN: "none",
    ENGLISH: "B1",
    "savings": money_format(14000, "EUR"),
}

# Master's, German B1 (2), aged 30 (2), 6 years of STEM work (3): 7 points on any reading.
POINTS_GRADUATE = {
    "citizenship": "IN",
    "residence": "IN",
    "age": 30,
    "degree": "master",
    "recognition": "none",
    "job_offer": "none",
    GERMAN: "B1",
    ENGLISH: "B2",
    "stem_experience": 6,
    "family": "alone",
    "savings": money_format(14000, "EUR"),
}


def test_an_engineer_with_a_fully_recognised_degree_and_savings_can_apply_without_points(
    route_content: None,
) -> None:
    result = evaluate(OPPORTUNITY_CARD, RECOGNISED_ENGINEER)
    assert result.verdict is rules.Verdict.CAN_APPLY
    assert route(result, "oc-recognised").status is rules.Status.MEETS
    # No German, English below B2 and over 40: the points route alone would fail.
    assert route(result, "oc-points-route").status is rules.Status.NOT_MET
    assert result.selection.mechanism is Selection.NONE


def test_savings_in_rupees_are_converted_before_the_funds_test(route_content: None) -> None:
    # 2,000,000 INR is about €18,900 at the stored rate, well above €13,092.
    answers = {**RECOGNISED_ENGINEER, "savings": money_format(2_000_000, "INR")}
    result = evaluate(OPPORTUNITY_CARD, answers)
    assert criterion(result, "oc-funds-savings").status is rules.Status.MEETS
    assert result.verdict is rules.Verdict.CAN_APPLY


def test_a_recognised_engineer_with_little_savings_may_still_qualify_with_other_proof(
    route_content: None,
) -> None:
    result = evaluate(
        OPPORTUNITY_CARD, {**RECOGNISED_ENGINEER, "savings": money_format(3000, "EUR")}
    )
    assert result.verdict is rules.Verdict.POSSIBLE
    assert criterion(result, "oc-funds-savings").status is rules.Status.NOT_MET
    other = criterion(result, "oc-funds-other-proof")
    assert (other.status, other.cause) == (rules.Status.UNCLEAR, rules.Cause.RULE_UNDEFINED)


def test_a_graduate_with_seven_points_is_possible_because_the_age_points_are_disputed(
    route_content: None,
) -> None:
    result = evaluate(OPPORTUNITY_CARD, POINTS_GRADUATE)
    table = points(result)
    assert (table.low, table.high, table.pass_mark) == (7, 7, 6)
    assert (table.status, table.cause) == (rules.Status.UNCLEAR, rules.Cause.RULE_UNCLEAR)
    assert result.verdict is rules.Verdict.POSSIBLE
    assert route(result, "oc-recognised").status is rules.Status.NOT_MET


def test_a_graduate_who_does_not_know_their_age_points_gets_a_points_range(
    route_content: None,
) -> None:
    # German A1 (0), English C1 (1), 5 years of STEM work (3), age unknown (0 to 2).
    answers = {
        **POINTS_GRADUATE,
        GERMAN: "A1",
        ENGLISH: "C1",
        "stem_experience": 5,
        "age": UNKNOWN,
    }
    result = evaluate(OPPORTUNITY_CARD, answers)
    table = points(result)
    assert (table.low, table.high) == (4, 6)
    assert (table.status, table.cause) == (rules.Status.UNCLEAR, rules.Cause.ANSWER_UNKNOWN)
    categories = {c.category: (c.low, c.high) for c in table.categories}
    assert categories["age"] == (0, 2)
    assert categories["experience"] == (3, 3)
    assert categories["english"] == (1, 1)
    assert result.verdict is rules.Verdict.POSSIBLE


def test_partial_recognition_and_a_partner_count_towards_the_points(route_content: None) -> None:
    answers = {
        **POINTS_GRADUATE,
        "recognition": "partial",
        "family": "spouse",
        "age": 45,
        GERMAN: "none",
        "stem_experience": 0,
    }
    table = points(evaluate(OPPORTUNITY_CARD, answers))
    categories = {c.category: (c.low, c.high) for c in table.categories}
    assert categories["recognition"] == (4, 4)
    assert categories["partner"] == (1, 1)
    assert (table.low, table.high) == (5, 5)
    assert table.status is rules.Status.NOT_MET


def test_an_older_graduate_with_only_english_b2_and_no_experience_is_not_eligible(
    route_content: None,
) -> None:
    answers = {**POINTS_GRADUATE, "age": 45, GERMAN: "none", "stem_experience": 1}
    result = evaluate(OPPORTUNITY_CARD, answers)
    table = points(result)
    assert (table.low, table.high, table.status) == (0, 0, rules.Status.NOT_MET)
    assert result.verdict is rules.Verdict.NOT_ELIGIBLE


def test_a_school_leaver_without_a_recognised_qualification_is_not_eligible(
    route_content: None,
) -> None:
    answers = {**POINTS_GRADUATE, "degree": "school", "recognition": "none"}
    result = evaluate(OPPORTUNITY_CARD, answers)
    assert criterion(result, "oc-degree-or-vocational").status is rules.Status.NOT_MET
    assert result.verdict is rules.Verdict.NOT_ELIGIBLE


def test_a_german_citizen_does_not_need_the_opportunity_card(route_content: None) -> None:
    result = evaluate(OPPORTUNITY_CARD, {**RECOGNISED_ENGINEER, "citizenship": "DE"})
    assert result.verdict is rules.Verdict.NOT_NEEDED


# --- EU Blue Card ----------------------------------------------------------------------------

SOFTWARE_ENGINEER = {
    "citizenship": "IN",
    "residence": "IN",
    "age": 31,
    "degree": "master",
    "field": "stem",
    "stem_experience": 6,
    "years_since_degree": 6,
    "job_offer": "DE",
    GERMAN: "none",
    "salary": money_format(60000, "EUR"),
}


def test_a_software_engineer_with_a_degree_and_a_60000_euro_offer_can_apply(
    route_content: None,
) -> None:
    result = evaluate(BLUE_CARD, SOFTWARE_ENGINEER)
    assert result.verdict is rules.Verdict.CAN_APPLY
    assert route(result, "bc-degree").status is rules.Status.MEETS
    assert criterion(result, "bc-salary-standard").status is rules.Status.MEETS
    assert criterion(result, "bc-no-german-needed").status is rules.Status.MEETS


def test_a_recent_graduate_paid_above_the_lower_threshold_can_apply(route_content: None) -> None:
    answers = {
        **SOFTWARE_ENGINEER,
        "years_since_degree": 1,
        "salary": money_format(47000, "EUR"),
    }
    result = evaluate(BLUE_CARD, answers)
    assert criterion(result, "bc-salary-standard").status is rules.Status.NOT_MET
    assert criterion(result, "bc-salary-lower-amount").status is rules.Status.MEETS
    assert criterion(result, "bc-recent-graduate").status is rules.Status.MEETS
    assert result.verdict is rules.Verdict.CAN_APPLY


def test_an_experienced_engineer_paid_only_the_lower_threshold_is_possible_via_shortage_list(
    route_content: None,
) -> None:
    result = evaluate(BLUE_CARD, {**SOFTWARE_ENGINEER, "salary": money_format(47000, "EUR")})
    assert criterion(result, "bc-recent-graduate").status is rules.Status.NOT_MET
    shortage = criterion(result, "bc-shortage-occupation")
    assert (shortage.status, shortage.cause) == (rules.Status.UNCLEAR, rules.Cause.RULE_UNDEFINED)
    assert result.verdict is rules.Verdict.POSSIBLE


def test_the_lower_threshold_is_45934_euros_20_rounded_up(route_content: None) -> None:
    below = evaluate(
        BLUE_CARD,
        {**SOFTWARE_ENGINEER, "years_since_degree": 0, "salary": money_format(45934, "EUR")},
    )
    assert below.verdict is rules.Verdict.NOT_ELIGIBLE
    at = evaluate(
        BLUE_CARD,
        {**SOFTWARE_ENGINEER, "years_since_degree": 0, "salary": money_format(45935, "EUR")},
    )
    assert at.verdict is rules.Verdict.CAN_APPLY


def test_an_it_specialist_without_a_degree_is_possible_since_only_it_experience_counts(
    route_content: None,
) -> None:
    answers = {**SOFTWARE_ENGINEER, "degree": "vocational", "stem_experience": 4}
    result = evaluate(BLUE_CARD, answers)
    assert route(result, "bc-degree").status is rules.Status.NOT_MET
    it_route = route(result, "bc-it-specialist")
    assert it_route.status is rules.Status.UNCLEAR
    assert result.verdict is rules.Verdict.POSSIBLE


def test_an_offer_of_42000_euros_is_below_both_thresholds_and_not_eligible(
    route_content: None,
) -> None:
    result = evaluate(
        BLUE_CARD,
        {**SOFTWARE_ENGINEER, "years_since_degree": 1, "salary": money_format(42000, "EUR")},
    )
    assert result.verdict is rules.Verdict.NOT_ELIGIBLE


def test_a_graduate_without_a_job_offer_in_germany_is_not_eligible(route_content: None) -> None:
    result = evaluate(BLUE_CARD, {**SOFTWARE_ENGINEER, "job_offer": "none"})
    assert criterion(result, "bc-job-offer").status is rules.Status.NOT_MET
    assert result.verdict is rules.Verdict.NOT_ELIGIBLE


def test_an_engineer_who_does_not_know_the_salary_yet_is_possible(route_content: None) -> None:
    result = evaluate(BLUE_CARD, {**SOFTWARE_ENGINEER, "salary": UNKNOWN})
    assert result.verdict is rules.Verdict.POSSIBLE


def test_the_salary_thresholds_are_due_for_review_in_january_2027(route_content: None) -> None:
    due = set(
        Criterion.objects.filter(program__slug=BLUE_CARD, review_by=date(2027, 1, 1)).values_list(
            "content_key", flat=True
        )
    )
    assert due == {"bc-salary-standard", "bc-salary-lower-amount"}
    values = dict(
        Criterion.objects.filter(program__slug=BLUE_CARD, fact="salary").values_list(
            "content_key", "values"
        )
    )
    assert values == {"bc-salary-standard": [50700], "bc-salary-lower-amount": [45935]}
