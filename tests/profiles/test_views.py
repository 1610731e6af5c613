import importlib
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import override_script_prefix
from django.utils import timezone

from profiles import services
from profiles.models import EvaluatedRules, Questionnaire, Result
from tests.profiles.journey import INDIAN_STEM_GRADUATE, US_MASTERS_ON_OPT
from visas import rules
from visas.models import Program
from visas.vocabulary import LegalStatus, Recurrence

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("visa_content")]


def answer_all(client: Client, journey: list[tuple[str, dict[str, object]]]) -> None:
    for slug, data in journey:
        response = client.post(f"/check/{slug}/", data)
        assert response.status_code == 302, (slug, response.content.decode()[:2000])


def finish(client: Client) -> Result:
    response = client.post("/check/answers/")
    assert response.status_code == 302
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    return Result.objects.get(token=token)


def journey_with(
    journey: list[tuple[str, dict[str, object]]], slug: str, **changes: object
) -> list[tuple[str, dict[str, object]]]:
    """A journey with some answers of one step changed."""
    return [(s, {**data, **changes} if s == slug else data) for s, data in journey]


def program_result(result: Result, slug: str) -> rules.ProgramResult:
    return next(r for r in services.result_evaluations(result) if r.program.slug == slug)


def page_text(html: str) -> str:
    """The page's words without tags, whitespace collapsed (sentences span several tags)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


def test_whole_journey_without_javascript_ends_in_a_side_by_side_result(client: Client) -> None:
    response = client.get("/check/citizenship/")
    # Only the questions today's programs use: no languages or family questions; the sponsor
    # question counts until the job offer is answered.
    assert "Question 1 of 11" in response.content.decode()
    answer_all(client, INDIAN_STEM_GRADUATE)
    response = client.get("/check/answers/")
    html = response.content.decode()
    assert "Check your answers" in html
    # One row per answer: 10 steps, the institution step saving two answers.
    assert html.count("Change<span") == 11
    assert "Mandarin" not in html
    assert "Accompanying family" not in html
    result = finish(client)
    assert len(result.token) >= 43  # at least 128 random bits, URL-safe
    html = client.get(f"/r/{result.token}/").content.decode()
    assert "China K visa" in html
    assert "US H-1B" in html
    assert re.search(r'class="tag tag-possible">You may be able to apply<', html)  # the K visa
    assert re.search(r'class="tag tag-not-eligible">Not as things stand<', html)  # the H-1B
    assert "not legal advice" in html


def test_each_step_redirects_to_the_next_that_applies(client: Client) -> None:
    response = client.post("/check/residence/", {"residence": "US"})
    assert response["Location"] == "/check/us-status/"
    response = client.post("/check/residence/", {"residence": "IN"})
    assert response["Location"] == "/check/age/"
    response = client.post("/check/job-offer/", {"job_offer": "US"})
    assert response["Location"] == "/check/us-offer/"
    # The sponsor question follows any job offer; languages and family are not asked today.
    response = client.post("/check/job-offer/", {"job_offer": "CN"})
    assert response["Location"] == "/check/offer-details/"
    response = client.post("/check/offer-details/", {"sponsor": "yes"})
    assert response["Location"] == "/check/priorities/"
    response = client.post("/check/job-offer/", {"job_offer": "none"})
    assert response["Location"] == "/check/priorities/"
    # With a US offer: its details, the sponsor, then (with a degree) how the degree relates.
    client.post("/check/degree/", {"degree": "master"})
    client.post("/check/job-offer/", {"job_offer": "US"})
    response = client.post("/check/us-offer/", {"employer_type": "company", "wage_level": "2"})
    assert response["Location"] == "/check/offer-details/"
    response = client.post("/check/offer-details/", {"sponsor": "yes"})
    assert response["Location"] == "/check/degree-related/"
    response = client.post("/check/degree-related/", {"degree_related": "direct"})
    assert response["Location"] == "/check/priorities/"


def test_questions_no_program_uses_are_not_asked(client: Client) -> None:
    answer_all(client, INDIAN_STEM_GRADUATE[:2])
    for slug in ("languages", "family", "recognition", "savings"):
        response = client.get(f"/check/{slug}/")
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()
    assert client.post("/check/family/", {"family": "alone"}).status_code == 404
    assert "family" not in Questionnaire.objects.get().answers


def test_htmx_answers_move_on_with_hx_location_and_errors_swap_the_region(client: Client) -> None:
    response = client.post("/check/citizenship/", {"citizenship": "IN"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert '"path": "/check/residence/"' in response["HX-Location"]
    assert '"target": "#question"' in response["HX-Location"]
    response = client.post("/check/age/", {"age": "old"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<title>Error: How old are you?")
    assert '<div id="question"' in html
    assert "<html" not in html
    assert "There is a problem" in html
    assert "Your age must be a whole number between 14 and 100" in html


def test_validation_error_keeps_saved_answers_and_prefixes_the_title(client: Client) -> None:
    answer_all(client, INDIAN_STEM_GRADUATE[:3])
    response = client.post("/check/age/", {"age": "x" * 10_000})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: How old are you?" in html
    saved = Questionnaire.objects.get()
    assert saved.answers["age"] == 27
    assert saved.answers["citizenship"] == "IN"


def test_reload_and_return_later_shows_earlier_answers(client: Client) -> None:
    answer_all(client, INDIAN_STEM_GRADUATE[:4])
    html = client.get("/check/degree/").content.decode()
    assert re.search(r'value="bachelor"[^>]*checked', html)
    html = client.get("/check/").content.decode()
    assert "Continue where you left off" in html
    assert 'href="/check/field/"' in html


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/check/no-such-question/", 404),
        ("/check/us-offer/", 404),  # does not apply without a US job offer
        ("/check/..%2F..%2Fetc%2Fpasswd/", 404),
        ("/r/this-token-does-not-exist-0000000000/", 404),
        ("/r/short/", 404),
    ],
)
def test_tampered_urls_get_a_clear_404(client: Client, path: str, status: int) -> None:
    answer_all(client, INDIAN_STEM_GRADUATE[:2])
    response = client.get(path)
    assert response.status_code == status
    assert "Page not found" in response.content.decode()
    assert Questionnaire.objects.get().answers["residence"] == "IN"


def test_wrong_methods_and_types_are_4xx_and_keep_answers(client: Client) -> None:
    answer_all(client, INDIAN_STEM_GRADUATE[:2])
    assert client.put("/check/age/", "age=3").status_code == 405
    assert client.post("/check/age/", {"age": ["1", "2"]}).status_code == 200
    assert client.post("/check/priorities/", {"priorities": "x" * 10_000}).status_code == 200
    assert (
        client.post("/check/age/", "\x00\xff", content_type="application/json").status_code == 200
    )
    assert Questionnaire.objects.get().answers == {"citizenship": "IN", "residence": "IN"}


def test_missing_csrf_token_is_a_clear_403_and_keeps_answers() -> None:
    client = Client(enforce_csrf_checks=True)
    client.get("/check/citizenship/")
    response = client.post("/check/citizenship/", {"citizenship": "IN"})
    assert response.status_code == 403
    assert "Your session has expired" in response.content.decode()


def test_change_returns_to_the_answers_page_without_re_asking(client: Client) -> None:
    answer_all(client, INDIAN_STEM_GRADUATE)
    html = client.get("/check/age/?change=1").content.decode()
    assert 'href="/check/answers/"' in html  # Back goes to the answers
    response = client.post("/check/age/?change=1", {"age": "31"})
    assert response["Location"] == "/check/answers/"
    # A change that opens follow-ups asks just those, then returns.
    response = client.post("/check/job-offer/?change=1", {"job_offer": "US"})
    assert response["Location"] == "/check/us-offer/?change=1"
    response = client.post(
        "/check/us-offer/?change=1", {"employer_type": "company", "wage_level": "unknown"}
    )
    assert response["Location"] == "/check/offer-details/?change=1"
    response = client.post("/check/offer-details/?change=1", {"sponsor": "yes"})
    assert response["Location"] == "/check/degree-related/?change=1"
    response = client.post("/check/degree-related/?change=1", {"degree_related": "direct"})
    assert response["Location"] == "/check/answers/"
    html = client.get("/check/answers/").content.decode()
    assert "Degree field and the offered job" in html
    # Changing back retires the follow-ups: their rows go, and they are not evaluated.
    response = client.post("/check/job-offer/?change=1", {"job_offer": "none"})
    assert response["Location"] == "/check/answers/"
    html = client.get("/check/answers/").content.decode()
    assert "Degree field and the offered job" not in html
    assert "sponsor" not in finish(client).answers


def test_answers_page_refuses_a_result_before_every_question_is_answered(client: Client) -> None:
    answer_all(client, INDIAN_STEM_GRADUATE[:5])
    assert "Answer the next question" in client.get("/check/answers/").content.decode()
    response = client.post("/check/answers/")
    assert response["Location"] == "/check/institution/"
    assert Result.objects.count() == 0


def test_share_link_shows_deciding_answers_only_and_is_read_only(client: Client) -> None:
    answer_all(client, US_MASTERS_ON_OPT)
    result = finish(client)
    owner_html = client.get(f"/r/{result.token}/").content.decode()
    assert "Delete this result" in owner_html
    stranger = Client()
    response = stranger.get(f"/r/{result.token}/")
    html = response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "Delete this result" not in html
    assert "The answers that decided this" in html
    assert "Your age" not in html
    assert ">25<" not in html
    assert stranger.get(f"/r/{result.token}/delete/").status_code == 404
    assert stranger.post(f"/r/{result.token}/delete/").status_code == 404
    assert Result.objects.filter(pk=result.pk).exists()


def payment(result: Result) -> tuple[rules.FigureRule, rules.FigureResult]:
    """The H-1B's $100,000 payment: its rule and how it reads for this result."""
    h1b = program_result(result, "us-h1b")
    rule = next(f for f in h1b.program.figures if f.value == 100_000)
    return rule, next(f for f in h1b.figures if f.id == rule.id)


