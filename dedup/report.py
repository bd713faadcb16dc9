"""The duplication report: what cleaning did (or would do) to every document, as data.

`build_report` turns a `RunResult` into one plain, JSON-ready dictionary: per
document the characters in and out, how many were duplicates, chrome or
markers, the seams repaired, its repeated sections (each dropped copy next to
the copy kept) and a self-similarity dot-plot; then the near-duplicate
clusters, the corpus boilerplate and the errors.  The JSON and HTML reports
and the terminal summary are all views of this one dictionary, so they never
disagree.  `report_json` serialises it deterministically (sorted keys, no
timestamps, no absolute paths): the same input gives byte-identical JSON.
The shape is documented in docs/report-schema.md; bump `SCHEMA` on any change.
"""
from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.table import Table

from . import __version__
from .errors import DedupError
from .provenance import Action, Reason
from .report_sections import repeated_sections, self_similarity
from .rundata import Outcome, RunResult

SCHEMA = "dedup-report/1"
JSON_NAME = "dedup-report.json"
HTML_NAME = "dedup-report.html"
DUPLICATE_REASONS = (Reason.DUPLICATE, Reason.FRAGMENT)
SUMMARY_ROWS = 15


def _chars(outcome: Outcome, *reasons: Reason) -> int:
    """Characters of the input dropped for one of `reasons`."""
    return sum(a.source[1] - a.source[0] for a in outcome.result.provenance.actions
               if a.action is Action.DROPPED and a.reason in reasons)


def document_metrics(outcome: Outcome) -> dict[str, Any]:
    """The cheap per-document numbers (no text): enough for tables and sorting."""
    prov = outcome.result.provenance
    actions = prov.actions
    removed = max(0, prov.chars_in - prov.chars_out)
    return {
        "id": outcome.doc.doc_id,
        "path": outcome.doc.path,
        "record": outcome.doc.record,
        "format": outcome.doc.fmt,
        "output": prov.output,
        "chars_in": prov.chars_in,
        "chars_out": prov.chars_out,
        "removed_chars": removed,
        "removed_share": _removed_share(outcome, removed),
        "page_chars": prov.page_chars,
        "extraction_left_out": prov.extraction_left_out,
        "duplicate_chars": _chars(outcome, *DUPLICATE_REASONS),
        "boilerplate_chars": _chars(outcome, Reason.BOILERPLATE),
        "marker_chars": _chars(outcome, Reason.MARKER),
        "markers": sum(1 for a in actions if a.action is Action.DROPPED and a.reason is Reason.MARKER),
        "seams": sum(1 for a in actions if a.action is Action.MERGED),
        "repeats_kept": sum(1 for a in actions if a.reason is Reason.REPEATED_FAR_APART),
        "near_duplicate_of": outcome.duplicate_of,
        "similarity": None if outcome.similarity is None else round(outcome.similarity, 4),
        "reasons": _reason_counts(outcome),
    }


def _removed_share(outcome: Outcome, removed: int) -> float:
    """Share of the input removed; for an HTML page, of the page's visible text (extraction loss included)."""
    prov = outcome.result.provenance
    if prov.page_chars:
        kept = sum(1 for c in outcome.result.text if not c.isspace())
        return round(max(0.0, 1 - kept / prov.page_chars), 4)
    return round(removed / prov.chars_in, 4) if prov.chars_in else 0.0


def _reason_counts(outcome: Outcome) -> dict[str, int]:
    """Number of actions per `action/reason`, e.g. {"dropped/duplicate": 12}."""
    counts = Counter(f"{a.action.value}/{a.reason.value}" for a in outcome.result.provenance.actions)
    return dict(sorted(counts.items()))


