"""Fixtures for the visa knowledge base tests."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from visas.management.commands.load_visa_content import CONTENT_DIR, DEFAULT_FILE

ADVISER_PASSWORD = "a-long-adviser-passphrase-42"


FIRST_THREE = (DEFAULT_FILE, CONTENT_DIR / "rates.toml")


def load_files(*paths: Path) -> None:
    arguments = [part for path in paths for part in ("--file", str(path))]
    call_command("load_visa_content", *arguments, stdout=io.StringIO())


@pytest.fixture
def content(db: None) -> None:
    """The first three programs (China K, US H-1B, China R) with the exchange rates."""
    load_files(*FIRST_THREE)


@pytest.fixture
def all_content(db: None) -> None:
    """Every content file, loaded (as the site runs)."""
    call_command("load_visa_content", stdout=io.StringIO())


@pytest.fixture
def route_content(db: None, request: pytest.FixtureRequest) -> None:
    """The first three programs, the rates and the test module's own content files
    (``CONTENT_FILES``, names in visas/content/): quicker than every file."""
    load_files(*FIRST_THREE, *(CONTENT_DIR / name for name in request.module.CONTENT_FILES))


@pytest.fixture
def adviser(db: None, monkeypatch: pytest.MonkeyPatch) -> User:
    """An adviser made the way the docs say: `createadviser`."""
    monkeypatch.setenv("ADVISER_PASSWORD", ADVISER_PASSWORD)
    call_command(
        "createadviser", "--username", "ada", "--email", "ada@example.org", stdout=io.StringIO()
    )
    user = User.objects.get(username="ada")
    user.first_name, user.last_name = "Ada", "Adviser"
    user.save()
    return user
