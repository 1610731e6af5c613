"""Thousands of random and malformed requests at every public URL: never a 5xx.

The URL patterns come from the resolver, so a new public URL is fuzzed without touching
this file. Paths are drawn both to match each pattern (so its view runs) and as random
junk under its prefix (so the 404 handling runs too).
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

pytestmark = [pytest.mark.timeout(300)]

METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]
EXAMPLES = 500  # per fuzzing test: 1,500 requests in all


def _strip(regex: str) -> str:
    return regex.removeprefix("^").removesuffix(r"\Z").removesuffix("$")


def public_patterns(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    """Every URL regex of the site except the advisers' admin."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        regex = prefix + _strip(entry.pattern.regex.pattern)
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            found.extend(public_patterns(entry, regex))
        elif isinstance(entry, URLPattern):
            found.append(regex)
    return found


def literal_prefix(regex: str) -> str:
    """The fixed start of a pattern (``check/`` of ``check/(?P<slug>...)/``)."""
    match = re.match(r"[A-Za-z0-9_\-/]*", regex.replace("\\-", "-").replace("\\/", "/"))
    return match.group(0) if match else ""


PATTERNS = sorted(set(public_patterns()))
PREFIXES = sorted({literal_prefix(p) for p in PATTERNS} | {"programs/", "check/", "r/"})

nasty_text = st.one_of(
    st.text(max_size=40),
    st.characters(codec="utf-8").map(lambda char: char * 10_000),
    st.just("\x00"),
    st.just("a\x00b"),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from(["NaN", "inf", "-0", "1e308", "9" * 400, "' OR 1=1 --", "../../etc/passwd"]),
    st.sampled_from(["IN", "US", "stem", "bachelor", "none", "yes", "no", "1", "27"]),
)
field_names = st.one_of(
    st.sampled_from(
        [
            "citizenship",
            "residence",
            "age",
            "degree",
            "field",
            "institution",
            "degree_country",
            "stem_experience",
            "job_offer",
            "priorities",
            "programs",
            "change",
            "csrfmiddlewaretoken",
            "mandarin",
            "english",
            "family",
            "us_status",
            "employer_type",
            "wage_level",
            "sponsor",
        ]
    ),
    st.text(max_size=20),
)
form_data = st.dictionaries(
    field_names, st.one_of(nasty_text, st.lists(nasty_text, max_size=3)), max_size=6
)
raw_bytes = st.one_of(
    st.binary(max_size=2000),
    st.just(b"\xff\xfe\x00citizenship=\xc3\x28"),
    st.just(b"citizenship=%FF%FE&age=%00"),
)


@st.composite
def paths(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        path = draw(st.from_regex(draw(st.sampled_from(PATTERNS)), fullmatch=True))
    else:
        tail = draw(st.text(max_size=30))
        path = draw(st.sampled_from(PREFIXES)) + tail + draw(st.sampled_from(["", "/"]))
    return "/" + quote(path, safe="/")


@st.composite
def query_strings(draw: st.DrawFn) -> str:
    pairs = draw(st.lists(st.tuples(field_names, nasty_text.map(lambda s: s[:200])), max_size=4))
    return urlencode(pairs)


@pytest.fixture
def fuzz_client(transactional_db):  # type: ignore[no-untyped-def]
    """A client with cookies kept between requests, on a database holding the real content.

    No test transaction wraps the requests, so one failing query cannot poison the next.
    """
    call_command("load_visa_content", verbosity=0)
    return Client(raise_request_exception=True)


def assert_no_server_error(response, method: str, path: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code < 500, f"{method} {path} answered {response.status_code}"


fuzz_settings = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def test_every_public_url_pattern_is_fuzzed() -> None:
    assert any(p.startswith("check/") for p in PATTERNS)
    assert any(p.startswith("programs/") for p in PATTERNS)
    assert "healthz" in PATTERNS
    assert not any(p.startswith(settings.ADMIN_URL) for p in PATTERNS)


@fuzz_settings
@given(method=st.sampled_from(METHODS), path=paths(), query=query_strings())
def test_random_methods_paths_and_queries(fuzz_client, method: str, path: str, query: str) -> None:  # type: ignore[no-untyped-def]
    response = fuzz_client.generic(method, f"{path}?{query}" if query else path)
    assert_no_server_error(response, method, path)


@fuzz_settings
@given(method=st.sampled_from(["POST", "PUT", "PATCH"]), path=paths(), data=form_data)
def test_random_form_bodies(fuzz_client, method: str, path: str, data: dict[str, object]) -> None:  # type: ignore[no-untyped-def]
    body = urlencode(data, doseq=True)
    response = fuzz_client.generic(
        method, path, body, content_type="application/x-www-form-urlencoded"
    )
    assert_no_server_error(response, method, path)


@fuzz_settings
@given(
    path=paths(),
    body=raw_bytes,
    content_type=st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xyz",
            "multipart/form-data",
            "application/json",
            "text/plain; charset=utf-16",
            "garbage/\x00",
        ]
    ),
    htmx=st.booleans(),
)
def test_malformed_bodies_and_headers(
    fuzz_client, path: str, body: bytes, content_type: str, htmx: bool
) -> None:  # type: ignore[no-untyped-def]
    headers = {"HX-Request": "true", "HX-Target": "question"} if htmx else {}
    response = fuzz_client.generic("POST", path, body, content_type=content_type, headers=headers)
    assert_no_server_error(response, "POST", path)
