"""One small form per questionnaire step. Choices come from visas.vocabulary.

A simple question (one choice or one whole number) is not written here: :func:`fact_form`
makes its form from the fact's entry in ``visas.vocabulary.FACTS`` (its ``Question``, its
values or bounds). Hand-written forms remain for the steps that ask several facts at once.

Error messages say what to do. Every question where it is honest offers "I don't know"
(or "Prefer not to say"), saved as visas.vocabulary.UNKNOWN.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.forms.utils import ErrorDict
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from profiles import widgets
from visas import vocabulary as v
from visas.vocabulary import UNKNOWN, Fact, FactKind, LabelledEnum, answer_key

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _format_lazy(message: StrOrPromise, **params: object) -> str:
    """``message % params``, translated and formatted only when shown (in the reader's
    language), so translators see one whole sentence with named placeholders."""
    return lazy(lambda: str(message) % params, str)()


class AccessibleForm(forms.Form):
    """A form whose inputs are tied to their hints and errors, with an error summary."""

    def full_clean(self) -> None:
        """Validate, then tie each input to its hint and error for screen readers."""
        super().full_clean()
        self._describe_inputs()

    def _describe_inputs(self) -> None:
        for name, field in self.fields.items():
            bound = self[name]
            described = [f"{bound.auto_id}-hint"] if field.help_text else []
            if name in self.errors:
                described.append(f"{bound.auto_id}-error")
                field.widget.attrs["aria-invalid"] = "true"
            if described and not isinstance(
                field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple
            ):
                field.widget.attrs["aria-describedby"] = " ".join(described)

    def error_links(self) -> list[tuple[str, str]]:
        """(anchor, message) pairs for the error summary, in the order of the fields."""
        links = []
        first = next(iter(self.fields))
        for message in self.non_field_errors():
            links.append((self.error_anchor(first), str(message)))
        for name in self.fields:
            for message in self.errors.get(name, []):
                links.append((self.error_anchor(name), str(message)))
        return links

    def error_anchor(self, name: str) -> str:
        """The id of the first input of a field, for the error summary's link."""
        field = self[name]
        if isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            return f"{field.auto_id}_0"
        return str(field.auto_id)


class StepForm(AccessibleForm):
    """A step's form: reads its initial values from saved answers and gives answers back."""

    template_name_hint: ClassVar[str] = ""
    # One question, whatever its fields (a number with its "prefer not to say" box): its
    # first field's label is the page's heading.
    one_question: ClassVar[bool] = False

    @classmethod
    def initial_from(cls, answers: Mapping[str, object]) -> dict[str, Any]:
        return {name: answers[name] for name in cls.base_fields if name in answers}

    def to_answers(self) -> dict[str, object]:
        return dict(self.cleaned_data)

    @classmethod
    def answer_keys(cls) -> tuple[str, ...]:
        """The answers this form saves (each an applicant fact, or the priorities)."""
        return tuple(cls.base_fields)


def _labels(enum: type[LabelledEnum]) -> list[tuple[str, StrOrPromise]]:
    """(value, label) choices; the vocabulary's labels are translated when rendered."""
    return [(m.value, _(m.label)) for m in enum]


def _choice(
    enum: type[LabelledEnum],
    *,
    required: StrOrPromise,
    unknown: StrOrPromise = "",
    widget: type[forms.Widget] = widgets.RadioSelect,
    label: StrOrPromise = "",
    help_text: StrOrPromise = "",
) -> forms.ChoiceField:
    options = _labels(enum)
    if widget is widgets.Select:
        options.insert(0, ("", _("Choose one")))
    if unknown:
        options.append((UNKNOWN, unknown))
    return forms.ChoiceField(
        choices=options,
        widget=widget,
        label=label,
        help_text=help_text,
        error_messages={"required": required, "invalid_choice": required},
    )


