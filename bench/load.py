"""Benchmark: 20 clients browsing the API of a served dbadmin on a 5,000-table Dev branch while
checkpoints of Prod are created and restored, over and over.

Two phases in one run, same clients and requests (tables pages, one table's details, the
audit log): a baseline with Prod idle, then the same load with Prod's checkpoint work.
Prints requests/s, p50/p95/p99 latency, errors and the server process's memory for both,
and the second phase as ratios of the first.  Goals: 0 errors, p95 under 300 ms for reads,
memory flat (RSS at the end of the loaded phase within 10% of its start).

    python bench/load.py [--clients 20] [--seconds 60] [--tables 5000] [--listing-cache-seconds S]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import bench_server  # noqa: E402
from bench.introspection import build_schema  # noqa: E402
from dbadmin.services.operations import access as auth  # noqa: E402
from dbadmin.services.operations.access import Principal, Role  # noqa: E402
from dbadmin.services.embedded import example_migrations  # noqa: E402
from dbadmin.services.startup import open_context

BENCH = Principal("bench", Role.ADMIN, "bench")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else float("nan")


def browse(
    base: str, token: str, tables: int, stop: threading.Event, latencies: list[float], errors: list[str]
) -> None:
    """One client: a page of tables (sorted several ways), a table's details, the audit log."""
    paths = [
        ("page", lambda: f"/api/admin/db/dev/tables?limit=50&offset={random.randrange(0, tables, 50)}"),
        (
            "sorted",
            lambda: f"/api/admin/db/dev/tables?sort={random.choice(['size', 'rows', 'name'])}&desc=true&limit=25",
        ),
        ("search", lambda: f"/api/admin/db/dev/tables?search=t0{random.randrange(100, 499)}"),
        ("details", lambda: f"/api/admin/db/dev/tables/public/t{random.randrange(tables):05d}"),
        ("audit", lambda: "/api/admin/db/audit?limit=50"),
    ]
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        while not stop.is_set():
            kind, make = random.choice(paths)
            path = make()
            started = time.perf_counter()
            try:
                answer = client.get(path)
                if answer.status_code != 200:
                    errors.append(f"{answer.status_code} {path}")
            except httpx.HTTPError as exc:
                errors.append(f"{type(exc).__name__} {path}")
            latencies.append((kind, time.perf_counter() - started))


def churn(base: str, token: str, stop: threading.Event, done: list[str], errors: list[str]) -> None:
    """Prod: create a checkpoint, restore it, again and again (a release rehearsal on a loop)."""
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=300) as client:
        while not stop.is_set():
            made = client.post("/api/admin/db/prod/checkpoints", json={"label": "load", "strategy": "dump"})
            if made.status_code != 201:
                errors.append(f"create {made.status_code} {made.text[:200]}")
                time.sleep(1)
                continue
            checkpoint = made.json()["id"]
            restored = client.post(
                f"/api/admin/db/prod/checkpoints/{checkpoint}/restore", json={"confirm": f"RESTORE {checkpoint}"}
            )
            if restored.status_code != 200:
                errors.append(f"restore {restored.status_code} {restored.text[:200]}")
            done.append("create+restore")


