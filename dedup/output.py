"""Turning a run's outcomes into files: cleaned documents, JSONL rows, provenance.

Cleaned documents mirror their input paths inside the output folder; a JSONL
input is written back as one JSONL file with the text field replaced and every
other field kept.  Near-duplicate copies are left out unless asked for.  The
provenance goes to one JSONL file, one object per document, in input order.

Two inputs that would land on the same output file (``a/x.txt`` and
``b/x.txt`` passed as files, or ``page.html`` next to ``page.md``) are never
merged or silently overwritten: the first is written, each later one is an
error that names both.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from .errors import DedupError, OutputError
from .rundata import Outcome, RunResult
from .writer import file_ids, guard_not_input, jsonl_text, sweep_temps, write_atomic

PROVENANCE_NAME = "dedup-provenance.jsonl"


def is_written(outcome: Outcome, keep_duplicates: bool) -> bool:
    """Whether the outcome's cleaned text goes to a file (near-duplicate copies do not, by default)."""
    return outcome.duplicate_of is None or keep_duplicates


def group_by_output(result: RunResult) -> tuple[dict[str, list[Outcome]], list[Outcome]]:
    """Outcomes by output name (input order), and the outcomes whose name an earlier input already took."""
    files: dict[str, list[Outcome]] = {}
    owner: dict[str, str] = {}
    collided: list[Outcome] = []
    for outcome in result.outcomes:
        name = outcome.doc.output_name
        if owner.setdefault(name, outcome.doc.path) != outcome.doc.path:
            collided.append(outcome)
            continue
        files.setdefault(name, []).append(outcome)
    return files, collided


def file_text(outcomes: list[Outcome], keep_duplicates: bool, text_field: str) -> str | None:
    """The full output text of one file, or None when nothing of it is written."""
    if outcomes[0].doc.fmt == "jsonl":
        rows = []
        for o in outcomes:
            if is_written(o, keep_duplicates):
                row = dict(o.doc.fields or {})
                row[text_field] = o.result.text
                rows.append(row)
        return jsonl_text(rows)
    return outcomes[0].result.text if is_written(outcomes[0], keep_duplicates) else None


def document_texts(result: RunResult, keep_duplicates: bool, text_field: str) -> dict[str, str]:
    """Output file name → full output text, in input order (colliding later inputs left out)."""
    files, _collided = group_by_output(result)
    texts: dict[str, str] = {}
    for name, outcomes in files.items():
        text = file_text(outcomes, keep_duplicates, text_field)
        if text is not None:
            texts[name] = text
    return texts


def collision_errors(result: RunResult) -> list[DedupError]:
    """One error per input whose output name an earlier input already took."""
    return taken_name_errors((o.doc.path, o.doc.output_name) for o in result.outcomes)


def taken_name_errors(inputs: Iterable[tuple[str, str]]) -> list[DedupError]:
    """`collision_errors` from (input path, output name) pairs in input order (the streamed run has no outcomes)."""
    owner: dict[str, str] = {}
    errors: list[DedupError] = []
    reported: set[str] = set()
    for path, name in inputs:
        first = owner.setdefault(name, path)
        if first != path and path not in reported:
            reported.add(path)
            errors.append(OutputError(f"its output {name!r} is already taken by {first}", path,
                                      "pass the folder instead of the files, or rename one"))
    return errors


def write_outputs(result: RunResult, outdir: Path, keep_duplicates: bool, text_field: str,
                  input_paths: set[tuple[int, int]]) -> list[DedupError]:
    """Write every cleaned document under `outdir`; returns the write errors.

    Temporary files an interrupted earlier run left under `outdir` are removed first.
    """
    sweep_temps(outdir)
    errors = collision_errors(result)
    failed: set[str] = set()
    for name, text in document_texts(result, keep_duplicates, text_field).items():
        target = outdir / name
        try:
            guard_not_input(target, input_paths)
            write_atomic(target, text, sweep=False, fsync=False)  # swept above; see writer.py
        except OutputError as exc:
            errors.append(exc)
            failed.add(name)
    _, collided = group_by_output(result)
    unwritten = {id(o) for o in collided}
    for outcome in result.outcomes:
        if outcome.doc.output_name in failed or id(outcome) in unwritten:
            outcome.result.provenance.output = None
    return errors


def provenance_text(result: RunResult) -> str:
    """The provenance JSONL: one object per document, in input order."""
    return "".join(json.dumps(o.result.provenance.to_json(), ensure_ascii=False) + "\n" for o in result.outcomes)


def write_provenance(result: RunResult, path: Path) -> None:
    """Write the provenance file atomically; refuses to overwrite an input."""
    inputs = file_ids(o.doc.path for o in result.outcomes if o.doc.path != "-")
    guard_not_input(path, inputs)
    write_atomic(path, provenance_text(result))
