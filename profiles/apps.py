from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "Applicant profiles and results"

    def ready(self) -> None:
        from profiles import checks  # noqa: F401  (registers the questions check)
