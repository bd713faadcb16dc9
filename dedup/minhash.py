"""Seeded shingle hashing and vectorised MinHash signatures of sentences and short lines.

Repair compares sentences (`dedup.matcher`) and the corpus pass folds line
variants (`dedup.corpus`): both sign many short texts at once.  Every shingle
is hashed once - a seeded polynomial over code points (or word values)
computed for a whole batch in numpy, never Python's per-process `hash()` -
and the seeds and permutation parameters come from xxhash, so a signature
depends only on (text, seed, num_perm) across runs, processes and machines.
Whole documents are sketched by `dedup.docsketch` instead (one permutation,
which needs many shingles per text to be accurate).

The signature uses datasketch's "affine64" scheme (MurmurHash3 finaliser
pre-mix, then ``a*h + b mod 2**64`` with odd ``a``).
"""
from __future__ import annotations

import functools

import numpy as np
import xxhash

from dedup import textnorm

SCHEME = "affine64"
_CHUNK = 4096  # shingles per block when building signatures (bounds memory to CHUNK*num_perm*8 bytes)
_FMIX = (np.uint64(33), np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53))


@functools.lru_cache(maxsize=64)
def _window_mult(size: int, seed: int) -> np.ndarray:
    return np.array([xxhash.xxh64_intdigest(b"window-%d" % j, seed=seed) | 1 for j in range(size)], dtype=np.uint64)


def _windows(values: np.ndarray, size: int, seed: int) -> np.ndarray:
    """Polynomial hash of every run of `size` consecutive values (the whole array when shorter)."""
    size = min(size, values.shape[0])
    mult = _window_mult(size, seed)
    count = values.shape[0] - size + 1
    out = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(size):
            out += values[j:j + count] * mult[j]
    return out


def sentence_hashes(texts: list[str], keys: list[str], char_ngram: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Shingle hashes of many sentences at once: (hashes grouped by sentence, count per sentence).

    A sentence in a space-separated language gives its words and word pairs
    (a copy that lost or gained a word still shares most of them); any other
    gives the character n-grams of its key (the whole key when shorter).  The
    sentences are hashed in one numpy pass, not one Python call per shingle:
    this runs for every sentence of every document.
    """
    if textnorm.has_cjk("\n".join(texts)):
        spaced = [textnorm.is_space_separated(t) for t in texts]
    else:
        spaced = [True] * len(texts)  # what each would say: no sentence has a CJK letter
    parts: list[np.ndarray] = []
    owners: list[np.ndarray] = []
    chars = [i for i, sp in enumerate(spaced) if not sp and keys[i]]
    if chars:
        parts_c, owners_c = char_gram_hashes([keys[i] for i in chars], char_ngram, seed)
        parts.append(parts_c)
        owners.append(np.asarray(chars, dtype=np.int64)[owners_c])
    spaced_ids = [i for i, sp in enumerate(spaced) if sp]
    if spaced_ids:
        parts_w, owners_w = _word_grams([texts[i] for i in spaced_ids], seed)
        parts.append(parts_w)
        owners.append(np.asarray(spaced_ids, dtype=np.int64)[owners_w])
    if not parts:
        return np.empty(0, dtype=np.uint64), np.zeros(len(texts), dtype=np.int64)
    hashes, owner = np.concatenate(parts), np.concatenate(owners)
    order = np.argsort(owner, kind="stable")
    return hashes[order], np.bincount(owner, minlength=len(texts))


def char_gram_hashes(keys: list[str], size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Character n-gram hashes of keys (non-empty; a key shorter than n is one gram), grouped by key, and
    the key each belongs to."""
    lens = np.array([len(k) for k in keys], dtype=np.int64)
    values = np.frombuffer("".join(keys).encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    starts = np.r_[0, np.cumsum(lens)[:-1]]
    whole = lens <= size
    out, owner = [], []
    if (~whole).any():
        grams = fmix64(_windows(values, size, seed))  # gram j covers values[j : j+size]
        valid = np.ones(grams.shape[0], dtype=bool)
        ends = starts + lens
        for back in range(1, size):  # grams starting in the last size-1 places of a key cross into the next
            edge = ends - size + back
            valid[edge[(edge >= 0) & (edge < grams.shape[0])]] = False
        for k in np.flatnonzero(whole).tolist():
            valid[starts[k]:starts[k] + lens[k]] = False
        kept = np.flatnonzero(valid)
        out.append(grams[kept])
        owner.append(np.searchsorted(starts, kept, side="right") - 1)
    for k in np.flatnonzero(whole).tolist():
        piece = values[starts[k]:starts[k] + lens[k]]
        out.append(fmix64(_windows(piece, size, seed)))
        owner.append(np.array([k], dtype=np.int64))
    owners = np.concatenate(owner)
    order = np.argsort(owners, kind="stable")
    return np.concatenate(out)[order], owners[order]


_PAIR = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))


