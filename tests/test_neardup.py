"""Near-duplicate clustering: accuracy on the labelled set, keep rule, determinism, refusals."""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from dedup import docsketch, textnorm
from dedup.errors import ConfigError
from dedup.neardup import Cluster, NearDupOptions, find_clusters, similarity
from tests.neardup_data import base_articles, drop_paragraph, make_labelled_set, pairwise_scores, seed_articles

ROOT = Path(__file__).resolve().parent.parent


def _pairs(clusters: list[Cluster]) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for c in clusters for p in itertools.combinations(c.members, 2)}


@pytest.mark.parametrize("seed", range(5))
def test_labelled_set_pairwise_precision_and_recall(seed):
    labelled = make_labelled_set(seed)
    precision, recall = pairwise_scores(_pairs(find_clusters(labelled.docs)), labelled.true_pairs())
    print(f"labelled set seed={seed}: {len(labelled.docs)} docs, {len(labelled.true_pairs())} true pairs, "
          f"pairwise precision={precision:.4f} recall={recall:.4f}")
    assert precision >= 0.98 and recall >= 0.98


def test_seed_articles_on_the_same_topic_stay_separate():
    seeds = seed_articles()
    assert len(seeds) == 5
    assert find_clusters(seeds) == []
    assert find_clusters(seeds, NearDupOptions(threshold=0.3)) == []


def test_unrelated_and_same_topic_articles_are_never_clustered():
    docs = base_articles() + seed_articles()
    assert find_clusters(docs) == []
    hashes = [s.hashes for s in docsketch.sketch_batch([t for _, t in docs], 5, 3, 1, 128)]
    worst = max(similarity(a, b, 0.6) for a, b in itertools.combinations(hashes, 2))
    assert worst < 0.25  # far below the 0.5 threshold, not just under it


def test_strict_threshold_misses_what_the_default_finds():
    """The check is real: an impossible threshold links nothing, the default links the copies."""
    docs = make_labelled_set(0).docs
    assert find_clusters(docs, NearDupOptions(threshold=0.999)) == []
    assert len(find_clusters(docs)) == 20


def test_longest_copy_is_kept_and_similarities_reported():
    name, text = base_articles()[0]
    cut = drop_paragraph(text, __import__("random").Random(3))
    docs = [("cut", cut), ("orig", text), ("other", base_articles()[5][1])]
    [cluster] = find_clusters(docs)
    assert cluster.keep == "orig" and cluster.members == ["orig", "cut"]
    assert cluster.similarity["orig"] == 1.0 and 0.9 < cluster.similarity["cut"] <= 1.0


def test_keep_first_uses_order_key_then_path_order():
    text = base_articles()[3][1]
    longer = text + "\n\nA late correction added one more sentence to the story."
    docs = [("b", text), ("a", longer), ("c", text)]
    assert find_clusters(docs)[0].members == ["a", "b", "c"]
    first = NearDupOptions(keep="first")
    assert find_clusters(docs, first)[0].members == ["b", "a", "c"]
    dated = {"a": "2024-01-02", "b": "2024-03-01", "c": "2024-01-02"}
    assert find_clusters(docs, first, order=dated)[0].members == ["a", "c", "b"]
    assert find_clusters(docs, NearDupOptions(), order=dated)[0].members == ["a", "c", "b"]


def test_japanese_copy_found_with_character_shingles():
    text = dict(base_articles())["ja05_tanada"]
    copy = "【配信】\n\n" + text.replace("ボランティア", "ボランティアの皆さん") + "\n\n無断転載禁止"
    [cluster] = find_clusters([("ja", text), ("copy", copy), ("en", base_articles()[0][1])])
    assert set(cluster.members) == {"ja", "copy"}
    assert not textnorm.is_space_separated(text)


def test_groups_do_not_depend_on_input_order_and_clusters_follow_it():
    docs = make_labelled_set(1).docs
    clusters = find_clusters(docs)
    assert clusters == find_clusters(docs)
    backwards = find_clusters(list(reversed(docs)))
    assert {frozenset(c.members) for c in clusters} == {frozenset(c.members) for c in backwards}
    first_seen = [min(docs.index(next(d for d in docs if d[0] == m)) for m in c.members) for c in clusters]
    assert first_seen == sorted(first_seen)


def test_seed_changes_signatures_but_not_clusters():
    docs = make_labelled_set(2).docs
    assert _pairs(find_clusters(docs, NearDupOptions(seed=7))) == _pairs(find_clusters(docs))
    one, seven = (docsketch.sketch_batch([docs[0][1]], 5, 3, seed, 128)[0].signature for seed in (1, 7))
    assert (one != seven).mean() > 0.9


def test_empty_and_tiny_documents():
    docs = [("e1", ""), ("e2", "   \n"), ("t1", "Hello world."), ("t2", "hello WORLD"), ("t3", "Goodbye moon.")]
    assert find_clusters(docs) == [Cluster("t1", ["t1", "t2"], {"t1": 1.0, "t2": 1.0})]


def test_refusals():
    with pytest.raises(ConfigError):
        find_clusters([("a", "x y z"), ("a", "x y z")])
    with pytest.raises(ConfigError, match="keep"):
        find_clusters([], NearDupOptions(keep="newest"))
    with pytest.raises(ConfigError):
        find_clusters([], NearDupOptions(threshold=1.5))


def _paragraphs(n: int, seed: int = 5) -> list[str]:
    """`n` paragraphs of distinct made-up words, so shared paragraphs are the only shared shingles."""
    import random
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    return [" ".join("".join(rng.choice(letters) for _ in range(rng.randint(3, 8))) for _ in range(40)) + "."
            for _ in range(n)]


def test_a_chain_of_links_does_not_make_distant_members_copies():
    """A~B and B~C reach the threshold, A~C does not: C is no copy of A, whatever links them (a templated series)."""
    paras = _paragraphs(16)
    docs = [("a", "\n\n".join(paras[0:10])), ("b", "\n\n".join(paras[3:13])), ("c", "\n\n".join(paras[6:16]))]
    clusters = find_clusters(docs, NearDupOptions(keep="first"))
    assert [(c.keep, c.members) for c in clusters] == [("a", ["a", "b"])]
    assert clusters[0].similarity["b"] >= 0.5
    for c in find_clusters(docs, NearDupOptions(keep="longest")):
        assert all(value >= 0.5 for value in c.similarity.values())
        assert not {"a", "c"} <= set(c.members)
