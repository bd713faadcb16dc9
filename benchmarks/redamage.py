"""Damage clean texts many times over and score the repair: a quick sweep for one article's weak spots.

Each clean text is damaged with `tests/damage.py` under `--seeds` different
seeds (chunk cuts mid-word, restarts one sentence, a paragraph or sections
back, markers or none, later copies with sentences the first lacked, layout
drift), cleaned, and scored by `tests/quality.py`'s character-LCS F1.

Usage: ``python benchmarks/redamage.py tests/data/clean/seed001_canonical.md [--seeds 60] [--show 5] [--omit 0.2]``
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from damage import damage  # noqa: E402
from quality import f1  # noqa: E402

from dedup import clean_text  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("texts", type=Path, nargs="+")
    ap.add_argument("--seeds", type=int, default=60)
    ap.add_argument("--show", type=int, default=0, help="list this many of the worst seeds per text")
    ap.add_argument("--omit", type=float, default=0.0,
                    help="chance that a sentence shown again later is missing from its first copy")
    args = ap.parse_args()
    for path in args.texts:
        gold = path.read_text(encoding="utf-8")
        scores = sorted((f1(clean_text(damage(gold, seed, omit=args.omit)).text, gold), seed)
                        for seed in range(args.seeds))
        values = [s for s, _ in scores]
        print(f"{path.name}: mean F1 {statistics.mean(values):.4f} over {len(values)} seeds, min {min(values):.4f}")
        for score, seed in scores[:args.show]:
            print(f"  {score:.4f} damage seed {seed}")


if __name__ == "__main__":
    main()
