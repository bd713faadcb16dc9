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

import contextlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TextIO

from .corpus import LearnedBoilerplate
from .errors import DedupError, OutputError
from .neardup import Cluster
from .output import is_written, taken_name_errors
from .rundata import Outcome, RunOptions, RunResult, copies_of, marked
from .runner import Finished, Meta, stream
from .spool import Spool
from .writer import atomic_writer, file_ids, guard_not_input, jsonl_text, sweep_temps, write_atomic


@dataclass
class FolderRun:
    """What a streamed run leaves in memory once it is written: no texts."""

    errors: list[DedupError]
    clusters: list[Cluster]
    learned: LearnedBoilerplate | None
    paths: list[str]
    metrics: list[dict] = field(default_factory=list)  # report.document_metrics per document, input order

    def as_result(self) -> RunResult:
        """A RunResult without outcomes, for the report builders (which take the metrics separately)."""
        return RunResult([], self.errors, self.clusters, self.learned, self.paths)


class _Entries:
    """The report entries of a run: their metrics in memory, the whole entries (sections, plots) in a spool."""

    def __init__(self, run: FolderRun, spool: Spool | None) -> None:
        self.run, self.spool = run, spool

    def add(self, entry: dict) -> None:
        self.run.metrics.append({k: v for k, v in entry.items() if k not in _DRAWN})
        if self.spool is not None:
            self.spool.append(entry)


_DRAWN = ("sections", "self_similarity")


class _Ranked:
    """Report entries read back from their spool in the report's order (worst first); iterable many times."""

    def __init__(self, spool: Spool, order: list[int]) -> None:
        self.spool, self.order = spool, order

    def __iter__(self) -> Iterator[dict]:
        return (self.spool.get(i) for i in self.order)


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


@dataclass
class ReportTargets:
    """Where the reports go: a path, an open text handle (the JSON on stdout), or None for none."""

    json: Path | TextIO | None = None
    html: Path | None = None


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
    detailed = targets is not None and (targets.json is not None or targets.html is not None)
    with contextlib.ExitStack() as stack:
        done = stack.enter_context(stream(paths, options, stdin_bytes, progress, detailed))
        run = FolderRun(done.errors, done.clusters, done.learned, paths)
        entries = _Entries(run, stack.enter_context(Spool()) if detailed else None)
        _write_all(done.results, done.metas, done.clusters, options, outdir, provenance_path, run, entries, out)
        if detailed:
            _write_reports(run, entries.spool, targets)
        return run


def _write_all(results: Spool, metas: list[Meta], clusters: list[Cluster], options: RunOptions,
               outdir: Path | None, provenance_path: Path | None, run: FolderRun, entries: _Entries,
               out: TextIO | None = None) -> None:
    """Mark copies, write the cleaned files, stream the provenance and gather the report entries.

    Files and provenance come out as `output.write_outputs` and
    `output.write_provenance` write them; the entries are `report.document_entry`
    (or only `report.document_metrics` without a report).  Without `outdir`,
    nothing is written but to `out` when given (the cleaned texts, in order).
    """
    from .report import document_entry, document_metrics

    copies = copies_of(clusters)
    inputs = file_ids(m.path for m in metas if m.path != "-")
    owner: dict[str, str] = {}
    for m in metas:
        owner.setdefault(m.output_name, m.path)
    if outdir is not None:
        sweep_temps(outdir)
        run.errors.extend(taken_name_errors((m.path, m.output_name) for m in metas))
    with contextlib.ExitStack() as stack:
        prov_file = _provenance_sink(stack, provenance_path, inputs, run.errors) if provenance_path else _Discard()

        def entry_of(outcome: Outcome, finished: Finished) -> dict:
            """The report entry of a document that came back from the spool (drawings reused if still valid)."""
            if _actions_kept(outcome, options):
                entry = finished.entry.copy()
                entry.update(document_metrics(outcome))
                return entry
            return document_entry(outcome) if entries.spool is not None else document_metrics(outcome)

        def single(meta: Meta, finished: Finished) -> None:
            """A document that is a file of its own (text, Markdown, HTML), or the one document sent to `out`.

            Only a near-duplicate copy, or a document whose file could not be
            written, is unpickled: the rest goes out as the worker prepared it.
            """
            outcome = marked(finished.load_outcome(), copies, options.keep_duplicates) if meta.doc_id in copies else None
            failed = outdir is not None and owner[meta.output_name] != meta.path  # an earlier input took the name
            if not failed and (outcome is None or is_written(outcome, options.keep_duplicates)):
                if outdir is None:
                    if out is not None:
                        out.write(finished.text)
                elif error := _write_text(finished.text, meta, outdir, inputs):
                    run.errors.append(error)
                    failed = True
            if failed:
                outcome = outcome or finished.load_outcome()
                outcome.result.provenance.output = None
            if outcome is None:
                prov_file.write(finished.provenance)
                entries.add(finished.entry)
            else:
                prov_file.write(json.dumps(outcome.result.provenance.to_json(), ensure_ascii=False) + "\n")
                entries.add(entry_of(outcome, finished))

        jsonl: _JsonlOutput | None = None
        for meta, finished in zip(metas, results, strict=True):
            if jsonl is not None and (meta.fmt != "jsonl" or jsonl.meta.output_name != meta.output_name
                                      or jsonl.meta.path != meta.path):
                jsonl.finish(prov_file, entries)
                jsonl = None
            if meta.fmt != "jsonl":
                single(meta, finished)
                continue
            if jsonl is None:
                jsonl = _JsonlOutput(meta, owner[meta.output_name] == meta.path, outdir, inputs, run.errors, out)
            outcome = marked(finished.load_outcome(), copies, options.keep_duplicates)
            jsonl.add(outcome, entry_of(outcome, finished), options)
        if jsonl is not None:
            jsonl.finish(prov_file, entries)


