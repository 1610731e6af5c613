""" "Is this wrong or out of date?": applicants report an item of a public page; advisers see
the reports in a queue. Plain forms (no JavaScript needed), CSRF-protected, rate-limited per
client, with a trap field for robots; answers are attached only when the reporter asks."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from profiles.models import Result
from tests.conftest import assert_accessible
from tests.profiles.journey import INDIAN_STEM_GRADUATE
from visas.models import Caveat, Criterion, KeyFigure, PointsTable, Program, Report
from visas.vocabulary import ReportStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("visa_content")]


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    cache.clear()


def h1b_fee() -> KeyFigure:
    return KeyFigure.objects.filter(program__slug="us-h1b").order_by("pk").first()  # type: ignore[return-value]


def report_links(html: str) -> list[str]:
    return re.findall(r'<a href="(/report/[^"]+)" rel="nofollow">', html)


def test_every_item_of_a_program_page_has_a_report_link() -> None:
    program = Program.objects.get(slug="us-h1b")
    html = Client().get(program.get_absolute_url()).content.decode()
    links = report_links(html)
    expected = (
        [f"/report/criterion/{pk}/" for pk in program.criteria.values_list("pk", flat=True)]
        + [f"/report/points/{pk}/" for pk in program.points_tables.values_list("pk", flat=True)]
        + [f"/report/figure/{pk}/" for pk in program.figures.values_list("pk", flat=True)]
        + [f"/report/caveat/{pk}/" for pk in program.caveats.values_list("pk", flat=True)]
    )
    assert sorted(links) == sorted(expected)
    # Each link names its item for screen readers.
    fee = h1b_fee()
    assert f'<span class="visually-hidden"> {fee.label}</span>' in html


def test_a_report_without_javascript_lands_in_the_advisers_queue() -> None:
    fee = h1b_fee()
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/report/figure/{fee.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert fee.label in html
    assert "US H-1B" in html
    assert 'name="attach_answers"' not in html  # not from a result: nothing to attach
    token = client.cookies["csrftoken"].value
    response = client.post(
        f"/report/figure/{fee.pk}/",
        {
            "csrfmiddlewaretoken": token,
            "message": "The fee went up in April.",
            "source_url": "www.uscis.gov/g-1055",
            "email": "reader@example.com",
        },
    )
    assert response.status_code == 302
    sent = client.get(response["Location"])
    assert "Thank you for your report" in sent.content.decode()
    assert 'href="/programs/us-h1b/"' in sent.content.decode()
    report = Report.objects.get()
    assert (report.program.slug, report.item_kind, report.item_id) == ("us-h1b", "figure", fee.pk)
    assert report.item_text == fee.label
    assert report.message == "The fee went up in April."
    assert report.source_url == "https://www.uscis.gov/g-1055"
    assert report.email == "reader@example.com"
    assert report.answers is None
    assert report.status == ReportStatus.NEW


def test_without_the_form_token_the_report_is_refused() -> None:
    fee = h1b_fee()
    response = Client(enforce_csrf_checks=True).post(
        f"/report/figure/{fee.pk}/", {"message": "Wrong."}
    )
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_errors_say_what_to_do_and_keep_what_was_typed() -> None:
    caveat = Caveat.objects.filter(program__slug="china-k-visa").first()
    assert caveat is not None
    response = Client().post(
        f"/report/caveat/{caveat.pk}/",
        {"message": "", "source_url": "not a url", "email": "nobody"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error:" in html
    assert 'class="error-summary"' in html
    assert "Say what is wrong or out of date." in html
    assert "Enter a web address, like https://www.example.gov/page." in html
    assert "Enter an email address, like name@example.com." in html
    assert 'value="nobody"' in html
    assert not Report.objects.exists()


def test_a_robot_filling_the_trap_is_thanked_but_not_recorded() -> None:
    criterion = Criterion.objects.first()
    assert criterion is not None
    response = Client().post(
        f"/report/criterion/{criterion.pk}/",
        {"message": "Buy cheap watches", "website": "http://spam.example"},
    )
    assert response.status_code == 302
    assert not Report.objects.exists()


def test_answers_are_attached_only_when_the_reporter_ticks_the_box() -> None:
    client = Client()
    for slug, data in INDIAN_STEM_GRADUATE:
        client.post(f"/check/{slug}/", data)
    result = Result.objects.get(
        token=client.post("/check/answers/")["Location"].rstrip("/").rsplit("/", 1)[-1]
    )
    html = client.get(result.get_absolute_url()).content.decode()
    links = report_links(html)
    assert links
    assert all(link.endswith(f"?result={result.token}") for link in links)
    page = client.get(links[0]).content.decode()
    assert 'name="attach_answers"' in page
    assert "Back to the result" in page

    client.post(links[0], {"message": "Not ticked.", "result": result.token})
    client.post(links[0], {"message": "Ticked.", "result": result.token, "attach_answers": "on"})
    not_ticked, ticked = Report.objects.order_by("pk")
    assert not_ticked.answers is None
    assert ticked.answers == result.answers
    assert ticked.answers["citizenship"] == "IN"


def test_reports_are_limited_per_client(settings) -> None:  # type: ignore[no-untyped-def]
    settings.REPORT_RATE = "2/h"
    table = PointsTable.objects.first()
    assert table is not None
    path = f"/report/points/{table.pk}/"
    client = Client(REMOTE_ADDR="203.0.113.20")
    statuses = [client.post(path, {"message": f"Report {n}"}).status_code for n in range(3)]
    assert statuses == [302, 302, 429]
    assert Report.objects.count() == 2
    # Invalid forms do not count, and another client has its own allowance.
    assert Client(REMOTE_ADDR="203.0.113.21").post(path, {"message": ""}).status_code == 200
    assert Client(REMOTE_ADDR="203.0.113.21").post(path, {"message": "x"}).status_code == 302


@pytest.mark.parametrize(
    "path", ["/report/figure/999999/", "/report/nonsense/1/", "/report/criterion/0/"]
)
def test_an_unknown_item_is_a_404(path: str) -> None:
    assert Client().get(path).status_code == 404


@pytest.mark.parametrize("back", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_the_thank_you_page_links_only_within_the_site(back: str) -> None:
    html = Client().get("/report/sent/", {"back": back}).content.decode()
    assert "evil" not in html
    assert "javascript" not in html
    assert 'href="/programs/"' in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reporting_in_a_browser_with_and_without_javascript(  # type: ignore[no-untyped-def]
    page, nojs_page, live_server, visa_content_live
) -> None:
    for tab, scripts in ((page, True), (nojs_page, False)):
        # axe-core runs as a script: it checks the pages in the tab with JavaScript on.
        check = assert_accessible if scripts else lambda tab, name: None
        tab.goto(live_server.url + "/programs/us-h1b/")
        tab.get_by_role("link", name=re.compile("Is this wrong or out of date")).first.click()
        assert tab.get_by_role("heading", level=1).text_content() == "Is this wrong or out of date?"
        check(tab, "report form")
        tab.get_by_role("button", name="Send the report").click()
        assert tab.title().startswith("Error:")
        check(tab, "report form with errors")
        tab.get_by_label("What is wrong or out of date?").fill("The page has moved.")
        tab.get_by_role("button", name="Send the report").click()
        assert tab.get_by_role("heading", level=1).text_content() == "Thank you for your report"
        check(tab, "report sent")
        tab.get_by_role("link", name="Go back to where you were").click()
        assert tab.url.endswith("/programs/us-h1b/")
    assert Report.objects.filter(message="The page has moved.").count() == 2
