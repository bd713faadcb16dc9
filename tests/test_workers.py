"""Where work runs (`dedup.workers`): results in input order, and worker processes never forked.

Why: output bytes must not depend on `--jobs`, so batches come back in the
order they went out whatever finishes first; and a run holds threads (a Dask
client, a progress bar), where fork() can deadlock the child (Python 3.12+
warns), so the pool starts its processes with forkserver or spawn.
"""
from __future__ import annotations

import time

from dedup.workers import open_workers, start_method


def slow_square(batch: list[int]) -> list[int]:
    """Later batches finish first: a top-level function, so a fresh worker process can import it."""
    time.sleep(0.05 * (3 - batch[0] % 3))
    return [n * n for n in batch]


def _run(jobs: int) -> list[int]:
    got: list[int] = []
    with open_workers("local", jobs) as workers:
        workers.run_batches(([n] for n in range(8)), slow_square, (), got.extend)
    return got


def test_batches_come_back_in_order_inline_and_on_processes():
    assert _run(1) == _run(2) == [n * n for n in range(8)]


def test_worker_processes_are_not_forked():
    assert start_method() in ("forkserver", "spawn")
