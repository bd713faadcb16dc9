"""The command line's runs in bounded memory: documents stream through spool files on disk.

`clean_to_folder` is `dedup clean ... -o OUTDIR`, `clean_to_stream` is
`dedup clean INPUT` to stdout, `analyse` is `dedup report`.  The in-memory run
(`pipeline.run`, the library's) holds every document and its result until the
near-duplicate stage has decided which copies are written.  These runs give
the same bytes (tested) while holding, per document, only what the
corpus-wide stages need - the index:

1. read: each input is read and decoded once (a JSONL file chunk by chunk of
   rows); its documents go to a spool file (`dedup.spool`) and the corpus
   pass counts their lines (`corpus.Observer`);
2. clean: documents come back from the spool one by one and are cleaned (with
   `jobs` > 1 in worker processes, with `--engine dask` on the Dask cluster; a
   bounded window of batches in flight); the worker also sketches the cleaned
   text for the near-duplicate stage (`neardup.sketch_documents`) and prepares
   its provenance line and report entry; the result goes to a second spool,
   the signature stays in memory and the shingle hashes go to a third;
3. near-duplicates: clusters from the signatures (and the `--index`), the
   shingle hashes of candidate pairs read back for the exact check;
4. write: results come back from the spool in input order; copies are marked,
   cleaned files (or JSONL rows, or stdout) written, provenance lines
   streamed, report entries spooled, then both reports written from them.

What still grows with the corpus is the index: the signatures (8 bytes per
permutation per document), the corpus pass's line table (two integers per
distinct line, text only for lines on two pages or more) and each document's
metrics for the terminal summary.  The price is disk: the spools hold about
four times the input.
"""
from __future__ import annotations

import contextlib
import functools
import json
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TextIO

from . import reader
from .clean import CleanOptions, CleanResult
from .corpus import LearnedBoilerplate, Observer, learn_from, line_observations
from .errors import DedupError, OutputError
from .neardup import Cluster, NearDupOptions, _Doc, cluster_sketches, sketch_documents
from .output import is_written, taken_name_errors
from .pipeline import Outcome, RunOptions, RunResult, _clean_one, _documents_of, jsonl_documents, mark_near_duplicate
from .spool import Spool
from .writer import atomic_writer, file_ids, guard_not_input, jsonl_text, sweep_temps, write_atomic

_BATCH = 16  # documents per worker task (local processes)
_DASK_BATCH = 128  # per Dask task: a task costs a scheduler round trip, so fewer, larger ones
_WINDOW = 4  # tasks in flight per worker


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


@dataclass
class _Meta:
    """The per-document facts the write stage needs before the document comes back from the spool."""

    doc_id: str
    path: str
    output_name: str
    fmt: str


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
    """The four stages of the module docstring; `outdir` None writes no files (only `out`, if given)."""
    detailed = targets is not None and (targets.json is not None or targets.html is not None)
    index = _open_index(options)
    try:
        with contextlib.ExitStack() as stack:
            docs_spool, results_spool, shingles_spool = (stack.enter_context(Spool()) for _ in range(3))
            pool = stack.enter_context(_workers(options))
            metas, errors, learned = _read_all(paths, options, stdin_bytes, docs_spool, pool)
            sketches = _clean_all(docs_spool, options, learned, results_spool, shingles_spool, progress, detailed,
                                  pool)
            clusters = cluster_sketches(sketches, options.neardup, index) if options.near_duplicates and metas else []
            del sketches
            run = FolderRun(errors, clusters, learned, paths)
            entries = _Entries(run, stack.enter_context(Spool()) if detailed else None)
            _write_all(results_spool, metas, clusters, options, outdir, provenance_path, run, entries, out)
            if detailed:
                _write_reports(run, entries.spool, targets)
            return run
    finally:
        if index is not None:
            index.close()


def _open_index(options: RunOptions):
    """The persistent index, bound to the options before any work (a mismatch fails fast)."""
    if not (options.index and options.near_duplicates):
        return None
    from .index import open_index
    from .neardup import _validate, index_params

    _validate(options.neardup)
    index = open_index(options.index)
    try:
        index.bind(index_params(options.neardup))
    except DedupError:
        index.close()
        raise
    return index


