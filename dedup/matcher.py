"""Finding earlier copies of a sentence: exact keys, then MinHash LSH, then verification.

Candidates come from two places: an exact-key table (most repeats are exact
once formatting is normalised away) and an LSH band table (`dedup.bands`) over
MinHash signatures of character 4-grams (CJK) or words and word pairs
(space-separated text) for copies that drifted a little or lost/gained a few
words.  The signatures of a whole document are computed in one numpy pass
(`prepare`); only the pieces that repair creates later are signed one by one.
LSH is approximate, so every candidate is verified on the keys: containment (one copy inside the other, as
when a later copy adds "例えば、") or an indel similarity ratio (rapidfuzz, the
same measure as difflib's ratio, computed in C).  The verified
similarity is recorded in the provenance.
"""
from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import regex
from rapidfuzz import fuzz

from . import bands, minhash
from .items import Item


@dataclass
class MatchOptions:
    num_perm: int = 64  # a sentence has few shingles and every candidate is verified exactly: more would only slow signing
    lsh_bands: int = 16            # 16 bands x 4 rows: candidates from about Jaccard 0.5 up;
    lsh_rows: int = 4              # fixed, so no per-document parameter search
    min_fuzzy_chars: int = 12      # shorter keys match exactly or not at all
    max_candidates: int = 8        # exact copies considered per sentence (the most recent)
    max_verify: int = 16           # LSH hits verified per sentence (the most similar)
    max_hits: int = 256            # LSH hits ranked per sentence (the most recent)
    char_ngram: int = 4            # shingle size for sentences not written with spaces
    min_ratio: float = 0.9         # indel similarity ratio for a drifted copy
    min_containment: float = 0.6   # share of the longer key the shorter one must cover
    seed: int = 1


@dataclass
class Match:
    item: Item
    similarity: float
    contained: bool  # the new piece lies inside the earlier copy, or vice versa


