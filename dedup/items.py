"""The item model repair works on: items, their source parts, and drops.

An `Item` is one piece of output-to-be: usually one sentence unit, sometimes
several joined at a seam.  It remembers every source span it is made of
(`Part`s, each with its provenance action) and where it stood in the input,
so that the renderer can give it back its original separator.  A `Dropped`
records a source span that will not be in the output, with the item (if any)
that holds its text instead.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import textnorm
from .provenance import Action, Reason
from .segment import Unit


@dataclass
class Part:
    """A source span inside an item, and what happened to it."""

    start: int
    end: int
    action: Action
    reason: Reason
    rule: str
    similarity: float | None = None
    same_as: Item | None = None


@dataclass(eq=False)
class Item:
    """A piece of output text and the source parts it is made of."""

    text: str
    parts: list[Part]
    first_unit: Unit
    last_unit: Unit
    sep: str
    line_start: bool
    pred_id: int
    key: str = ""
    _key_map: list[int] | None = field(default=None, repr=False)
    replaced_by: Item | None = None
    restart: bool = False  # follows a cut-off fragment: the text restarts here

    def __post_init__(self) -> None:
        if not self.key:
            self.refresh_key()

    def refresh_key(self) -> None:
        """Recompute the comparison key after the text changed."""
        self.key, self._key_map = textnorm.key(self.text), None

    @property
    def key_map(self) -> list[int]:
        """Raw offset of each key character (computed when first asked: only cuts need it)."""
        if self._key_map is None:
            self._key_map = textnorm.key_with_map(self.text)[1]
        return self._key_map

    @classmethod
    def of_unit(cls, unit: Unit) -> Item:
        """The item of one unit, kept as it is until repair says otherwise."""
        part = Part(unit.start, unit.end, Action.KEPT, Reason.CONTENT, "original")
        return cls(unit.text, [part], unit, unit, unit.sep_before, unit.line_start, unit.id - 1,
                   unit.key, unit._key_map)

    @classmethod
    def join(cls, left: Item, right: Item, tail_text: str, tail_start: int, reason: Reason, rule: str) -> Item:
        """`left` followed by the part of `right` from source offset `tail_start` on."""
        parts = [Part(p.start, p.end, Action.MERGED, reason, rule) for p in left.parts]
        for p in right.parts:
            if p.end <= tail_start:
                continue
            parts.append(Part(max(p.start, tail_start), p.end, Action.MERGED, reason, rule))
        return cls(left.text + tail_text, parts, left.first_unit, right.last_unit, left.sep, left.line_start,
                   left.pred_id)

    def inherit_position(self, other: Item) -> None:
        """Stand where `other` stood (it was a cut-off start of this item)."""
        self.sep, self.line_start, self.pred_id = other.sep, other.line_start, other.pred_id

    def final(self) -> Item:
        """The item that finally holds this item's text (follows replacements)."""
        item = self
        while item.replaced_by is not None:
            item = item.replaced_by
        return item

    @property
    def kind(self) -> str:
        """The line kind of the item's first unit."""
        return self.first_unit.kind

    @property
    def source_span(self) -> tuple[int, int]:
        """From the first to the last source character the item is made of."""
        return (min(p.start for p in self.parts), max(p.end for p in self.parts))


@dataclass
class Dropped:
    """A source span left out of the output; `kept` holds its text when it was a copy."""

    start: int
    end: int
    reason: Reason
    rule: str
    kept: Item | None
    similarity: float | None
    line: int

    @classmethod
    def all_of(cls, item: Item, reason: Reason, rule: str, kept: Item | None,
               similarity: float | None = None) -> list[Dropped]:
        """One drop per source part of `item`."""
        return [cls(p.start, p.end, reason, rule, kept, similarity, item.first_unit.line) for p in item.parts]
