import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

PROBE = "import django; django.setup(); print('started')"


def run_with_env(**overrides: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", **overrides)
    env = {name: value for name, value in env.items() if value}  # "" removes a variable
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


def test_production_refuses_to_start_without_a_database() -> None:
    key = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789" * 2
    result = run_with_env(
        DEBUG="false",
        SECRET_KEY=key,
        ALLOWED_HOSTS="example.org",
        DATABASE_URL="",
        EMBEDDED_DATABASE="",
    )
    assert result.returncode != 0
    assert "DATABASE_URL is not set and DEBUG is off" in result.stderr
    assert "started" not in result.stdout


def test_production_may_ask_for_the_embedded_database_which_starts_only_when_used(
    tmp_path: Path,
) -> None:
    key = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789" * 2
    result = run_with_env(
        DEBUG="false",
        SECRET_KEY=key,
        ALLOWED_HOSTS="example.org",
        DATABASE_URL="",
        EMBEDDED_DATABASE="true",
        EMBEDDED_DATABASE_DIR=str(tmp_path / "pgdata"),
    )
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout
    assert not (tmp_path / "pgdata").exists()  # django.setup() connected to nothing


def test_static_files_use_whitenoise_manifest_storage() -> None:
    assert settings.STORAGES["staticfiles"]["BACKEND"].startswith("whitenoise.")
