"""Malformed requests from anonymous visitors and advisers: a 4xx, never a 500."""

from __future__ import annotations

import io
import re
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client

from config.sessions import SessionStore, session_key_is_valid
from tests.conftest import FIRST_THREE
from visas.models import Program

pytestmark = pytest.mark.django_db

ADMIN = f"/{settings.ADMIN_URL}"
PASSWORD = "a-long-adviser-passphrase-42"
NUL_SESSION_KEY = "\x00" + "a" * 31  # long enough to pass Django's own length check


@pytest.fixture
def adviser_client(monkeypatch: pytest.MonkeyPatch) -> Client:
    """An adviser made with `createadviser`, signed in through the admin login page."""
    monkeypatch.setenv("ADVISER_PASSWORD", PASSWORD)
    call_command(
        "createadviser", "--username", "ada", "--email", "ada@example.org", stdout=io.StringIO()
    )
    client = Client()
    response = client.post(f"{ADMIN}login/?next={ADMIN}", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def content() -> None:
    call_command("load_visa_content", *FIRST_THREE, verbosity=0)


# --- Session cookies ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/check/", "/check/citizenship/", f"{ADMIN}login/"])
@pytest.mark.parametrize("key", [NUL_SESSION_KEY, "a" * 200, "ÄÖÜ" * 10, "AAAAAAAAAAAA"])
def test_a_session_cookie_django_never_issued_is_no_session(
    content: None, path: str, key: str
) -> None:
    response = Client().get(path, headers={"Cookie": f'sessionid="{key}"'})
    assert response.status_code == 200
    assert response.cookies.get("sessionid") is None or response.cookies["sessionid"].value != key


def test_a_real_session_key_still_works() -> None:
    store = SessionStore()
    store["answer"] = 42
    store.create()
    assert session_key_is_valid(store.session_key)
    assert SessionStore(store.session_key)["answer"] == 42
    assert SessionStore(NUL_SESSION_KEY).load() == {}
    assert not SessionStore().exists(NUL_SESSION_KEY)
    assert Session.objects.count() == 1


# --- Bodies on URLs that match no pattern ---------------------------------------------------

MANY_FIELDS = urlencode({f"f{i}": "x" for i in range(1_100)})
TOO_BIG = urlencode({"f": "x" * 2_700_000})
BROKEN_MULTIPART = b"--xyz\r\nContent-Disposition: form-data; name=\x00\r\n\r\nbroken"
BODIES = {
    "over 1,000 fields": (MANY_FIELDS, "application/x-www-form-urlencoded"),
    "over 2.5 MB": (TOO_BIG, "application/x-www-form-urlencoded"),
    "broken multipart": (BROKEN_MULTIPART, "multipart/form-data; boundary=xyz"),
    "multipart without boundary": (BROKEN_MULTIPART, "multipart/form-data"),
}


@pytest.mark.parametrize("body_kind", BODIES)
@pytest.mark.parametrize(
    "path",
    [
        "/no-such-page/",
        "/no-such-page",
        "/r/short/",
        f"{ADMIN}no-such-page/",
        "/check/citizenship/",
    ],
)
@pytest.mark.parametrize("csrf_checks", [False, True])
def test_oversized_or_malformed_posts_are_a_4xx(
    body_kind: str, path: str, csrf_checks: bool
) -> None:
    body, content_type = BODIES[body_kind]
    client = Client(enforce_csrf_checks=csrf_checks, raise_request_exception=True)
    client.cookies["csrftoken"] = "a" * 32
    response = client.generic("POST", path, body, content_type=content_type)
    # The admin sends anonymous visitors to its login page first.
    lowest = 300 if path.startswith(ADMIN) else 400
    assert lowest <= response.status_code < 500, (body_kind, path, response.status_code)


@pytest.mark.parametrize("length", ["abc", "-1", "1e3", "٣"])
@pytest.mark.parametrize("path", ["/admin/login/", "/no-such-page/", "/check/citizenship/"])
def test_a_content_length_that_is_not_a_number_is_a_400(length: str, path: str) -> None:
    client = Client(enforce_csrf_checks=True, raise_request_exception=True)
    client.cookies["csrftoken"] = "a" * 32
    response = client.generic(
        "POST",
        path,
        MANY_FIELDS,
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=length,
    )
    assert response.status_code == 400


# --- The advisers' admin --------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"{ADMIN}visas/criterion/?fact=%00",
        f"{ADMIN}visas/criterion/?q=a%00b",
        f"{ADMIN}visas/program/?q=%00",
        f"{ADMIN}autocomplete/?term=%00&app_label=visas&model_name=criterion&field_name=source",
        f"{ADMIN}visas/program/%00/change/",
    ],
)
def test_a_nul_byte_in_an_admin_query_is_a_400(
    adviser_client: Client, content: None, url: str
) -> None:
    assert adviser_client.get(url).status_code == 400


@pytest.mark.parametrize("history_id", ["abc", "1.5", "٣", "9" * 40, "-1"])
def test_a_non_numeric_history_id_is_a_404(
    adviser_client: Client, content: None, history_id: str
) -> None:
    program = Program.objects.first()
    assert program is not None
    response = adviser_client.get(f"{ADMIN}visas/program/{program.pk}/history/{history_id}/")
    assert response.status_code == 404
    response = adviser_client.get(f"{ADMIN}visas/program/abc/history/{history_id}/")
    assert response.status_code == 404


def test_a_real_history_record_still_opens(adviser_client: Client, content: None) -> None:
    program = Program.objects.first()
    assert program is not None
    record = program.history.first()  # type: ignore[attr-defined]
    response = adviser_client.get(f"{ADMIN}visas/program/{program.pk}/history/{record.pk}/")
    assert response.status_code == 200


def test_a_nul_byte_in_a_public_query_is_a_400(content: None) -> None:
    assert Client().get("/programs/?q=%00").status_code == 400
    assert Client().get("/programs/", {"x": "a\x00"}).status_code == 400


# --- The admin history page under the Content Security Policy ------------------------------


def test_the_history_page_has_no_inline_style(adviser_client: Client, content: None) -> None:
    program = Program.objects.first()
    assert program is not None
    response = adviser_client.get(f"{ADMIN}visas/program/{program.pk}/history/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html), re.findall(r".{0,40}\sstyle=.{0,40}", html)
    assert re.search(r'href="/static/css/admin\.[0-9a-f]+\.css"', html)
    assert "history-paginator" in html
