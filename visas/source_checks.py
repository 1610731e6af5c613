"""Checks of the sources' web addresses: is each still there, moved, or changed?

``manage.py check_sources`` fetches every source that has a web address, a bounded number
at a time, and records what it found in the source's :class:`~visas.models.SourceCheck`:

- **broken**: the server answered with an error (4xx, 5xx) or never a page (too many redirects);
- **unreachable**: no answer (timeout, refused connection, unknown host, TLS failure);
- **moved**: a permanent redirect (301, 308) led to another address;
- **changed**: the page's SHA-256 differs from its baseline, the page as first fetched or as
  it was when an adviser last marked the change reviewed. The flag stays until then, so a
  change is not lost when nobody looked between two checks;
- **ok**: none of these.

Recording a check never writes the Source row itself, so it adds no history, does not
disturb the admin's stale-save guard and does not raise any program's revision: the public
pages do not change when a check runs. Fetching happens in threads without the database;
the results are written afterwards, one short transaction per source.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urljoin

import urllib3
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from urllib3 import exceptions as http_errors

from visas.models import Source, SourceCheck
from visas.vocabulary import SourceCheckStatus

DEFAULT_CONCURRENCY = 8
DEFAULT_TIMEOUT = 10.0  # seconds to connect, and to wait for each part of the answer
# The whole download of one address (redirects and body) is cut after this many timeouts,
# so a server that trickles bytes cannot hold a check forever.
WHOLE_FETCH_TIMEOUTS = 3
MAX_BODY_BYTES = 5 * 1024 * 1024  # only this much of a page is read and hashed
MAX_REDIRECTS = 10
PERMANENT_REDIRECTS = frozenset({301, 308})
CHUNK_BYTES = 64 * 1024
NEEDS_REVIEW = [status.value for status in SourceCheckStatus if status.needs_review]


def user_agent() -> str:
    """Names the site, so a publisher seeing the requests knows who checks their pages."""
    hosts = [f"https://{host}" for host in settings.ALLOWED_HOSTS if host and host[0] not in "*."]
    origin = next(iter([*settings.CSRF_TRUSTED_ORIGINS, *hosts]), "")
    return "TalentVisaNavigator-SourceCheck/1.0" + (f" (+{origin.rstrip('/')}/)" if origin else "")


# --- Fetching (threads, no database) ---------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Fetched:
    """What one request for an address found."""

    url: str
    checked_at: dt.datetime
    answered: bool = False  # False: no HTTP answer at all
    http_status: int | None = None
    final_url: str = ""
    permanent_redirect: bool = False
    content_hash: str = ""  # of the body of a successful (2xx) answer
    detail: str = ""

    @property
    def has_page(self) -> bool:
        return self.answered and self.http_status is not None and 200 <= self.http_status < 300


class _TooSlow(Exception):
    pass


def _problem(error: BaseException, timeout: float) -> str:
    """A short technical reason for no answer, shown to advisers next to the status."""
    reason = getattr(error, "reason", None) or error
    if isinstance(reason, http_errors.NameResolutionError):
        return "Host name not found."
    if isinstance(reason, http_errors.NewConnectionError):
        return "Could not connect (refused or no route)."
    if isinstance(reason, _TooSlow):
        return f"The download took longer than {timeout * WHOLE_FETCH_TIMEOUTS:g} s."
    if isinstance(reason, (http_errors.TimeoutError, TimeoutError)):
        return f"No complete answer within {timeout:g} s."
    if isinstance(reason, http_errors.SSLError):
        return "Secure connection failed (certificate or TLS)."
    if isinstance(reason, http_errors.ProtocolError):
        return "The connection broke off."
    return f"{type(reason).__name__}: {reason}"[:300]


def fetch(pool: urllib3.PoolManager, url: str, *, timeout: float, max_bytes: int) -> Fetched:
    """GET one address, following redirects; hash at most ``max_bytes`` of a 2xx body."""
    deadline = time.monotonic() + timeout * WHOLE_FETCH_TIMEOUTS
    retries = urllib3.Retry(
        total=None, connect=0, read=0, status=0, other=0, redirect=MAX_REDIRECTS
    )
    # A redirect past the limit comes back as the response, not as an exception.
    retries.raise_on_redirect = False
    try:
        response = pool.request(
            "GET",
            url,
            preload_content=False,
            retries=retries,
            timeout=urllib3.Timeout(connect=timeout, read=timeout),
        )
    except (http_errors.HTTPError, OSError, ValueError) as error:
        return Fetched(url=url, checked_at=_now(), detail=_problem(error, timeout))

    history = response.retries.history if response.retries else ()
    final_url = url
    for hop in history:
        if hop.redirect_location:
            final_url = urljoin(hop.url or final_url, hop.redirect_location)
    answer = Fetched(
        url=url,
        checked_at=_now(),
        answered=True,
        http_status=response.status,
        final_url=final_url,
        permanent_redirect=any(hop.status in PERMANENT_REDIRECTS for hop in history),
    )
    if not answer.has_page:
        too_many = bool(response.get_redirect_location()) and len(history) >= MAX_REDIRECTS
        _discard(response)
        return dataclasses.replace(
            answer, detail=f"More than {MAX_REDIRECTS} redirects." if too_many else ""
        )

    hasher = hashlib.sha256()
    size = 0
    complete = False
    try:
        # read1 returns what one read of the socket gives, so the deadline is checked even
        # when a server sends a byte at a time (read(n) would wait for all n bytes).
        while chunk := response.read1(CHUNK_BYTES):
            if size + len(chunk) > max_bytes:
                hasher.update(chunk[: max_bytes - size])
                break
            hasher.update(chunk)
            size += len(chunk)
            if time.monotonic() > deadline:
                raise _TooSlow
        else:
            complete = True
    except (http_errors.HTTPError, OSError, _TooSlow) as error:
        _discard(response)
        return Fetched(url=url, checked_at=_now(), detail=_problem(error, timeout))
    if complete:
        response.release_conn()
    else:
        _discard(response)
    return dataclasses.replace(
        answer,
        checked_at=_now(),
        content_hash=hasher.hexdigest(),
        detail="" if complete else f"Only the first {max_bytes:,} bytes were compared.",
    )


def _discard(response: urllib3.BaseHTTPResponse) -> None:
    """Drop a connection whose body was not read to the end (reading it could take long)."""
    response.close()
    response.release_conn()


def _now() -> dt.datetime:
    return timezone.now()


def fetch_all(
    urls: Iterable[str], *, concurrency: int, timeout: float, max_bytes: int, agent: str
) -> dict[str, Fetched]:
    """Fetch each address once, at most ``concurrency`` at a time."""
    unique = sorted(set(urls))
    headers = {
        "User-Agent": agent,
        "Accept": "text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.8",
        "Accept-Encoding": "gzip, deflate",
    }
    with (
        urllib3.PoolManager(num_pools=64, maxsize=concurrency, headers=headers) as pool,
        ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="check") as executor,
    ):
        results = executor.map(
            lambda url: fetch(pool, url, timeout=timeout, max_bytes=max_bytes), unique
        )
        return dict(zip(unique, results, strict=True))


# --- Deciding and recording ------------------------------------------------------------------


def check_status(*, fetched: Fetched, baseline_hash: str) -> SourceCheckStatus:
    """The status of one fetch against the page advisers know (empty: none known yet)."""
    if not fetched.answered:
        return SourceCheckStatus.UNREACHABLE
    if not fetched.has_page:
        return SourceCheckStatus.BROKEN
    if fetched.permanent_redirect and fetched.final_url != fetched.url:
        return SourceCheckStatus.MOVED
    if baseline_hash and fetched.content_hash != baseline_hash:
        return SourceCheckStatus.CHANGED
    return SourceCheckStatus.OK


@transaction.atomic
def source_check_record(*, source: Source, fetched: Fetched) -> SourceCheck | None:
    """Store one fetch as the source's last check; None when the source was deleted or its
    address edited while it was being fetched (the next check sees the new address).

    A source whose address changed since its last check starts a new baseline: the adviser
    who changed the address has read the page there.
    """
    url = Source.objects.filter(pk=source.pk).values_list("url", flat=True).first()
    if url != fetched.url:
        return None
    check = SourceCheck.objects.select_for_update().filter(source_id=source.pk).first()
    same_address = check is not None and check.url == fetched.url
    baseline = check.baseline_hash if check is not None and same_address else ""
    status = check_status(fetched=fetched, baseline_hash=baseline)
    if not baseline and fetched.has_page:
        baseline = fetched.content_hash
    values = {
        "url": fetched.url,
        "status": status,
        "http_status": fetched.http_status,
        "final_url": fetched.final_url[:2000],
        "content_hash": fetched.content_hash,
        "baseline_hash": baseline,
        "detail": fetched.detail[:300],
        "checked_at": fetched.checked_at,
        "status_since": (
            check.status_since
            if check is not None and same_address and check.status == status
            else fetched.checked_at
        ),
    }
    if check is None:
        return SourceCheck.objects.create(source_id=source.pk, **values)
    # update(), not save(): nothing but this row is touched.
    SourceCheck.objects.filter(pk=check.pk).update(**values)
    check.refresh_from_db()
    return check


@dataclasses.dataclass
class CheckReport:
    counts: dict[SourceCheckStatus, int] = dataclasses.field(
        default_factory=lambda: dict.fromkeys(SourceCheckStatus, 0)
    )
    flagged: list[tuple[Source, SourceCheck]] = dataclasses.field(default_factory=list)
    without_url: int = 0
    edited_meanwhile: int = 0
    seconds: float = 0.0

    @property
    def checked(self) -> int:
        return sum(self.counts.values())

    @property
    def unavailable(self) -> int:
        return self.counts[SourceCheckStatus.BROKEN] + self.counts[SourceCheckStatus.UNREACHABLE]

    def summary(self) -> str:
        counts = ", ".join(f"{self.counts[status]} {status.value}" for status in SourceCheckStatus)
        lines = [f"Checked {self.checked} sources in {self.seconds:.1f} s: {counts}."]
        if self.without_url:
            lines.append(f"{self.without_url} without a web address were not checked.")
        if self.edited_meanwhile:
            lines.append(
                f"{self.edited_meanwhile} had their address edited during the check; "
                "the next check reads the new one."
            )
        return " ".join(lines)


def sources_check(
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_BODY_BYTES,
    agent: str = "",
) -> CheckReport:
    """Fetch every source's address (each address once) and record what was found."""
    started = time.monotonic()
    report = CheckReport()
    sources = list(Source.objects.order_by("title", "pk"))
    to_check = [source for source in sources if source.url]
    report.without_url = len(sources) - len(to_check)
    fetched = fetch_all(
        (source.url for source in to_check),
        concurrency=concurrency,
        timeout=timeout,
        max_bytes=max_bytes,
        agent=agent or user_agent(),
    )
    for source in to_check:
        check = source_check_record(source=source, fetched=fetched[source.url])
        if check is None:
            report.edited_meanwhile += 1
            continue
        status = SourceCheckStatus(check.status)
        report.counts[status] += 1
        if status.needs_review:
            report.flagged.append((source, check))
    report.seconds = time.monotonic() - started
    return report


