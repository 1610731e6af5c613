"""`make bench`: the site under load, as production runs it, in under three minutes.

1. Production settings (DEBUG off, whitenoise, gunicorn with config/gunicorn.py) over plain
   HTTP on localhost; PostgreSQL embedded unless DATABASE_URL is set.
2. migrate, createcachetable, collectstatic, load_visa_content; a questionnaire and a result
   are made by answering the real questions (see ``seed_result``).
3. Queries per request (in process) and first-visit weight (over HTTP, compressed as served).
4. Locust, headless, each endpoint at concurrency 1, 8 and 32 for a few seconds each.
5. A table, bench/results/latest.json, bench/REPORT.md, and PASS/FAIL per target; a missed
   throughput target is profiled with pyinstrument.

``--quick`` is a smoke run (short runs, concurrency 1 and 8); ``--only healthz,home`` picks
endpoints.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from tests.profiles.journey import ENGINEER_IN_INDIA

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench" / "results"
REPORT = BASE_DIR / "bench" / "REPORT.md"

TARGET_RATIO = 0.5  # every page an applicant sees against /healthz, at concurrency 8
TARGET_PAGES = (
    "home",
    "start",
    "step GET",
    "step POST",
    "answers",
    "result",
    "share",
    "program list",
    "program",
)
TARGET_RATIO_AT = 8
TARGET_CREATE_RATIO = 0.3  # result creation (the confirm POST) against /healthz
ENGINE_REPEAT = 300  # evaluations timed per program count
TARGET_FIRST_VISIT_BYTES = 60 * 1024

# One whole journey, as a browser posts it: the profiles app's own test journey.
# The longer journey of the twelve programs in visas/content/ (an engineer in India).
JOURNEY = ENGINEER_IN_INDIA


def production_environment() -> dict[str, str]:
    env = dict(os.environ)
    for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", "TEST_DATABASE_NAME"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="false",  # plain HTTP on localhost; TLS is the proxy's job
        SECURE_COOKIES="false",
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="WARNING",
        # The confirm POST is measured under load: the per-client limit stays in the path
        # (its cache is counted) but is set high enough not to refuse the load generator.
        RESULT_CREATE_RATE="1000000/h",
    )
    if len(env.get("SECRET_KEY", "")) < 50:
        env["SECRET_KEY"] = secrets.token_urlsafe(64)
    if not env.get("DATABASE_URL"):
        # DEBUG off refuses the embedded PostgreSQL unless asked for it explicitly.
        env["EMBEDDED_DATABASE"] = "true"
    env["DATABASE_URL"] = bench_database_url()
    redis_url = bench_redis_url()
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        env.pop("REDIS_URL", None)
    return env


BENCH_DATABASE = "navigator_bench"


def bench_database_url() -> str:
    """DATABASE_URL if set; else a database of its own on the embedded server.

    The developer's own data is never touched and results made by the bench do not pile up
    in it.
    """
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    import psycopg
    from psycopg import errors, sql

    from config.database import embedded_database_url

    url = embedded_database_url(BASE_DIR / ".pgdata")
    with (
        psycopg.connect(url, autocommit=True) as conn,
        contextlib.suppress(errors.DuplicateDatabase),
    ):
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DATABASE)))
    parts = urlsplit(url)
    return parts._replace(path=f"/{BENCH_DATABASE}").geturl()


def database_description() -> str:
    """Which database and shared cache the bench uses, for its report (read before
    production_environment)."""
    database = (
        "DATABASE_URL"
        if os.environ.get("DATABASE_URL")
        else f"embedded PostgreSQL (database {BENCH_DATABASE})"
    )
    cache = "Redis" if bench_redis_url() else "the database cache (no Redis answered)"
    return f"{database}, {cache}"


BENCH_REDIS_URL = "redis://127.0.0.1:6379/15"


def bench_redis_url() -> str:
    """REDIS_URL if set; else a local Redis if one answers, as production runs with one
    (rate-limit counts in Redis, not in a database table). ``BENCH_REDIS=false`` measures
    the database cache instead."""
    if os.environ.get("BENCH_REDIS", "").lower() in ("0", "false", "no", "off"):
        return ""
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.2) as conn:
            conn.sendall(b"PING\r\n")
            conn.settimeout(0.2)
            answered = conn.recv(16).startswith(b"+PONG")
    except OSError:
        return ""
    return BENCH_REDIS_URL if answered else ""


def django_setup(env: dict[str, str]) -> None:
    """Set up Django in this process with the production environment gunicorn gets."""
    os.environ.update(env)
    for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", "TEST_DATABASE_NAME"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def say(message: str) -> None:
    print(message, flush=True)


# --- setting up, in this process ---------------------------------------------------------


def prepare_database() -> list[str]:
    """Migrate, build static files and load the content; return notes on what is missing."""
    from django.core.management import call_command, get_commands

    notes = []
    call_command("migrate", "--noinput", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    if "load_visa_content" in get_commands():
        call_command("load_visa_content", verbosity=0)
    else:
        notes.append("load_visa_content does not exist yet: pages run without visa content.")
    return notes


def seed_result() -> tuple[str, str]:
    """Answer every question and confirm, as an applicant would; return (session key, token).

    Goes through the real views, so it needs nothing but the URLs. Returns empty strings,
    and the endpoints that need a result are skipped, if the journey is not complete.
    """
    from django.conf import settings
    from django.test import Client

    client = Client()
    for slug, data in JOURNEY:
        response = client.post(f"/check/{slug}/", data)
        if response.status_code not in (200, 302):
            return "", ""
    response = client.post("/check/answers/")
    match = re.fullmatch(r"/r/([A-Za-z0-9_-]+)/", response.get("Location", ""))
    if response.status_code != 302 or not match:
        return "", ""
    return client.cookies[settings.SESSION_COOKIE_NAME].value, match.group(1)


def engine_timings(repeat: int = ENGINE_REPEAT) -> list[dict[str, Any]]:
    """Microseconds per full evaluation of the journey's applicant, against the loaded
    programs copied to 3 and to 12 (median and p95), in process."""
    import dataclasses
    import statistics

    from django.utils import timezone

    from profiles import questions
    from visas import rules, selectors

    loaded = selectors.program_rules_list()
    if not loaded:
        return []
    # The answers as the journey's forms save them (amounts with their currency, languages
    # under their keys).
    answers: dict[str, object] = {}
    for slug, data in JOURNEY:
        form = questions.STEPS_BY_SLUG[slug].form_class(data)
        if form.is_valid():
            answers.update(form.to_answers())
    answers = questions.applicable_answers(answers)
    today = timezone.localdate()
    rows = []
    for count in (3, 12):
        programs = [
            dataclasses.replace(loaded[i % len(loaded)], slug=f"{loaded[i % len(loaded)].slug}-{i}")
            for i in range(count)
        ]
        rules.evaluate(programs, answers, today=today)  # warm
        samples = []
        for _ in range(repeat):
            began = time.perf_counter_ns()
            rules.evaluate(programs, answers, today=today)
            samples.append((time.perf_counter_ns() - began) / 1000)
        samples.sort()
        rows.append(
            {
                "programs": count,
                "median_us": round(statistics.median(samples)),
                "p95_us": round(samples[int(len(samples) * 0.95) - 1]),
                "repeat": repeat,
            }
        )
    return rows


def count_queries(endpoints: list[Any], session: str) -> dict[str, int | None]:
    """Database queries for one request to each endpoint (the page already warm)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts: dict[str, int | None] = {}
    for endpoint in endpoints:
        client = Client()
        if endpoint.session and session:
            client.cookies[settings.SESSION_COOKIE_NAME] = session
        data = dict(endpoint.form)
        request = client.post if endpoint.method == "POST" else client.get
        if endpoint.expect != 302 or endpoint.method != "POST" or not endpoint.session:
            # A warm-up request (not for a POST that creates something).
            request(endpoint.path, data) if endpoint.method == "POST" else request(endpoint.path)
        with CaptureQueriesContext(connection) as queries:
            response = (
                request(endpoint.path, data)
                if endpoint.method == "POST"
                else request(endpoint.path)
            )
        counts[endpoint.name] = len(queries) if response.status_code < 400 else None
    return counts


