from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError

from profiles.services import regression_profiles_check


class Command(BaseCommand):
    help = (
        "Evaluate every regression profile against the published content and print each "
        "verdict that differs from the one expected. Exits non-zero on any unexpected verdict, "
        "so it can run on a schedule."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("names", nargs="*", help="Only these profiles (by name).")

    def handle(self, *args: object, **options: object) -> None:
        from profiles.models import RegressionProfile

        names = list(options["names"])  # type: ignore[call-overload]
        profiles = RegressionProfile.objects.all()
        if names:
            profiles = profiles.filter(name__in=names)
            missing = sorted(set(names) - set(profiles.values_list("name", flat=True)))
            if missing:
                raise CommandError(f"No regression profile named: {', '.join(missing)}.")
        checks = regression_profiles_check(profiles=profiles)
        failed = 0
        for check in checks:
            if not check.differences:
                self.stdout.write(f"OK    {check.profile.name}")
                continue
            failed += check.failed
            self.stdout.write(f"{'FAIL' if check.failed else 'NOTE'}  {check.profile.name}")
            for difference in check.differences:
                expected = difference.expected.value if difference.expected else "no expectation"
                actual = difference.actual.value if difference.actual else "no such program"
                self.stdout.write(f"      {difference.slug}: expected {expected}, now {actual}")
        self.stdout.write(f"{len(checks)} profile(s) checked, {failed} with unexpected verdicts.")
        if failed:
            raise CommandError(f"{failed} profile(s) have unexpected verdicts.")