LEGAL_SENTENCE = "Status unknown since 21 September 2026: whether it applies today is unclear."


def test_h1b_payment_does_not_apply_to_a_change_of_status_inside_the_us(client: Client) -> None:
    answer_all(client, US_MASTERS_ON_OPT)
    result = finish(client)
    assert result.snapshot["schema"] == rules.SNAPSHOT_SCHEMA
    rule, applies = payment(result)
    assert applies.applies is rules.Status.NOT_MET  # decided by the US status (F-1 OPT)
    assert applies.answer == "f1_opt"
    assert rule.recurrence is Recurrence.PER_PETITION
    # Its legal status is unknown, and the page says so with its history.
    assert rule.legal.status is LegalStatus.UNKNOWN
    text = page_text(client.get(f"/r/{result.token}/").content.decode())
    assert "Does not apply to you You answered “Student (F-1, including OPT or STEM OPT)”" in text
    assert LEGAL_SENTENCE in text
    assert "Vacated by a federal court in Massachusetts on 8 June 2026" in text


def test_h1b_payment_for_someone_outside_the_us_is_unclear_because_of_its_legal_status(
    client: Client,
) -> None:
    answer_all(client, INDIAN_STEM_GRADUATE)  # lives in India: no US status
    result = finish(client)
    _, applies = payment(result)
    assert applies.applies is rules.Status.UNCLEAR
    assert applies.cause is rules.Cause.LEGAL_STATUS
    assert applies.legal is LegalStatus.UNKNOWN
    text = page_text(client.get(f"/r/{result.token}/").content.decode())
    assert (
        "May apply to you It would apply to you, but whether it is in force today is unclear."
        in text
    )
    assert LEGAL_SENTENCE in text
    unclear = text.split("Unclear or in doubt", 1)[1].split("Other caveats", 1)[0]
    assert "$100,000 payment for certain new H-1B petitions" in unclear


