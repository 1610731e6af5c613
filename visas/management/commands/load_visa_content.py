"""Load the reviewed content file into the database (idempotent; keeps advisers' edits)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from visas.services import ContentError, content_load

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "content" / "programs.toml"


class Command(BaseCommand):
    help = (
        "Create or update visa programs, criteria, figures, caveats and sources from the "
        "content file. Re-running updates rows, never duplicates them, and keeps rows an "
        "adviser edited since (unless --force)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=DEFAULT_FILE, help="A TOML file.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite rows an adviser edited with the file's version.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            with path.open("rb") as handle:
                data = tomllib.load(handle)
        except FileNotFoundError as error:
            raise CommandError(f"Content file not found: {path}") from error
        except tomllib.TOMLDecodeError as error:
            raise CommandError(f"{path} is not valid TOML: {error}") from error
        try:
            report = content_load(data=data, force=options["force"])
        except ContentError as error:
            raise CommandError(f"{path}: {error} Nothing was loaded.") from error
        for line in report.kept:
            self.stdout.write(self.style.WARNING(line))
        self.stdout.write(f"Visa content loaded from {path.name}: {report.summary()}")
