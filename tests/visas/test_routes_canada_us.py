"""Applicants read against Canada Express Entry (FSW) and the US O-1A, as loaded from
visas/content/canada.toml and visas/content/us-o1a.toml."""

from __future__ import annotations

import pytest

from tests.visas import routes
from tests.visas.routes import criterion, evaluate
from visas import rules, selectors
from visas.vocabulary import UNKNOWN, Clarity, Fact, Selection, answer_key, money_format

pytestmark = pytest.mark.django_db
# The content files these tests read (with the first three programs and the rates).
CONTENT_FILES = ("canada.toml", "us-o1a.toml")

ENGLISH = answer_key(Fact.LANGUAGE_LEVEL, "en")


def fsw_grid(result: rules.ProgramResult) -> rules.PointsResult:
    return routes.points(result, "ca-ee-fsw-grid")


# --- Canada Express Entry (Federal Skilled Worker) ------------------------------------------

# An engineer from India abroad: 5 years of work, C1 English, a master's, CAD 20,000 saved.
ENGINEER = {
    "citizenship": "IN",
    "residence": "IN",
    "age": 29,
    "degree": "master",
    "field": "stem",
    "stem_experience": 5,
    ENGLISH: "C1",
    "job_offer": "none",
    "family": "alone",
    "savings": money_format(20000, "CAD"),
}


def test_a_strong_engineer_abroad_is_only_possible_because_the_fsw_grid_is_not_published(
    route_content: None,
) -> None:
    result = evaluate("canada-express-entry", ENGINEER)
    # Every stated minimum is met, but the grid's points per factor (and the level of the
    # education credential) are not in the sources, so no one can be told "you can apply".
    assert result.verdict is rules.Verdict.POSSIBLE
    assert criterion(result, "ca-ee-skilled-work").status is rules.Status.MEETS
    assert criterion(result, "ca-ee-english-clb7").status is rules.Status.MEETS
    assert criterion(result, "ca-ee-proof-of-funds").status is rules.Status.MEETS
    assert criterion(result, "ca-ee-education-eca").cause is rules.Cause.RULE_UNDEFINED
    assert result.selection.mechanism is Selection.RANKED_DRAW


def test_the_fsw_grid_gives_no_points_range_and_stays_open_against_its_pass_mark_of_67(
    route_content: None,
) -> None:
    grid = fsw_grid(evaluate("canada-express-entry", {**ENGINEER, "age": UNKNOWN}))
    assert grid.pass_mark == 67
    assert (grid.low, grid.high) == (0, 0)
    assert grid.status is rules.Status.UNCLEAR
    assert grid.cause is rules.Cause.RULE_UNDEFINED


def test_an_engineer_with_b1_english_is_not_eligible_below_clb_7(route_content: None) -> None:
    result = evaluate("canada-express-entry", {**ENGINEER, ENGLISH: "B1"})
    assert result.verdict is rules.Verdict.NOT_ELIGIBLE
    assert criterion(result, "ca-ee-english-clb7").status is rules.Status.NOT_MET


def test_a_graduate_without_a_year_of_skilled_work_is_not_eligible(route_content: None) -> None:
    result = evaluate("canada-express-entry", {**ENGINEER, "stem_experience": 0})
    assert result.verdict is rules.Verdict.NOT_ELIGIBLE
    assert criterion(result, "ca-ee-skilled-work").status is rules.Status.NOT_MET


def test_an_engineer_with_cad_10000_and_no_canadian_offer_lacks_the_settlement_funds(
    route_content: None,
) -> None:
    result = evaluate("canada-express-entry", {**ENGINEER, "savings": money_format(10000, "CAD")})
    assert result.verdict is rules.Verdict.NOT_ELIGIBLE
    assert criterion(result, "ca-ee-proof-of-funds").status is rules.Status.NOT_MET


def test_an_engineer_short_of_funds_but_with_a_canadian_offer_may_be_exempt(
    route_content: None,
) -> None:
    answers = {**ENGINEER, "savings": money_format(10000, "CAD"), "job_offer": "CA"}
    result = evaluate("canada-express-entry", answers)
    # The exemption also needs authorisation to work in Canada, which no answer records.
    assert result.verdict is rules.Verdict.POSSIBLE
    exemption = criterion(result, "ca-ee-funds-not-needed-with-offer")
    assert exemption.status is rules.Status.UNCLEAR
    assert exemption.cause is rules.Cause.RULE_UNCLEAR


