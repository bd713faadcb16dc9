"""Reading inputs: files (found by `dedup.discover`) → bytes → decoded text → documents.

Each input file becomes one or more `Document`s (`documents_of`): a text or Markdown file is one document, a JSONL file
one document per row, an HTML page one document of its extracted main text.
Decoding honours a BOM, then strict UTF-8, then charset detection
(charset-normalizer) for legacy Japanese encodings such as Shift_JIS and EUC-JP.
"""
from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from .discover import Format, InputFile
from .errors import DedupError, FormatError, InputError

# Legacy encodings we accept from detection; anything else is more likely binary junk.
_ACCEPTED_DETECTED = {
    "shift_jis", "cp932", "euc_jp", "iso2022_jp", "euc_jis_2004", "shift_jis_2004",
    "gb18030", "gb2312", "gbk", "big5", "big5hkscs", "euc_kr", "cp949",
    "cp1252", "latin_1", "iso8859_15", "cp1251", "koi8_r", "utf_16", "utf_32",
}


@dataclass
class Document:
    """One document to clean."""

    doc_id: str        # unique in the run: path, or path#row for JSONL
    path: str
    output_name: str
    fmt: Format
    text: str
    record: int | None = None          # JSONL row (1-based)
    fields: dict[str, Any] | None = field(default=None, repr=False)  # the JSONL row itself
    encoding: str = "utf-8"
    extraction: tuple[int, int] | None = None  # HTML: (visible characters the extractor left out, the page's)


DEFAULT_MAX_INPUT_MB = 8
HTML_SIZE_FACTOR = 2  # a page's markup may be this many times its text limit; its extracted text is checked too


def max_input_bytes() -> int:
    """Largest document we clean, in bytes: `DEDUP_MAX_INPUT_MB` (default 8 MB).

    Repair grows faster than linearly on text where every sentence resembles
    every other (measured on one line of 20-word soup: 1 MB in 3 s, 4 MB in 20 s),
    so a bigger document is refused with a clear error rather than left to run
    for hours; the size is checked before the file is read, so a huge file
    costs no memory.  Real articles are far below the limit.
    """
    raw = os.environ.get("DEDUP_MAX_INPUT_MB", "")
    try:
        megabytes = float(raw) if raw else DEFAULT_MAX_INPUT_MB
    except ValueError:
        megabytes = DEFAULT_MAX_INPUT_MB
    return int(megabytes * 2**20)


def check_size(size: int, path: str, what: str = "file", factor: int = 1) -> None:
    """Raise `InputError` when `size` exceeds `factor` times the document limit."""
    limit = max_input_bytes() * factor
    if size > limit:
        raise InputError(f"{what} too large to clean ({size / 2**20:.1f} MB, limit {limit / 2**20:g} MB)", path,
                         "split it into smaller documents or raise DEDUP_MAX_INPUT_MB")


def check_not_empty(content: bytes | str, path: str) -> None:
    """Raise `InputError` for an empty or whitespace-only input."""
    if not content:
        raise InputError("empty file (0 bytes)", path, "remove it or pass a non-empty file")
    if not content.strip():
        raise InputError("only whitespace, no text", path, "remove it or pass a file with text")


def read_bytes(spec: InputFile, stdin_bytes: bytes | None = None) -> bytes:
    """The raw (gunzipped) bytes of one input; size-checked before reading."""
    if spec.source is None:
        data = stdin_bytes or b""
        check_size(len(data), spec.path, "input")
        return data
    try:
        check_size(spec.source.stat().st_size, spec.path, factor=HTML_SIZE_FACTOR if spec.fmt == "html" else 1)
        data = spec.source.read_bytes()
    except OSError as exc:
        raise _unreadable(exc, spec.path) from exc
    if spec.path.lower().endswith(".gz"):
        data = _gunzip(data, spec.path)
    return data


def _unreadable(exc: OSError, path: str) -> InputError:
    """The error for a file that cannot be opened or read, with the fix."""
    if isinstance(exc, PermissionError):
        return InputError("permission denied", path, "make the file readable, e.g. chmod +r")
    if isinstance(exc, IsADirectoryError):
        return InputError("is a folder, not a file", path, "pass the folder itself")
    return InputError(f"cannot read: {exc.strerror}", path, "check the file")


