"""The provenance model: what happened to every piece of an input document.

A document's provenance is a list of actions.  Each action says what was done
(`kept`, `merged` or `dropped`), why (a closed set of reasons), by which rule,
and where: the source span in the decoded input, the lines it covers, where it
now lives in the output (`kept_as`) and which input copy it duplicates
(`same_as`).  Every non-whitespace character of the input lies in exactly one
action's source span; `check_coverage` verifies that invariant.
"""
from __future__ import annotations

import bisect
import enum
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


class Action(str, enum.Enum):
    """What happened to a piece of input."""

    KEPT = "kept"
    MERGED = "merged"
    DROPPED = "dropped"


class Reason(str, enum.Enum):
    """Why it happened.  Closed: a new reason is a new member here."""

    CONTENT = "content"                      # kept: ordinary text, unchanged
    FRONT_MATTER = "front_matter"            # kept: YAML front matter, never touched
    REPEATED_FAR_APART = "repeated_far_apart"  # kept: a repeat with too little evidence to drop
    STITCHED = "stitched"                    # merged: a cut sentence joined to its continuation
    COMPLETED = "completed"                  # merged: text a later, more complete copy adds
    DUPLICATE = "duplicate"                  # dropped: another copy of text kept elsewhere
    FRAGMENT = "fragment"                    # dropped: a cut-off piece whose full text is kept
    MARKER = "marker"                        # dropped: a chunk marker or restart ellipsis
    BOILERPLATE = "boilerplate"              # dropped: site chrome
    NEAR_DUPLICATE_DOC = "near_duplicate_doc"  # dropped: the whole document copies another


@dataclass
class ActionRecord:
    """One provenance action; offsets are character offsets, end exclusive."""

    action: Action
    reason: Reason
    rule: str
    source: tuple[int, int]
    lines: tuple[int, int]
    kept_as: tuple[int, int] | None = None
    same_as: tuple[int, int] | None = None
    similarity: float | None = None
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "action": self.action.value,
            "reason": self.reason.value,
            "rule": self.rule,
            "source": list(self.source),
            "lines": list(self.lines),
            "kept_as": list(self.kept_as) if self.kept_as else None,
            "same_as": list(self.same_as) if self.same_as else None,
            "similarity": None if self.similarity is None else round(self.similarity, 4),
        }
        if self.note:
            data["note"] = self.note
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ActionRecord:
        def pair(value):
            return tuple(value) if value is not None else None

        return cls(
            action=Action(data["action"]),
            reason=Reason(data["reason"]),
            rule=data["rule"],
            source=tuple(data["source"]),
            lines=tuple(data["lines"]),
            kept_as=pair(data.get("kept_as")),
            same_as=pair(data.get("same_as")),
            similarity=data.get("similarity"),
            note=data.get("note"),
        )


@dataclass
class DocumentProvenance:
    """Everything that happened to one document."""

    path: str
    output: str | None
    chars_in: int
    chars_out: int
    actions: list[ActionRecord] = field(default_factory=list)
    record: int | None = None  # JSONL row number (1-based) when the document is one row
    duplicate_of: str | None = None  # the kept copy, when the document is a near-duplicate
    similarity: float | None = None  # verified similarity to that copy
    extraction_left_out: int | None = None  # HTML: visible characters of the page the extractor left out
    page_chars: int | None = None  # HTML: visible (non-space) characters of the page

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "path": self.path,
            "output": self.output,
            "chars_in": self.chars_in,
            "chars_out": self.chars_out,
            "actions": [a.to_json() for a in self.actions],
        }
        if self.record is not None:
            data["record"] = self.record
        if self.page_chars is not None:
            data["page_chars"], data["extraction_left_out"] = self.page_chars, self.extraction_left_out
        if self.duplicate_of is not None:
            data["duplicate_of"] = self.duplicate_of
            data["similarity"] = None if self.similarity is None else round(self.similarity, 4)
        return data

    def to_line(self) -> str:
        """One JSONL line."""
        return json.dumps(self.to_json(), ensure_ascii=False, sort_keys=False)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DocumentProvenance:
        return cls(
            path=data["path"],
            output=data.get("output"),
            chars_in=data["chars_in"],
            chars_out=data["chars_out"],
            actions=[ActionRecord.from_json(a) for a in data["actions"]],
            record=data.get("record"),
            duplicate_of=data.get("duplicate_of"),
            similarity=data.get("similarity"),
            extraction_left_out=data.get("extraction_left_out"),
            page_chars=data.get("page_chars"),
        )


def line_span(line_starts: list[int], start: int, end: int) -> tuple[int, int]:
    """1-based first and last line of the span [start, end) given line start offsets."""
    first = bisect.bisect_right(line_starts, start)
    last = bisect.bisect_right(line_starts, max(start, end - 1))
    return (first, last)


def line_starts_of(text: str) -> list[int]:
    """Offsets at which each line of `text` starts (line 1 starts at 0)."""
    starts = [0]
    find, at = text.find, text.find("\n")
    while at != -1:
        starts.append(at + 1)
        at = find("\n", at + 1)
    return starts


def check_coverage(text: str, actions: Iterable[ActionRecord]) -> list[str]:
    """Return problems with the invariant: each non-space char in exactly one source span."""
    owner = [0] * len(text)
    for a in actions:
        s, e = a.source
        for i in range(max(0, s), min(len(text), e)):
            owner[i] += 1
    problems = []
    for i, ch in enumerate(text):
        if ch.isspace():
            continue
        if owner[i] != 1:
            problems.append(f"char {i} {ch!r} covered {owner[i]} times")
            if len(problems) > 10:
                break
    return problems