def test_h1b_payment_follows_the_us_status_not_the_residence(client: Client) -> None:
    # All three live in the US; only the US status decides.
    statuses = {"h1b": rules.Status.NOT_MET, "none": rules.Status.UNCLEAR, "unknown": None}
    found = {}
    for status in statuses:
        applicant = Client()
        answer_all(applicant, journey_with(US_MASTERS_ON_OPT, "us-status", status_us=status))
        found[status] = payment(finish(applicant))[1]
    # Already on an H-1B: no payment.
    assert found["h1b"].applies is rules.Status.NOT_MET
    # In the US without a status: it would apply, but its legal status is unknown.
    assert found["none"].applies is rules.Status.UNCLEAR
    assert found["none"].cause is rules.Cause.LEGAL_STATUS
    # "I don't know": it depends on that answer.
    assert found["unknown"].applies is rules.Status.UNCLEAR
    assert found["unknown"].cause is rules.Cause.ANSWER_UNKNOWN


def test_the_payment_reason_keeps_the_acronym_us(client: Client) -> None:
    answer_all(client, journey_with(US_MASTERS_ON_OPT, "us-status", status_us="unknown"))
    result = finish(client)
    text = page_text(client.get(f"/r/{result.token}/").content.decode())
    assert "It depends on “Current US status”" in text  # the payment's reason is shown
    assert "“Current US status”: you answered “I don't know”." in text


