"""Seeded shingle hashing and vectorised MinHash signatures.

Why not `datasketch.MinHash.update_batch`: the exact verification step needs
the shingle hashes anyway, so every shingle is hashed once here (xxh64 with a
seed, never Python's per-process `hash()`), and the same array feeds both the
signature and the stored shingle set.  The permutation parameters are derived
from xxhash as well, so a signature depends only on (text, seed, num_perm) and
stays the same across runs, processes, machines and numpy versions - which a
persistent index needs.

The signature uses datasketch's "affine64" scheme (MurmurHash3 finaliser
pre-mix, then ``a*h + b mod 2**64`` with odd ``a``), so the values can be
wrapped in a `datasketch.MinHash` and inserted into a `MinHashLSH`.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import xxhash
from datasketch import MinHash

from dedup import textnorm

SCHEME = "affine64"
_CHUNK = 2048  # shingles per block when building signatures (bounds memory to CHUNK*num_perm*8 bytes)
_EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)
_FMIX = (np.uint64(33), np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53))


def hash_shingles(shingles: Iterable[str], seed: int) -> np.ndarray:
    """Sorted, unique uint64 xxh64 hashes of the shingles (the compact exact set)."""
    values = [xxhash.xxh64_intdigest(s.encode("utf-8"), seed=seed) for s in shingles]
    return np.unique(np.array(values, dtype=np.uint64))


def sketch(text: str, char_ngram: int, word_ngram: int, seed: int, perms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(shingle hashes, signature) of a text: char n-grams of its key for CJK, else word n-grams."""
    hashes = text_hashes(text, char_ngram, word_ngram, seed)
    return hashes, signature(hashes, perms)


def text_hashes(text: str, char_ngram: int, word_ngram: int, seed: int) -> np.ndarray:
    """Sorted unique uint64 hashes of the same shingles as `textnorm.shingles`, computed in numpy.

    Each shingle's hash is a seeded polynomial over its characters' code
    points (or its words' xxh64 hashes), finalised with MurmurHash3's mixer:
    one numpy pass per document instead of one Python call per shingle.
    """
    if textnorm.is_space_separated(text):
        words = textnorm.words(text)
        values = np.array([xxhash.xxh64_intdigest(w.encode("utf-8"), seed=seed) for w in words], dtype=np.uint64)
        size = word_ngram
    else:
        k = textnorm.key(text)
        values = np.frombuffer(k.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
        size = char_ngram
    if values.shape[0] == 0:
        return np.empty(0, dtype=np.uint64)
    return np.unique(_fmix64(_windows(values, size, seed)))


def _windows(values: np.ndarray, size: int, seed: int) -> np.ndarray:
    """Polynomial hash of every run of `size` consecutive values (the whole array when shorter)."""
    size = min(size, values.shape[0])
    mult = np.array([xxhash.xxh64_intdigest(b"window-%d" % j, seed=seed) | 1 for j in range(size)], dtype=np.uint64)
    count = values.shape[0] - size + 1
    out = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(size):
            out += values[j:j + count] * mult[j]
    return out


def permutations(num_perm: int, seed: int) -> np.ndarray:
    """The (2, num_perm) array of affine permutation parameters (a odd, b any)."""
    a = [xxhash.xxh64_intdigest(b"perm-a-%d" % i, seed=seed) | 1 for i in range(num_perm)]
    b = [xxhash.xxh64_intdigest(b"perm-b-%d" % i, seed=seed) for i in range(num_perm)]
    return np.array([a, b], dtype=np.uint64)


def _fmix64(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3 64-bit finaliser, the pre-mix of datasketch's affine64 scheme."""
    shift, m1, m2 = _FMIX
    hv = hv ^ (hv >> shift)
    hv = hv * m1
    hv = hv ^ (hv >> shift)
    hv = hv * m2
    return hv ^ (hv >> shift)


def signature(hashes: np.ndarray, perms: np.ndarray) -> np.ndarray:
    """MinHash signature (num_perm uint64 values) of a shingle-hash array.

    An empty set gives all-max values; callers must not index such a signature
    (every empty document would share all its LSH buckets).
    """
    a, b = perms
    sig = np.full(a.shape[0], _EMPTY, dtype=np.uint64)
    mixed = _fmix64(np.asarray(hashes, dtype=np.uint64))
    with np.errstate(over="ignore"):
        for start in range(0, mixed.shape[0], _CHUNK):
            block = mixed[start : start + _CHUNK, None] * a[None, :] + b[None, :]
            np.minimum(sig, block.min(axis=0), out=sig)
    return sig


def as_minhash(sig: np.ndarray, perms: np.ndarray, seed: int) -> MinHash:
    """Wrap a signature for `datasketch.MinHashLSH` (which checks the scheme)."""
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
