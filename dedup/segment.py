"""Segmentation: a document body into lines, chunks and sentence units.

The repair and boilerplate stages never look at raw strings directly; they work
on `Line`s (for site chrome, which is line-shaped) and `Unit`s (sentences, or a
whole heading/list/code line), each carrying its exact source span so that
every decision can be reported against the input.  Chunk markers split the
body into chunks; a unit's `chunk` says which one it came from.
"""
from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass, field

import regex

from . import textnorm

FRONT_MATTER = regex.compile(r"\A(\ufeff?---[ \t]*\r?\n)(.*?\r?\n)?(---|\.\.\.)[ \t]*(\r?\n|\Z)", regex.S)

DEFAULT_MARKERS = (
    r"[-=]{2,}[ \t]*END[ \t]*[-=]{2,}",
    r"<\|endoftext\|>",
    r"<\|im_end\|>",
    r"\[END\]",
)

_HEADING = regex.compile(r"^\s{0,3}#{1,6}\s+\S")
_LIST = regex.compile(r"^\s*(?:[-*+•・]\s+|\d{1,3}[.)]\s+)\S")
_TABLE = regex.compile(r"^\s*\|.*\|\s*$")
_FENCE = regex.compile(r"^\s*(```|~~~)")
_LABEL = regex.compile(r"^\s*(\*\*|__)[^*_]+(\*\*|__)\s*$|^[^。.!?！？]{1,40}[:：]\s*$")
_ABBREV = regex.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|vs|etc|e\.g|i\.e|Inc|Ltd|Co|Corp|No|Fig|al|approx|Gen|Gov|Sen|Rep|U\.S|U\.K|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b\p{Lu})$"
)
_LEADING_LABEL = regex.compile(r"^\s*(?:\*\*[^*\n]{1,60}\*\*|__[^_\n]{1,60}__)(?=\s+\S)")
_OPENERS = "「『（【〔〈《"
_HIRAGANA = regex.compile(r"\p{Hiragana}")
_NEXT_VISIBLE = regex.compile(r"\s*(\S)")
_WORDLIKE = regex.compile(r"\w")
_SENT_END = regex.compile(r"[。！？!?．]+[" + regex.escape(textnorm.CLOSERS) + r"]*|\.+[" + regex.escape(textnorm.CLOSERS) + r"]*(?=\s|$)")


@dataclass
class Line:
    """One physical line of the body: span excludes the line break."""

    index: int
    start: int
    end: int
    text: str
    number: int  # 1-based line number in the whole decoded input
    kind: str = "prose"  # prose | heading | list | table | label | code | blank

    @functools.cached_property
    def key(self) -> str:
        """The line's comparison key (`textnorm.key`), computed once: every chrome rule asks for it."""
        return textnorm.key(self.text)


@dataclass
class Unit:
    """A sentence (or a whole heading/list/code line): the atom of repair."""

    id: int
    start: int
    end: int
    text: str
    chunk: int
    line: int          # 1-based line number
    line_index: int    # index into the Line list
    kind: str
    sep_before: str    # whitespace that preceded it in the input
    line_start: bool   # first unit of its line
    para_start: bool   # preceded by a blank line (or the start)
    chunk_start: bool = False
    key: str = field(default="", repr=False)
    _key_map: list[int] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.key:
            self.key = textnorm.key(self.text)

    @property
    def key_map(self) -> list[int]:
        """Raw offset of each key character (computed when first asked: only cuts need it)."""
        if self._key_map is None:
            self._key_map = textnorm.key_with_map(self.text)[1]
        return self._key_map



def split_front_matter(text: str) -> int:
    """Length of the YAML front matter block at the top of `text` (0 if none)."""
    m = FRONT_MATTER.match(text)
    if not m:
        return 0
    return m.end()


def compile_markers(patterns) -> regex.Pattern | None:
    """One case-insensitive pattern for all chunk-marker patterns (None when there are none)."""
    pats = [p for p in patterns if p]
    if not pats:
        return None
    return regex.compile("|".join(f"(?:{p})" for p in pats), regex.I)


def find_markers(text: str, start: int, pattern: regex.Pattern | None) -> list[tuple[int, int]]:
    """Spans of the chunk markers in text[start:]."""
    if pattern is None:
        return []
    return [(m.start(), m.end()) for m in pattern.finditer(text, start) if m.end() > m.start()]


def classify(text: str, in_code: bool) -> str:
    """The kind of a line: prose, heading, list, table, label, code or blank."""
    if in_code:
        return "code"
    if not text.strip():
        return "blank"
    if _FENCE.match(text):
        return "code"
    if _HEADING.match(text):
        return "heading"
    if _TABLE.match(text):
        return "table"
    if _LIST.match(text):
        return "list"
    if _LABEL.match(text):
        return "label"
    return "prose"


