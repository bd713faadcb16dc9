"""The data of a folder run: its options, each document's outcome, the run's result, copies marked.

Every runner, reader, writer and report takes these; this module imports none
of them, so the run's modules depend on it and never on each other in a ring.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

from .clean import CleanOptions, CleanResult
from .corpus import CorpusOptions, LearnedBoilerplate
from .discover import FORMATS, Format
from .errors import ConfigError, DedupError
from .neardup import Cluster, NearDupOptions
from .provenance import Action, ActionRecord, Reason
from .reader import Document

Engine = Literal["local", "dask"]  # where the workers run (dedup.workers)
ENGINES: tuple[str, ...] = get_args(Engine)
EXTRACT_MODES = ("balanced", "precision", "recall")  # htmlextract.MODES, without importing the extractor


@dataclass
class RunOptions:
    """Everything one `dedup clean` / `dedup report` run needs to know; checked when built (`ConfigError`)."""

    clean: CleanOptions = field(default_factory=CleanOptions)
    jobs: int = 1
    text_field: str = "text"
    extract: str = "balanced"  # HTML main-content extraction mode (htmlextract.MODES)
    stdin_format: Format = "text"
    corpus: CorpusOptions = field(default_factory=CorpusOptions)
    learn_boilerplate: bool = True
    boilerplate_from: Path | None = None
    near_duplicates: bool = True
    neardup: NearDupOptions = field(default_factory=NearDupOptions)
    index: str | None = None
    keep_duplicates: bool = False
    exclude: list[Path] = field(default_factory=list)
    engine: Engine = "local"  # "dask": the same run with its workers on a Dask cluster (dedup.workers)
    scheduler: str | None = None  # Dask scheduler address; None starts a LocalCluster

    def __post_init__(self) -> None:
        for name, value, allowed in (("engine", self.engine, ENGINES), ("stdin_format", self.stdin_format, FORMATS),
                                     ("extract", self.extract, EXTRACT_MODES)):
            if value not in allowed:
                raise ConfigError(f"{name} {value!r} is not one of {', '.join(allowed)}", hint=f"pass one of {allowed}")
        if self.jobs < 1:
            raise ConfigError(f"jobs must be at least 1, not {self.jobs}", hint="pass jobs=1 or more")


@dataclass
class Outcome:
    """One document's result: its cleaned text, or the cluster copy it duplicates."""

    doc: Document
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


def with_saved_boilerplate(learned: LearnedBoilerplate | None, options: RunOptions) -> LearnedBoilerplate | None:
    """The chrome learned by the corpus pass, merged with the saved file of `--boilerplate-from`."""
    if options.boilerplate_from is None:
        return learned
    saved = LearnedBoilerplate.load(options.boilerplate_from)
    return saved if learned is None else learned.merged_with(saved)


def copies_of(clusters: list[Cluster]) -> dict[str, tuple[str, float | None]]:
    """Every copy of a cluster (not the kept one) → (the kept copy, its similarity to it)."""
    return {m: (c.keep, c.similarity.get(m)) for c in clusters for m in c.members if m != c.keep}


def marked(outcome: Outcome, copies: dict[str, tuple[str, float | None]], keep_duplicates: bool) -> Outcome:
    """The outcome, marked as a near-duplicate copy when it is one (`copies` from `copies_of`)."""
    if outcome.doc.doc_id in copies:
        outcome.duplicate_of, outcome.similarity = copies[outcome.doc.doc_id]
        mark_near_duplicate(outcome, outcome.duplicate_of, outcome.similarity, keep_duplicates)
    return outcome


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
