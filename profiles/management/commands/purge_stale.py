from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError

from profiles.services import (
    QUESTIONNAIRE_KEEP_DAYS,
    RESULT_KEEP_DAYS,
    questionnaires_remove_stale,
    results_remove_stale,
    sessions_remove_expired,
)


class Command(BaseCommand):
    help = (
        f"Remove shared results nobody has viewed for {RESULT_KEEP_DAYS} days, answers nobody "
        f"has touched for {QUESTIONNAIRE_KEEP_DAYS} days (--questionnaire-days) and expired "
        "sessions. Run it daily."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--questionnaire-days",
            type=int,
            default=QUESTIONNAIRE_KEEP_DAYS,
            help="Remove answers not updated for this many days "
            f"(default {QUESTIONNAIRE_KEEP_DAYS}).",
        )

    def handle(self, *args: object, **options: object) -> None:
        days = options["questionnaire_days"]
        if not isinstance(days, int) or days < 1:
            raise CommandError("Give --questionnaire-days as a whole number of days, at least 1.")
        results = results_remove_stale()
        questionnaires = questionnaires_remove_stale(keep_days=days)
        sessions_remove_expired()
        self.stdout.write(
            f"Removed {results} result(s) not viewed for {RESULT_KEEP_DAYS} days, "
            f"{questionnaires} questionnaire(s) not updated for {days} days, and expired "
            "sessions."
        )
