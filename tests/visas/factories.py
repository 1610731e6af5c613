"""factory_boy factories for the visa knowledge base (used by other apps' tests too)."""

from __future__ import annotations

import datetime as dt

import factory

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

AS_OF = dt.date(2025, 10, 1)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Source {n}")
    publisher = "Example Ministry"
    url = factory.Sequence(lambda n: f"https://example.org/source/{n}")
    published_on = dt.date(2025, 8, 14)
    accessed_on = dt.date(2026, 11, 23)
    is_official = True


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"program-{n}")
    name = factory.Sequence(lambda n: f"Program {n}")
    country = v.Country.CN
    authority = "Example authority"
    summary = "A talent visa."
    status = v.ProgramStatus.IN_FORCE
    last_reviewed_on = dt.date(2026, 11, 23)


class CitedFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True
        skip_postgeneration_save = True

    program = factory.SubFactory(ProgramFactory)
    clarity = v.Clarity.CONFIRMED
    as_of = AS_OF
    source = factory.SubFactory(SourceFactory)

    @factory.post_generation
    def more_sources(self, create: bool, extracted: list[Source] | None, **kwargs: object) -> None:
        if create and extracted:
            self.more_sources.set(extracted)


class CriterionFactory(CitedFactory):
    class Meta:
        model = Criterion
        skip_postgeneration_save = True

    fact = v.Fact.DEGREE
    operator = v.Operator.AT_LEAST
    values = factory.LazyFunction(lambda: [v.Degree.BACHELOR.value])
    importance = v.Importance.REQUIRED
    statement = "You need a bachelor's degree or higher."


class CaveatFactory(CitedFactory):
    class Meta:
        model = Caveat
        skip_postgeneration_save = True

    category = v.CaveatCategory.LANGUAGE
    severity = v.Severity.CAUTION
    title = "Mandarin"
    text = "Much work runs in Mandarin."


class KeyFigureFactory(CitedFactory):
    class Meta:
        model = KeyFigure
        skip_postgeneration_save = True

    kind = v.FigureKind.FEE
    label = "Visa fee"
    value = 100
    unit = "USD"
    payer = v.Payer.APPLICANT
    recurrence = v.Recurrence.PER_APPLICATION


class RequirementGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequirementGroup

    program = factory.SubFactory(ProgramFactory)
    key = factory.Sequence(lambda n: f"group-{n}")
    combine = v.Combine.ALL
    importance = v.Importance.REQUIRED


class PointsTableFactory(CitedFactory):
    class Meta:
        model = PointsTable
        skip_postgeneration_save = True

    name = "Points test"
    pass_mark = 60
    caps = factory.LazyFunction(dict)


class PointsRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PointsRow

    table = factory.SubFactory(PointsTableFactory)
    category = "age"
    fact = v.Fact.AGE
    operator = v.Operator.BETWEEN
    values = factory.LazyFunction(lambda: [18, 39])
    points = 10
    label = "Age 18 to 39"
