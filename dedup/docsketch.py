"""Document shingles, their hashes and MinHash signatures, for a batch of documents at once.

This is the hot path of the near-duplicate stage, so nothing here runs per
character or per shingle in Python: a batch's texts are joined, encoded to
code points once, and every later step is a numpy pass over the whole batch.

1. **Fold** every code point through one table: compatibility decomposition
   (NFKD), case folding, marks dropped, first character kept - so full- and
   half-width forms, upper and lower case, composed and decomposed accents,
   カ/ガ/ｶﾞ all become one character.  The same table says whether the
   character is part of a word (``\\w`` without ``_``) and whether it is CJK.
   One table lookup per code point instead of ``unicodedata.normalize`` per
   document: the stage must run well below the time it takes to NFKC the
   corpus.  (A ligature or ``ß`` folds to its first letter only; for
   comparing documents that is harmless.)
2. **Shingles**: a document whose CJK characters are under 30 % of its word
   characters is cut into word n-grams (``word_ngram`` words); any other into
   character n-grams (``char_ngram``) of its word characters, punctuation and
   spaces left out.  A document with fewer words or characters than n gives one
   shingle of all of them.  `shingle_strings` lists the same shingles as text.
3. **Hashes**: each word is a seeded polynomial over its folded code points,
   each shingle a seeded polynomial over its words (or characters), mixed
   with MurmurHash3's finaliser and cut to 44 bits: the batch sorts one
   array of ``document << 44 | hash`` to get every document's sorted unique
   hashes at once.  44 bits: two shingles of one document collide with odds
   below 1e-7 for 2,000 shingles.
4. **Signature**: one-permutation MinHash (Li, Owen & Zhang 2012) with
   optimal densification (Shrivastava 2017): the hash range is split into
   ``num_perm`` bins and a document's value in a bin is its smallest hash
   there - read straight off the sorted hashes, no ``num_perm`` x shingles
   product.  An empty bin borrows the value of the bin that a seeded probe
   sequence (the same for every document) reaches first among the bins that
   had a value.  Two documents agree in a bin with probability equal to their
   Jaccard similarity, as with ``num_perm`` independent permutations, so
   datasketch's LSH bands and parameters (`dedup.bands`) apply unchanged.

Everything depends only on (text, seed, n-gram sizes, num_perm): the same
document gets the same hashes in any batch, process or machine, which the
index and ``--jobs`` rely on.
"""
from __future__ import annotations

import functools
import re
import sys
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import regex
import xxhash

from dedup.minhash import fmix64

HASH_BITS = 44
_DOC_BITS = 64 - HASH_BITS
MAX_BATCH = 1 << _DOC_BITS  # documents in one call (the document number sits above the hash)
MAX_PERM = 1 << 16
_HASH_MASK = np.uint64((1 << HASH_BITS) - 1)
_DROP, _WORD, _CJK, _SKIP = 0, 1, 2, 3  # separator, word character, CJK word character, ignored
_CJK_SHARE = 0.3  # below this share of CJK among word characters a document is cut into words
_BMP = 0x10000
_CLASS_SHIFT, _SPACE_SHIFT, _POINT_MASK = 21, 23, (1 << 21) - 1  # folded points stay below 0x110000


@dataclass(frozen=True)
class Sketch:
    """A document's sorted unique shingle hashes, its signature and its length without whitespace."""

    hashes: np.ndarray  # uint64, sorted, unique, each < 2**HASH_BITS
    signature: np.ndarray  # uint64, num_perm values
    chars: int  # characters that are not whitespace (str.isspace), in the text as given


TABLE_FILE = "fold_table.npz"


@functools.lru_cache(maxsize=1)
def _table() -> np.ndarray:
    """The shipped fold table (`build_table`), loaded once per process.

    Shipped, not built at start: building takes ~40 ms, and a table built from
    the running Python's `unicodedata` would change with its Unicode version -
    and with it the shingles of documents already in an index.
    """
    with resources.files("dedup").joinpath("data", TABLE_FILE).open("rb") as fh, np.load(fh) as data:
        table = data["table"]
    table.flags.writeable = False
    return table


