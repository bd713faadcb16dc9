"""Near-duplicate articles across a folder: shingles, MinHash, LSH, exact check, union-find.

1. Each document's cleaned text is folded (width, case, accents), cut into
   shingles (word n-grams, or character n-grams for CJK text), hashed and
   summarised by a one-permutation MinHash signature, a batch of documents
   per numpy pass (`dedup.docsketch`).
2. LSH banding (`dedup.bands`, datasketch's bands and parameters) proposes
   candidate pairs: one 64-bit key per band for every signature, one sort per
   band for the whole run (and, with an `Index`, the index proposes stored
   documents from earlier runs).  The LSH threshold is
   set below `threshold` (see `candidate_threshold`): the LSH estimates
   Jaccard, but a copy with a paragraph cut is judged by containment, whose
   Jaccard is lower.
3. A candidate pair is linked only if its exact similarity on the shingle
   hashes reaches `threshold`.  Similarity is max(Jaccard, containment), where
   containment (share of the smaller document found in the larger) counts only
   if the smaller has at least `min_size_ratio` of the larger's shingles: a
   digest page quoting several short articles must not chain them together.
4. Linked documents are grouped by union-find, and each group is split so that
   every document dropped as a copy reaches `threshold` against the copy kept
   *for it*, measured on the pair itself: a chain of links (a series built on
   one template, each article close to the next) never makes two distant
   members copies of each other (`_split_group`).

Why the default threshold is 0.5, not 0.7: with word 3-grams, editing 1-2 %
of the characters breaks about a quarter of the shingles, so a syndicated copy
with edits and a paragraph cut scores 0.6-0.7 against its original (measured
on tests/neardup_data.py), while different articles on the same topic, the
seed articles included, score at most about 0.15.  0.5 sits in that gap.

Keep rule (deterministic): documents from earlier runs (in the index) always
come first - they were already published as the kept copy.  Then with
``keep="longest"``: most characters of cleaned text (whitespace not
counted), then earliest order key, then path order; with ``keep="first"``:
earliest order key, then path order, then most characters.  Order keys are
optional; a document without one sorts after those with one.  The path order
of a stored document is its insertion order in the index.

Documents whose text yields no shingle are never clustered nor indexed.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, get_args

import numpy as np

from dedup import bands, docsketch
from dedup.errors import ConfigError
from dedup.index import FORMAT, Index, StoredDoc
from dedup.minhash import similarity

Keep = Literal["longest", "first"]  # which copy of a cluster is kept (module docstring)
KEEP_RULES: tuple[str, ...] = get_args(Keep)


@dataclass
class Cluster:
    """A group of near-duplicate documents and the copy kept."""

    keep: str  # doc_id kept
    members: list[str]  # all doc_ids in the cluster incl. keep, sorted by the keep rule
    similarity: dict[str, float]  # doc_id -> verified similarity to the kept doc (1.0 for keep)


@dataclass
class NearDupOptions:
    """Parameters of the near-duplicate search (all but `keep` are fixed by an index)."""

    threshold: float = 0.5  # see module docstring for why not higher
    num_perm: int = 128  # the estimate decides candidates for a user's threshold: 128 halves its variance vs 64
    char_ngram: int = 5
    word_ngram: int = 3
    keep: Keep = "longest"
    seed: int = 1
    min_size_ratio: float = 0.6
    lsh_threshold: float | None = None  # None: derived by `candidate_threshold`


@dataclass
class _Doc:
    """A document being compared: a new one (tier 1) or a stored one (tier 0)."""

    doc_id: str
    chars: int
    order: object
    pos: int
    tier: int
    hashes: np.ndarray | None  # None while they wait on disk (see `load`)
    signature: np.ndarray = field(repr=False)
    load: Callable[[], np.ndarray] | None = field(default=None, repr=False, compare=False)

    def shingles(self) -> np.ndarray:
        """The sorted unique shingle hashes, from memory or from where `load` reads them."""
        return self.hashes if self.hashes is not None else self.load()


def candidate_threshold(opts: NearDupOptions) -> float:
    """LSH threshold (estimated Jaccard) at which pairs are proposed for the exact check.

    A copy with one paragraph of five cut (size ratio 0.8) that is just at
    `threshold` containment has Jaccard J = 0.8*t / (1.8 - 0.8*t), about 0.29
    for t = 0.5; that is the default.  Pairs with a larger size difference are
    still proposed with lower probability; set `lsh_threshold` lower for more
    recall at the cost of more exact checks.
    """
    if opts.lsh_threshold is not None:
        return opts.lsh_threshold
    t = opts.threshold
    return max(0.05, 0.8 * t / (1.8 - 0.8 * t))


def validate(opts: NearDupOptions) -> None:
    """Refuse options the search cannot honour, with the fix in the hint."""
    if opts.keep not in KEEP_RULES:
        raise ConfigError(f"unknown keep rule {opts.keep!r}", hint="use keep='longest' or keep='first'")
    if not 0.0 < opts.threshold <= 1.0 or not 0.0 < candidate_threshold(opts) <= 1.0:
        raise ConfigError(f"threshold {opts.threshold} out of range", hint="use a value in (0, 1]")
    if not 8 <= opts.num_perm <= docsketch.MAX_PERM or opts.char_ngram < 1 or opts.word_ngram < 1:
        raise ConfigError(f"num_perm must be in 8..{docsketch.MAX_PERM} and n-gram sizes >= 1",
                          hint="defaults: 128, 5, 3")


def lsh_params(opts: NearDupOptions) -> tuple[int, int]:
    """(bands, rows) datasketch chooses for the candidate threshold (`bands.optimal_params`)."""
    return bands.optimal_params(candidate_threshold(opts), opts.num_perm)


def index_params(opts: NearDupOptions) -> dict:
    """Everything that must match between runs sharing an index."""
    bands, rows = lsh_params(opts)
    return {"format": FORMAT, "threshold": opts.threshold, "num_perm": opts.num_perm, "char_ngram": opts.char_ngram,
            "word_ngram": opts.word_ngram, "seed": opts.seed, "min_size_ratio": opts.min_size_ratio,
            "bands": bands, "rows": rows}


def order_value(value: object) -> object:
    """An order key as JSON can store it: dates as ISO strings, numbers as float, else str."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return str(value)


