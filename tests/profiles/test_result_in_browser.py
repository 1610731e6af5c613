"""The result page in a real headless Chromium, JavaScript on and off: for each program, may
you apply (per route), how people are chosen and your chance, points where a table applies,
and every unclear item with its reason and legal status."""

from __future__ import annotations

import re

import pytest

from tests.conftest import assert_accessible
from tests.profiles.journey import US_MASTERS_ON_OPT

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("visa_content_live")]

# An OPT student whose US offer's wage level they do not know, with a general degree: the
# H-1B is possible (equivalent route unclear) and the chance is a range over wage levels.
UNSURE_OPT_STUDENT = [
    (slug, {"employer_type": "company", "wage_level": "unknown"} if slug == "us-offer" else data)
    for slug, data in US_MASTERS_ON_OPT
]
UNSURE_OPT_STUDENT = [
    (slug, {"degree_related": "general"} if slug == "degree-related" else data)
    for slug, data in UNSURE_OPT_STUDENT
]


def _post_journey(page, base: str) -> None:  # type: ignore[no-untyped-def]
    """Answer through the plain forms (works with JavaScript off as well as on)."""
    for slug, data in UNSURE_OPT_STUDENT:
        page.goto(f"{base}/check/{slug}/")
        for name, value in data.items():
            values = value if isinstance(value, list) else [value]
            for item in values:
                field = page.locator(f'[name="{name}"]').first
                kind = field.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
                if kind.startswith("select"):
                    field.select_option(str(item))
                elif kind in ("input:radio", "input:checkbox"):
                    page.locator(f'[name="{name}"][value="{item}"]').check()
                else:
                    field.fill(str(item))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_function(f"() => !location.pathname.endsWith('/check/{slug}/')")
    page.goto(f"{base}/check/answers/")
    page.get_by_role("button", name="See my result").click()
    page.wait_for_url(re.compile(r".*/r/[A-Za-z0-9_-]{43,}/$"))


def choose(page, keep: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Choose the compared programs with the form under "Choose the programs ..."."""
    page.locator("summary", has_text="Choose the programs to compare").click()
    for box in page.locator('input[name="programs"]').all():
        box.uncheck()
    for name in keep:
        page.get_by_label(name, exact=False).check()
    page.get_by_role("button", name="Update the comparison").click()


def _row(page, heading: str):  # type: ignore[no-untyped-def]
    return page.locator("table.compare tr").filter(
        has=page.get_by_role("rowheader", name=re.compile(heading))
    )


def _check_result(page) -> None:  # type: ignore[no-untyped-def]
    verdicts = _row(page, "^Can you apply").inner_text()
    assert "Degree in the job's specialty" in verdicts  # the H-1B's routes, one by one
    assert "Equivalent specialty experience" in verdicts
    assert "Graduate of a well-known institution" in verdicts  # the K visa's routes
    assert "You may be able to apply" in verdicts
    selection = _row(page, "^How are applicants chosen").inner_text()
    assert "Weighted lottery" in selection
    assert "between 15.29% and 61.16%" in selection  # wage level unknown: a range
    assert "not a certainty" in selection
    unclear = _row(page, "^Unclear or in doubt").text_content()  # one click away
    assert "Status unknown since 21 September 2026" in unclear  # the $100,000 payment
    assert "Vacated by a federal court" in unclear


def test_result_page_with_javascript(page, live_server) -> None:  # type: ignore[no-untyped-def]
    _post_journey(page, live_server.url)
    _check_result(page)
    assert_accessible(page, "result page")

    # The R visa is a column too (the strongest other route): its points test, whose rows
    # are not published, reads unclear, with the table one click away.
    points = _row(page, "^Points")
    assert "China's points system" in points.inner_text()
    points.get_by_text("Points, row by row").first.click()
    assert "pass mark 85 points" in points.inner_text()
    assert "The sources do not publish the points of each row." in points.inner_text()
    # Only the R visa, chosen with the form.
    choose(page, keep=["China R visa"])
    page.wait_for_url(re.compile(r".*programs=china-r-visa.*"))
    assert page.locator("table.compare > thead > tr > th").count() == 1
    assert_accessible(page, "result page with the R visa")


def test_result_page_without_javascript(nojs_page, live_server) -> None:  # type: ignore[no-untyped-def]
    """The same answers through plain forms give the same page (axe needs JavaScript, so the
    accessibility check runs in the test above, on the same markup)."""
    _post_journey(nojs_page, live_server.url)
    _check_result(nojs_page)
    choose(nojs_page, keep=["China R visa"])
    assert "pass mark 85 points" in _row(nojs_page, "^Points").text_content()
    assert nojs_page.locator("table.compare > thead > tr > th").count() == 1