def build_table() -> np.ndarray:
    """Folded code point | class << 21 | is whitespace << 23, for every BMP code point.

    One packed table: one lookup per code point instead of three.  Built by
    running NFKD, casefold and mark removal over all BMP characters joined by
    NUL (a starter, so nothing composes or reorders across it).  Run this module
    (``python -m dedup.docsketch``) to rewrite the shipped file; that changes
    shingles, so it needs a new index format.
    """
    every = "".join(map(chr, range(_BMP)))
    every = " " + every[1:0xD800] + " " * 0x800 + every[0xE000:]  # no NUL (the separator), no lone surrogates
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", "\x00".join(every)).casefold())
    pieces = regex.sub(r"\p{M}+", "", folded).split("\x00")
    firsts = "".join([p[:1] or " " for p in pieces])
    fold = np.frombuffer(firsts.encode("utf-32-le"), dtype="<u4").copy()
    marks = regex.sub(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}]", "\x02", firsts)
    marks = regex.sub(r"[^\x01\x02]", "\x00", regex.sub(r"[^\x02\W_]", "\x01", marks))
    classes = np.frombuffer(marks.encode("utf-32-le"), dtype="<u4").astype(np.uint8)
    # marks (カ + ゛, e + ´), soft hyphens, zero-width spaces: ignored, not breaks
    classes[np.fromiter(map(len, pieces), dtype=np.int64, count=_BMP) == 0] = _SKIP
    classes[[m.start() for m in regex.finditer(r"\p{Cf}", every)]] = _SKIP
    classes[[0, 1, 2, *range(0xD800, 0xE000)]] = _DROP  # 1 and 2 are the sentinels of the two subs above
    space = np.zeros(_BMP, dtype=bool)
    space[[m.start() for m in re.finditer(r"\s", every)]] = True  # re's \s is exactly str.isspace
    space[[0, *range(0xD800, 0xE000)]] = False
    return fold.astype(np.uint32) | (classes.astype(np.uint32) << _CLASS_SHIFT) | (space.astype(np.uint32) << _SPACE_SHIFT)


def _astral_classes(points: np.ndarray) -> np.ndarray:
    """Class of code points above the BMP: CJK in ideograph planes 2-3, emoji and private use are breaks,
    tags and variation selectors ignored, anything else a word character."""
    out = np.full(points.shape[0], _WORD, dtype=np.uint8)
    out[(points >= 0x20000) & (points < 0x40000)] = _CJK
    out[((points >= 0x1F000) & (points < 0x20000)) | (points >= 0xF0000)] = _DROP
    out[(points >= 0xE0000) & (points < 0xF0000)] = _SKIP  # tags and variation selectors
    return out


@functools.lru_cache(maxsize=16)
def _constants(seed: int, size: int) -> tuple[np.uint64, np.uint64, np.uint64, np.ndarray]:
    """Seeded (code point offset, word base, its inverse mod 2**64, `size` odd window multipliers)."""
    base = xxhash.xxh64_intdigest(b"doc-word-base", seed=seed) | 1
    mult = np.array([xxhash.xxh64_intdigest(b"doc-window-%d" % j, seed=seed) | 1 for j in range(size)],
                    dtype=np.uint64)
    return (np.uint64(xxhash.xxh64_intdigest(b"doc-offset", seed=seed)), np.uint64(base),
            np.uint64(pow(base, -1, 1 << 64)), mult)


@dataclass
class _Folded:
    """A batch reduced to its word characters: folded value, place, document and kind of each, and
    per-document facts."""

    value: np.ndarray  # uint64 folded code point of every word character, in text order
    place: np.ndarray  # int64 its offset in the joined batch, ignored characters not counted (adjacent = same word)
    owner: np.ndarray  # int32 its document
    cjk: np.ndarray  # bool: a CJK character
    chars: np.ndarray  # int64 non-whitespace characters per document
    spaced: np.ndarray  # bool per document: cut into words


