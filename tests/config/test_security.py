"""Security settings as production runs them: headers, cookies, `check --deploy`, admin path,
and error reports that carry no answers."""

from __future__ import annotations

import json
import logging
import os
import secrets
import subprocess
import sys
from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.views.debug import ExceptionReporter

from config.reporting import NoPersonalDataExceptionReporterFilter, RedactResultLinks
from tests.conftest import FIRST_THREE
from tests.profiles.journey import INDIAN_STEM_GRADUATE

TEST_ONLY_VARIABLES = (
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def production_env(**overrides: str) -> dict[str, str]:
    """The environment of a real deployment: DEBUG off and no test relaxations."""
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="visas.example.org,testserver",
        **overrides,
    )
    return env


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=settings.BASE_DIR,
    )


def test_check_deploy_prints_no_warning() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


PRODUCTION_RESPONSE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client()
plain = client.get("/")
secure = client.get("/", secure=True)
print(json.dumps({
    "redirect": [plain.status_code, plain.get("Location", "")],
    "headers": {k.lower(): v for k, v in secure.headers.items()},
    "settings": {name: getattr(settings, name) for name in (
        "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY", "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT")},
}))
"""


def test_production_defaults_send_every_security_header() -> None:
    result = run_python(PRODUCTION_RESPONSE)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["redirect"] == [301, "https://testserver/"]
    headers = report["headers"]
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert report["settings"] == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_SSL_REDIRECT": True,
    }


@pytest.mark.django_db
def test_every_page_sends_the_strict_content_security_policy(client: Client) -> None:
    policy = client.get("/")["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split("; ")}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert "unsafe" not in policy
    assert client.get("/no-such-page/")["Content-Security-Policy"] == policy


@pytest.mark.django_db
def test_pages_have_no_inline_script_or_style(client: Client) -> None:
    html = client.get("/").content.decode()
    assert "<style" not in html
    assert " style=" not in html
    for tag in html.split("<script")[1:]:
        assert " src=" in tag.split(">", 1)[0], "inline <script> would be blocked by the CSP"


@pytest.mark.django_db
def test_cookies_are_secure_and_http_only(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    response = client.get(f"/{settings.ADMIN_URL}login/", secure=True)
    cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


ADMIN_PATH = """
import django
django.setup()
from django.test import Client
from django.urls import reverse
print(reverse("admin:index"), Client().get("/admin/", secure=True).status_code)
"""


def test_admin_path_comes_from_admin_url() -> None:
    result = run_python(ADMIN_PATH, ADMIN_URL="/advisers-only-7f3a/")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["/advisers-only-7f3a/", "404"]


# Built at run time: the report quotes source lines, which must not count as a leak.
PRIVATE = "-".join(["IN", "PRIVATE", "ANSWER"])


def _report_for(request) -> str:  # type: ignore[no-untyped-def]
    def view_with_answers(answers: dict[str, str]) -> None:
        raise ValueError("boom")

    try:
        view_with_answers({"citizenship": PRIVATE})
    except ValueError:
        info = sys.exc_info()
    reporter = ExceptionReporter(request, *info)
    return reporter.get_traceback_html()


def test_error_reports_hide_answers_cookies_and_local_variables(settings) -> None:  # type: ignore[no-untyped-def]
    assert settings.DEFAULT_EXCEPTION_REPORTER_FILTER.endswith(
        NoPersonalDataExceptionReporterFilter.__name__
    )
    request = RequestFactory().post(
        "/check/citizenship/", {"citizenship": PRIVATE, "age": PRIVATE + "-27"}
    )
    request.COOKIES["sessionid"] = PRIVATE + "-SESSION"
    report = _report_for(request)
    assert "boom" in report
    assert "citizenship" in report  # the field names stay, for debugging
    assert PRIVATE not in report


def test_log_lines_do_not_carry_result_tokens() -> None:
    token = secrets.token_urlsafe(32)
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", (f"/r/{token}/",), None
    )
    assert RedactResultLinks().filter(record)
    assert record.getMessage() == "Not Found: /r/<token>/"


def test_gunicorn_access_log_has_no_tokens_and_no_query_strings() -> None:
    from gunicorn.config import Config

    from config import gunicorn as conf

    assert "%(q)s" not in conf.access_log_format
    assert "%(r)s" not in conf.access_log_format
    token = secrets.token_urlsafe(32)
    logger = conf.RedactingLogger(Config())
    request = SimpleNamespace(
        headers=[],
        method="GET",
        path=f"/r/{token}/",
        query="programs=x",
        version=(1, 1),
        uri=f"/r/{token}/?programs=x",
    )
    response = SimpleNamespace(status="200 OK", headers=[], sent=10, response_length=10)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": request.uri,
        "PATH_INFO": request.path,
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=5))
    assert atoms["U"] == "/r/<token>/"
    assert token not in atoms["r"]


def test_the_trusted_proxy_count_comes_from_the_environment() -> None:
    """One setting (TRUSTED_PROXY_COUNT, default 0) decides the client address for both the
    result-creation limit and the login lock-outs, which lock a user name per address."""
    probe = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.NUM_PROXIES, settings.AXES_CLIENT_IP_CALLABLE, "
        "settings.AXES_LOCKOUT_PARAMETERS)"
    )
    env = production_env()
    for name in ("TRUSTED_PROXY_COUNT", "NUM_PROXIES"):
        env.pop(name, None)
    default = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=settings.BASE_DIR,
    )
    assert default.returncode == 0, default.stderr
    assert default.stdout.split()[0] == "0"
    assert "config.ratelimit.client_ip" in default.stdout
    assert "[['username', 'ip_address']]" in default.stdout
    behind_two = run_python(probe, TRUSTED_PROXY_COUNT="2")
    assert behind_two.stdout.split()[0] == "2", behind_two.stderr


FORWARDED_PROTO = """
import django
django.setup()
from django.conf import settings
from django.test import Client
response = Client().get("/", HTTP_X_FORWARDED_PROTO="https")
print(settings.SECURE_PROXY_SSL_HEADER is not None, response.status_code)
"""


@pytest.mark.parametrize(
    ("proxy_env", "trusted"),
    [
        pytest.param({}, False, id="no-proxy"),
        pytest.param({"TRUSTED_PROXY_COUNT": "1"}, True, id="behind-one-proxy"),
        pytest.param({"TRUST_X_FORWARDED_PROTO": "true"}, True, id="flag"),
        pytest.param(
            {"TRUSTED_PROXY_COUNT": "1", "TRUST_X_FORWARDED_PROTO": "false"}, False, id="opt-out"
        ),
    ],
)
def test_forwarded_proto_is_trusted_only_when_a_proxy_sets_it(
    proxy_env: dict[str, str], trusted: bool
) -> None:
    env = production_env(**proxy_env)
    for name in ("TRUSTED_PROXY_COUNT", "NUM_PROXIES", "TRUST_X_FORWARDED_PROTO"):
        if name not in proxy_env:
            env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-c", FORWARDED_PROTO],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stderr
    # Untrusted, a client's "X-Forwarded-Proto: https" over plain HTTP is still redirected.
    assert result.stdout.split() == [str(trusted), "200" if trusted else "301"]


@pytest.mark.django_db
def test_result_and_delete_pages_are_never_stored(client: Client) -> None:
    call_command("load_visa_content", *FIRST_THREE, verbosity=0)
    for slug, data in INDIAN_STEM_GRADUATE:
        assert client.post(f"/check/{slug}/", data).status_code == 302, slug
    result_url = client.post("/check/answers/")["Location"]
    fresh = client.get(result_url, HTTP_ACCEPT_ENCODING="gzip")
    # Served from the page cache (stored gzip bodies), nothing rendered again.
    with mock.patch("profiles.views.render", side_effect=AssertionError("rendered again")):
        cached = client.get(result_url, HTTP_ACCEPT_ENCODING="gzip")
        plain = client.get(result_url)
    assert cached.status_code == plain.status_code == 200
    assert cached["Content-Encoding"] == "gzip"
    delete_page = client.get(f"{result_url}delete/")
    deleted = client.post(f"{result_url}delete/")
    assert deleted.status_code == 302
    for response in (fresh, cached, plain, delete_page, deleted):
        assert response["Cache-Control"] == "private, no-store"
