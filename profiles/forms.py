"""One small form per questionnaire step. Choices come from visas.vocabulary.

Error messages say what to do. Every question where it is honest offers "I don't know"
(or "Prefer not to say"), saved as visas.vocabulary.UNKNOWN.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms

from visas import vocabulary as v
from visas.vocabulary import UNKNOWN, Fact, LabelledEnum


class StepForm(forms.Form):
    """A step's form: reads its initial values from saved answers and gives answers back."""

    template_name_hint: ClassVar[str] = ""

    @classmethod
    def initial_from(cls, answers: Mapping[str, object]) -> dict[str, Any]:
        return {name: answers[name] for name in cls.base_fields if name in answers}

    def to_answers(self) -> dict[str, object]:
        return dict(self.cleaned_data)

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


def _choice(
    enum: type[LabelledEnum],
    *,
    required: str,
    unknown: str = "",
    widget: type[forms.Widget] = forms.RadioSelect,
    label: str = "",
    help_text: str = "",
) -> forms.ChoiceField:
    options: list[tuple[str, str]] = [(m.value, m.label) for m in enum]
    if widget is forms.Select:
        options.insert(0, ("", "Choose one"))
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
        required="Select the country of your citizenship",
        unknown="Prefer not to say",
        widget=forms.Select,
        label="What is your citizenship?",
        help_text="If you have more than one, choose the one you would travel on.",
    )


class ResidenceForm(StepForm):
    residence = _choice(
        v.Country,
        required="Select the country you live in",
        widget=forms.Select,
        label="Which country do you live in now?",
    )


class UsStatusForm(StepForm):
    us_status = _choice(
        v.UsStatus,
        required="Select your current status in the United States",
        unknown="I don't know",
        label="What is your current status in the United States?",
        help_text="Some costs depend on whether you would change status inside the US.",
    )


class _WholeNumberForm(StepForm):
    """A whole number, or "prefer not to say" (saved as UNKNOWN)."""

    fact: ClassVar[str]
    unknown_name: ClassVar[str]
    noun: ClassVar[str]
    example: ClassVar[str]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        number, unknown = data.get(self.fact), data.get(self.unknown_name)
        if self.errors.get(self.fact):
            return data
        if number is None and not unknown:
            self.add_error(self.fact, f"Enter {self.noun}, like {self.example}, or tick the box")
        elif number is not None and unknown:
            self.add_error(self.fact, f"Enter {self.noun} or tick the box, not both")
        return data

    @classmethod
    def initial_from(cls, answers: Mapping[str, object]) -> dict[str, Any]:
        value = answers.get(cls.fact)
        if value == UNKNOWN:
            return {cls.unknown_name: True}
        return {cls.fact: value} if value is not None else {}

    def to_answers(self) -> dict[str, object]:
        number = self.cleaned_data.get(self.fact)
        return {self.fact: UNKNOWN if number is None else number}


def _number(spec: v.FactSpec, *, label: str, noun: str, help_text: str = "") -> forms.IntegerField:
    message = f"{noun[0].upper()}{noun[1:]} must be a whole number between {spec.minimum} and {spec.maximum}"
    return forms.IntegerField(
        required=False,
        min_value=spec.minimum,
        max_value=spec.maximum,
        label=label,
        help_text=help_text,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "spellcheck": "false", "class": "input-short"}
        ),
        error_messages={"invalid": message, "min_value": message, "max_value": message},
    )


class AgeForm(_WholeNumberForm):
    fact = Fact.AGE
    unknown_name = "age_unknown"
    noun = "your age in years"
    example = "29"
    age = _number(
        v.FACTS[Fact.AGE], label="How old are you?", noun="your age", help_text="In years."
    )
    age_unknown = forms.BooleanField(required=False, label="Prefer not to say")


class DegreeForm(StepForm):
    degree = _choice(
        v.Degree,
        required="Select your highest qualification",
        unknown="I'm not sure how my qualification compares",
        label="What is your highest qualification?",
        help_text="Include a degree you will finish within the next few months.",
    )


class FieldForm(StepForm):
    field = _choice(
        v.Field,
        required="Select the field you studied",
        unknown="I don't know if it counts as STEM",
        label="What did you study?",
        help_text="STEM: natural sciences, computing, engineering, mathematics and statistics.",
    )


class InstitutionForm(StepForm):
    degree_country = _choice(
        v.Country,
        required="Select the country where you earned your highest degree",
        widget=forms.Select,
        label="Country",
    )
    institution = _choice(
        v.Institution,
        required="Select how well known your university or institute is",
        unknown="I'm not sure",
        label="How well known is the university or institute?",
        help_text="World top-ranked: in the top few hundred of international rankings.",
    )


class ExperienceForm(_WholeNumberForm):
    fact = Fact.STEM_EXPERIENCE
    unknown_name = "stem_experience_unknown"
    noun = "your years of experience"
    example = "3"
    stem_experience = _number(
        v.FACTS[Fact.STEM_EXPERIENCE],
        label="How many years have you worked in science, technology, engineering or mathematics?",
        noun="years of experience",
        help_text="Whole years of paid work, research or teaching in a STEM field. Enter 0 if none.",
    )
    stem_experience_unknown = forms.BooleanField(required=False, label="Prefer not to say")


class AcademicRoleForm(StepForm):
    academic_role = _choice(
        v.YesNo,
        required="Select yes if you teach or do research at a university or institute",
        label="Do you teach or do research at a university or research institute?",
        help_text="In science, technology, engineering or mathematics.",
    )


class JobOfferForm(StepForm):
    job_offer = _choice(
        v.JobOffer,
        required="Select where your job offer is, or that you have none",
        label="Do you have a job offer?",
    )


class UsOfferForm(StepForm):
    employer_type = _choice(
        v.EmployerType,
        required="Select the kind of US employer",
        unknown="I don't know",
        label="What kind of employer is it?",
        help_text="Universities and non-profit research organisations are exempt from the H-1B lottery.",
    )
    wage_level = _choice(
        v.WageLevel,
        required="Select the wage level of the offer",
        unknown="I don't know",
        label="What wage level is the offered salary?",
        help_text="Your employer finds it in the Department of Labor's prevailing wage data.",
    )
    sponsor = _choice(
        v.YesNo,
        required="Select whether the employer will sponsor your visa",
        unknown="I don't know yet",
        label="Will the employer sponsor your visa?",
    )


class LanguagesForm(StepForm):
    mandarin = _choice(
        v.LanguageLevel,
        required="Select your level of Mandarin",
        label="Mandarin Chinese",
    )
    english = _choice(
        v.LanguageLevel,
        required="Select your level of English",
        label="English",
    )


class FamilyForm(StepForm):
    family = _choice(
        v.Family,
        required="Select who would come with you",
        unknown="Prefer not to say",
        label="Would anyone come with you?",
    )


class PrioritiesForm(StepForm):
    priorities = forms.MultipleChoiceField(
        choices=[(m.value, m.label) for m in v.Priority],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="What matters most to you?",
        help_text="Select all that apply, or none. Your result shows these first.",
        error_messages={"invalid_choice": "Select priorities from the list"},
    )

    @classmethod
    def initial_from(cls, answers: Mapping[str, object]) -> dict[str, Any]:
        return {"priorities": answers.get("priorities", [])}
