"""Thousands of random and malformed requests at every public URL: never a 5xx.

The URL patterns come from the resolver, so a new public URL is fuzzed without touching
this file. Paths are drawn both to match each pattern (so its view runs) and as random
junk under its prefix (so the 404 handling runs too). The last test sends junk of every
kind (query strings, bodies, cookies, headers) to a real address of every pattern and the
admin login, and checks that nothing but sessions and answers was written.
"""

from __future__ import annotations

import itertools
import re
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.signing import get_cookie_signer
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from profiles.models import Questionnaire, Result
from profiles.questions import STEPS
from profiles.services import result_create
from profiles.views import OWNED_COOKIE
from tests.conftest import FIRST_THREE
from visas.models import Criterion, Program

pytestmark = [pytest.mark.timeout(300)]

METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]
EXAMPLES = 500  # per fuzzing test: 1,500 requests in all, and JUNK_EXAMPLES more
JUNK_EXAMPLES = 600


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
            "language_level_zh",
            "language_level_en",
            "family",
            "status_us",
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
    call_command("load_visa_content", *FIRST_THREE, verbosity=0)
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


# --- Junk of every kind at a real address of every pattern -----------------------------------


def public_named_patterns(
    resolver: URLResolver | None = None, namespace: str = ""
) -> list[tuple[str, list[str]]]:
    """(view name, URL arguments) of every public pattern, from the URLconf."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found.extend(public_named_patterns(entry, inner))
        elif isinstance(entry, URLPattern) and entry.name:
            found.append((namespace + entry.name, sorted(entry.pattern.regex.groupindex)))
    return found


def real_addresses(*, token: str) -> list[str]:
    """Every public pattern filled in with real and junk arguments, and the admin login."""
    arguments = {
        "step_slug": [step.slug for step in STEPS] + ["no-such-step"],
        "token": [token, "J" * 43],
        "slug": [*Program.objects.values_list("slug", flat=True), "no-such-program"],
        "kind": ["criterion", "points", "figure", "caveat", "no-such-kind"],
        "item_id": [*Criterion.objects.values_list("pk", flat=True)[:1], 999999],
    }
    urls = [reverse("admin:login")]
    for name, params in public_named_patterns():
        assert set(params) <= set(arguments), f"no test arguments for {name}: {params}"
        for values in itertools.product(*(arguments[p] for p in params)):
            urls.append(reverse(name, kwargs=dict(zip(params, values, strict=True))))
    return urls


junk_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["\x00", "a\x00b", "é" * 300, "x" * 5000, ";", '"', "\\", "%00", "%ff"]),
)
junk_query = st.one_of(
    query_strings(),
    st.sampled_from(["a=%00", "%00=1", "q=%ff%fe", "a=%C3%28", "%", "=&&==", "x=" + "%ff" * 500]),
    st.lists(st.tuples(junk_text, junk_text), max_size=3).map(lambda pairs: urlencode(pairs)),
)
MANY_FIELDS = "&".join(f"f{i}=x" for i in range(1_100)).encode()
TOO_BIG = b"f=" + b"x" * 2_700_000
junk_body = st.one_of(
    st.just((b"", "")),
    form_data.map(
        lambda d: (urlencode(d, doseq=True).encode(), "application/x-www-form-urlencoded")
    ),
    st.tuples(raw_bytes, st.sampled_from(["multipart/form-data; boundary=xyz", "text/plain"])),
    st.sampled_from(
        [
            (MANY_FIELDS, "application/x-www-form-urlencoded"),
            (TOO_BIG, "application/x-www-form-urlencoded"),
            (TOO_BIG, "multipart/form-data; boundary=xyz"),
            (b"--xyz\r\nContent-Disposition: form-data; name=\x00\r\n\r\nx", "multipart/form-data"),
            (
                b"--xyz\r\nContent-Disposition: form-data\r\n\r\nx\r\n--xyz--",
                "multipart/form-data; boundary=xyz",
            ),
        ]
    ),
)
cookie_value = st.one_of(
    junk_text,
    st.just("\x00" + "a" * 31),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=32, max_size=32),
    junk_text.map(lambda text: get_cookie_signer(salt=OWNED_COOKIE).sign(text)),
)
junk_cookies = st.dictionaries(
    st.sampled_from(["sessionid", "csrftoken", OWNED_COOKIE, "django_language", "messages"]),
    cookie_value,
    max_size=4,
)
junk_headers = st.fixed_dictionaries(
    {},
    optional={
        "Accept-Language": st.one_of(
            junk_text, st.sampled_from(["*", "zh-Hans-CN;q=x", "en;q=2", "x" * 600])
        ),
        "Host": st.sampled_from(
            ["evil.example", "localhost:99999", "[::1", "testserver\x00", "a" * 300, ""]
        ),
        "HX-Request": st.sampled_from(["true", "false", "\x00", ""]),
        "HX-Target": junk_text,
        "X-Forwarded-Proto": st.sampled_from(["https", "http", "gopher", "https, http", "\x00"]),
        "X-Forwarded-For": st.sampled_from(
            ["1.2.3.4", "999.1.1.1", "::1, 10.0.0.1", "x\x00", "," * 100]
        ),
        "Content-Length": st.sampled_from(["-1", "abc", "99999999999"]),
    },
)


def cookie_header(cookies: dict[str, str]) -> str:
    """A Cookie header as a browser (or anyone) may send it, quoting values as given."""
    return "; ".join(f'{name}="{value}"' for name, value in cookies.items())


def as_sent(headers: dict[str, str]) -> dict[str, str]:
    """Headers as a WSGI server hands them on: UTF-8 bytes read as ISO-8859-1 (PEP 3333)."""
    return {name: value.encode().decode("latin-1") for name, value in headers.items()}


def database_snapshot() -> dict[str, dict[Any, tuple[Any, ...]]]:
    """Every row of every table, bar sessions, answers and the login lock-out records."""
    skipped = {"sessions", "axes"}
    snapshot = {}
    for model in apps.get_models():
        if model._meta.app_label in skipped or model is Questionnaire:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.name != "last_viewed_at"]
        rows = model._base_manager.values_list(*fields)
        snapshot[model._meta.label] = {
            row[fields.index(model._meta.pk.attname)]: row for row in rows
        }
    return snapshot


@pytest.fixture
def junk_targets(fuzz_client: Client) -> tuple[list[str], Result]:
    """The addresses to fuzz, with a real shared result among them."""
    result = result_create(answers={})
    return real_addresses(token=result.token), result


def test_every_public_pattern_has_a_real_address(junk_targets) -> None:  # type: ignore[no-untyped-def]
    urls, result = junk_targets
    assert reverse("admin:login") in urls
    assert f"/r/{result.token}/delete/" in urls
    assert "/check/answers/" in urls
    assert "/healthz" in urls
    assert all(f"/check/{step.slug}/" in urls for step in STEPS)


def test_junk_of_every_kind_at_every_address(junk_targets) -> None:  # type: ignore[no-untyped-def]
    urls, result = junk_targets
    before = database_snapshot()
    clients = {False: Client(), True: Client(enforce_csrf_checks=True)}

    @hypothesis_settings(fuzz_settings, max_examples=JUNK_EXAMPLES)
    @given(
        method=st.sampled_from(["GET", "POST", "POST", "HEAD", "PUT"]),
        url=st.sampled_from(urls),
        extra_segment=st.one_of(
            st.just(""), junk_text.map(lambda text: quote(text, safe="") + "/")
        ),
        query=junk_query,
        body=junk_body,
        cookies=junk_cookies,
        headers=junk_headers,
        enforce_csrf=st.booleans(),
    )
    def send(  # type: ignore[no-untyped-def]
        method, url, extra_segment, query, body, cookies, headers, enforce_csrf
    ) -> None:
        data, content_type = body
        path = url + extra_segment
        response = clients[enforce_csrf].generic(
            method,
            f"{path}?{query}" if query else path,
            data if method != "GET" else b"",
            content_type=content_type,
            headers=as_sent({**headers, "Cookie": cookie_header(cookies)}),
        )
        assert_no_server_error(response, method, path)

    send()
    after = database_snapshot()
    # A re-check of the real result makes a new one from the same answers; nothing else new.
    results = after.pop(Result._meta.label)
    assert {
        pk: row for pk, row in results.items() if pk in before[Result._meta.label]
    } == before.pop(Result._meta.label)
    assert all(Result.objects.get(pk=pk).answers == result.answers for pk in results)
    assert after == before