def test_h1b_routes_selection_and_estimated_chance(client: Client) -> None:
    answer_all(client, US_MASTERS_ON_OPT)  # wage level II, at a company, US master's
    result = finish(client)
    h1b = program_result(result, "us-h1b")
    assert h1b.verdict is rules.Verdict.CAN_APPLY
    assert h1b.selection.exemption is rules.Exemption.SUBJECT
    assert h1b.selection.chance_low == h1b.selection.chance_high
    text = page_text(client.get(f"/r/{result.token}/").content.decode())
    assert "Routes: Meets Degree in the job's specialty: you meet it." in text
    chance = text.split("How are applicants chosen, and your chance", 1)[1]
    assert "Weighted lottery" in chance
    assert "Estimated chance of being selected: about 30.58%." in chance
    assert "Basis: FY2027 (DHS projection)." in chance
    assert "In your favour: Highest degree: at least Master's degree" in chance


def test_unknown_wage_level_gives_a_range_of_chances(client: Client) -> None:
    answer_all(client, journey_with(US_MASTERS_ON_OPT, "us-offer", wage_level="unknown"))
    result = finish(client)
    h1b = program_result(result, "us-h1b")
    assert h1b.verdict is rules.Verdict.CAN_APPLY  # the wage level decides the odds only
    assert (h1b.selection.chance_low, h1b.selection.chance_high) == (
        Decimal("15.29"),
        Decimal("61.16"),
    )
    text = page_text(client.get(f"/r/{result.token}/").content.decode())
    assert "Estimated chance of being selected: between 15.29% and 61.16%" in text
    assert "It depends on “Offered wage level”: you answered “I don't know”." in text


def test_cap_exempt_employer_takes_the_applicant_out_of_the_lottery(client: Client) -> None:
    answer_all(client, journey_with(US_MASTERS_ON_OPT, "us-offer", employer_type="research"))
    result = finish(client)
    h1b = program_result(result, "us-h1b")
    assert h1b.selection.exemption is rules.Exemption.EXEMPT
    assert h1b.selection.chance_low is None
    text = page_text(client.get(f"/r/{result.token}/").content.decode())
    assert "Exempt You are not subject to it: US employer type:" in text
    assert "Estimated chance of being selected" not in text


