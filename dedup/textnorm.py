"""Text normalisation shared by every stage: comparison keys, scripts, sentence ends.

A *key* is the form in which two copies of a sentence are compared: NFKC (so
full-width and half-width forms meet, dakuten kept: が stays が), Markdown
emphasis and heading/list markers removed, a leading restart ellipsis removed,
whitespace removed and case folded.  `key_with_map` also returns, for each key
character, the offset of the raw character it came from, so a match found on
keys can be cut at the right place in the raw text.
"""
from __future__ import annotations

import functools
import unicodedata

import regex

# Scripts written without spaces between words: shingles are characters there.
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}]")
_LETTER_RUN = regex.compile(r"\p{L}+")
_CJK_RUN = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}]+")
_MARKUP_PREFIX = regex.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-*+•・]\s+|\d{1,3}[.)]\s+)")
_LEADING_ELLIPSIS = regex.compile(r"^\s*(?:\.{3,}|…+|‥+)\s*")
_GRAPHEME = regex.compile(r"\X")
_WORD = regex.compile(r"\w+")
_NON_SPACE = regex.compile(r"[^\s\x1c-\x1f]+")
_SPACES = regex.compile(r"[\s\x1c-\x1f]+")
_EMPHASIS = regex.compile(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)")

# What may end a sentence, and what may follow the end mark (closing quotes, brackets).
SENTENCE_END = "。！？!?．."
CLOSERS = "」』）)]】〕〉》\"'”’"


def nfkc(text: str) -> str:
    """NFKC form of `text`."""
    return unicodedata.normalize("NFKC", text)


def key_with_map(raw: str) -> tuple[str, list[int]]:
    """Comparison key of `raw` and the raw offset of each key character.

    Runs of characters whose normal form is one character are folded at once;
    the few that fold to several ("…" → "...", "ﬁ", "ß") one by one; text with
    combining marks (decomposed kana) goes cluster by cluster.
    """
    skips = _skip_spans(raw)
    folded = unicodedata.normalize("NFKC", raw).casefold()
    if len(folded) == len(raw):
        return _fold_runs(folded, 0, skips)
    present = set(raw)
    odd = {c for c in present if not c.isspace() and len(_fold_cluster(c)) != 1}
    if not odd or any(unicodedata.combining(c) for c in present):
        return _key_with_map_per_char(raw, skips)
    chars: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in regex.finditer("[" + regex.escape("".join(sorted(odd))) + "]", raw):
        if not _extend(chars, offsets, raw, pos, m.start(), skips):
            return _key_with_map_per_char(raw, skips)
        if not _skipped(m.start(), skips):
            piece = _fold_cluster(m.group(0))
            chars.append(piece)
            offsets.extend([m.start()] * len(piece))
        pos = m.end()
    if not _extend(chars, offsets, raw, pos, len(raw), skips):
        return _key_with_map_per_char(raw, skips)
    return "".join(chars), offsets