def worst_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Documents ordered by share of characters removed, largest first; ties by id."""
    return sorted(rows, key=lambda r: (-r["removed_share"], -r["removed_chars"], r["id"]))


def document_entry(outcome: Outcome, drawn: dict[str, Any] | None = None) -> dict[str, Any]:
    """Metrics plus the repeated sections and the self-similarity plot of one document.

    `drawn` is `document_drawings` of the outcome made earlier (in the worker
    that cleaned it), passed only while the outcome's actions are still the
    ones drawn (marking a copy as not written replaces them).
    """
    entry = document_metrics(outcome)
    if drawn is None:
        drawn = document_drawings(outcome)
    entry["sections"] = drawn["sections"]
    entry["self_similarity"] = drawn["self_similarity"]
    return entry


def document_drawings(outcome: Outcome) -> dict[str, Any]:
    """The costly, text-bound parts of a report entry: repeated sections and the self-similarity plot."""
    return {"sections": repeated_sections(outcome.doc.text, outcome.result.provenance.actions),
            "self_similarity": self_similarity(outcome.doc.text)}


def cluster_entries(result: RunResult) -> list[dict[str, Any]]:
    """Near-duplicate clusters: the kept copy and each member's similarity to it."""
    entries = []
    for cluster in result.clusters:
        similarity = {m: round(cluster.similarity.get(m, 1.0 if m == cluster.keep else 0.0), 4)
                      for m in cluster.members}
        entries.append({"keep": cluster.keep, "size": len(cluster.members), "members": list(cluster.members),
                        "similarity": similarity})
    return sorted(entries, key=lambda c: c["keep"])


def boilerplate_entry(result: RunResult) -> dict[str, Any]:
    """The corpus pass's learned chrome: each line, how many documents carry it, the rule."""
    learned = result.learned
    if learned is None:
        return {"documents": 0, "entries": []}
    rows = [{"key": key, "text": e.text, "documents": e.docs, "edge_share": round(e.edge, 4), "rule": e.rule}
            for key, e in learned.entries.items()]
    rows.sort(key=lambda r: (-r["documents"], r["key"]))
    return {"documents": learned.documents, "entries": rows}


def error_entries(errors: list[DedupError]) -> list[dict[str, Any]]:
    """One entry per failed input or output: the path, the message and the error class."""
    rows = [{"path": err.path, "message": str(err), "type": type(err).__name__} for err in errors]
    return sorted(rows, key=lambda r: (r["path"] or "", r["message"]))


def totals(rows: list[dict[str, Any]], clusters: list[dict[str, Any]], errors: list[dict[str, Any]]
           ) -> dict[str, Any]:
    """Corpus-wide sums of the per-document numbers."""
    summed = {k: sum(r[k] for r in rows) for k in
              ("chars_in", "chars_out", "removed_chars", "duplicate_chars", "boilerplate_chars",
               "marker_chars", "markers", "seams", "repeats_kept")}
    summed["extraction_left_out"] = sum(r.get("extraction_left_out") or 0 for r in rows)
    summed["documents"] = len(rows)
    summed["near_duplicate_copies"] = sum(1 for r in rows if r["near_duplicate_of"])
    summed["clusters"] = len(clusters)
    summed["errors"] = len(errors)
    summed["removed_share"] = round(summed["removed_chars"] / summed["chars_in"], 4) if summed["chars_in"] else 0.0
    return summed


def build_report(result: RunResult, errors: list[DedupError] | None = None) -> dict[str, Any]:
    """The whole report of one run as a JSON-ready dictionary (see docs/report-schema.md)."""
    documents = worst_first([document_entry(o) for o in result.outcomes])
    return {**report_head(result, documents, errors), "documents": documents}


def report_head(result: RunResult, rows: list[dict[str, Any]], errors: list[DedupError] | None = None
                ) -> dict[str, Any]:
    """The report without its "documents" list; `rows` are the documents' metrics (or whole entries).

    A streamed run writes the documents from disk (`write_report_json`), so
    only their metrics are needed here, for the totals.
    """
    errors = result.errors if errors is None else errors
    clusters = cluster_entries(result)
    error_rows = error_entries(errors)
    return {
        "schema": SCHEMA,
        "generator": f"dedup {__version__}",
        "inputs": list(result.paths),
        "totals": totals(rows, clusters, error_rows),
        "clusters": clusters,
        "boilerplate": boilerplate_entry(result),
        "errors": error_rows,
    }


