"""Scoring a cleaned text against its known clean original (used by the quality gates).

Character-level: after folding Unicode forms, Markdown emphasis and whitespace,
the longest common subsequence of output and original gives precision (how
much of the output belongs to the original, once) and recall (how much of the
original survived).  Sentence counts catch copies left twice.
"""
from __future__ import annotations

import re
import unicodedata

_SENT = re.compile(r"[^。！？!?\n]+(?:[。！？!?]+|\.(?=\s|$)|$)", re.M)
_FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", _FRONT.sub("", text, count=1))
    text = re.sub(r"\*\*|__", "", text)
    return re.sub(r"\s+", " ", text).strip()


def lcs_length(a: str, b: str) -> int:
    """Length of the longest common subsequence, bit-parallel over the longer string."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return 0
    masks: dict[str, int] = {}
    for i, ch in enumerate(a):
        masks[ch] = masks.get(ch, 0) | (1 << i)
    full = (1 << len(a)) - 1
    row = full
    for ch in b:
        match = row & masks.get(ch, 0)
        row = ((row + match) | (row - match)) & full
    return len(a) - bin(row).count("1")


def f1(output: str, gold: str) -> float:
    a, b = fold(output), fold(gold)
    if not a or not b:
        return 1.0 if a == b else 0.0
    common = lcs_length(a, b)
    p, r = common / len(a), common / len(b)
    return 2 * p * r / (p + r) if p + r else 0.0


def sentences(text: str) -> list[str]:
    out = []
    for line in _FRONT.sub("", text, count=1).splitlines():
        out += [fold(m.group(0)) for m in _SENT.finditer(line) if fold(m.group(0))]
    return out


def extra_copies(output: str, gold: str, min_len: int = 20) -> int:
    """Sentences (of at least min_len characters) the output has more often than the original."""
    def counts(text):
        c: dict[str, int] = {}
        for s in sentences(text):
            if len(s) >= min_len:
                c[s] = c.get(s, 0) + 1
        return c

    o, g = counts(output), counts(gold)
    return sum(max(0, n - max(1, g.get(s, 0))) for s, n in o.items())
