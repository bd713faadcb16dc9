"""Run-on headings: a piece that runs an earlier heading or label into the next sentence, split in two.

Copies drift in layout: "見出し\n本文…" in one copy is "見出し 本文…" in
another.  Before the repeat merge (`repair`), every piece that starts with the
whole of an earlier piece, followed by white space and a new sentence, is cut
there (only inside a repeat), so the heading meets its earlier copy and each
sentence of the rest meets its own.
"""
from __future__ import annotations

from collections.abc import Callable

from .items import Item, Part
from .matcher import longest_prefix
from .segment import split_sentences


def split_run_ons(stream: list[Item]) -> list[Item]:
    """`Merge.split_run_on` for every piece that starts with an earlier piece of the stream, before the merge.

    Done up front, not when the merge reaches the piece: the run of repeats
    that a restart copy begins with is measured on the pieces that follow
    (`Merge.run_after`), and a heading still run into its paragraph breaks
    that run.
    """
    out: list[Item] = []
    by_opening: dict[str, list[str]] = {}
    seen: set[str] = set()
    for n, item in enumerate(stream):
        size = longest_prefix(item.key, by_opening.get(item.key[:8], ())) if one_unit(item) else 0
        after = stream[n + 1].key if n + 1 < len(stream) else None
        pieces = run_on_pieces(item, size, seen.__contains__, after) or [item]
        for piece in pieces:
            seen.add(piece.key)
            if len(piece.key) >= 8:
                by_opening.setdefault(piece.key[:8], []).append(piece.key)
        out.extend(pieces)
    return out


def run_on_pieces(item: Item, size: int, known: Callable[[str], bool], after: str | None) -> list[Item] | None:
    """The heading (key length `size`) and the sentences after it, when `item` runs one into the other.

    Only inside a repeat: the first sentence after the heading, or the piece
    after `item` (key `after`), is `known` (a copy of it came earlier).
    "Budget talks resume" / "Budget talks resume Monday. Officials said so."
    is a heading and a sentence that opens with it, capital M or not.
    """
    if not size:
        return None
    cut = item.key_map[size - 1] + 1
    rest = len(item.text) - len(item.text[cut:].lstrip())
    if cut >= len(item.text) or not item.text[cut].isspace() or rest >= len(item.text) or item.text[rest].islower():
        return None
    pieces = halves(item, cut, rest)
    return pieces if len(pieces) > 1 and (known(pieces[1].key) or (after is not None and known(after))) else None


def one_unit(item: Item) -> bool:
    """One untouched unit: only such a piece is split or completed at a prefix."""
    return len(item.parts) == 1 and item.first_unit is item.last_unit


def halves(item: Item, cut: int, rest: int) -> list[Item]:
    """`item` as text[:cut] and the sentences of text[rest:] (white space between goes to the separators).

    The rest is cut into sentences again: a heading line run into its whole
    paragraph ("### 見出し 次に、…。アメリカの…。") is one unit, and each of
    its sentences must meet its own earlier copy.
    """
    part, unit = item.parts[0], item.first_unit
    head = Item(item.text[:cut], [Part(part.start, part.start + cut, part.action, part.reason, part.rule)],
                unit, unit, item.sep, item.line_start, item.pred_id)
    head.restart = item.restart
    pieces, before = [head], cut
    for s, e in split_sentences(item.text[rest:]):
        start, end = rest + s, rest + e
        pieces.append(Item(item.text[start:end], [Part(part.start + start, part.start + end, part.action, part.reason,
                                                         part.rule)], unit, unit, item.text[before:start], False,
                           unit.id))
        before = end
    return pieces
