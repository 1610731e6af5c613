"""The Singapore and Japan routes (visas/content/singapore.toml and japan.toml) against named
applicants, on real PostgreSQL.

ONE Pass: a fixed salary of SGD 30,000 a month (with an established-company test for overseas
candidates that the check cannot assess), or outstanding achievements (no published criteria,
so unclear). Employment Pass: a job offer in Singapore, the qualifying salary (SGD 5,600 a
month, rising with age; SGD 6,000 for new passes from 2027), and COMPASS (40 points, which the
check cannot score) unless the salary is SGD 22,500 a month or more. Japan HSP: a contract in
Japan and 70 points, or a J-Skip route (a master's degree or 10 years' experience, with ¥20
million a year).
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.visas.routes import criterion, evaluate, points, route
from visas import rules
from visas.models import Criterion, KeyFigure
from visas.vocabulary import UNKNOWN, Fact, answer_key, money_format

pytestmark = pytest.mark.django_db
# The content files these tests read (with the first three programs and the rates).
CONTENT_FILES = ("singapore.toml", "japan.toml")

JAPANESE = answer_key(Fact.LANGUAGE_LEVEL, "ja")
ONE_PASS = "singapore-one-pass"
EMPLOYMENT_PASS = "singapore-employment-pass"
HSP = "japan-hsp"


# --- ONE Pass ------------------------------------------------------------------------------

EP_HOLDER_IN_SINGAPORE = {
    "citizenship": "IN",
    "residence": "SG",
    "job_offer": "SG",
    "salary": money_format(400000, "SGD"),
    "prize": "none",
    "acclaim": 0,
}


def test_a_high_earner_already_working_in_singapore_can_apply_on_salary(
    route_content: None,
) -> None:
    result = evaluate(ONE_PASS, EP_HOLDER_IN_SINGAPORE)

    assert result.verdict is rules.Verdict.CAN_APPLY
    assert route(result, "one-salary-route").status is rules.Status.MEETS
    assert criterion(result, "one-salary-30000").status is rules.Status.MEETS


def test_a_high_earner_paid_in_us_dollars_is_compared_in_singapore_dollars(
    route_content: None,
) -> None:
    # USD 400,000 is well over SGD 360,000 at any rate near the stored one.
    result = evaluate(ONE_PASS, {**EP_HOLDER_IN_SINGAPORE, "salary": money_format(400000, "USD")})

    assert result.verdict is rules.Verdict.CAN_APPLY


def test_an_overseas_high_earner_may_apply_but_the_established_company_test_is_unchecked(
    route_content: None,
) -> None:
    answers = {**EP_HOLDER_IN_SINGAPORE, "residence": "IN", "job_offer": "none"}

    result = evaluate(ONE_PASS, answers)

    assert result.verdict is rules.Verdict.POSSIBLE
    company = criterion(result, "one-established-company")
    assert (company.status, company.cause) == (rules.Status.UNCLEAR, rules.Cause.RULE_UNDEFINED)
    assert criterion(result, "one-candidate-in-singapore").status is rules.Status.NOT_MET
    assert route(result, "one-salary-route").status is rules.Status.UNCLEAR


def test_a_prize_winning_researcher_on_a_modest_salary_may_apply_on_achievements(
    route_content: None,
) -> None:
    answers = {
        **EP_HOLDER_IN_SINGAPORE,
        "salary": money_format(120000, "SGD"),
        "prize": "major",
        "acclaim": 3,
    }

    result = evaluate(ONE_PASS, answers)

    assert result.verdict is rules.Verdict.POSSIBLE
    assert route(result, "one-salary-route").status is rules.Status.NOT_MET
    prize = criterion(result, "one-achievement-prize")
    assert (prize.status, prize.cause) == (rules.Status.UNCLEAR, rules.Cause.RULE_UNCLEAR)


def test_an_engineer_who_does_not_know_the_fixed_salary_may_apply(route_content: None) -> None:
    result = evaluate(ONE_PASS, {**EP_HOLDER_IN_SINGAPORE, "salary": UNKNOWN})

    assert result.verdict is rules.Verdict.POSSIBLE
    assert criterion(result, "one-salary-30000").status is rules.Status.UNCLEAR


def test_an_engineer_on_sgd_10000_a_month_without_achievements_is_not_eligible(
    route_content: None,
) -> None:
    result = evaluate(ONE_PASS, {**EP_HOLDER_IN_SINGAPORE, "salary": money_format(120000, "SGD")})

    assert result.verdict is rules.Verdict.NOT_ELIGIBLE
    assert route(result, "one-achievement-route").status is rules.Status.NOT_MET


def test_a_singapore_citizen_does_not_need_the_one_pass(route_content: None) -> None:
    result = evaluate(ONE_PASS, {**EP_HOLDER_IN_SINGAPORE, "citizenship": "SG"})

    assert result.verdict is rules.Verdict.NOT_NEEDED


# --- Employment Pass (COMPASS) -------------------------------------------------------------

SINGAPORE_OFFER = {
    "citizenship": "IN",
    "residence": "IN",
    "age": 30,
    "degree": "bachelor",
    "institution": "national",
    "job_offer": "SG",
    "sponsor": "yes",
    "salary": money_format(96000, "SGD"),
}


def test_a_manager_on_sgd_25000_a_month_can_apply_without_compass(route_content: None) -> None:
    result = evaluate(EMPLOYMENT_PASS, {**SINGAPORE_OFFER, "salary": money_format(300000, "SGD")})

    assert result.verdict is rules.Verdict.CAN_APPLY
    assert route(result, "ep-compass-exempt").status is rules.Status.MEETS


def test_a_graduate_on_sgd_8000_a_month_may_apply_but_compass_cannot_be_scored(
    route_content: None,
) -> None:
    result = evaluate(EMPLOYMENT_PASS, SINGAPORE_OFFER)

    assert result.verdict is rules.Verdict.POSSIBLE
    compass = points(result, "ep-compass-table")
    assert (compass.status, compass.cause) == (rules.Status.UNCLEAR, rules.Cause.RULE_UNDEFINED)
    assert (compass.low, compass.high, compass.pass_mark) == (0, 0, 40)
    assert route(result, "ep-compass-exempt").status is rules.Status.NOT_MET
    # The qualifying salary: above the floor, but the age scale is not published.
    assert criterion(result, "ep-salary-2025-floor").status is rules.Status.MEETS
    assert criterion(result, "ep-salary-2025-age-scale").status is rules.Status.UNCLEAR
    # C2 shows as counting in the applicant's favour.
    assert criterion(result, "ep-compass-c2-degree").status is rules.Status.MEETS


def test_a_graduate_on_sgd_5000_a_month_is_below_the_qualifying_salary(route_content: None) -> None:
    result = evaluate(EMPLOYMENT_PASS, {**SINGAPORE_OFFER, "salary": money_format(60000, "SGD")})

    assert result.verdict is rules.Verdict.NOT_ELIGIBLE
    assert criterion(result, "ep-salary-2025-floor").status is rules.Status.NOT_MET


def test_a_well_paid_manager_without_a_singapore_offer_is_not_eligible(route_content: None) -> None:
    answers = {**SINGAPORE_OFFER, "job_offer": "none", "salary": money_format(300000, "SGD")}

    result = evaluate(EMPLOYMENT_PASS, answers)

    assert result.verdict is rules.Verdict.NOT_ELIGIBLE
    assert criterion(result, "ep-job-offer-sg").status is rules.Status.NOT_MET


def test_sgd_5800_a_month_is_possible_in_2026_but_below_the_2027_minimum(
    route_content: None,
) -> None:
    answers = {**SINGAPORE_OFFER, "salary": money_format(69600, "SGD")}

    in_2026 = evaluate(EMPLOYMENT_PASS, answers)
    in_2027 = evaluate(EMPLOYMENT_PASS, answers, today=date(2027, 1, 15))

    assert in_2026.verdict is rules.Verdict.POSSIBLE
    future_floor = criterion(in_2026, "ep-salary-2027-floor")
    assert (future_floor.status, future_floor.cause) == (
        rules.Status.UNCLEAR,
        rules.Cause.LEGAL_STATUS,
    )
    assert in_2027.verdict is rules.Verdict.NOT_ELIGIBLE
    assert criterion(in_2027, "ep-salary-2027-floor").status is rules.Status.NOT_MET


def test_a_singapore_citizen_does_not_need_an_employment_pass(route_content: None) -> None:
    result = evaluate(EMPLOYMENT_PASS, {**SINGAPORE_OFFER, "citizenship": "SG"})

    assert result.verdict is rules.Verdict.NOT_NEEDED


# --- Japan HSP -----------------------------------------------------------------------------

# Doctorate (30), 8 years (15), ¥8.5 million (30), aged 33 (10): 85 points.
TOKYO_RESEARCH_ENGINEER = {
    "citizenship": "IN",
    "residence": "IN",
    "age": 33,
    "degree": "doctorate",
    "degree_country": "IN",
    "stem_experience": 8,
    "job_offer": "JP",
    JAPANESE: "none",
    "salary": money_format(8500000, "JPY"),
}


def test_a_research_engineer_with_85_points_and_a_tokyo_contract_can_apply(
    route_content: None,
) -> None:
    result = evaluate(HSP, TOKYO_RESEARCH_ENGINEER)

    assert result.verdict is rules.Verdict.CAN_APPLY
    table = points(result, "jp-hsp-points")
    assert (table.status, table.low, table.high) == (rules.Status.MEETS, 85, 85)
    assert not result.warnings


def test_a_developer_who_does_not_know_the_salary_gets_a_points_range_and_may_apply(
    route_content: None,
) -> None:
    # Master's (20), 8 years (15), aged 31 (10): 45 known; salary 0 to 40.
    answers = {
        **TOKYO_RESEARCH_ENGINEER,
        "degree": "master",
        "age": 31,
        "salary": UNKNOWN,
    }

    result = evaluate(HSP, answers)

    assert result.verdict is rules.Verdict.POSSIBLE
    table = points(result, "jp-hsp-points")
    assert (table.status, table.low, table.high) == (rules.Status.UNCLEAR, 45, 85)
    assert table.cause is rules.Cause.ANSWER_UNKNOWN


def test_a_young_graduate_with_35_points_is_not_eligible(route_content: None) -> None:
    # Bachelor's (10), 2 years (0), ¥4.5 million (10), aged 27 (15): 35 points.
    answers = {
        **TOKYO_RESEARCH_ENGINEER,
        "degree": "bachelor",
        "stem_experience": 2,
        "age": 27,
        "salary": money_format(4500000, "JPY"),
    }

    result = evaluate(HSP, answers)

    assert result.verdict is rules.Verdict.NOT_ELIGIBLE
    table = points(result, "jp-hsp-points")
    assert (table.status, table.low, table.high) == (rules.Status.NOT_MET, 35, 35)
    assert route(result, "jp-jskip-masters").status is rules.Status.NOT_MET


def test_a_veteran_engineer_on_20_million_yen_qualifies_through_j_skip_without_points(
    route_content: None,
) -> None:
    # No degree (0), 10 years (20), ¥20 million (40), aged 45 (0): 60 points, below 70.
    answers = {
        **TOKYO_RESEARCH_ENGINEER,
        "degree": "school",
        "stem_experience": 10,
        "age": 45,
        "salary": money_format(20000000, "JPY"),
    }

    result = evaluate(HSP, answers)

    assert result.verdict is rules.Verdict.CAN_APPLY
    assert points(result, "jp-hsp-points").status is rules.Status.NOT_MET
    assert route(result, "jp-jskip-experience").status is rules.Status.MEETS


def test_jlpt_n2_does_not_add_to_the_japanese_degree_bonus_but_n1_does(route_content: None) -> None:
    # Bachelor's from Japan (10 + 10), 3 years (5), ¥6.5 million (20), aged 28 (15).
    graduate = {
        **TOKYO_RESEARCH_ENGINEER,
        "degree": "bachelor",
        "degree_country": "JP",
        "stem_experience": 3,
        "age": 28,
        "salary": money_format(6500000, "JPY"),
    }

    with_n2 = evaluate(HSP, {**graduate, JAPANESE: "B2"})
    with_n1 = evaluate(HSP, {**graduate, JAPANESE: "C1"})

    assert points(with_n2, "jp-hsp-points").low == 60
    assert with_n2.verdict is rules.Verdict.NOT_ELIGIBLE
    assert points(with_n1, "jp-hsp-points").low == 75
    assert with_n1.verdict is rules.Verdict.CAN_APPLY


def test_a_salary_under_3_million_yen_is_a_warning_not_a_verdict(route_content: None) -> None:
    answers = {**TOKYO_RESEARCH_ENGINEER, "salary": money_format(2800000, "JPY")}

    result = evaluate(HSP, answers)

    assert [w.ref for w in result.warnings] == [
        str(Criterion.objects.get(program__slug=HSP, content_key="jp-minimum-salary-3m").pk)
    ]
    # Doctorate (30), 8 years (15), aged 33 (10): 55 points without salary points.
    assert points(result, "jp-hsp-points").low == 55
    assert result.verdict is rules.Verdict.NOT_ELIGIBLE


def test_an_engineer_without_a_contract_in_japan_is_not_eligible(route_content: None) -> None:
    result = evaluate(HSP, {**TOKYO_RESEARCH_ENGINEER, "job_offer": "none"})

    assert result.verdict is rules.Verdict.NOT_ELIGIBLE
    assert criterion(result, "jp-contract-in-japan").status is rules.Status.NOT_MET


def test_a_japanese_citizen_does_not_need_hsp_status(route_content: None) -> None:
    result = evaluate(HSP, {**TOKYO_RESEARCH_ENGINEER, "citizenship": "JP"})

    assert result.verdict is rules.Verdict.NOT_NEEDED


def test_japanese_fees_are_due_for_review_after_the_2026_fee_law(route_content: None) -> None:
    reviews = dict(
        KeyFigure.objects.filter(program__slug=HSP, kind="fee").values_list(
            "content_key", "review_by"
        )
    )
    assert reviews == {
        "jp-fee-change-or-extension": date(2026, 10, 1),
        "jp-fee-permanent-residence": date(2026, 10, 1),
        "jp-fee-law-2026": date(2026, 10, 1),
    }
