"""Seams: joining a sentence cut at a chunk boundary to its continuation.

A generator that writes in chunks stops mid-sentence, even mid-word
("…巨大テック"), and the next chunk goes on in one of three ways:

* it restarts the cut sentence in full ("アメリカの…巨大テック企業が…"): the cut
  piece is a prefix of a later sentence and is dropped as a fragment;
* it restarts a few words back, often after "..." ("...その理由が説明できなければ"):
  the end of the cut piece overlaps the start of the next one, and the two are
  joined on the overlap;
* it simply continues ("短期" / "的な利益…"): the two pieces are joined directly.

This module finds those seams on the unit stream before the repeats are
merged, so that the merge sees whole sentences.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import regex

from . import textnorm
from .items import Dropped, Item, Part
from .provenance import Reason

FUNCTION_WORDS = frozenset((
    "a an the and or but nor so yet of to in on at by for with from as into onto over under about after before "
    "between through during without within is are was were be been being has have had do does did will would "
    "can could may might must shall should it its this that these those he she they we you i his her their our "
    "your my not no than then there here which who whom whose what when where why how all any each every some "
    "such more most other also only just very up out off new old one two three"
).split())
_WORD = regex.compile(r"\w+")
_WORD_END = regex.compile(r"(\w+)$")
_WORD_START = regex.compile(r"^(\w+)")


@dataclass
class StitchOptions:
    min_overlap: int = 3          # key characters a suffix/prefix overlap needs
    min_prefix_fragment: int = 15  # key characters for a fragment completed far from it, without a marker
    min_mid_line_fragment: int = 6  # ...and for one completed within the next few pieces ("(※)" is a note mark)
    # Without a marker only a piece that ends a line after other sentences can be a cut: a line of
    # its own that the next line starts with is a heading or a name ("スケーリング則とは" / "…とは何か。").


def overlap_length(left: str, right: str, minimum: int) -> int:
    """Longest k >= minimum with left[-k:] == right[:k] (0 when there is none)."""
    best = 0
    for k in range(min(len(left), len(right)), minimum - 1, -1):
        if left.endswith(right[:k]):
            best = k
            break
    return best


def fragment_candidate(item: Item) -> bool:
    """A piece that may have been cut: prose or list text without a sentence end."""
    unit = item.last_unit
    return (unit.kind in ("prose", "list") and not textnorm.ends_sentence(item.text) and bool(item.key)
            and not textnorm.ends_in_url(item.text))


def stitch_stream(items: list[Item], vocabulary: Counter, options: StitchOptions) -> tuple[list[Item], list[Dropped]]:
    """Resolve the seams of `items` (input order); returns the new stream and what was dropped."""
    out: list[Item] = []
    dropped: list[Dropped] = []
    i = 0
    while i < len(items):
        item = items[i]
        nxt = items[i + 1] if i + 1 < len(items) else None
        at_marker = nxt is not None and nxt.first_unit.chunk != item.last_unit.chunk
        at_break = nxt is not None and (nxt.first_unit.line_start or at_marker)
        if nxt is None or not at_break or not fragment_candidate(item):
            out.append(item)
            i += 1
            continue
        # After a marker, a later piece of the next chunk that starts with all of the cut one says the
        # sentence was restarted in full; it outranks an overlap as short as "the" / "The average…".
        target = _restart_ahead(item, items, i, out) if at_marker else None
        joined = _join_overlap(item, nxt, at_marker, options, dropped) if target is None else None
        if joined is not None:
            items[i + 1] = joined
            i += 1
            continue
        target = target or _prefix_target(item, items, i, out, at_marker, options)
        if target is not None:
            dropped.extend(Dropped.all_of(item, Reason.FRAGMENT, "cut_sentence_restarted", target))
            item.replaced_by = target
            nxt.restart = True
            i += 1
            continue
        if at_marker and nxt.first_unit.kind in ("prose", "list") and not _seen_before(nxt, out):
            items[i + 1] = _join_direct(item, nxt, vocabulary)
            i += 1
            continue
        out.append(item)
        i += 1
    return out, dropped


def _join_overlap(item: Item, nxt: Item, at_marker: bool, options: StitchOptions, dropped: list[Dropped]) -> Item | None:
    """Join on a suffix/prefix overlap, or let `nxt` supersede `item` when it starts with all of it."""
    ellipsis = textnorm.starts_with_ellipsis(nxt.text)
    if not (at_marker or ellipsis):
        if (not item.first_unit.line_start and not textnorm.in_capitals(item.text) and nxt.key.startswith(item.key)
                and len(item.key) >= options.min_mid_line_fragment and len(nxt.key) > len(item.key)):
            dropped.extend(Dropped.all_of(item, Reason.FRAGMENT, "cut_sentence_restarted", nxt))
            item.replaced_by = nxt
            nxt.inherit_position(item)
            return nxt
        return None
    minimum = 2 if ellipsis else options.min_overlap
    k = overlap_length(item.key, nxt.key, minimum)
    if k == 0:
        return None
    if k >= len(nxt.key):
        return None  # the next piece is all overlap: leave it to the repeat merge
    if k == len(item.key):
        dropped.extend(Dropped.all_of(item, Reason.FRAGMENT, "cut_sentence_restarted", nxt))
        item.replaced_by = nxt
        _drop_ellipsis(nxt, dropped)
        nxt.inherit_position(item)
        return nxt
    return _join_on(item, nxt, k, dropped)


def _drop_ellipsis(nxt: Item, dropped: list[Dropped]) -> None:
    """Record a leading restart ellipsis of `nxt` as dropped and cut it from its text."""
    unit = nxt.first_unit
    cut = textnorm.leading_ellipsis_end(nxt.text)
    if cut and nxt.parts and nxt.parts[0].start == unit.start:
        part = nxt.parts[0]
        dropped.append(Dropped(part.start, part.start + cut, Reason.MARKER, "restart_ellipsis", None, None, unit.line))
        nxt.parts[0] = Part(part.start + cut, part.end, part.action, part.reason, part.rule)
        nxt.text = nxt.text[cut:]
        nxt.refresh_key()


def _join_on(item: Item, nxt: Item, k: int, dropped: list[Dropped]) -> Item:
    """`item` + the part of `nxt` after the k overlapping key characters."""
    raw_cut = nxt.key_map[k - 1] + 1  # just past the last overlapping character (keeps the space after it)
    unit = nxt.first_unit
    head_end = unit.start + raw_cut
    lead = textnorm.leading_ellipsis_end(nxt.text)
    if lead:
        dropped.append(Dropped(unit.start, unit.start + lead, Reason.MARKER, "restart_ellipsis", None, None, unit.line))
    joined = Item.join(item, nxt, nxt.text[raw_cut:], head_end, Reason.STITCHED, "overlap_join")
    dropped.append(Dropped(unit.start + lead, head_end, Reason.DUPLICATE, "seam_overlap", joined, 1.0, unit.line))
    return joined


def _join_direct(item: Item, nxt: Item, vocabulary: Counter) -> Item:
    """`item` + `nxt` with no overlap: the next chunk goes on where the cut was."""
    glue = _glue(item.text, nxt.text, vocabulary)
    return Item.join(item, nxt, glue + nxt.text, nxt.first_unit.start, Reason.STITCHED, "continuation_join")


def _glue(left: str, right: str, vocabulary: Counter) -> str:
    """'' when the cut fell inside a word (or in text without spaces), else ' '.

    The document is its own dictionary: a cut piece ("rep" / "ort") stands in it
    once, at the seam, while real words recur or are common function words.
    Two rare pieces, one of them short, are taken for one cut word.
    """
    if not left or not right:
        return ""
    if textnorm.is_cjk_char(left[-1]) or textnorm.is_cjk_char(right[0]) or not right[0].isalnum():
        return ""
    if left[-1].isspace() or not left[-1].isalnum():
        return " " if not left[-1].isspace() else ""
    a, b = _WORD_END.search(left), _WORD_START.search(right)
    if not (a and b):
        return " "
    wa, wb = a.group(1).casefold(), b.group(1).casefold()
    if vocabulary[wa + wb] > 0:
        return ""  # the whole word stands elsewhere in the document
    if right[0].isupper() or wa in FUNCTION_WORDS or wb in FUNCTION_WORDS:
        return " "
    if vocabulary[wa] > 1 and vocabulary[wb] > 1:
        return " "  # both pieces are words the document uses elsewhere
    short_piece = min(len(wa), len(wb)) <= 4 and len(wa) + len(wb) <= 12
    return "" if short_piece else " "


def _prefix_target(item: Item, items: list[Item], i: int, placed: list[Item], at_marker: bool,
                   options: StitchOptions) -> Item | None:
    """A later (or earlier) piece that starts with all of `item`: the full sentence it was cut from.

    After a marker any length will do within the next chunk.  Without a marker
    a short piece must be completed within the next few pieces (a restart one
    sentence back); a longer one may be completed further on.
    """
    if not at_marker and item.first_unit.line_start:
        return _restarted_one_back(item, items, i, placed)
    if not at_marker and textnorm.in_capitals(item.text):
        return None  # "VOLKSWAGEN ID. SPACE VIZZION CONCEPT": a heading in capitals, not a sentence cut short
    if at_marker:
        return _restart_ahead(item, items, i, placed, first=True) or _placed_longer(item, placed)
    for j in range(i + 1, min(len(items), i + 40)):
        other = items[j]
        need = options.min_mid_line_fragment if j - i <= 3 else options.min_prefix_fragment
        if len(item.key) >= need and len(other.key) > len(item.key) and other.key.startswith(item.key):
            return other
    return None  # without a marker, an earlier longer copy is the repeat merge's business


def _placed_longer(item: Item, placed: list[Item]) -> Item | None:
    """The latest placed piece that starts with all of `item` (its full sentence came before the cut)."""
    for other in reversed(placed):
        if len(other.key) > len(item.key) and other.key.startswith(item.key):
            return other
    return None


def _restart_ahead(item: Item, items: list[Item], i: int, placed: list[Item], first: bool = False) -> Item | None:
    """A piece of the next chunk, after its first, that starts with all of the cut `item` (the sentence
    restarted in full a sentence or more back); the first piece itself (`first`) is `_join_overlap`'s case.

    Only inside the restart: the pieces before it repeat earlier text (one new piece is allowed, a
    sentence the first copy lacked).  A chunk that goes on with new text continues the cut sentence,
    even when a later stanza opens with the same words ("不狩不猎，胡瞻尔庭有" / "县貆兮？…").
    """
    chunk = items[i + 1].first_unit.chunk
    new = 0
    for other in items[i + 1:]:
        if other.first_unit.chunk != chunk:
            break
        if (first or other is not items[i + 1]) and len(other.key) > len(item.key) and other.key.startswith(item.key):
            return other
        new += not _seen_before(other, placed)
        if new > 1:
            return None
    return None


def _restarted_one_back(item: Item, items: list[Item], i: int, placed: list[Item]) -> Item | None:
    """A line of its own is a cut only inside a restart: [A, cut] then [A again, full sentence].

    Otherwise a short line that the next line starts with is a heading or a name.
    """
    if not placed or i + 2 >= len(items) or len(item.key) < 2:
        return None
    before, again, full = placed[-1], items[i + 1], items[i + 2]
    if (again.key == before.key and len(full.key) > len(item.key) and full.key.startswith(item.key)
            and full.key[len(item.key)].isalnum()):
        return full  # goes on with a letter: "唄の朝" / "唄の朝。" is a verse said again, not a cut
    return None


def _seen_before(item: Item, placed: list[Item]) -> bool:
    """Whether `item` repeats (or lies inside) a piece already in the stream."""
    if len(item.key) < 4:
        return False
    return any(item.key in other.key for other in placed)


def vocabulary_of(text: str) -> Counter:
    """Counts of the lower-cased words of a document, to tell a cut word from a cut between words."""
    return Counter(w.casefold() for w in _WORD.findall(text))

