"""Turning a run's outcomes into files: cleaned documents, JSONL rows, provenance.

Cleaned documents mirror their input paths inside the output folder; a JSONL
input is written back as one JSONL file with the text field replaced and every
other field kept.  Near-duplicate copies are left out unless asked for.  The
provenance goes to one JSONL file, one object per document, in input order.
"""
from __future__ import annotations

import json
from pathlib import Path

from .errors import DedupError, OutputError
from .pipeline import Outcome, RunResult
from .writer import guard_not_input, jsonl_text, write_atomic

PROVENANCE_NAME = "dedup-provenance.jsonl"


def is_written(outcome: Outcome, keep_duplicates: bool) -> bool:
    return outcome.duplicate_of is None or keep_duplicates


def document_texts(result: RunResult, keep_duplicates: bool, text_field: str) -> dict[str, str]:
    """Output file name → full output text, in input order."""
    files: dict[str, list[Outcome]] = {}
    for outcome in result.outcomes:
        files.setdefault(outcome.doc.output_name, []).append(outcome)
    texts: dict[str, str] = {}
    for name, outcomes in files.items():
        if outcomes[0].doc.fmt == "jsonl":
            rows = []
            for o in outcomes:
                if is_written(o, keep_duplicates):
                    row = dict(o.doc.fields or {})
                    row[text_field] = o.result.text
                    rows.append(row)
            texts[name] = jsonl_text(rows)
        elif is_written(outcomes[0], keep_duplicates):
            texts[name] = outcomes[0].result.text
    return texts


def write_outputs(result: RunResult, outdir: Path, keep_duplicates: bool, text_field: str,
                  input_paths: set[Path]) -> list[DedupError]:
    """Write every cleaned document under `outdir`; returns the write errors."""
    errors: list[DedupError] = []
    failed: set[str] = set()
    for name, text in document_texts(result, keep_duplicates, text_field).items():
        target = outdir / name
        try:
            guard_not_input(target, input_paths)
            write_atomic(target, text)
        except OutputError as exc:
            errors.append(exc)
            failed.add(name)
    for outcome in result.outcomes:
        if outcome.doc.output_name in failed:
            outcome.result.provenance.output = None
    return errors


def provenance_text(result: RunResult) -> str:
    return "".join(json.dumps(o.result.provenance.to_json(), ensure_ascii=False) + "\n" for o in result.outcomes)


def write_provenance(result: RunResult, path: Path) -> None:
    write_atomic(path, provenance_text(result))