@transaction.atomic
def source_checks_mark_reviewed(
    *, source_ids: Iterable[int], reviewed_by: str, now: dt.datetime
) -> int:
    """An adviser read the changed pages: their current content becomes the baseline and the
    flag clears. Only changes are cleared: a moved, broken or unreachable source needs its
    address fixed, and the next check tells. Returns how many were cleared."""
    return SourceCheck.objects.filter(
        source_id__in=list(source_ids), status=SourceCheckStatus.CHANGED
    ).update(
        status=SourceCheckStatus.OK,
        baseline_hash=F("content_hash"),
        status_since=now,
        reviewed_at=now,
        reviewed_by=reviewed_by[:150],
    )


# --- Reading the flags -----------------------------------------------------------------------


def source_check_flag(source: Source) -> SourceCheckStatus | None:
    """The last check's status, if it checked the source's current address; else None
    (no web address, never checked, or the address was edited since)."""
    if not source.url:
        return None
    try:
        check = source.last_check
    except SourceCheck.DoesNotExist:
        return None
    return SourceCheckStatus(check.status) if check.url == source.url else None


def sources_needing_review_q(prefix: str = "") -> Q:
    """Sources (under ``prefix``, e.g. "source__") whose current address was flagged."""
    return Q(
        **{
            f"{prefix}last_check__status__in": NEEDS_REVIEW,
            f"{prefix}last_check__url": F(f"{prefix}url"),
        }
    )


def items_citing_flagged_q() -> Q:
    """Criteria, points tables, figures or caveats citing a flagged source in any role."""
    flagged = Source.objects.filter(sources_needing_review_q()).values("pk")
    return Q(source__in=flagged) | Q(more_sources__in=flagged) | Q(legal_source__in=flagged)
