"""The applicant journey in a real headless Chromium, with JavaScript on and off."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible
from tests.profiles.journey import INDIAN_STEM_GRADUATE, US_MASTERS_ON_OPT

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("visa_content_live")]


def fill(page, data: dict[str, object]) -> None:  # type: ignore[no-untyped-def]
    for name, value in data.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            field = page.locator(f'[name="{name}"]').first
            tag = field.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
            if tag.startswith("select"):
                field.select_option(str(item))
            elif tag == "input:checkbox" and item == "on":  # a lone box ("prefer not to say")
                field.check()
            elif tag in ("input:radio", "input:checkbox"):
                page.locator(f'[name="{name}"][value="{item}"]').check()
            else:
                field.fill(str(item))


def answer(page, slug: str, data: dict[str, object], *, check_a11y: bool = False) -> None:  # type: ignore[no-untyped-def]
    assert page.url.split("?")[0].endswith(f"/check/{slug}/"), page.url
    if check_a11y:
        assert_accessible(page, f"step {slug}")
    fill(page, data)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_function(f"() => !location.pathname.endsWith('/check/{slug}/')")


def test_whole_journey_with_javascript(page, live_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/check/")
    assert_accessible(page, "start page")
    page.get_by_role("button", name="Start now").click()
    page.wait_for_url("**/check/citizenship/")
    # Only the questions today's programs use (no languages or family).
    assert page.get_by_text("Question 1 of 11").is_visible()
    for slug, data in US_MASTERS_ON_OPT:
        answer(page, slug, data, check_a11y=True)
        if slug == "offer-details":
            # A US offer with a degree: how the degree relates to the job comes next.
            expect(page.get_by_text("Question 13 of 14")).to_be_visible()
        if slug == "citizenship":
            # htmx swapped the question region and pushed the new URL and title.
            assert page.url.endswith("/check/residence/")
            expect(page).to_have_title(re.compile(r"^Which country do you live in now\?"))
            page.wait_for_function("() => document.activeElement.tagName === 'H1'")
    page.wait_for_url("**/check/answers/")
    expect(page).to_have_title(re.compile("^Check your answers"))
    assert_accessible(page, "answers page")
    page.get_by_role("button", name="See my result").click()
    page.wait_for_url(re.compile(r".*/r/[A-Za-z0-9_-]{43,}/$"))
    assert page.get_by_role("heading", level=1).text_content() == "Your visa options compared"
    overview = page.locator("section.overview")
    expect(overview.locator("li", has_text="China K visa")).to_contain_text(
        "You may be able to apply"
    )
    expect(overview.locator("li", has_text="US H-1B")).to_contain_text("You can apply")
    expect(page.get_by_text("Estimated chance of being selected: about 30.58%")).to_be_visible()
    assert_accessible(page, "result page")


def test_back_forward_and_reload_keep_the_answers(page, live_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/check/citizenship/")
    for slug, data in INDIAN_STEM_GRADUATE[:3]:
        answer(page, slug, data)
    assert page.url.endswith("/check/degree/")
    page.go_back()
    page.wait_for_url("**/check/age/")
    expect(page.locator('input[name="age"]')).to_have_value("27")
    page.go_back()
    page.wait_for_url("**/check/residence/")
    expect(page.locator('select[name="residence"]')).to_have_value("IN")
    page.go_forward()
    page.wait_for_url("**/check/age/")
    expect(page.locator('input[name="age"]')).to_have_value("27")
    page.wait_for_load_state("load")
    page.reload()
    expect(page.locator('input[name="age"]')).to_have_value("27")
    page.get_by_role("link", name="Back").click()
    page.wait_for_url("**/check/residence/")
    expect(page.locator('select[name="residence"]')).to_have_value("IN")


def test_validation_error_moves_focus_to_the_summary(page, live_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/check/age/")
    page.locator('input[name="age"]').fill("two hundred")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    page.wait_for_function("() => document.activeElement.classList.contains('error-summary')")
    assert page.title().startswith("Error: How old are you?")
    assert_accessible(page, "age step with an error")
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.name") == "age"
    page.locator('input[name="age"]').fill("30")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/check/degree/")


def test_change_from_the_answers_page(page, live_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/check/citizenship/")
    for slug, data in INDIAN_STEM_GRADUATE:
        answer(page, slug, data)
    page.wait_for_url("**/check/answers/")
    page.get_by_role("link", name="Change age").click()
    page.wait_for_url("**/check/age/?change=1")
    page.locator('input[name="age"]').fill("33")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/check/answers/")
    assert page.locator("dl.summary-list").get_by_text("33 years").is_visible()


def test_share_link_in_a_fresh_browser_and_delete(page, browser, live_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/check/citizenship/")
    for slug, data in INDIAN_STEM_GRADUATE:
        answer(page, slug, data)
    page.get_by_role("button", name="See my result").click()
    page.wait_for_url(re.compile(r".*/r/.+/$"))
    share_url = page.locator("#share-link").input_value()
    assert share_url == page.url
    page.get_by_role("button", name="Copy link").click()
    page.get_by_text(re.compile("Link (copied|selected)")).wait_for()

    stranger = browser.new_context()
    try:
        other = stranger.new_page()
        other.goto(share_url)
        assert other.get_by_role("heading", level=1).text_content() == "Your visa options compared"
        assert other.get_by_role("link", name=re.compile("Delete this result")).count() == 0
        assert_accessible(other, "shared result")
    finally:
        stranger.close()

    page.get_by_role("link", name=re.compile("Delete this result")).click()
    assert_accessible(page, "delete confirmation")
    page.get_by_role("button", name="Yes, delete it").click()
    page.wait_for_url("**/check/")
    assert page.get_by_text("Your result and its link have been deleted.").is_visible()
    assert page.goto(share_url).status == 404


def test_whole_journey_without_javascript(nojs_page, live_server) -> None:  # type: ignore[no-untyped-def]
    page = nojs_page
    page.goto(live_server.url + "/check/")
    page.get_by_role("button", name="Start now").click()
    for slug, data in INDIAN_STEM_GRADUATE:
        if slug == "age":
            page.get_by_role("button", name="Continue").click()  # nothing entered: an error first
            assert page.title().startswith("Error: How old are you?")
            assert page.get_by_text("There is a problem").is_visible()
        answer(page, slug, data)
    page.wait_for_url("**/check/answers/")
    page.get_by_role("button", name="See my result").click()
    page.wait_for_url(re.compile(r".*/r/.+/$"))
    assert page.get_by_text("Not as things stand").first.is_visible()
    # Choosing the columns is a plain GET form.
    page.locator("summary", has_text="Choose the programs to compare").click()
    page.get_by_label("China K visa", exact=False).uncheck()
    page.get_by_role("button", name="Update the comparison").click()
    assert page.get_by_role("columnheader", name=re.compile("China R visa")).is_visible()
    assert page.get_by_role("columnheader", name=re.compile("China K visa")).count() == 0
