"""Finding earlier copies of a sentence: exact keys, then MinHash LSH, then verification.

Candidates come from two places: an exact-key table (most repeats are exact
once formatting is normalised away) and a datasketch `MinHashLSH` over
character 4-grams (CJK) or word bigrams (space-separated text) for copies that
drifted a little or lost/gained a few words.  LSH is approximate, so every
candidate is verified on the keys: containment (one copy inside the other, as
when a later copy adds "例えば、") or an indel similarity ratio (rapidfuzz, the
same measure as difflib's ratio, computed in C).  The verified
similarity is recorded in the provenance.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH
from rapidfuzz import fuzz

from . import minhash, textnorm
from .stream import Item


def sentence_shingles(text: str) -> set[str]:
    """Shingles of one sentence: character 4-grams (CJK), or words and word pairs.

    A sentence has few words, so single words join the word pairs: a copy that
    lost or gained a word at its start still shares most of its shingles.
    """
    if textnorm.is_space_separated(text):
        return textnorm.word_shingles(text, 1) | textnorm.word_shingles(text, 2)
    return textnorm.char_shingles(textnorm.key(text), 4)


@dataclass
class MatchOptions:
    num_perm: int = 64
    lsh_bands: int = 16            # 16 bands x 4 rows: candidates from about Jaccard 0.5 up;
    lsh_rows: int = 4              # fixed, so no per-document parameter search
    min_fuzzy_chars: int = 12      # shorter keys match exactly or not at all
    max_candidates: int = 8        # exact copies considered per sentence (the most recent)
    max_verify: int = 16           # LSH hits verified per sentence (the most similar)
    max_hits: int = 256            # LSH hits ranked per sentence (the most recent)
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
        self.lsh = MinHashLSH(num_perm=options.num_perm, params=(options.lsh_bands, options.lsh_rows))
        self.perms = minhash.permutations(options.num_perm, options.seed)
        self.signatures: dict[int, MinHash] = {}
        self.by_name: dict[str, Item] = {}
        self.names: dict[int, str] = {}
        self.inserted = 0
        self.verified: dict[tuple[int, int], Match | None] = {}  # each pair is verified once

    def signature(self, item: Item) -> MinHash | None:
        """The item's MinHash (vectorised over its shingle hashes; cached per item)."""
        if len(item.key) < self.options.min_fuzzy_chars:
            return None
        found = self.signatures.get(id(item))
        if found is None:
            hashes = minhash.hash_shingles(sentence_shingles(item.text), self.options.seed)
            found = minhash.as_minhash(minhash.signature(hashes, self.perms), self.perms, self.options.seed)
            self.signatures[id(item)] = found
        return found

    def add(self, item: Item) -> None:
        """Index a placed item."""
        self.exact.setdefault(item.key, []).append(item)
        sig = self.signature(item)
        if sig is not None:
            self.inserted += 1
            name = f"{self.inserted:09d}"  # insertion order: deterministic, unlike id()
            self.names[id(item)] = name
            self.by_name[name] = item
            self.lsh.insert(name, sig)

    def remove(self, item: Item) -> None:
        """Forget an item that a more complete copy replaced."""
        bucket = self.exact.get(item.key, [])
        if item in bucket:
            bucket.remove(item)
        name = self.names.pop(id(item), None)
        if name is not None:
            self.lsh.remove(name)
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
        sig = self.signature(item)
        if sig is not None:
            for other in self._closest(sig, found):
                pair = (id(item), id(other))
                if pair not in self.verified:
                    self.verified[pair] = self.verify(item.key, other)
                if self.verified[pair] is not None:
                    found[id(other)] = self.verified[pair]
        return list(found.values())

    def _closest(self, sig: MinHash, found: dict[int, Match]) -> list[Item]:
        """LSH hits not already found, best estimated similarity first, at most `max_verify`."""
        hits = self.lsh.query(sig)
        if len(hits) > self.options.max_hits:  # text made of one word soup: keep the most recent hits
            hits = heapq.nlargest(self.options.max_hits, hits)
        names = sorted(n for n in hits if id(self.by_name[n]) not in found)
        if len(names) <= self.options.max_verify:
            return [self.by_name[n] for n in reversed(names)]
        others = [self.by_name[n] for n in names]
        stacked = np.stack([self.signatures[id(o)].hashvalues for o in others])
        estimate = (stacked == sig.hashvalues).sum(axis=1)
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
        if ratio >= self.options.min_ratio:
            return Match(other, ratio, False)
        return None