def lines_of(text: str, start: int, first_number: int) -> list[Line]:
    """Lines of text[start:], numbered from `first_number`."""
    lines: list[Line] = []
    pos = start
    number = first_number
    in_code = False
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        body_end = end - 1 if end > pos and text[end - 1] == "\r" else end
        raw = text[pos:body_end]
        kind = classify(raw, in_code)
        if _FENCE.match(raw):
            in_code = not in_code
            kind = "code"
        lines.append(Line(len(lines), pos, body_end, raw, number, kind))
        number += 1
        if nl < 0:
            break
        pos = nl + 1
    return lines


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans in `text` (end exclusive), surrounding whitespace excluded.

    A bold label that opens a line ("**投資家の方々へ：** 今回の…") is a unit of its
    own, since copies of the text differ in whether it stands on its own line.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    label = _LEADING_LABEL.match(text)
    if label:
        _append_trimmed(text, 0, label.end(), spans)
        start = label.end()
    for m in _SENT_END.finditer(text):
        end = m.end()
        if not _is_boundary(text, start, m):
            continue
        _append_trimmed(text, start, end, spans)
        start = end
    _append_trimmed(text, start, len(text), spans)
    return spans


def _is_boundary(text: str, start: int, m) -> bool:
    """Whether the end mark matched by `m` really ends a sentence.

    Not when a closing quote is followed straight away by more of the sentence
    ("「ジュビレーション！」に参加"), and not after an abbreviation or inside a number.
    Marks inside a quote do split it: copies cut at different places still
    share their sentences.
    """
    end = m.end()
    mark = m.group(0)
    if not _WORDLIKE.search(text, start, m.start()):
        return False  # "... tenants report…": a leading restart ellipsis opens the sentence, it ends none
    nxt = text[end:end + 1]
    if mark[-1] in textnorm.CLOSERS and nxt and not nxt.isspace() and nxt not in _OPENERS:
        return False
    after = _NEXT_VISIBLE.match(text, end)
    rest = after.group(1) if after else ""
    if mark[0] in ".!?" and rest and _HIRAGANA.match(rest):
        return False  # "I will tell you my opinion. と言うと…": a quoted sentence inside a Japanese one
    if mark.startswith(".") and len(mark) == 1:
        before = text[start:m.start()]
        if _ABBREV.search(before) or (before[-1:].isdigit() and nxt.isdigit()):
            return False
        if rest and rest.islower():
            return False
    return True


def _whole(text: str) -> list[tuple[int, int]]:
    """The line as one piece, its surrounding whitespace left to the separators."""
    spans: list[tuple[int, int]] = []
    _append_trimmed(text, 0, len(text), spans)
    return spans


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def subtract(span: tuple[int, int], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Parts of `span` not covered by any of the sorted `holes`."""
    s, e = span
    out = []
    for hs, he in holes:
        if he <= s or hs >= e:
            continue
        if hs > s:
            out.append((s, hs))
        s = max(s, he)
    if s < e:
        out.append((s, e))
    return out


def _indent(gap: str) -> str:
    """The indentation that opens the first kept line when the lines above it were removed."""
    return gap[len(gap.rstrip(" \t\u3000")):] if not gap.endswith("\n") else ""


def _gap_separator(gap: str) -> str:
    """The whitespace to keep between two units when text between them was removed."""
    if not gap or gap.isspace():
        return gap
    head = gap[: len(gap) - len(gap.lstrip())]
    tail = gap[len(gap.rstrip()):]
    chosen = head if head.count("\n") > tail.count("\n") else tail
    return chosen[chosen.index("\n"):] if "\n" in chosen else chosen  # no trailing blanks before the break


def build_units(
    text: str,
    lines: list[Line],
    removed: list[tuple[int, int]],
    markers: list[tuple[int, int]],
    joins: set[int] | None = None,
) -> list[Unit]:
    """Sentence units of the kept parts of `lines`, in input order.

    `removed` are spans other stages dropped (boilerplate); `markers` split
    chunks.  `joins` holds line indexes whose line break to the next kept text
    becomes a single space (a chat heading merged with its body).
    """
    joins = joins or set()
    holes = sorted(removed + markers)
    marker_starts = [m[0] for m in markers]
    units: list[Unit] = []
    prev_end = lines[0].start if lines else 0
    prev_line = -1
    pending_chunk_start = True
    for line in lines:
        if line.kind == "blank":
            continue
        for s, e in subtract((line.start, line.end), holes):
            chunk = bisect.bisect_right(marker_starts, s)
            pieces = _whole(text[s:e]) if line.kind in ("code", "table", "heading") else split_sentences(text[s:e])
            for ps, pe in pieces:
                us, ue = s + ps, s + pe
                gap = text[prev_end:us]
                sep = _gap_separator(gap) if units or not gap.strip() else _indent(gap)
                if prev_line in joins and line.index != prev_line and "\n" in sep:
                    sep = " "
                if units and units[-1].chunk != chunk:
                    pending_chunk_start = True
                unit = Unit(
                    id=len(units), start=us, end=ue, text=text[us:ue], chunk=chunk,
                    line=line.number, line_index=line.index, kind=line.kind,
                    sep_before=sep, line_start=(line.index != prev_line),
                    para_start=(not units) or sep.count("\n") >= 2,
                    chunk_start=pending_chunk_start,
                )
                pending_chunk_start = False
                units.append(unit)
                prev_end = ue
                prev_line = line.index
    return units
