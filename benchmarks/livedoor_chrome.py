"""Measure boilerplate removal on real pages of one site (the livedoor news corpus).

usage: python benchmarks/livedoor_chrome.py PATH/TO/livedoor [--site peachy]

For each site folder, the script cleans every article with `dedup clean`'s
library path (corpus pass included) and sorts the input lines into two
labelled sets, by rules written down here rather than by the cleaner:

* recurring chrome: a line (digits folded) that stands in at least 3 articles
  of the site, after the last line of running prose, or that is a
  "■…" section header or "・…" link line of a related-links block;
* article prose: a line of running text (at least 30 characters, ending like a
  sentence) inside the body, whether or not it recurs.

It reports the share of chrome lines removed and of prose lines kept.  The
corpus is CC BY-ND: it is read where it lies and never copied or changed.
"""
from __future__ import annotations

import argparse
import collections
import re
import sys
import unicodedata
from pathlib import Path

from dedup.clean import clean_text
from dedup.corpus import learn

PROSE_END = re.compile(r"[。！？!?」』）)]$")


def norm(line: str) -> str:
    return re.sub(r"\d+", "0", re.sub(r"\s+", " ", unicodedata.normalize("NFKC", line)).strip())


def is_prose(line: str) -> bool:
    s = line.strip()
    return len(s) >= 30 and bool(PROSE_END.search(s)) and not s.startswith(("・", "■", "★", "☆"))


def articles(folder: Path) -> list[tuple[str, str]]:
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.txt")) if p.name != "LICENSE.txt"]


def labels(docs: list[tuple[str, str]]) -> dict[str, dict[int, str]]:
    """doc name → {line index: 'chrome' | 'prose'} for the lines the measurement counts."""
    counts: collections.Counter = collections.Counter()
    for _, text in docs:
        counts.update({norm(x) for x in text.splitlines()[3:] if x.strip()})
    out: dict[str, dict[int, str]] = {}
    for name, text in docs:
        lines = text.splitlines()
        prose_idx = [i for i, x in enumerate(lines) if i >= 3 and is_prose(x)]
        last = prose_idx[-1] if prose_idx else len(lines)
        marks: dict[int, str] = {}
        for i, line in enumerate(lines):
            if i < 3 or not line.strip():
                continue
            recurring = counts[norm(line)] >= 3
            if recurring and (i > last or line.strip().startswith(("■", "・"))) and not is_prose(line):
                marks[i] = "chrome"
            elif is_prose(line) and i <= last:
                marks[i] = "prose"
        out[name] = marks
    return out


def measure(folder: Path) -> dict[str, float]:
    docs = articles(folder)
    learned = learn(docs)
    marks = labels(docs)
    chrome = chrome_removed = prose = prose_kept = 0
    for name, text in docs:
        out_lines = {norm(x) for x in clean_text(text, learned=learned).text.splitlines()}
        lines = text.splitlines()
        for i, kind in marks[name].items():
            kept = norm(lines[i]) in out_lines
            if kind == "chrome":
                chrome += 1
                chrome_removed += not kept
            else:
                prose += 1
                prose_kept += kept
    return {"articles": len(docs), "chrome_lines": chrome, "chrome_removed": chrome_removed / max(1, chrome),
            "prose_lines": prose, "prose_kept": prose_kept / max(1, prose)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--site", action="append")
    args = parser.parse_args(argv)
    sites = args.site or sorted(p.name for p in args.corpus.iterdir() if p.is_dir())
    print("| site | articles | recurring chrome lines | removed | prose lines | kept |")
    print("|---|---|---|---|---|---|")
    for site in sites:
        m = measure(args.corpus / site)
        print(f"| {site} | {m['articles']} | {m['chrome_lines']} | {m['chrome_removed']:.1%} | "
              f"{m['prose_lines']} | {m['prose_kept']:.2%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
