"""Formatting of stored snapshot values (ISO dates, decimal strings) for the result page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()

CURRENCY_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€", "CNY": "¥"}
STATUS_CLASSES = {"meets": "meets", "not_met": "not-meets", "unclear": "unclear"}
VERDICT_CLASSES = {
    "likely": "likely",
    "possible": "possible",
    "not_eligible": "not-eligible",
    "not_applicable": "na",
}


@register.filter
def isodate(value: str | None) -> str:
    """'2025-08-14' -> '14 August 2025'; empty stays empty."""
    if not value:
        return ""
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%-d %B %Y")
    except ValueError:
        return str(value)


@register.filter
def figure_value(figure: dict) -> str:
    """A figure as people say it: '$100,000', '35.3%', '3 years'; text wins over the number."""
    if figure.get("value_text"):
        return str(figure["value_text"])
    raw = figure.get("value")
    if raw in (None, ""):
        return "Not published"
    try:
        number = Decimal(str(raw))
    except InvalidOperation:
        return str(raw)
    text = f"{number:,.2f}".rstrip("0").rstrip(".")
    unit = figure.get("unit") or ""
    if unit in CURRENCY_SYMBOLS:
        return f"{CURRENCY_SYMBOLS[unit]}{text}"
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}".strip()


@register.filter
def clarity_word(clarity: str) -> str:
    return {"confirmed": "Confirmed", "reported": "Reported", "unclear": "Unclear"}.get(
        clarity, clarity
    )


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "unclear")


@register.filter
def verdict_class(verdict: str) -> str:
    return VERDICT_CLASSES.get(verdict, "na")
