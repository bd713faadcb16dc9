"""LSH banding and the vectorised hashing that feeds it: datasketch's parameters, pairs equal to brute force."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from datasketch.lsh import _optimal_param

from dedup import bands, minhash


@pytest.mark.parametrize("num_perm", [16, 64, 128, 256])
def test_optimal_params_are_datasketchs(num_perm):
    for threshold in [t / 100 for t in range(5, 100, 5)] + [0.2857142857142857]:
        assert bands.optimal_params(threshold, num_perm) == _optimal_param(threshold, num_perm, 0.5, 0.5)


def _signatures(n: int, seed: int) -> np.ndarray:
    """Signatures with planted equal bands: rows share values with a few others."""
    rng = np.random.default_rng(seed)
    sigs = rng.integers(0, 2**63, size=(n, 32), dtype=np.uint64)
    for _ in range(n):
        a, b, band = rng.integers(0, n), rng.integers(0, n), rng.integers(0, 8)
        sigs[b, band * 4:(band + 1) * 4] = sigs[a, band * 4:(band + 1) * 4]
    return sigs


@pytest.mark.parametrize("seed", range(5))
def test_candidate_pairs_equal_brute_force(seed):
    sigs = _signatures(60, seed)
    expected = {(i, j) for i, j in itertools.combinations(range(len(sigs)), 2)
                if any((sigs[i, b * 4:(b + 1) * 4] == sigs[j, b * 4:(b + 1) * 4]).all() for b in range(8))}
    assert expected  # the planted bands make some
    assert bands.candidate_pairs(bands.band_keys(sigs, 8, 4)) == expected


def test_band_keys_ignore_values_past_the_bands_and_depend_on_band_position():
    sig = np.arange(10, dtype=np.uint64)
    keys = bands.band_keys(sig, 2, 4)
    assert keys.shape == (1, 2)
    other = sig.copy()
    other[9] = 99  # beyond bands*rows: not part of any band
    assert (bands.band_keys(other, 2, 4) == keys).all()
    same_values = np.r_[sig[:4], sig[:4]]
    k = bands.band_keys(same_values, 2, 4)[0]
    assert k[0] != k[1]  # equal values in different bands are different buckets


def test_band_table_add_query_remove():
    table = bands.BandTable(3)
    table.add(1, [10, 20, 30])
    table.add(2, [11, 20, 31])
    table.add(3, [12, 21, 32])
    assert table.query([99, 20, 99]) == {1, 2}
    assert table.query([12, 0, 0]) == {3}
    table.remove(1)
    table.remove(7)  # absent: nothing happens
    assert table.query([10, 20, 30]) == {2}
    assert table.tables[0] == {11: [2], 12: [3]}


def test_similar_sentences_share_a_band_and_different_ones_do_not():
    texts = ["The committee approved the new budget for the city library on Tuesday evening.",
             "The committee approved the new budget for the city library on Tuesday night.",
             "Heavy rain is expected across the northern region for the rest of the week."]
    hashes, counts = minhash.sentence_hashes(texts, texts, 4, 1)
    sigs = minhash.grouped_signatures(hashes, counts, minhash.permutations(64, 1))
    pairs = bands.candidate_pairs(bands.band_keys(sigs, 16, 4))
    assert (0, 1) in pairs and (0, 2) not in pairs and (1, 2) not in pairs


def test_grouped_signatures_equal_one_by_one():
    rng = np.random.default_rng(3)
    groups = [np.unique(rng.integers(0, 2**63, size=s, dtype=np.uint64)) for s in (1, 5, 3000, 17, 20000)]
    perms = minhash.permutations(128, 1)
    batch = minhash.grouped_signatures(np.concatenate(groups), np.array([g.size for g in groups]), perms)
    a, b = perms
    for g, row in zip(groups, batch, strict=True):
        with np.errstate(over="ignore"):
            one = (minhash.fmix64(g)[:, None] * a[None, :] + b[None, :]).min(axis=0)
        assert (one == row).all()


def test_sentence_hashes_of_a_batch_equal_one_by_one():
    """Repair signs a document's sentences in one batch and later pieces one by one: both must agree."""
    texts = ["これは日本語の文です。", "短い", "An English sentence with several words.", "", "word",
             "混在 mixed テキスト with English words", "ab", "東京"]
    keys = [t.replace(" ", "").lower() for t in texts]
    hashes, counts = minhash.sentence_hashes(texts, keys, 4, 1)
    offsets = np.r_[0, np.cumsum(counts)]
    for i, (t, k) in enumerate(zip(texts, keys, strict=True)):
        alone, n = minhash.sentence_hashes([t], [k], 4, 1)
        assert n[0] == counts[i]
        assert sorted(alone.tolist()) == sorted(hashes[offsets[i]:offsets[i + 1]].tolist())
    assert counts[3] == 0 and counts[0] > 0 and counts[1] == 1  # empty: nothing; short key: the whole key


def test_word_values_depend_on_the_word_and_seed_only():
    words = ["the", "cat", "the", "naïve", "東京", "a", "x" * 300]
    values = minhash.word_values(words, 1)
    assert values[0] == values[2] and len(set(values.tolist())) == len(set(words))
    alone = np.array([minhash.word_values([w], 1)[0] for w in words], dtype=np.uint64)
    assert (alone == values).all()  # a word's value does not depend on its neighbours
    assert (minhash.word_values(words, 2) != values).all()
    assert minhash.word_values([], 1).size == 0