def _fold_runs(folded: str, base: int, skips: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """Key of a stretch whose folded form kept its length, offsets shifted by `base`."""
    chars: list[str] = []
    offsets: list[int] = []
    for m in _NON_SPACE.finditer(folded):
        for s, e in _minus(base + m.start(), base + m.end(), skips):
            chars.append(folded[s - base:e - base])
            offsets.extend(range(s, e))
    return "".join(chars), offsets


def _extend(chars: list[str], offsets: list[int], raw: str, start: int, end: int, skips) -> bool:
    """Fold raw[start:end] into the key; False when its normal form changed length after all."""
    folded = unicodedata.normalize("NFKC", raw[start:end]).casefold()
    if len(folded) != end - start:
        return False
    piece, where = _fold_runs(folded, start, skips)
    chars.append(piece)
    offsets.extend(where)
    return True


def _skipped(pos: int, skips: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in skips)


def _skip_spans(raw: str) -> list[tuple[int, int]]:
    """Sorted spans that never count in a key: markup prefix, restart ellipsis, emphasis marks."""
    spans = []
    m = _MARKUP_PREFIX.match(raw)
    if m:
        spans.append((m.start(), m.end()))
    e = _LEADING_ELLIPSIS.match(raw, m.end() if m else 0)
    if e and e.end() > e.start():
        spans.append((e.start(), e.end()))
    spans += [(em.start(), em.end()) for em in _EMPHASIS.finditer(raw)]
    return sorted(spans)


def _minus(start: int, end: int, skips: list[tuple[int, int]]):
    """[start, end) without the skip spans."""
    for s, e in skips:
        if e <= start or s >= end:
            continue
        if s > start:
            yield start, s
        start = max(start, e)
    if start < end:
        yield start, end


def _key_with_map_per_char(raw: str, skips: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """The slow path, for text whose normal form changes length (ligatures, ß, decomposed kana).

    Works per grapheme cluster, so a kana and its combining dakuten (か + ゙) fold
    together into the composed form (が), exactly as in the whole-text form.
    """
    skip = bytearray(len(raw))
    for s, e in skips:
        skip[s:e] = b"\x01" * (e - s)
    chars: list[str] = []
    offsets: list[int] = []
    for m in _GRAPHEME.finditer(raw):
        if skip[m.start()]:
            continue
        folded = _fold_cluster(m.group(0))
        if folded:
            chars.append(folded)
            offsets.extend([m.start()] * len(folded))
    return "".join(chars), offsets


@functools.lru_cache(maxsize=1 << 16)
def _fold_cluster(cluster: str) -> str:
    """NFKC + case fold of one grapheme cluster, whitespace removed (memoised: a pure function)."""
    return "".join(c for c in unicodedata.normalize("NFKC", cluster).casefold() if not c.isspace())


def key(raw: str) -> str:
    """Comparison key only, equal to ``key_with_map(raw)[0]``; short strings (lines) are memoised."""
    if len(raw) <= 512:
        return _short_key(raw)
    return _key(raw)


@functools.lru_cache(maxsize=1 << 14)
def _short_key(raw: str) -> str:
    return _key(raw)


def _key(raw: str) -> str:
    """The key without the offset map: when folding keeps the length, cut the skip spans and drop spaces."""
    folded = unicodedata.normalize("NFKC", raw).casefold()
    if len(folded) != len(raw):
        return key_with_map(raw)[0]
    skips = _skip_spans(raw)
    if skips:
        pieces, pos = [], 0
        for s, e in skips:
            if s > pos:
                pieces.append(folded[pos:s])
            pos = max(pos, e)
        pieces.append(folded[pos:])
        folded = "".join(pieces)
    return _SPACES.sub("", folded)


def is_cjk_char(ch: str) -> bool:
    """Whether `ch` belongs to a script written without spaces."""
    return bool(_CJK.match(ch))


def cjk_ratio(text: str) -> float:
    """Share of letters that belong to scripts written without spaces (from a sample of a long text)."""
    if len(text) > 3000:
        mid = len(text) // 2
        text = text[:1000] + text[mid - 500:mid + 500] + text[-1000:]
    letters = sum(map(len, _LETTER_RUN.findall(text)))
    if not letters:
        return 0.0
    return sum(map(len, _CJK_RUN.findall(text))) / letters


def has_cjk(text: str) -> bool:
    """Whether `text` holds any letter of a script written without spaces."""
    return _CJK.search(text) is not None


def is_space_separated(text: str) -> bool:
    """True for languages whose words are separated by spaces (English, French...)."""
    if len(text) <= 3000 and not _CJK.search(text):
        return True  # the common case, without counting letters
    return cjk_ratio(text) < 0.3


def title_like(raw: str) -> bool:
    """Whether a piece reads like a title or a name in a cased script ("Feather Duvet Lung disease",
    "SPACE VIZZION CONCEPT"): most of its cased words after the first are capitalised.

    A sentence cut short ("The mayor said the spending") has its later words in
    lower case; a piece without cased words (CJK) is never title-like.
    """
    cased = [w for w in raw.split()[1:] if w[:1].isupper() or w[:1].islower()]
    return 2 * sum(w[:1].isupper() for w in cased) > len(cased)


def in_capitals(raw: str) -> bool:
    """Whether every letter of `raw` is a capital ("SPACE VIZZION CONCEPT"); not "AI戦略" (kanji have no case)."""
    letters = [c for c in raw if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


_URL_TAIL = regex.compile(r"(?:https?://|www\.|[\w-]+\.[a-z]{2,}/|[?&]\w+=)[\x21-\x7e]*$|[A-Za-z0-9._-]*[A-Za-z0-9][=/][\x21-\x7e]*$", regex.I)


def ends_in_url(raw: str) -> bool:
    """Whether `raw` ends in a URL or an identifier ("…details?id=com.evernote", "www.example.com/a"):
    such a piece is never cut, stitched or completed - a line break inside a URL is the page's."""
    text = raw.rstrip()
    start = len(text)
    while start and "!" <= text[start - 1] <= "~":  # the printable ASCII run at the end: only it can be a URL
        start -= 1
    return start < len(text) and bool(_URL_TAIL.search(text, start))


def ends_sentence(raw: str) -> bool:
    """Whether `raw` ends like a finished sentence (end mark, then closers)."""
    s = raw.rstrip()
    while s and s[-1] in CLOSERS + "*_":
        s = s[:-1]
    return bool(s) and s[-1] in SENTENCE_END + "…"


def starts_with_ellipsis(raw: str) -> bool:
    """Whether `raw` opens with "..." or "…" followed by text (a restart mark)."""
    return bool(_LEADING_ELLIPSIS.match(raw)) and bool(raw.strip(" .…‥\t"))


def leading_ellipsis_end(raw: str) -> int:
    """Offset just past a leading restart ellipsis (0 when there is none)."""
    m = _LEADING_ELLIPSIS.match(raw)
    return m.end() if m else 0


def words(text: str) -> list[str]:
    """Words of NFKC, case-folded text (the units of word shingles)."""
    return _WORD.findall(nfkc(text).casefold())
