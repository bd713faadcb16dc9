"""A spool: records written once to an anonymous temporary file, read back in order.

A folder run cannot write a cleaned document the moment it is cleaned: which
copy of a near-duplicate cluster is kept depends on documents not seen yet.
Holding every document and result in memory until then makes memory grow with
the corpus; the spool holds them on disk instead, and memory keeps only their
offsets.  The file has no name (``tempfile.TemporaryFile``), so it disappears
with the process, even when the process is killed.
"""
from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from typing import Any

from .errors import OutputError


class Spool:
    """Append pickled objects; iterate them back in the order they were appended, or get one by number."""

    def __init__(self) -> None:
        try:
            self._file = tempfile.TemporaryFile(prefix="dedup-spool-")
        except OSError as exc:
            raise OutputError(f"cannot create the spool file: {exc.strerror}", tempfile.gettempdir(),
                              "free space in the temporary folder or set TMPDIR") from exc
        self._starts: list[int] = []  # where each object begins; a pickle knows where it ends
        self._end = 0

    def append(self, obj: Any) -> None:
        """Write one object at the end of the spool."""
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self._file.seek(0, 2)
            self._file.write(data)
        except OSError as exc:
            raise OutputError(f"cannot write the spool file: {exc.strerror}", tempfile.gettempdir(),
                              "free space in the temporary folder or set TMPDIR") from exc
        self._starts.append(self._end)
        self._end += len(data)

    def __len__(self) -> int:
        return len(self._starts)

    def __iter__(self) -> Iterator[Any]:
        """The objects in append order, one at a time (other reads and appends may come between)."""
        for number in range(len(self._starts)):
            yield self.get(number)

    def get(self, number: int) -> Any:
        """The object appended `number`-th (0-based)."""
        self._file.flush()
        self._file.seek(self._starts[number])
        return pickle.load(self._file)

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