def test_an_engineer_unsure_of_their_english_level_is_possible(route_content: None) -> None:
    result = evaluate("canada-express-entry", {**ENGINEER, ENGLISH: UNKNOWN})
    assert result.verdict is rules.Verdict.POSSIBLE
    english = criterion(result, "ca-ee-english-clb7")
    assert english.cause is rules.Cause.ANSWER_UNKNOWN
    assert set(english.meets_with) == {"B2", "C1", "C2"}


def test_a_canadian_citizen_does_not_need_express_entry(route_content: None) -> None:
    result = evaluate("canada-express-entry", {**ENGINEER, "citizenship": "CA"})
    assert result.verdict is rules.Verdict.NOT_NEEDED


# --- US O-1A ---------------------------------------------------------------------------------

# A researcher from India whose US employer will petition for her.
RESEARCHER = {
    "citizenship": "IN",
    "residence": "IN",
    "degree": "doctorate",
    "field": "stem",
    "job_offer": "US",
    "sponsor": "yes",
    "prize": "none",
}


def test_a_researcher_with_a_nobel_level_prize_can_apply_on_the_award_route(
    route_content: None,
) -> None:
    result = evaluate("us-o1a", {**RESEARCHER, "prize": "listed"})
    assert result.verdict is rules.Verdict.CAN_APPLY
    met = {route.ref for route in result.routes if route.status is rules.Status.MEETS}
    assert met == {"us-o1a-award"}
    assert result.selection.mechanism is Selection.NONE


def test_a_researcher_with_four_kinds_of_evidence_can_apply_without_a_degree(
    route_content: None,
) -> None:
    result = evaluate("us-o1a", {**RESEARCHER, "acclaim": 4, "degree": "school"})
    assert result.verdict is rules.Verdict.CAN_APPLY
    met = {route.ref for route in result.routes if route.status is rules.Status.MEETS}
    assert met == {"us-o1a-three-criteria"}


def test_a_researcher_unsure_how_much_evidence_they_have_is_possible(route_content: None) -> None:
    result = evaluate("us-o1a", {**RESEARCHER, "acclaim": UNKNOWN})
    assert result.verdict is rules.Verdict.POSSIBLE
    evidence = criterion(result, "us-o1a-three-of-eight")
    assert evidence.cause is rules.Cause.ANSWER_UNKNOWN


def test_a_researcher_with_a_national_prize_and_two_kinds_of_evidence_is_not_eligible(
    route_content: None,
) -> None:
    result = evaluate("us-o1a", {**RESEARCHER, "prize": "major", "acclaim": 2})
    assert result.verdict is rules.Verdict.NOT_ELIGIBLE
    # One more kind of evidence (or a major international award) would open a route.
    proposals = {change.updates for change in result.changes}
    assert ((Fact.ACCLAIM, "", 3),) in proposals
    assert ((Fact.PRIZE, "", "listed"),) in proposals


def test_an_award_winner_without_a_us_employer_or_agent_is_not_eligible(
    route_content: None,
) -> None:
    answers = {**RESEARCHER, "prize": "listed", "job_offer": "none", "sponsor": "no"}
    result = evaluate("us-o1a", answers)
    assert result.verdict is rules.Verdict.NOT_ELIGIBLE
    assert criterion(result, "us-o1a-us-petitioner").status is rules.Status.NOT_MET


def test_a_us_citizen_does_not_need_an_o1a(route_content: None) -> None:
    result = evaluate("us-o1a", {**RESEARCHER, "citizenship": "US", "prize": "listed"})
    assert result.verdict is rules.Verdict.NOT_NEEDED


def test_the_o1a_base_fee_is_an_unclear_figure_without_an_amount(route_content: None) -> None:
    program = selectors.program_rules_get(slug="us-o1a")
    fees = {figure.label: figure for figure in program.figures}
    base = fees["Form I-129 petition fee for O petitions"]
    assert base.value is None
    assert base.clarity is Clarity.UNCLEAR
