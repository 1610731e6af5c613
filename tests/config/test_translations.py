"""The interface is translatable: rendered in a pseudo-locale that wraps every translated
message as ⟦…⟧ (tests/pseudo_locale.py), a page shows no other text than content from the
database, the applicant's own answers, numbers and punctuation.

To cover another page, add a ``Visit`` to ``PAGES`` (or ``RESULT_AND_PROGRAM_PAGES``): the
path, what to post first (``journey``), whether to confirm the answers into a result first
(``make_result``, whose token fills ``{token}`` in the path), and any text to allow.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy, ngettext, npgettext, pgettext
from pytest_django.fixtures import Settings

from tests.conftest import FIRST_THREE
from tests.profiles.journey import INDIAN_STEM_GRADUATE, US_MASTERS_ON_OPT
from tests.pseudo_locale import (
    assert_fully_translated,
    content_texts,
    pseudo_translations,
    untranslated_chunks,
    visible_text_chunks,
)

Journey = tuple[tuple[str, dict[str, object]], ...]


@dataclass(frozen=True)
class Visit:
    """How to reach one page, and what may show on it untranslated."""

    path: str  # "{token}" stands for the result made by make_result
    method: str = "get"
    data: dict[str, object] = field(default_factory=dict)
    journey: Journey = ()  # answers posted first, step by step
    make_result: bool = False  # then confirm them, making a result
    follow: bool = False
    htmx: bool = False
    status: int = 200
    allowed: tuple[str, ...] = ()  # e.g. text the applicant typed


# Lives in the US with a US offer: every step that the loaded programs use applies.
ALL_STEPS = tuple(US_MASTERS_ON_OPT)
GRADUATE = tuple(INDIAN_STEM_GRADUATE)

PAGES = [
    pytest.param(Visit("/"), id="home"),
    pytest.param(Visit("/check/"), id="start"),
    pytest.param(Visit("/check/", journey=GRADUATE[:2]), id="start-with-answers"),
    *(
        pytest.param(Visit(f"/check/{slug}/", journey=ALL_STEPS), id=f"step-{slug}")
        for slug, _ in ALL_STEPS
    ),
    pytest.param(Visit("/check/citizenship/", method="post"), id="step-error-choice"),
    pytest.param(Visit("/check/age/", method="post", data={"age": "old"}), id="step-error-number"),
    pytest.param(
        Visit("/check/age/", method="post", data={"age": "30", "age_unknown": "on"}),
        id="step-error-both",
    ),
    pytest.param(
        Visit("/check/age/", method="post", data={"age": "old"}, htmx=True),
        id="step-error-htmx",
    ),
    pytest.param(
        Visit("/check/priorities/", method="post", data={"priorities": ["fame"]}),
        id="step-error-checkboxes",
    ),
    pytest.param(
        Visit("/check/answers/", method="post", journey=GRADUATE[:3], follow=True),
        id="step-with-message",
    ),
    pytest.param(Visit("/check/answers/", journey=GRADUATE), id="answers"),
    pytest.param(Visit("/check/answers/", journey=ALL_STEPS), id="answers-us"),
    pytest.param(Visit("/check/answers/", journey=GRADUATE[:5]), id="answers-incomplete"),
    pytest.param(Visit("/check/answers/", journey=GRADUATE, htmx=True), id="answers-htmx"),
    pytest.param(Visit("/programs/"), id="program-list"),
    pytest.param(Visit("/no-such-page/", status=404), id="not-found"),
    pytest.param(Visit("/check/us-offer/", status=404), id="question-not-applicable"),
    pytest.param(
        Visit("/r/{token}/delete/", journey=GRADUATE, make_result=True), id="result-delete"
    ),
    pytest.param(
        Visit("/r/{token}/delete/", method="post", journey=GRADUATE, make_result=True, follow=True),
        id="result-deleted",
    ),
]

RESULT_AND_PROGRAM_PAGES = [
    pytest.param(Visit("/r/{token}/", journey=GRADUATE, make_result=True), id="result"),
    pytest.param(Visit("/r/{token}/", journey=ALL_STEPS, make_result=True), id="result-us"),
    *(
        pytest.param(Visit(f"/programs/{slug}/"), id=f"program-{slug}")
        for slug in ("china-k-visa", "us-h1b", "china-r-visa")
    ),
]


@pytest.fixture
def visa_content(db: None) -> None:
    call_command("load_visa_content", *FIRST_THREE, verbosity=0)


@pytest.fixture
def pseudo_locale() -> Iterator[None]:
    with pseudo_translations():
        yield


def visit(client: Client, page: Visit) -> HttpResponse:
    for slug, data in page.journey:
        response = client.post(f"/check/{slug}/", data)
        assert response.status_code == 302, (slug, response.content.decode()[:2000])
    token = ""
    if page.make_result:
        response = client.post("/check/answers/")
        assert response.status_code == 302
        token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    headers = {"HTTP_HX_REQUEST": "true"} if page.htmx else {}
    request = getattr(client, page.method)
    response = request(page.path.format(token=token), page.data, follow=page.follow, **headers)
    assert response.status_code == page.status
    return response


@pytest.mark.django_db
@pytest.mark.usefixtures("visa_content", "pseudo_locale")
@pytest.mark.parametrize("page", [*PAGES, *RESULT_AND_PROGRAM_PAGES])
def test_every_visible_string_is_translated(client: Client, page: Visit) -> None:
    html = visit(client, page).content.decode()
    assert "⟦" in html, "the pseudo-locale was not active"
    assert_fully_translated(html, allowed={*content_texts(), *page.allowed}, page=page.path)


@pytest.mark.parametrize(
    ("template", "context"),
    [
        pytest.param("400.html", {}, id="400"),
        pytest.param("403.html", {}, id="403"),
        pytest.param("403_csrf.html", {}, id="403-csrf"),
        pytest.param("429.html", {}, id="429"),
        pytest.param("429.html", {"cooloff_time": "PT1H"}, id="429-cooloff"),
        pytest.param("500.html", {}, id="500"),
        pytest.param("503.html", {}, id="503"),
    ],
)
@pytest.mark.usefixtures("pseudo_locale")
def test_error_pages_are_translated(template: str, context: dict[str, object]) -> None:
    request = RequestFactory().get("/")
    with translation.override("en"):
        html = render_to_string(template, context, request=request)
    assert '<html lang="en"' in html
    assert_fully_translated(html, allowed={"PT1H"}, page=template)


@pytest.mark.django_db
@pytest.mark.usefixtures("pseudo_locale")
def test_the_csrf_failure_page_is_translated() -> None:
    response = Client(enforce_csrf_checks=True).post("/check/age/", {"age": "30"})
    assert response.status_code == 403
    assert_fully_translated(response.content.decode(), page="CSRF failure")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept_language", "html_tag"),
    [
        pytest.param("", '<html lang="en">', id="default"),
        pytest.param("fr-FR,fr;q=0.9", '<html lang="fr">', id="french"),
        pytest.param("ar", '<html lang="ar" dir="rtl">', id="right-to-left"),
        pytest.param("de", '<html lang="en">', id="not-offered"),
    ],
)
def test_page_language_follows_the_active_language(
    client: Client, settings: Settings, accept_language: str, html_tag: str
) -> None:
    settings.LANGUAGES = [("en", "English"), ("fr", "Français"), ("ar", "العربية")]
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert html_tag in response.content.decode()
    assert response["Content-Language"] == html_tag.split('"')[1]


def test_pages_rendered_without_a_request_follow_the_active_language() -> None:
    with translation.override("fr"):
        assert '<html lang="fr">' in render_to_string("503.html")
    assert '<html lang="en' in render_to_string("503.html")


# The instrument itself: it must wrap every kind of message and catch what is not wrapped.


@pytest.mark.usefixtures("pseudo_locale")
def test_the_pseudo_locale_wraps_every_kind_of_message() -> None:
    with translation.override("en"):
        assert gettext("Start now") == "⟦Start now⟧"
        assert str(gettext_lazy("Start now")) == "⟦Start now⟧"
        assert pgettext("navigation landmark", "Main") == "⟦Main⟧"
        assert ngettext("%(n)s year", "%(n)s years", 2) % {"n": 2} == "⟦2 years⟧"
        assert npgettext("age", "%(n)s year", "%(n)s years", 1) % {"n": 1} == "⟦1 year⟧"
        assert translation.get_language() == "en"


def test_the_pseudo_locale_is_removed_afterwards() -> None:
    with pseudo_translations(), translation.override("en"):
        assert gettext("Start now") == "⟦Start now⟧"
    with translation.override("en"):
        assert gettext("Start now") == "Start now"


def test_the_checker_reads_text_and_the_attributes_people_read() -> None:
    html = (
        '<html><head><title>⟦Home⟧</title><script>var x = "code";</script>'
        "<style>p { color: red }</style></head><body>"
        '<nav aria-label="Main"><a href="/" title="⟦Home⟧">⟦Home⟧</a></nav>'
        '<input type="submit" value="Send"><input type="text" value="typed by someone">'
        "<p>⟦China's new <strong>K visa</strong> lets graduates come⟧</p>"
        "<p>Not marked</p><p>27 — 2026-11-23, (3%)</p><p>US H-1B</p></body></html>"
    )
    sources = [chunk.source for chunk in visible_text_chunks(html)]
    assert "@aria-label" in sources
    assert "@value" in sources
    assert untranslated_chunks(html, allowed=["US H-1B"]) == [
        "Not marked",
        "@aria-label: Main",
        "@value: Send",
    ]
    with pytest.raises(AssertionError, match="Not marked"):
        assert_fully_translated(html, allowed=["US H-1B"])
