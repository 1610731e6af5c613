"""Amounts (salary, savings) against thresholds in their own or another currency: exact in
the same currency, a margin across currencies, unclear without a rate. No database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from tests.visas import scenarios as s
from visas import rules, wording
from visas.rules import Cause, Status, Verdict
from visas.vocabulary import UNKNOWN, Clarity, Fact, Operator, answer_key, money_format

RATE_DAY = date(2026, 10, 30)
RATES = (
    rules.Rate("INR", Decimal("106.084"), RATE_DAY, Clarity.CONFIRMED, (s.OFFICIAL,)),
    rules.Rate("JPY", Decimal("175.68"), RATE_DAY, Clarity.CONFIRMED, (s.OFFICIAL,)),
    rules.Rate("USD", Decimal("1.1172"), RATE_DAY, Clarity.CONFIRMED, (s.OFFICIAL,)),
)
BLUE_CARD_SALARY = s.criterion(Fact.SALARY, Operator.AT_LEAST, (50700,), key="EUR")
BLUE_CARD = replace(s.program("blue-card", "A blue card", "DE", (BLUE_CARD_SALARY,)), rates=RATES)


def salary(amount: int, currency: str) -> dict[str, object]:
    return {answer_key(Fact.SALARY): money_format(amount, currency)}


def verdict_and_cause(answers: dict[str, object]) -> tuple[Verdict, Status, Cause | None]:
    result = rules.evaluate_program(BLUE_CARD, answers, today=s.TODAY)
    (criterion,) = result.criteria
    return result.verdict, criterion.status, criterion.cause


def test_an_amount_in_the_thresholds_currency_is_compared_exactly() -> None:
    assert verdict_and_cause(salary(50700, "EUR")) == (Verdict.CAN_APPLY, Status.MEETS, None)
    assert verdict_and_cause(salary(50699, "EUR")) == (Verdict.NOT_ELIGIBLE, Status.NOT_MET, None)


def test_an_amount_far_above_or_below_after_conversion_settles_it() -> None:
    # 7,000,000 INR is about 66,000 EUR; 3,000,000 INR about 28,300 EUR.
    assert verdict_and_cause(salary(7_000_000, "INR"))[:2] == (Verdict.CAN_APPLY, Status.MEETS)
    assert verdict_and_cause(salary(3_000_000, "INR"))[:2] == (
        Verdict.NOT_ELIGIBLE,
        Status.NOT_MET,
    )


def test_an_amount_within_the_margin_after_conversion_is_possible() -> None:
    # 50,700 EUR is about 5,378,459 INR: 5,300,000 INR (1.5% short) may or may not be enough.
    assert verdict_and_cause(salary(5_300_000, "INR")) == (
        Verdict.POSSIBLE,
        Status.UNCLEAR,
        Cause.CONVERSION,
    )
    # 5% short is at the edge; 6% short is not enough whatever the rate does.
    assert verdict_and_cause(salary(5_050_000, "INR"))[1] is Status.NOT_MET


def test_an_amount_in_a_currency_without_a_rate_cannot_be_compared() -> None:
    assert verdict_and_cause(salary(9_000_000, "NGN")) == (
        Verdict.POSSIBLE,
        Status.UNCLEAR,
        Cause.NO_RATE,
    )


def test_i_dont_know_and_no_answer_are_unclear_for_the_right_reason() -> None:
    assert verdict_and_cause({answer_key(Fact.SALARY): UNKNOWN})[2] is Cause.ANSWER_UNKNOWN
    assert verdict_and_cause({})[2] is Cause.NOT_ANSWERED
    # A malformed amount counts as no answer, never as an error.
    for bad in ("lots", "50700", "50700 XYZ", "-5 EUR", 50700, "5e9 EUR"):
        assert verdict_and_cause({answer_key(Fact.SALARY): bad})[2] is Cause.NOT_ANSWERED


def test_what_would_change_proposes_the_threshold_in_its_currency() -> None:
    result = rules.evaluate_program(BLUE_CARD, salary(3_000_000, "INR"), today=s.TODAY)
    assert [change.updates for change in result.changes] == [
        ((Fact.SALARY, "", money_format(50700, "EUR")),)
    ]
    assert result.changes[0].verdict is Verdict.CAN_APPLY


def test_points_for_an_amount_give_a_range_when_the_conversion_is_close() -> None:
    table = s.points_table(
        "salary-points",
        (
            s.row("salary", Fact.SALARY, Operator.AT_LEAST, (10_000_000,), 40, key="JPY"),
            s.row("salary", Fact.SALARY, Operator.AT_LEAST, (8_000_000,), 30, key="JPY"),
        ),
        pass_mark=40,
        caps=(("salary", 40),),
    )
    program = replace(s.program("hsp", "Points", "JP", (), points_tables=(table,)), rates=RATES)

    def points(answers: dict[str, object]) -> tuple[int, int, Status]:
        (found,) = rules.evaluate_program(program, answers, today=s.TODAY).points
        return found.low, found.high, found.status

    # 10,000,000 JPY is about 56,900 EUR: far above either row in JPY, so 40 (capped).
    assert points(salary(12_000_000, "JPY")) == (40, 40, Status.MEETS)
    # 56,920 EUR is 10,000,000 JPY at the rate: within the margin of the 40-point row.
    assert points(salary(56_920, "EUR")) == (30, 40, Status.UNCLEAR)
    assert points({answer_key(Fact.SALARY): UNKNOWN}) == (0, 40, Status.UNCLEAR)
    assert points(salary(1_000_000, "JPY")) == (0, 0, Status.NOT_MET)


def test_rates_are_part_of_the_rules_a_result_keeps() -> None:
    results = rules.evaluate((BLUE_CARD,), salary(5_300_000, "INR"), today=s.TODAY)
    data = rules.snapshot_dump(results)
    rules._RULES_LOADED.clear()
    (loaded,) = rules.snapshot_load(data, rules.snapshot_rules(results))
    assert loaded.program.rates == RATES
    assert loaded.criteria == results[0].criteria
    assert loaded.criteria[0].answer == "5300000 INR"
    other = replace(BLUE_CARD, rates=RATES[:1])
    assert rules.rules_dump(other)[0] != rules.rules_dump(BLUE_CARD)[0]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (
            "5300000 INR",
            "You answered “5,300,000 INR”. That is about 49,960 EUR at the exchange rates of "
            "30 October 2026 (give or take 5%, as rates move). That is too close to the "
            "threshold to say whether it is enough.",
        ),
        (
            "9000000 NGN",
            "We have no exchange rate for your currency, so your amount cannot be compared "
            "with this threshold in EUR.",
        ),
    ],
)
def test_the_reason_says_the_conversion_and_the_rates_date(answer: str, expected: str) -> None:
    result = rules.evaluate_program(BLUE_CARD, {answer_key(Fact.SALARY): answer}, today=s.TODAY)
    with translation.override("en"):
        entry = wording.criterion_entry(
            BLUE_CARD_SALARY, result.criteria[0], s.TODAY, BLUE_CARD.rates
        )
        assert entry.reason == expected
        assert entry.requirement == "Offered yearly salary: at least 50,700 EUR"
