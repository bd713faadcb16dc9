"""Where a run's work happens: in this process, in a pool of worker processes, or on a Dask cluster.

This is the only module that knows.  A runner hands `Workers.run_batches` its
batches and a top-level batch function; results come back in input order
whatever ran them, so the output bytes do not depend on `--jobs` or
`--engine`.  At most a window of batches is in flight, so memory stays bounded.

Worker processes are started with `forkserver` (or `spawn` where there is
none), never `fork`: a run may hold threads (a Dask client, a progress bar),
and forking a threaded process can deadlock the child (Python 3.12+ warns).
The batch functions are top-level functions of importable modules, so a
fresh process can find them.
"""
from __future__ import annotations

import contextlib
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from .errors import ConfigError

BATCH = 16  # documents per worker task (local processes)
DASK_BATCH = 128  # per Dask task: a task costs a scheduler round trip, so fewer, larger ones
WINDOW = 4  # tasks in flight per worker
PRELOAD = ("dedup.runner", "dedup.report")  # what a worker imports to run the batches (numpy, regex, repair…)
PIP_HINT = 'pip install "dask[bag]" distributed   (or: pip install "dedup[dask]")'


@dataclass
class Workers:
    """Where batches run: `submit` None runs them here, in order."""

    submit: Callable | None = None  # submit(fn, *args) -> a future with .result()
    window: int = 1  # batches in flight at most
    batch: int = BATCH  # documents (or discovered inputs) per task
    share: Callable = lambda obj: obj  # noqa: E731  (what to pass for an object every task needs)

    def run_batches(self, batches: Iterable, work: Callable, args: tuple, keep: Callable) -> None:
        """`keep(work(batch, *args))` for every batch, in order; on workers, a bounded window in flight."""
        if self.submit is None:
            for batch in batches:
                keep(work(batch, *args))
            return
        pending: deque = deque()
        for batch in batches:
            pending.append(self.submit(work, batch, *args))
            if len(pending) >= self.window:
                keep(pending.popleft().result())
        while pending:
            keep(pending.popleft().result())


def start_method() -> str:
    """`forkserver` where the platform has it, else `spawn`: both safe in a process that holds threads."""
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def _context():
    """The start method's context; a fork server first imports the batch functions' modules, once for all workers."""
    context = multiprocessing.get_context(start_method())
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(list(PRELOAD))
    return context


@contextlib.contextmanager
def open_workers(engine: str, jobs: int, scheduler: str | None = None) -> Iterator[Workers]:
    """The run's workers: this process (jobs 1), a process pool, or the Dask cluster of `--engine dask`.

    On Dask the workers read the input paths themselves (a shared file
    system) and an object every task needs is scattered to them once.
    """
    if engine == "dask":
        client, cluster = connect(scheduler, jobs)
        try:
            count = max(1, len(client.scheduler_info().get("workers", {})))
            yield Workers(lambda fn, *args: client.submit(fn, *args, pure=False), count * WINDOW, DASK_BATCH,
                          lambda obj: obj if obj is None else client.scatter(obj, broadcast=True))
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    elif jobs > 1:
        with ProcessPoolExecutor(jobs, mp_context=_context()) as pool:
            yield Workers(pool.submit, jobs * WINDOW)
    else:
        yield Workers()


def import_dask():
    """dask.bag and distributed, or a DedupError that says how to install them."""
    try:
        import dask.bag as db
        import distributed
    except ImportError as exc:
        raise ConfigError(f"--engine dask needs dask and distributed ({exc.name} is missing)", hint=PIP_HINT) from exc
    return db, distributed


def connect(scheduler: str | None, workers: int, timeout: str = "20s"):
    """(client, cluster): a client of `scheduler`, or of a new LocalCluster of `workers` processes."""
    _, distributed = import_dask()
    if scheduler:
        try:
            return distributed.Client(scheduler, timeout=timeout), None
        except (OSError, TimeoutError) as exc:
            raise ConfigError(f"cannot reach the Dask scheduler at {scheduler}: {exc}",
                              hint="start one with `dask scheduler` and `dask worker ADDRESS`") from exc
    cluster = distributed.LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    return distributed.Client(cluster), cluster