def test_k_visa_shows_its_two_routes(client: Client) -> None:
    answer_all(client, INDIAN_STEM_GRADUATE)
    result = finish(client)
    k_visa = program_result(result, "china-k-visa")
    assert k_visa.verdict is rules.Verdict.POSSIBLE
    assert len(k_visa.routes) == 2
    text = page_text(client.get(f"/r/{result.token}/").content.decode())
    assert (
        "Routes: Unclear Graduate of a well-known institution: possible; something it asks is "
        "unclear. Does not meet STEM teaching or research at a well-known institution: "
        "1 requirement not met."
    ) in text


def test_owner_deletes_the_result_and_the_link_stops_working(client: Client) -> None:
    answer_all(client, INDIAN_STEM_GRADUATE)
    result = finish(client)
    assert "Delete this result?" in client.get(f"/r/{result.token}/delete/").content.decode()
    response = client.post(f"/r/{result.token}/delete/")
    assert response["Location"] == "/check/"
    assert client.get(f"/r/{result.token}/").status_code == 404
    assert Questionnaire.objects.get().answers["age"] == 27  # answers are kept


def test_changed_rules_are_flagged_and_a_recheck_makes_a_new_result(client: Client) -> None:
    answer_all(client, INDIAN_STEM_GRADUATE)
    result = finish(client)
    assert "Advisers have updated" not in client.get(f"/r/{result.token}/").content.decode()
    program = Program.objects.get(slug="us-h1b")
    Program.objects.filter(pk=program.pk).update(revision=program.revision + 1)
    html = Client().get(f"/r/{result.token}/").content.decode()
    assert "Advisers have updated the rules for US H-1B" in html
    response = Client().post(f"/r/{result.token}/recheck/")
    assert response.status_code == 302
    new = Result.objects.exclude(pk=result.pk).get()
    assert new.answers == result.answers
    assert new.revisions["us-h1b"] == program.revision + 1
    assert "Advisers have updated" not in Client().get(f"/r/{new.token}/").content.decode()


def test_more_programs_can_be_added_as_columns(client: Client) -> None:
    answer_all(client, INDIAN_STEM_GRADUATE)
    result = finish(client)
    r_visa_column = '<th scope="col"><a href="/programs/china-r-visa/">'
    html = client.get(f"/r/{result.token}/?programs=china-k-visa&programs=us-h1b").content.decode()
    assert "<caption" in html
    assert r_visa_column not in html
    html = client.get(
        f"/r/{result.token}/?programs=china-k-visa&programs=us-h1b&programs=china-r-visa"
    ).content.decode()
    assert r_visa_column in html
    # By default: the K visa and the H-1B, and the applicant's strongest other routes.
    assert r_visa_column in client.get(f"/r/{result.token}/").content.decode()


def test_priorities_come_first_and_are_highlighted(client: Client) -> None:
    answer_all(client, INDIAN_STEM_GRADUATE)  # independence, low cost
    result = finish(client)
    html = client.get(f"/r/{result.token}/").content.decode()
    first_rows = re.findall(r'<tr class="is-priority">\s*<th scope="row">([^<]+)', html)
    assert first_rows == ["Job offer and employer", "Fees, one by one"]


def test_a_degree_unrelated_to_the_us_job_is_shown_as_what_would_change_it(
    client: Client,
) -> None:
    answer_all(
        client, journey_with(US_MASTERS_ON_OPT, "degree-related", degree_related="unrelated")
    )
    result = finish(client)
    h1b = program_result(result, "us-h1b")
    assert h1b.verdict is not rules.Verdict.CAN_APPLY
    html = client.get(f"/r/{result.token}/").content.decode()
    assert "Degree field and the offered job: Directly related to the job" in page_text(html)


