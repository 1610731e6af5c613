import pytest
from django import forms as django_forms

from profiles import forms
from visas.vocabulary import UNKNOWN, Fact

# The simple questions' forms are generated from the vocabulary.
DegreeForm = forms.fact_form(Fact.DEGREE)
AgeForm = forms.fact_form(Fact.AGE)
ExperienceForm = forms.fact_form(Fact.STEM_EXPERIENCE)
CitizenshipForm = forms.fact_form(Fact.CITIZENSHIP)
SponsorForm = forms.fact_form(Fact.SPONSOR)
DegreeRelatedForm = forms.fact_form(Fact.DEGREE_RELATED)
MandarinForm = forms.fact_form(Fact.LANGUAGE_LEVEL, "zh")
UsStatusForm = forms.fact_form(Fact.STATUS, "US")
JobOfferForm = forms.fact_form(Fact.JOB_OFFER)


@pytest.mark.parametrize(
    ("form_class", "data", "field", "message"),
    [
        pytest.param(DegreeForm, {}, "degree", "Select your highest qualification", id="missing"),
        pytest.param(
            DegreeForm,
            {"degree": "x" * 10_000},
            "degree",
            "Select your highest qualification",
            id="10k-characters",
        ),
        pytest.param(
            AgeForm,
            {},
            "age",
            "Enter your age in years, like 29, or tick the box",
            id="age-empty",
        ),
        pytest.param(
            AgeForm,
            {"age": "230"},
            "age",
            "Your age must be a whole number between 14 and 100",
            id="age-out-of-range",
        ),
        pytest.param(
            AgeForm,
            {"age": "twenty"},
            "age",
            "Your age must be a whole number between 14 and 100",
            id="age-not-a-number",
        ),
        pytest.param(
            AgeForm,
            {"age": "30", "age_unknown": "on"},
            "age",
            "Enter your age in years or tick the box, not both",
            id="age-both",
        ),
        pytest.param(
            ExperienceForm,
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
            CitizenshipForm,
            {"citizenship": ""},
            "citizenship",
            "Select the country of your citizenship",
            id="no-country",
        ),
        pytest.param(
            SponsorForm,
            {"sponsor": "maybe"},
            "sponsor",
            "Select whether the employer will sponsor your visa",
            id="sponsor-not-a-choice",
        ),
        pytest.param(
            DegreeRelatedForm,
            {},
            "degree_related",
            "Select how your degree's field relates to the offered job",
            id="degree-related-missing",
        ),
        pytest.param(
            MandarinForm, {}, "language_level_zh", "Select your Mandarin level", id="no-level"
        ),
        pytest.param(
            MandarinForm,
            {"language_level_zh": "native"},
            "language_level_zh",
            "Select your Mandarin level",
            id="old-level-name",
        ),
        pytest.param(
            UsStatusForm,
            {},
            "status_us",
            "Select your current status in the United States",
            id="no-us-status",
        ),
        pytest.param(
            JobOfferForm,
            {"job_offer": "us"},
            "job_offer",
            "Select the country of your job offer, or that you have none",
            id="offer-country-code-only",
        ),
    ],
)
def test_bad_answers_get_a_message_that_says_what_to_do(form_class, data, field, message) -> None:  # type: ignore[no-untyped-def]
    form = form_class(data)
    assert not form.is_valid()
    assert form.errors[field] == [message]
    assert form.error_links()[0][1] == message