def phase(
    name: str, base: str, token: str, pid: int, clients: int, seconds: float, tables: int, with_churn: bool
) -> dict:
    stop = threading.Event()
    latencies: list[float] = []
    errors: list[str] = []
    churned: list[str] = []
    memory: list[float] = []
    threads = [
        threading.Thread(target=browse, args=(base, token, tables, stop, latencies, errors)) for _ in range(clients)
    ]
    if with_churn:
        threads.append(threading.Thread(target=churn, args=(base, token, stop, churned, errors)))
    started = time.monotonic()
    for thread in threads:
        thread.start()
    while time.monotonic() - started < seconds:
        memory.append(rss_mib(pid))
        time.sleep(1)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    quarter = max(1, len(memory) // 4)
    by_kind = {
        kind: percentile([t for k, t in latencies if k == kind], 0.95) * 1000
        for kind in sorted({k for k, _ in latencies})
    }
    latencies = [t for _, t in latencies]
    result = {
        "name": name,
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "errors": len(errors),
        "p50": percentile(latencies, 0.50) * 1000,
        "p95": percentile(latencies, 0.95) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "rss_peak": max(memory),
        "rss_start": statistics.mean(memory[:quarter]),
        "rss_end": statistics.mean(memory[-quarter:]),
        "churned": len(churned),
        "error_samples": errors[:5],
        "p95_by_kind": by_kind,
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--baseline-seconds", type=float, default=20)
    parser.add_argument("--tables", type=int, default=5000)
    parser.add_argument(
        "--listing-cache-seconds",
        type=float,
        default=None,
        help="LISTING_CACHE_SECONDS of the served console (0: read the catalog for every page)",
    )
    args = parser.parse_args()
    with bench_server("dev", "prod", "control") as server:
        build_schema(server.urls["dev"], args.tables)
        with psycopg.connect(server.urls["prod"], autocommit=True) as conn:  # Prod: ~100 MB to copy
            conn.execute(
                "CREATE TABLE events AS SELECT g AS id, md5(g::text) AS payload FROM generate_series(1, 1000000) g"
            )
        settings = server.settings(migrations=example_migrations(), checkpoint_dir=server.work / "store")
        with open_context(settings) as context:
            _, token = auth.create_token(context, name="load", role="admin", created_by=BENCH)
        port = 18000 + os.getpid() % 1000
        env = {
            **os.environ,
            "DEV_DATABASE_URL": server.urls["dev"],
            "PROD_DATABASE_URL": server.urls["prod"],
            "ADMIN_DATABASE_URL": server.urls["control"],
            "MIGRATIONS": str(example_migrations()),
            "CHECKPOINT_DIR": str(server.work / "store"),
            "DBADMIN_DATA_DIR": str(server.work / "data"),
            "ACTION_RATE_LIMIT": "10000",
            "POOL_MAX_SIZE": "10",
        }
        if args.listing_cache_seconds is not None:
            env["LISTING_CACHE_SECONDS"] = str(args.listing_cache_seconds)
        process = subprocess.Popen(
            [sys.executable, "-m", "dbadmin", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            baseline = phase(
                "reads only", base, token, process.pid, args.clients, args.baseline_seconds, args.tables, False
            )
            loaded = phase(
                "reads + Prod checkpoints", base, token, process.pid, args.clients, args.seconds, args.tables, True
            )
        finally:
            process.terminate()
            process.wait(30)
    kept = "default" if args.listing_cache_seconds is None else f"{args.listing_cache_seconds:g}"
    print(
        f"\n{args.clients} clients, {args.tables} tables on Dev; Prod: 1,000,000-row table, dump checkpoints; "
        f"LISTING_CACHE_SECONDS {kept}"
    )
    print(
        f"{'phase':<26}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'errors':>7}"
        f"{'RSS start':>10}{'RSS end':>9}{'RSS peak':>9}{'churn':>6}"
    )
    for row in (baseline, loaded):
        print(
            f"{row['name']:<26}{row['requests']:>9}{row['rps']:>8.1f}{row['p50']:>8.1f}{row['p95']:>8.1f}{row['p99']:>8.1f}"
            f"{row['errors']:>7}{row['rss_start']:>9.0f}M{row['rss_end']:>8.0f}M{row['rss_peak']:>8.0f}M{row['churned']:>6}"
        )
        print("    p95 by request: " + ", ".join(f"{kind} {ms:.0f} ms" for kind, ms in row["p95_by_kind"].items()))
        for sample in row["error_samples"]:
            print(f"    error: {sample}")
    print(
        f"ratios (loaded / baseline): req/s {loaded['rps'] / baseline['rps']:.2f}, p95 {loaded['p95'] / baseline['p95']:.2f}, "
        f"p99 {loaded['p99'] / baseline['p99']:.2f}"
    )
    growth = loaded["rss_end"] / loaded["rss_start"] - 1
    print(
        f"goals: errors 0 -> {baseline['errors'] + loaded['errors']}; p95 < 300 ms -> {loaded['p95']:.0f} ms; "
        f"memory flat (< 10% growth) -> {growth:+.1%}"
    )


if __name__ == "__main__":
    main()
