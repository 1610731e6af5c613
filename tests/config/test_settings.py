import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

PROBE = "import django; django.setup(); print('started')"


def run_with_env(**overrides: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", **overrides)
    return subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.django_db
def test_the_database_is_postgresql() -> None:
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")


def test_production_refuses_to_start_without_secret_key() -> None:
    result = run_with_env(DEBUG="false", ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "SECRET_KEY is missing" in result.stderr
    assert "started" not in result.stdout


def test_production_refuses_a_short_secret_key() -> None:
    result = run_with_env(DEBUG="false", SECRET_KEY="short", ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "shorter than 50 characters" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts() -> None:
    result = run_with_env(DEBUG="false", SECRET_KEY="x" * 20 + "y" * 20 + "z" * 20)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is empty" in result.stderr


def test_production_starts_with_its_settings() -> None:
    key = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789" * 2
    result = run_with_env(DEBUG="false", SECRET_KEY=key, ALLOWED_HOSTS="example.org")
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_static_files_use_whitenoise_manifest_storage() -> None:
    assert settings.STORAGES["staticfiles"]["BACKEND"].startswith("whitenoise.")