def test_answers_come_back_as_facts() -> None:
    form = AgeForm({"age": "29"})
    assert form.is_valid()
    assert form.to_answers() == {"age": 29}
    form = AgeForm({"age_unknown": "on"})
    assert form.is_valid()
    assert form.to_answers() == {"age": UNKNOWN}
    assert AgeForm.initial_from({"age": UNKNOWN}) == {"age_unknown": True}
    form = forms.InstitutionForm({"degree_country": "US", "institution": UNKNOWN})
    assert form.is_valid()
    assert form.to_answers() == {"degree_country": "US", "institution": UNKNOWN}
    # The sponsor is asked on its own now, not with the US offer.
    form = forms.UsOfferForm({"employer_type": "company", "wage_level": "2", "sponsor": "yes"})
    assert form.is_valid()
    assert form.to_answers() == {"employer_type": "company", "wage_level": "2"}
    form = SponsorForm({"sponsor": UNKNOWN})
    assert form.is_valid()
    assert form.to_answers() == {"sponsor": UNKNOWN}
    form = DegreeRelatedForm({"degree_related": "general"})
    assert form.is_valid()
    assert form.to_answers() == {"degree_related": "general"}


def test_error_summary_links_point_at_the_first_input() -> None:
    form = forms.UsOfferForm({})
    assert not form.is_valid()
    anchors = [anchor for anchor, _ in form.error_links()]
    assert anchors == ["id_employer_type_0", "id_wage_level_0"]
    form = SponsorForm({})
    assert not form.is_valid()
    assert [anchor for anchor, _ in form.error_links()] == ["id_sponsor_0"]
    form = AgeForm({"age": "x"})
    form.is_valid()
    assert form.error_links()[0][0] == "id_age"
    assert 'aria-describedby="id_age-hint id_age-error"' in str(form["age"])


def test_a_keyed_question_is_generated_per_key() -> None:
    field = MandarinForm().fields["language_level_zh"]
    assert str(field.label) == "What is your Mandarin level?"
    assert "CEFR" in str(field.help_text)
    assert isinstance(field.widget, django_forms.RadioSelect)
    assert [value for value, _ in field.choices] == [  # type: ignore[attr-defined]
        "none",
        "A1",
        "A2",
        "B1",
        "B2",
        "C1",
        "C2",
        UNKNOWN,
    ]
    assert [str(label) for _, label in field.choices][-1] == "I'm not sure"  # type: ignore[attr-defined]
    german = forms.fact_form(Fact.LANGUAGE_LEVEL, "de")
    assert str(german().fields["language_level_de"].label) == "What is your German level?"
    assert MandarinForm.answer_keys() == ("language_level:zh",)
    assert german.answer_keys() == ("language_level:de",)


def test_a_generated_form_saves_under_the_answer_key() -> None:
    form = MandarinForm({"language_level_zh": "B1"})
    assert form.is_valid()
    assert form.to_answers() == {"language_level:zh": "B1"}
    assert MandarinForm.initial_from({"language_level:zh": "C2"}) == {"language_level_zh": "C2"}
    assert MandarinForm.initial_from({"language_level:en": "C2"}) == {}
    form = UsStatusForm({"status_us": UNKNOWN})
    assert form.is_valid()
    assert form.to_answers() == {"status:US": UNKNOWN}
    form = JobOfferForm({"job_offer": "CN"})
    assert form.is_valid()
    assert form.to_answers() == {"job_offer": "CN"}


def test_generated_choices_come_from_the_fact_values() -> None:
    offer = JobOfferForm().fields["job_offer"]
    assert isinstance(offer.widget, django_forms.Select)  # a long list: a drop-down
    values = [value for value, _ in offer.choices]  # type: ignore[attr-defined]
    assert values[:4] == ["", "none", "CN", "US"]  # "Choose one" first
    assert values[-1] == "other"
    assert UNKNOWN not in values  # the entry offers no "I don't know"
    citizenship = [v for v, _ in CitizenshipForm().fields["citizenship"].choices]  # type: ignore[attr-defined]
    assert citizenship[-1] == UNKNOWN  # "Prefer not to say"
    assert forms.fact_form(Fact.DEGREE) is DegreeForm  # made once


def test_facts_asked_by_hand_written_steps_have_no_generated_form() -> None:
    with pytest.raises(LookupError):
        forms.fact_form(Fact.INSTITUTION)
    with pytest.raises(LookupError):
        forms.fact_form(Fact.STATUS, "DE")  # no statuses for Germany in the vocabulary