def _order_sort(value: object) -> tuple:
    """Sort form of a stored order value: numbers, then strings, then missing."""
    if value is None:
        return (2, "")
    return (0, value, "") if isinstance(value, float) else (1, 0.0, value)


def rank(doc: _Doc, keep: str) -> tuple:
    """Sort key of the keep rule (module docstring): smallest is kept."""
    if keep == "first":
        return (doc.tier, _order_sort(doc.order), doc.pos, -doc.chars, doc.doc_id)
    return (doc.tier, -doc.chars, _order_sort(doc.order), doc.pos, doc.doc_id)


def sketch_documents(items: list[tuple[int, str, str, object]], opts: NearDupOptions) -> list[_Doc | None]:
    """The sketch of every (pos, doc_id, text, order), or None for a text that yields no shingle.

    Runs wherever the documents are cleaned (a worker process, a Dask task), so
    a folder run keeps only these sketches, not the texts; documents are
    sketched `_SKETCH_BATCH` at a time (`docsketch.sketch_batch`).
    """
    out: list[_Doc | None] = []
    for start in range(0, len(items), _SKETCH_BATCH):
        chunk = items[start:start + _SKETCH_BATCH]
        sketches = docsketch.sketch_batch([text for _, _, text, _ in chunk], opts.char_ngram, opts.word_ngram,
                                          opts.seed, opts.num_perm)
        out.extend(None if sk is None else _Doc(doc_id, sk.chars, order_value(order), pos, 1, sk.hashes, sk.signature)
                   for (pos, doc_id, _, order), sk in zip(chunk, sketches, strict=True))
    return out


_SKETCH_BATCH = 64  # documents hashed together: enough to amortise numpy calls, few enough for the CPU cache


def _prepare(docs: list[tuple[str, str]], opts: NearDupOptions, order: dict) -> list[_Doc]:
    """Shingle, hash and sign the run's documents; drop those without shingles."""
    validate(opts)
    check_unique([doc_id for doc_id, _ in docs])  # before the work; `cluster_sketches` checks what it gets
    items = [(pos, doc_id, text, order.get(doc_id)) for pos, (doc_id, text) in enumerate(docs)]
    return [d for d in sketch_documents(items, opts) if d is not None]


def check_unique(doc_ids: list[str]) -> None:
    seen: set[str] = set()
    for doc_id in doc_ids:
        if doc_id in seen:
            raise ConfigError(f"doc_id {doc_id!r} given twice", hint="doc_ids must be unique within a run")
        seen.add(doc_id)


def _stored(rec: StoredDoc) -> _Doc:
    return _Doc(rec.doc_id, rec.chars, rec.order, rec.seq, 0, rec.shingles, rec.signature)


def _candidates(new: list[_Doc], opts: NearDupOptions, index: Index | None
                ) -> tuple[set[tuple[str, str]], dict[str, _Doc]]:
    """Candidate pairs (sorted id pairs) among new documents and against the index, and the stored docs seen."""
    pairs: set[tuple[str, str]] = set()
    if new:
        keys = bands.band_keys(np.stack([d.signature for d in new]), *lsh_params(opts))
        for i, j in bands.candidate_pairs(keys):
            a, b = new[i].doc_id, new[j].doc_id
            pairs.add((a, b) if a < b else (b, a))
    stored_ids: set[str] = set()
    if index is not None:
        ids = {d.doc_id for d in new}
        for d, found in zip(new, index.candidates_many([d.signature for d in new]), strict=True):
            hits = found - ids
            stored_ids |= hits
            pairs.update((other, d.doc_id) if other < d.doc_id else (d.doc_id, other) for other in hits)
    stored = {k: _stored(v) for k, v in index.fetch(stored_ids).items()} if stored_ids else {}
    return pairs, stored


