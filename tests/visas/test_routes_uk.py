"""The UK talent routes (visas/content/uk.toml) against named applicants, on real PostgreSQL.

Global Talent: an endorsement route and a prize fast track. High Potential Individual: a
degree from a Global Universities List institution in the last 5 years, English B2 and
£1,270 in savings. Neither has a points table.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.visas.routes import criterion, evaluate, route
from visas import rules
from visas.models import KeyFigure
from visas.vocabulary import UNKNOWN, Fact, LegalStatus, Selection, answer_key, money_format

pytestmark = pytest.mark.django_db
# The content files these tests read (with the first three programs and the rates).
CONTENT_FILES = ("uk.toml",)

ENGLISH = answer_key(Fact.LANGUAGE_LEVEL, "en")
GLOBAL_TALENT = "uk-global-talent"
HPI = "uk-high-potential-individual"


# --- Global Talent ---------------------------------------------------------------------------

ENDORSED_RESEARCHER = {
    "citizenship": "IN",
    "age": 34,
    "endorsement": "yes",
    "prize": "none",
}


def test_an_endorsed_researcher_can_apply_without_a_job_offer_or_english_test(
    route_content: None,
) -> None:
    result = evaluate(GLOBAL_TALENT, {**ENDORSED_RESEARCHER, "job_offer": "none"})
    assert result.verdict is rules.Verdict.CAN_APPLY
    assert route(result, "gt-endorsement").status is rules.Status.MEETS
    assert route(result, "gt-prize").status is rules.Status.NOT_MET
    assert result.selection.mechanism is Selection.NONE


def test_an_engineer_with_a_listed_prize_can_apply_without_endorsement(route_content: None) -> None:
    result = evaluate(
        GLOBAL_TALENT, {"citizenship": "CN", "age": 52, "endorsement": "no", "prize": "listed"}
    )
    assert result.verdict is rules.Verdict.CAN_APPLY
    assert route(result, "gt-prize").status is rules.Status.MEETS
    assert route(result, "gt-endorsement").status is rules.Status.NOT_MET


def test_a_developer_who_does_not_know_if_she_would_be_endorsed_is_possible(
    route_content: None,
) -> None:
    result = evaluate(
        GLOBAL_TALENT, {"citizenship": "BR", "age": 29, "endorsement": UNKNOWN, "prize": "major"}
    )
    assert result.verdict is rules.Verdict.POSSIBLE
    endorsement = criterion(result, "gt-endorsement")
    assert endorsement.status is rules.Status.UNCLEAR
    assert endorsement.cause is rules.Cause.ANSWER_UNKNOWN
    assert endorsement.meets_with == ("yes",)


def test_a_researcher_with_neither_endorsement_nor_listed_prize_is_not_eligible(
    route_content: None,
) -> None:
    result = evaluate(
        GLOBAL_TALENT, {"citizenship": "NG", "age": 40, "endorsement": "no", "prize": "major"}
    )
    assert result.verdict is rules.Verdict.NOT_ELIGIBLE
    assert route(result, "gt-endorsement").status is rules.Status.NOT_MET
    assert route(result, "gt-prize").status is rules.Status.NOT_MET


def test_an_endorsed_seventeen_year_old_is_not_eligible(route_content: None) -> None:
    result = evaluate(GLOBAL_TALENT, {**ENDORSED_RESEARCHER, "age": 17})
    assert result.verdict is rules.Verdict.NOT_ELIGIBLE


def test_a_british_citizen_does_not_need_global_talent(route_content: None) -> None:
    result = evaluate(GLOBAL_TALENT, {**ENDORSED_RESEARCHER, "citizenship": "GB"})
    assert result.verdict is rules.Verdict.NOT_NEEDED


def test_global_talent_fees_are_due_for_review_and_the_proposals_are_not_in_force(
    route_content: None,
) -> None:
    fees = KeyFigure.objects.filter(
        program__slug=GLOBAL_TALENT, content_key__in=["gt-fee-endorsement", "gt-fee-visa"]
    )
    assert {(f.content_key, int(f.value), f.review_by) for f in fees} == {
        ("gt-fee-endorsement", 561, date(2026, 4, 1)),
        ("gt-fee-visa", 205, date(2026, 4, 1)),
    }
    for key in ("gt-fee-waiver-proposal", "gt-earned-settlement-reform"):
        proposal = KeyFigure.objects.get(program__slug=GLOBAL_TALENT, content_key=key)
        assert proposal.legal_status == LegalStatus.PROPOSED
        assert proposal.value is None
        assert proposal.legal_note


# --- High Potential Individual ----------------------------------------------------------------

RECENT_GRADUATE = {
    "citizenship": "IN",
    "age": 26,
    "degree": "master",
    "institution": "world_top",
    "years_since_degree": 2,
    ENGLISH: "C1",
    "savings": money_format(3000, "GBP"),
}


def test_a_recent_graduate_of_a_listed_university_with_savings_can_apply(
    route_content: None,
) -> None:
    result = evaluate(HPI, RECENT_GRADUATE)
    assert result.verdict is rules.Verdict.CAN_APPLY
    assert result.selection.mechanism is Selection.CAP


def test_a_graduate_who_does_not_know_her_english_level_is_possible(route_content: None) -> None:
    result = evaluate(HPI, {**RECENT_GRADUATE, ENGLISH: UNKNOWN})
    assert result.verdict is rules.Verdict.POSSIBLE
    english = criterion(result, "hpi-english-b2")
    assert english.cause is rules.Cause.ANSWER_UNKNOWN
    assert english.meets_with == ("B2", "C1", "C2")


def test_a_graduate_of_seven_years_ago_is_not_eligible(route_content: None) -> None:
    result = evaluate(HPI, {**RECENT_GRADUATE, "years_since_degree": 7})
    assert result.verdict is rules.Verdict.NOT_ELIGIBLE
    assert criterion(result, "hpi-degree-within-5-years").status is rules.Status.NOT_MET


def test_a_graduate_of_a_nationally_recognised_university_is_not_eligible(
    route_content: None,
) -> None:
    result = evaluate(HPI, {**RECENT_GRADUATE, "institution": "national"})
    assert result.verdict is rules.Verdict.NOT_ELIGIBLE


def test_a_graduate_with_b1_english_is_not_eligible_after_8_january_2026(
    route_content: None,
) -> None:
    result = evaluate(HPI, {**RECENT_GRADUATE, ENGLISH: "B1"})
    assert result.verdict is rules.Verdict.NOT_ELIGIBLE
    assert criterion(result, "hpi-english-b2").status is rules.Status.NOT_MET


def test_before_8_january_2026_the_b2_rule_was_not_yet_in_force(route_content: None) -> None:
    result = evaluate(HPI, {**RECENT_GRADUATE, ENGLISH: "B1"}, today=date(2025, 12, 1))
    english = criterion(result, "hpi-english-b2")
    assert english.legal is LegalStatus.NOT_YET
    assert english.cause is rules.Cause.LEGAL_STATUS
    assert result.verdict is rules.Verdict.POSSIBLE


def test_a_graduate_with_1000_pounds_of_savings_is_not_eligible(route_content: None) -> None:
    result = evaluate(HPI, {**RECENT_GRADUATE, "savings": money_format(1000, "GBP")})
    assert result.verdict is rules.Verdict.NOT_ELIGIBLE
    assert criterion(result, "hpi-savings").status is rules.Status.NOT_MET


def test_a_british_graduate_does_not_need_hpi(route_content: None) -> None:
    result = evaluate(HPI, {**RECENT_GRADUATE, "citizenship": "GB"})
    assert result.verdict is rules.Verdict.NOT_NEEDED


def test_the_hpi_cap_and_fee_are_stored_with_their_dates(route_content: None) -> None:
    cap = KeyFigure.objects.get(program__slug=HPI, content_key="hpi-cap")
    assert int(cap.value) == 8000
    fee = KeyFigure.objects.get(program__slug=HPI, content_key="hpi-fee")
    assert int(fee.value) == 880
    assert fee.review_by == date(2026, 4, 1)
    settlement = KeyFigure.objects.get(program__slug=HPI, content_key="hpi-permanent-residence")
    assert settlement.value_text.startswith("None")
