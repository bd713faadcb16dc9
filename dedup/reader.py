"""Reading inputs: discover files, decode bytes, split formats into documents.

A path on the command line is a file, a folder (walked recursively, in sorted
order so runs are deterministic) or `-` for standard input.  Each file becomes
one or more `Document`s: a text or Markdown file is one document, a JSONL file
one document per row, an HTML page one document of its extracted main text.
Decoding honours a BOM, then strict UTF-8, then charset detection
(charset-normalizer) for legacy Japanese encodings such as Shift_JIS and EUC-JP.
"""
from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import FormatError, InputError

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz")
KNOWN_SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES + HTML_SUFFIXES

# Legacy encodings we accept from detection; anything else is more likely binary junk.
_ACCEPTED_DETECTED = {
    "shift_jis", "cp932", "euc_jp", "iso2022_jp", "euc_jis_2004", "shift_jis_2004",
    "gb18030", "gb2312", "gbk", "big5", "big5hkscs", "euc_kr", "cp949",
    "cp1252", "latin_1", "iso8859_15", "cp1251", "koi8_r", "utf_16", "utf_32",
}


@dataclass
class InputFile:
    """A file (or stdin) to read, and where its cleaned form goes."""

    path: str          # as the user can recognise it (relative to the given folder's parent)
    source: Path | None  # None for stdin
    output_name: str   # relative output path inside OUTDIR
    fmt: str           # text | jsonl | html


@dataclass
class Document:
    """One document to clean."""

    doc_id: str        # unique in the run: path, or path#row for JSONL
    path: str
    output_name: str
    fmt: str
    text: str
    record: int | None = None          # JSONL row (1-based)
    fields: dict[str, Any] | None = field(default=None, repr=False)  # the JSONL row itself
    encoding: str = "utf-8"


def format_of(name: str, default: str = "text") -> str:
    low = name.lower()
    if low.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if low.endswith(HTML_SUFFIXES):
        return "html"
    if low.endswith(TEXT_SUFFIXES):
        return "text"
    return default


def output_name_for(rel: str, fmt: str) -> str:
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
        p = Path(raw)
        if not p.exists() and not p.is_symlink():
            yield InputError("no such file or folder", raw, "check the path")
            continue
        if p.is_dir():
            yield from _walk(p, exclude)
        elif p.is_file():
            fmt = format_of(p.name)
            yield InputFile(raw, p, output_name_for(p.name, fmt), fmt)
        else:
            yield InputError("not a regular file (broken link or device)", raw, "pass a file or a folder")


def _walk(root: Path, exclude: list[Path]) -> Iterator[InputFile | InputError]:
    seen: set[tuple[int, int]] = set()
    stack = [root]
    found: list[tuple[str, Path]] = []
    errors: list[InputError] = []
    while stack:
        folder = stack.pop()
        try:
            st = folder.stat()
        except OSError as exc:
            errors.append(InputError(f"cannot enter folder: {exc.strerror}", str(folder), "check permissions and links"))
            continue
        ident = (st.st_dev, st.st_ino)
        if ident in seen:
            errors.append(InputError("symlink loop", str(folder), "remove the looping link"))
            continue
        seen.add(ident)
        if any(_inside(folder, ex) for ex in exclude):
            continue
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            errors.append(InputError(f"cannot list folder: {exc.strerror}", str(folder), "check permissions"))
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.is_dir():
                stack.append(path)
            elif entry.name.lower().endswith(KNOWN_SUFFIXES):
                if entry.is_file():
                    found.append((path.relative_to(root).as_posix(), path))
                elif entry.is_symlink():
                    errors.append(InputError("broken or looping link", str(path), "remove the link"))
    for rel, path in sorted(found):
        fmt = format_of(path.name)
        yield InputFile(str(path), path, output_name_for(rel, fmt), fmt)
    yield from errors


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder)
        return True
    except ValueError:
        return False


def read_bytes(spec: InputFile, stdin_bytes: bytes | None = None) -> bytes:
    if spec.source is None:
        return stdin_bytes or b""
    try:
        data = spec.source.read_bytes()
    except PermissionError:
        raise InputError("permission denied", spec.path, "make the file readable (chmod +r)")
    except IsADirectoryError:
        raise InputError("is a folder, not a file", spec.path, "pass the folder itself")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", spec.path, "check the file")
    if spec.path.lower().endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise InputError(f"not a valid gzip file ({exc})", spec.path, "re-download or gunzip it")
    return data


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Decode `data` to text; returns (text, encoding name)."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                     (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc.replace("-sig", "")
            except UnicodeDecodeError as exc:
                raise InputError(f"invalid {enc} after its byte-order mark at byte {exc.start}", path, "re-save the file as UTF-8")
    if b"\x00" in data[:8192]:
        raise InputError("binary file (contains NUL bytes)", path, "pass text, Markdown, JSONL or HTML")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    # Mostly valid UTF-8 with a few bad bytes is damage, not a legacy encoding.
    lossy = data.decode("utf-8", errors="replace")
    multibyte = sum(1 for b in data if b >= 0x80)
    if multibyte and lossy.count("\ufffd") * 8 < multibyte / 3:
        raise InputError(f"invalid UTF-8 at byte {utf8_error.start}", path, "fix the encoding, e.g. iconv -f ENCODING -t UTF-8")
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=None).best()
    if best is None or best.encoding not in _ACCEPTED_DETECTED:
        raise InputError(f"not text in a known encoding (invalid UTF-8 at byte {utf8_error.start})", path,
                         "convert it to UTF-8 or pass a text file")
    return str(best), best.encoding


def split_records(text: str, spec: InputFile, text_field: str) -> Iterator[tuple[int, dict[str, Any]] | FormatError]:
    """Rows of a JSONL document; a bad row comes back as a FormatError in place."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield FormatError(f"row {number}: not valid JSON ({exc.msg})", spec.path, "fix or remove that row")
            continue
        if not isinstance(row, dict):
            yield FormatError(f"row {number}: not a JSON object", spec.path, "each row must be an object")
            continue
        if text_field not in row:
            yield FormatError(f"row {number}: no field {text_field!r}", spec.path, "name the field with --text-field")
            continue
        if not isinstance(row[text_field], str):
            yield FormatError(f"row {number}: field {text_field!r} is not a string", spec.path, "the text field must be a string")
            continue
        yield number, row
