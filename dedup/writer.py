"""Writing outputs atomically: a temporary file in the target folder, then a rename.

A run killed part-way (even with SIGKILL) leaves either the old file or the
new one, never half of one, and re-running completes the job.  Outputs are
refused when they would overwrite an input.

The cleaned documents of a folder run are written without an fsync each
(measured: 0.3 ms per file, a fifth of the run on 5,000 small articles) and
without a directory listing each (the run sweeps stale temporary files once,
before writing): the rename still makes each file appear whole or not at all
when the process dies; only a power cut may lose the last files written, and
the provenance and reports, written last, are fsynced.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from .errors import OutputError

# mkstemp(prefix=".NAME.", suffix=".tmp") names: a dot, the target's name, a dot, 8 random characters, ".tmp".
_TEMP_RE = re.compile(r"^\.(?P<target>.+)\.[A-Za-z0-9_]{8}\.tmp$")


def write_atomic(path: Path, data: str, *, sweep: bool = True, fsync: bool = True) -> None:
    """Write `data` (UTF-8) to `path` through a temporary file and a rename.

    `sweep` first removes this target's temporary files left by a killed run;
    `fsync` flushes the file to disk before the rename (see module docstring).
    """
    with atomic_writer(path, sweep=sweep, fsync=fsync) as handle:
        handle.write(data)


@contextlib.contextmanager
def atomic_writer(path: Path, *, sweep: bool = True, fsync: bool = True) -> Iterator[TextIO]:
    """A text handle whose content replaces `path` only when the block ends without an exception.

    For outputs written piece by piece (the provenance of a large run), so the
    whole text never has to be in memory.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create folder: {exc.strerror}", str(path.parent), "check the output path")
    if path.is_dir():
        raise OutputError("a folder stands where the output file should go", str(path), "remove or rename it")
    if sweep:
        remove_stale_temps(path.parent, path.name)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror}", str(path), "check space and permissions")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            if fsync:
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get the usual permissions
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write: {exc.strerror}", str(path), "check space and permissions") from exc
        raise


def _umask() -> int:
    """The process umask (read by setting it, so set it straight back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def is_temp_name(name: str) -> bool:
    """Whether `name` looks like one of our temporary files (`.NAME.XXXXXXXX.tmp`)."""
    return _TEMP_RE.match(name) is not None


def remove_stale_temps(folder: Path, target: str | None = None) -> int:
    """Delete temporary files a killed run left in `folder` (only those of `target` when given).

    A temp file is never an output: it only becomes one by the rename, so any
    left behind is the trace of an interrupted write.  Returns how many went.
    """
    removed = 0
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    for name in names:
        match = _TEMP_RE.match(name)
        if match and (target is None or match.group("target") == target):
            try:
                os.unlink(folder / name)
                removed += 1
            except OSError:
                pass
    return removed


def sweep_temps(outdir: Path) -> int:
    """Remove stale temporary files anywhere under `outdir` (see `remove_stale_temps`)."""
    if not outdir.is_dir():
        return 0
    removed = remove_stale_temps(outdir)
    for folder, dirs, _files in os.walk(outdir):
        dirs.sort()
        for name in dirs:
            removed += remove_stale_temps(Path(folder) / name)
    return removed


def jsonl_text(rows: Iterable[dict[str, Any]]) -> str:
    """Rows as JSONL text (UTF-8, not ASCII-escaped)."""
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def file_ids(paths: Iterable[str]) -> set[tuple[int, int]]:
    """(device, inode) of each existing path (symlinks followed): what `guard_not_input` compares.

    One stat per file, where resolving a path costs one per folder of it; and
    a hard link to an input is caught too.
    """
    ids = set()
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            continue
        ids.add((st.st_dev, st.st_ino))
    return ids


def guard_not_input(target: Path, inputs: set[tuple[int, int]]) -> None:
    """Refuse to write over an input file (`inputs` from `file_ids`)."""
    try:
        st = os.stat(target)
    except OSError:
        return  # nothing there yet (or unreadable: the write itself will say so)
    if (st.st_dev, st.st_ino) in inputs:
        raise OutputError("the output would overwrite an input file", str(target), "choose another -o folder")
