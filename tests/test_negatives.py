"""Must-not-change cases: real texts whose repetition is deliberate come out of cleaning unchanged."""
from __future__ import annotations

from pathlib import Path

import pytest

from dedup import clean_text
from dedup.pipeline import RunOptions, run

NEGATIVES = Path(__file__).parent / "data" / "negatives"
TEXTS = sorted(NEGATIVES.glob("*.txt"))


def lines(text: str) -> list[str]:
    """Non-blank lines, white space folded; lines of punctuation only (separators such as '* * *') left out."""
    return [" ".join(x.split()) for x in text.splitlines() if any(c.isalnum() for c in x)]


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.name)
def test_deliberate_repetition_is_kept(path):
    text = path.read_text(encoding="utf-8")
    assert lines(clean_text(text).text) == lines(text)


def test_a_folder_of_them_is_kept_with_the_corpus_pass():
    """Refrains that recur across the folder's documents are no site chrome either."""
    result = run([str(NEGATIVES)], RunOptions(near_duplicates=False))
    for outcome in result.outcomes:
        source = Path(outcome.doc.path)
        if source.suffix == ".txt":
            assert lines(outcome.result.text) == lines(source.read_text(encoding="utf-8")), source.name
