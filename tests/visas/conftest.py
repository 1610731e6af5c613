"""Fixtures for the visa knowledge base tests."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

ADVISER_PASSWORD = "a-long-adviser-passphrase-42"


@pytest.fixture
def content(db: None) -> None:
    """The reviewed content file, loaded."""
    call_command("load_visa_content", stdout=io.StringIO())


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
