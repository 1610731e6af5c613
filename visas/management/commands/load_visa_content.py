"""Load the reviewed content files into the database (idempotent; keeps advisers' edits)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from visas.services import ContentError, content_load

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"
# The first three programs and the sources they cite; the other files add programs by country.
DEFAULT_FILE = CONTENT_DIR / "programs.toml"


def content_files() -> list[Path]:
    """Every content file, in name order (programs.toml first: later files may cite its
    sources)."""
    return sorted(CONTENT_DIR.glob("*.toml"), key=lambda path: (path != DEFAULT_FILE, path.name))


def content_read(paths: list[Path]) -> dict[str, Any]:
    """The content files as one: their sources, programs and exchange rates together.

    A source key given by two files is an error, so that no file silently replaces another's
    source."""
    merged: dict[str, Any] = {"sources": {}, "programs": [], "rates": []}
    origin: dict[str, str] = {}
    for path in paths:
        try:
            with path.open("rb") as handle:
                data = tomllib.load(handle)
        except FileNotFoundError as error:
            raise CommandError(f"Content file not found: {path}") from error
        except tomllib.TOMLDecodeError as error:
            raise CommandError(f"{path} is not valid TOML: {error}") from error
        unknown = sorted(set(data) - set(merged))
        if unknown:
            raise CommandError(
                f"{path}: unknown top-level table(s) {', '.join(unknown)}; a content file "
                "has [sources], [[programs]] and [[rates]]. Nothing was loaded."
            )
        for key, source in data.get("sources", {}).items():
            if key in origin:
                raise CommandError(
                    f"{path}: the source {key!r} is already given in {origin[key]}; cite it "
                    "from there instead. Nothing was loaded."
                )
            origin[key] = path.name
            merged["sources"][key] = source
        merged["programs"] += data.get("programs", [])
        merged["rates"] += data.get("rates", [])
    return merged


class Command(BaseCommand):
    help = (
        "Create or update visa programs, criteria, figures, caveats and sources from the "
        "content file. Re-running updates rows, never duplicates them, and keeps rows an "
        "adviser edited since (unless --force)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            action="append",
            help="A TOML content file (repeat for several). Default: every file in visas/content/.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite rows an adviser edited with the file's version.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["file"] or content_files()
        data = content_read(paths)
        names = ", ".join(path.name for path in paths)
        try:
            report = content_load(data=data, force=options["force"])
        except ContentError as error:
            raise CommandError(f"{names}: {error} Nothing was loaded.") from error
        for line in report.kept:
            self.stdout.write(self.style.WARNING(line))
        self.stdout.write(f"Visa content loaded from {names}: {report.summary()}")
