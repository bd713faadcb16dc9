#!/usr/bin/env python3
"""Held-out evaluation of `dedup.htmlextract`: Zyte split in halves plus newspaper4k's test pages, one run.

Usage: ``python benchmarks/extract_bench.py ZYTE_PATH [--newspaper NP_DATA] [--worst N] [--only SYSTEM]``

ZYTE_PATH holds the Zyte article-extraction benchmark (``html/<id>.html.gz``, ``ground-truth.json``).
Its pages are split by a stable hash of the page id: ``tune`` (the half extraction rules may be
tuned on) and ``held-out`` (reported, never looked at page by page). NP_DATA is the ``tests/data``
folder of newspaper4k's source distribution (MIT), whose ``html/NAME.html`` pages come with the
expected article text in ``txt/NAME.txt``; see benchmarks/README.md for how to fetch it. Nothing
is copied into this repository. The metric is `zyte_bench`'s (word 4-gram shingles, P and R
averaged over pages, F1 of the means).
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from zyte_bench import _f1, aggregate, load, page_scores  # noqa: E402

Page = tuple[str, str]  # (html, expected text)


def zyte_half(page_id: str) -> str:
    """'tune' or 'held-out' for a Zyte page id: the parity of its SHA-1's first byte (stable, seedless)."""
    return "tune" if hashlib.sha1(page_id.encode("utf-8")).digest()[0] % 2 == 0 else "held-out"


def zyte_sets(path: Path) -> dict[str, dict[str, Page]]:
    """The Zyte pages as two sets, {'zyte tune': ..., 'zyte held-out': ...}."""
    truth, pages = load(path)
    sets: dict[str, dict[str, Page]] = {"zyte held-out": {}, "zyte tune": {}}
    for key, html in pages.items():
        sets[f"zyte {zyte_half(key)}"][key] = (html, truth[key]["articleBody"])
    return sets


def newspaper_set(path: Path) -> dict[str, Page]:
    """newspaper4k's test pages that have an expected text: {name: (html, text)}."""
    out = {}
    for html in sorted((path / "html").glob("*.html")):
        expected = path / "txt" / f"{html.stem}.txt"
        if expected.exists():
            out[html.stem] = (html.read_text(encoding="utf-8", errors="replace"),
                              expected.read_text(encoding="utf-8", errors="replace"))
    return out


def _ours(mode: str) -> Callable[[str], str]:
    def run(html: str) -> str:
        from dedup.htmlextract import extract
        return extract(html, mode=mode).text
    return run


def _trafilatura(**options) -> Callable[[str], str]:
    def run(html: str) -> str:
        import trafilatura
        return trafilatura.extract(html, include_comments=False, include_tables=True, **options) or ""
    return run


SYSTEMS: dict[str, Callable[[str], str]] = {
    "ours balanced": _ours("balanced"), "ours precision": _ours("precision"), "ours recall": _ours("recall"),
    "trafilatura default": _trafilatura(), "trafilatura precision": _trafilatura(favor_precision=True),
}


def score(system: Callable[[str], str], pages: dict[str, Page]) -> tuple[tuple[float, float, float], dict, float]:
    """(P, R, F1), per-page (P, R) and seconds for one system on one set."""
    start = time.time()
    per_page = {k: page_scores(expected, system(html)) for k, (html, expected) in pages.items()}
    return aggregate(list(per_page.values())), per_page, time.time() - start


def main(argv: list[str] | None = None) -> int:
    """Score every system on every set and print one table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("zyte", type=Path)
    ap.add_argument("--newspaper", type=Path, help="newspaper4k's tests/data folder")
    ap.add_argument("--only", action="append", choices=sorted(SYSTEMS), help="systems to run (repeatable)")
    ap.add_argument("--sets", action="append", help="set names to run (default: all)")
    ap.add_argument("--worst", type=int, default=0, help="list the N pages where 'ours balanced' is worst")
    args = ap.parse_args(argv)
    sets = zyte_sets(args.zyte)
    if args.newspaper:
        sets["newspaper4k"] = newspaper_set(args.newspaper)
    print(f"{'set':<14} {'system':<22} {'precision':>9} {'recall':>7} {'F1':>6} {'sec':>6}")
    for set_name, pages in sets.items():
        if args.sets and set_name not in args.sets:
            continue
        for name in args.only or list(SYSTEMS):
            (prec, rec, f1), per_page, sec = score(SYSTEMS[name], pages)
            print(f"{set_name + f' ({len(pages)})':<14} {name:<22} {prec:9.4f} {rec:7.4f} {f1:6.4f} {sec:6.1f}",
                  flush=True)
            if name == "ours balanced" and args.worst:
                for k, (p, r) in sorted(per_page.items(), key=lambda kv: _f1(*kv[1]))[:args.worst]:
                    print(f"   {k[:24]} P={p if p is None else round(p, 3)} R={r if r is None else round(r, 3)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
