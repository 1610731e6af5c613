"""Fixtures for the applicant journey: the real content, loaded by its own command.

``visa_content`` loads the first three programs (the China K visa, the US H-1B and the China
R visa) with the exchange rates: the journey's mechanics are tested against them, so that
those tests do not change each time a program is added. ``all_visa_content`` loads every
content file (eleven programs), as the site runs."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.conftest import FIRST_THREE


@pytest.fixture
def visa_content(db) -> None:  # type: ignore[no-untyped-def]
    call_command("load_visa_content", *FIRST_THREE, verbosity=0)


@pytest.fixture
def visa_content_live(transactional_db) -> None:  # type: ignore[no-untyped-def]
    call_command("load_visa_content", *FIRST_THREE, verbosity=0)


@pytest.fixture
def all_visa_content(db) -> None:  # type: ignore[no-untyped-def]
    call_command("load_visa_content", verbosity=0)


@pytest.fixture
def all_visa_content_live(transactional_db) -> None:  # type: ignore[no-untyped-def]
    call_command("load_visa_content", verbosity=0)
