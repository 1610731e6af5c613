"""Restore a JSON backup written by `export_visa_content` (upsert by keys)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from visas.services import ContentError, content_import


class Command(BaseCommand):
    help = "Restore visa content from a JSON backup made by export_visa_content."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise CommandError(f"Backup file not found: {path}") from error
        except json.JSONDecodeError as error:
            raise CommandError(f"{path} is not valid JSON: {error}") from error
        try:
            report = content_import(data=data)
        except ContentError as error:
            raise CommandError(f"{path}: {error} Nothing was restored.") from error
        self.stdout.write(f"Visa content restored from {path.name}: {report.summary()}")
