"""Named exceptions of the library; the CLI turns each into a one-line message.

Every error carries the path it concerns (when there is one) and a hint that
tells the user how to fix it, so the message printed on stderr is actionable.
"""
from __future__ import annotations


class DedupError(Exception):
    """Base of every error `dedup` raises on purpose."""

    def __init__(self, message: str, path: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.hint = hint

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        fix = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.message}{fix}"


class InputError(DedupError):
    """An input file cannot be read or decoded as a document."""


class FormatError(InputError):
    """An input file is readable but its contents break its format (JSONL, front matter)."""


class OutputError(DedupError):
    """An output file or folder cannot be written."""


class IndexError_(DedupError):
    """The persistent near-duplicate index cannot be opened or updated."""


class ConfigError(DedupError):
    """Options contradict each other or name something that does not exist."""
