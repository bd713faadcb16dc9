"""Cleaning one document: front matter, chrome, markers, seams, repeats, output.

`clean_text` is the library entry point for a single text.  It runs the
per-document stages in order and returns the canonical text together with its
provenance.  It holds no state between calls: the same text and options give
the same bytes, whatever ran before.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import segment
from .boilerplate import Removal, find_boilerplate
from .items import Item
from .provenance import Action, ActionRecord, DocumentProvenance, Reason, line_span, line_starts_of
from .render import actions_of, render
from .repair import RepairOptions, merge_repeats
from .stitch import stitch_stream, vocabulary_of

if TYPE_CHECKING:
    from .reader import Document


@dataclass
class CleanOptions:
    """Options of the per-document stages."""

    markers: tuple[str, ...] = segment.DEFAULT_MARKERS
    boilerplate: bool = True
    repair: bool = True
    repair_options: RepairOptions = field(default_factory=RepairOptions)


@dataclass
class CleanResult:
    """The canonical text of a document and what happened to every piece of it."""

    text: str
    provenance: DocumentProvenance


def clean_text(text: str, options: CleanOptions | None = None, path: str = "<text>", learned=None,
               output: str | None = None) -> CleanResult:
    """Clean one document's text; `learned` is corpus boilerplate from the folder's corpus pass."""
    options = options or CleanOptions()
    fm_end = segment.split_front_matter(text)
    line_starts = line_starts_of(text)
    lines = segment.lines_of(text, fm_end, text.count("\n", 0, fm_end) + 1)
    markers = segment.find_markers(text, fm_end, segment.compile_markers(options.markers))
    chrome = find_boilerplate(_without_markers(lines, markers), learned) if options.boilerplate else None
    removals = _around_markers([r for rs in chrome.removed.values() for r in rs] if chrome else [], markers)
    units = segment.build_units(text, lines, [(r.start, r.end) for r in removals], markers,
                                chrome.joins if chrome else set())
    items = [Item.of_unit(u) for u in units]
    dropped = []
    if options.repair and items:
        items, seams = stitch_stream(items, vocabulary_of(text), options.repair_options.stitch)
        items, repeats = merge_repeats(items, options.repair_options)
        dropped = seams + repeats
    body = text[fm_end:]
    tail = body[len(body.rstrip()):] if body.strip() else body
    out, spans = render(text[:fm_end], items, units, tail, dropped)
    actions = actions_of(items, dropped, spans, line_starts)
    actions += _fixed_actions(text, fm_end, removals, markers, line_starts)
    actions.sort(key=lambda a: (a.source[0], a.source[1]))
    prov = DocumentProvenance(path=path, output=output, chars_in=len(text), chars_out=len(out), actions=actions)
    return CleanResult(out, prov)


def clean_one(doc: Document, options: CleanOptions, learned=None) -> CleanResult:
    """`clean_text` of one document of a folder run, its path, output name and JSONL row recorded."""
    result = clean_text(doc.text, options, path=doc.path, learned=learned, output=doc.output_name)
    result.provenance.record = doc.record
    if doc.extraction is not None:
        result.provenance.extraction_left_out, result.provenance.page_chars = doc.extraction
    return result


def _without_markers(lines: list[segment.Line], markers: list[tuple[int, int]]) -> list[segment.Line]:
    """The lines as the chrome rules see them: marker text blanked (offsets unchanged)."""
    if not markers:
        return lines
    out = []
    for line in lines:
        text = line.text
        for s, e in markers:
            if s < line.end and e > line.start:
                a, b = max(s, line.start) - line.start, min(e, line.end) - line.start
                text = text[:a] + " " * (b - a) + text[b:]
        kind = line.kind if text == line.text else segment.classify(text, line.kind == "code")
        out.append(segment.Line(line.index, line.start, line.end, text, line.number, kind))
    return out


def _around_markers(removals: list[Removal], markers: list[tuple[int, int]]) -> list[Removal]:
    """Removal spans with the markers inside them cut out: a marker stays a marker action."""
    out = []
    for r in removals:
        for s, e in segment.subtract((r.start, r.end), markers):
            out.append(Removal(s, e, r.rule, r.line))
    return out


def _fixed_actions(text: str, fm_end: int, removals, markers, line_starts) -> list[ActionRecord]:
    """Actions that do not depend on repair: front matter, chrome removals, markers."""
    actions: list[ActionRecord] = []
    if fm_end:
        actions.append(ActionRecord(Action.KEPT, Reason.FRONT_MATTER, "front_matter", (0, fm_end),
                                    line_span(line_starts, 0, fm_end), (0, fm_end)))
    for r in removals:
        if text[r.start:r.end].strip():
            actions.append(ActionRecord(Action.DROPPED, Reason.BOILERPLATE, r.rule, (r.start, r.end),
                                        line_span(line_starts, r.start, r.end)))
    for s, e in markers:
        actions.append(ActionRecord(Action.DROPPED, Reason.MARKER, "chunk_marker", (s, e), line_span(line_starts, s, e)))
    return actions
