"""Repair on real Japanese article bodies: clean bodies unchanged, damaged bodies restored.

The livedoor corpus (CC BY-ND) is read where it lies and never copied: each
article body (its lines after the three header lines, paragraphs normalised)
is (1) cleaned as it is - repair must leave it byte-identical - and (2) for a
random sample, damaged with `tests/damage.py` (cuts, restarts, markers,
first copies missing sentences) and cleaned, scored by `tests/quality.py`'s
character-LCS F1 against the body.  Chrome removal is off: the bodies carry
none, and the point is the repair.

Usage: ``python benchmarks/livedoor_repair.py PATH/TO/livedoor [--sample 150] [--seed 0]``
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from damage import damage  # noqa: E402
from quality import f1  # noqa: E402

from dedup import clean_text  # noqa: E402
from dedup.clean import CleanOptions  # noqa: E402


def body(path: Path) -> str:
    """The article body: lines after the URL, date and title, one blank line between paragraphs."""
    text = "\n".join(path.read_text(encoding="utf-8").splitlines()[3:]).strip() + "\n"
    return "\n\n".join(p.strip() for p in text.split("\n\n") if p.strip()) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--sample", type=int, default=150)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    files = sorted(args.corpus.glob("*/*-*.txt"))
    options = CleanOptions(boilerplate=False)
    changed = sum(1 for f in files if clean_text(body(f), options).text.rstrip() != body(f).rstrip())
    sample = random.Random(args.seed).sample(files, min(args.sample, len(files)))
    scores = [f1(clean_text(damage(body(f), i, omit=0.1), options).text, body(f)) for i, f in enumerate(sample)]
    print(f"clean bodies changed by repair: {changed} of {len(files)}")
    print(f"damaged bodies: mean F1 {statistics.mean(scores):.4f} over {len(scores)} (min {min(scores):.4f}, "
          f"{sum(s < 0.99 for s in scores)} below 0.99)")


if __name__ == "__main__":
    main()