def _gunzip(data: bytes, path: str) -> bytes:
    """Decompress a gzip file, refusing output beyond the document limit (a gzip bomb)."""
    limit = max_input_bytes() * HTML_SIZE_FACTOR
    try:
        inflater = zlib.decompressobj(wbits=31)
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise InputError(f"not a valid gzip file ({exc})", path, "re-download or gunzip it")
    check_size(len(out), path, "decompressed file", factor=HTML_SIZE_FACTOR)
    if not inflater.eof:
        raise InputError("not a valid gzip file (truncated)", path, "re-download or gunzip it")
    return out


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


def _record(number: int, line: str, spec: InputFile, text_field: str
            ) -> Iterator[tuple[int, dict[str, Any]] | FormatError]:
    """The row of one JSONL line (nothing for a blank line), or the FormatError that says what is wrong."""
    if not line.strip():
        return
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        yield FormatError(f"row {number}: not valid JSON ({exc.msg})", spec.path, "fix or remove that row")
        return
    if not isinstance(row, dict):
        yield FormatError(f"row {number}: not a JSON object", spec.path, "each row must be an object")
    elif text_field not in row:
        yield FormatError(f"row {number}: no field {text_field!r}", spec.path, "name the field with --text-field")
    elif not isinstance(row[text_field], str):
        yield FormatError(f"row {number}: field {text_field!r} is not a string", spec.path,
                          "the text field must be a string")
    elif len(row[text_field]) > max_input_bytes():
        yield FormatError(f"row {number}: text too large to clean", spec.path, "split it or raise DEDUP_MAX_INPUT_MB")
    else:
        yield number, row


JSONL_CHUNK_ROWS = 256  # rows read, parsed and cleaned together when a JSONL file is streamed


def jsonl_chunks(spec: InputFile, stdin: bytes | BinaryIO | None = None) -> Iterator[tuple[int, list[bytes]]]:
    """A JSONL input as (number of the first row, raw rows), `JSONL_CHUNK_ROWS` rows at a time.

    The file is read as a stream, so a JSONL file of any size costs one chunk
    of memory, not its size.  UTF-8 (with or without a BOM) is read row by
    row; a file with a UTF-16/32 byte-order mark is decoded whole, as before.
    Raises InputError for what makes the whole file unusable (unreadable,
    empty, binary), exactly as `read_bytes` / `decode` / `check_not_empty` do.
    Standard input comes as its bytes or as a binary stream (read, not closed).
    """
    if spec.source is None:
        handle = contextlib.nullcontext(stdin) if hasattr(stdin, "read") else io.BytesIO(stdin or b"")
    else:
        try:
            handle = open(spec.source, "rb")  # noqa: SIM115 (closed below, also on errors)
            if spec.path.lower().endswith(".gz"):
                handle = gzip.GzipFile(fileobj=handle, mode="rb")  # read as a stream, however large
        except OSError as exc:
            raise _unreadable(exc, spec.path) from exc
    with handle as handle:
        head = _read(handle, 8192, spec.path)
        if not head:
            raise InputError("empty file (0 bytes)", spec.path, "remove it or pass a non-empty file")
        if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")) or b"\x00" in head:
            text, _ = decode(head + _read(handle, -1, spec.path), spec.path)  # UTF-16/32 (or the binary-file error)
            check_not_empty(text, spec.path)
            rows = [line.encode("utf-8") for line in text.split("\n")]
            for start in range(0, len(rows), JSONL_CHUNK_ROWS):
                yield start + 1, rows[start:start + JSONL_CHUNK_ROWS]
            return
        lines = _lines(head.removeprefix(b"\xef\xbb\xbf"), handle, spec.path)
        number, chunk, seen_text = 1, [], False
        for line in lines:
            seen_text = seen_text or bool(line.strip())
            chunk.append(line)
            if len(chunk) == JSONL_CHUNK_ROWS:
                yield number, chunk
                number, chunk = number + len(chunk), []
        if not seen_text:
            raise InputError("only whitespace, no text", spec.path, "remove it or pass a file with text")
        if chunk:
            yield number, chunk


