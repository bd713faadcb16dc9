"""Turning a run's outcomes into files: cleaned documents, JSONL rows, provenance.

Cleaned documents mirror their input paths inside the output folder; a JSONL
input is written back as one JSONL file with the text field replaced and every
other field kept.  Near-duplicate copies are left out unless asked for.  The
provenance goes to one JSONL file, one object per document, in input order.

`write_outputs` and `write_provenance` write the in-memory run of the library
(`pipeline.run`); `write_streamed` is the write stage of the command line's
streamed run (`runner.stream`), the same bytes written document by document
as they come back from the spool, with the reports.

Two inputs that would land on the same output file (``a/x.txt`` and
``b/x.txt`` passed as files, or ``page.html`` next to ``page.md``) are never
merged or silently overwritten: the first is written, each later one is an
error that names both.
"""
from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .errors import DedupError, OutputError
from .rundata import FolderRun, Outcome, RunOptions, RunResult, copies_of, marked
from .spool import Spool
from .writer import atomic_writer, file_ids, guard_not_input, jsonl_text, sweep_temps, write_atomic

if TYPE_CHECKING:
    from .runner import Finished, Meta, Streamed

PROVENANCE_NAME = "dedup-provenance.jsonl"


def is_written(outcome: Outcome, keep_duplicates: bool) -> bool:
    """Whether the outcome's cleaned text goes to a file (near-duplicate copies do not, by default)."""
    return outcome.duplicate_of is None or keep_duplicates


def group_by_output(result: RunResult) -> tuple[dict[str, list[Outcome]], list[Outcome]]:
    """Outcomes by output name (input order), and the outcomes whose name an earlier input already took."""
    files: dict[str, list[Outcome]] = {}
    owner: dict[str, str] = {}
    collided: list[Outcome] = []
    for outcome in result.outcomes:
        name = outcome.doc.output_name
        if owner.setdefault(name, outcome.doc.path) != outcome.doc.path:
            collided.append(outcome)
            continue
        files.setdefault(name, []).append(outcome)
    return files, collided


def file_text(outcomes: list[Outcome], keep_duplicates: bool, text_field: str) -> str | None:
    """The full output text of one file, or None when nothing of it is written."""
    if outcomes[0].doc.fmt == "jsonl":
        rows = []
        for o in outcomes:
            if is_written(o, keep_duplicates):
                row = dict(o.doc.fields or {})
                row[text_field] = o.result.text
                rows.append(row)
        return jsonl_text(rows)
    return outcomes[0].result.text if is_written(outcomes[0], keep_duplicates) else None


def document_texts(result: RunResult, keep_duplicates: bool, text_field: str) -> dict[str, str]:
    """Output file name → full output text, in input order (colliding later inputs left out)."""
    files, _collided = group_by_output(result)
    texts: dict[str, str] = {}
    for name, outcomes in files.items():
        text = file_text(outcomes, keep_duplicates, text_field)
        if text is not None:
            texts[name] = text
    return texts


def collision_errors(result: RunResult) -> list[DedupError]:
    """One error per input whose output name an earlier input already took."""
    return taken_name_errors((o.doc.path, o.doc.output_name) for o in result.outcomes)


def taken_name_errors(inputs: Iterable[tuple[str, str]]) -> list[DedupError]:
    """`collision_errors` from (input path, output name) pairs in input order (the streamed run has no outcomes)."""
    owner: dict[str, str] = {}
    errors: list[DedupError] = []
    reported: set[str] = set()
    for path, name in inputs:
        first = owner.setdefault(name, path)
        if first != path and path not in reported:
            reported.add(path)
            errors.append(OutputError(f"its output {name!r} is already taken by {first}", path,
                                      "pass the folder instead of the files, or rename one"))
    return errors


def write_outputs(result: RunResult, outdir: Path, keep_duplicates: bool, text_field: str,
                  input_paths: set[tuple[int, int]]) -> list[DedupError]:
    """Write every cleaned document under `outdir`; returns the write errors.

    Temporary files an interrupted earlier run left under `outdir` are removed first.
    """
    sweep_temps(outdir)
    errors = collision_errors(result)
    failed: set[str] = set()
    for name, text in document_texts(result, keep_duplicates, text_field).items():
        target = outdir / name
        try:
            guard_not_input(target, input_paths)
            write_atomic(target, text, sweep=False, fsync=False)  # swept above; see writer.py
        except OutputError as exc:
            errors.append(exc)
            failed.add(name)
    _, collided = group_by_output(result)
    unwritten = {id(o) for o in collided}
    for outcome in result.outcomes:
        if outcome.doc.output_name in failed or id(outcome) in unwritten:
            outcome.result.provenance.output = None
    return errors


def provenance_text(result: RunResult) -> str:
    """The provenance JSONL: one object per document, in input order."""
    return "".join(json.dumps(o.result.provenance.to_json(), ensure_ascii=False) + "\n" for o in result.outcomes)


def write_provenance(result: RunResult, path: Path) -> None:
    """Write the provenance file atomically; refuses to overwrite an input."""
    inputs = file_ids(o.doc.path for o in result.outcomes if o.doc.path != "-")
    guard_not_input(path, inputs)
    write_atomic(path, provenance_text(result))


