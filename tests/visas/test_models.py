"""A criterion, caveat or figure with a malformed rule, or without source or date, is refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.visas.factories import (
    AS_OF,
    CaveatFactory,
    CriterionFactory,
    KeyFigureFactory,
    ProgramFactory,
    SourceFactory,
)
from visas import vocabulary as v
from visas.models import Caveat, Criterion, KeyFigure

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
    ):
        CriterionFactory.build(program=program, source=source, **fields).full_clean()


def test_the_database_refuses_unspecified_that_is_not_unclear() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionFactory(operator="unspecified", fact="age", values=[], clarity="confirmed")


@pytest.mark.parametrize("model", [Criterion, Caveat, KeyFigure])
@pytest.mark.parametrize("missing", ["source", "as_of"])
def test_the_database_refuses_an_item_without_source_or_date(model: type, missing: str) -> None:
    factory = {Criterion: CriterionFactory, Caveat: CaveatFactory, KeyFigure: KeyFigureFactory}[
        model
    ]
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