def _fold(texts: list[str]) -> _Folded:
    """Code points of the joined texts, looked up once in the tables; only word characters are kept."""
    table = _table()
    n = len(texts)
    lens = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    points = np.frombuffer("\n".join(texts).encode("utf-32-le", "surrogatepass"), dtype="<u4")
    astral = points >= _BMP
    has_astral = bool(astral.any())
    info = table[np.where(astral, 0, points) if has_astral else points]
    if has_astral:
        info[astral] = points[astral] | (_astral_classes(points[astral]).astype(np.uint32) << _CLASS_SHIFT)
    cls = (info >> _CLASS_SHIFT) & 3
    place = np.flatnonzero((cls == _WORD) | (cls == _CJK))
    every_owner = np.repeat(np.arange(n, dtype=np.int32), lens + 1)[:points.shape[0]]  # int32: several times faster
    owner = every_owner[place]
    value = (info[place] & _POINT_MASK).astype(np.uint64)
    cjk = cls[place] == _CJK
    docs = np.arange(n + 1)
    bounds = np.searchsorted(owner, docs)  # owners are in order: counts per document by bisection, not bincount
    cjk_seen = np.r_[0, np.cumsum(cjk, dtype=np.int32)]
    blank_owner = every_owner[info >= (1 << _SPACE_SHIFT)]
    spaces = np.diff(np.searchsorted(blank_owner, docs))
    spaces[:-1] -= 1  # the separator after every document but the last
    skipped = cls == _SKIP
    if skipped.any():  # ignored characters leave the stream, so the letters around them stay one word
        place = place - np.cumsum(skipped, dtype=np.int32)[place]
    words, cjk_count = np.diff(bounds), np.diff(cjk_seen[bounds])
    return _Folded(value, place, owner, cjk, lens - spaces, cjk_count < _CJK_SHARE * words)


def _grams(values: np.ndarray, owner: np.ndarray, mult: np.ndarray, n_docs: int) -> tuple[np.ndarray, np.ndarray]:
    """Polynomial hash of every run of len(mult) consecutive values of one document, and its document.

    A document with fewer values than that gives one gram of all of them.
    """
    size = mult.shape[0]
    count = values.shape[0] - size + 1
    out, own = np.zeros(max(count, 0), dtype=np.uint64), owner[:max(count, 0)]
    with np.errstate(over="ignore"):
        for j in range(size if count > 0 else 0):
            out += values[j:j + count] * mult[j]
    inside = own == owner[size - 1:] if count > 0 else np.zeros(0, dtype=bool)
    grams, owners = [out[inside]], [own[inside]]
    per_doc = np.bincount(owner, minlength=n_docs)
    short = np.flatnonzero((per_doc > 0) & (per_doc < size))
    if short.size:
        first = np.searchsorted(owner, short)
        with np.errstate(over="ignore"):
            for d, start in zip(short.tolist(), first.tolist(), strict=True):
                piece = values[start:start + per_doc[d]]
                grams.append(np.array([(piece * mult[:piece.shape[0]]).sum()], dtype=np.uint64))
                owners.append(np.array([d], dtype=np.int64))
    return np.concatenate(grams), np.concatenate(owners)


def _word_values(batch: _Folded, keep: np.ndarray, offset: np.uint64, base: np.uint64,
                 inverse: np.uint64) -> tuple[np.ndarray, np.ndarray]:
    """One hash per word (maximal run of adjacent word characters among `keep`) and its document."""
    place = batch.place[keep]
    if not place.size:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    first = np.flatnonzero(np.r_[True, place[1:] != place[:-1] + 1])
    size = 1 << max(int(place.shape[0] - 1).bit_length(), 12)
    powers, back = _powers(int(base), size), _powers(int(inverse), size)
    with np.errstate(over="ignore"):
        sums = np.add.reduceat((batch.value[keep] + offset) * powers[:place.shape[0]], first)
        return fmix64(sums * back[first]), batch.owner[keep][first]


@functools.lru_cache(maxsize=8)
def _powers(base: int, size: int) -> np.ndarray:
    """base**0 .. base**(size-1) modulo 2**64 (read-only; sizes are powers of two, so few are kept)."""
    out = np.full(size, base, dtype=np.uint64)
    out[0] = 1
    with np.errstate(over="ignore"):
        np.multiply.accumulate(out, out=out)
    out.flags.writeable = False
    return out