class _WholeNumberForm(StepForm):
    """A whole number, or "prefer not to say" (saved as UNKNOWN)."""

    one_question = True

    fact: ClassVar[str]  # the field
    answer: ClassVar[str] = ""  # the answer key, when it is not the field's name
    unknown_name: ClassVar[str]
    # Whole sentences, one per form, so that each translates as a unit.
    missing_message: ClassVar[StrOrPromise]
    both_message: ClassVar[StrOrPromise]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        number, unknown = data.get(self.fact), data.get(self.unknown_name)
        if self.errors.get(self.fact):
            return data
        if number is None and not unknown:
            self.add_error(self.fact, str(self.missing_message))
        elif number is not None and unknown:
            self.add_error(self.fact, str(self.both_message))
        return data

    @classmethod
    def initial_from(cls, answers: Mapping[str, object]) -> dict[str, Any]:
        value = answers.get(cls.answer_keys()[0])
        if value == UNKNOWN:
            return {cls.unknown_name: True}
        return {cls.fact: value} if value is not None else {}

    @classmethod
    def answer_keys(cls) -> tuple[str, ...]:
        return (cls.answer or cls.fact,)

    def to_answers(self) -> dict[str, object]:
        number = self.cleaned_data.get(self.fact)
        return {self.answer_keys()[0]: UNKNOWN if number is None else number}


def _number(
    spec: v.FactSpec,
    *,
    label: StrOrPromise,
    range_message: StrOrPromise,
    help_text: StrOrPromise = "",
) -> forms.IntegerField:
    """A whole number within the fact's bounds; range_message has %(minimum)s and %(maximum)s."""
    message = _format_lazy(range_message, minimum=spec.minimum, maximum=spec.maximum)
    return forms.IntegerField(
        required=False,
        min_value=spec.minimum,
        max_value=spec.maximum,
        label=label,
        help_text=help_text,
        widget=widgets.TextInput(
            attrs={"inputmode": "numeric", "spellcheck": "false", "class": "input-short"}
        ),
        error_messages={"invalid": message, "min_value": message, "max_value": message},
    )


class _MoneyForm(_WholeNumberForm):
    """An amount and its currency (saved as one answer, ``money_format``), or "prefer not to
    say"."""

    currency_name: ClassVar[str]
    currency_message: ClassVar[StrOrPromise]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get(self.fact) is not None and not data.get(self.currency_name):
            self.add_error(self.currency_name, str(self.currency_message))
        return data

    @classmethod
    def initial_from(cls, answers: Mapping[str, object]) -> dict[str, Any]:
        value = answers.get(cls.answer_keys()[0])
        parsed = v.money_parse(value)
        if parsed is not None:
            return {cls.fact: parsed[0], cls.currency_name: parsed[1].value}
        initial = super().initial_from(answers) if value == UNKNOWN else {}
        # Until answered, offer the currency of the country the applicant lives in.
        home = v.COUNTRY_CURRENCY.get(str(answers.get(Fact.RESIDENCE, "")))
        return {**initial, cls.currency_name: home.value} if home else initial

    def to_answers(self) -> dict[str, object]:
        amount = self.cleaned_data.get(self.fact)
        if amount is None:
            return {self.answer_keys()[0]: UNKNOWN}
        return {
            self.answer_keys()[0]: v.money_format(amount, self.cleaned_data[self.currency_name])
        }


class _FactChoiceForm(StepForm):
    """One choice answering one fact (at one key), saved under its answer key."""

    answer: ClassVar[str]  # the answer key ("degree", "language_level:zh")
    field_name: ClassVar[str]  # the form field ("degree", "language_level_zh")

    @classmethod
    def initial_from(cls, answers: Mapping[str, object]) -> dict[str, Any]:
        return {cls.field_name: answers[cls.answer]} if cls.answer in answers else {}

    @classmethod
    def answer_keys(cls) -> tuple[str, ...]:
        return (cls.answer,)

    def to_answers(self) -> dict[str, object]:
        return {self.answer: self.cleaned_data[self.field_name]}


