import pytest

from profiles import forms
from visas.vocabulary import UNKNOWN


@pytest.mark.parametrize(
    ("form_class", "data", "field", "message"),
    [
        pytest.param(
            forms.DegreeForm, {}, "degree", "Select your highest qualification", id="missing"
        ),
        pytest.param(
            forms.DegreeForm,
            {"degree": "x" * 10_000},
            "degree",
            "Select your highest qualification",
            id="10k-characters",
        ),
        pytest.param(
            forms.AgeForm,
            {},
            "age",
            "Enter your age in years, like 29, or tick the box",
            id="age-empty",
        ),
        pytest.param(
            forms.AgeForm,
            {"age": "230"},
            "age",
            "Your age must be a whole number between 14 and 100",
            id="age-out-of-range",
        ),
        pytest.param(
            forms.AgeForm,
            {"age": "twenty"},
            "age",
            "Your age must be a whole number between 14 and 100",
            id="age-not-a-number",
        ),
        pytest.param(
            forms.AgeForm,
            {"age": "30", "age_unknown": "on"},
            "age",
            "Enter your age in years or tick the box, not both",
            id="age-both",
        ),
        pytest.param(
            forms.ExperienceForm,
            {"stem_experience": "-1"},
            "stem_experience",
            "Years of experience must be a whole number between 0 and 60",
            id="negative-years",
        ),
        pytest.param(
            forms.PrioritiesForm,
            {"priorities": ["fame"]},
            "priorities",
            "Select priorities from the list",
            id="unknown-priority",
        ),
        pytest.param(
            forms.CitizenshipForm,
            {"citizenship": ""},
            "citizenship",
            "Select the country of your citizenship",
            id="no-country",
        ),
        pytest.param(
            forms.SponsorForm,
            {"sponsor": "maybe"},
            "sponsor",
            "Select whether the employer will sponsor your visa",
            id="sponsor-not-a-choice",
        ),
        pytest.param(
            forms.DegreeRelatedForm,
            {},
            "degree_related",
            "Select how your degree's field relates to the offered job",
            id="degree-related-missing",
        ),
    ],
)
def test_bad_answers_get_a_message_that_says_what_to_do(form_class, data, field, message) -> None:  # type: ignore[no-untyped-def]
    form = form_class(data)
    assert not form.is_valid()
    assert form.errors[field] == [message]
    assert form.error_links()[0][1] == message


def test_answers_come_back_as_facts() -> None:
    form = forms.AgeForm({"age": "29"})
    assert form.is_valid()
    assert form.to_answers() == {"age": 29}
    form = forms.AgeForm({"age_unknown": "on"})
    assert form.is_valid()
    assert form.to_answers() == {"age": UNKNOWN}
    assert forms.AgeForm.initial_from({"age": UNKNOWN}) == {"age_unknown": True}
    form = forms.InstitutionForm({"degree_country": "US", "institution": UNKNOWN})
    assert form.is_valid()
    assert form.to_answers() == {"degree_country": "US", "institution": UNKNOWN}
    # The sponsor is asked on its own now, not with the US offer.
    form = forms.UsOfferForm({"employer_type": "company", "wage_level": "2", "sponsor": "yes"})
    assert form.is_valid()
    assert form.to_answers() == {"employer_type": "company", "wage_level": "2"}
    form = forms.SponsorForm({"sponsor": UNKNOWN})
    assert form.is_valid()
    assert form.to_answers() == {"sponsor": UNKNOWN}
    form = forms.DegreeRelatedForm({"degree_related": "general"})
    assert form.is_valid()
    assert form.to_answers() == {"degree_related": "general"}


def test_error_summary_links_point_at_the_first_input() -> None:
    form = forms.UsOfferForm({})
    assert not form.is_valid()
    anchors = [anchor for anchor, _ in form.error_links()]
    assert anchors == ["id_employer_type_0", "id_wage_level_0"]
    form = forms.SponsorForm({})
    assert not form.is_valid()
    assert [anchor for anchor, _ in form.error_links()] == ["id_sponsor_0"]
    form = forms.AgeForm({"age": "x"})
    form.is_valid()
    assert form.error_links()[0][0] == "id_age"
    assert 'aria-describedby="id_age-hint id_age-error"' in str(form["age"])
