import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import override_script_prefix
from pytest_django.fixtures import Settings

from tests.conftest import FIRST_THREE
from tests.pseudo_locale import pseudo_translations


@pytest.mark.django_db
def test_home_says_what_the_service_does(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert 'href="#main"' in html
    assert 'id="main"' in html
    assert "K visa" in html
    assert "H-1B" in html
    assert 'href="/check/"' in html
    assert 'href="/programs/"' in html


@pytest.mark.django_db
def test_healthz_is_ok_when_the_database_answers(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True)
def test_healthz_answers_plain_http_when_everything_else_redirects_to_https(
    client: Client,
) -> None:
    assert client.get("/healthz").status_code == 200  # load balancers probe over plain HTTP
    home = client.get("/")
    assert home.status_code == 301
    assert home["Location"] == "https://testserver/"
    assert client.get("/healthz/").status_code == 301  # only the health check itself


@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_when_the_database_is_unreachable(client: Client) -> None:
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT="1")  # nothing listens there
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    assert response["Retry-After"] == "10"
    assert client.get("/healthz").status_code == 200  # and it heals once the database is back


@pytest.mark.django_db
def test_static_files_are_served_by_whitenoise_with_far_future_cache(client: Client) -> None:
    html = client.get("/").content.decode()
    css = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html)
    assert css, "the stylesheet URL should carry a content hash"
    response = client.get(css.group(1), HTTP_ACCEPT_ENCODING="gzip, br")
    assert response.status_code == 200
    assert "max-age=31536000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
    assert response["Content-Encoding"] in ("br", "gzip")
    response.close()


@pytest.mark.django_db
def test_unknown_page_is_a_404_in_the_site_style(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "skip-link" in response.content.decode()


def _current_link(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page">', html)


@pytest.mark.django_db
def test_the_kept_site_header_marks_the_section_of_each_page(client: Client) -> None:
    call_command("load_visa_content", *FIRST_THREE, verbosity=0)
    for _ in range(2):  # rendered, then kept
        assert _current_link(client.get("/check/").content.decode()) == ["/check/"]
        assert _current_link(client.get("/check/citizenship/").content.decode()) == ["/check/"]
        assert _current_link(client.get("/programs/").content.decode()) == ["/programs/"]
        assert _current_link(client.get("/").content.decode()) == []


@pytest.mark.django_db
def test_the_kept_site_header_follows_the_language_and_the_url_prefix(
    client: Client, settings: Settings
) -> None:
    settings.LANGUAGES = [("en", "English"), ("fr", "Français")]
    with pseudo_translations(["fr"]):
        for _ in range(2):
            french = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
            assert "⟦Visa programs⟧" in french
            assert "⟦Skip to main content⟧" in french
            english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
            assert ">Visa programs<" in english
            assert "⟦" not in english
    with override_script_prefix("/navigator/"):
        mounted = client.get("/").content.decode()
    assert 'href="/navigator/programs/"' in mounted
    assert 'href="/programs/"' in client.get("/").content.decode()
