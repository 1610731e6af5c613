"""Write every program, item and source as JSON (a backup `import_visa_content` restores)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from visas.services import content_export


class Command(BaseCommand):
    help = "Export all visa content as JSON to stdout or --output FILE."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="Write to this file instead of stdout.")

    def handle(self, *args: Any, **options: Any) -> None:
        text = json.dumps(content_export(), ensure_ascii=False, indent=2) + "\n"
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
            self.stderr.write(f"Visa content written to {options['output']}")
        else:
            self.stdout.write(text, ending="")
