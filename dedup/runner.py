"""The one folder run, streamed: read → corpus pass → clean → near-duplicates, documents held on disk.

Every run goes through `stream`: the command line's (`dedup.folder_run`
writes what it yields) and the library's in-memory `pipeline.run` (which
collects it).  What stays in memory is the index, not the texts:

1. read: each input is read and decoded once (a JSONL file chunk by chunk of
   rows); its documents go to a spool file (`dedup.spool`) and the corpus
   pass counts their lines (`corpus.Observer`);
2. clean: documents come back from the spool one by one and are cleaned on
   the run's workers (`dedup.workers`); the worker also sketches the cleaned
   text for the near-duplicate stage (`neardup.sketch_documents`) and prepares
   its provenance line and report entry; the result goes to a second spool,
   the signature stays in memory and the shingle hashes go to a third;
3. near-duplicates: clusters from the signatures (and the `--index`), the
   shingle hashes of candidate pairs read back for the exact check.

The caller then takes the results back from the spool in input order.
"""
from __future__ import annotations

import contextlib
import functools
import json
import pickle
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from . import reader
from .clean import CleanOptions, CleanResult, clean_one
from .corpus import LearnedBoilerplate, Observer, learn_from, line_observations
from .discover import InputFile, discover
from .errors import DedupError
from .neardup import Cluster, NearDupOptions, cluster_sketches, sketch_documents
from .rundata import Outcome, RunOptions, with_saved_boilerplate
from .spool import Spool
from .workers import Workers, open_workers


@dataclass
class Meta:
    """The per-document facts the write stage needs before the document comes back from the spool."""

    doc_id: str
    path: str
    output_name: str
    fmt: str


@dataclass
class Finished:
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
    def of(cls, outcome: Outcome, provenance: str, entry: dict) -> Finished:
        bare = Outcome(outcome.doc, CleanResult("", outcome.result.provenance))
        return cls(pickle.dumps(bare, protocol=pickle.HIGHEST_PROTOCOL), outcome.result.text, provenance, entry)

    def load_outcome(self) -> Outcome:
        """The document's `Outcome`, cleaned text put back."""
        outcome = pickle.loads(self.outcome)
        outcome.result.text = self.text
        return outcome


@dataclass
class Streamed:
    """What the read, clean and near-duplicate stages leave: facts per document, results on disk."""

    metas: list[Meta]
    results: Spool  # one `Finished` per document, in input order
    clusters: list[Cluster]
    errors: list[DedupError]
    learned: LearnedBoilerplate | None


@contextlib.contextmanager
def stream(paths: list[str], options: RunOptions, stdin: bytes | BinaryIO | None = None,
           progress: Callable[[int], None] | None = None, report: bool = False) -> Iterator[Streamed]:
    """The stages of the module docstring; the spools live until the block ends.

    `report` has the workers draw each document's full report entry (sections,
    plots), else only its metrics.
    """
    index = _open_index(options)
    try:
        with contextlib.ExitStack() as stack:
            docs_spool, results_spool, shingles_spool = (stack.enter_context(Spool()) for _ in range(3))
            workers = stack.enter_context(open_workers(options.engine, options.jobs, options.scheduler))
            metas, errors, learned = _read_all(paths, options, stdin, docs_spool, workers)
            sketches = _clean_all(docs_spool, options, learned, (results_spool, shingles_spool), progress, report,
                                  workers)
            clusters = cluster_sketches(sketches, options.neardup, index) if options.near_duplicates and metas else []
            del sketches
            yield Streamed(metas, results_spool, clusters, errors, learned)
    finally:
        if index is not None:
            index.close()


def _open_index(options: RunOptions):
    """The persistent index, bound to the options before any work (a mismatch fails fast)."""
    if not (options.index and options.near_duplicates):
        return None
    from .index import open_index
    from .neardup import index_params, validate

    validate(options.neardup)
    index = open_index(options.index)
    try:
        index.bind(index_params(options.neardup))
    except DedupError:
        index.close()
        raise
    return index


class _Gather:
    """The read stage's keeper: documents to the spool, their facts to `metas`, their lines to the observer."""

    def __init__(self, spool: Spool, observer: Observer | None) -> None:
        self.spool, self.observer = spool, observer
        self.metas: list[Meta] = []
        self.errors: list[DedupError] = []

    def __call__(self, done: list[tuple[list, list, list]]) -> None:
        for docs, errs, observed in done:
            self.errors.extend(errs)
            for doc, obs in zip(docs, observed, strict=True):
                if self.observer is not None:
                    self.observer.record(obs, doc.text)
                self.spool.append(doc)
                self.metas.append(Meta(doc.doc_id, doc.path, doc.output_name, doc.fmt))


def _read_all(paths: list[str], options: RunOptions, stdin: bytes | BinaryIO | None, spool: Spool,
              workers: Workers) -> tuple[list[Meta], list[DedupError], LearnedBoilerplate | None]:
    """Read every input into the spool, counting lines for the corpus pass; errors in the order met.

    Reading, decoding, HTML extraction and the line keys of the corpus pass run
    on the workers; the counts are merged here in input order.
    """
    observer = Observer() if options.clean.boilerplate and options.learn_boilerplate else None
    gather = _Gather(spool, observer)
    items = list(discover(paths, options.stdin_format, options.exclude))
    workers.run_batches(_read_jobs(items, stdin, workers.batch), read_batch, (options.text_field, observer is not None, options.extract),
                        gather)
    learned = learn_from(observer, options.corpus) if observer is not None else None
    return gather.metas, gather.errors, with_saved_boilerplate(learned, options)