def test_results_not_viewed_for_180_days_are_removed(client: Client) -> None:
    answer_all(client, INDIAN_STEM_GRADUATE)
    old, fresh = finish(client), finish(client)
    Result.objects.filter(pk=old.pk).update(
        last_viewed_at=timezone.now() - timezone.timedelta(days=181)
    )
    call_command("remove_stale_results", verbosity=0)
    assert list(Result.objects.all()) == [fresh]


# Results made before rules were kept apart from wording (schema 1), as stored then.
SCHEMA_1 = json.loads(
    (Path(__file__).parent / "fixtures" / "results_schema1.json").read_text(encoding="utf-8")
)
migration_0002 = importlib.import_module("profiles.migrations.0002_result_snapshot_schema_2")
migration_0004 = importlib.import_module("profiles.migrations.0004_evaluated_rules")
migration_0006 = importlib.import_module("profiles.migrations.0006_keyed_facts")
NOT_RECORDED = "Results made before 29 November 2026 did not record how applicants are chosen."


def old_result(fixture: dict[str, object], token: str) -> Result:
    return Result.objects.create(
        token=token,
        answers=fixture["answers"],
        snapshot=fixture["snapshot"],
        revisions=fixture["revisions"],
        priorities=fixture["priorities"],
        evaluated_on=date.fromisoformat(str(fixture["evaluated_on"])),
        last_viewed_at=timezone.now(),
    )


def converted(fixture: dict[str, object], token: str) -> Result:
    result = old_result(fixture, token)
    assert isinstance(result.snapshot, list)  # schema 1: a bare list
    schema_2 = migration_0002.convert_snapshot(result.snapshot, result.answers, result.evaluated_on)
    schema_3, old_rules = migration_0004.split_snapshot(schema_2)
    result.snapshot, kept = to_schema_4(schema_3, old_rules)
    result.answers = migration_0006.convert_answers(result.answers)
    result.save()
    EvaluatedRules.objects.bulk_create(
        [EvaluatedRules(digest=d, rules=r) for d, r in kept.items()], ignore_conflicts=True
    )
    result.rules.set(list(kept))
    return result


def to_schema_4(
    snapshot: dict[str, object], old_rules: dict[str, object]
) -> tuple[dict[str, object], dict[str, object]]:
    """A schema 3 snapshot and its rules by digest, converted as the migration does."""
    new_rules = {d: migration_0006.convert_rules(r) for d, r in old_rules.items()}
    digests = {d: migration_0006.digest_of(r) for d, r in new_rules.items()}
    converted_snapshot = migration_0006.convert_snapshot(snapshot, old_rules, digests)
    return converted_snapshot, {digests[d]: r for d, r in new_rules.items()}


def test_results_made_before_schema_2_still_render(client: Client) -> None:
    assert [f["name"] for f in SCHEMA_1] == ["indian-engineer-abroad", "f1-opt-with-us-offer"]
    abroad = converted(SCHEMA_1[0], "old-indian-engineer-abroad-" + "a" * 32)
    opt = converted(SCHEMA_1[1], "old-f1-opt-with-us-offer-" + "b" * 32)
    for result in (abroad, opt):
        assert result.snapshot["schema"] == 4
        loaded = services.result_evaluations(Result.objects.get(pk=result.pk))
        assert [r.program.slug for r in loaded] == ["china-k-visa", "us-h1b", "china-r-visa"]

    response = client.get(f"/r/{opt.token}/")
    assert response.status_code == 200
    html = response.content.decode()
    verdicts = re.findall(
        r"<li><strong>([^<]+):</strong> <span class=\"tag [^\"]+\">([^<]+)<", html
    )
    # The overview names every program of the result, grouped by verdict.
    assert dict(verdicts) == {
        "US H-1B (specialty occupation)": "You can apply",  # was "Likely eligible"
        "China K visa (young science and technology talent)": "You may be able to apply",
        "China R visa (high-level foreign talent)": "Not as things stand",
    }
    text = page_text(html)
    assert text.count(NOT_RECORDED) == 3  # one per column: the K visa, the H-1B, the R visa
    assert "Evaluated on 23 November 2026" in text
    assert "Advisers have updated" not in text

    html = client.get(f"/r/{abroad.token}/?programs=us-h1b&programs=china-r-visa").content.decode()
    verdicts = re.findall(
        r"<li><strong>([^<]+):</strong> <span class=\"tag [^\"]+\">([^<]+)<", html
    )
    assert dict(verdicts)["US H-1B (specialty occupation)"] == "Not as things stand"
    assert dict(verdicts)["China R visa (high-level foreign talent)"] == "Not as things stand"
    assert NOT_RECORDED in page_text(html)


