from django.core.management.base import BaseCommand

from profiles.services import RESULT_KEEP_DAYS, results_remove_stale


class Command(BaseCommand):
    help = (
        f"Remove shared results nobody has viewed for {RESULT_KEEP_DAYS} days. Kept for old "
        "cron entries: `purge_stale` does this and removes abandoned answers and sessions."
    )

    def handle(self, *args: object, **options: object) -> None:
        removed = results_remove_stale()
        self.stdout.write(f"Removed {removed} result(s) not viewed for {RESULT_KEEP_DAYS} days.")
