"""The library's folder run, in memory: `run` returns every document's outcome, nothing written.

`run` is the streamed run of `dedup.runner` (the one the command line uses)
with its results collected: read → corpus pass → clean each document (on the
workers of `jobs` / `engine`; results in input order, so the bytes do not
depend on them) → near-duplicates, copies marked.  `output.write_outputs` and
`output.write_provenance` then write it.  A file that cannot be read becomes
an error entry; the others are still cleaned.

`RunOptions`, `Outcome` and `RunResult` live in `dedup.rundata` and are
importable from here as before.
"""
from __future__ import annotations

from collections.abc import Callable

from .rundata import Outcome, RunOptions, RunResult, copies_of, marked
from .runner import stream

__all__ = ["Outcome", "RunOptions", "RunResult", "run"]


def run(paths: list[str], options: RunOptions, stdin_bytes: bytes | None = None,
        progress: Callable[[int], None] | None = None) -> RunResult:
    """Read, learn, clean and link near-duplicates; nothing is written here."""
    with stream(paths, options, stdin_bytes, progress) as done:
        copies = copies_of(done.clusters)
        outcomes = [marked(f.load_outcome(), copies, options.keep_duplicates) for f in done.results]
        return RunResult(outcomes, done.errors, done.clusters, done.learned, paths)
