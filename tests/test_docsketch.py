"""Document sketches: the shingles they hash, folding, batch independence, one-permutation signatures."""
from __future__ import annotations

import itertools
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dedup import docsketch
from dedup.minhash import overlap

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = sorted((ROOT / "tests/data/neardup/articles").glob("*.txt"))
EDGE_TEXTS = ["", "   \n", "a", "Hello", "。。、", "同じ文章です。同じ文章です。", "ｶﾞｲﾄﾞ ＡＢＣ", "😀 x", "two words",
              "𠮷野家の牛丼は𠮷野家で", "snake_case_name", "\ud800 lone surrogate"]


def sketch(text: str):
    return docsketch.sketch_batch([text], 5, 3, 1, 128)[0]


def test_hashes_count_exactly_the_listed_shingles():
    """The numpy path hashes the shingles `shingle_strings` lists, no more, no fewer (CJK, English, edges)."""
    for text in [p.read_text(encoding="utf-8") for p in ARTICLES] + EDGE_TEXTS:
        got = sketch(text)
        assert (0 if got is None else got.hashes.size) == len(docsketch.shingle_strings(text, 5, 3)), text[:40]


def test_shingles_in_words_for_english_and_characters_for_japanese():
    assert docsketch.shingle_strings("The cat sat on the mat.", 5, 3) == {
        "the cat sat", "cat sat on", "sat on the", "on the mat"}
    assert docsketch.shingle_strings("今日は、晴れ。", 3, 3) == {"今日は", "日は晴", "は晴れ"}
    assert docsketch.shingle_strings("Hi there", 5, 3) == {"hi there"}  # fewer words than n: one shingle
    assert docsketch.shingle_strings("...", 5, 3) == set()


def test_width_case_accents_and_punctuation_drift_do_not_change_the_hashes():
    pairs = [("ＡＢＣ Café ﾃﾞｰﾀ", "abc CAFE\u0301 データ"),
             ("東京都、新宿区で「会議」を開いた。", "東京都新宿区で会議を開いた"),
             ("The Naïve  café — opened!", "the naive cafe opened")]
    for a, b in pairs:
        assert (sketch(a).hashes == sketch(b).hashes).all(), (a, b)
    assert not np.array_equal(sketch("the naive cafe opened").hashes, sketch("the naive cafe closed").hashes)


def test_a_document_sketches_the_same_alone_and_in_any_batch():
    texts = [p.read_text(encoding="utf-8") for p in ARTICLES[:12]] + EDGE_TEXTS
    together = docsketch.sketch_batch(texts, 5, 3, 1, 128)
    shuffled = texts[:]
    random.Random(4).shuffle(shuffled)
    again = dict(zip(shuffled, docsketch.sketch_batch(shuffled, 5, 3, 1, 128), strict=True))
    for text, got in zip(texts, together, strict=True):
        alone = sketch(text)
        for other in (alone, again[text]):
            assert (got is None) == (other is None)
            if got is not None:
                assert (got.hashes == other.hashes).all() and (got.signature == other.signature).all()
                assert got.chars == other.chars == len("".join(text.split()))


def test_empty_and_punctuation_only_texts_have_no_sketch():
    assert docsketch.sketch_batch(["", " \n\t", "!!! ...", "😀"], 5, 3, 1, 128) == [None] * 4
    assert docsketch.sketch_batch([], 5, 3, 1, 128) == []


def test_every_bin_is_filled_even_for_a_tiny_document():
    one = sketch("word")
    assert one.hashes.size == 1 and (one.signature == one.hashes[0]).all()
    few = sketch("one two three four five six")
    assert few.hashes.size == 4 and set(few.signature.tolist()) <= set(few.hashes.tolist())
    assert len(set(few.signature.tolist())) == 4  # densified from all four, not one repeated value


def test_signature_agreement_estimates_jaccard():
    """One-permutation hashing with densification: the share of equal bins tracks the exact Jaccard."""
    rng = random.Random(11)
    vocab = [f"w{i}" for i in range(5000)]
    errors = []
    for trial in range(40):
        base = rng.sample(vocab, 400)
        keep = rng.randint(100, 400)
        other = base[:keep] + rng.sample(vocab, 400 - keep)
        a, b = docsketch.sketch_batch([" ".join(base), " ".join(other)], 5, 1, trial, 128)
        jaccard, _ = overlap(a.hashes, b.hashes)
        errors.append(float((a.signature == b.signature).mean()) - jaccard)
    assert abs(np.mean(errors)) < 0.02  # unbiased
    assert np.sqrt(np.mean(np.square(errors))) < 0.08  # about sqrt(J(1-J)/128) for 128 bins


def test_seed_and_sizes_change_the_hashes():
    text = ARTICLES[0].read_text(encoding="utf-8")
    base = docsketch.sketch_batch([text], 5, 3, 1, 128)[0]
    assert not np.array_equal(base.hashes, docsketch.sketch_batch([text], 5, 3, 2, 128)[0].hashes)
    assert docsketch.sketch_batch([text], 5, 2, 1, 64)[0].signature.shape == (64,)


@pytest.mark.parametrize("path", [ARTICLES[0], next(p for p in ARTICLES if p.name.startswith("ja"))])
def test_signatures_are_the_same_in_another_process(path):
    """No per-process hash(): a fresh interpreter with another hash seed computes the same sketch."""
    code = ("from dedup import docsketch; import sys; t = open(sys.argv[1], encoding='utf-8').read(); "
            "s = docsketch.sketch_batch([t], 5, 3, 1, 128)[0]; print((s.hashes.tobytes() + s.signature.tobytes()).hex())")
    out = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={"PYTHONHASHSEED": "12345", "PATH": ""}).stdout.strip()
    here = sketch(path.read_text(encoding="utf-8"))
    assert out == (here.hashes.tobytes() + here.signature.tobytes()).hex()


def test_unrelated_articles_share_few_bins():
    sketches = [sketch(p.read_text(encoding="utf-8")) for p in ARTICLES[:10]]
    worst = max(float((a.signature == b.signature).mean()) for a, b in itertools.combinations(sketches, 2))
    assert worst < 0.2


def test_shipped_table_is_the_one_this_module_builds():
    """The shipped fold table is `build_table()` of its Unicode version; on another version, ASCII, kana,
    CJK ideographs and full-width forms (what scraped text is made of) must still agree."""
    import unicodedata
    from importlib import resources

    with resources.files("dedup").joinpath("data", docsketch.TABLE_FILE).open("rb") as fh, np.load(fh) as data:
        version = str(data["unicode"])
    shipped, built = docsketch._table(), docsketch.build_table()
    if version == unicodedata.unidata_version:
        assert (shipped == built).all()
    common = np.r_[0x20:0x7F, 0x3041:0x3097, 0x30A1:0x30FB, 0x4E00:0x9FA6, 0xFF01:0xFF9F]
    assert (shipped[common] == built[common]).all()


def test_control_characters_are_breaks_not_letters():
    assert docsketch.shingle_strings("one\x01two\x02three", 5, 3) == {"one two three"}
