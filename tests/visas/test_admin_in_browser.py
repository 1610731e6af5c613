"""An adviser updates the H-1B selection rate with a new source; the public page shows it."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from tests.conftest import assert_accessible
from tests.visas.conftest import ADVISER_PASSWORD
from visas.models import KeyFigure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def loaded_content_and_adviser() -> User:
    """The flush between transactional tests removes migration data: make what we need."""
    call_command("load_visa_content", stdout=io.StringIO())
    if not Group.objects.filter(name="Immigration advisers").exists():
        call_command("migrate", "visas", "0002", verbosity=0)
        call_command("migrate", "visas", verbosity=0)
    user = User(username="ada", is_staff=True)
    user.set_password(ADVISER_PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name="Immigration advisers"))
    return user


def test_an_adviser_changes_the_selection_rate_and_the_public_page_shows_it(  # type: ignore[no-untyped-def]
    page, live_server, loaded_content_and_adviser
) -> None:
    page.goto(live_server.url + "/admin/")
    assert "/admin/login/" in page.url
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(ADVISER_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/$"))

    # A new source first.
    page.goto(live_server.url + "/admin/visas/source/add/")
    page.get_by_label("Title").fill("H-1B cap season statistics, FY2026 (update)")
    page.get_by_label("Publisher").fill("US Citizenship and Immigration Services")
    page.get_by_label("Url").fill("https://example.org/h1b-fy2026-update")
    page.get_by_label("Accessed on").fill("2026-11-24")
    page.get_by_label("Is official").check()
    page.locator("input[name=_save]").click()
    page.wait_for_url(re.compile(r"/admin/visas/source/$"))

    # Then the FY2026 selection-rate figure.
    figure = KeyFigure.objects.get(content_key="h1b-selection-rate-fy2026")
    page.goto(live_server.url + f"/admin/visas/keyfigure/{figure.pk}/change/")
    page.locator("#id_value").fill("35.4")
    page.locator("#id_value_text").fill("about 35.4% (revised)")
    page.locator("#id_more_sources").locator("xpath=..").locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("cap season statistics")
    page.locator(".select2-results__option", has_text="FY2026 (update)").click()
    page.locator("input[name=_save]").click()
    page.wait_for_url(re.compile(r"/admin/visas/keyfigure/$"))

    page.goto(live_server.url + "/programs/us-h1b/")
    item = page.locator("#figures-heading ~ .item", has_text="Lottery selection rate, per person")
    assert item.count() == 1
    assert "about 35.4% (revised) (FY2026)" in item.inner_text()
    # The sources are folded away until the reader opens them.
    sources = item.locator("details")
    assert not sources.locator("ul").is_visible()
    sources.locator("summary").click()
    assert "Sources (3)" in sources.locator("summary").inner_text()
    listed = sources.locator("ul").inner_text()
    assert "H-1B cap season statistics, FY2026 (update)" in listed
    assert "Read on 24 November 2026." in listed


def test_program_pages_are_accessible(page, live_server) -> None:  # type: ignore[no-untyped-def]
    call_command("load_visa_content", stdout=io.StringIO())
    page.goto(live_server.url + "/programs/")
    assert_accessible(page, "program list")
    for slug in ("china-k-visa", "us-h1b", "china-r-visa"):
        page.goto(live_server.url + f"/programs/{slug}/")
        assert page.get_by_role("heading", level=1).count() == 1
        assert_accessible(page, slug)
