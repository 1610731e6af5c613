"""`check_sources` against a local web server: ok, changed, moved, broken and unreachable
sources are told apart; the first check sets the baseline; nothing an adviser edits moves."""

from __future__ import annotations

import hashlib
import http.server
import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import urllib3
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from tests.visas.factories import (
    CaveatFactory,
    CriterionFactory,
    KeyFigureFactory,
    ProgramFactory,
    SourceFactory,
)
from visas.admin import row_fingerprint
from visas.models import Criterion, Program, Source, SourceCheck
from visas.source_checks import (
    Fetched,
    check_status,
    fetch,
    source_checks_mark_reviewed,
    sources_check,
)
from visas.vocabulary import SourceCheckStatus as Status

pytestmark = pytest.mark.django_db

TIMEOUT = "1"  # seconds; the slow page answers only after the test ends


@dataclass
class Site:
    """What the local server serves; a test changes ``pages`` between two checks."""

    base: str = ""
    pages: dict[str, bytes] = field(
        default_factory=lambda: {
            "/ok": b"<h1>Stable rules</h1>",
            "/changing": b"<h1>Fee: 100 USD</h1>",
            "/new": b"<h1>The rules, at their new address</h1>",
            "/big": b"x" * 10_000,
        }
    )
    redirects: dict[str, tuple[int, str]] = field(
        default_factory=lambda: {"/old": (301, "/new"), "/elsewhere": (302, "/ok")}
    )
    agents: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return self.base + path