def _word_grams(texts: list[str], seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Word and word-pair hashes of texts, and the text each belongs to."""
    every: list[str] = []
    counts: list[int] = []
    for text in texts:
        ws = textnorm.words(text)
        counts.append(len(ws))
        every.extend(ws)
    uni = word_values(every, seed)
    owner = np.repeat(np.arange(len(texts), dtype=np.int64), counts)
    same = owner[1:] == owner[:-1] if uni.shape[0] > 1 else np.zeros(0, dtype=bool)
    a, b, c = _PAIR
    with np.errstate(over="ignore"):
        pairs = fmix64(uni[:-1] * a + uni[1:] * b + c)[same] if uni.shape[0] > 1 else uni[:0]
    return np.concatenate([fmix64(uni), pairs]), np.concatenate([owner, owner[:-1][same] if same.size else owner[:0]])


@functools.lru_cache(maxsize=16)
def _word_base(seed: int) -> tuple[int, int, int]:
    """The odd multiplier of word hashes for a seed, its inverse modulo 2**64, and the code point offset."""
    base = xxhash.xxh64_intdigest(b"word-base", seed=seed) | 1
    return base, pow(base, -1, 1 << 64), xxhash.xxh64_intdigest(b"word-offset", seed=seed)


def word_values(words: list[str], seed: int) -> np.ndarray:
    """One uint64 value per word: a seeded polynomial over its code points, all words in one numpy pass.

    value(w) = mix(sum((c_j + K) * B**j)) over the word's code points c_j
    (B odd and K from the seed).  The words are joined by NUL (never part of
    a word), the terms of every code point are summed per word with one
    `reduceat`, and each word's sum is shifted back to start at B**0 by the
    inverse power of its offset; a word's value so depends on the word alone,
    not on its neighbours.
    """
    if not words:
        return np.empty(0, dtype=np.uint64)
    base, inverse, offset = _word_base(seed)
    points = np.frombuffer(("\x00".join(words) + "\x00").encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    starts = np.zeros(len(words), dtype=np.int64)
    np.cumsum(np.fromiter(map(len, words), dtype=np.int64, count=len(words))[:-1] + 1, out=starts[1:])
    with np.errstate(over="ignore"):
        powers = np.empty(points.shape[0], dtype=np.uint64)
        powers[0] = 1
        powers[1:] = np.uint64(base)
        np.multiply.accumulate(powers, out=powers)
        terms = (points + np.uint64(offset)) * powers
        terms[points == 0] = 0  # the separators
        sums = np.add.reduceat(terms, starts)
        back = np.empty(points.shape[0], dtype=np.uint64)
        back[0] = 1
        back[1:] = np.uint64(inverse)
        np.multiply.accumulate(back, out=back)
        return fmix64(sums * back[starts])


def grouped_signatures(hashes: np.ndarray, counts: np.ndarray, perms: np.ndarray) -> np.ndarray:
    """(groups, num_perm) MinHash signatures of consecutive groups of hashes; every count must be > 0."""
    a, b = perms
    mixed = fmix64(np.asarray(hashes, dtype=np.uint64))
    offsets = np.r_[0, np.cumsum(counts)]
    out = np.empty((len(counts), a.shape[0]), dtype=np.uint64)
    g = 0
    with np.errstate(over="ignore"):
        while g < len(counts):
            stop = int(np.searchsorted(offsets, offsets[g] + _CHUNK // 2, side="right")) - 1
            stop = min(max(stop, g + 1), len(counts))
            lo, hi = offsets[g], offsets[stop]
            block = mixed[lo:hi, None] * a[None, :] + b[None, :]
            out[g:stop] = np.minimum.reduceat(block, offsets[g:stop] - lo, axis=0)
            g = stop
    return out


@functools.lru_cache(maxsize=16)
def permutations(num_perm: int, seed: int) -> np.ndarray:
    """The (2, num_perm) array of affine permutation parameters (a odd, b any); read-only, shared."""
    a = [xxhash.xxh64_intdigest(b"perm-a-%d" % i, seed=seed) | 1 for i in range(num_perm)]
    b = [xxhash.xxh64_intdigest(b"perm-b-%d" % i, seed=seed) for i in range(num_perm)]
    perms = np.array([a, b], dtype=np.uint64)
    perms.flags.writeable = False
    return perms


def fmix64(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3 64-bit finaliser (the pre-mix of datasketch's affine64 scheme; also mixes band keys)."""
    shift, m1, m2 = _FMIX
    hv = hv ^ (hv >> shift)
    hv = hv * m1
    hv = hv ^ (hv >> shift)
    hv = hv * m2
    return hv ^ (hv >> shift)


def as_minhash(sig: np.ndarray, perms: np.ndarray, seed: int):
    """Wrap a signature as a `datasketch.MinHash` for `datasketch.MinHashLSH` (which checks the scheme).

    The LSH reads only the hash values, so a document's one-permutation
    signature (`dedup.docsketch`) goes in as it is; the permutations are the
    ones the constructor asks for, not the ones that made the values.
    Imported here, not at the top: datasketch loads scipy, half a second that
    only the Redis index and interoperating code need.
    """
    from datasketch import MinHash

    return MinHash(seed=seed, hashvalues=sig, permutations=perms, scheme=SCHEME)


def overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Exact (Jaccard, containment) of two sorted unique hash arrays.

    Containment is |A & B| / min(|A|, |B|): how much of the smaller document
    is found in the larger one, so a copy with a paragraph cut still scores high.
    """
    if a.size == 0 or b.size == 0:
        return 0.0, 0.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    union = a.size + b.size - inter
    return inter / union, inter / min(a.size, b.size)


def similarity(a: np.ndarray, b: np.ndarray, min_size_ratio: float) -> float:
    """max(Jaccard, containment) of two shingle-hash sets; containment only for similar sizes."""
    jac, cont = overlap(a, b)
    small, large = sorted((a.size, b.size))
    if large == 0 or small / large < min_size_ratio:
        return jac
    return max(jac, cont)