def test_old_results_do_not_claim_how_applicants_are_then_chosen(client: Client) -> None:
    abroad = converted(SCHEMA_1[0], "old-indian-engineer-abroad-" + "c" * 32)
    text = page_text(client.get(f"/r/{abroad.token}/").content.decode())
    assert "With Job offer: United States" in text  # the stored change is shown
    assert "chosen by: not recorded" not in text


def test_migration_converts_stored_schema_1_snapshots() -> None:
    executor = MigrationExecutor(connection)
    before = [("profiles", "0001_initial")]
    after = [("profiles", "0006_keyed_facts")]
    executor.migrate(before)
    executor.loader.build_graph()
    OldResult = executor.loader.project_state(before).apps.get_model("profiles", "Result")
    fixture = SCHEMA_1[1]
    OldResult.objects.create(
        token="migrated-" + "d" * 40,
        answers=fixture["answers"],
        snapshot=fixture["snapshot"],
        revisions=fixture["revisions"],
        priorities=fixture["priorities"],
        evaluated_on=date.fromisoformat(fixture["evaluated_on"]),
        last_viewed_at=timezone.now(),
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)

    migrated = Result.objects.get(token="migrated-" + "d" * 40)
    assert migrated.snapshot["schema"] == 4
    assert migrated.rules.count() == 3  # each program's rules, stored apart
    rules._RULES_LOADED.clear()
    loaded = services.result_evaluations(migrated)
    assert {r.program.slug: r.verdict for r in loaded} == {
        "china-k-visa": rules.Verdict.POSSIBLE,
        "us-h1b": rules.Verdict.CAN_APPLY,
        "china-r-visa": rules.Verdict.NOT_ELIGIBLE,
    }
    assert all(r.selection.mechanism.value == "not_recorded" for r in loaded)


def test_links_to_the_questions_follow_the_script_prefix(client: Client) -> None:
    answer_all(client, INDIAN_STEM_GRADUATE)
    with override_script_prefix("/navigator/"):  # served under /navigator/
        mounted = client.get("/check/answers/").content.decode()
    assert 'href="/navigator/check/age/?change=1"' in mounted
    html = client.get("/check/answers/").content.decode()
    assert 'href="/check/age/?change=1"' in html
    assert "/navigator/" not in html


def test_answers_stay_found_when_the_session_key_changes(client: Client) -> None:
    answer_all(client, INDIAN_STEM_GRADUATE[:2])
    questionnaire = Questionnaire.objects.get()
    # The key changes (as a sign-in in the same browser does): the session keeps the id.
    session = client.session
    session.cycle_key()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    assert questionnaire.session_key != session.session_key
    assert "Question 3 of 11" in client.get("/check/age/").content.decode()
    assert client.post("/check/age/", {"age": "30"})["Location"] == "/check/degree/"
    # A questionnaire made before sessions had keys: found by the id too.
    Questionnaire.objects.update(session_key="")
    assert client.post("/check/degree/", {"degree": "master"}).status_code == 302
    assert Questionnaire.objects.get().answers == {
        "citizenship": "IN",
        "residence": "IN",
        "age": 30,
        "degree": "master",
    }
