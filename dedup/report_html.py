"""The HTML view of the report: one self-contained file that opens offline.

`render_html` fills templates/report.html.j2 (Jinja2, autoescape on, so every
piece of document text is shown as text, never markup) from the report
dictionary of `dedup.report`, plus a small view model: numbered lines for the
side-by-side sections and the dot-plot as one SVG path.  Nothing is fetched
from the network: the style sheet and the table-sorting script are inline.
A Content-Security-Policy allows only that script (by its hash), so even a
template mistake could not let a document run code.
"""
from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .report import display_names

TEMPLATES = Path(__file__).parent / "templates"
PLOT_PIXELS = 360          # drawn size of a dot-plot
MIN_DOT_PIXELS = 1.2       # a dot never shrinks below this many pixels


def numbered(side: dict[str, Any]) -> list[tuple[int, str]]:
    """(line number, text) rows of one copy of a section."""
    first = side["lines"][0]
    return [(first + i, line) for i, line in enumerate(side["text"].split("\n"))]


def dot_path(pairs: list[list[int]], count: int) -> tuple[str, float]:
    """SVG path data drawing both mirror dots of every matching pair, and the dot size used.

    Units are sentences (viewBox 0..count); the dot grows on long documents so
    it stays visible once the plot is scaled down to `PLOT_PIXELS`.
    """
    size = max(1.0, round(MIN_DOT_PIXELS * count / PLOT_PIXELS, 2))
    parts = []
    for i, j in pairs:
        for x, y in ((i - 1, j - 1), (j - 1, i - 1)):
            parts.append(f"M{x} {y}h{size}v{size}h-{size}z")
    return "".join(parts), size


def plot_view(sim: dict[str, Any]) -> dict[str, Any]:
    """What the template needs to draw one dot-plot."""
    count = max(1, sim["count"])
    path, size = dot_path(sim["pairs"], count)
    lines = sim["lines"]
    return {"count": sim["count"], "box": count, "path": path, "dot": size, "pairs": len(sim["pairs"]),
            "truncated": sim["truncated"], "first_line": lines[0] if lines else 0,
            "last_line": lines[-1] if lines else 0, "stroke": round(count / PLOT_PIXELS, 3)}


def document_view(index: int, doc: dict[str, Any]) -> dict[str, Any]:
    """A document entry plus its anchor, numbered section lines and dot-plot drawing."""
    sections = [dict(s, repeat_rows=numbered(s["repeat"]), kept_rows=numbered(s["kept"])) for s in doc["sections"]]
    return dict(doc, anchor=f"doc-{index}", sections=sections, plot=plot_view(doc["self_similarity"]))


def script_source() -> str:
    """The inline table-sorting script (kept in its own file so it can be hashed for the CSP)."""
    return (TEMPLATES / "report.js").read_text(encoding="utf-8")


def csp_hash(script: str) -> str:
    """The CSP source expression that allows exactly this inline script."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def environment() -> jinja2.Environment:
    """A Jinja2 environment over the package templates, escaping everything by default."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True)


def render_html(report: dict[str, Any]) -> str:
    """The report as one HTML page (UTF-8 text); tables name documents without their shared folder."""
    return "".join(html_chunks(report, report["documents"], [d["id"] for d in report["documents"]]))


class _Views:
    """The documents as the template shows them, made afresh on every pass (the template makes two)."""

    def __init__(self, documents: Iterable[dict[str, Any]]) -> None:
        self.documents = documents

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (document_view(i, d) for i, d in enumerate(self.documents))


def html_chunks(report: dict[str, Any], documents: Iterable[dict[str, Any]], ids: list[str]) -> Iterator[str]:
    """The HTML page in pieces, for writing without holding it: `documents` (worst first, with `ids` in the
    same order) may be anything iterable more than once, e.g. entries read back from disk."""
    script = script_source()
    anchors = {doc_id: f"doc-{i}" for i, doc_id in enumerate(ids)}
    names = display_names(list(anchors) + [m for c in report["clusters"] for m in c["members"]])
    template = environment().get_template("report.html.j2")
    return template.generate(report=report, totals=report["totals"], documents=_Views(documents), anchors=anchors,
                             names=names,
                             script=Markup(script),  # our own package file, not document text
                             script_hash=csp_hash(script), plot_pixels=PLOT_PIXELS)
