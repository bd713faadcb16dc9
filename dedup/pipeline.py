"""The folder run in memory: read → corpus pass → repair each document → near-duplicates → write.

This is the library's run (`run`, then `output.write_outputs`); the command
line runs the same stages in bounded memory (`dedup.folder_run`), with the
same results.

`run` reads every input into documents, learns the folder's recurring chrome
(the corpus pass), cleans each document (in worker processes with `jobs`>1;
results come back in input order, so output bytes do not depend on `jobs`),
then links near-duplicate documents and decides which copy of each cluster is
written.  `write` puts the cleaned files, the provenance and the report into
the output folder.  A file that cannot be read becomes an error entry; the
others are still cleaned.
"""
from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import reader
from .clean import CleanOptions, CleanResult, clean_text
from .corpus import CorpusOptions, LearnedBoilerplate, learn
from .errors import DedupError, InputError
from .neardup import Cluster, NearDupOptions, find_clusters
from .provenance import Action, ActionRecord, Reason


@dataclass
class RunOptions:
    """Everything one `dedup clean` / `dedup report` run needs to know."""

    clean: CleanOptions = field(default_factory=CleanOptions)
    jobs: int = 1
    text_field: str = "text"
    stdin_format: str = "text"
    corpus: CorpusOptions = field(default_factory=CorpusOptions)
    learn_boilerplate: bool = True
    boilerplate_from: Path | None = None
    near_duplicates: bool = True
    neardup: NearDupOptions = field(default_factory=NearDupOptions)
    index: str | None = None
    keep_duplicates: bool = False
    exclude: list[Path] = field(default_factory=list)
    engine: str = "local"  # "dask": dedup.engine_dask, same results on a Dask cluster
    scheduler: str | None = None  # Dask scheduler address; None starts a LocalCluster


@dataclass
class Outcome:
    """One document's result: its cleaned text, or the cluster copy it duplicates."""

    doc: reader.Document
    result: CleanResult
    duplicate_of: str | None = None
    similarity: float | None = None


@dataclass
class RunResult:
    outcomes: list[Outcome]
    errors: list[DedupError]
    clusters: list[Cluster]
    learned: LearnedBoilerplate | None
    paths: list[str] = field(default_factory=list)


def read_documents(paths: list[str], options: RunOptions, stdin_bytes: bytes | None = None
                   ) -> tuple[list[reader.Document], list[DedupError]]:
    """Discover and decode every input; errors come back alongside the documents.

    A file that cannot be read, decoded or split becomes one error naming it;
    the other files are still read.  Errors keep the order they were met in.
    """
    docs: list[reader.Document] = []
    errors: list[DedupError] = []
    for spec in reader.discover(paths, options.stdin_format, options.exclude):
        if isinstance(spec, DedupError):
            errors.append(spec)
            continue
        try:
            docs.extend(_documents_of(spec, options, stdin_bytes, errors))
        except DedupError as exc:
            if exc.path is None:
                exc.path = spec.path
            errors.append(exc)
    return docs, errors


def _documents_of(spec: reader.InputFile, options: RunOptions, stdin_bytes: bytes | None,
                  errors: list[DedupError]) -> list[reader.Document]:
    """The documents of one input file; a bad JSONL row joins `errors`, a bad file raises `InputError`."""
    if spec.fmt == "jsonl":
        docs: list[reader.Document] = []
        for first, rows in reader.jsonl_chunks(spec, stdin_bytes):
            docs.extend(jsonl_documents(spec, first, rows, options.text_field, errors))
        return docs
    data = reader.read_bytes(spec, stdin_bytes)
    reader.check_not_empty(data, spec.path)
    if spec.fmt == "html":
        from .htmlextract import decode_html, extract_main_text

        text = extract_main_text(decode_html(data), with_title=True).rstrip("\n") + "\n"
        if not text.strip():
            raise InputError("no text found in the HTML page", spec.path, "check that the page has a body")
        reader.check_size(len(text.encode("utf-8")), spec.path, "extracted text")
        return [reader.Document(spec.path, spec.path, spec.output_name, "html", text)]
    text, encoding = reader.decode(data, spec.path)
    reader.check_not_empty(text, spec.path)
    return [reader.Document(spec.path, spec.path, spec.output_name, spec.fmt, text, encoding=encoding)]


def jsonl_documents(spec: reader.InputFile, first: int, rows: list[bytes], text_field: str,
                    errors: list[DedupError]) -> list[reader.Document]:
    """The documents of one chunk of JSONL rows (`reader.jsonl_chunks`); a bad row joins `errors`."""
    docs = []
    for row in reader.chunk_records(first, rows, spec, text_field):
        if isinstance(row, DedupError):
            errors.append(row)
            continue
        number, fields = row
        docs.append(reader.Document(f"{spec.path}#{number}", spec.path, spec.output_name, "jsonl",
                                    fields[text_field], record=number, fields=fields))
    return docs