@dataclass
class ReportTargets:
    """Where the reports go: a path, an open text handle (the JSON on stdout), or None for none."""

    json: Path | TextIO | None = None
    html: Path | None = None

    @property
    def wanted(self) -> bool:
        """Whether any report is written (the workers then draw each document's full entry)."""
        return self.json is not None or self.html is not None


def write_streamed(done: Streamed, options: RunOptions, run: FolderRun, outdir: Path | None,
                   provenance_path: Path | None, targets: ReportTargets | None, out: TextIO | None = None) -> None:
    """The write stage of a streamed run (`runner.stream`): files or `out`, provenance, reports; errors to `run`.

    `outdir` None writes no cleaned files (only to `out`, when given).
    """
    with contextlib.ExitStack() as stack:
        entries = _Entries(run, stack.enter_context(Spool()) if targets is not None and targets.wanted else None)
        _StreamWriter(done, options, outdir, run, entries, out).write(provenance_path)
        if entries.spool is not None:
            _write_reports(run, entries.spool, targets)


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


class _StreamWriter:
    """The write stage of a streamed run: copies marked, files written, provenance streamed, entries gathered.

    Files and provenance come out as `write_outputs` and `write_provenance`
    write them; the entries are `report.document_entry` (or only
    `report.document_metrics` without a report).  Without `outdir`, nothing is
    written but to `out` when given (the cleaned texts, in order).
    """

    def __init__(self, done: Streamed, options: RunOptions, outdir: Path | None, run: FolderRun,
                 entries: _Entries, out: TextIO | None) -> None:
        self.done, self.options, self.outdir, self.run, self.entries, self.out = done, options, outdir, run, entries, out
        self.copies = copies_of(done.clusters)
        self.inputs = file_ids(m.path for m in done.metas if m.path != "-")
        self.owner: dict[str, str] = {}
        for m in done.metas:
            self.owner.setdefault(m.output_name, m.path)
        self.prov_file = _Discard()

    def write(self, provenance_path: Path | None) -> None:
        """Every document, in input order; a JSONL input's rows go through one `_JsonlOutput`."""
        if self.outdir is not None:
            sweep_temps(self.outdir)
            self.run.errors.extend(taken_name_errors((m.path, m.output_name) for m in self.done.metas))
        with contextlib.ExitStack() as stack:
            if provenance_path:
                self.prov_file = _provenance_sink(stack, provenance_path, self.inputs, self.run.errors)
            jsonl: _JsonlOutput | None = None
            for meta, finished in zip(self.done.metas, self.done.results, strict=True):
                if jsonl is not None and (meta.fmt != "jsonl" or jsonl.meta.output_name != meta.output_name
                                          or jsonl.meta.path != meta.path):
                    jsonl.finish(self.prov_file, self.entries)
                    jsonl = None
                if meta.fmt != "jsonl":
                    self.single(meta, finished)
                    continue
                if jsonl is None:
                    jsonl = _JsonlOutput(meta, self.owner[meta.output_name] == meta.path, self.outdir, self.inputs,
                                         self.run.errors, self.out)
                outcome = marked(finished.load_outcome(), self.copies, self.options.keep_duplicates)
                jsonl.add(outcome, self.entry_of(outcome, finished), self.options)
            if jsonl is not None:
                jsonl.finish(self.prov_file, self.entries)

    def entry_of(self, outcome: Outcome, finished: Finished) -> dict:
        """The report entry of a document that came back from the spool (drawings reused if still valid)."""
        from .report import document_entry, document_metrics

        if _actions_kept(outcome, self.options):
            entry = finished.entry.copy()
            entry.update(document_metrics(outcome))
            return entry
        return document_entry(outcome) if self.entries.spool is not None else document_metrics(outcome)

    def single(self, meta: Meta, finished: Finished) -> None:
        """A document that is a file of its own (text, Markdown, HTML), or the one document sent to `out`.

        Only a near-duplicate copy, or a document whose file could not be
        written, is unpickled: the rest goes out as the worker prepared it.
        """
        keep_duplicates = self.options.keep_duplicates
        outcome = marked(finished.load_outcome(), self.copies, keep_duplicates) if meta.doc_id in self.copies else None
        failed = self.outdir is not None and self.owner[meta.output_name] != meta.path  # an earlier input took it
        if not failed and (outcome is None or is_written(outcome, keep_duplicates)):
            if self.outdir is None:
                if self.out is not None:
                    self.out.write(finished.text)
            elif error := _write_text(finished.text, meta, self.outdir, self.inputs):
                self.run.errors.append(error)
                failed = True
        if failed:
            outcome = outcome or finished.load_outcome()
            outcome.result.provenance.output = None
        if outcome is None:
            self.prov_file.write(finished.provenance)
            self.entries.add(finished.entry)
        else:
            self.prov_file.write(json.dumps(outcome.result.provenance.to_json(), ensure_ascii=False) + "\n")
            self.entries.add(self.entry_of(outcome, finished))


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