def _text(message: str, key_label: str) -> StrOrPromise:
    """A vocabulary text translated when shown, with the key's label (translated too) in
    place of %(key)s."""
    if not message:
        return ""
    if "%(key)s" not in message:
        return _(message)
    return lazy(lambda: str(_(message)) % {"key": str(_(key_label))}, str)()


def field_name(fact: Fact, key: str = "") -> str:
    """The form field of a generated question: the fact, and its key in lower case."""
    return f"{fact.value}_{key.lower()}" if key else fact.value


@cache
def fact_form(fact: Fact, key: str = "") -> type[StepForm]:
    """The form asking one fact (at one key), made from its vocabulary entry: the question,
    why we ask, the choices from its values (or a whole number within its bounds, with a
    box for "prefer not to say"), and "I don't know" when the entry offers it."""
    top = v.FACTS[fact]
    spec = top.at(key)
    if spec is None or spec.question is None:
        raise LookupError(f"{answer_key(fact, key)!r} has no question of its own.")
    question = spec.question
    key_label = top.key_label(key)
    name = field_name(fact, key)
    stored = answer_key(fact, key)
    class_name = "".join(part.capitalize() for part in name.split("_")) + "Form"
    if spec.kind in (FactKind.NUMBER, FactKind.MONEY):
        unknown_name = f"{name}_unknown"
        attrs: dict[str, object] = {
            "fact": name,
            "answer": stored,
            "unknown_name": unknown_name,
            "missing_message": _text(question.required, key_label),
            "both_message": _text(question.both, key_label),
            name: _number(
                spec,
                label=_text(question.text, key_label),
                range_message=_text(question.out_of_range, key_label),
                help_text=_text(question.help, key_label),
            ),
            unknown_name: forms.BooleanField(
                required=False,
                label=_text(question.unknown, key_label),
                widget=widgets.CheckboxInput,
            ),
            "__module__": __name__,
        }
        if spec.kind is FactKind.NUMBER:
            return type(class_name, (_WholeNumberForm,), attrs)
        currency_name = f"{name}_currency"
        currency_message = _("Select the currency of the amount")
        currency = _choice(
            v.Currency, required=currency_message, widget=widgets.Select, label=_("Currency")
        )
        currency.required = False  # needed only with an amount (clean says so)
        attrs[currency_name] = currency
        attrs["currency_name"] = currency_name
        attrs["currency_message"] = currency_message
        return type(class_name, (_MoneyForm,), attrs)
    assert spec.values is not None
    attrs = {
        "answer": stored,
        "field_name": name,
        name: _choice(
            spec.values,
            required=_text(question.required, key_label),
            unknown=_text(question.unknown, key_label),
            widget=widgets.Select if question.drop_down else widgets.RadioSelect,
            label=_text(question.text, key_label),
            help_text=_text(question.help, key_label),
        ),
        "__module__": __name__,
    }
    return type(class_name, (_FactChoiceForm,), attrs)


