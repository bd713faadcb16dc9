"""Persistent index: later runs match earlier ones (SQLite and a real Redis), refusals, kill safety."""
from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from dedup.errors import IndexError_
from dedup.index import open_index
from dedup.neardup import NearDupOptions, find_clusters, index_params, sketch_documents
from tests.neardup_data import base_articles, drop_paragraph, make_labelled_set

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url():
    """A throw-away redis-server on a free localhost port, without persistence."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server binary not found (apt-get install redis-server) - Redis index not tested")
    pytest.importorskip("redis", reason="Python redis client not installed (pip install redis)")
    port = _free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("redis-server did not start")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(params=["sqlite", "redis"])
def spec(request, tmp_path):
    """An empty index of each back end (Redis: a fresh key prefix per test)."""
    if request.param == "sqlite":
        return str(tmp_path / "index.sqlite")
    return f"{request.getfixturevalue('redis_url')}?prefix=t{uuid.uuid4().hex[:12]}"


def _family_split():
    """Originals (first run) and their syndicated copies (second run) of the labelled set."""
    docs = make_labelled_set(0).docs
    return [d for d in docs if d[0].endswith("/orig")], [d for d in docs if "/copy" in d[0]]


def test_second_run_finds_duplicates_among_first_run(spec):
    originals, copies = _family_split()
    with open_index(spec) as index:
        assert find_clusters(originals, index=index) == []
        assert len(index) == 20
    with open_index(spec) as index:
        clusters = find_clusters(copies, index=index)
        assert len(index) == 80
    assert len(clusters) == 20
    for c in clusters:
        family = c.keep.split("/")[0]
        assert c.keep == f"{family}/orig"  # the stored document, shown by its stored doc_id
        assert sorted(c.members[1:]) == [f"{family}/copy{i}" for i in range(3)]
        assert c.similarity[c.keep] == 1.0 and min(c.similarity.values()) >= 0.5


def test_earlier_run_is_kept_even_when_shorter(spec):
    text = base_articles()[2][1]
    cut = drop_paragraph(text, __import__("random").Random(1))
    with open_index(spec) as index:
        find_clusters([("old/cut", cut), ("old/other", base_articles()[12][1])], index=index)
        [cluster] = find_clusters([("new/full", text), ("new/unrelated", base_articles()[7][1])], index=index)
    assert cluster.keep == "old/cut" and cluster.members == ["old/cut", "new/full"]


def test_rerun_of_the_same_documents_does_not_match_itself(spec):
    docs = make_labelled_set(3).docs
    with open_index(spec) as index:
        first = find_clusters(docs, index=index)
        again = find_clusters(docs, index=index)
        assert len(index) == len(docs)
    assert again == first and len(first) == 20


def test_unrelated_documents_never_match_the_index(spec):
    with open_index(spec) as index:
        find_clusters(base_articles()[:10], index=index)
        assert find_clusters(base_articles()[10:], index=index) == []


def test_index_refuses_other_parameters(spec):
    with open_index(spec) as index:
        find_clusters(base_articles()[:2], index=index)
    for options in (NearDupOptions(num_perm=64), NearDupOptions(threshold=0.6), NearDupOptions(word_ngram=4)):
        with open_index(spec) as index, pytest.raises(IndexError_, match="other near-duplicate parameters"):
            find_clusters(base_articles()[2:4], options, index=index)
    with open_index(spec) as index:  # the keep rule is not a parameter of the index
        find_clusters(base_articles()[2:4], NearDupOptions(keep="first"), index=index)
        assert len(index) == 4


def test_index_of_an_older_format_is_refused(spec):
    """An index of format 2 (other shingles and signatures) must not be mixed with this format's documents."""
    with open_index(spec) as index:
        index.bind({**index_params(NearDupOptions()), "format": 2})
    with open_index(spec) as index, pytest.raises(IndexError_, match="format=3 \\(index: 2\\)") as err:
        find_clusters(base_articles()[:2], index=index)
    assert "new index" in err.value.hint


def _sketches(docs):
    return [d for d in sketch_documents([(i, doc_id, text, None) for i, (doc_id, text) in enumerate(docs)],
                                        NearDupOptions()) if d]


def test_batched_candidates_equal_one_by_one(spec):
    with open_index(spec) as index:
        find_clusters(base_articles()[:10], index=index)
        sigs = [d.signature for d in _sketches(base_articles()[:4] + base_articles()[12:14])]
        assert index.candidates_many(sigs) == [index.candidates(s) for s in sigs]
        assert all(index.candidates_many(sigs)[:4]) and index.candidates_many([]) == []


