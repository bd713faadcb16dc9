"""dedup: repair scraped articles into one canonical text, with provenance.

Library use::

    from dedup import clean_text
    result = clean_text(text)
    result.text         # the canonical text
    result.provenance   # what was kept, merged or dropped, where and why
"""
from __future__ import annotations

from .clean import CleanOptions, CleanResult, clean_text
from .errors import DedupError

__version__ = "0.3.0"

__all__ = ["clean_text", "CleanOptions", "CleanResult", "DedupError", "__version__"]