def _read(handle, size: int, path: str) -> bytes:
    """`handle.read(size)`, with read and gzip failures as InputError."""
    try:
        return handle.read(size)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise InputError(f"not a valid gzip file ({exc or 'truncated'})", path, "re-download or gunzip it")
    except OSError as exc:
        raise _unreadable(exc, path) from exc


def _lines(head: bytes, handle, path: str) -> Iterator[bytes]:
    """The rows of a byte stream whose first bytes were already read, split at b"\n" only.

    A row may not grow past twice the document limit without ending (a
    newline-free stream, e.g. a gzip bomb, is refused instead of filling memory).
    """
    limit = 2 * max_input_bytes()
    pending = head
    while True:
        *complete, pending = pending.split(b"\n")
        yield from complete
        if len(pending) > limit:
            raise InputError(f"a row longer than {limit / 2**20:g} MB", path, "split it or raise DEDUP_MAX_INPUT_MB")
        block = _read(handle, 1 << 20, path)
        if not block:
            break
        pending += block
    yield pending


def chunk_records(first: int, rows: list[bytes], spec: InputFile, text_field: str
                  ) -> Iterator[tuple[int, dict[str, Any]] | FormatError]:
    """The rows of one chunk of `jsonl_chunks`, a bad row as a FormatError in its place.

    Rows end at "\n" (and an "\r" before it) only: `str.splitlines` would also
    cut at U+2028, U+0085 and other breaks that JSON strings may hold raw, as
    scraped text often does.  A row that is not UTF-8 is an error of its own.
    """
    for number, raw in enumerate(rows, start=first):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield FormatError(f"row {number}: invalid UTF-8 at byte {exc.start}", spec.path,
                              "re-encode the file as UTF-8 (JSON Lines are UTF-8)")
            continue
        yield from _record(number, line.removesuffix("\r"), spec, text_field)


def documents_of(spec: InputFile, text_field: str, stdin_bytes: bytes | None,
                 errors: list[DedupError], extract: str = "balanced") -> list[Document]:
    """The documents of one input file; a bad JSONL row joins `errors`, a bad file raises `InputError`.

    An HTML page is reduced to its main text (`htmlextract.extract` in mode `extract`); what the
    extractor left out of the page's visible text is kept on the document (`Document.extraction`).
    """
    if spec.fmt == "jsonl":
        docs: list[Document] = []
        for first, rows in jsonl_chunks(spec, stdin_bytes):
            docs.extend(jsonl_documents(spec, first, rows, text_field, errors))
        return docs
    data = read_bytes(spec, stdin_bytes)
    check_not_empty(data, spec.path)
    if spec.fmt == "html":
        from .htmlextract import decode_html
        from .htmlextract import extract as extract_page

        found = extract_page(decode_html(data), mode=extract, with_title=True)
        text = found.text.rstrip("\n") + "\n"
        if not text.strip():
            raise InputError("no text found in the HTML page", spec.path, "check that the page has a body")
        check_size(len(text.encode("utf-8")), spec.path, "extracted text")
        return [Document(spec.path, spec.path, spec.output_name, "html", text,
                         extraction=(found.chars_left_out, found.page_chars))]
    text, encoding = decode(data, spec.path)
    check_not_empty(text, spec.path)
    return [Document(spec.path, spec.path, spec.output_name, spec.fmt, text, encoding=encoding)]


def jsonl_documents(spec: InputFile, first: int, rows: list[bytes], text_field: str,
                    errors: list[DedupError]) -> list[Document]:
    """The documents of one chunk of JSONL rows (`jsonl_chunks`); a bad row joins `errors`."""
    docs = []
    for row in chunk_records(first, rows, spec, text_field):
        if isinstance(row, DedupError):
            errors.append(row)
            continue
        number, fields = row
        docs.append(Document(f"{spec.path}#{number}", spec.path, spec.output_name, "jsonl",
                             fields[text_field], record=number, fields=fields))
    return docs