def test_sqlite_index_bad_paths(tmp_path):
    with pytest.raises(IndexError_) as missing:
        open_index(str(tmp_path / "no" / "such" / "dir" / "index.sqlite"))
    assert missing.value.hint
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(IndexError_):
        open_index(str(junk))


def test_unreachable_redis_is_a_clear_error():
    pytest.importorskip("redis", reason="the Redis client (pip install redis) is needed to reach a server")
    with pytest.raises(IndexError_) as err:
        open_index(f"redis://127.0.0.1:{_free_port()}/0")
    assert "redis-server" in str(err.value)


def test_missing_redis_client_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(IndexError_) as err:
        open_index("redis://127.0.0.1:6379/0")
    assert err.value.hint == "pip install redis"


_KILLED_WRITER = textwrap.dedent("""
    import os, signal, sys
    from dedup.index import open_index
    from dedup.neardup import find_clusters
    from tests.neardup_data import make_labelled_set

    docs = make_labelled_set(0).docs
    index = open_index(sys.argv[1])
    find_clusters(docs[:40], index=index)  # first batch: committed

    class KillBeforeCommit:
        '''The connection, except that COMMIT never happens: the process dies first.'''
        def __init__(self, db):
            self._db = db
        def __getattr__(self, name):
            return getattr(self._db, name)
        def execute(self, sql, *args):
            if sql == "COMMIT":
                os.kill(os.getpid(), signal.SIGKILL)
            return self._db.execute(sql, *args)

    index._db = KillBeforeCommit(index._db)
    find_clusters(docs[40:], index=index)  # second batch: all rows written, then SIGKILL
    print("not killed")
""")


def test_sqlite_index_survives_a_run_killed_mid_write(tmp_path):
    path = str(tmp_path / "index.sqlite")
    proc = subprocess.run([sys.executable, "-c", _KILLED_WRITER, path], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == -9, proc.stderr
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()
    docs = make_labelled_set(0).docs
    with open_index(path) as index:
        assert len(index) == 40  # the killed batch left nothing behind
        clusters = find_clusters(docs[40:], index=index)  # the index still works and is extended
        assert len(index) == len(docs)
    stored_ids = {d[0] for d in docs[:40]}
    assert any(c.keep in stored_ids for c in clusters)
    new_ids = {d[0] for d in docs[40:]}
    expected = [c for c in find_clusters(docs) if new_ids & set(c.members)]
    # Same groups as one run over everything, except that a stored document linked only to another stored
    # one is not repeated (the run that stored them reported that link).
    assert all(any(set(c.members) <= set(e.members) for e in expected) for c in clusters)
    clustered_new = {m for c in clusters for m in c.members if m in new_ids}
    assert clustered_new == {m for e in expected for m in e.members if m in new_ids}


def test_replaced_document_keeps_its_place_in_path_order(spec):
    docs = base_articles()[:3]
    with open_index(spec) as index:
        find_clusters(docs, index=index)
        before = {k: v.seq for k, v in index.fetch({d[0] for d in docs}).items()}
        find_clusters([docs[0]], index=index)
        after = {k: v.seq for k, v in index.fetch({d[0] for d in docs}).items()}
        assert len(index) == 3
    assert before == after and sorted(before.values()) == list(before.values())


_LOOPING_WRITER = textwrap.dedent("""
    import sys
    from dedup.index import open_index
    from dedup.neardup import find_clusters

    index = open_index(sys.argv[1])
    for run in range(10_000):
        words = lambda j: " ".join(f"w{run}x{j}y{k}" for k in range(300))
        find_clusters([(f"r{run}/d{j}", words(j)) for j in range(25)], index=index)
        print(run, flush=True)
""")


def test_sqlite_index_usable_after_sigkill_at_any_moment(tmp_path):
    """A writer killed from outside while it keeps writing leaves whole runs only."""
    path = str(tmp_path / "index.sqlite")
    proc = subprocess.Popen([sys.executable, "-c", _LOOPING_WRITER, path], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    for _ in range(3):
        assert proc.stdout.readline(), "writer died before committing three runs"
    proc.kill()
    proc.wait(timeout=10)
    proc.stdout.close()
    with open_index(path) as index:
        n = len(index)
        assert n >= 75 and n % 25 == 0
        bands = index._read("SELECT COUNT(DISTINCT doc_id) FROM bands")[0][0]
        assert bands == n  # every stored document has its LSH band keys, and no orphan keys
        text = " ".join(f"w0x3y{k}" for k in range(300))
        [cluster] = find_clusters([("again", text)], index=index)
    assert cluster.keep == "r0/d3" and cluster.members == ["r0/d3", "again"]
