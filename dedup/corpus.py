"""The corpus pass: lines that recur across a folder's documents are the site's chrome.

Navigation, author boxes, copyright lines, "related links" headers and product
widgets repeat on every page of a site; article prose does not.  `learn`
counts, for every normalised line (digits folded, so "© 2011" meets "© 2012"),
how many documents carry it and where (head, body or foot of the page), and
folds near-identical variants together with MinHash LSH.  Frequency alone is
not enough: short items that recur in lists ("防水", "Wi-Fi") are content, so a
recurring line is chrome only when it mostly sits in the head or foot of its
pages, is link-shaped, or is on a large share of all pages — and never when it
is a sentence of body prose.  The result can be saved and reused
(`--boilerplate-from`) to clean a single new page with its site's known chrome.
"""
from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import regex
import xxhash
from rapidfuzz import fuzz

from . import bands, minhash, textnorm
from .errors import ConfigError

_DIGITS = regex.compile(r"\d+")
_LINKISH = regex.compile(r"^\s*(?:[・■□◆◇★☆●○▼▶>»※]|https?://|www\.)|(?:\s[-|–]\s\S.{0,40}$)|はこちら|こちらから|\|$",
                         regex.I)


@dataclass
class CorpusOptions:
    min_docs: int = 3            # a line must recur in at least this many documents...
    min_share: float = 0.01      # ...and this share of the folder
    common_share: float = 0.25   # on this share of pages a short line is chrome wherever it stands
    edge_share: float = 0.6      # share of occurrences in head/foot that makes a line chrome
    head_share: float = 0.2      # a line mostly at the head must also be on this share of pages
    variant_threshold: float = 0.8  # indel similarity ratio at which two recurring lines are one line
    num_perm: int = 64  # short lines, folded only after an indel ratio check; fixed so saved files stay valid


def line_key(text: str) -> str:
    """A line's identity across pages: comparison key with digits folded."""
    return _DIGITS.sub("0", textnorm.key(text))


MAX_FOOT_LINES = 30  # lines at the end of a page that can be its foot


def regions(lines: list[str]) -> list[str]:
    """head / body / foot for each non-blank line of one page.

    The body runs from the first to the last line of running prose; what
    stands before it (at most five lines) is the head, what follows it (at
    most `MAX_FOOT_LINES`) the foot: a page of verse after one paragraph of
    prose is no footer.
    """
    n = len(lines)
    prose = [i for i, ln in enumerate(lines) if is_prose(ln)]
    if not prose:
        return ["body"] * n
    head, foot = min(prose[0], 5), max(prose[-1] + 1, n - MAX_FOOT_LINES)
    return ["head" if i < head else ("foot" if i >= foot else "body") for i in range(n)]


def is_prose(text: str) -> bool:
    """A sentence of running text: never chrome on recurrence alone."""
    s = text.strip()
    return len(s) >= 30 and textnorm.ends_sentence(s) and not _LINKISH.search(s)


def link_entry(text: str) -> bool:
    """A link-shaped line that is no sentence: a navigation entry or a section label, chrome even in the body."""
    return bool(_LINKISH.search(text)) and not textnorm.ends_sentence(text.strip())


@dataclass
class Entry:
    text: str
    docs: int
    edge: float
    rule: str


