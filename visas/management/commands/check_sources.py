"""Check every source's web address: broken, unreachable, moved or changed since last time."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from visas import source_checks
from visas.source_checks import sources_check


def _concurrency(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(f"give a whole number from 1 to 64, not {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0
    if not 0 < value <= 300:
        raise argparse.ArgumentTypeError(f"give seconds above 0, at most 300, not {text!r}")
    return value


class Command(BaseCommand):
    help = (
        "Fetch every source's web address and record on each source whether it is ok, "
        "broken, unreachable, moved (permanent redirect) or changed (its content differs from "
        "the last reviewed version). Flags show in the admin. Exits 0 whatever the sources' "
        "state (unless --fail-on-broken); non-zero only when the check itself could not run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--concurrency",
            type=_concurrency,
            default=source_checks.DEFAULT_CONCURRENCY,
            help="Addresses fetched at the same time, 1 to 64 (default %(default)s).",
        )
        parser.add_argument(
            "--timeout",
            type=_seconds,
            default=source_checks.DEFAULT_TIMEOUT,
            help="Seconds to wait for a server to connect and for each part of its answer "
            f"(default %(default)s); a whole download is cut after "
            f"{source_checks.WHOLE_FETCH_TIMEOUTS} times this.",
        )
        parser.add_argument(
            "--fail-on-broken",
            action="store_true",
            help="Exit with status 1 when any source is broken or unreachable (for schedules "
            "that alert on a failed job).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = sources_check(concurrency=options["concurrency"], timeout=options["timeout"])
        for source, check in report.flagged:
            where = check.url
            if check.final_url and check.final_url != check.url:
                where += f" -> {check.final_url}"
            reason = " ".join(
                part
                for part in (f"HTTP {check.http_status}" if check.http_status else "", check.detail)
                if part
            )
            line = f"{check.status:<12} {source.title} ({source.publisher}): {where}"
            self.stdout.write(self.style.WARNING(line + (f" [{reason}]" if reason else "")))
        self.stdout.write(report.summary())
        if report.flagged:
            self.stdout.write(
                "Flagged sources show in the admin's source list (filter “Check”) and on the "
                "facts citing them; mark changes reviewed there."
            )
        if options["fail_on_broken"] and report.unavailable:
            raise CommandError(f"{report.unavailable} source(s) broken or unreachable.")
