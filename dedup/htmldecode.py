"""Page decoding: HTML bytes to text, by BOM, declared charset or detection (`decode_html`)."""
from __future__ import annotations

import codecs
import re

META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.I)


def decode_html(data: bytes) -> str:
    """Decode page bytes: BOM first, then a `<meta charset>` / http-equiv / `<?xml encoding>`, then detection.

    Japanese pages often come as Shift_JIS or EUC-JP; a declared charset is trusted only if the
    bytes decode with it, otherwise charset-normalizer guesses, and UTF-8 with replacement is last.
    """
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                      (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(name, errors="replace")
    match = META_CHARSET_RE.search(data[:16384])
    if match:
        name = _codec((match.group(1) or match.group(2)).decode("ascii", "ignore"))
        if name:
            try:
                return data.decode(name)
            except UnicodeDecodeError:
                pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes
    best = from_bytes(data).best()
    return str(best) if best is not None else data.decode("utf-8", errors="replace")


def _codec(label: str) -> str | None:
    """Python codec name for a charset label; Shift_JIS labels map to cp932, its common superset."""
    label = label.strip().lower()
    if label in ("shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "windows-31j"):
        return "cp932"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None