@dataclass
class _Workers:
    """Where batches run when not in this process: a local process pool or a Dask cluster."""

    submit: Callable  # submit(fn, *args) -> a future with .result()
    window: int  # batches in flight at most
    batch: int = _BATCH  # documents (or discovered inputs) per task
    share: Callable = lambda obj: obj  # noqa: E731  (what to pass for an object every task needs)


@contextlib.contextmanager
def _workers(options: RunOptions) -> Iterator[_Workers | None]:
    """Worker processes for the run: none (jobs 1), a process pool, or the Dask cluster of `--engine dask`.

    The same batch functions run everywhere and results are taken in order, so
    the output does not depend on where they ran.  On Dask the workers read
    the input paths themselves (a shared file system) and the learned chrome
    is scattered to them once.
    """
    if options.engine == "dask":
        from .engine_dask import connect

        client, cluster = connect(options.scheduler, options.jobs)
        try:
            count = max(1, len(client.scheduler_info().get("workers", {})))
            yield _Workers(lambda fn, *args: client.submit(fn, *args, pure=False), count * _WINDOW,
                           _DASK_BATCH, lambda obj: obj if obj is None else client.scatter(obj, broadcast=True))
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    elif options.jobs > 1:
        with ProcessPoolExecutor(options.jobs) as pool:
            yield _Workers(pool.submit, options.jobs * _WINDOW)
    else:
        yield None


def _read_all(paths: list[str], options: RunOptions, stdin_bytes: bytes | BinaryIO | None, spool: Spool,
              pool: _Workers | None) -> tuple[list[_Meta], list[DedupError], LearnedBoilerplate | None]:
    """Read every input into the spool, counting lines for the corpus pass; errors in the order met.

    Reading, decoding, HTML extraction and the line keys of the corpus pass run
    in the worker processes when jobs > 1; the counts are merged here in input order.
    """
    observer = Observer() if options.clean.boilerplate and options.learn_boilerplate else None
    metas: list[_Meta] = []
    errors: list[DedupError] = []

    def keep(done: list[tuple[list, list, list]]) -> None:
        for docs, errs, observed in done:
            errors.extend(errs)
            for doc, obs in zip(docs, observed, strict=True):
                if observer is not None:
                    observer.record(obs, doc.text)
                spool.append(doc)
                metas.append(_Meta(doc.doc_id, doc.path, doc.output_name, doc.fmt))

    items = list(reader.discover(paths, options.stdin_format, options.exclude))
    size = pool.batch if pool is not None else _BATCH
    _run_batches(_read_jobs(items, stdin_bytes, size), _read_batch, (options, observer is not None), pool, keep)
    learned = learn_from(observer, options.corpus) if observer is not None else None
    if options.boilerplate_from is not None:
        saved = LearnedBoilerplate.load(options.boilerplate_from)
        learned = saved if learned is None else learned.merged_with(saved)
    return metas, errors, learned


@dataclass
class _Rows:
    """A chunk of a JSONL input's raw rows (`reader.jsonl_chunks`): JSONL files are read as streams."""

    spec: reader.InputFile
    first: int  # number of the first row
    rows: list[bytes]


def _read_jobs(items: list, stdin: bytes | BinaryIO | None, size: int = _BATCH
               ) -> Iterator[tuple[list, bytes | None]]:
    """Batches of discovered items for `_read_batch`, in order; a JSONL file comes as chunks of its rows.

    Standard input travels only with the batch that reads it (as bytes; a
    JSONL stream is read here in chunks).  The rows of a JSONL file are read
    here, lazily, as the batches go out.
    """
    batch: list = []
    read: list[bytes] = []

    def stdin_bytes() -> bytes | None:
        if not hasattr(stdin, "read"):
            return stdin
        if not read:
            read.append(stdin.read())
        return read[0]

    def out() -> tuple[list, bytes | None]:
        wanted = any(isinstance(s, reader.InputFile) and s.source is None for s in batch)
        return list(batch), stdin_bytes() if wanted else None

    for item in items:
        if isinstance(item, reader.InputFile) and item.fmt == "jsonl":
            if batch:
                yield out()
                batch.clear()
            try:
                for first, rows in reader.jsonl_chunks(item, stdin):
                    yield [_Rows(item, first, rows)], None
            except DedupError as exc:
                yield [exc], None
            continue
        batch.append(item)
        if len(batch) == size:
            yield out()
            batch.clear()
    if batch:
        yield out()