def write_report_json(handle, head: dict[str, Any], documents: Iterable[dict[str, Any]]) -> None:
    """Write `report_json({**head, "documents": documents})` piece by piece: same bytes, never all in memory.

    Nesting in indented JSON only prefixes every inner line with the indent
    of its depth (strings never hold a raw line break), so each value is
    dumped alone and shifted right.
    """
    def dump(value: Any, depth: int) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2).replace("\n", "\n" + "  " * depth)

    handle.write("{")
    for n, key in enumerate(sorted([*head, "documents"])):
        handle.write(("," if n else "") + "\n  " + json.dumps(key) + ": ")
        if key != "documents":
            handle.write(dump(head[key], 1))
            continue
        handle.write("[")
        count = 0
        for count, entry in enumerate(documents, 1):
            handle.write(("," if count > 1 else "") + "\n    " + dump(entry, 2))
        handle.write("\n  ]" if count else "]")
    handle.write("\n}\n")
def report_json(report: dict[str, Any]) -> str:
    """The report as stable JSON text: sorted keys, two-space indent, UTF-8, final newline."""
    return json.dumps(report, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def _pct(share: float) -> str:
    return f"{share * 100:.1f}%"


def display_names(ids: list[str]) -> dict[str, str]:
    """Document ids without the folder they all share, so a narrow terminal shows what differs."""
    folders = {i.rsplit("/", 1)[0] + "/" if "/" in i else "" for i in ids}
    common = os.path.commonprefix(sorted(folders)) if folders else ""
    common = common[:common.rfind("/") + 1]
    return {i: i[len(common):] or i for i in ids}


def summary_table(result: RunResult, errors: list[DedupError], limit: int = SUMMARY_ROWS,
                  rows: list[dict[str, Any]] | None = None) -> Table:
    """A compact table of the worst documents and a totals row, for the terminal (`rows`: as in build_report)."""
    rows = worst_first(rows if rows is not None else [document_metrics(o) for o in result.outcomes])
    total = totals(rows, cluster_entries(result), error_entries(errors))
    names = display_names([r["id"] for r in rows] + [r["near_duplicate_of"] for r in rows if r["near_duplicate_of"]])
    table = Table(title="dedup report (worst first)", title_justify="left", show_footer=True, box=None,
                  caption=f"{total['clusters']} near-duplicate clusters, {total['errors']} errors",
                  caption_justify="left")
    table.add_column("document", footer=f"{total['documents']} documents", overflow="fold", ratio=3)
    for name, key in (("in", "chars_in"), ("out", "chars_out")):
        table.add_column(name, justify="right", footer=str(total[key]))
    table.add_column("removed", justify="right", footer=_pct(total["removed_share"]))
    for name, key in (("dup", "duplicate_chars"), ("chrome", "boilerplate_chars"), ("markers", "markers"),
                      ("seams", "seams")):
        table.add_column(name, justify="right", footer=str(total[key]))
    table.add_column("copy of", overflow="fold", ratio=2)
    for r in rows[:limit]:
        table.add_row(names[r["id"]], str(r["chars_in"]), str(r["chars_out"]), _pct(r["removed_share"]),
                      str(r["duplicate_chars"]), str(r["boilerplate_chars"]), str(r["markers"]), str(r["seams"]),
                      names.get(r["near_duplicate_of"], ""))
    if len(rows) > limit:
        table.add_row(f"… {len(rows) - limit} more", *[""] * 8)
    return table


def print_summary(result: RunResult, errors: list[DedupError], console: Console | None = None,
                  rows: list[dict[str, Any]] | None = None) -> None:
    """Print the summary table on stderr (data stays alone on stdout)."""
    console = console or Console(stderr=True)
    console.print(summary_table(result, errors, rows=rows))
