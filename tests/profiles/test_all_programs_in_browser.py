"""Twelve programs in a real headless Chromium: two applicants walk the longer questionnaire
(JavaScript on, then off), change the compared programs and open the share link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible
from tests.profiles.journey import ENGINEER_IN_INDIA, US_MASTERS_WITH_AN_OFFER
from tests.profiles.test_journey_in_browser import answer

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("all_visa_content_live")]


def test_an_engineer_in_india_compares_twelve_programs(page, browser, live_server) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live_server.url + "/check/citizenship/")
    for slug, data in ENGINEER_IN_INDIA:
        if slug == "priorities":  # the last question, once the job offer is known
            count = len(ENGINEER_IN_INDIA)
            expect(page.get_by_text(f"Question {count} of {count}")).to_be_visible()
        answer(page, slug, data, check_a11y=slug in ("languages", "recognition", "savings"))
    page.wait_for_url("**/check/answers/")
    page.get_by_role("button", name="See my result").click()
    page.wait_for_url(re.compile(r".*/r/[A-Za-z0-9_-]{43,}/$"))
    assert_accessible(page, "result with twelve programs")

    # The first screen answers "which routes are open to me, and what is the catch?".
    overview = page.locator("section.overview")
    expect(overview.locator("li")).to_have_count(12)
    first = overview.locator("h3").first
    assert first.bounding_box()["y"] < 768
    expect(overview).to_contain_text("The catch:")

    # Four columns by default; choose two others without typing a URL.
    columns = page.locator("table.compare > thead > tr > th")
    expect(columns).to_have_count(4)
    page.get_by_text("Choose the programs to compare side by side").click()
    for box in page.locator('input[name="programs"]').all():
        box.uncheck()
    page.get_by_label("UK Global Talent").check()
    page.get_by_label("Japan Highly Skilled Professional (HSP)").check()
    page.get_by_role("button", name="Update the comparison").click()
    page.wait_for_url(re.compile(r".*programs=uk-global-talent.*"))
    expect(columns).to_have_count(2)
    expect(columns.first).to_contain_text("UK Global Talent")
    assert_accessible(page, "result with chosen columns")

    # Narrow screens scroll the table, not the page.
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > 392 && !e.parentElement.closest('.table-scroll'))
            .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right)"""
    )
    assert width <= 390 + 1, wide

    # The share link, in a fresh browser: the same overview, read-only.
    share_url = page.locator("#share-link").input_value()
    other = browser.new_context().new_page()
    other.goto(share_url)
    expect(other.locator("section.overview li")).to_have_count(12)
    expect(other.get_by_role("link", name=re.compile("Delete this result"))).to_have_count(0)
    other.context.close()


def test_a_us_masters_with_an_offer_without_javascript(nojs_page, live_server) -> None:  # type: ignore[no-untyped-def]
    page = nojs_page
    page.goto(live_server.url + "/check/citizenship/")
    for slug, data in US_MASTERS_WITH_AN_OFFER:
        answer(page, slug, data)
    page.wait_for_url("**/check/answers/")
    page.get_by_role("button", name="See my result").click()
    page.wait_for_url(re.compile(r".*/r/[A-Za-z0-9_-]{43,}/$"))
    overview = page.locator("section.overview")
    expect(overview).to_contain_text("US H-1B (specialty occupation): You can apply")
    expect(page.locator("table.compare")).to_contain_text("Your employer:")
    # Another currency, picked with the form (no JavaScript).
    page.locator("summary", has_text="Choose the programs to compare").click()
    page.get_by_label("Also show amounts in").select_option("EUR")
    page.get_by_role("button", name="Update the comparison").click()
    page.wait_for_url(re.compile(r".*currency=EUR.*"))
    expect(page.locator("table.compare")).to_contain_text("EUR) once")
