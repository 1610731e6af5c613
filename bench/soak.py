"""`make bench-soak`: the whole applicant journey under steady load for five minutes.

The server is the one `make bench` measures (bench/run.py: production settings, gunicorn with
config/gunicorn.py, the bench's own database). 32 locust users walk the journey again and
again, each time as a new applicant: start page, every question (GET and POST), check your
answers, confirm, the result, its share link without cookies, the program list and a
program page. Then every result created is read back over HTTP.

PASS needs zero errors (any unexpected status or redirect, counted per endpoint) and every
result created retrievable afterwards. The memory of each gunicorn worker (VmRSS) is
reported at the start, during the run and at the end. Writes bench/SOAK.md and
bench/results/soak.json; the exit status is 1 on FAIL.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.run import (
    JOURNEY,
    RESULTS,
    _workers,
    database_description,
    django_setup,
    free_port,
    http_get,
    load_run,
    prepare_database,
    production_environment,
    say,
    start_gunicorn,
)

BASE_DIR = Path(__file__).resolve().parent.parent
REPORT = BASE_DIR / "bench" / "SOAK.md"
SOAK_SECONDS = 300.0
SOAK_USERS = 32
MEMORY_SAMPLES = 10  # during the run, besides its start and end
READ_BACK_CONCURRENCY = 4


# --- gunicorn's memory, from /proc -------------------------------------------------------


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (gunicorn's workers, for its master)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # ended meanwhile
            continue
        # "pid (name) state ppid ...": the name may hold spaces and parentheses.
        fields = stat.rpartition(")")[2].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def rss_kb(pid: int) -> int | None:
    """Resident memory of a process in KiB (VmRSS), or None if it has ended."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return None


def workers_wait(master: int, expected: int, timeout: float = 60) -> None:
    """Wait until gunicorn has forked all its workers: /healthz answers after the first."""
    deadline = time.monotonic() + timeout
    while len(children(master)) < expected and time.monotonic() < deadline:
        time.sleep(0.2)


@dataclass
class MemorySample:
    elapsed: float
    master_kb: int | None
    workers: dict[int, int]  # pid: VmRSS KiB
    load_average: float  # the machine's, over the last minute: other work slows the run


def memory_sample(master: int, started: float) -> MemorySample:
    workers = {pid: kb for pid in children(master) if (kb := rss_kb(pid)) is not None}
    return MemorySample(
        round(time.monotonic() - started, 1), rss_kb(master), workers, os.getloadavg()[0]
    )


# --- reading back the results ------------------------------------------------------------


def results_retrieve(base: str, tokens: list[str]) -> dict[str, int]:
    """The status each result link answers now, without cookies, by token (0: no answer)."""

    def status(token: str) -> int:
        try:
            return http_get(f"{base}/r/{token}/")[0]
        except OSError:
            return 0

    with ThreadPoolExecutor(max_workers=READ_BACK_CONCURRENCY) as pool:
        return dict(zip(tokens, pool.map(status, tokens), strict=True))


# --- reporting ---------------------------------------------------------------------------


def endpoint_order(row: dict[str, Any]) -> int:
    names = ["start"]
    for slug, _ in JOURNEY:
        names += [f"step GET {slug}", f"step POST {slug}"]
    names += ["answers", "create", "result", "share", "programs", "program"]
    return names.index(row["endpoint"]) if row["endpoint"] in names else len(names)


def mb(kb: int | None) -> str:
    return "" if kb is None else f"{kb / 1024:.1f}"


def requests_table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| endpoint | method | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['endpoint']} | {row['method']} | {row['requests']} | {row['errors']} | "
            f"{row['rps']:.1f} | {row['p50_ms']:.0f} | {row['p95_ms']:.0f} | "
            f"{row['p99_ms']:.0f} | {row['max_ms']} |"
        )
    total = sum(r["requests"] for r in rows)
    errors = sum(r["errors"] for r in rows)
    lines.append(f"| **all** | | {total} | {errors} | {sum(r['rps'] for r in rows):.1f} | | | | |")
    return "\n".join(lines)


