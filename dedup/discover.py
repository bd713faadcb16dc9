"""Finding the inputs: which files a run reads, in which order, and where each one's output goes.

A path on the command line is a file, a folder (walked recursively, in sorted
order so runs are deterministic) or `-` for standard input.  Files with an
unknown suffix inside folders are skipped; problems (a missing path, a symlink
loop, a device) come back as `InputError`s in their place.
"""
from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from .errors import InputError

Format = Literal["text", "jsonl", "html"]  # how an input is split into documents
FORMATS: tuple[str, ...] = get_args(Format)
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz")
KNOWN_SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES + HTML_SUFFIXES

@dataclass
class InputFile:
    """A file (or stdin) to read, and where its cleaned form goes."""

    path: str          # as the user can recognise it (relative to the given folder's parent)
    source: Path | None  # None for stdin
    output_name: str   # relative output path inside OUTDIR
    fmt: Format


def format_of(name: str, default: Format = "text") -> Format:
    """text, jsonl or html, by the file name's suffix."""
    low = name.lower()
    if low.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if low.endswith(HTML_SUFFIXES):
        return "html"
    if low.endswith(TEXT_SUFFIXES):
        return "text"
    return default


def output_name_for(rel: str, fmt: str) -> str:
    """Output file name: the same, except HTML pages become .md and gzipped JSONL is written plain."""
    if fmt == "jsonl" and rel.lower().endswith(".gz"):
        return rel[:-3]
    if fmt != "html":
        return rel
    for suffix in (".html.gz", ".htm.gz", ".xhtml", ".html", ".htm"):
        if rel.lower().endswith(suffix):
            return rel[: -len(suffix)] + ".md"
    return rel + ".md"


def discover(paths: list[str], stdin_format: str = "text", exclude: list[Path] | None = None) -> Iterator[InputFile | InputError]:
    """Every input file named by `paths`, in a deterministic order.

    Folders are walked recursively in sorted order; files with unknown suffixes
    inside folders are skipped.  Problems (a missing path, a symlink loop) come
    back as `InputError`s in place so the caller can report them and go on.
    """
    exclude = [p.resolve() for p in (exclude or [])]
    for raw in paths:
        if raw == "-":
            name = {"jsonl": "stdin.jsonl", "html": "stdin.md"}.get(stdin_format, "stdin.txt")
            yield InputFile("-", None, name, stdin_format)
            continue
        yield from _discover_path(raw, exclude)


def _discover_path(raw: str, exclude: list[Path]) -> Iterator[InputFile | InputError]:
    """The input files of one command-line path (a file or a folder)."""
    p = Path(raw)
    kind = _kind_of(p)
    if kind == "dir":
        yield from _walk(p, exclude)
    elif kind == "file":
        fmt = format_of(p.name)
        yield InputFile(raw, p, output_name_for(p.name, fmt), fmt)
    elif kind == "missing":
        yield InputError("no such file or folder", raw, "check the path")
    else:
        yield _link_error(kind, raw)


def _kind_of(path: Path) -> str:
    """'file', 'dir', 'missing', 'loop', 'broken' (dangling link) or 'special' (device, FIFO, socket)."""
    try:
        st = path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "loop"
        if path.is_symlink():
            return "broken"
        return "missing" if exc.errno == errno.ENOENT else "special"
    if stat.S_ISDIR(st.st_mode):
        return "dir"
    return "file" if stat.S_ISREG(st.st_mode) else "special"


def _link_error(kind: str, path: str) -> InputError:
    """The error for a path that is neither a file nor a folder."""
    if kind == "loop":
        return InputError("symlink loop", path, "remove the looping link")
    if kind == "broken":
        return InputError("broken link (its target does not exist)", path, "remove the link or restore its target")
    return InputError("not a regular file (device, FIFO or socket)", path, "pass a file or a folder")


def _walk(root: Path, exclude: list[Path]) -> Iterator[InputFile | InputError]:
    """Files under `root` with a known suffix, sorted by relative path; then the problems met."""
    seen: set[tuple[int, int]] = set()
    stack = [root]
    found: list[tuple[str, Path]] = []
    errors: list[InputError] = []
    while stack:
        folder = stack.pop()
        entries = _enter(folder, seen, exclude, errors)
        for entry in entries:
            path = Path(entry.path)
            kind = _kind_of(path)
            if kind == "dir":
                stack.append(path)
            elif not entry.name.lower().endswith(KNOWN_SUFFIXES):
                continue
            elif kind == "file":
                found.append((path.relative_to(root).as_posix(), path))
            else:
                errors.append(_link_error(kind, str(path)))
    for rel, path in sorted(found):
        fmt = format_of(path.name)
        yield InputFile(str(path), path, output_name_for(rel, fmt), fmt)
    yield from sorted(errors, key=lambda e: e.path or "")


def _enter(folder: Path, seen: set[tuple[int, int]], exclude: list[Path], errors: list[InputError]) -> list[os.DirEntry]:
    """The sorted entries of `folder`, or [] when it was seen already (a loop), is excluded or unreadable."""
    try:
        st = folder.stat()
    except OSError as exc:
        errors.append(InputError(f"cannot enter folder: {exc.strerror}", str(folder), "check permissions and links"))
        return []
    ident = (st.st_dev, st.st_ino)
    if ident in seen:
        errors.append(InputError("symlink loop", str(folder), "remove the looping link"))
        return []
    seen.add(ident)
    if any(_inside(folder, ex) for ex in exclude):
        return []
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError as exc:
        errors.append(InputError(f"cannot list folder: {exc.strerror}", str(folder), "check permissions"))
        return []


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder)
        return True
    except ValueError:
        return False