class Matcher:
    """An index of the items placed so far, queried with each new item."""

    def __init__(self, options: MatchOptions):
        self.options = options
        self.exact: dict[str, list[Item]] = {}
        self.prefixes: dict[str, list[str]] = {}  # first 8 key chars -> distinct keys placed (for split_run_on)
        self.openings: dict[str, list[int]] = {}  # first min_fuzzy_chars key chars -> names of items placed
        self.table = bands.BandTable(options.lsh_bands)
        self.perms = minhash.permutations(options.num_perm, options.seed)
        self.sketches: dict[int, tuple[np.ndarray, list[int]] | None] = {}  # id(item) -> (signature, band keys)
        self.by_name: dict[int, Item] = {}
        self.names: dict[int, int] = {}
        self.inserted = 0
        self.verified: dict[tuple[int, int], Match | None] = {}  # each pair is verified once

    def prepare(self, items: list[Item]) -> None:
        """Sign every item long enough for fuzzy matching, in one batch."""
        todo = [it for it in items if len(it.key) >= self.options.min_fuzzy_chars and id(it) not in self.sketches]
        if not todo:
            return
        o = self.options
        hashes, counts = minhash.sentence_hashes([it.text for it in todo], [it.key for it in todo],
                                                 o.char_ngram, o.seed)
        signed = [k for k, c in enumerate(counts.tolist()) if c]
        sigs = minhash.grouped_signatures(hashes, counts[counts > 0], self.perms)
        keys = bands.band_keys(sigs, o.lsh_bands, o.lsh_rows).tolist()
        for it in todo:
            self.sketches[id(it)] = None
        for row, k in enumerate(signed):
            self.sketches[id(todo[k])] = (sigs[row], keys[row])

    def sketch(self, item: Item) -> tuple[np.ndarray, list[int]] | None:
        """The item's (signature, band keys), or None when it is too short or has no shingle."""
        if len(item.key) < self.options.min_fuzzy_chars:
            return None
        if id(item) not in self.sketches:
            self.prepare([item])
        return self.sketches[id(item)]

    def add(self, item: Item) -> None:
        """Index a placed item."""
        bucket = self.exact.setdefault(item.key, [])
        if not bucket and len(item.key) >= 8:
            self.prefixes.setdefault(item.key[:8], []).append(item.key)
        bucket.append(item)
        found = self.sketch(item)
        if found is not None:
            self.inserted += 1
            self.names[id(item)] = self.inserted  # insertion order: deterministic, unlike id()
            self.by_name[self.inserted] = item
            self.table.add(self.inserted, found[1])
            self.openings.setdefault(item.key[: self.options.min_fuzzy_chars], []).append(self.inserted)

    def longest_placed_prefix(self, key: str) -> int:
        """Length of the longest key placed so far (8 chars or more) that is a proper prefix of `key`, or 0."""
        return longest_prefix(key, (k for k in self.prefixes.get(key[:8], ()) if self.exact.get(k)))

    def remove(self, item: Item) -> None:
        """Forget an item that a more complete copy replaced."""
        bucket = self.exact.get(item.key, [])
        if item in bucket:
            bucket.remove(item)
        name = self.names.pop(id(item), None)
        if name is not None:
            self.table.remove(name)
            self.openings[item.key[: self.options.min_fuzzy_chars]].remove(name)
            del self.by_name[name]

    def candidates(self, item: Item) -> list[Match]:
        """Verified earlier copies of `item`, most recent first.

        At most `max_candidates` exact copies and `max_verify` LSH hits (the most
        similar by signature, then the most recent) are considered, so a text
        made of one sentence shape repeated thousands of times stays linear.
        """
        if not item.key:
            return []
        cap = self.options.max_candidates
        found: dict[int, Match] = {id(o): Match(o, 1.0, False) for o in reversed(self.exact.get(item.key, [])[-cap:])}
        sketch = self.sketch(item)
        if sketch is not None:
            for other in self._closest(item, sketch, found):
                pair = (id(item), id(other))
                if pair not in self.verified:
                    self.verified[pair] = self.verify(item.key, other)
                if self.verified[pair] is not None:
                    found[id(other)] = self.verified[pair]
        return list(found.values())

    def _closest(self, item: Item, sketch: tuple[np.ndarray, list[int]], found: dict[int, Match]) -> list[Item]:
        """Items that may be copies, not found yet: best estimated similarity first, at most `max_verify`.

        They are the LSH hits plus the items whose key opens with the same
        `min_fuzzy_chars` characters: a copy cut short shares few shingles
        with the whole sentence, but always its opening.
        """
        sig, keys = sketch
        hits = self.table.query(keys)
        opening = self.openings.get(item.key[: self.options.min_fuzzy_chars], ())
        hits.update(opening[-self.options.max_hits:])
        if len(hits) > self.options.max_hits:  # text made of one word soup: keep the most recent hits
            hits = heapq.nlargest(self.options.max_hits, hits)
        names = sorted(n for n in hits if id(self.by_name[n]) not in found)
        if len(names) <= self.options.max_verify:
            return [self.by_name[n] for n in reversed(names)]
        others = [self.by_name[n] for n in names]
        stacked = np.stack([self.sketches[id(o)][0] for o in others])
        estimate = (stacked == sig).sum(axis=1)
        order = np.lexsort((-np.arange(len(others)), -estimate))  # most similar, then most recent
        return [others[k] for k in order[: self.options.max_verify]]

    def verify(self, key: str, other: Item) -> Match | None:
        """Containment or drifted-copy similarity of a key to one item, or None."""
        a, b = key, other.key
        short, long_ = (a, b) if len(a) <= len(b) else (b, a)
        if short in long_:
            share = len(short) / len(long_)
            if share >= self.options.min_containment:
                return Match(other, share, True)
            return None
        ratio = fuzz.ratio(a, b, score_cutoff=self.options.min_ratio * 100) / 100
        if ratio >= self.options.min_ratio and same_particulars(key, other.key):
            return Match(other, ratio, False)
        return None


_NUMBER = regex.compile(r"\d+(?:[.,:/]\d+)*")


def same_particulars(a: str, b: str) -> bool:
    """Whether two keys that differ a little carry the same numbers (prices, model numbers, dates, ids, URLs).

    "毎月割:42,120円" and "毎月割:32,040円", "aquosphone103sh" and "aquosphone104sh"
    are different rows of a table, not one sentence drifted between copies.
    """
    return _NUMBER.findall(a) == _NUMBER.findall(b)


def longest_prefix(key: str, keys: Iterable[str]) -> int:
    """Length of the longest of `keys` that is a proper prefix of `key`, or 0."""
    best = 0
    for other in keys:
        if best < len(other) < len(key) and key.startswith(other):
            best = len(other)
    return best
