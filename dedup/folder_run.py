"""The command line's runs: the streamed run of `dedup.runner`, then its write stage.

`clean_to_folder` is `dedup clean ... -o OUTDIR`, `clean_to_stream` is
`dedup clean INPUT` to stdout, `analyse` is `dedup report`.  Read, corpus
pass, clean and near-duplicates are `runner.stream`; here the results come
back from its spool in input order: copies are marked, cleaned files (or JSONL
rows, or stdout) written, provenance lines streamed, report entries spooled,
then both reports written from them.  The library's in-memory `pipeline.run`
collects the same stream instead, so both give the same bytes.

What still grows with the corpus is the index: the signatures (8 bytes per
permutation per document), the corpus pass's line table (two integers per
distinct line, text only for lines on two pages or more) and each document's
metrics for the terminal summary.  The price is disk: the spools hold about
four times the input.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TextIO

from .output import ReportTargets, write_streamed
from .rundata import FolderRun, RunOptions
from .runner import stream

__all__ = ["FolderRun", "ReportTargets", "analyse", "clean_to_folder", "clean_to_stream"]


def clean_to_folder(paths: list[str], options: RunOptions, outdir: Path, provenance_path: Path,
                    stdin_bytes: bytes | BinaryIO | None = None, progress: Callable[[int], None] | None = None,
                    report: bool = True) -> FolderRun:
    """Read, learn, clean, link and write `paths` into `outdir` (with the reports unless `report` is false).

    Returns the errors, clusters, learned chrome and per-document metrics (for
    the terminal summary); nothing of the texts.
    """
    from .report import HTML_NAME, JSON_NAME

    targets = ReportTargets(outdir / JSON_NAME, outdir / HTML_NAME) if report else None
    return _run(paths, options, outdir, provenance_path, targets, stdin_bytes, progress)


def analyse(paths: list[str], options: RunOptions, targets: ReportTargets | None,
            stdin_bytes: bytes | BinaryIO | None = None, progress: Callable[[int], None] | None = None) -> FolderRun:
    """`dedup report`: everything `clean_to_folder` does but write cleaned files and provenance."""
    return _run(paths, options, None, None, targets, stdin_bytes, progress)


def clean_to_stream(paths: list[str], options: RunOptions, out: TextIO, provenance_path: Path | None = None,
                    stdin: bytes | BinaryIO | None = None, progress: Callable[[int], None] | None = None) -> FolderRun:
    """`dedup clean INPUT` without -o: the cleaned text (or JSONL rows) of the input go to `out` as they are ready.

    Standard input may come as a binary stream: a JSONL stream is then read
    chunk by chunk, so a pipeline step holds no more than the index.
    """
    return _run(paths, options, None, provenance_path, None, stdin, progress, out)


def _run(paths: list[str], options: RunOptions, outdir: Path | None, provenance_path: Path | None,
         targets: ReportTargets | None, stdin_bytes: bytes | BinaryIO | None, progress: Callable[[int], None] | None,
         out: TextIO | None = None) -> FolderRun:
    """The streamed run (`runner.stream`), then the write stage; `outdir` None writes no files (only `out`)."""
    with stream(paths, options, stdin_bytes, progress, targets is not None and targets.wanted) as done:
        run = FolderRun(done.errors, done.clusters, done.learned, paths)
        write_streamed(done, options, run, outdir, provenance_path, targets, out)
        return run
