"""Filters for showing program items: CSS classes and labels from enums, dates as people
write them. Wording lives in visas.wording; these only pick from its mappings."""

from __future__ import annotations

from datetime import date

from django import template

from visas import wording
from visas.vocabulary import Clarity

register = template.Library()


@register.filter
def clarity_class(clarity: Clarity) -> str:
    return wording.CLARITY_CLASSES.get(clarity, "unclear")


@register.filter
def clarity_label(clarity: Clarity) -> str:
    return wording.clarity_label(clarity)


@register.filter
def long_date(value: date | None) -> str:
    """14 August 2025, in the active language; empty stays empty."""
    return wording.a_date(value)