class _JsonlOutput:
    """The output file of one JSONL input, written row by row as its documents come back from the spool.

    Each row's provenance line and report entry wait in a spool until the file
    is complete: if it cannot be written (or an earlier input took its name),
    they all say so (no output), as `output.write_outputs` records it.
    """

    def __init__(self, meta: Meta, owned: bool, outdir: Path | None, inputs: set[tuple[int, int]],
                 errors: list[DedupError], out: TextIO | None = None) -> None:
        self.meta, self.errors, self.ok = meta, errors, owned or outdir is None
        self.pending = Spool()
        self.writer, self.handle = None, out if outdir is None else None
        if owned and outdir is not None:
            try:
                target = outdir / meta.output_name
                guard_not_input(target, inputs)
                self.writer = atomic_writer(target, sweep=False, fsync=False)  # swept first; see writer.py
                self.handle = self.writer.__enter__()
            except OutputError as exc:
                self._fail(exc)

    def _fail(self, exc: OutputError) -> None:
        self.errors.append(exc)
        self.ok, self.writer, self.handle = False, None, None

    def add(self, outcome: Outcome, entry: dict, options: RunOptions) -> None:
        """Write the row of one document (unless it is a copy left out) and hold its provenance and entry."""
        if self.handle is not None and is_written(outcome, options.keep_duplicates):
            row = dict(outcome.doc.fields or {})
            row[options.text_field] = outcome.result.text
            try:
                self.handle.write(jsonl_text([row]))
            except OSError as exc:
                writer, self.writer = self.writer, None
                with contextlib.suppress(Exception):
                    writer.__exit__(type(exc), exc, None)  # removes the temporary file
                self._fail(OutputError(f"cannot write: {exc.strerror}", self.meta.output_name,
                                       "check space and permissions"))
        self.pending.append((outcome.result.provenance.to_json(), entry))

    def finish(self, prov_file, entries: _Entries) -> None:
        """Complete the file (rename into place), then emit the held provenance lines and entries in order."""
        if self.writer is not None:
            try:
                self.writer.__exit__(None, None, None)
            except OutputError as exc:
                self._fail(exc)
        with self.pending:
            for prov, entry in self.pending:
                if not self.ok:
                    prov["output"] = entry["output"] = None
                prov_file.write(json.dumps(prov, ensure_ascii=False) + "\n")
                entries.add(entry)


def _write_reports(run: FolderRun, details: Spool, targets: ReportTargets) -> None:
    """The JSON and HTML reports, as `report.build_report` + `report_json` / `render_html` would write them.

    The documents are read back from the spool in the report's order while the
    files are written, so neither the entries nor the pages are ever whole in memory.
    """
    from .report import report_head, worst_first, write_report_json
    from .report_html import html_chunks

    rank = {id(m): n for n, m in enumerate(run.metrics)}
    ordered = worst_first(run.metrics)
    order, ids = [rank[id(m)] for m in ordered], [m["id"] for m in ordered]
    head = report_head(run.as_result(), run.metrics, list(run.errors))
    for target, write in ((targets.json, lambda h: write_report_json(h, head, _Ranked(details, order))),
                          (targets.html, lambda h: h.writelines(html_chunks(head, _Ranked(details, order), ids)))):
        if target is None:
            continue
        if not isinstance(target, Path):
            write(target)
            target.flush()
            continue
        try:
            with atomic_writer(target) as handle:
                write(handle)
        except OutputError as exc:
            run.errors.append(exc)


def _write_text(text: str, meta: Meta, outdir: Path, inputs: set[tuple[int, int]]) -> OutputError | None:
    """Write one document's cleaned file, as `output.write_outputs` would; the error when it cannot be."""
    try:
        target = outdir / meta.output_name
        guard_not_input(target, inputs)
        write_atomic(target, text, sweep=False, fsync=False)  # swept first; see writer.py
    except OutputError as exc:
        return exc
    return None


def _actions_kept(outcome: Outcome, options: RunOptions) -> bool:
    """Whether the actions are still those the worker drew (a copy left unwritten gets one action instead)."""
    return not outcome.duplicate_of or options.keep_duplicates


class _Discard:
    """Where the provenance goes when its file cannot be written (the error is already recorded)."""

    def write(self, text: str) -> int:
        return len(text)


def _provenance_sink(stack: contextlib.ExitStack, path: Path, inputs: set[tuple[int, int]], errors: list[DedupError]):
    """The provenance file's handle, or a sink that discards, with the error recorded, when it cannot be written."""
    try:
        guard_not_input(path, inputs)
        return stack.enter_context(atomic_writer(path))
    except OutputError as exc:
        errors.append(exc)
        return _Discard()


