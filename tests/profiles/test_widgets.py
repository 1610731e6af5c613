"""The questionnaire's widgets write what Django's own widget templates write: the same inputs,
options and labels, with the same attributes, for every step's form, empty, with saved
answers, and with errors."""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django import forms
from django.utils import translation
from django.utils.safestring import mark_safe

from profiles import questions, widgets
from profiles.forms import PrioritiesForm, StepForm
from visas.vocabulary import UNKNOWN

# Saved answers, by answer key; posted, by field name (the key with "_" for ":").
SAVED = {
    "citizenship": "IN",
    "residence": "US",
    "status:US": "f1_opt",
    "age": 27,
    "degree": "master",
    "field": "stem",
    "degree_country": "US",
    "institution": UNKNOWN,
    "stem_experience": UNKNOWN,
    "academic_role": "no",
    "job_offer": "us",
    "employer_type": "company",
    "wage_level": "2",
    "sponsor": "yes",
    "degree_related": "direct",
    "language_level:zh": "none",
    "language_level:en": "professional",
    "family": "spouse",
    "priorities": ["low_cost", "speed"],
}
POSTED = {key.replace(":", "_").lower(): value for key, value in SAVED.items()}
WRONG = {name: '<not a choice & "quoted">' for name in POSTED} | {"priorities": ["<x>"]}


class _Tags(HTMLParser):
    """Every input, select, option and label: its attributes (in any order) and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, frozenset[tuple[str, str | None]], str]] = []
        self._open: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("input", "select", "option", "label"):
            self.tags.append((tag, frozenset(attrs), ""))
            if tag in ("option", "label"):
                self._open.append(len(self.tags) - 1)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("option", "label") and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._open and data.strip():
            index = self._open[-1]
            tag, attrs, text = self.tags[index]
            self.tags[index] = (tag, attrs, (text + " " + data.strip()).strip())


def tags(html: str) -> list[tuple[str, frozenset[tuple[str, str | None]], str]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def as_django_renders_it(bound: forms.BoundField) -> str:
    """The field rendered by Django's own widget class and templates."""
    ours = bound.field.widget
    if isinstance(ours, widgets.RadioSelect):
        # As the question pages wrote a list with Django's templates: each option's input
        # (one template each), then its label.
        return "".join(
            f'{choice.tag()}<label for="{choice.id_for_label}">{choice.choice_label}</label>'
            for choice in bound.subwidgets
        )
    django_class = next(c for c in type(ours).__mro__ if c.__module__ == "django.forms.widgets")
    theirs = copy.deepcopy(ours)
    theirs.__class__ = django_class
    return bound.as_widget(widget=theirs)


def degree_form() -> StepForm:
    return questions.STEPS_BY_SLUG["degree"].form_class()


def step_forms() -> list[type[StepForm]]:
    return [step.form_class for step in questions.STEPS]


def form_in(state: str, form_class: type[StepForm]) -> StepForm:
    if state == "empty":
        return form_class()
    if state == "saved":
        return form_class(initial=form_class.initial_from(SAVED))
    if state == "posted":
        return form_class(data={k: v for k, v in POSTED.items() if k != "priorities"})
    return form_class(data=WRONG)


@pytest.mark.parametrize("state", ["empty", "saved", "posted", "wrong"])
@pytest.mark.parametrize("form_class", step_forms(), ids=lambda form: form.__name__)
def test_every_step_form_renders_as_djangos_templates_would(
    form_class: type[StepForm], state: str
) -> None:
    form = form_in(state, form_class)
    form.errors  # noqa: B018  (validates, and ties inputs to their hints and errors)
    for bound in form:
        ours = str(bound)
        theirs = as_django_renders_it(bound)
        assert tags(ours) == tags(theirs), bound.name
        assert tags(ours), bound.name


def test_every_field_uses_a_widget_of_this_module() -> None:
    for form_class in step_forms():
        for name, field in form_class.base_fields.items():
            assert type(field.widget).__module__ == widgets.__name__, (form_class, name)


def test_a_radio_list_sets_i_dont_know_apart_and_a_checkbox_list_does_not() -> None:
    html = str(degree_form()["degree"])
    assert re.search(
        r'<p class="choice-divider" aria-hidden="true">or</p>\n'
        r'<div class="choice"><input type="radio" name="degree" value="unknown"',
        html,
    )
    assert html.count('<div class="choice">') == 6
    assert "choice-divider" not in str(PrioritiesForm()["priorities"])


def test_labels_and_values_are_escaped() -> None:
    class Tricky(StepForm):
        pick = forms.ChoiceField(
            choices=[('a"b', "<b>bold</b> & more")], widget=widgets.RadioSelect
        )
        chosen = forms.ChoiceField(
            choices=[("x", "<i>"), ("y", mark_safe("<em>safe</em>"))], widget=widgets.Select
        )
        text = forms.CharField(widget=widgets.TextInput)

    form = Tricky(initial={"text": '"><script>'})
    html = "".join(str(bound) for bound in form)
    for unescaped in ("<b>", "<i>", "<script>"):
        assert unescaped not in html
    assert 'value="a&quot;b"' in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in html
    assert "<em>safe</em>" in html  # marked safe: as Django's templates, not escaped again


def test_the_divider_is_translated_where_it_is_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Any] = []
    real = widgets.pgettext

    def spy(context: str, message: str) -> str:
        seen.append((context, message, translation.get_language()))
        return real(context, message)

    monkeypatch.setattr(widgets, "pgettext", spy)
    with translation.override("en"):
        str(degree_form()["degree"])
    assert seen == [("before the last choice, set apart", "or", "en")]