def sketch_batch(texts: list[str], char_ngram: int, word_ngram: int, seed: int, num_perm: int) -> list[Sketch | None]:
    """The `Sketch` of every text, or None for a text without a word character (see the module docstring)."""
    if not texts:
        return []
    if len(texts) > MAX_BATCH:
        return [s for i in range(0, len(texts), MAX_BATCH)
                for s in sketch_batch(texts[i:i + MAX_BATCH], char_ngram, word_ngram, seed, num_perm)]
    n = len(texts)
    batch = _fold(texts)
    offset, base, inverse, mult = _constants(seed, max(char_ngram, word_ngram))
    spaced = batch.spaced[batch.owner]
    words, word_owner = _word_values(batch, spaced, offset, base, inverse)
    g_words, o_words = _grams(words, word_owner, mult[:word_ngram], n)
    with np.errstate(over="ignore"):
        g_chars, o_chars = _grams(batch.value[~spaced] + offset, batch.owner[~spaced], mult[:char_ngram], n)
    owners = np.concatenate([o_words, o_chars]).astype(np.uint64)
    keys = (owners << np.uint64(HASH_BITS)) | (fmix64(np.concatenate([g_words, g_chars])) >> np.uint64(_DOC_BITS))
    keys.sort()
    if keys.size:
        keys = keys[np.r_[True, keys[1:] != keys[:-1]]]
    doc = (keys >> np.uint64(HASH_BITS)).astype(np.int64)
    hashes = keys & _HASH_MASK
    signatures = _signatures(doc, hashes, n, num_perm, seed)
    bounds = np.searchsorted(doc, np.arange(n + 1))
    out: list[Sketch | None] = []
    for i in range(n):
        lo, hi = bounds[i], bounds[i + 1]
        out.append(Sketch(hashes[lo:hi].copy(), signatures[i].copy(), int(batch.chars[i])) if hi > lo else None)
    return out


_EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)
_PROBE = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))
_MAX_PROBES = 1 << 14


def _signatures(doc: np.ndarray, hashes: np.ndarray, n: int, num_perm: int, seed: int) -> np.ndarray:
    """(n, num_perm) one-permutation signatures from hashes sorted by (document, hash); rows of
    documents without hashes stay all-max."""
    bins = ((hashes * np.uint64(num_perm)) >> np.uint64(HASH_BITS)).astype(np.int64)  # monotone in the hash
    slot = doc * num_perm + bins
    first = np.r_[True, slot[1:] != slot[:-1]] if slot.size else np.zeros(0, dtype=bool)
    sig = np.full(n * num_perm, _EMPTY, dtype=np.uint64)
    sig[slot[first]] = hashes[first]  # sorted: the first hash of a bin is its smallest
    sig = sig.reshape(n, num_perm)
    filled = sig != _EMPTY
    original = sig.copy()
    rows, cols = np.nonzero(~filled & filled.any(axis=1)[:, None])
    salt = np.uint64(xxhash.xxh64_intdigest(b"doc-probe", seed=seed))
    attempt = 0
    with np.errstate(over="ignore"):
        while rows.size and attempt < _MAX_PROBES:
            attempt += 1
            probe = fmix64(cols.astype(np.uint64) * _PROBE[0] + np.uint64(attempt) * _PROBE[1] + salt)
            target = (probe % np.uint64(num_perm)).astype(np.int64)
            hit = filled[rows, target]
            sig[rows[hit], cols[hit]] = original[rows[hit], target[hit]]
            rows, cols = rows[~hit], cols[~hit]
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):  # never in practice: the first filled bin
        sig[r, c] = original[r, int(np.argmax(filled[r]))]
    return sig


def shingle_strings(text: str, char_ngram: int, word_ngram: int) -> set[str]:
    """The shingles `sketch_batch` hashes for `text`, as strings (words joined by a space).

    For tests and for comparing other MinHash tools on exactly our shingles.
    """
    batch = _fold([text])
    letters = batch.value.astype("<u4").tobytes().decode("utf-32-le")
    cuts = np.flatnonzero(batch.place[1:] != batch.place[:-1] + 1) + 1
    words = [letters[a:b] for a, b in zip([0, *cuts.tolist()], [*cuts.tolist(), len(letters)], strict=True) if b > a]
    if bool(batch.spaced[0]):
        units, size, join = words, word_ngram, " "
    else:
        units, size, join = list("".join(words)), char_ngram, ""
    if not units:
        return set()
    if len(units) <= size:
        return {join.join(units)}
    return {join.join(units[i:i + size]) for i in range(len(units) - size + 1)}


if __name__ == "__main__":
    target = Path(__file__).with_name("data") / TABLE_FILE
    np.savez_compressed(target, table=build_table(), unicode=np.array(unicodedata.unidata_version))
    print(f"wrote {target} (Unicode {unicodedata.unidata_version})", file=sys.stderr)
