"""`--engine dask` gives the local engine's results byte for byte, on a real multi-process LocalCluster.

Why a LocalCluster with two worker processes: it exercises what a real cluster
does - pickling every task and result, a task shuffle for the LSH buckets,
different Python hash seeds per worker - so order or hashing bugs show here.
"""
from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")
pytest.importorskip("dask.bag")

from dedup import engine_dask  # noqa: E402
from dedup.errors import ConfigError  # noqa: E402
from dedup.neardup import NearDupOptions, find_clusters  # noqa: E402
from dedup.output import document_texts, provenance_text  # noqa: E402
from dedup.pipeline import RunOptions, run  # noqa: E402
from tests.neardup_data import make_labelled_set  # noqa: E402
from tests.test_jobs import write_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as local:
        yield local


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """samples/, damaged documents, a labelled near-duplicate set, an empty file and a broken JSONL."""
    root = write_corpus(tmp_path_factory.mktemp("dask") / "in")
    (root / "dups").mkdir()
    for doc_id, text in make_labelled_set(0, copies=2).docs:
        (root / "dups" / (doc_id.replace("/", "_") + ".txt")).write_text(text, encoding="utf-8")
    (root / "bad").mkdir()
    (root / "bad" / "empty.txt").write_text("  \n", encoding="utf-8")
    (root / "bad" / "rows.jsonl").write_text('{"text": "A short row of text."}\nnot json\n', encoding="utf-8")
    return root


def _summary(result) -> tuple:
    """Everything a run produces that reaches the output files or the report."""
    return (provenance_text(result), document_texts(result, True, "text"), document_texts(result, False, "text"),
            [str(e) for e in result.errors], result.clusters,
            result.learned.to_json() if result.learned else None)


def test_dask_run_matches_local_run(corpus, cluster):
    local = run([str(corpus)], RunOptions())
    remote = run([str(corpus)], RunOptions(engine="dask", scheduler=cluster.scheduler_address))
    assert local.clusters, "the corpus must contain near-duplicates"
    assert local.errors, "the corpus must contain unreadable inputs"
    assert _summary(remote) == _summary(local)


def test_dask_clusters_match_local_clusters_on_labelled_sets(cluster):
    opts = NearDupOptions()
    with distributed.Client(cluster.scheduler_address) as client:
        import dask.bag as db

        for seed in range(2):
            docs = make_labelled_set(seed).docs
            assert engine_dask.find_clusters(db, client, docs, opts) == find_clusters(docs, opts)
        assert engine_dask.find_clusters(db, client, [], opts) == []
        with pytest.raises(ConfigError):
            engine_dask.find_clusters(db, client, [("a", "x y z"), ("a", "x y z")], opts)


def test_cli_dask_engine_writes_the_same_bytes(corpus, cluster, tmp_path):
    def clean(out: Path, *extra: str) -> dict[str, bytes]:
        cmd = [sys.executable, "-m", "dedup", "clean", str(corpus / "dups"), str(corpus / "gen"),
               "-o", str(out), "-q", *extra]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}

    local = clean(tmp_path / "local")
    remote = clean(tmp_path / "dask", "--engine", "dask", "--scheduler", cluster.scheduler_address)
    assert remote == local


def test_missing_dask_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "dask.bag", None)
    with pytest.raises(ConfigError) as info:
        engine_dask.run(["."], RunOptions(engine="dask"))
    assert "pip install" in str(info.value) and "dask" in str(info.value)


def test_unreachable_scheduler_is_a_clear_error():
    with pytest.raises(ConfigError) as info:
        engine_dask.connect("tcp://127.0.0.1:9", 1, timeout="1s")
    assert "scheduler" in str(info.value)


def test_band_buckets_give_every_pair_once():
    bucket = ((0, b"k"), [((0, b"k"), "b"), ((0, b"k"), "a"), ((0, b"k"), "c"), ((0, b"k"), "a")])
    assert engine_dask._bucket_pairs(bucket) == list(itertools.combinations(["a", "b", "c"], 2))
