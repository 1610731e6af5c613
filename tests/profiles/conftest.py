"""Fixtures for the applicant journey: the real seed content, loaded by its own command."""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.fixture
def visa_content(db) -> None:  # type: ignore[no-untyped-def]
    call_command("load_visa_content", verbosity=0)


@pytest.fixture
def visa_content_live(transactional_db) -> None:  # type: ignore[no-untyped-def]
    call_command("load_visa_content", verbosity=0)
