"""Writing outputs atomically: a temporary file in the target folder, then a rename.

A run killed part-way (even with SIGKILL) leaves either the old file or the
new one, never half of one, and re-running completes the job.  Outputs are
refused when they would overwrite an input.
"""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import OutputError


def write_atomic(path: Path, data: str) -> None:
    """Write `data` (UTF-8) to `path` through a temporary file and a rename."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create folder: {exc.strerror}", str(path.parent), "check the output path")
    if path.is_dir():
        raise OutputError("a folder stands where the output file should go", str(path), "remove or rename it")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs get the usual permissions
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise OutputError(f"cannot write: {exc.strerror}", str(path), "check space and permissions")


def jsonl_text(rows: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def guard_not_input(target: Path, inputs: set[Path]) -> None:
    """Refuse to write over an input file."""
    if target.resolve() in inputs:
        raise OutputError("the output would overwrite an input file", str(target), "choose another -o folder")