class _UnionFind:
    """Disjoint sets over doc_ids, so linked copies end in one cluster."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[str]]:
        out: dict[str, list[str]] = {}
        for x in sorted(self.parent):
            out.setdefault(self.find(x), []).append(x)
        return list(out.values())


def link_verified(pairs: set[tuple[str, str]], by_id: dict[str, _Doc], opts: NearDupOptions) -> list[Cluster]:
    """Clusters of the candidate pairs whose exact similarity reaches the threshold.

    Each document's shingles are read once (they may wait on disk, see
    `_Doc.load`), for the exact check and for measuring members against the kept copy.
    """
    loaded: dict[str, np.ndarray] = {}
    measured: dict[tuple[str, str], float] = {}

    def shingles(doc_id: str) -> np.ndarray:
        if doc_id not in loaded:
            loaded[doc_id] = by_id[doc_id].shingles()
        return loaded[doc_id]

    def measure(a: str, b: str) -> float:
        pair = (a, b) if a < b else (b, a)
        if pair not in measured:
            measured[pair] = similarity(shingles(a), shingles(b), opts.min_size_ratio)
        return measured[pair]

    links = _UnionFind()
    for a, b in sorted(pairs):
        if a in by_id and b in by_id and measure(a, b) >= opts.threshold:
            links.union(a, b)
    return _clusters(links.groups(), by_id, opts, measure)


def _clusters(groups: list[list[str]], by_id: dict[str, _Doc], opts: NearDupOptions,
              measure: Callable[[str, str], float]) -> list[Cluster]:
    """Split each linked group into clusters whose every member is verified against the copy kept for it.

    Links only say which documents to compare: a chain A-B-C of verified
    pairs does not make C a copy of A.  Within a group, the first member by the
    keep rule is kept, the members whose own similarity to it reaches the
    threshold are its copies, and the rest of the group is split the same way
    (`_split_group`).  Clusters come in the order of their first member in the
    run (then by kept doc_id).
    """
    out: list[tuple[tuple, Cluster]] = []
    for group in groups:
        for members, sims in _split_group(sorted((by_id[i] for i in group), key=lambda d: rank(d, opts.keep)),
                                          opts.threshold, measure):
            first = min(d.pos for d in members if d.tier == 1)
            out.append(((first, members[0].doc_id), Cluster(members[0].doc_id, [d.doc_id for d in members], sims)))
    return [c for _, c in sorted(out, key=lambda rc: rc[0])]


def _split_group(ranked: list[_Doc], threshold: float, measure: Callable[[str, str], float]
                 ) -> list[tuple[list[_Doc], dict[str, float]]]:
    """Clusters (kept copy first, >= 2 members, one new document at least) of a group ranked by the keep rule."""
    out = []
    rest = ranked
    while len(rest) > 1:
        keep, members, left = rest[0], [rest[0]], []
        sims = {keep.doc_id: 1.0}
        for doc in rest[1:]:
            value = measure(keep.doc_id, doc.doc_id)
            if value >= threshold:
                members.append(doc)
                sims[doc.doc_id] = round(value, 4)
            else:
                left.append(doc)
        if len(members) > 1 and any(d.tier == 1 for d in members):
            out.append((members, sims))
        rest = left
    return out


def find_clusters(docs: list[tuple[str, str]], options: NearDupOptions | None = None,
                  index: Index | None = None, order: dict[str, object] | None = None) -> list[Cluster]:
    """Clusters (>= 2 members) of near-duplicates among `docs` and, with `index`, earlier runs' documents.

    `docs` are (doc_id, cleaned_text) in the run's order; `order` optionally maps
    doc_id to a date/order key.  With an index, its parameters must match the
    options (else `IndexError_`), and the run's documents are added to it after
    the search (a doc_id already stored is replaced: it is the same document).
    A stored document joins a cluster only as a verified near-duplicate of one
    of this run's documents; links among stored documents are not re-checked
    (the run that stored them reported them), so every cluster has a new member.
    """
    return cluster_sketches(_prepare(docs, options or NearDupOptions(), order or {}), options, index)


def cluster_sketches(new: list[_Doc], options: NearDupOptions | None = None, index: Index | None = None) -> list[Cluster]:
    """`find_clusters` on documents already sketched by `sketch_documents` (in run order)."""
    opts = options or NearDupOptions()
    validate(opts)
    check_unique([d.doc_id for d in new])
    if index is not None:
        index.bind(index_params(opts))
    pairs, stored = _candidates(new, opts, index)
    clusters = link_verified(pairs, {**stored, **{d.doc_id: d for d in new}}, opts)
    if index is not None:
        for start in range(0, len(new), _INDEX_CHUNK):
            index.add([StoredDoc(d.doc_id, d.chars, d.order, d.signature, d.shingles())
                       for d in new[start:start + _INDEX_CHUNK]])
    return clusters


_INDEX_CHUNK = 1000  # documents whose shingles are read back at once to be stored in the index
