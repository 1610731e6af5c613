"""Drive one endpoint after another with locust, in one process (no start-up per run); or,
for the soak, many users walking the whole journey for minutes.

Run by bench/run.py and bench/soak.py as ``python -m bench.load PLAN.json OUT.json``; locust
patches the standard library for gevent on import, so it never runs inside the Django process.
"""

from __future__ import annotations

import json
import os
import sys
import time

import gevent
from locust.env import Environment

from bench.endpoints import Endpoint
from bench.locustfile import Soak, journey_user_class, user_class

WARM_UP_SECONDS = 0.4
RAMP_UP_SECONDS = 10  # the soak's users arrive over this time
FINISH_SECONDS = 60  # at the end of a soak, how long the journeys under way may take


def measure(host: str, endpoint: Endpoint, session: str, users: int, seconds: float) -> dict:
    env = Environment(user_classes=[user_class(endpoint, session)], host=host)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)  # all within the first second
    gevent.sleep(WARM_UP_SECONDS)  # connections open, CSRF tokens fetched
    env.stats.reset_all()
    started = time.monotonic()
    gevent.sleep(seconds)
    stats = env.stats.get(endpoint.name, endpoint.method)
    elapsed = time.monotonic() - started
    row = {
        "endpoint": endpoint.name,
        "path": endpoint.path,
        "concurrency": users,
        "seconds": round(elapsed, 2),
        "requests": stats.num_requests,
        "errors": stats.num_failures,
        "rps": round(stats.num_requests / elapsed, 1),
        "p50_ms": stats.get_response_time_percentile(0.5) or 0,
        "p95_ms": stats.get_response_time_percentile(0.95) or 0,
        "p99_ms": stats.get_response_time_percentile(0.99) or 0,
        "error_samples": [str(e.error)[:200] for e in list(env.stats.errors.values())[:3]],
    }
    runner.quit()
    return row


def soak(plan: dict) -> dict:
    """Users walk the whole journey until the time is up; the journeys under way then finish,
    so every result created is known. Every request counts, from the first."""
    seconds, users = plan["seconds"], plan["users"]
    journey = [(slug, data) for slug, data in plan["journey"]]
    state = Soak(deadline=time.monotonic() + seconds)
    env = Environment(user_classes=[journey_user_class(journey, state)], host=plan["host"])
    runner = env.create_local_runner()
    started = time.monotonic()
    # Applicants arrive over the first seconds rather than all at once, in step.
    runner.start(users, spawn_rate=users / RAMP_UP_SECONDS)
    every = max(10.0, seconds / 10)
    while time.monotonic() < state.deadline:
        gevent.sleep(min(every, max(state.deadline - time.monotonic(), 0)))
        total = env.stats.total
        print(
            f"  {time.monotonic() - started:>5.0f} s  {state.journeys_completed} journeys, "
            f"{total.num_requests} requests, {total.current_rps:.0f} req/s now, "
            f"errors {total.num_failures}, load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    finish_by = time.monotonic() + FINISH_SECONDS
    while state.journeys_in_flight and time.monotonic() < finish_by:
        gevent.sleep(0.1)
    elapsed = time.monotonic() - started
    unfinished = state.journeys_in_flight
    runner.quit()
    rows = [
        {
            "endpoint": entry.name,
            "method": entry.method,
            "requests": entry.num_requests,
            "errors": entry.num_failures,
            "rps": round(entry.num_requests / elapsed, 1),
            "p50_ms": entry.get_response_time_percentile(0.5) or 0,
            "p95_ms": entry.get_response_time_percentile(0.95) or 0,
            "p99_ms": entry.get_response_time_percentile(0.99) or 0,
            "max_ms": round(entry.max_response_time or 0),
        }
        for entry in env.stats.entries.values()
    ]
    return {
        "seconds": round(elapsed, 1),
        "users": users,
        "journeys_started": state.journeys_started,
        "journeys_completed": state.journeys_completed,
        "journeys_unfinished": unfinished,
        "tokens": state.tokens,
        "rows": rows,
        "errors": [
            {"endpoint": e.name, "method": e.method, "error": str(e.error), "count": e.occurrences}
            for e in env.stats.errors.values()
        ],
        "exceptions": [
            {"error": str(e["msg"]), "count": e["count"], "traceback": e["traceback"]}
            for e in runner.exceptions.values()
        ],
    }


def main(plan_path: str, out_path: str) -> None:
    with open(plan_path) as f:
        plan = json.load(f)
    if "journey" in plan:
        with open(out_path, "w") as f:
            json.dump(soak(plan), f)
        return
    rows = []
    for item in plan["runs"]:
        endpoint = Endpoint(
            **{**item["endpoint"], "form": tuple(map(tuple, item["endpoint"]["form"]))}
        )
        row = measure(plan["host"], endpoint, plan["session"], item["users"], plan["seconds"])
        rows.append(row)
        print(
            f"  {row['endpoint']:<10} c={row['concurrency']:<3} {row['rps']:>8.1f} req/s  "
            f"p50 {row['p50_ms']:>5.0f} ms  p95 {row['p95_ms']:>5.0f} ms  errors {row['errors']}",
            flush=True,
        )
    with open(out_path, "w") as f:
        json.dump(rows, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
