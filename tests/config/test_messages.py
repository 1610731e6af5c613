"""`makemessages` finds every user-facing string: templates, Python and the vocabulary."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

IGNORED = [".venv", "staticfiles", ".pgdata", "tests", "bench", "node_modules"]


def _msgids(po: Path) -> set[str]:
    text = po.read_text()
    # One msgid per entry; multi-line msgids start with an empty "" line.
    ids = set()
    for match in re.finditer(r'^msgid "(.*)"\n((?:".*"\n)*)', text, flags=re.M):
        continued = "".join(re.findall(r'^"(.*)"$', match.group(2), flags=re.M))
        ids.add(match.group(1) + continued)
    ids.discard("")
    return ids


@pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="makemessages needs GNU gettext (Debian: apt-get install gettext; .ci/run installs it)",
)
def test_makemessages_finds_every_user_facing_string(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(settings.BASE_DIR)
    with override_settings(LOCALE_PATHS=[tmp_path]):
        call_command("makemessages", locale=["xx"], ignore_patterns=IGNORED, verbosity=0)
    ids = _msgids(tmp_path / "xx" / "LC_MESSAGES" / "django.po")
    assert len(ids) >= 150
    for expected in (
        "What is your citizenship?",  # a question (forms)
        "You can apply",  # a verdict (visas/wording.py)
        "Estimated chance of being selected: about %(chance)s.",
        "Weighted lottery",  # a vocabulary label, marked with the no-op _
        "Vacated by a court",
        "How are applicants chosen, and your chance",  # a template
        "%(status)s since %(date)s: whether it applies today is unclear.",
    ):
        assert expected in ids, expected