def profile_endpoint(endpoint: Any, session: str, requests: int = 30) -> str:
    """Where the time of one endpoint goes, in process, as pyinstrument's text tree."""
    from django.conf import settings
    from django.test import Client
    from pyinstrument import Profiler

    client = Client()
    if endpoint.session and session:
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    request = client.post if endpoint.method == "POST" else client.get
    data = dict(endpoint.form)  # a POST sends its form, as under load
    request(endpoint.path, data)
    profiler = Profiler(interval=0.001)
    profiler.start()
    for _ in range(requests):
        request(endpoint.path, data)
    profiler.stop()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"profile-{endpoint.name}.html").write_text(profiler.output_html())
    return profiler.output_text(unicode=False, color=False, show_all=False)


# --- over HTTP ---------------------------------------------------------------------------


class _Resources(HTMLParser):
    """The URLs a browser fetches while loading the page (not the links it shows)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        rel = (found.get("rel") or "").lower()
        if tag in ("script", "img", "iframe", "audio", "video", "source", "embed") and found.get(
            "src"
        ):
            self.urls.append(found["src"] or "")
        elif tag == "link" and found.get("href") and rel not in ("canonical", "alternate"):
            self.urls.append(found["href"] or "")
        elif tag == "object" and found.get("data"):
            self.urls.append(found["data"] or "")


def http_get(url: str, cookie: str = "") -> tuple[int, bytes, dict[str, str]]:
    headers = {"Accept-Encoding": "br, gzip", "User-Agent": "bench"}
    if cookie:
        headers["Cookie"] = cookie
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def first_visit(base: str, path: str, cookie: str = "") -> dict[str, Any]:
    """Bytes on the wire for the page and everything it loads, as served (br or gzip)."""
    status, html_bytes, headers = http_get(base + path, cookie)
    parser = _Resources()
    parser.feed(html_bytes.decode("utf-8", "replace") if "Content-Encoding" not in headers else "")
    if headers.get("Content-Encoding"):
        # The page itself came compressed: read it again plainly to find its resources.
        plain = urllib.request.urlopen(base + path, timeout=15).read()
        parser.feed(plain.decode("utf-8", "replace"))
    host = urlsplit(base).netloc
    third_party = []
    assets: list[dict[str, Any]] = []
    for url in parser.urls:
        absolute = urljoin(base + path, url)
        if urlsplit(absolute).netloc != host:
            third_party.append(absolute)
            continue
        asset_status, body, asset_headers = http_get(absolute)
        assets.append(
            {
                "url": urlsplit(absolute).path,
                "status": asset_status,
                "bytes": len(body),
                "encoding": asset_headers.get("Content-Encoding", "identity"),
            }
        )
    total = len(html_bytes) + sum(a["bytes"] for a in assets)
    return {
        "status": status,
        "html_bytes": len(html_bytes),
        "html_encoding": headers.get("Content-Encoding", "identity"),
        "assets": assets,
        "total_bytes": total,
        "third_party": third_party,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_gunicorn(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESS_LOG": ""},
        cwd=BASE_DIR,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited at start: see its messages above.")
        try:
            if http_get(f"http://127.0.0.1:{port}/healthz")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)  # not listening yet, or not healthy yet: ask again shortly
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 60 s.")


def load_run(
    plan: dict[str, Any], *, while_running: Callable[[], None] | None = None, every: float = 1.0
) -> Any:
    """Run bench.load on a plan in a process of its own and return what it wrote.

    Locust patches the standard library for gevent when imported, so it never runs in this
    (Django) process. ``while_running`` is called every ``every`` seconds until it ends.
    """
    with tempfile.TemporaryDirectory() as folder:
        plan_path, out = Path(folder) / "plan.json", Path(folder) / "out.json"
        plan_path.write_text(json.dumps(plan))
        load = subprocess.Popen(
            [sys.executable, "-m", "bench.load", str(plan_path), str(out)], cwd=BASE_DIR
        )
        try:
            while True:
                try:
                    load.wait(timeout=every)
                    break
                except subprocess.TimeoutExpired:
                    if while_running is not None:
                        while_running()
        finally:
            if load.poll() is None:
                load.terminate()
                load.wait(timeout=30)
        if load.returncode != 0:
            raise SystemExit(f"The load generator failed (exit status {load.returncode}).")
        return json.loads(out.read_text())


def run_load(base: str, runs: list[dict[str, Any]], session: str, seconds: float) -> list[dict]:
    return list(load_run({"host": base, "session": session, "seconds": seconds, "runs": runs}))


# --- reporting ---------------------------------------------------------------------------


def table(rows: list[dict[str, Any]], queries: dict[str, int | None]) -> str:
    lines = [
        "| endpoint | c | req/s | x healthz | p50 ms | p95 ms | p99 ms | errors | queries |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        ratio = row.get("ratio")
        lines.append(
            f"| {row['endpoint']} | {row['concurrency']} | {row['rps']:.1f} | "
            f"{'' if ratio is None else f'{ratio:.2f}'} | {row['p50_ms']:.0f} | "
            f"{row['p95_ms']:.0f} | {row['p99_ms']:.0f} | {row['errors']} | "
            f"{'' if queries.get(row['endpoint']) is None else queries[row['endpoint']]} |"
        )
    return "\n".join(lines)


def engine_table(engine: list[dict[str, Any]]) -> str:
    lines = ["| programs | median µs | p95 µs | evaluations |", "|---:|---:|---:|---:|"]
    for row in engine:
        lines.append(
            f"| {row['programs']} | {row['median_us']} | {row['p95_us']} | {row['repeat']} |"
        )
    return "\n".join(lines)


def weight_table(weights: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| page | HTML bytes (encoding) | assets | first visit total | third-party |",
        "|---|---:|---:|---:|---|",
    ]
    for name, weight in weights.items():
        lines.append(
            f"| {name} | {weight['html_bytes']} ({weight['html_encoding']}) | "
            f"{sum(a['bytes'] for a in weight['assets'])} in {len(weight['assets'])} files | "
            f"{weight['total_bytes'] / 1024:.1f} KB | {', '.join(weight['third_party']) or 'none'} |"
        )
    return "\n".join(lines)


def evaluate_targets(
    rows: list[dict[str, Any]], weights: dict[str, dict[str, Any]]
) -> list[tuple[str, bool, str]]:
    targets = []
    for name in TARGET_PAGES:
        row = next(
            (r for r in rows if r["endpoint"] == name and r["concurrency"] == TARGET_RATIO_AT),
            None,
        )
        if row is None:
            targets.append(
                (f"{name} ≥ {TARGET_RATIO}x /healthz at c={TARGET_RATIO_AT}", False, "not measured")
            )
        else:
            targets.append(
                (
                    f"{name} ≥ {TARGET_RATIO}x /healthz at c={TARGET_RATIO_AT}",
                    row["ratio"] is not None and row["ratio"] >= TARGET_RATIO,
                    f"{row['ratio']:.2f}x" if row["ratio"] is not None else "no baseline",
                )
            )
    row = next(
        (r for r in rows if r["endpoint"] == "create" and r["concurrency"] == TARGET_RATIO_AT),
        None,
    )
    name = f"create ≥ {TARGET_CREATE_RATIO}x /healthz at c={TARGET_RATIO_AT}"
    if row is None:
        targets.append((name, False, "not measured"))
    else:
        ratio = row["ratio"]
        detail = f"{ratio:.2f}x" if ratio is not None else "no baseline"
        targets.append((name, ratio is not None and ratio >= TARGET_CREATE_RATIO, detail))
    errors = sum(r["errors"] for r in rows)
    targets.append(("zero errors", errors == 0, f"{errors} errors"))
    heaviest = max(weights.items(), key=lambda item: item[1]["total_bytes"], default=None)
    if heaviest:
        targets.append(
            (
                "first visit < 60 KB compressed",
                heaviest[1]["total_bytes"] < TARGET_FIRST_VISIT_BYTES,
                f"heaviest: {heaviest[0]} {heaviest[1]['total_bytes'] / 1024:.1f} KB",
            )
        )
    third = sorted({u for w in weights.values() for u in w["third_party"]})
    targets.append(("no third-party requests", not third, ", ".join(third) or "none"))
    return targets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 s at c=1 and 8")
    parser.add_argument("--only", default="", help="comma-separated endpoint names")
    parser.add_argument("--seconds", type=float, default=None, help="duration of each run")
    parser.add_argument("--concurrency", default="", help="e.g. 1,8,32")
    parser.add_argument("--no-profile", action="store_true", help="do not profile misses")
    args = parser.parse_args(argv)
    seconds = args.seconds or (1.0 if args.quick else 5.0)
    levels = [int(c) for c in (args.concurrency or ("1,8" if args.quick else "1,8,32")).split(",")]

    started = time.monotonic()
    database = database_description()
    env = production_environment()
    django_setup(env)
    from bench.endpoints import endpoints as all_endpoints

    say("Preparing: migrate, static files, content ...")
    notes = prepare_database()
    session, token = seed_result()
    say("Timing the rules engine ...")
    engine = engine_timings()
    if not token:
        notes.append(
            "No result could be made by answering the questions: answers, result "
            "and share are skipped (fill in bench.run.seed_result)."
        )
    chosen = all_endpoints(token)
    if args.only:
        wanted = {name.strip() for name in args.only.split(",")}
        chosen = [e for e in chosen if e.name in wanted]
    if not any(e.name == "healthz" for e in chosen):
        chosen.insert(0, all_endpoints(token)[0])  # the baseline is always measured

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    say(f"Starting gunicorn on {base} ...")
    server = start_gunicorn(env, port)
    try:
        measured = []
        for endpoint in chosen:
            if endpoint.needs_result and not token:
                continue
            cookie = f"sessionid={session}" if endpoint.session else ""
            if endpoint.method == "GET":
                status = http_get(base + endpoint.path, cookie)[0]
                if status != endpoint.expect:
                    notes.append(f"{endpoint.name} ({endpoint.path}) answers {status}: skipped.")
                    continue
            measured.append(endpoint)
        queries = count_queries(measured, session)
        weights = {
            e.name: first_visit(base, e.path, f"sessionid={session}" if e.session else "")
            for e in measured
            if e.html
        }
        runs = [{"endpoint": asdict(e), "users": users} for users in levels for e in measured]
        say(f"Load: {len(measured)} endpoints x concurrency {levels}, {seconds:g} s each ...")
        rows = run_load(base, runs, session, seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)

    baseline = {r["concurrency"]: r["rps"] for r in rows if r["endpoint"] == "healthz"}
    for row in rows:
        base_rps = baseline.get(row["concurrency"])
        row["ratio"] = round(row["rps"] / base_rps, 2) if base_rps else None
    rows.sort(key=lambda r: ([e.name for e in measured].index(r["endpoint"]), r["concurrency"]))
    targets = evaluate_targets(rows, weights)

    profiles: dict[str, str] = {}
    if not args.no_profile:
        for name, passed, _ in targets:
            if not passed and "x" in name:
                endpoint = next(e for e in measured if e.name == name.split(" ≥ ")[0])
                profiles[endpoint.name] = profile_endpoint(endpoint, session)

    report = {
        "mode": "quick" if args.quick else "full",
        "seconds_per_run": seconds,
        "concurrency": levels,
        "gunicorn_workers": _workers(),
        "cpu_count": os.cpu_count(),
        "database": database,
        "runs": rows,
        "queries_per_request": queries,
        "first_visit": weights,
        "engine": engine,
        "targets": [{"target": n, "pass": p, "detail": d} for n, p, d in targets],
        "notes": notes,
        "total_seconds": round(time.monotonic() - started, 1),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2))
    markdown = render_report(report, rows, queries, weights, targets, profiles)
    if not args.quick and not args.only:
        REPORT.write_text(markdown)
    say("\n" + markdown)
    say(f"Written: {RESULTS / 'latest.json'}" + ("" if args.quick or args.only else f", {REPORT}"))
    return 0 if all(passed for _, passed, _ in targets) else 1


def _workers() -> int:
    from config import gunicorn as gunicorn_settings

    return int(gunicorn_settings.workers)


def render_report(
    report: dict[str, Any],
    rows: list[dict[str, Any]],
    queries: dict[str, int | None],
    weights: dict[str, dict[str, Any]],
    targets: list[tuple[str, bool, str]],
    profiles: dict[str, str],
) -> str:
    parts = [
        "# Benchmark report",
        "",
        f"`make bench` on {report['cpu_count']} cores, gunicorn with {report['gunicorn_workers']} "
        f"sync workers, {report['database']}, DEBUG off, {report['seconds_per_run']:g} s per run "
        f"(after a short warm-up), closed-loop locust users (no think time). "
        f"Whole run: {report['total_seconds']:.0f} s.",
        "",
        "## Throughput and latency",
        "",
        table(rows, queries),
        "",
        "## Rules engine (in process, one applicant, every program evaluated)",
        "",
        engine_table(report.get("engine", [])),
        "",
        "## First visit (HTML, CSS, JS as served, Accept-Encoding: br, gzip)",
        "",
        weight_table(weights),
        "",
        "## Targets",
        "",
        *[
            f"- {'PASS' if passed else 'FAIL'}: {name} ({detail})"
            for name, passed, detail in targets
        ],
    ]
    if report["notes"]:
        parts += ["", "## Notes", "", *[f"- {note}" for note in report["notes"]]]
    for name, text in profiles.items():
        top = "\n".join(text.splitlines()[:60])
        parts += ["", f"## Profile of {name} (pyinstrument, in process)", "", "```", top, "```"]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
