#!/usr/bin/env python3
"""Score `dedup.htmlextract` against trafilatura and plain BeautifulSoup on the Zyte article benchmark.

Usage: ``python benchmarks/zyte_bench.py PATH [--only ours] [--dump OUT.json] [--worst N]``

PATH is a checkout of the Zyte article-extraction-benchmark (``html/<id>.html.gz`` and
``ground-truth.json``). The data is read in place and never copied into this repository.

The metric re-implements the benchmark's own: tokens are ``\\w+`` runs (lowercased here, so
case never decides a match), shingles are 4-token windows, each page gives precision and recall
over shingle multisets (normalised by tp+fp+fn as upstream does, which does not change P or R),
P and R are averaged over pages and F1 is computed from the two averages. Because tokens are
word runs, Markdown markers such as ``# `` and ``- `` vanish in tokenisation for every system.
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TOKEN_RE = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4, lower: bool = True) -> Counter:
    """Multiset of n-token shingles of `text`; a text shorter than n gives one short shingle."""
    tokens = TOKEN_RE.findall(text.lower() if lower else text)
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n])


def page_scores(true: str, pred: str, lower: bool = True) -> tuple[float | None, float | None]:
    """Precision and recall of one page, None where upstream leaves the page out of the mean."""
    t, p = shingles(true, lower=lower), shingles(pred or "", lower=lower)
    tp = sum((t & p).values())
    fp = sum(p.values()) - tp
    fn = sum(t.values()) - tp
    if fp == fn == 0:
        return (1.0 if tp else None), (1.0 if tp else None)
    prec = tp / (tp + fp) if tp + fp else None
    rec = tp / (tp + fn) if tp + fn else None
    return prec, rec


def aggregate(scores: list[tuple[float | None, float | None]]) -> tuple[float, float, float]:
    """Mean precision, mean recall, and F1 of those two means, as the benchmark reports them."""
    ps = [p for p, _ in scores if p is not None]
    rs = [r for _, r in scores if r is not None]
    prec, rec = sum(ps) / len(ps), sum(rs) / len(rs)
    return prec, rec, 2 * prec * rec / (prec + rec) if prec + rec else 0.0


def run_ours(html: str) -> str:
    """Our extractor, the function the rest of `dedup` calls."""
    from dedup.htmlextract import extract_main_text
    return extract_main_text(html)


def run_trafilatura(html: str) -> str:
    """trafilatura with the settings the brief names (tables kept, comments dropped)."""
    import trafilatura
    return trafilatura.extract(html, include_comments=False, include_tables=True) or ""


def run_bs4(html: str) -> str:
    """All text of the page, the benchmark's own BeautifulSoup baseline."""
    from bs4 import BeautifulSoup
    return BeautifulSoup(html, "html.parser").get_text(separator=" ", strip=True)


SYSTEMS: dict[str, Callable[[str], str]] = {"ours": run_ours, "trafilatura": run_trafilatura, "bs4": run_bs4}


def load(path: Path) -> tuple[dict, dict[str, str]]:
    """Ground truth and the decoded HTML of every page it names."""
    truth = json.loads((path / "ground-truth.json").read_text(encoding="utf8"))
    pages = {}
    for key in truth:
        with gzip.open(path / "html" / f"{key}.html.gz", "rt", encoding="utf8") as f:
            pages[key] = f.read()
    return truth, pages


def main(argv: list[str] | None = None) -> int:
    """Run every chosen system over the benchmark and print a P/R/F1 table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path)
    ap.add_argument("--only", action="append", choices=sorted(SYSTEMS), help="systems to run (repeatable)")
    ap.add_argument("--case-sensitive", action="store_true", help="do not lowercase tokens (upstream's exact form)")
    ap.add_argument("--worst", type=int, default=0, help="list the N pages where ours has the lowest F1")
    ap.add_argument("--dump", type=Path, help="write per-page outputs of ours as JSON")
    args = ap.parse_args(argv)
    truth, pages = load(args.path)
    lower = not args.case_sensitive
    print(f"{'system':<12} {'precision':>9} {'recall':>7} {'F1':>6} {'sec':>6}   ({len(pages)} pages)")
    for name in args.only or list(SYSTEMS):
        start, outputs = time.time(), {k: SYSTEMS[name](html) for k, html in pages.items()}
        scores = {k: page_scores(truth[k]["articleBody"], outputs[k], lower) for k in pages}
        prec, rec, f1 = aggregate(list(scores.values()))
        print(f"{name:<12} {prec:9.4f} {rec:7.4f} {f1:6.4f} {time.time() - start:6.1f}")
        if name == "ours" and args.dump:
            args.dump.write_text(json.dumps(outputs, ensure_ascii=False, indent=1), encoding="utf8")
        if name == "ours" and args.worst:
            for k, (p, r) in sorted(scores.items(), key=lambda kv: _f1(*kv[1]))[:args.worst]:
                print(f"   {k[:12]} P={p if p is None else round(p, 3)} R={r if r is None else round(r, 3)}")
    return 0


def _f1(p: float | None, r: float | None) -> float:
    """F1 of one page, for ranking the worst pages."""
    p, r = p or 0.0, r or 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


if __name__ == "__main__":
    sys.exit(main())
