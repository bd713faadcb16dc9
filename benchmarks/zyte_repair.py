"""Repair on real English (and other Latin-script) article bodies: clean ones unchanged, damaged ones restored.

The bodies are the hand-checked `articleBody` texts of the Zyte article
extraction benchmark (MIT), read where they lie.  Each body of 400 characters
or more (paragraphs one per line, a blank line between) is (1) cleaned as it
is - repair must leave it byte-identical - and (2) damaged twice with
`tests/damage.py` (cuts, restarts, markers, first copies missing sentences)
and cleaned, scored by `tests/quality.py`'s character-LCS F1 against the body.
Chrome removal is off: the point is the repair.

Usage: ``python benchmarks/zyte_repair.py PATH/TO/ground-truth.json [--show 5]``
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from damage import damage  # noqa: E402
from quality import f1  # noqa: E402

from dedup import clean_text  # noqa: E402
from dedup.clean import CleanOptions  # noqa: E402


def bodies(truth: Path) -> list[tuple[str, str]]:
    """(id, body) of every article body long enough to be damaged, in id order."""
    out = []
    for key, record in sorted(json.loads(truth.read_text(encoding="utf-8")).items()):
        text = (record.get("articleBody") or "").strip()
        if len(text) >= 400:
            out.append((key, "\n\n".join(p.strip() for p in text.split("\n") if p.strip()) + "\n"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("truth", type=Path)
    ap.add_argument("--show", type=int, default=0, help="list this many of the worst damaged cases")
    args = ap.parse_args()
    options = CleanOptions(boilerplate=False)
    docs = bodies(args.truth)
    changed = [key for key, text in docs if clean_text(text, options).text != text]
    scores = [(f1(clean_text(damage(text, n * 10 + k, omit=0.1), options).text, text), key, n * 10 + k)
              for n, (key, text) in enumerate(docs) for k in range(2)]
    values = [s for s, _, _ in scores]
    print(f"clean bodies changed by repair: {len(changed)} of {len(docs)} {' '.join(c[:12] for c in changed)}")
    print(f"damaged bodies: mean F1 {statistics.mean(values):.4f} over {len(values)} (min {min(values):.4f}, "
          f"{sum(s < 0.99 for s in values)} below 0.99)")
    for score, key, seed in sorted(scores)[:args.show]:
        print(f"  {score:.4f} {key[:12]} damage seed {seed}")


if __name__ == "__main__":
    main()
