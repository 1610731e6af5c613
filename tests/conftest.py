"""Fixtures shared by every test: a real PostgreSQL (pytest-django) and a real Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser_path import HOW_TO_GET_ONE, chromium_path

# Playwright's sync API runs an event loop in the test thread; Django's ORM would refuse to
# run beside it. The tests use the ORM only for setting up and checking data.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _serve_unchanged(application):  # type: ignore[no-untyped-def]
    return application


@pytest.fixture(scope="session")
def live_server() -> Iterator[object]:
    """pytest-django's live server, its static files served by WhiteNoise as in production.

    Its default static handler looks hashed file names up in the source folders and answers
    404, so pages would load without their CSS and JavaScript.
    """
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost", start=False)
    server.thread.static_handler = _serve_unchanged
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the session; a missing browser fails, never skips."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        pytest.fail(HOW_TO_GET_ONE, pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def context(browser):  # type: ignore[no-untyped-def]
    """A fresh browser profile (cookies, storage) with JavaScript on."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def page(context):  # type: ignore[no-untyped-def]
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def nojs_page(browser):  # type: ignore[no-untyped-def]
    """A page in a fresh profile with JavaScript turned off."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


_axe = Axe()


def assert_accessible(page, name: str = "") -> None:  # type: ignore[no-untyped-def]
    """Run axe-core on the page; fail on any serious or critical violation."""
    results = _axe.run(page)
    bad = [
        violation
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    detail = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in bad
    )
    assert not bad, (
        f"axe-core found serious or critical violations on {name or page.url}:\n{detail}"
    )


@pytest.fixture(scope="session", autouse=True)
def collected_static(django_db_blocker) -> None:  # type: ignore[no-untyped-def]
    """Build the hashed, compressed static files once, as `collectstatic` does in production."""
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)


@pytest.fixture(autouse=True)
def _fresh_page_cache() -> None:
    """Each test starts with no rendered pages and no rules kept: keys such as a program's
    slug and revision repeat from one test database to the next."""
    from django.core.cache import caches

    from visas import selectors

    caches["pages"].clear()
    selectors._RULES_BY_REVISIONS.clear()


# Arguments of load_visa_content for the first three programs (China K, US H-1B, China R)
# with the exchange rates: what most tests need, and quicker to load than every file.
FIRST_THREE = (
    "--file",
    str(Path(__file__).resolve().parents[1] / "visas" / "content" / "programs.toml"),
    "--file",
    str(Path(__file__).resolve().parents[1] / "visas" / "content" / "rates.toml"),
)
