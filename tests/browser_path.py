"""Find a Chromium for the browser tests; print its path, or say how to get one and exit 1."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

HOW_TO_GET_ONE = (
    "No Chromium found for the browser tests. Install Debian's package "
    "(`sudo apt-get install chromium`), or let Playwright fetch its own "
    "(`.venv/bin/python -m playwright install chromium`), or set CHROMIUM_PATH."
)


def chromium_path() -> str | None:
    """CHROMIUM_PATH, then the system's chromium, then the browser Playwright installed."""
    candidates = [os.environ.get("CHROMIUM_PATH", ""), "/usr/bin/chromium"]
    candidates += [shutil.which(name) or "" for name in ("chromium", "chromium-browser")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    cache = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH", Path.home() / ".cache/ms-playwright"))
    for found in sorted(cache.glob("chromium*/chrome-linux*/chrome"), reverse=True):
        return str(found)
    return None


if __name__ == "__main__":
    path = chromium_path()
    if path is None:
        print(HOW_TO_GET_ONE, file=sys.stderr)
        sys.exit(1)
    print(path)