class _TogetherForm(StepForm):
    """Several generated questions on one page: each part (a form from :func:`fact_form`)
    cleans its own fields from the same data (their field names differ), and this form shows
    them all, with every part's errors."""

    parts: ClassVar[tuple[type[StepForm], ...]]

    def full_clean(self) -> None:
        forms.Form.full_clean(self)
        if self.is_bound:
            errors = ErrorDict()
            cleaned: dict[str, Any] = {}
            self._answers: dict[str, object] = {}
            for part in self.parts:
                form = part(self.data)
                if form.is_valid():
                    self._answers.update(form.to_answers())
                errors.update(form.errors)
                cleaned.update(getattr(form, "cleaned_data", {}))
            self._errors = errors
            self.cleaned_data = cleaned
        self._describe_inputs()

    @classmethod
    def initial_from(cls, answers: Mapping[str, object]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for part in cls.parts:
            initial.update(part.initial_from(answers))
        return initial

    @classmethod
    def answer_keys(cls) -> tuple[str, ...]:
        return tuple(key for part in cls.parts for key in part.answer_keys())

    def to_answers(self) -> dict[str, object]:
        return dict(self._answers)


@cache
def together_form(parts: tuple[type[StepForm], ...]) -> type[StepForm]:
    """One form asking the questions of ``parts`` (generated forms) on one page."""
    if len(parts) == 1:
        return parts[0]
    attrs: dict[str, object] = {"parts": parts, "__module__": __name__}
    for part in parts:
        attrs.update(part.base_fields)
    name = "".join(part.__name__.removesuffix("Form") for part in parts) + "Form"
    return type(name, (_TogetherForm,), attrs)


class InstitutionForm(StepForm):
    degree_country = _choice(
        v.Country,
        required=_("Select the country where you earned your highest degree"),
        widget=widgets.Select,
        label=_("Country"),
    )
    institution = _choice(
        v.Institution,
        required=_("Select how well known your university or institute is"),
        unknown=_("I'm not sure"),
        label=_("How well known is the university or institute?"),
        help_text=_("World top-ranked: in the top few hundred of international rankings."),
    )


class UsOfferForm(StepForm):
    employer_type = _choice(
        v.EmployerType,
        required=_("Select the kind of US employer"),
        unknown=_("I don't know"),
        label=_("What kind of employer is it?"),
        help_text=_(
            "Universities and non-profit research organisations are exempt from the H-1B lottery."
        ),
    )
    wage_level = _choice(
        v.WageLevel,
        required=_("Select the wage level of the offer"),
        unknown=_("I don't know"),
        label=_("What wage level is the offered salary?"),
        help_text=_("Your employer finds it in the Department of Labor's prevailing wage data."),
    )


class PrioritiesForm(StepForm):
    priorities = forms.MultipleChoiceField(
        choices=_labels(v.Priority),
        widget=widgets.CheckboxSelectMultiple,
        required=False,
        label=_("What matters most to you?"),
        help_text=_("Select all that apply, or none. Your result shows these first."),
        error_messages={"invalid_choice": _("Select priorities from the list")},
    )

    @classmethod
    def initial_from(cls, answers: Mapping[str, object]) -> dict[str, Any]:
        return {"priorities": answers.get("priorities", [])}


def question_text(fact: Fact, key: str = "") -> StrOrPromise:
    """A generated question's text (its step's title), translated when shown."""
    top = v.FACTS[fact]
    spec = top.at(key)
    assert spec is not None
    assert spec.question is not None
    return _text(spec.question.text, top.key_label(key))


class ReportForm(AccessibleForm):
    """ "Is this wrong or out of date?" about one item of a public page."""

    message = forms.CharField(
        label=_("What is wrong or out of date?"),
        help_text=_("For example: the fee changed in April, or the page it cites has moved."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("Say what is wrong or out of date."),
            "max_length": _("Keep it under 2,000 characters."),
        },
    )
    source_url = forms.URLField(
        label=_("A page that shows it (optional)"),
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={
            "invalid": _("Enter a web address, like https://www.example.gov/page."),
            "max_length": _("Enter a web address of at most 500 characters."),
        },
    )
    email = forms.EmailField(
        label=_("Your email address (optional)"),
        help_text=_("Only if an adviser may ask you about this report. It is never shown."),
        required=False,
        error_messages={"invalid": _("Enter an email address, like name@example.com.")},
    )
    attach_answers = forms.BooleanField(
        label=_("Attach the answers of my result, so an adviser can see how it applied to me"),
        required=False,
    )
    # Left empty by people; filled by form-filling robots, whose reports are dropped.
    website = forms.CharField(label=_("Leave this empty"), required=False)

    def __init__(self, *args: Any, with_result: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_result:
            del self.fields["attach_answers"]
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    @property
    def is_robot(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data.get("website"))
