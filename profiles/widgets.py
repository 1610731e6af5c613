"""The questionnaire's form widgets, written out in Python.

Django renders a widget through nested templates: a select through one template per option,
each including another for its attributes. On the question pages, the busiest of the site,
that was most of the time a page took (a 21-country select alone about 3 ms). These widgets
keep Django's behaviour (which options are selected, ids, ``required``, ``aria-*``: all from
Django's own ``get_context``) and write the same markup as Django's templates directly.

The choice lists (radio buttons, checkboxes) also write the markup the question pages show
around each input: a ``div.choice`` with its label, and the "or" set apart before the
"I don't know" choice of a radio list.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping
from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext

from visas.vocabulary import UNKNOWN


def _escape(value: object) -> str:
    """As Django's conditional_escape (safe strings stay as they are), without its handling
    of lazy arguments, which cost more than the escaping over a list of options."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def _attrs(attrs: Mapping[str, Any]) -> str:
    """Attributes as django/forms/widgets/attrs.html writes them: True alone, False not."""
    return "".join(
        f" {_escape(name)}" if value is True else f' {_escape(name)}="{_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: Mapping[str, Any]) -> str:
    """An <input>, as django/forms/widgets/input.html writes it."""
    value = widget.get("value")
    shown = "" if value is None else f' value="{_escape(value)}"'
    return (
        f'<input type="{_escape(widget["type"])}" name="{_escape(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


def _options(widget: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    # The steps' choices have no groups (each option is a group of its own, unnamed); named
    # groups would need markup these widgets do not write.
    for name, options, _index in widget["optgroups"]:
        if name is not None:
            raise ValueError(f"Grouped choices are not supported here: {name!r}")
        yield from options


class _InputMarkup(forms.Widget):
    """An <input> widget written directly (see :func:`_input`)."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        return mark_safe(_input(self.get_context(name, value, attrs)["widget"]))


class TextInput(_InputMarkup, forms.TextInput):
    pass


class CheckboxInput(_InputMarkup, forms.CheckboxInput):
    pass


class Select(forms.Select):
    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        options = "".join(
            f'\n  <option value="{_escape(option["value"])}"{_attrs(option["attrs"])}>'
            f"{_escape(option['label'])}</option>"
            for option in _options(widget)
        )
        return mark_safe(
            f'<select name="{_escape(widget["name"])}"{_attrs(widget["attrs"])}>{options}\n</select>'
        )


class RadioSelect(forms.RadioSelect):
    """Radio buttons, each in a ``div.choice`` with its label after it."""

    divide_unknown = True  # set "I don't know" apart with an "or" before it

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for option in _options(widget):
            if self.divide_unknown and option["value"] == UNKNOWN:
                divider = pgettext("before the last choice, set apart", "or")
                parts.append(f'<p class="choice-divider" aria-hidden="true">{_escape(divider)}</p>')
            parts.append(
                f'<div class="choice">{_input(option)}'
                f'<label for="{_escape(option["attrs"].get("id", ""))}">{_escape(option["label"])}'
                "</label></div>"
            )
        return mark_safe("\n".join(parts))


class CheckboxSelectMultiple(RadioSelect, forms.CheckboxSelectMultiple):
    """Checkboxes, each in a ``div.choice`` with its label after it."""

    divide_unknown = False