def _read_batch(job: tuple[list, bytes | None], options: RunOptions, observe: bool
                ) -> list[tuple[list[reader.Document], list[DedupError], list]]:
    """Per item of the batch: its documents, its errors, and each document's line observations."""
    batch, stdin_bytes = job
    out = []
    for spec in batch:
        if isinstance(spec, DedupError):
            out.append(([], [spec], []))
            continue
        if isinstance(spec, _Rows):
            errors: list[DedupError] = []
            docs = jsonl_documents(spec.spec, spec.first, spec.rows, options.text_field, errors)
            out.append((docs, errors, [line_observations(d.text) if observe else [] for d in docs]))
            continue
        errors: list[DedupError] = []
        try:
            docs = _documents_of(spec, options, stdin_bytes, errors)
        except DedupError as exc:
            if exc.path is None:
                exc.path = spec.path
            out.append(([], [*errors, exc], []))
            continue
        out.append((docs, errors, [line_observations(d.text) if observe else [] for d in docs]))
    return out


def _run_batches(batches: Iterable, work: Callable, args: tuple, pool: _Workers | None, keep: Callable) -> None:
    """`keep(work(batch, *args))` for every batch, in order; on the workers, a bounded window in flight."""
    if pool is None:
        for batch in batches:
            keep(work(batch, *args))
        return
    pending: deque = deque()
    for batch in batches:
        pending.append(pool.submit(work, batch, *args))
        if len(pending) >= pool.window:
            keep(pending.popleft().result())
    while pending:
        keep(pending.popleft().result())


@dataclass
class _Finished:
    """One cleaned document as the write stage needs it.

    `outcome` stays pickled: a document that is neither a near-duplicate copy
    nor a JSONL row is written from the strings prepared by the worker (its
    provenance line and report entry), without unpickling anything.
    """

    outcome: bytes  # pickled Outcome, its cleaned text left out (it is `text`: the spool holds it once)
    text: str  # the cleaned text
    provenance: str  # the provenance JSON line, as it stands before copies are marked
    entry: dict  # report.document_entry (or document_metrics without a report), same caveat

    @classmethod
    def of(cls, outcome: Outcome, provenance: str, entry: dict) -> _Finished:
        bare = Outcome(outcome.doc, CleanResult("", outcome.result.provenance))
        return cls(pickle.dumps(bare, protocol=pickle.HIGHEST_PROTOCOL), outcome.result.text, provenance, entry)

    def load_outcome(self) -> Outcome:
        """The document's `Outcome`, cleaned text put back."""
        outcome = pickle.loads(self.outcome)
        outcome.result.text = self.text
        return outcome


def _clean_batch(batch: list[tuple[int, reader.Document]], clean: CleanOptions, learned: LearnedBoilerplate | None,
                 neardup: NearDupOptions | None, report: bool) -> list[tuple[_Finished, _Doc | None]]:
    """Clean, sketch and prepare the outputs of a batch of documents, in a worker process when jobs > 1."""
    from .report import document_entry, document_metrics

    out = []
    for _, doc in batch:
        result = _clean_one((doc, clean, learned))
        outcome = Outcome(doc, result)
        entry = document_entry(outcome) if report else document_metrics(outcome)
        line = json.dumps(result.provenance.to_json(), ensure_ascii=False) + "\n"
        out.append(_Finished.of(outcome, line, entry))
    if neardup is None:
        return [(done, None) for done in out]
    sketches = sketch_documents([(pos, doc.doc_id, done.text, None) for (pos, doc), done in zip(batch, out, strict=True)],
                                neardup)
    return list(zip(out, sketches, strict=True))


