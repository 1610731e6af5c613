"""A criterion, caveat, figure or points table with a malformed rule, a broken tree, or
without source or date, is refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import RestrictedError

from tests.visas.factories import (
    AS_OF,
    CaveatFactory,
    CriterionFactory,
    KeyFigureFactory,
    PointsRowFactory,
    PointsTableFactory,
    ProgramFactory,
    RequirementGroupFactory,
    SourceFactory,
)
from visas import vocabulary as v
from visas.models import Caveat, Criterion, KeyFigure, PointsTable, RequirementGroup

pytestmark = pytest.mark.django_db


def _errors(**fields: object) -> dict[str, list[str]]:
    criterion = CriterionFactory.build(program=ProgramFactory(), source=SourceFactory(), **fields)
    with pytest.raises(ValidationError) as caught:
        criterion.full_clean()
    return caught.value.message_dict


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        pytest.param(
            {"fact": "age", "operator": "at_least", "values": ["bachelor"]},
            "values",
            "whole numbers",
            id="age-rule-with-degree-value",
        ),
        pytest.param(
            {"fact": "degree", "operator": "at_least", "values": [3]},
            "values",
            "is not a valid highest degree",
            id="degree-rule-with-number",
        ),
        pytest.param(
            {"fact": "age", "operator": "between", "values": [18]},
            "values",
            "exactly 2",
            id="between-with-one-value",
        ),
        pytest.param(
            {"fact": "age", "operator": "unspecified", "values": [45], "clarity": "unclear"},
            "values",
            "Leave the values empty",
            id="unspecified-with-values",
        ),
        pytest.param(
            {"fact": "age", "operator": "unspecified", "values": [], "clarity": "confirmed"},
            "operator",
            "must have clarity",
            id="unspecified-not-unclear",
        ),
        pytest.param(
            {"fact": "shoe_size", "operator": "in", "values": ["42"]},
            "fact",
            "Choose an applicant fact",
            id="unknown-fact",
        ),
        pytest.param(
            {"fact": "degree", "operator": "between", "values": ["bachelor", "master"]},
            "operator",
            "cannot use",
            id="operator-wrong-for-fact",
        ),
        pytest.param(
            {"fact": "language_level", "operator": "at_least", "values": ["B1"]},
            "fact_key",
            "Give the language this rule is about in the key field. Use one of: zh (Mandarin)",
            id="keyed-fact-without-key",
        ),
        pytest.param(
            {"fact": "language_level", "fact_key": "cn", "operator": "at_least", "values": ["B1"]},
            "fact_key",
            "(not 'cn'). Use one of: zh (Mandarin), en (English), de (German)",
            id="keyed-fact-with-unknown-key",
        ),
        pytest.param(
            {"fact": "status", "fact_key": "DE", "operator": "in", "values": ["none"]},
            "fact_key",
            "Use one of: US (United States).",
            id="status-in-a-country-without-statuses",
        ),
        pytest.param(
            {"fact": "age", "fact_key": "US", "operator": "at_least", "values": [18]},
            "fact_key",
            "Leave the key empty: age is not about one country or language.",
            id="key-on-a-fact-without-keys",
        ),
        pytest.param(
            {
                "fact": "language_level",
                "fact_key": "zh",
                "operator": "at_least",
                "values": ["HSK4"],
            },
            "values",
            "'HSK4' is not a valid mandarin level. Use: none (None), A1",
            id="level-not-cefr",
        ),
        pytest.param(
            {"fact": "job_offer", "operator": "in", "values": ["us"]},
            "values",
            "'us' is not a valid job offer. Use: none (No job offer), CN (China), US (United States)",
            id="job-offer-not-a-country-code",
        ),
        pytest.param(
            {"fact": "degree", "operator": "at_least", "values": "bachelor"},
            "values",
            "as a list",
            id="values-not-a-list",
        ),
    ],
)
def test_bad_rules_are_refused_with_a_plain_message(
    fields: dict[str, object], field: str, fragment: str
) -> None:
    errors = _errors(**fields)
    assert field in errors
    assert any(fragment in message for message in errors[field]), errors


def test_good_rules_pass() -> None:
    program, source = ProgramFactory(), SourceFactory()
    for fields in (
        {"fact": "age", "operator": "between", "values": [18, 45]},
        {"fact": "degree", "operator": "at_least", "values": ["bachelor"]},
        {"fact": "age", "operator": "unspecified", "values": [], "clarity": "unclear"},
        {"fact": "job_offer", "operator": "any", "values": []},
        {"fact": "job_offer", "operator": "in", "values": ["CN", "other"]},
        {"fact": "language_level", "fact_key": "zh", "operator": "at_least", "values": ["B1"]},
        {"fact": "status", "fact_key": "US", "operator": "in", "values": ["h1b", "f1_opt"]},
    ):
        CriterionFactory.build(program=program, source=source, **fields).full_clean()


def test_the_database_refuses_unspecified_that_is_not_unclear() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionFactory(operator="unspecified", fact="age", values=[], clarity="confirmed")


@pytest.mark.parametrize("model", [Criterion, Caveat, KeyFigure, PointsTable])
@pytest.mark.parametrize("missing", ["source", "as_of"])
def test_the_database_refuses_an_item_without_source_or_date(model: type, missing: str) -> None:
    factory = {
        Criterion: CriterionFactory,
        Caveat: CaveatFactory,
        KeyFigure: KeyFigureFactory,
        PointsTable: PointsTableFactory,
    }[model]
    item = factory.build(program=ProgramFactory(), source=SourceFactory())
    if missing == "source":
        item.source_id = None
    else:
        item.as_of = None
    with pytest.raises(IntegrityError), transaction.atomic():
        item.save()


def test_a_figure_needs_a_value_unless_unclear() -> None:
    figure = KeyFigureFactory.build(
        program=ProgramFactory(), source=SourceFactory(), value=None, value_text=""
    )
    with pytest.raises(ValidationError) as caught:
        figure.full_clean()
    assert "value" in caught.value.message_dict
    figure.clarity = v.Clarity.UNCLEAR
    figure.full_clean()


def test_a_figure_effective_range_must_be_ordered() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        KeyFigureFactory(effective_from=AS_OF, effective_to=AS_OF.replace(year=2020))


# --- Requirement trees, points tables and legal status ---------------------------------------


def test_a_criterion_has_the_importance_of_its_group() -> None:
    group = RequirementGroupFactory(importance=v.Importance.SELECTION_ADVANTAGE)
    criterion = CriterionFactory.build(
        program=group.program, source=SourceFactory(), group=group, importance="required"
    )
    with pytest.raises(ValidationError) as caught:
        criterion.full_clean()
    assert "give it the same importance" in " ".join(caught.value.message_dict["importance"])
    criterion.importance = v.Importance.SELECTION_ADVANTAGE
    criterion.full_clean()


@pytest.mark.parametrize("model", [Criterion, PointsTable])
def test_an_item_joins_only_a_group_of_its_own_program(model: type) -> None:
    factory = {Criterion: CriterionFactory, PointsTable: PointsTableFactory}[model]
    other = RequirementGroupFactory()
    item = factory.build(program=ProgramFactory(), source=SourceFactory(), group=other)
    with pytest.raises(ValidationError) as caught:
        item.full_clean()
    assert "same program" in " ".join(caught.value.message_dict["group"])


@pytest.mark.parametrize(
    "caps",
    [{"age": "many"}, {"age": 2.5}, {"age": 0}, {"age": True}, ["age", 3], "3"],
)
def test_points_table_caps_are_whole_numbers_above_zero(caps: object) -> None:
    table = PointsTableFactory.build(program=ProgramFactory(), source=SourceFactory(), caps=caps)
    with pytest.raises(ValidationError) as caught:
        table.full_clean()
    assert "caps" in caught.value.message_dict
    table.caps = {"age": 20}
    table.full_clean()
    table.caps = {}
    table.full_clean()


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        pytest.param({"operator": "between", "values": [30]}, "values", "exactly 2", id="one"),
        pytest.param({"fact": "shoe_size"}, "fact", "Choose an applicant fact", id="fact"),
        pytest.param(
            {"operator": "unspecified", "values": []}, "operator", "can be checked", id="vague"
        ),
    ],
)
def test_a_points_row_needs_a_checkable_condition(
    fields: dict[str, object], field: str, fragment: str
) -> None:
    row = PointsRowFactory.build(table=PointsTableFactory(), **fields)
    with pytest.raises(ValidationError) as caught:
        row.full_clean()
    assert any(fragment in message for message in caught.value.message_dict[field])


@pytest.mark.parametrize("model", [Criterion, Caveat, KeyFigure, PointsTable])
def test_an_item_not_in_force_needs_a_legal_note(model: type) -> None:
    factory = {
        Criterion: CriterionFactory,
        Caveat: CaveatFactory,
        KeyFigure: KeyFigureFactory,
        PointsTable: PointsTableFactory,
    }[model]
    item = factory.build(
        program=ProgramFactory(), source=SourceFactory(), legal_status=v.LegalStatus.VACATED
    )
    with pytest.raises(ValidationError) as caught:
        item.full_clean()
    assert "legal_note" in caught.value.message_dict
    item.legal_note = "Vacated by a federal court on 8 June 2026."
    item.full_clean()


def test_only_a_selection_rate_with_a_number_estimates_the_chance() -> None:
    figure = KeyFigureFactory.build(
        program=ProgramFactory(), source=SourceFactory(), estimates_chance=True
    )
    with pytest.raises(ValidationError) as caught:
        figure.full_clean()
    assert "estimates_chance" in caught.value.message_dict
    figure.kind, figure.value, figure.unit = v.FigureKind.SELECTION_RATE, 35, "%"
    figure.full_clean()


def test_a_selection_other_than_none_cites_a_source() -> None:
    program = ProgramFactory.build(selection=v.Selection.LOTTERY)
    with pytest.raises(ValidationError) as caught:
        program.full_clean()
    assert "selection_source" in caught.value.message_dict
    program.selection_source = SourceFactory()
    program.full_clean()


def test_deleting_a_program_deletes_its_groups_and_their_members() -> None:
    group = RequirementGroupFactory()
    CriterionFactory(program=group.program, group=group)
    PointsTableFactory(program=group.program, group=group)
    group.program.delete()
    assert not RequirementGroup.objects.exists()
    assert not Criterion.objects.exists()
    assert not PointsTable.objects.exists()


def test_a_group_in_use_cannot_be_deleted_on_its_own() -> None:
    group = RequirementGroupFactory()
    CriterionFactory(program=group.program, group=group)
    with pytest.raises(RestrictedError), transaction.atomic():
        group.delete()
    assert RequirementGroup.objects.filter(pk=group.pk).exists()