@dataclass
class LearnedBoilerplate:
    """Recurring chrome learned from a folder, keyed by `line_key`."""

    entries: dict[str, Entry] = field(default_factory=dict)
    documents: int = 0

    def rule_for(self, text: str, region: str) -> str | None:
        """The rule that makes this line chrome, or None."""
        entry = self.entries.get(line_key(text))
        return entry.rule if entry is not None else None

    def merged_with(self, other: LearnedBoilerplate) -> LearnedBoilerplate:
        """Both sets of learned lines (this run's verdicts win)."""
        entries = dict(other.entries)
        entries.update(self.entries)
        return LearnedBoilerplate(entries, self.documents + other.documents)

    def to_json(self) -> dict:
        """The saved form (`--save-boilerplate`), most common lines first."""
        rows = [{"key": k, "text": e.text, "docs": e.docs, "edge_share": round(e.edge, 3), "rule": e.rule}
                for k, e in sorted(self.entries.items(), key=lambda kv: (-kv[1].docs, kv[0]))]
        return {"format": "dedup-boilerplate/1", "documents": self.documents, "lines": rows}

    def save(self, path: Path) -> None:
        """Write the learned lines to `path` atomically."""
        from .writer import write_atomic

        write_atomic(path, json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n")

    @classmethod
    def load(cls, path: Path) -> LearnedBoilerplate:
        """Read a file written by `save`; ConfigError when it is not one."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            entries = {row["key"]: Entry(row["text"], row["docs"], row["edge_share"], row["rule"])
                       for row in data["lines"]}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"not a boilerplate file ({exc})", str(path),
                              "pass a file written by --save-boilerplate")
        return cls(entries, data.get("documents", 0))


_REGION_BIT = {"head": 1 << 32, "body": 1 << 64, "foot": 1 << 96}
_FIELD = (1 << 32) - 1


def line_observations(text: str) -> list[tuple[int, int, int]]:
    """(xxh64 of the line key, region bit, index among non-blank lines) of each distinct line key of a page."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    seen: set[str] = set()
    out = []
    for number, (ln, region) in enumerate(zip(lines, regions(lines), strict=True)):
        k = line_key(ln)
        if k and k not in seen:
            seen.add(k)
            out.append((xxhash.xxh64_intdigest(k.encode("utf-8")), _REGION_BIT[region], number))
    return out


class Observer:
    """What the corpus pass gathers, one document at a time (so a folder run need not hold them all).

    Per line key: in how many documents it stands and in which region, packed
    into one integer under the key's 64-bit hash; and, once a key is seen in a
    second document, a sample text.  A line seen once - most lines - costs one
    dictionary entry of two integers, not its text.
    """

    def __init__(self) -> None:
        self.stats: dict[int, int] = {}  # xxh64(key) -> docs | head << 32 | body << 64 | foot << 96
        self.sample: dict[int, str] = {}  # xxh64(key) -> the line, for keys in two documents or more
        self.documents = 0

    def add(self, text: str) -> None:
        """Count the distinct lines of one document."""
        self.record(line_observations(text), text)

    def record(self, observations: list[tuple[int, int, int]], text: str) -> None:
        """Count one document from its `line_observations` (made anywhere, e.g. in the worker that read it)."""
        self.documents += 1
        stats, sample = self.stats, self.sample
        lines = None
        for h, bit, number in observations:
            before = stats.get(h, 0)
            stats[h] = before + 1 + bit
            if before & _FIELD == 1:
                if lines is None:
                    lines = [ln for ln in text.splitlines() if ln.strip()]
                sample[h] = lines[number].strip()

    def recurring(self) -> tuple[Counter, dict[str, Counter], dict[str, str]]:
        """(documents per key, regions per key, sample per key) of the keys in two documents or more."""
        counts: Counter = Counter()
        where: dict[str, Counter] = defaultdict(Counter)
        samples: dict[str, str] = {}
        for h, text in self.sample.items():
            packed, k = self.stats[h], line_key(text)
            counts[k] = packed & _FIELD
            for region, bit in _REGION_BIT.items():
                if (packed // bit) & _FIELD:
                    where[k][region] = (packed // bit) & _FIELD
            samples[k] = text
        return counts, where, samples


def _fold_variants(counts: Counter, options: CorpusOptions) -> dict[str, str]:
    """Map each long key to a representative near-identical key (MinHash LSH over char 4-grams).

    Keys are taken most frequent first; a key folds into the smallest earlier
    representative that LSH proposes (from about Jaccard 0.5 up) and whose
    indel similarity ratio reaches `variant_threshold`; else it becomes a
    representative.  Signatures are computed for all keys in one batch.
    """
    keys = sorted((k for k in counts if len(k) >= 20 and counts[k] >= 2), key=lambda k: (-counts[k], k))
    if not keys:
        return {}
    hashes, owner = minhash.char_gram_hashes(keys, 4, 1)
    sigs = minhash.grouped_signatures(hashes, np.bincount(owner, minlength=len(keys)),
                                      minhash.permutations(options.num_perm, 1))
    b, r = bands.optimal_params(0.5, options.num_perm)
    table = bands.BandTable(b)
    rep: dict[str, str] = {}
    for n, (k, band) in enumerate(zip(keys, bands.band_keys(sigs, b, r).tolist(), strict=True)):
        found = [keys[m] for m in table.query(band)
                 if fuzz.ratio(k, keys[m], score_cutoff=100 * options.variant_threshold)]
        if found:
            rep[k] = min(found)
        else:
            table.add(n, band)
    return rep


def learn(docs: list[tuple[str, str]], options: CorpusOptions | None = None) -> LearnedBoilerplate:
    """Learn the recurring chrome of a folder of documents (doc_id, text)."""
    observer = Observer()
    if len(docs) >= (options or CorpusOptions()).min_docs:
        for _, text in docs:
            observer.add(text)
    else:
        observer.documents = len(docs)
    return learn_from(observer, options)


def learn_from(observer: Observer, options: CorpusOptions | None = None) -> LearnedBoilerplate:
    """The recurring chrome among the documents an `Observer` has seen."""
    options = options or CorpusOptions()
    n = observer.documents
    if n < options.min_docs:
        return LearnedBoilerplate({}, n)
    counts, where, sample = observer.recurring()
    variants = _fold_variants(counts, options)
    for k, r in variants.items():
        counts[r] += counts[k]
        where[r].update(where[k])
    need = max(2, options.min_docs, math.ceil(options.min_share * n))  # a line on one page never recurs
    entries: dict[str, Entry] = {}
    for k, c in counts.items():
        if c < need or k in variants:
            continue  # a variant is judged with (and as) its representative
        rule = _verdict(sample[k], c / n, where[k], options)
        if rule:
            entries[k] = Entry(sample[k], c, (where[k]["head"] + where[k]["foot"]) / sum(where[k].values()), rule)
    for k, r in variants.items():
        if r in entries:
            entries[k] = Entry(sample[k], counts[k], entries[r].edge, entries[r].rule)
    return LearnedBoilerplate(entries, n)


def _verdict(text: str, share: float, where: Counter, options: CorpusOptions) -> str | None:
    """The rule name that makes a recurring line chrome, or None when it is content.

    The foot of a page is chrome's home; the head less so (a "はじめに" heading
    opens many articles of different sites), so a head line must also be on a
    fifth of the pages or be link-shaped, and a Markdown heading never counts.
    """
    total = sum(where.values()) or 1
    foot, head = where["foot"] / total, where["head"] / total
    linkish = bool(_LINKISH.search(text))
    if is_prose(text) and share < options.common_share:
        return None
    if text.lstrip().startswith("#") and not linkish:
        return None
    if foot >= options.edge_share or (foot + head >= options.edge_share and (share >= options.head_share or linkish)):
        return "corpus_edge_line"
    if linkish:
        return "corpus_link_line"
    if share >= options.common_share and foot + head >= 0.3 and len(text) <= 80:
        return "corpus_common_line"
    return None
