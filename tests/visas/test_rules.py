"""The rules engine against a table of named applicants, and its properties for any answers.

No database: the programs are the hand-built mirrors of the seed content in scenarios.py.
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
    AGE_STATEMENT,
    CHINESE_CITIZEN,
    EVERYTHING_UNKNOWN,
    GARBAGE,
    GREEN_CARD,
    H1B,
    H1B_PAYMENT,
    HIGH_SCHOOL,
    K_VISA,
    NON_STEM,
    OFFER_FROM_INDIA,
    OPT_IN_US,
    PROGRAMS,
    R_VISA,
    STEM_BACHELOR_IN_INDIA,
    TODAY,
    US_CITIZEN,
    criterion,
    figure,
    program,
)
from visas.rules import (
    Condition,
    CriterionResult,
    FigureRule,
    ProgramResult,
    ProgramRules,
    Status,
    UnclearBecause,
    Verdict,
    evaluate,
    evaluate_program,
    result_to_dict,
)
from visas.vocabulary import FACTS, UNKNOWN, Clarity, Fact, FactKind, Importance, Operator

K, H, R = K_VISA.slug, H1B.slug, R_VISA.slug
LIKELY, POSSIBLE = Verdict.LIKELY, Verdict.POSSIBLE
NOT_ELIGIBLE, NOT_NEEDED = Verdict.NOT_ELIGIBLE, Verdict.NOT_APPLICABLE


def results_by_slug(answers: dict[str, object]) -> dict[str, ProgramResult]:
    return {result.program.slug: result for result in evaluate(PROGRAMS, answers, today=TODAY)}


def criterion_result(result: ProgramResult, fact: Fact, importance: Importance) -> CriterionResult:
    return next(
        item
        for item in result.criteria
        if item.criterion.condition.fact is fact and item.criterion.importance is importance
    )


# ---------------------------------------------------------------------------------------------
# Verdicts


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        pytest.param(
            STEM_BACHELOR_IN_INDIA,
            {K: POSSIBLE, H: NOT_ELIGIBLE, R: NOT_ELIGIBLE},
            id="stem-bachelor-no-offer-india",
        ),
        pytest.param(NON_STEM, {K: NOT_ELIGIBLE, H: NOT_ELIGIBLE}, id="non-stem-degree"),
        pytest.param(OPT_IN_US, {K: POSSIBLE, H: LIKELY, R: NOT_ELIGIBLE}, id="us-master-opt"),
        pytest.param(OFFER_FROM_INDIA, {H: LIKELY}, id="us-offer-living-in-india"),
        pytest.param(CHINESE_CITIZEN, {K: NOT_NEEDED, R: NOT_NEEDED}, id="chinese-citizen"),
        pytest.param(US_CITIZEN, {H: NOT_NEEDED, K: POSSIBLE}, id="us-citizen"),
        pytest.param(GREEN_CARD, {H: NOT_NEEDED}, id="green-card-holder"),
        pytest.param(
            HIGH_SCHOOL, {K: NOT_ELIGIBLE, H: NOT_ELIGIBLE, R: NOT_ELIGIBLE}, id="high-school-only"
        ),
        pytest.param(
            {**OPT_IN_US, "sponsor": "no"}, {H: NOT_ELIGIBLE}, id="employer-will-not-sponsor"
        ),
        pytest.param(
            {**OPT_IN_US, "job_offer": "china"}, {H: NOT_ELIGIBLE, R: POSSIBLE}, id="offer-in-china"
        ),
        pytest.param(
            {**STEM_BACHELOR_IN_INDIA, "institution": "not_recognised"},
            {K: NOT_ELIGIBLE},
            id="unknown-university-no-academic-role",
        ),
        pytest.param(
            {**STEM_BACHELOR_IN_INDIA, "institution": "not_recognised", "academic_role": "yes"},
            {K: POSSIBLE},
            id="academic-role-is-the-alternative",
        ),
        pytest.param(
            {**STEM_BACHELOR_IN_INDIA, "degree": "doctorate", "mandarin": "native"},
            {K: POSSIBLE},
            id="favourable-never-makes-likely-alone",
        ),
        pytest.param({}, {K: POSSIBLE, H: POSSIBLE, R: POSSIBLE}, id="nothing-answered"),
        pytest.param(
            EVERYTHING_UNKNOWN, {K: POSSIBLE, H: POSSIBLE, R: POSSIBLE}, id="all-i-dont-know"
        ),
        pytest.param(GARBAGE, {K: POSSIBLE, H: POSSIBLE, R: POSSIBLE}, id="garbage-is-unanswered"),
        pytest.param(
            {**OPT_IN_US, "employer_type": "research", "wage_level": "4"},
            {H: LIKELY},
            id="favourable-answers",
        ),
    ],
)
def test_verdicts(answers: dict[str, object], expected: dict[str, Verdict]) -> None:
    results = results_by_slug(answers)
    assert {slug: results[slug].verdict for slug in expected} == expected


# ---------------------------------------------------------------------------------------------
# Headlines, what it depends on and what would change it


@pytest.mark.parametrize(
    ("answers", "slug", "fragment"),
    [
        pytest.param(
            CHINESE_CITIZEN,
            K,
            "Because you are a citizen of China, you do not need the China K visa.",
            id="not-needed-names-citizenship",
        ),
        pytest.param(
            GREEN_CARD, H, "Because you hold a green card, you do not need the US H-1B.", id="gc"
        ),
        pytest.param(NON_STEM, K, "It asks for a STEM degree", id="not-eligible-names-requirement"),
        pytest.param(
            HIGH_SCHOOL,
            H,
            "asks for at least a Bachelor's degree and a job offer in the United States",
            id="not-eligible-names-every-failure",
        ),
        pytest.param(OPT_IN_US, H, "You meet every requirement", id="likely"),
        pytest.param(STEM_BACHELOR_IN_INDIA, K, "3 requirements are unclear", id="possible"),
    ],
)
def test_headline(answers: dict[str, object], slug: str, fragment: str) -> None:
    assert fragment in results_by_slug(answers)[slug].headline


def test_possible_lists_the_unclear_age_band() -> None:
    k_visa = results_by_slug(STEM_BACHELOR_IN_INDIA)[K]
    assert k_visa.verdict is POSSIBLE
    assert AGE_STATEMENT.rstrip(".") in k_visa.depends_on
    assert len(k_visa.depends_on) == 3  # institution (group), age, experience


def test_group_depends_on_names_the_alternative() -> None:
    (institution, *_) = results_by_slug(OPT_IN_US | {"institution": UNKNOWN})[K].depends_on
    assert institution.startswith("whether your institution is world top-ranked or nationally")
    assert "; or " not in institution  # academic role is answered "no": not an alternative left


@pytest.mark.parametrize(
    ("answers", "slug", "expected"),
    [
        pytest.param(
            STEM_BACHELOR_IN_INDIA,
            H,
            {
                "With a job offer in the United States, US H-1B would become possibly eligible.",
                "With a job offer in the United States and an employer who will sponsor you, "
                "US H-1B would become likely eligible.",
            },
            id="h1b-needs-us-offer-and-sponsor",
        ),
        pytest.param(
            NON_STEM,
            K,
            {"With a STEM degree, China K visa would become possibly eligible."},
            id="k-needs-stem-degree",
        ),
        pytest.param(
            HIGH_SCHOOL,
            K,
            {"With a Bachelor's degree, China K visa would become possibly eligible."},
            id="k-needs-bachelor",
        ),
        pytest.param(
            HIGH_SCHOOL,
            H,
            {
                "With a Bachelor's degree, a job offer in the United States and an employer who "
                "will sponsor you, US H-1B would become likely eligible."
            },
            id="h1b-needs-bachelor-offer-sponsor",
        ),
        pytest.param(
            {**OPT_IN_US, "sponsor": UNKNOWN},
            H,
            {"With an employer who will sponsor you, US H-1B would become likely eligible."},
            id="sponsor-unknown",
        ),
        pytest.param(
            {**OPT_IN_US, "job_offer": "china"},
            R,
            set(),
            id="r-possible-by-rule-nothing-to-change",
        ),
        pytest.param(
            {**STEM_BACHELOR_IN_INDIA, "citizenship": "GB"},
            H,
            {
                "With a job offer in the United States, US H-1B would become possibly eligible.",
                "With a job offer in the United States and an employer who will sponsor you, "
                "US H-1B would become likely eligible.",
            },
            id="never-proposes-citizenship",
        ),
        pytest.param(OPT_IN_US, H, set(), id="likely-has-no-changes"),
        pytest.param(CHINESE_CITIZEN, K, set(), id="not-needed-has-no-changes"),
    ],
)
def test_changes(answers: dict[str, object], slug: str, expected: set[str]) -> None:
    result = results_by_slug(answers)[slug]
    assert {change.sentence for change in result.changes} == expected
    for change in result.changes:
        assert Fact.CITIZENSHIP not in dict(change.updates)


def test_change_carries_labels_and_updates() -> None:
    (single, combined) = results_by_slug(STEM_BACHELOR_IN_INDIA)[H].changes
    assert (single.fact, single.fact_label, single.value_label) == (
        Fact.JOB_OFFER,
        "Job offer",
        "In the United States",
    )
    assert single.new_verdict is POSSIBLE
    assert combined.updates == ((Fact.JOB_OFFER, "us"), (Fact.SPONSOR, "yes"))
    assert combined.fact_label == "Job offer; Employer will sponsor a visa"
    assert combined.value_label == "In the United States; Yes"


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
    assert result.verdict is NOT_ELIGIBLE
    assert [change.updates for change in result.changes] == []
    grown_up = program("adult", "Adults", "CN", (criterion(Fact.AGE, Operator.BETWEEN, (18, 45)),))
    (change,) = evaluate_program(grown_up, {"age": 16}, today=TODAY).changes
    assert change.updates == ((Fact.AGE, 18),)
    assert change.sentence == "With an age of 18 years, Adults would become likely eligible."


def test_deciding_facts() -> None:
    results = results_by_slug(STEM_BACHELOR_IN_INDIA)
    assert results[H].deciding_facts == (Fact.JOB_OFFER,)
    assert results[K].deciding_facts == (
        Fact.DEGREE,
        Fact.FIELD,
        Fact.INSTITUTION,
        Fact.ACADEMIC_ROLE,
    )
    assert results_by_slug(CHINESE_CITIZEN)[K].deciding_facts == (Fact.CITIZENSHIP,)
    assert results_by_slug(GREEN_CARD)[H].deciding_facts == (Fact.US_STATUS,)


# ---------------------------------------------------------------------------------------------
# Criteria: every branch, including each "I don't know"


@pytest.mark.parametrize(
    ("answers", "slug", "fact", "importance", "status", "because", "reason"),
    [
        pytest.param(
            STEM_BACHELOR_IN_INDIA,
            H,
            Fact.DEGREE,
            Importance.REQUIRED,
            Status.MEETS,
            None,
            "You said your highest degree is a Bachelor's degree; "
            "the program asks for at least a Bachelor's degree.",
            id="degree-meets",
        ),
        pytest.param(
            HIGH_SCHOOL,
            K,
            Fact.DEGREE,
            Importance.REQUIRED,
            Status.NOT_MET,
            None,
            "You said your highest degree is secondary school or less; "
            "the program asks for at least a Bachelor's degree.",
            id="degree-not-met",
        ),
        pytest.param(
            {"degree": UNKNOWN},
            K,
            Fact.DEGREE,
            Importance.REQUIRED,
            Status.UNCLEAR,
            UnclearBecause.ANSWER,
            "You answered “I don't know”. You meet this if your highest degree is at least a "
            "Bachelor's degree.",
            id="degree-unknown",
        ),
        pytest.param(
            {"field": UNKNOWN},
            K,
            Fact.FIELD,
            Importance.REQUIRED,
            Status.UNCLEAR,
            UnclearBecause.ANSWER,
            "You answered “I don't know”. You meet this if you studied a STEM subject.",
            id="field-unknown",
        ),
        pytest.param(
            {"institution": UNKNOWN},
            K,
            Fact.INSTITUTION,
            Importance.REQUIRED,
            Status.UNCLEAR,
            UnclearBecause.ANSWER,
            "You answered “I don't know”. You meet this if your institution is world "
            "top-ranked or nationally recognised.",
            id="institution-unknown",
        ),
        pytest.param(
            {"sponsor": UNKNOWN},
            H,
            Fact.SPONSOR,
            Importance.REQUIRED,
            Status.UNCLEAR,
            UnclearBecause.ANSWER,
            "You answered “I don't know”. You meet this if your employer will sponsor a visa.",
            id="sponsor-unknown",
        ),
        pytest.param(
            {"age": UNKNOWN},
            K,
            Fact.AGE,
            Importance.REQUIRED,
            Status.UNCLEAR,
            UnclearBecause.RULE,
            f"{AGE_STATEMENT} The sources publish no threshold for this, so your answer "
            "(“I don't know”) cannot settle it.",
            id="age-unknown-rule-unspecified",
        ),
        pytest.param(
            {"age": 30},
            K,
            Fact.AGE,
            Importance.REQUIRED,
            Status.UNCLEAR,
            UnclearBecause.RULE,
            f"{AGE_STATEMENT} The sources publish no threshold for this, so your answer "
            "(“30 years”) cannot settle it.",
            id="age-given-rule-unspecified",
        ),
        pytest.param(
            {},
            K,
            Fact.AGE,
            Importance.REQUIRED,
            Status.UNCLEAR,
            UnclearBecause.RULE,
            f"{AGE_STATEMENT} The sources publish no threshold for this, so no answer can "
            "settle it.",
            id="age-absent-rule-unspecified",
        ),
        pytest.param(
            {},
            H,
            Fact.JOB_OFFER,
            Importance.REQUIRED,
            Status.UNCLEAR,
            UnclearBecause.NOT_ANSWERED,
            "“Job offer” was not asked for your situation; the program asks for a job offer in the United "
            "States.",
            id="not-answered",
        ),
        pytest.param(
            {"institution": "national"},
            K,
            Fact.INSTITUTION,
            Importance.REQUIRED,
            Status.UNCLEAR,
            UnclearBecause.RULE,
            "You said your institution is nationally recognised, which meets the broadest "
            "reading of this rule",
            id="unclear-rule-passing",
        ),
        pytest.param(
            {"institution": "not_recognised"},
            K,
            Fact.INSTITUTION,
            Importance.REQUIRED,
            Status.NOT_MET,
            None,
            "even the broadest reading of this rule",
            id="unclear-rule-failing",
        ),
        pytest.param(
            {"job_offer": "none"},
            K,
            Fact.JOB_OFFER,
            Importance.NOT_REQUIRED,
            Status.MEETS,
            None,
            "There is no requirement here: any answer will do. You said you have no job offer.",
            id="any-meets",
        ),
        pytest.param(
            {"us_status": UNKNOWN},
            H,
            Fact.US_STATUS,
            Importance.NOT_NEEDED_IF,
            Status.UNCLEAR,
            UnclearBecause.ANSWER,
            "You answered “I don't know”. You would not need this program if you are a US "
            "citizen or you hold a green card.",
            id="us-status-unknown",
        ),
        pytest.param(
            {"mandarin": "professional"},
            K,
            Fact.MANDARIN,
            Importance.FAVOURABLE,
            Status.MEETS,
            None,
            "You said your Mandarin level is professional working level; the program favours "
            "at least conversational Mandarin.",
            id="favourable-meets",
        ),
        pytest.param(
            GARBAGE,
            H,
            Fact.DEGREE,
            Importance.REQUIRED,
            Status.UNCLEAR,
            UnclearBecause.NOT_ANSWERED,
            "“Highest degree” was not asked for your situation",
            id="garbage-degree",
        ),
        pytest.param(
            GARBAGE,
            H,
            Fact.SPONSOR,
            Importance.REQUIRED,
            Status.UNCLEAR,
            UnclearBecause.NOT_ANSWERED,
            "“Employer will sponsor a visa” was not asked for your situation",
            id="garbage-float-for-yes-no",
        ),
    ],
)
def test_criterion(
    answers: dict[str, object],
    slug: str,
    fact: Fact,
    importance: Importance,
    status: Status,
    because: UnclearBecause | None,
    reason: str,
) -> None:
    item = criterion_result(results_by_slug(answers)[slug], fact, importance)
    assert (item.status, item.unclear_because) == (status, because)
    assert item.reason.startswith(reason) or reason in item.reason, item.reason


@pytest.mark.parametrize(
    ("condition", "answer", "status"),
    [
        pytest.param((Fact.AGE, Operator.AT_LEAST, (18,)), 18, Status.MEETS, id="at-least-edge"),
        pytest.param((Fact.AGE, Operator.AT_LEAST, (18,)), 17, Status.NOT_MET, id="below"),
        pytest.param((Fact.AGE, Operator.AT_MOST, (45,)), 45, Status.MEETS, id="at-most-edge"),
        pytest.param((Fact.AGE, Operator.BETWEEN, (18, 45)), 45, Status.MEETS, id="between-top"),
        pytest.param((Fact.AGE, Operator.BETWEEN, (18, 45)), 46, Status.NOT_MET, id="above"),
        pytest.param((Fact.AGE, Operator.BETWEEN, (18, 45)), UNKNOWN, Status.UNCLEAR, id="age?"),
        pytest.param((Fact.AGE, Operator.AT_LEAST, (14,)), UNKNOWN, Status.MEETS, id="all-ages"),
        pytest.param((Fact.AGE, Operator.AT_MOST, (13,)), UNKNOWN, Status.NOT_MET, id="no-age"),
        pytest.param((Fact.AGE, Operator.AT_LEAST, (18,)), 101, Status.UNCLEAR, id="age-range"),
        pytest.param((Fact.AGE, Operator.AT_LEAST, (18,)), True, Status.UNCLEAR, id="bool-age"),
        pytest.param(
            (Fact.STEM_EXPERIENCE, Operator.AT_LEAST, (3,)), 3, Status.MEETS, id="experience"
        ),
        pytest.param(
            (Fact.DEGREE, Operator.AT_MOST, ("master",)), "doctorate", Status.NOT_MET, id="at-most"
        ),
        pytest.param((Fact.DEGREE, Operator.IN, ("master",)), "master", Status.MEETS, id="in"),
        pytest.param((Fact.RESIDENCE, Operator.NOT_IN, ("US",)), "US", Status.NOT_MET, id="not-in"),
        pytest.param(
            (Fact.DEGREE, Operator.AT_LEAST, ("phd",)), "master", Status.UNCLEAR, id="bad-rule"
        ),
        pytest.param(
            (Fact.AGE, Operator.BETWEEN, (45, 18)), 30, Status.UNCLEAR, id="reversed-between"
        ),
        pytest.param((Fact.FIELD, Operator.AT_LEAST, ("stem",)), "stem", Status.UNCLEAR, id="op"),
        pytest.param((Fact.FIELD, Operator.IN, ()), "stem", Status.UNCLEAR, id="empty-in"),
    ],
)
def test_condition_semantics(
    condition: tuple[Fact, Operator, tuple[str | int, ...]], answer: object, status: Status
) -> None:
    fact, operator, values = condition
    rules = program("p", "P", "CN", (criterion(fact, operator, values),))
    (item,) = evaluate_program(rules, {fact.value: answer}, today=TODAY).criteria
    assert item.status is status, item.reason


# ---------------------------------------------------------------------------------------------
# Figures


@pytest.mark.parametrize(
    ("answers", "applies", "reason"),
    [
        pytest.param(OPT_IN_US, Status.NOT_MET, "you said you live in the United States", id="us"),
        pytest.param(OFFER_FROM_INDIA, Status.MEETS, "you said you live in India", id="india"),
        pytest.param(
            {"residence": UNKNOWN},
            Status.UNCLEAR,
            "Applies unless you live in the United States. You answered “I don't know”.",
            id="residence-unknown",
        ),
        pytest.param(
            {},
            Status.UNCLEAR,
            "Applies unless you live in the United States. It was not asked for your situation.",
            id="residence-absent",
        ),
    ],
)
def test_h1b_payment_applies(answers: dict[str, object], applies: Status, reason: str) -> None:
    payment = next(
        item for item in results_by_slug(answers)[H].figures if item.figure == H1B_PAYMENT
    )
    assert payment.applies is applies
    assert reason in payment.reason
    assert payment.is_current


def test_figures_without_condition_apply_and_currency_follows_dates() -> None:
    results = {item.figure.label: item for item in results_by_slug(OPT_IN_US)[H].figures}
    registration = results["Lottery registration fee"]
    assert (registration.applies, registration.reason, registration.is_current) == (
        Status.MEETS,
        "",
        True,
    )
    assert not results["Petition fee (older schedule)"].is_current


@pytest.mark.parametrize(
    ("today", "current"),
    [
        pytest.param(date(2025, 9, 20), False, id="before"),
        pytest.param(date(2025, 9, 21), True, id="first-day"),
        pytest.param(date(2026, 9, 21), True, id="last-day"),
        pytest.param(date(2026, 9, 22), False, id="after"),
    ],
)
def test_figure_is_current(today: date, current: bool) -> None:
    fee = figure(
        "Fee", value=Decimal(1), effective_from=date(2025, 9, 21), effective_to=date(2026, 9, 21)
    )
    rules = program("p", "P", "US", (), (fee,))
    (item,) = evaluate_program(rules, {}, today=today).figures
    assert item.is_current is current


def test_figure_with_unspecified_condition_says_it_depends() -> None:
    fee = figure(
        "Fee",
        value_text="Some",
        applies=Condition(Fact.AGE, Operator.UNSPECIFIED, ()),
        applies_note="Only for some ages",
        clarity=Clarity.UNCLEAR,
    )
    (item,) = evaluate_program(program("p", "P", "US", (), (fee,)), {}, today=TODAY).figures
    assert (item.applies, item.reason) == (Status.UNCLEAR, "It depends. Only for some ages.")


# ---------------------------------------------------------------------------------------------
# Snapshots


def test_result_to_dict_has_values_and_labels() -> None:
    data = result_to_dict(results_by_slug(STEM_BACHELOR_IN_INDIA)[H])
    assert json.loads(json.dumps(data)) == data
    assert (data["verdict"], data["verdict_label"]) == ("not_eligible", Verdict.NOT_ELIGIBLE.label)
    first = data["criteria"][0]
    assert (first["status"], first["status_label"]) == ("not_met", "Does not meet")
    assert (first["unclear_because"], first["unclear_because_label"]) == (None, "")
    rule = first["criterion"]
    assert rule["importance_label"] == "Route not needed if"
    assert rule["clarity_label"] == Clarity.CONFIRMED.label
    assert rule["condition"]["fact_label"] == "Citizenship"
    assert rule["condition"]["values"] == ["US"]
    assert rule["condition"]["values_label"] == "United States"
    assert rule["as_of"] == "2025-10-01"
    assert rule["sources"][0]["is_official"] is True
    payment = data["figures"][0]
    assert payment["figure"]["value"] == "100000.00"
    assert payment["figure"]["effective_from"] == "2025-09-21"
    assert (payment["applies"], payment["is_current"]) == ("meets", True)
    change = data["changes"][1]
    assert change["updates"] == [["job_offer", "us"], ["sponsor", "yes"]]
    assert change["new_verdict_label"] == "Likely eligible"
    assert change["fact_label"] == "Job offer; Employer will sponsor a visa"
    assert data["deciding_facts"] == ["job_offer"]
    assert data["deciding_facts_labels"] == ["Job offer"]
    assert data["program"]["country_label"] == "United States"
    assert data["program"]["caveats"][0]["title"] == "Lottery odds"


def test_result_to_dict_keeps_dataclass_field_names() -> None:
    result = results_by_slug(OPT_IN_US)[K]
    data = result_to_dict(result)
    assert set(ProgramResult.__dataclass_fields__) <= set(data)
    assert set(ProgramRules.__dataclass_fields__) <= set(data["program"])
    assert set(FigureRule.__dataclass_fields__) <= set(data["figures"][0]["figure"])


# ---------------------------------------------------------------------------------------------
# Properties: for any answers whatever


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
)
ANSWERS = st.dictionaries(
    keys=st.one_of(st.sampled_from([fact.value for fact in Fact]), st.text(max_size=6)),
    values=ANY_VALUE,
    max_size=len(Fact) + 3,
)


@st.composite
def random_criterion(draw: st.DrawFn) -> object:
    fact = draw(st.sampled_from(list(Fact)))
    operator = draw(st.sampled_from(list(Operator)))
    spec = FACTS[fact]
    if spec.kind is FactKind.NUMBER:
        pool: list[str | int] = list(range(spec.minimum - 1, spec.maximum + 2, 7))
    else:
        assert spec.values is not None
        pool = [member.value for member in spec.values] + ["nonsense"]
    values = tuple(draw(st.lists(st.sampled_from(pool), max_size=3)))
    return criterion(
        fact,
        operator,
        values,
        importance=draw(st.sampled_from(list(Importance))),
        clarity=draw(st.sampled_from(list(Clarity))),
        group=draw(st.sampled_from(["", "", "a", "b"])),
        statement=draw(st.sampled_from(["A rule.", " "])),
    )


RANDOM_PROGRAM = st.builds(
    lambda criteria: program("random", "Random route", "CN", tuple(criteria), (H1B_PAYMENT,)),
    st.lists(random_criterion(), max_size=6),
)
PROGRAM = st.one_of(st.sampled_from(PROGRAMS), RANDOM_PROGRAM)
RANK = {Verdict.NOT_ELIGIBLE: 0, Verdict.POSSIBLE: 1, Verdict.LIKELY: 2}


def unit_statuses(result: ProgramResult, importance: Importance) -> list[Status]:
    """An independent reading of how alternatives combine."""
    groups: dict[str, list[Status]] = {}
    for item in result.criteria:
        if item.criterion.importance is importance:
            key = item.criterion.group or f"#{item.criterion.id}"
            groups.setdefault(key, []).append(item.status)
    combined = []
    for statuses in groups.values():
        if Status.MEETS in statuses:
            combined.append(Status.MEETS)
        elif Status.UNCLEAR in statuses:
            combined.append(Status.UNCLEAR)
        else:
            combined.append(Status.NOT_MET)
    return combined


@settings(max_examples=200, deadline=None)
@given(rules=PROGRAM, answers=ANSWERS)
def test_verdict_is_consistent_with_criteria(rules: ProgramRules, answers: dict) -> None:
    result = evaluate_program(rules, answers, today=TODAY)
    required = unit_statuses(result, Importance.REQUIRED)
    not_needed = Status.MEETS in unit_statuses(result, Importance.NOT_NEEDED_IF)
    assert (result.verdict is NOT_NEEDED) == not_needed
    assert (result.verdict is NOT_ELIGIBLE) == (Status.NOT_MET in required and not not_needed)
    if result.verdict is LIKELY:
        assert Status.UNCLEAR not in required
    if result.verdict is POSSIBLE:
        assert result.depends_on
        assert all(result.depends_on)
    assert result.headline
    for item in result.criteria:
        assert item.reason
        assert (item.unclear_because is None) == (item.status is not Status.UNCLEAR)
    assert evaluate_program(rules, answers, today=TODAY) == result  # deterministic


@settings(max_examples=200, deadline=None)
@given(rules=PROGRAM, answers=ANSWERS)
def test_result_to_dict_round_trips_through_json(rules: ProgramRules, answers: dict) -> None:
    data = result_to_dict(evaluate_program(rules, answers, today=TODAY))
    text = json.dumps(data, allow_nan=False)
    assert json.loads(text) == data


@settings(max_examples=200, deadline=None)
@given(rules=PROGRAM, answers=ANSWERS)
def test_every_change_improves_the_verdict(rules: ProgramRules, answers: dict) -> None:
    result = evaluate_program(rules, answers, today=TODAY)
    for change in result.changes:
        changed = {**answers, **{fact.value: value for fact, value in change.updates}}
        after = evaluate_program(rules, changed, today=TODAY).verdict
        assert after is change.new_verdict
        assert RANK[after] > RANK[result.verdict]
        assert change.sentence.startswith("With ")
        assert Fact.CITIZENSHIP not in dict(change.updates)


@settings(max_examples=100, deadline=None)
@given(answers=ANSWERS)
def test_evaluate_keeps_program_order(answers: dict) -> None:
    results = evaluate(PROGRAMS, answers, today=TODAY)
    assert [result.program for result in results] == list(PROGRAMS)


def test_answers_that_are_not_a_mapping_count_as_unanswered() -> None:
    result = evaluate_program(H1B, None, today=TODAY)  # type: ignore[arg-type]
    assert result.verdict is POSSIBLE


def test_rule_objects_are_frozen() -> None:
    with pytest.raises(AttributeError):
        K_VISA.name = "Other"  # type: ignore[misc]
    assert replace(K_VISA, name="Other").name == "Other"
