"""Text normalisation shared by every stage: comparison keys, scripts, sentence ends.

A *key* is the form in which two copies of a sentence are compared: NFKC (so
full-width and half-width forms meet, dakuten kept: が stays が), Markdown
emphasis and heading/list markers removed, a leading restart ellipsis removed,
whitespace removed and case folded.  `key_with_map` also returns, for each key
character, the offset of the raw character it came from, so a match found on
keys can be cut at the right place in the raw text.
"""
from __future__ import annotations

import unicodedata

import regex

# Scripts written without spaces between words: shingles are characters there.
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}]")
_LETTER = regex.compile(r"\p{L}")
_MARKUP_PREFIX = regex.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-*+•・]\s+|\d{1,3}[.)]\s+)")
_LEADING_ELLIPSIS = regex.compile(r"^\s*(?:\.{3,}|…+|‥+)\s*")
_EMPHASIS = regex.compile(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)")

# What may end a sentence, and what may follow the end mark (closing quotes, brackets).
SENTENCE_END = "。！？!?．."
CLOSERS = "」』）)]】〕〉》\"'”’"


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def key_with_map(raw: str) -> tuple[str, list[int]]:
    """Comparison key of `raw` and the raw offset of each key character."""
    skip = [False] * len(raw)
    m = _MARKUP_PREFIX.match(raw)
    if m:
        for i in range(m.start(), m.end()):
            skip[i] = True
    rest = m.end() if m else 0
    e = _LEADING_ELLIPSIS.match(raw, rest)
    if e:
        for i in range(e.start(), e.end()):
            skip[i] = True
    for em in _EMPHASIS.finditer(raw):
        for i in range(em.start(), em.end()):
            skip[i] = True
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(raw):
        if skip[i] or ch.isspace():
            continue
        for out in unicodedata.normalize("NFKC", ch).casefold():
            if not out.isspace():
                chars.append(out)
                offsets.append(i)
    return "".join(chars), offsets


def key(raw: str) -> str:
    """Comparison key only (see module docstring)."""
    return key_with_map(raw)[0]


def is_cjk_char(ch: str) -> bool:
    return bool(_CJK.match(ch))


def cjk_ratio(text: str) -> float:
    """Share of letters that belong to scripts written without spaces."""
    letters = _LETTER.findall(text)
    if not letters:
        return 0.0
    return sum(1 for ch in letters if _CJK.match(ch)) / len(letters)


def is_space_separated(text: str) -> bool:
    """True for languages whose words are separated by spaces (English, French...)."""
    return cjk_ratio(text) < 0.3


def ends_sentence(raw: str) -> bool:
    """Whether `raw` ends like a finished sentence (end mark, then closers)."""
    s = raw.rstrip()
    while s and s[-1] in CLOSERS + "*_":
        s = s[:-1]
    return bool(s) and s[-1] in SENTENCE_END + "…"


def starts_with_ellipsis(raw: str) -> bool:
    return bool(_LEADING_ELLIPSIS.match(raw)) and bool(raw.strip(" .…‥\t"))


def leading_ellipsis_end(raw: str) -> int:
    """Offset just past a leading restart ellipsis (0 when there is none)."""
    m = _LEADING_ELLIPSIS.match(raw)
    return m.end() if m else 0


def char_shingles(k: str, size: int) -> set[str]:
    if len(k) <= size:
        return {k} if k else set()
    return {k[i : i + size] for i in range(len(k) - size + 1)}


def word_shingles(text: str, size: int) -> set[str]:
    words = regex.findall(r"\w+", nfkc(text).casefold())
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def shingles(text: str, char_size: int = 5, word_size: int = 3) -> set[str]:
    """Character n-grams for CJK text, word n-grams for space-separated text."""
    if is_space_separated(text):
        return word_shingles(text, word_size)
    return char_shingles(key(text), char_size)
