"""Renamed: the item model is `dedup.items`.

Kept only so that repair.py, stitch.py and matcher.py (edited in other
branches at the time of the rename) import unchanged; once they import from
`.items`, delete this module.
"""
from __future__ import annotations

from .items import Dropped, Item, Part

__all__ = ["Dropped", "Item", "Part"]