def _clean_one(args: tuple[reader.Document, CleanOptions, LearnedBoilerplate | None]) -> CleanResult:
    doc, clean_options, learned = args
    result = clean_text(doc.text, clean_options, path=doc.path, learned=learned, output=doc.output_name)
    result.provenance.record = doc.record
    return result


def clean_documents(docs: list[reader.Document], options: RunOptions, learned: LearnedBoilerplate | None,
                    progress: Callable[[int], None] | None = None) -> list[CleanResult]:
    """Clean every document, in order; `jobs` > 1 uses worker processes."""
    work = [(doc, options.clean, learned) for doc in docs]
    if options.jobs <= 1 or len(docs) < 2:
        results = []
        for item in work:
            results.append(_clean_one(item))
            if progress:
                progress(1)
        return results
    with ProcessPoolExecutor(max_workers=options.jobs) as pool:
        results = []
        for res in pool.map(_clean_one, work, chunksize=max(1, len(work) // (options.jobs * 8))):
            results.append(res)
            if progress:
                progress(1)
        return results


def corpus_pass(docs: list[reader.Document], options: RunOptions) -> LearnedBoilerplate | None:
    """Learn the folder's recurring chrome, and merge in any saved boilerplate file."""
    learned = None
    if options.clean.boilerplate and options.learn_boilerplate:
        learned = learn([(d.doc_id, d.text) for d in docs], options.corpus)
    if options.boilerplate_from is not None:
        saved = LearnedBoilerplate.load(options.boilerplate_from)
        learned = saved if learned is None else learned.merged_with(saved)
    return learned


def run(paths: list[str], options: RunOptions, stdin_bytes: bytes | None = None,
        progress: Callable[[int], None] | None = None) -> RunResult:
    """Read, learn, clean and link near-duplicates; nothing is written here."""
    if options.engine == "dask":
        from . import engine_dask

        return engine_dask.run(paths, options, stdin_bytes, progress)
    docs, errors = read_documents(paths, options, stdin_bytes)
    learned = corpus_pass(docs, options)
    results = clean_documents(docs, options, learned, progress)
    outcomes = [Outcome(doc, res) for doc, res in zip(docs, results, strict=True)]
    clusters: list[Cluster] = []
    if options.near_duplicates and len(outcomes) > 0:
        clusters = link_duplicates(outcomes, options)
    return RunResult(outcomes, errors, clusters, learned, paths)


def link_duplicates(outcomes: list[Outcome], options: RunOptions) -> list[Cluster]:
    """Cluster near-duplicate documents; mark every copy but the kept one."""
    items = [(o.doc.doc_id, o.result.text) for o in outcomes]
    index = None
    if options.index:
        from .index import open_index

        index = open_index(options.index)
    try:
        clusters = find_clusters(items, options.neardup, index=index)
    finally:
        if index is not None:
            index.close()
    mark_clusters(outcomes, clusters, options.keep_duplicates)
    return clusters


def mark_clusters(outcomes: list[Outcome], clusters: list[Cluster], keep_duplicates: bool) -> None:
    """Mark every member of each cluster but the kept one as its near-duplicate copy."""
    by_id = {o.doc.doc_id: o for o in outcomes}
    for cluster in clusters:
        for member in cluster.members:
            if member != cluster.keep and member in by_id:
                outcome = by_id[member]
                outcome.duplicate_of = cluster.keep
                outcome.similarity = cluster.similarity.get(member)
                mark_near_duplicate(outcome, cluster.keep, outcome.similarity, keep_duplicates)


def mark_near_duplicate(outcome: Outcome, keep: str, similarity: float | None, written: bool) -> None:
    """Record that the whole document is a copy of `keep`.

    When the copy is not written, its per-piece actions give way to a single
    `near_duplicate_doc` action over the whole text (so each character still
    lies in exactly one action); with --keep-duplicates they stay.
    """
    prov = outcome.result.provenance
    prov.duplicate_of, prov.similarity = keep, similarity
    if not written:
        text = outcome.doc.text
        prov.actions = [ActionRecord(Action.DROPPED, Reason.NEAR_DUPLICATE_DOC, "near_duplicate_document",
                                     (0, len(text)), (1, text.count("\n") + 1), None, None, similarity,
                                     note=f"copy of {keep}")]
        prov.output, prov.chars_out = None, 0
