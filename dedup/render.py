"""Writing the output text and the provenance actions of one document.

Items are joined with the whitespace that stood before them in the input when
their input neighbour is also their output neighbour, so undamaged text comes
out byte-identical.  Where repair moved or removed text, the separator is
taken from the nearest original context (same line, new line, new paragraph).
Each source part becomes an action whose `kept_as` is the item's output span;
each dropped span points at the output span of the copy that holds its text.
"""
from __future__ import annotations

from dataclasses import dataclass

from .items import Dropped, Item
from .provenance import Action, ActionRecord, Reason, line_span
from .segment import Unit


@dataclass
class Rendered:
    text: str
    actions: list[ActionRecord]


def separator(prev: Item, item: Item, units: list[Unit], holders: dict[int, Item]) -> str:
    """Whitespace to put before `item` given the item before it in the output.

    `holders` maps a dropped unit's id to the item that holds its text, so a
    sentence that followed a dropped copy of `prev` keeps following it inline.
    """
    if item.pred_id == prev.last_unit.id:
        return item.sep
    holder = holders.get(item.pred_id)
    if holder is not None and holder.final() is prev:
        return item.sep
    if item.line_start:
        return item.sep if "\n" in item.sep else "\n\n"
    successor = units[prev.last_unit.id + 1] if prev.last_unit.id + 1 < len(units) else None
    if successor is not None and not successor.line_start:
        return item.sep
    if successor is not None and "\n" in successor.sep_before:
        return successor.sep_before
    return "\n\n"


def render(prefix: str, items: list[Item], units: list[Unit], tail: str,
           dropped: list[Dropped]) -> tuple[str, dict[int, tuple[int, int]]]:
    """Output text (`prefix` + items + `tail`) and each item's output span."""
    by_end = {u.end: u.id for u in units}
    holders = {by_end[d.end]: d.kept for d in dropped if d.kept is not None and d.end in by_end}
    out = [prefix]
    size = len(prefix)
    spans: dict[int, tuple[int, int]] = {}
    prev: Item | None = None
    for item in items:
        if prev is None:
            sep = item.sep if item.pred_id < 0 else ("\n" if prefix else "")
        else:
            sep = separator(prev, item, units, holders)
        out.append(sep)
        size += len(sep)
        spans[id(item)] = (size, size + len(item.text))
        out.append(item.text)
        size += len(item.text)
        prev = item
    last_original = bool(items) and items[-1].last_unit.id == len(units) - 1
    out.append(tail if last_original or not tail else ("\n" if "\n" in tail else ""))
    return "".join(out), spans


def actions_of(items: list[Item], dropped: list[Dropped], spans: dict[int, tuple[int, int]],
               line_starts: list[int]) -> list[ActionRecord]:
    """Provenance actions for every kept part and every dropped span, in source order."""
    records: list[ActionRecord] = []
    for item in items:
        kept_as = spans[id(item)]
        for part in item.parts:
            same_as = part.same_as.final().source_span if part.same_as is not None else None
            records.append(ActionRecord(part.action, part.reason, part.rule, (part.start, part.end),
                                        line_span(line_starts, part.start, part.end), kept_as, same_as,
                                        part.similarity))
    for drop in dropped:
        holder = drop.kept.final() if drop.kept is not None else None
        records.append(ActionRecord(
            Action.DROPPED, drop.reason, drop.rule, (drop.start, drop.end),
            line_span(line_starts, drop.start, drop.end),
            spans.get(id(holder)) if holder is not None else None,
            holder.source_span if holder is not None else None, drop.similarity))
    records.sort(key=lambda r: (r.source[0], r.source[1]))
    return coalesce(records)


def coalesce(records: list[ActionRecord]) -> list[ActionRecord]:
    """Fold runs of unchanged text (kept/content, contiguous in input and output) into one action."""
    out: list[ActionRecord] = []
    for rec in records:
        prev = out[-1] if out else None
        if (prev is not None and rec.action == Action.KEPT and rec.reason == Reason.CONTENT
                and prev.action == Action.KEPT and prev.reason == Reason.CONTENT
                and prev.kept_as is not None and rec.kept_as is not None
                and rec.kept_as[0] - prev.kept_as[1] == rec.source[0] - prev.source[1] >= 0):
            out[-1] = ActionRecord(Action.KEPT, Reason.CONTENT, "original", (prev.source[0], rec.source[1]),
                                   (prev.lines[0], rec.lines[1]), (prev.kept_as[0], rec.kept_as[1]))
            continue
        out.append(rec)
    return out
