"""One small form per questionnaire step. Choices come from visas.vocabulary.

Error messages say what to do. Every question where it is honest offers "I don't know"
(or "Prefer not to say"), saved as visas.vocabulary.UNKNOWN.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from profiles import widgets
from visas import vocabulary as v
from visas.vocabulary import UNKNOWN, Fact, LabelledEnum

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


class CitizenshipForm(StepForm):
    citizenship = _choice(
        v.Country,
        required=_("Select the country of your citizenship"),
        unknown=_("Prefer not to say"),
        widget=widgets.Select,
        label=_("What is your citizenship?"),
        help_text=_("If you have more than one, choose the one you would travel on."),
    )


class ResidenceForm(StepForm):
    residence = _choice(
        v.Country,
        required=_("Select the country you live in"),
        widget=widgets.Select,
        label=_("Which country do you live in now?"),
    )


class UsStatusForm(StepForm):
    us_status = _choice(
        v.UsStatus,
        required=_("Select your current status in the United States"),
        unknown=_("I don't know"),
        label=_("What is your current status in the United States?"),
        help_text=_("Some costs depend on whether you would change status inside the US."),
    )


class _WholeNumberForm(StepForm):
    """A whole number, or "prefer not to say" (saved as UNKNOWN)."""

    fact: ClassVar[str]
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
        value = answers.get(cls.fact)
        if value == UNKNOWN:
            return {cls.unknown_name: True}
        return {cls.fact: value} if value is not None else {}

    @classmethod
    def answer_keys(cls) -> tuple[str, ...]:
        return (cls.fact,)

    def to_answers(self) -> dict[str, object]:
        number = self.cleaned_data.get(self.fact)
        return {self.fact: UNKNOWN if number is None else number}


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


class AgeForm(_WholeNumberForm):
    fact = Fact.AGE
    unknown_name = "age_unknown"
    missing_message = _("Enter your age in years, like 29, or tick the box")
    both_message = _("Enter your age in years or tick the box, not both")
    age = _number(
        v.FACTS[Fact.AGE],
        label=_("How old are you?"),
        range_message=_("Your age must be a whole number between %(minimum)s and %(maximum)s"),
        help_text=_("In years."),
    )
    age_unknown = forms.BooleanField(
        required=False, label=_("Prefer not to say"), widget=widgets.CheckboxInput
    )


class DegreeForm(StepForm):
    degree = _choice(
        v.Degree,
        required=_("Select your highest qualification"),
        unknown=_("I'm not sure how my qualification compares"),
        label=_("What is your highest qualification?"),
        help_text=_("Include a degree you will finish within the next few months."),
    )


class FieldForm(StepForm):
    field = _choice(
        v.Field,
        required=_("Select the field you studied"),
        unknown=_("I don't know if it counts as STEM"),
        label=_("What did you study?"),
        help_text=_("STEM: natural sciences, computing, engineering, mathematics and statistics."),
    )


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


class ExperienceForm(_WholeNumberForm):
    fact = Fact.STEM_EXPERIENCE
    unknown_name = "stem_experience_unknown"
    missing_message = _("Enter your years of experience, like 3, or tick the box")
    both_message = _("Enter your years of experience or tick the box, not both")
    stem_experience = _number(
        v.FACTS[Fact.STEM_EXPERIENCE],
        label=_(
            "How many years have you worked in science, technology, engineering or mathematics?"
        ),
        range_message=_(
            "Years of experience must be a whole number between %(minimum)s and %(maximum)s"
        ),
        help_text=_(
            "Whole years of paid work, research or teaching in a STEM field. Enter 0 if none."
        ),
    )
    stem_experience_unknown = forms.BooleanField(
        required=False, label=_("Prefer not to say"), widget=widgets.CheckboxInput
    )


class AcademicRoleForm(StepForm):
    academic_role = _choice(
        v.YesNo,
        required=_("Select yes if you teach or do research at a university or institute"),
        label=_("Do you teach or do research at a university or research institute?"),
        help_text=_("In science, technology, engineering or mathematics."),
    )


class JobOfferForm(StepForm):
    job_offer = _choice(
        v.JobOffer,
        required=_("Select where your job offer is, or that you have none"),
        label=_("Do you have a job offer?"),
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


class SponsorForm(StepForm):
    sponsor = _choice(
        v.YesNo,
        required=_("Select whether the employer will sponsor your visa"),
        unknown=_("I don't know yet"),
        label=_("Will the employer sponsor your visa?"),
        help_text=_("Most work visas need the employer to apply for you or invite you."),
    )


class DegreeRelatedForm(StepForm):
    degree_related = _choice(
        v.Relatedness,
        required=_("Select how your degree's field relates to the offered job"),
        unknown=_("I'm not sure"),
        label=_("How does the field of your degree relate to the offered job?"),
        help_text=_(
            "The H-1B needs a degree in a specialty directly related to the job; general "
            "degrees (such as business administration) are often challenged."
        ),
    )


class LanguagesForm(StepForm):
    mandarin = _choice(
        v.LanguageLevel,
        required=_("Select your level of Mandarin"),
        label=_("Mandarin Chinese"),
    )
    english = _choice(
        v.LanguageLevel,
        required=_("Select your level of English"),
        label=_("English"),
    )


class FamilyForm(StepForm):
    family = _choice(
        v.Family,
        required=_("Select who would come with you"),
        unknown=_("Prefer not to say"),
        label=_("Would anyone come with you?"),
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
