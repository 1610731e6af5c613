"""Drive one endpoint after another with locust, in one process (no start-up per run).

Run by bench/run.py as ``python -m bench.load PLAN.json OUT.json``; locust patches the
standard library for gevent on import, so it never runs inside the Django process.
"""

from __future__ import annotations

import json
import sys
import time

import gevent
from locust.env import Environment

from bench.endpoints import Endpoint
from bench.locustfile import user_class

WARM_UP_SECONDS = 0.4


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


def main(plan_path: str, out_path: str) -> None:
    with open(plan_path) as f:
        plan = json.load(f)
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