@dataclass
class Rows:
    """A chunk of a JSONL input's raw rows (`reader.jsonl_chunks`): JSONL files are read as streams."""

    spec: InputFile
    first: int  # number of the first row
    rows: list[bytes]


class _Stdin:
    """Standard input as bytes, read once when a batch first needs it (a stream is read here)."""

    def __init__(self, stdin: bytes | BinaryIO | None) -> None:
        self.stdin, self.data = stdin, None if hasattr(stdin, "read") else stdin

    def bytes_for(self, batch: list) -> bytes | None:
        if not any(isinstance(s, InputFile) and s.source is None for s in batch):
            return None
        if self.data is None and self.stdin is not None:
            self.data = self.stdin.read()
        return self.data


def _read_jobs(items: list, stdin: bytes | BinaryIO | None, size: int) -> Iterator[tuple[list, bytes | None]]:
    """Batches of discovered items for `read_batch`, in order; a JSONL file comes as chunks of its rows.

    Standard input travels only with the batch that reads it (as bytes; a
    JSONL stream is read here in chunks).  The rows of a JSONL file are read
    here, lazily, as the batches go out.
    """
    batch: list = []
    source = _Stdin(stdin)
    for item in items:
        if isinstance(item, InputFile) and item.fmt == "jsonl":
            if batch:
                yield batch, source.bytes_for(batch)
                batch = []
            try:
                for first, rows in reader.jsonl_chunks(item, stdin):
                    yield [Rows(item, first, rows)], None
            except DedupError as exc:
                yield [exc], None
            continue
        batch.append(item)
        if len(batch) == size:
            yield batch, source.bytes_for(batch)
            batch = []
    if batch:
        yield batch, source.bytes_for(batch)


def read_batch(job: tuple[list, bytes | None], text_field: str, observe: bool, extract: str = "balanced"
               ) -> list[tuple[list[reader.Document], list[DedupError], list]]:
    """Per item of the batch: its documents, its errors, and each document's line observations (on a worker)."""
    batch, stdin_bytes = job
    out = []
    for spec in batch:
        if isinstance(spec, DedupError):
            out.append(([], [spec], []))
            continue
        errors: list[DedupError] = []
        if isinstance(spec, Rows):
            docs = reader.jsonl_documents(spec.spec, spec.first, spec.rows, text_field, errors)
        else:
            try:
                docs = reader.documents_of(spec, text_field, stdin_bytes, errors, extract)
            except DedupError as exc:
                if exc.path is None:
                    exc.path = spec.path
                out.append(([], [*errors, exc], []))
                continue
        out.append((docs, errors, [line_observations(d.text) if observe else [] for d in docs]))
    return out


def clean_batch(batch: list[tuple[int, reader.Document]], clean: CleanOptions, learned: LearnedBoilerplate | None,
                neardup: NearDupOptions | None, report: bool) -> list[tuple[Finished, object | None]]:
    """Clean, sketch and prepare the outputs of a batch of documents (on a worker)."""
    from .report import document_entry, document_metrics

    out = []
    for _, doc in batch:
        result = clean_one(doc, clean, learned)
        outcome = Outcome(doc, result)
        entry = document_entry(outcome) if report else document_metrics(outcome)
        line = json.dumps(result.provenance.to_json(), ensure_ascii=False) + "\n"
        out.append(Finished.of(outcome, line, entry))
    if neardup is None:
        return [(done, None) for done in out]
    sketches = sketch_documents([(pos, doc.doc_id, done.text, None) for (pos, doc), done in zip(batch, out, strict=True)],
                                neardup)
    return list(zip(out, sketches, strict=True))


def _batches(docs: Iterable[reader.Document], size: int) -> Iterator[list[tuple[int, reader.Document]]]:
    batch: list[tuple[int, reader.Document]] = []
    for pos, doc in enumerate(docs):
        batch.append((pos, doc))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _clean_all(docs: Spool, options: RunOptions, learned: LearnedBoilerplate | None, spools: tuple[Spool, Spool],
               progress: Callable[[int], None] | None, report: bool, workers: Workers) -> list:
    """Clean every spooled document in order into the results spool; returns the near-duplicate sketches.

    A sketch keeps its signature in memory; its shingle hashes (several times
    larger) go to the shingles spool, read back only for candidate pairs.
    """
    results, shingles = spools
    neardup = options.neardup if options.near_duplicates else None
    sketches: list = []  # neardup's sketches of the cleaned texts

    def keep(done: list) -> None:
        for finished, sketch in done:
            results.append(finished)
            if sketch is not None:
                shingles.append(sketch.hashes)
                sketch.hashes, sketch.load = None, functools.partial(shingles.get, len(shingles) - 1)
                sketches.append(sketch)
        if progress:
            progress(len(done))

    workers.run_batches(_batches(docs, workers.batch), clean_batch,
                        (options.clean, workers.share(learned), neardup, report), keep)
    return sketches
