import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from profiles.models import Questionnaire, Result
from tests.profiles.journey import INDIAN_STEM_GRADUATE, US_MASTERS_ON_OPT
from visas.models import Program

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


def test_whole_journey_without_javascript_ends_in_a_side_by_side_result(client: Client) -> None:
    response = client.get("/check/citizenship/")
    assert "Question 1 of 12" in response.content.decode()
    answer_all(client, INDIAN_STEM_GRADUATE)
    response = client.get("/check/answers/")
    html = response.content.decode()
    assert "Check your answers" in html
    assert html.count("Change<span") == 14
    result = finish(client)
    assert len(result.token) >= 43  # at least 128 random bits, URL-safe
    html = client.get(f"/r/{result.token}/").content.decode()
    assert "China K visa" in html
    assert "US H-1B" in html
    assert "Possibly eligible" in html
    assert "Not eligible as things stand" in html
    assert "not legal advice" in html


def test_each_step_redirects_to_the_next_that_applies(client: Client) -> None:
    response = client.post("/check/residence/", {"residence": "US"})
    assert response["Location"] == "/check/us-status/"
    response = client.post("/check/residence/", {"residence": "IN"})
    assert response["Location"] == "/check/age/"
    response = client.post("/check/job-offer/", {"job_offer": "us"})
    assert response["Location"] == "/check/us-offer/"
    response = client.post("/check/job-offer/", {"job_offer": "china"})
    assert response["Location"] == "/check/languages/"


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
    # A change that opens a follow-up asks just that, then returns.
    response = client.post("/check/job-offer/?change=1", {"job_offer": "us"})
    assert response["Location"] == "/check/us-offer/?change=1"
    response = client.post(
        "/check/us-offer/?change=1",
        {"employer_type": "company", "wage_level": "unknown", "sponsor": "yes"},
    )
    assert response["Location"] == "/check/answers/"


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


def test_h1b_payment_does_not_apply_to_a_change_of_status_inside_the_us(client: Client) -> None:
    answer_all(client, US_MASTERS_ON_OPT)
    result = finish(client)
    h1b = next(r for r in result.snapshot if r["program"]["slug"] == "us-h1b")
    payment = next(
        f for f in h1b["figures"] if f["figure"]["value"] and "100000" in f["figure"]["value"]
    )
    assert payment["applies"] == "not_met"
    assert payment["figure"]["recurrence"] == "per_petition"


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
    html = client.get(f"/r/{result.token}/").content.decode()
    assert "<caption" in html
    assert '<th scope="col"><a href="/programs/china-r-visa/">' not in html
    html = client.get(
        f"/r/{result.token}/?programs=china-k-visa&programs=us-h1b&programs=china-r-visa"
    ).content.decode()
    assert '<th scope="col"><a href="/programs/china-r-visa/">' in html


def test_priorities_come_first_and_are_highlighted(client: Client) -> None:
    answer_all(client, INDIAN_STEM_GRADUATE)  # independence, low cost
    result = finish(client)
    html = client.get(f"/r/{result.token}/").content.decode()
    first_rows = re.findall(r'<tr class="is-priority">\s*<th scope="row">([^<]+)', html)
    assert first_rows == ["Job offer and employer", "Who pays what"]


def test_results_not_viewed_for_180_days_are_removed(client: Client) -> None:
    answer_all(client, INDIAN_STEM_GRADUATE)
    old, fresh = finish(client), finish(client)
    Result.objects.filter(pk=old.pk).update(
        last_viewed_at=timezone.now() - timezone.timedelta(days=181)
    )
    call_command("remove_stale_results", verbosity=0)
    assert list(Result.objects.all()) == [fresh]
