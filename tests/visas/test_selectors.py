"""Programs read from the database as rule objects, in a constant number of queries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from pytest_django import DjangoAssertNumQueries

from tests.visas import scenarios
from visas import rules, selectors, services
from visas import vocabulary as v
from visas.models import (
    Caveat,
    Criterion,
    KeyFigure,
    PointsRow,
    PointsTable,
    Program,
    RequirementGroup,
    Source,
)
from visas.selectors import program_revisions, program_rules_list
from visas.vocabulary import Clarity, Fact, Importance, Operator

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 10, 1)


def make_source(title: str, *, official: bool = True) -> Source:
    return Source.objects.create(
        title=title,
        publisher="Example Ministry",
        url=f"https://example.org/{title.lower().replace(' ', '-')}",
        published_on=date(2025, 8, 14) if official else None,
        published_note="" if official else "undated",
        accessed_on=date(2026, 11, 23),
        is_official=official,
    )


def make_program(slug: str, *, order: int = 100, name: str = "") -> Program:
    """A program with two criteria (one a group member), a figure and a caveat."""
    main, press, other = (
        make_source(f"{slug} notice"),
        make_source(f"{slug} report", official=False),
        make_source(f"{slug} analysis", official=False),
    )
    program = Program.objects.create(
        slug=slug,
        name=name or slug.replace("-", " ").title(),
        country="CN",
        authority="An authority",
        summary="A summary.",
        last_reviewed_on=date(2026, 11, 23),
        display_order=order,
    )
    common = {"program": program, "as_of": AS_OF, "source": main}
    routes = RequirementGroup.objects.create(
        program=program, key="institution", combine=v.Combine.ANY, route="Well-known route"
    )
    later = Criterion.objects.create(
        **common,
        fact=Fact.FIELD,
        operator=Operator.IN,
        values=["stem"],
        importance=Importance.REQUIRED,
        clarity=Clarity.CONFIRMED,
        statement="A STEM degree.",
        display_order=20,
    )
    first = Criterion.objects.create(
        **common,
        fact=Fact.INSTITUTION,
        operator=Operator.IN,
        values=["world_top", "national"],
        importance=Importance.REQUIRED,
        group=routes,
        clarity=Clarity.UNCLEAR,
        statement="A well-known university.",
        display_order=10,
    )
    first.more_sources.set([press, other, main])
    later.more_sources.set([press])
    figure = KeyFigure.objects.create(
        **common,
        kind=v.FigureKind.FEE,
        label="Payment",
        value=Decimal("100000.00"),
        unit="USD",
        payer=v.Payer.EMPLOYER,
        recurrence=v.Recurrence.PER_PETITION,
        effective_from=date(2025, 9, 21),
        legal_status=v.LegalStatus.VACATED,
        legal_note="Vacated by a court on 8 June 2026.",
        legal_changed_on=date(2026, 6, 8),
        legal_source=press,
        applies_fact=Fact.RESIDENCE,
        applies_operator=Operator.NOT_IN,
        applies_values=["US"],
        applies_note="For people outside the US.",
        clarity=Clarity.REPORTED,
    )
    figure.more_sources.set([other])
    KeyFigure.objects.create(
        **common,
        kind=v.FigureKind.CAP,
        label="Annual cap",
        value_text="65,000",
        clarity=Clarity.CONFIRMED,
    )
    caveat = Caveat.objects.create(
        **common,
        category=v.CaveatCategory.LOTTERY,
        severity=v.Severity.SERIOUS,
        title="Lottery",
        text="Most applicants are not selected.",
        clarity=Clarity.REPORTED,
    )
    caveat.more_sources.set([press])
    table = PointsTable.objects.create(
        **common,
        group=routes,
        name="Points test",
        pass_mark=60,
        caps={"age": 20},
        clarity=Clarity.REPORTED,
    )
    PointsRow.objects.create(
        table=table,
        category="age",
        fact=Fact.AGE,
        operator=Operator.AT_MOST,
        values=[30],
        points=20,
        label="Age 30 or under",
    )
    return program


def test_program_rules_content() -> None:
    program = make_program("k-visa", name="China K visa")
    Program.objects.filter(pk=program.pk).update(revision=4)

    (rules_,) = program_rules_list()

    assert (rules_.slug, rules_.name, rules_.country, rules_.revision) == (
        "k-visa",
        "China K visa",
        "CN",
        4,
    )
    assert rules_.status is v.ProgramStatus.IN_FORCE
    assert rules_.url == "/programs/k-visa/"
    assert rules_.last_reviewed_on == date(2026, 11, 23)

    institution, field = rules_.criteria  # by display order, not by id
    assert institution.condition == rules.Condition(
        Fact.INSTITUTION, Operator.IN, ("world_top", "national")
    )
    assert rules_.groups == (
        rules.GroupRule("institution", "", v.Combine.ANY, Importance.REQUIRED, "Well-known route"),
    )
    assert (institution.importance, institution.group, institution.clarity) == (
        Importance.REQUIRED,
        "institution",
        Clarity.UNCLEAR,
    )
    assert isinstance(institution.condition.fact, Fact)
    assert institution.as_of == AS_OF
    # The main source first, then the others by title, without repeating the main one.
    assert [source.title for source in institution.sources] == [
        "k-visa notice",
        "k-visa analysis",
        "k-visa report",
    ]
    assert institution.sources[0].is_official
    assert institution.sources[2].published_on is None
    assert field.statement == "A STEM degree."

    payment, cap = rules_.figures
    assert payment.applies == rules.Condition(Fact.RESIDENCE, Operator.NOT_IN, ("US",))
    assert (payment.value, payment.unit, payment.legal.effective_from) == (
        Decimal("100000.00"),
        "USD",
        date(2025, 9, 21),
    )
    assert (payment.kind, payment.payer, payment.recurrence) == (
        v.FigureKind.FEE,
        v.Payer.EMPLOYER,
        v.Recurrence.PER_PETITION,
    )
    assert (payment.legal.status, payment.legal.changed_on) == (
        v.LegalStatus.VACATED,
        date(2026, 6, 8),
    )
    assert payment.legal.source is not None
    assert payment.legal.source.title == "k-visa report"
    assert [source.title for source in payment.sources] == ["k-visa notice", "k-visa analysis"]
    assert cap.applies is None
    assert (cap.value, cap.value_text) == (None, "65,000")

    (caveat,) = rules_.caveats
    assert (caveat.category, caveat.severity, caveat.title) == (
        v.CaveatCategory.LOTTERY,
        v.Severity.SERIOUS,
        "Lottery",
    )
    (points,) = rules_.points_tables
    assert (points.group, points.pass_mark, points.caps) == ("institution", 60, (("age", 20),))
    (row,) = points.rows
    assert (row.category, row.points, row.condition) == (
        "age",
        20,
        rules.Condition(Fact.AGE, Operator.AT_MOST, (30,)),
    )


def test_rules_from_the_database_evaluate() -> None:
    make_program("k-visa")
    (result,) = rules.evaluate(
        program_rules_list(), {"field": "stem", "institution": "world_top"}, today=AS_OF
    )
    assert result.verdict is rules.Verdict.POSSIBLE  # the institution rule is unclear


def test_order_and_slugs() -> None:
    make_program("b-second", order=20, name="Beta")
    make_program("a-third", order=20, name="Gamma")
    make_program("c-first", order=10, name="Zeta")

    assert [item.slug for item in program_rules_list()] == ["c-first", "b-second", "a-third"]
    assert [item.slug for item in program_rules_list(slugs=["a-third", "c-first"])] == [
        "c-first",
        "a-third",
    ]
    assert program_rules_list(slugs=[]) == []


def test_program_revisions() -> None:
    make_program("one")
    two = make_program("two")
    Program.objects.filter(pk=two.pk).update(revision=7)
    assert program_revisions(slugs=["one", "two", "gone"]) == {"one": 1, "two": 7}


def test_unreadable_rows_are_left_out_or_read_cautiously() -> None:
    program = make_program("odd")
    Criterion.objects.filter(program=program, fact=Fact.FIELD).update(fact="shoe_size")
    KeyFigure.objects.filter(program=program, label="Payment").update(
        applies_operator="sometimes", clarity="certain"
    )

    (rules_,) = program_rules_list()

    assert [rule.condition.fact for rule in rules_.criteria] == [Fact.INSTITUTION]
    payment = rules_.figures[0]
    assert payment.applies is None
    assert payment.clarity is Clarity.UNCLEAR


@pytest.mark.parametrize("count", [3, 20])
def test_query_count_does_not_grow_with_programs(
    count: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for index in range(count):
        make_program(f"program-{index:02}", order=index)
    # Programs (with the selection's source); groups; criteria, points tables, figures and
    # caveats with their sources, and each one's further sources; the points tables' rows.
    with django_assert_num_queries(11):
        result = program_rules_list()
    assert len(result) == count
    assert all(len(item.criteria) == 2 and len(item.figures) == 2 for item in result)


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param(scenario, id=name)
        for name, scenario in {
            "stem-bachelor-india": scenarios.STEM_BACHELOR_IN_INDIA,
            "non-stem": scenarios.NON_STEM,
            "us-master-opt": scenarios.OPT_IN_US,
            "offer-from-india": scenarios.OFFER_FROM_INDIA,
            "chinese-citizen": scenarios.CHINESE_CITIZEN,
            "green-card": scenarios.GREEN_CARD,
            "high-school": scenarios.HIGH_SCHOOL,
            "all-unknown": scenarios.EVERYTHING_UNKNOWN,
            "nothing": {},
        }.items()
    ],
)
def test_seed_content_reads_as_the_hand_built_scenarios(answers: dict[str, object]) -> None:
    """The rules in tests/visas/scenarios.py mirror the seed content: same verdicts."""
    call_command("load_visa_content", stdout=StringIO())
    loaded = {
        result.program.slug: result.verdict
        for result in rules.evaluate(program_rules_list(), answers, today=scenarios.TODAY)
    }
    mirrored = {
        result.program.slug: result.verdict
        for result in rules.evaluate(scenarios.PROGRAMS, answers, today=scenarios.TODAY)
    }
    assert {slug: loaded[slug] for slug in mirrored} == mirrored


def test_kept_rules_and_facts_follow_every_revision(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    program = make_program("kept")
    facts = set(selectors.facts_in_use())
    assert {Fact.FIELD, Fact.INSTITUTION} <= facts
    assert Fact.FAMILY not in facts
    with django_assert_num_queries(1):  # kept: only the versions are read
        assert set(selectors.facts_in_use()) == facts
    versions = selectors.program_versions()
    with django_assert_num_queries(0):  # versions read with another query (a questionnaire)
        assert set(selectors.facts_in_use(versions=versions)) == facts

    # An edit that raises the revision (as every adviser's edit does) shows at once.
    Criterion.objects.create(
        program=program,
        source=Source.objects.first(),
        as_of=AS_OF,
        fact=Fact.FAMILY,
        operator=Operator.IN,
        values=["alone"],
        importance=Importance.REQUIRED,
        statement="Alone.",
    )
    assert set(selectors.facts_in_use()) == facts  # the same revision: the same rules, kept
    services.program_revision_bump(program=program)
    assert set(selectors.facts_in_use()) == facts | {Fact.FAMILY}
    # With the names of the programs reading each fact (for "Why we ask").
    assert selectors.facts_in_use()[Fact.FAMILY] == (program.name,)
    assert Fact.FAMILY in {c.condition.fact for c in selectors.program_rules_current()[0].criteria}
    assert set(selectors.facts_in_use(versions=versions)) == facts  # as they were then

    # A program made anew under the same slug starts again at revision 1: its id tells.
    Criterion.objects.all().delete()  # grouped items first (see test_models)
    PointsTable.objects.all().delete()
    Program.objects.all().delete()
    anew = make_program("kept")
    Criterion.objects.create(
        program=anew,
        source=Source.objects.first(),
        as_of=AS_OF,
        fact=Fact.FAMILY,
        operator=Operator.IN,
        values=["alone"],
        importance=Importance.REQUIRED,
        statement="Alone.",
    )
    assert [(slug, revision) for slug, _, revision in selectors.program_versions()] == [
        (slug, revision) for slug, _, revision in versions
    ]
    assert set(selectors.facts_in_use()) == facts | {Fact.FAMILY}


def test_versions_read_with_another_query_are_the_same() -> None:
    make_program("b-second", order=20, name="Beta")
    make_program("a-third", order=20, name="Gamma")
    make_program("c-first", order=10, name="Zeta")
    Program.objects.filter(slug="a-third").update(revision=5)
    versions = Program.objects.annotate(
        versions=selectors.program_versions_expression()
    ).values_list("versions", flat=True)[0]
    assert selectors.program_versions_from_json(versions) == selectors.program_versions()
    assert [slug for slug, _, _ in selectors.program_versions()] == [
        "c-first",
        "b-second",
        "a-third",
    ]
    assert selectors.program_versions_from_json(None) is None
    assert selectors.program_versions_from_json([["x", "not a number", 1]]) is None
