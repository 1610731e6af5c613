import pytest

from tests.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_in_a_real_browser(page, live_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/")
    assert page.title().startswith("Compare talent-visa routes")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    assert_accessible(page, "home")


def test_home_and_404_work_without_javascript(nojs_page, live_server) -> None:  # type: ignore[no-untyped-def]
    nojs_page.goto(live_server.url + "/")
    nojs_page.get_by_role("button", name="Start now").click()
    assert nojs_page.url.endswith("/check/")
    response = nojs_page.goto(live_server.url + "/nowhere/")
    assert response.status == 404
    assert nojs_page.get_by_role("heading", level=1).text_content() == "Page not found"


def test_404_page_is_accessible(page, live_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/nowhere/")
    assert_accessible(page, "404")