def memory_table(samples: list[MemorySample]) -> str:
    first = set(samples[0].workers)
    lines = [
        "| at | workers | all workers MB | smallest MB | largest MB | replaced since start | "
        "master MB | load average |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for sample in samples:
        sizes = list(sample.workers.values())
        lines.append(
            f"| {sample.elapsed:.0f} s | {len(sizes)} | {mb(sum(sizes))} | "
            f"{mb(min(sizes, default=None))} | {mb(max(sizes, default=None))} | "
            f"{len(set(sample.workers) - first)} | {mb(sample.master_kb)} | "
            f"{sample.load_average:.1f} |"
        )
    return "\n".join(lines)


def workers_table(start: MemorySample, end: MemorySample) -> str:
    lines = ["| worker | at the start MB | at the end MB |", "|---|---:|---:|"]
    for pid in sorted(set(start.workers) | set(end.workers)):
        before, after = start.workers.get(pid), end.workers.get(pid)
        note = "" if pid in start.workers else " (started during the run)"
        lines.append(f"| {pid}{note} | {mb(before) or 'replaced'} | {mb(after) or 'replaced'} |")
    return "\n".join(lines)


def render_report(report: dict[str, Any], samples: list[MemorySample]) -> str:
    load = report["load"]
    start, end = samples[0], samples[-1]
    parts = [
        "# Soak report",
        "",
        f"`make bench-soak` on {report['cpu_count']} cores, gunicorn with "
        f"{report['gunicorn_workers']} sync workers (each replaced after about "
        f"{report['gunicorn_max_requests']} requests, as in production), {report['database']}, "
        f"DEBUG off. {load['users']} closed-loop locust users (no think time) walked the whole "
        f"journey for {report['seconds']:g} s, each time as a new applicant; the journeys under "
        f"way then finished ({load['seconds']:.0f} s of load). Whole run: "
        f"{report['total_seconds']:.0f} s.",
        "",
        f"Journeys: {load['journeys_completed']} completed of {load['journeys_started']} "
        f"started; results created: {len(load['tokens'])}.",
        "",
        "## Requests",
        "",
        requests_table(report["rows"]),
    ]
    if report["errors"]:
        parts += [
            "",
            "## Errors",
            "",
            "| endpoint | method | error | count |",
            "|---|---|---|---:|",
            *[
                f"| {e['endpoint']} | {e['method']} | {e['error']} | {e['count']} |"
                for e in report["errors"]
            ],
        ]
    retrieved = report["retrieved"]
    parts += [
        "",
        "## Results read back after the load",
        "",
        f"{retrieved['ok']} of {retrieved['created']} result links answered 200 without "
        f"cookies, {retrieved['seconds']:.0f} s after the load ended."
        + (
            f" Missing: {', '.join(retrieved['missing_statuses'])}."
            if retrieved["missing_statuses"]
            else ""
        ),
        "",
        "## Gunicorn memory (VmRSS)",
        "",
        memory_table(samples),
        "",
        f"Load average: the machine's over the last minute ({report['cpu_count']} cores; the "
        "load generator and PostgreSQL run on them too).",
        "",
        workers_table(start, end),
        "",
        "## Targets",
        "",
        *[
            f"- {'PASS' if passed else 'FAIL'}: {name} ({detail})"
            for name, passed, detail in report["targets"]
        ],
    ]
    if report["notes"]:
        parts += ["", "## Notes", "", *[f"- {note}" for note in report["notes"]]]
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", type=float, default=SOAK_SECONDS, help="how long the load lasts"
    )
    parser.add_argument(
        "--users", type=int, default=SOAK_USERS, help="concurrent users (closed loop)"
    )
    args = parser.parse_args(argv)

    started = time.monotonic()
    database = database_description()
    env = production_environment()
    django_setup(env)
    say("Preparing: migrate, static files, content ...")
    notes = prepare_database()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    say(f"Starting gunicorn on {base} ...")
    server = start_gunicorn(env, port)
    try:
        workers_wait(server.pid, _workers())
        load_started = time.monotonic()
        samples = [memory_sample(server.pid, load_started)]
        say(
            f"Soak: {args.users} users walking the whole journey for {args.seconds:g} s, "
            f"{len(samples[0].workers)} workers ..."
        )
        interval = args.seconds / MEMORY_SAMPLES

        def sample_memory() -> None:
            if time.monotonic() - load_started >= samples[-1].elapsed + interval:
                samples.append(memory_sample(server.pid, load_started))

        load = load_run(
            {
                "host": base,
                "seconds": args.seconds,
                "users": args.users,
                "journey": JOURNEY,
            },
            while_running=sample_memory,
        )
        samples.append(memory_sample(server.pid, load_started))
        load_ended = time.monotonic()
        say(f"Reading back {len(load['tokens'])} results ...")
        statuses = results_retrieve(base, load["tokens"])
        retrieved_after = time.monotonic() - load_ended
        if server.poll() is not None:
            notes.append(f"gunicorn's master exited during the run (status {server.returncode}).")
    finally:
        server.terminate()
        server.wait(timeout=30)

    rows = sorted(load["rows"], key=endpoint_order)
    errors = sorted(load["errors"], key=endpoint_order)
    exceptions = load["exceptions"]
    for exception in exceptions:
        errors.append(
            {
                "endpoint": "(load generator)",
                "method": "",
                "error": exception["error"],
                "count": exception["count"],
            }
        )
    error_count = sum(e["count"] for e in errors)
    request_count = sum(r["requests"] for r in rows)
    created = len(load["tokens"])
    ok = sum(status == 200 for status in statuses.values())
    missing: dict[int, int] = {}
    for status in statuses.values():
        if status != 200:
            missing[status] = missing.get(status, 0) + 1
    if load["journeys_unfinished"]:
        notes.append(f"{load['journeys_unfinished']} journeys had not finished a minute later.")
    targets = [
        ("zero errors", error_count == 0, f"{error_count} errors in {request_count} requests"),
        (
            "every result created during the soak retrievable afterwards",
            created > 0 and ok == created,
            f"{ok} of {created}",
        ),
    ]
    start, end = samples[0], samples[-1]
    report = {
        "seconds": args.seconds,
        "users": args.users,
        "gunicorn_workers": _workers(),
        "gunicorn_max_requests": _max_requests(),
        "cpu_count": os.cpu_count(),
        "database": database,
        "load": {k: v for k, v in load.items() if k not in ("rows", "errors", "exceptions")},
        "rows": rows,
        "errors": errors,
        "retrieved": {
            "created": created,
            "ok": ok,
            "missing_statuses": [
                f"{count} answered {status or 'nothing'}" for status, count in missing.items()
            ],
            "seconds": round(retrieved_after, 1),
        },
        "memory": [
            {
                "elapsed": s.elapsed,
                "master_kb": s.master_kb,
                "workers_kb": s.workers,
                "load_average": s.load_average,
            }
            for s in samples
        ],
        "targets": targets,
        "notes": notes,
        "total_seconds": round(time.monotonic() - started, 1),
    }
    markdown = render_report(report, samples)
    report["load"]["tokens"] = len(load["tokens"])  # a count: the links are keys to answers
    report["targets"] = [{"target": n, "pass": p, "detail": d} for n, p, d in targets]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "soak.json").write_text(json.dumps(report, indent=2))
    REPORT.write_text(markdown)
    say("\n" + markdown)
    say(
        f"Memory: workers {mb(sum(start.workers.values()))} MB at the start, "
        f"{mb(sum(end.workers.values()))} MB at the end (largest "
        f"{mb(max(start.workers.values(), default=None))} -> "
        f"{mb(max(end.workers.values(), default=None))} MB)."
    )
    say(f"Written: {RESULTS / 'soak.json'}, {REPORT}")
    return 0 if all(passed for _, passed, _ in targets) else 1


def _max_requests() -> int:
    from config import gunicorn as gunicorn_settings

    return int(gunicorn_settings.max_requests)


if __name__ == "__main__":
    raise SystemExit(main())
