"""LSH banding over MinHash signatures: parameters, band keys and an in-memory band table.

The banding is the classic one of `datasketch.MinHashLSH` (Leskovec et al.,
*Mining of Massive Datasets* ch. 3): a signature of ``num_perm`` values is cut
into ``bands`` bands of ``rows`` values; two signatures are candidates when
one band is equal.  `optimal_params` picks (bands, rows) exactly as datasketch
does, so a signature and its parameters can be handed to a
`datasketch.MinHashLSH` (``minhash.as_minhash``) and give the same candidates.

Why not call datasketch here: importing it loads scipy (half a second, on
every start of the command line), and its insert/query goes through a Python
call per band per document with a byte swap each (measured: a third of the
time of cleaning a folder).  Here each band is one 64-bit key computed for all
signatures at once in numpy, and candidate pairs of a whole run come from one
sort per band.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable

import numpy as np

from .minhash import fmix64

# Odd multipliers for the values of one band (fixed: band keys are never stored by this module).
_ROW_MULT = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
                      0xA0761D6478BD642F, 0xE7037ED1A0B428DB, 0x8EBC6AF09C88C6E3, 0x589965CC75374CC3],
                     dtype=np.uint64)


@functools.lru_cache(maxsize=64)
def optimal_params(threshold: float, num_perm: int, fp_weight: float = 0.5, fn_weight: float = 0.5) -> tuple[int, int]:
    """(bands, rows) minimising the weighted false positive and negative areas, as datasketch does.

    Both areas are integrals of polynomials of degree bands*rows <= num_perm, so
    Gauss-Legendre quadrature with num_perm/2 + 1 nodes computes them exactly
    (datasketch uses scipy's adaptive quadrature for the same integrals).
    """
    nodes, weights = np.polynomial.legendre.leggauss(num_perm // 2 + 2)

    def area(lo: float, hi: float, b: int, r: int, positive: bool) -> float:
        s = (hi - lo) / 2 * nodes + (hi + lo) / 2
        p = 1 - (1 - s ** r) ** b
        return float((hi - lo) / 2 * np.dot(weights, p if positive else 1 - p))

    best, opt = float("inf"), (0, 0)
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            error = (area(0.0, threshold, b, r, True) * fp_weight
                     + area(threshold, 1.0, b, r, False) * fn_weight)
            if error < best:
                best, opt = error, (b, r)
    return opt


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(n, bands) uint64 keys: band i of a signature is values [i*rows, (i+1)*rows), mixed into one value.

    Equal bands give equal keys; unequal bands collide with probability 2**-64,
    and a collision only adds a candidate that the exact check then rejects.
    """
    sigs = np.atleast_2d(np.asarray(signatures, dtype=np.uint64))[:, : bands * rows]
    cut = sigs.reshape(sigs.shape[0], bands, rows)
    mult = np.resize(_ROW_MULT, rows) ^ np.arange(rows, dtype=np.uint64)
    with np.errstate(over="ignore"):
        mixed = (fmix64(cut) * mult).sum(axis=2, dtype=np.uint64)
        return fmix64(mixed + np.arange(bands, dtype=np.uint64))


def candidate_pairs(keys: np.ndarray) -> set[tuple[int, int]]:
    """Pairs (i < j) of rows of a (n, bands) key array that share at least one band key.

    One sort over all (key, band) at once, not one per band: the groups of
    equal keys in one band are runs of the sorted array.  Runs of two (almost
    all of them) become pairs in numpy; longer runs give all their pairs.
    """
    n, width = keys.shape if keys.ndim == 2 else (0, 0)
    if n < 2:
        return set()
    flat = np.ascontiguousarray(keys, dtype=np.uint64).ravel()  # position = row * width + band
    order = np.argsort(flat, kind="stable")
    ranked, band = flat[order], order % width
    same = (ranked[1:] == ranked[:-1]) & (band[1:] == band[:-1])
    if not same.any():
        return set()
    starts = np.flatnonzero(np.r_[True, ~same])
    sizes = np.diff(np.r_[starts, flat.shape[0]])
    rows = order // width
    two = starts[sizes == 2]
    lo, hi = np.minimum(rows[two], rows[two + 1]), np.maximum(rows[two], rows[two + 1])
    pairs = set(zip(lo.tolist(), hi.tolist(), strict=True))
    for start, size in zip(starts[sizes > 2].tolist(), sizes[sizes > 2].tolist(), strict=True):
        group = sorted(rows[start:start + size].tolist())
        pairs.update((group[x], group[y]) for x in range(size) for y in range(x + 1, size))
    return pairs


class BandTable:
    """An in-memory LSH table of named signatures: add, remove, query by band keys.

    Names are kept in insertion order in every bucket, so a query's answer does
    not depend on hashing or memory addresses.
    """

    def __init__(self, bands: int) -> None:
        self.tables: list[dict[int, list[int]]] = [{} for _ in range(bands)]
        self.keys_of: dict[int, list[int]] = {}

    def add(self, name: int, keys: Iterable[int]) -> None:
        """Index `name` under its band keys (a list of Python ints, one per band)."""
        keys = list(keys)
        self.keys_of[name] = keys
        for table, key in zip(self.tables, keys, strict=True):
            table.setdefault(key, []).append(name)

    def remove(self, name: int) -> None:
        """Forget `name` (no-op when absent)."""
        for table, key in zip(self.tables, self.keys_of.pop(name, ()), strict=False):
            bucket = table[key]
            bucket.remove(name)
            if not bucket:
                del table[key]

    def query(self, keys: Iterable[int]) -> set[int]:
        """Names sharing at least one band key."""
        found: set[int] = set()
        for table, key in zip(self.tables, keys, strict=True):
            bucket = table.get(key)
            if bucket:
                found.update(bucket)
        return found
