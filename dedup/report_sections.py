"""The per-document parts of the report that look at the text: repeated sections, self-similarity.

`repeated_sections` pairs every repeated piece of a document with the copy it
repeats, from the provenance alone: an action's `source` is the repeat and its
`same_as` the copy kept, both spans of the decoded input.  Neighbouring
actions that continue one another (only whitespace between them, on both
sides) are joined into one section, so a repeated block of five sentences
reads as one block rather than five rows.

`self_similarity` is the data of a dot-plot: the document cut into sentences
(within lines), and every pair of sentences with the same comparison key
(`textnorm.key`).  A block repeated later in the document shows as a line
parallel to the diagonal.  Both are capped so a huge document cannot blow up
the report; a cap that bites is recorded as `truncated`.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from . import textnorm
from .provenance import Action, ActionRecord, Reason, line_span, line_starts_of
from .segment import split_sentences

MAX_SECTION_CHARS = 4000   # text shown per side of one section
MAX_PAIRS = 5000           # matching sentence pairs kept for one dot-plot
MIN_KEY_CHARS = 6          # shorter sentences ("---", "1.") would only add noise
REPEAT_REASONS = (Reason.DUPLICATE, Reason.FRAGMENT, Reason.REPEATED_FAR_APART)


def _is_repeat(action: ActionRecord) -> bool:
    """A piece that copies another piece of the same document (dropped, or kept on weak evidence)."""
    return action.same_as is not None and action.reason in REPEAT_REASONS


def _continues(text: str, prev: ActionRecord, action: ActionRecord) -> bool:
    """Whether `action` carries on where `prev` stopped, both in the repeat and in the kept copy."""
    if (prev.action is Action.DROPPED) != (action.action is Action.DROPPED):
        return False
    if text[prev.source[1]:action.source[0]].strip():
        return False
    return action.same_as[0] >= prev.same_as[0] and not text[prev.same_as[1]:action.same_as[0]].strip()


def _group(text: str, actions: list[ActionRecord]) -> list[list[ActionRecord]]:
    """Repeat actions in source order, joined into runs that continue one another."""
    groups: list[list[ActionRecord]] = []
    for action in sorted((a for a in actions if _is_repeat(a)), key=lambda a: a.source):
        if groups and _continues(text, groups[-1][-1], action):
            groups[-1].append(action)
        else:
            groups.append([action])
    return groups


def _side(text: str, starts: list[int], start: int, end: int) -> dict[str, Any]:
    """One copy of a section: its span, its lines and (up to a cap) its text."""
    shown = text[start:end]
    side = {"source": [start, end], "lines": list(line_span(starts, start, end)),
            "text": shown[:MAX_SECTION_CHARS]}
    side["truncated"] = len(shown) > MAX_SECTION_CHARS
    return side


def _section(text: str, starts: list[int], group: list[ActionRecord]) -> dict[str, Any]:
    similarities = [a.similarity for a in group if a.similarity is not None]
    return {
        "action": group[0].action.value,
        "actions": len(group),
        "reasons": sorted({a.reason.value for a in group}),
        "rules": sorted({a.rule for a in group}),
        "similarity": round(min(similarities), 4) if similarities else None,
        "repeat": _side(text, starts, group[0].source[0], group[-1].source[1]),
        "kept": _side(text, starts, min(a.same_as[0] for a in group), max(a.same_as[1] for a in group)),
    }


def repeated_sections(text: str, actions: list[ActionRecord]) -> list[dict[str, Any]]:
    """Each repeated section of `text` next to the copy kept, in document order."""
    starts = line_starts_of(text)
    return [_section(text, starts, group) for group in _group(text, actions)]


def sentence_units(text: str) -> list[tuple[int, str]]:
    """(line number, comparison key) of every sentence long enough to compare."""
    units = []
    for number, line in enumerate(text.split("\n"), start=1):
        for start, end in split_sentences(line):
            k = textnorm.key(line[start:end])
            if len(k) >= MIN_KEY_CHARS:
                units.append((number, k))
    return units


def matching_pairs(keys: list[str], cap: int = MAX_PAIRS) -> tuple[list[list[int]], bool]:
    """1-based (i, j), i < j, of units with equal keys, in order; and whether `cap` cut the list."""
    seen: dict[str, list[int]] = defaultdict(list)
    pairs: list[list[int]] = []
    for j, k in enumerate(keys, start=1):
        for i in seen[k]:
            if len(pairs) >= cap:
                return pairs, True
            pairs.append([i, j])
        seen[k].append(j)
    return pairs, False


def self_similarity(text: str) -> dict[str, Any]:
    """Dot-plot data: sentence count, each sentence's line, and the matching sentence pairs."""
    units = sentence_units(text)
    pairs, truncated = matching_pairs([k for _, k in units])
    return {"unit": "sentence", "count": len(units), "lines": [n for n, _ in units],
            "pairs": pairs, "truncated": truncated}