def _batches(docs: Iterable[reader.Document], size: int = _BATCH) -> Iterator[list[tuple[int, reader.Document]]]:
    batch: list[tuple[int, reader.Document]] = []
    for pos, doc in enumerate(docs):
        batch.append((pos, doc))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _clean_all(docs: Spool, options: RunOptions, learned: LearnedBoilerplate | None, results: Spool,
               shingles: Spool, progress: Callable[[int], None] | None, report: bool,
               pool: _Workers | None) -> list[_Doc]:
    """Clean every spooled document in order into `results`; returns the near-duplicate sketches.

    A sketch keeps its signature in memory; its shingle hashes (several times
    larger) go to the `shingles` spool, read back only for candidate pairs.
    """
    neardup = options.neardup if options.near_duplicates else None
    sketches: list[_Doc] = []

    def keep(done: list) -> None:
        for finished, sketch in done:
            results.append(finished)
            if sketch is not None:
                shingles.append(sketch.hashes)
                sketch.hashes, sketch.load = None, functools.partial(shingles.get, len(shingles) - 1)
                sketches.append(sketch)
        if progress:
            progress(len(done))

    shared = pool.share(learned) if pool is not None else learned
    _run_batches(_batches(docs, pool.batch if pool is not None else _BATCH), _clean_batch,
                 (options.clean, shared, neardup, report), pool, keep)
    return sketches


def _write_all(results: Spool, metas: list[_Meta], clusters: list[Cluster], options: RunOptions,
               outdir: Path | None, provenance_path: Path | None, run: FolderRun, entries: _Entries,
               out: TextIO | None = None) -> None:
    """Mark copies, write the cleaned files, stream the provenance and gather the report entries.

    Files and provenance come out as `output.write_outputs` and
    `output.write_provenance` write them; the entries are `report.document_entry`
    (or only `report.document_metrics` without a report).  Without `outdir`,
    nothing is written but to `out` when given (the cleaned texts, in order).
    """
    from .report import document_entry, document_metrics

    copies = {m: (c.keep, c.similarity.get(m)) for c in clusters for m in c.members if m != c.keep}
    inputs = file_ids(m.path for m in metas if m.path != "-")
    owner: dict[str, str] = {}
    for m in metas:
        owner.setdefault(m.output_name, m.path)
    if outdir is not None:
        sweep_temps(outdir)
        run.errors.extend(taken_name_errors((m.path, m.output_name) for m in metas))
    with contextlib.ExitStack() as stack:
        prov_file = _provenance_sink(stack, provenance_path, inputs, run.errors) if provenance_path else _Discard()

        def entry_of(outcome: Outcome, finished: _Finished) -> dict:
            """The report entry of a document that came back from the spool (drawings reused if still valid)."""
            if _actions_kept(outcome, options):
                entry = finished.entry.copy()
                entry.update(document_metrics(outcome))
                return entry
            return document_entry(outcome) if entries.spool is not None else document_metrics(outcome)

        def single(meta: _Meta, finished: _Finished) -> None:
            """A document that is a file of its own (text, Markdown, HTML), or the one document sent to `out`.

            Only a near-duplicate copy, or a document whose file could not be
            written, is unpickled: the rest goes out as the worker prepared it.
            """
            outcome = _marked(finished.load_outcome(), copies, options) if meta.doc_id in copies else None
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
            outcome = _marked(finished.load_outcome(), copies, options)
            jsonl.add(outcome, entry_of(outcome, finished), options)
        if jsonl is not None:
            jsonl.finish(prov_file, entries)


class _JsonlOutput:
    """The output file of one JSONL input, written row by row as its documents come back from the spool.

    Each row's provenance line and report entry wait in a spool until the file
    is complete: if it cannot be written (or an earlier input took its name),
    they all say so (no output), as `output.write_outputs` records it.
    """

    def __init__(self, meta: _Meta, owned: bool, outdir: Path | None, inputs: set[tuple[int, int]],
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


def _marked(outcome: Outcome, copies: dict[str, tuple[str, float | None]], options: RunOptions) -> Outcome:
    """The outcome, marked as a near-duplicate copy when it is one (as `pipeline.mark_clusters` does)."""
    if outcome.doc.doc_id in copies:
        outcome.duplicate_of, outcome.similarity = copies[outcome.doc.doc_id]
        mark_near_duplicate(outcome, outcome.duplicate_of, outcome.similarity, options.keep_duplicates)
    return outcome


def _write_text(text: str, meta: _Meta, outdir: Path, inputs: set[tuple[int, int]]) -> OutputError | None:
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