class Quiet(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up on the slow page is expected, not an error."""


@pytest.fixture
def site() -> Iterator[Site]:
    """A web server on 127.0.0.1 in a thread: no outside network is used."""
    state = Site()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.agents.append(self.headers.get("User-Agent", ""))
            if self.path == "/slow":
                state.release.wait(10)  # far longer than the check's timeout
            if self.path == "/trickle":  # a byte now and then, never the whole page
                self.send_response(200)
                self.send_header("Content-Length", "1000")
                self.end_headers()
                while not state.release.wait(0.1):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                return
            if self.path in state.redirects:
                status, location = state.redirects[self.path]
                self.send_response(status)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = state.pages.get(self.path, b"Not found")
            self.send_response(200 if self.path in state.pages or self.path == "/slow" else 404)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = Quiet(("127.0.0.1", 0), Handler)
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()
    thread.join(5)


def sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def run(*options: str) -> str:
    out = io.StringIO()
    call_command("check_sources", "--timeout", TIMEOUT, "--concurrency", "4", *options, stdout=out)
    return out.getvalue()


@pytest.fixture
def sources(site: Site) -> dict[str, Source]:
    """One source per kind of page, cited the ways content cites them."""
    made = {
        name: SourceFactory(title=f"The {name} page", url=site.url(f"/{name}"))
        for name in ("ok", "changing", "old", "missing", "slow")
    }
    made["stored copy"] = SourceFactory(title="A stored copy", url="")
    program = ProgramFactory(slug="k-visa", selection_source=made["ok"], selection="cap")
    CriterionFactory(program=program, source=made["changing"], more_sources=[made["ok"]])
    KeyFigureFactory(program=program, source=made["ok"], legal_source=made["old"])
    CaveatFactory(program=ProgramFactory(slug="h1b"), source=made["missing"])
    CaveatFactory(program=program, source=made["slow"])
    return made


def checks() -> dict[str, SourceCheck]:
    return {
        check.source.title.removeprefix("The ").removesuffix(" page"): check
        for check in SourceCheck.objects.select_related("source")
    }


def untouched(sources: dict[str, Source]) -> dict[str, Any]:
    """What a check must leave as it was: programs' revisions, sources' rows and history."""
    return {
        "revisions": dict(Program.objects.values_list("slug", "revision")),
        "fingerprints": {
            pk: row_fingerprint(Source, pk) for pk in (s.pk for s in sources.values())
        },
        "history": Source.history.count(),
    }


def test_the_first_check_records_each_status_and_the_baseline(
    site: Site, sources: dict[str, Source]
) -> None:
    before = untouched(sources)
    output = run()

    found = checks()
    assert set(found) == {"ok", "changing", "old", "missing", "slow"}  # not the stored copy

    ok = found["ok"]
    assert (ok.status, ok.http_status, ok.final_url) == (Status.OK, 200, site.url("/ok"))
    assert ok.content_hash == ok.baseline_hash == sha256(site.pages["/ok"])
    assert ok.checked_at <= timezone.now()
    assert ok.status_since == ok.checked_at

    # A first check is the baseline, never "changed".
    assert found["changing"].status == Status.OK
    assert found["changing"].baseline_hash == sha256(b"<h1>Fee: 100 USD</h1>")

    moved = found["old"]
    assert (moved.status, moved.http_status) == (Status.MOVED, 200)
    assert moved.final_url == site.url("/new")
    assert moved.content_hash == sha256(site.pages["/new"])

    broken = found["missing"]
    assert (broken.status, broken.http_status, broken.content_hash) == (Status.BROKEN, 404, "")

    slow = found["slow"]
    assert (slow.status, slow.http_status) == (Status.UNREACHABLE, None)
    assert "No complete answer within 1 s" in slow.detail

    assert "Checked 5 sources" in output
    assert "1 ok" not in output  # two are ok: the stable page and the first look at the other
    assert "2 ok, 0 changed, 1 moved, 1 broken, 1 unreachable" in output
    assert "1 without a web address were not checked" in output
    assert f"moved        The old page (Example Ministry): {site.url('/old')} -> " in output
    assert "[HTTP 404]" in output
    assert untouched(sources) == before
    assert all(agent.startswith("TalentVisaNavigator-SourceCheck/") for agent in site.agents)


def test_the_second_check_finds_the_change_and_keeps_flagging_it_until_reviewed(
    site: Site, sources: dict[str, Source]
) -> None:
    run()
    first = checks()
    site.pages["/changing"] = b"<h1>Fee: 250 USD</h1>"
    before = untouched(sources)

    output = run()
    second = checks()
    changed = second["changing"]
    assert changed.status == Status.CHANGED
    assert changed.content_hash == sha256(b"<h1>Fee: 250 USD</h1>")
    assert changed.baseline_hash == first["changing"].content_hash
    assert "1 ok, 1 changed, 1 moved, 1 broken, 1 unreachable" in output
    assert "changed      The changing page" in output
    # Unchanged pages keep their status and the time it began.
    assert second["ok"].status == Status.OK
    assert second["ok"].status_since == first["ok"].status_since
    assert second["ok"].checked_at > first["ok"].checked_at
    assert untouched(sources) == before

    # Nobody reviewed it: the next check still flags it.
    run()
    assert checks()["changing"].status == Status.CHANGED

    cleared = source_checks_mark_reviewed(
        source_ids=[s.pk for s in sources.values()], reviewed_by="Ada", now=timezone.now()
    )
    assert cleared == 1
    reviewed = checks()
    assert reviewed["changing"].status == Status.OK
    assert reviewed["changing"].baseline_hash == sha256(b"<h1>Fee: 250 USD</h1>")
    assert reviewed["changing"].reviewed_by == "Ada"
    assert reviewed["old"].status == Status.MOVED  # a review does not hide a moved page
    run()
    assert checks()["changing"].status == Status.OK
    assert untouched(sources) == before


def test_a_new_address_starts_a_new_baseline(site: Site, sources: dict[str, Source]) -> None:
    run()
    # The adviser follows the redirect: the page there is the one they read.
    Source.objects.filter(pk=sources["old"].pk).update(url=site.url("/new"))
    run()
    check = checks()["old"]
    assert (check.status, check.url) == (Status.OK, site.url("/new"))
    assert check.baseline_hash == sha256(site.pages["/new"])


def test_a_temporary_redirect_is_not_a_move(site: Site) -> None:
    source = SourceFactory(url=site.url("/elsewhere"))
    sources_check(timeout=1)
    check = SourceCheck.objects.get(source=source)
    assert (check.status, check.final_url) == (Status.OK, site.url("/ok"))


def test_broken_sources_fail_the_run_only_when_asked(
    site: Site, sources: dict[str, Source]
) -> None:
    run()  # exits normally: broken sources are findings, not errors
    with pytest.raises(CommandError, match="2 source"):
        run("--fail-on-broken")
    with pytest.raises(CommandError, match="--concurrency"):
        call_command("check_sources", "--concurrency", "0", stdout=io.StringIO())


def test_only_the_first_bytes_of_a_large_page_are_read(site: Site) -> None:
    with urllib3.PoolManager() as pool:
        fetched = fetch(pool, site.url("/big"), timeout=1, max_bytes=1000)
    assert fetched.content_hash == sha256(b"x" * 1000)
    assert "Only the first 1,000 bytes" in fetched.detail
    assert check_status(fetched=fetched, baseline_hash="") == Status.OK


def test_a_page_that_trickles_in_is_cut_off(site: Site) -> None:
    with urllib3.PoolManager() as pool:
        fetched = fetch(pool, site.url("/trickle"), timeout=0.5, max_bytes=1000)
    assert not fetched.answered
    assert fetched.detail == "The download took longer than 1.5 s."
    assert check_status(fetched=fetched, baseline_hash="") == Status.UNREACHABLE


def test_a_refused_connection_is_unreachable() -> None:
    with urllib3.PoolManager() as pool:
        fetched = fetch(pool, "http://127.0.0.1:9/", timeout=1, max_bytes=1000)
    assert not fetched.answered
    assert fetched.detail == "Could not connect (refused or no route)."


NOW = timezone.now()


@pytest.mark.parametrize(
    ("fetched", "baseline", "expected"),
    [
        pytest.param(Fetched("https://a.gov/x", NOW), "", Status.UNREACHABLE, id="no-answer"),
        pytest.param(
            Fetched("https://a.gov/x", NOW, True, 503), "h", Status.BROKEN, id="server-error"
        ),
        pytest.param(
            Fetched("https://a.gov/x", NOW, True, 200, "https://a.gov/y", True, "h2"),
            "h",
            Status.MOVED,
            id="moved-beats-changed",
        ),
        pytest.param(
            Fetched("https://a.gov/x", NOW, True, 200, "https://a.gov/x", True, "h"),
            "h",
            Status.OK,
            id="redirected-back-home",
        ),
        pytest.param(
            Fetched("https://a.gov/x", NOW, True, 200, "https://a.gov/x", False, "h2"),
            "h",
            Status.CHANGED,
            id="changed",
        ),
        pytest.param(
            Fetched("https://a.gov/x", NOW, True, 200, "https://a.gov/x", False, "h2"),
            "",
            Status.OK,
            id="first-look-is-the-baseline",
        ),
    ],
)
def test_check_status(fetched: Fetched, baseline: str, expected: Status) -> None:
    assert check_status(fetched=fetched, baseline_hash=baseline) == expected


# --- In the admin ----------------------------------------------------------------------------


def test_the_flags_show_on_the_sources_and_on_the_facts_citing_them(
    site: Site, sources: dict[str, Source], admin_client: Client
) -> None:
    run()
    site.pages["/changing"] = b"<h1>Fee: 250 USD</h1>"
    run()

    listing = admin_client.get("/admin/visas/source/").content.decode()
    assert "⚠ Changed since last reviewed" in listing
    assert "⚠ Moved (permanent redirect)" in listing
    assert "⚠ Broken (error from the server)" in listing
    assert "⚠ Unreachable (no answer)" in listing
    assert "No web address" in listing
    flagged = admin_client.get("/admin/visas/source/?check=review").content.decode()
    assert "The changing page" in flagged
    assert "The ok page" not in flagged

    criterion = Criterion.objects.get(source=sources["changing"])
    page = admin_client.get(f"/admin/visas/criterion/{criterion.pk}/change/").content.decode()
    assert "Source checks" in page
    assert "⚠ Changed since last reviewed</strong>: The changing page" in page
    assert "<strong>OK</strong>: The ok page" in page
