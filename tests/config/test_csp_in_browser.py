"""The Content Security Policy in a real Chromium: htmx and the admin work, nothing is blocked."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.conftest import FIRST_THREE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any page script, outside the page's policy: records every violation.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " blocked " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
def watched_page(page):  # type: ignore[no-untyped-def]
    """A page that collects CSP reports from the console and from violation events."""
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(RECORD_VIOLATIONS)
    page.csp_console = console
    return page


def violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [*page.csp_console, *page.evaluate("window.__cspViolations || []")]


def test_home_page_loads_htmx_with_no_csp_violation(watched_page, live_server) -> None:  # type: ignore[no-untyped-def]
    response = watched_page.goto(live_server.url + "/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    watched_page.wait_for_load_state("load")
    assert watched_page.evaluate("typeof window.htmx") == "object"
    assert watched_page.evaluate("htmx.config.allowEval") is False
    assert watched_page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert violations(watched_page) == []


def test_htmx_swap_works_under_csp(watched_page, live_server) -> None:  # type: ignore[no-untyped-def]
    call_command("load_visa_content", *FIRST_THREE, verbosity=0)
    watched_page.goto(live_server.url + "/check/")
    watched_page.get_by_role("button", name="Start now").click()
    watched_page.wait_for_url("**/check/citizenship/")
    # A full page load would drop this marker; an htmx swap keeps it.
    watched_page.evaluate("window.__noReload = true")
    watched_page.locator('[name="citizenship"]').first.select_option("IN")
    watched_page.get_by_role("button", name="Continue").click()
    watched_page.wait_for_url("**/check/residence/")
    heading = watched_page.get_by_role("heading", level=1)
    assert heading.text_content().strip().startswith("Which country do you live in")
    assert watched_page.evaluate("window.__noReload") is True, "the question was not swapped"
    assert violations(watched_page) == []


def test_admin_works_under_the_policy(watched_page, live_server, settings) -> None:  # type: ignore[no-untyped-def]
    user = get_user_model().objects.create_superuser("chief", "chief@example.org", "S3cure-pass!")
    admin_url = f"{live_server.url}/{settings.ADMIN_URL}"
    watched_page.goto(admin_url)
    watched_page.get_by_label("Username").fill("chief")
    watched_page.get_by_label("Password").fill("S3cure-pass!")
    watched_page.get_by_role("button", name="Log in").click()
    watched_page.wait_for_url(admin_url)
    watched_page.goto(f"{admin_url}auth/user/{user.pk}/change/")
    assert watched_page.get_by_role("heading", name="chief").is_visible()
    # The admin's own scripts ran: the date-time shortcuts are added by JavaScript.
    watched_page.locator(".datetimeshortcuts").first.wait_for()
    watched_page.goto(f"{admin_url}auth/user/")
    watched_page.get_by_role("link", name="chief").wait_for()
    assert violations(watched_page) == []


def test_admin_history_page_under_the_policy(watched_page, live_server, settings) -> None:  # type: ignore[no-untyped-def]
    """django-simple-history's list had an inline style; its override takes it from admin.css."""
    from visas.models import Program

    call_command("load_visa_content", *FIRST_THREE, verbosity=0)
    get_user_model().objects.create_superuser("chief", "chief@example.org", "S3cure-pass!")
    program = Program.objects.first()
    admin_url = f"{live_server.url}/{settings.ADMIN_URL}"
    watched_page.goto(admin_url)
    watched_page.get_by_label("Username").fill("chief")
    watched_page.get_by_label("Password").fill("S3cure-pass!")
    watched_page.get_by_role("button", name="Log in").click()
    watched_page.wait_for_url(admin_url)
    watched_page.goto(f"{admin_url}visas/program/{program.pk}/history/")
    watched_page.locator("#change-history").wait_for()
    watched_page.wait_for_load_state("load")
    assert violations(watched_page) == []
    # The paginator still sits flush under the table, as the inline style had it.
    paginator = watched_page.locator("#change-history + .paginator")
    assert paginator.evaluate("e => getComputedStyle(e).borderTopStyle") == "none"
