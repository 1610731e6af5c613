"""Rate limits: result creation per client (django-ratelimit) and advisers' logins (django-axes),
both counted in the database shared by every process."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection
from django.test import Client, RequestFactory

from config.ratelimit import AtomicDatabaseCache, client_ip, client_key
from profiles.models import Result
from tests.conftest import FIRST_THREE
from tests.profiles.journey import INDIAN_STEM_GRADUATE

CREATE = "/test-only/create/"


@pytest.fixture
def limit_of_three(settings):  # type: ignore[no-untyped-def]
    settings.RESULT_CREATE_RATE = "3/h"
    cache.clear()
    yield
    cache.clear()


@pytest.mark.urls("tests.config.ratelimit_urls")
@pytest.mark.django_db
@pytest.mark.usefixtures("limit_of_three")
def test_result_creation_is_limited_per_client_with_a_readable_429() -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    assert [client.post(CREATE).status_code for _ in range(3)] == [201, 201, 201]
    refused = client.post(CREATE)
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "<h1>Too many attempts</h1>" in html
    assert "Your saved answers are kept" in html
    assert "Content-Security-Policy" in refused.headers
    # Reading is never limited, and another client has its own allowance.
    assert client.get(CREATE).status_code == 200
    assert Client(REMOTE_ADDR="203.0.113.8").post(CREATE).status_code == 201


@pytest.mark.urls("tests.config.ratelimit_urls")
@pytest.mark.django_db
@pytest.mark.usefixtures("limit_of_three")
def test_forged_forwarded_for_does_not_escape_the_limit() -> None:
    statuses = [
        Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        .post(CREATE)
        .status_code
        for n in range(5)
    ]
    assert statuses == [201, 201, 201, 429, 429]


def test_client_address_behind_trusted_proxies(settings) -> None:  # type: ignore[no-untyped-def]
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4, 10.0.0.1"
    )
    settings.NUM_PROXIES = 0
    assert client_ip(request) == "10.0.0.2"
    settings.NUM_PROXIES = 2  # two proxies: the outer one appended what it saw
    assert client_ip(request) == "198.51.100.4"
    ipv6 = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:3:4:5:6")
    settings.NUM_PROXIES = 0
    assert client_key("g", ipv6) == "2001:db8:1:2::"


@pytest.mark.django_db(transaction=True)
def test_counting_is_atomic_across_connections() -> None:
    """Parallel increments from separate database connections lose no count."""
    cache.clear()
    cache.add("parallel-counter", 0, 60)

    def increment(_: int) -> None:
        try:
            for _ in range(10):
                cache.incr("parallel-counter")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(increment, range(4)))
    assert cache.get("parallel-counter") == 40
    cache.clear()


@pytest.mark.django_db
def test_incr_keeps_the_window_expiry() -> None:
    cache.clear()
    cache.add("window", 0, 3600)
    cache.incr("window")
    assert isinstance(caches["default"], AtomicDatabaseCache)
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires - now() FROM django_cache")
        (remaining,) = cursor.fetchone()
    assert remaining.total_seconds() > 3000  # not cut back to the 300 s default
    with pytest.raises(ValueError, match="not found"):
        cache.incr("missing")


@pytest.mark.django_db
def test_add_keeps_a_live_entry_and_replaces_an_expired_one() -> None:
    cache.clear()
    assert cache.add("window", 1, 3600) is True
    assert cache.add("window", 2, 3600) is False  # a live window is not restarted
    assert cache.get("window") == 1
    with connection.cursor() as cursor:
        cursor.execute("UPDATE django_cache SET expires = now() - interval '1 second'")
    assert cache.add("window", 3, 3600) is True  # an expired one is
    assert cache.get("window") == 3
    assert cache.add("forever", 4, None) is True
    assert cache.get("forever") == 4
    # The purge removes what has expired, and only that.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE django_cache SET expires = now() - interval '1 second' WHERE cache_key LIKE %s",
            ["%window"],
        )
    assert caches["default"].delete_expired() == 1  # type: ignore[attr-defined]
    assert cache.get("forever") == 4
    cache.clear()


@pytest.mark.django_db
def test_admin_login_is_locked_after_repeated_failures(settings) -> None:  # type: ignore[no-untyped-def]
    get_user_model().objects.create_user("adviser", password="Right-pass-123", is_staff=True)
    login_url = f"/{settings.ADMIN_URL}login/"
    client = Client(REMOTE_ADDR="192.0.2.10")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(login_url, {"username": "adviser", "password": "wrong"})
        assert response.status_code == 200
    locked = client.post(login_url, {"username": "adviser", "password": "wrong"})
    assert locked.status_code == 429
    assert "<h1>Too many attempts</h1>" in locked.content.decode()
    # The failures are stored in the database, where every worker process reads them.
    assert AccessAttempt.objects.filter(username="adviser").exists()
    assert isinstance(AxesProxyHandler.get_implementation(), AxesDatabaseHandler)
    # Even the right password is refused during the lock-out, from that address.
    right = {"username": "adviser", "password": "Right-pass-123"}
    assert client.post(login_url, right).status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_failures_from_one_address_do_not_lock_the_adviser_out_elsewhere(settings) -> None:  # type: ignore[no-untyped-def]
    """Lock-outs are per user name *and* address: a stranger who knows an adviser's user name
    cannot lock them out of the admin."""
    get_user_model().objects.create_user("adviser", password="Right-pass-123", is_staff=True)
    login_url = f"/{settings.ADMIN_URL}login/"
    wrong = {"username": "adviser", "password": "wrong"}
    right = {"username": "adviser", "password": "Right-pass-123"}
    attacker = Client(REMOTE_ADDR="198.51.100.66")
    statuses = [attacker.post(login_url, wrong).status_code for _ in range(5)]
    assert statuses[-1] == 429
    assert attacker.post(login_url, right).status_code == 429  # locked from address A

    adviser = Client(REMOTE_ADDR="192.0.2.10")  # address B: not locked
    assert adviser.post(login_url, right).status_code == 302
    assert adviser.session["_auth_user_id"]


@pytest.mark.django_db
def test_behind_a_proxy_lock_outs_follow_the_forwarded_client(settings) -> None:  # type: ignore[no-untyped-def]
    """With one trusted proxy every request comes from the proxy's address: the lock-out must
    follow the client address the proxy forwarded, not lock everyone behind the proxy."""
    settings.NUM_PROXIES = 1
    get_user_model().objects.create_user("adviser", password="Right-pass-123", is_staff=True)
    login_url = f"/{settings.ADMIN_URL}login/"

    def via_proxy(address: str) -> Client:
        return Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=address)

    for _ in range(5):
        via_proxy("198.51.100.66").post(login_url, {"username": "adviser", "password": "x"})
    right = {"username": "adviser", "password": "Right-pass-123"}
    assert via_proxy("198.51.100.66").post(login_url, right).status_code == 429
    assert via_proxy("192.0.2.10").post(login_url, right).status_code == 302
    assert AccessAttempt.objects.get().ip_address == "198.51.100.66"


# --- Only confirmations that create a result count ------------------------------------------

ANSWERS = "/check/answers/"


@pytest.fixture
def visa_content(db) -> None:  # type: ignore[no-untyped-def]
    call_command("load_visa_content", *FIRST_THREE, verbosity=0)


@pytest.mark.django_db
@pytest.mark.usefixtures("visa_content")
def test_unfinished_confirmations_do_not_count_towards_the_limit(settings) -> None:  # type: ignore[no-untyped-def]
    cache.clear()
    client = Client(REMOTE_ADDR="203.0.113.20")
    first_slug, first_answer = INDIAN_STEM_GRADUATE[0]
    assert client.post(f"/check/{first_slug}/", first_answer).status_code == 302
    for _ in range(40):  # more than RESULT_CREATE_RATE (30/h): answers still unfinished
        response = client.post(ANSWERS)
        assert response.status_code == 302
        assert response["Location"].startswith("/check/")
    for slug, data in INDIAN_STEM_GRADUATE[1:]:
        assert client.post(f"/check/{slug}/", data).status_code == 302
    confirmed = client.post(ANSWERS)
    assert confirmed.status_code == 302
    assert confirmed["Location"].startswith("/r/")
    cache.clear()


@pytest.mark.django_db
@pytest.mark.usefixtures("visa_content", "limit_of_three")
def test_confirmations_and_rechecks_that_create_results_share_the_limit() -> None:
    client = Client(REMOTE_ADDR="203.0.113.21")
    for slug, data in INDIAN_STEM_GRADUATE:
        assert client.post(f"/check/{slug}/", data).status_code == 302
    first = client.post(ANSWERS)
    assert first["Location"].startswith("/r/")
    assert client.post(ANSWERS)["Location"].startswith("/r/")
    recheck = client.post(f"{first['Location']}recheck/")
    assert recheck.status_code == 302
    assert client.post(ANSWERS).status_code == 429
    assert client.post(f"{first['Location']}recheck/").status_code == 429
    assert Result.objects.count() == 3
