"""One near-duplicate method on a JSONL of cleaned texts: its time and the pairs it links.

Run as ``python neardup_methods.py METHOD TEXTS.jsonl RESULT.json`` (``run_bench.py``
runs every method in its own process, with the Python that has its package:
datatrove and text-dedup pull in heavy dependencies - pyspark, onnxruntime,
datasets - and live in a separate virtualenv).  The timed part starts after
the imports and the loading of the texts, and ends with the clusters; the
pairs written are all pairs inside each cluster, so every method is scored
the same way (pairwise precision/recall against the labels).

Methods, all at an LSH threshold near 0.5 with 128 permutations:

* ``ours``: `dedup.neardup.find_clusters` (LSH candidates, exact check, union-find);
* ``datasketch``: per-document `MinHash.update_batch` + `MinHashLSH` insert/query
  on the same shingles as ours (`dedup.docsketch.shingle_strings`), LSH hits linked as is;
* ``rensa``: the same loop with `RMinHash` / `RMinHashLSH`;
* ``datatrove``: signature, buckets and cluster steps of its MinHash pipeline
  (5-word shingles after its own text simplification, 25 buckets x 5 hashes, sha1: see run_datatrove);
* ``textdedup``: text-dedup's ``minhash`` command (5-gram words, --threshold 0.5).
"""
from __future__ import annotations

import importlib
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path


def _groups(n: int, edges) -> list[list[int]]:
    """Connected components (size >= 2) of the edges over documents 0..n-1."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    out: dict[int, list[int]] = {}
    for i in range(n):
        out.setdefault(find(i), []).append(i)
    return [g for g in out.values() if len(g) > 1]


def run_ours(ids: list[str], texts: list[str]) -> list[list[int]]:
    from dedup.neardup import find_clusters

    pos = {d: i for i, d in enumerate(ids)}
    return [[pos[m] for m in c.members] for c in find_clusters(list(zip(ids, texts, strict=True)))]


def run_loop(ids: list[str], texts: list[str], kind: str) -> list[list[int]]:
    """The plain per-document loop: sign, insert, query, link every hit."""
    from dedup.docsketch import shingle_strings

    def shingles(text: str) -> set[str]:
        return shingle_strings(text, 5, 3)

    if kind == "rensa":
        from rensa import RMinHash, RMinHashLSH

        lsh, sigs = RMinHashLSH(threshold=0.5, num_perm=128, num_bands=32), []
        for i, text in enumerate(texts):
            m = RMinHash(num_perm=128, seed=1)
            m.update(sorted(shingles(text)))
            lsh.insert(i, m)
            sigs.append(m)
        return _groups(len(texts), ((i, j) for i, m in enumerate(sigs) for j in lsh.query(m) if j != i))
    from datasketch import MinHash, MinHashLSH

    lsh, sigs = MinHashLSH(threshold=0.5, num_perm=128), []
    for i, text in enumerate(texts):
        m = MinHash(num_perm=128, seed=1)
        m.update_batch([s.encode("utf-8") for s in shingles(text)])
        lsh.insert(i, m)
        sigs.append(m)
    return _groups(len(texts), ((i, j) for i, m in enumerate(sigs) for j in lsh.query(m) if j != i))


def run_datatrove(ids: list[str], texts: list[str], jsonl: Path) -> list[list[int]]:
    """Datatrove's MinHash steps 1-3 in one process; cluster ids read from its .clusters file."""
    import struct

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.utils.hashing import HashConfig

    # sha1, not its default xxhash: datatrove 0.10.1 passes str to xxhash, which xxhash >= 3.5 refuses
    cfg = MinhashConfig(n_grams=5, num_buckets=25, hashes_per_bucket=5, hash_config=HashConfig(hash_fc="sha1"))
    work = Path(tempfile.mkdtemp(prefix="dt-"))
    reader = JsonlReader(str(jsonl.parent), glob_pattern=jsonl.name, id_key="id")
    steps = [[reader, MinhashDedupSignature(output_folder=str(work / "sigs"), config=cfg)],
             [MinhashDedupBuckets(input_folder=str(work / "sigs"), output_folder=str(work / "buckets"), config=cfg)],
             [MinhashDedupCluster(input_folder=str(work / "buckets"), output_folder=str(work / "remove"), config=cfg,
                                  save_cluster_id=True)]]
    for tasks, pipe in zip((1, cfg.num_buckets, 1), steps, strict=True):
        LocalPipelineExecutor(pipeline=pipe, tasks=tasks, workers=1, logging_dir=str(work / "logs"),
                              skip_completed=False).run()
    raw = (work / "remove" / "000000.clusters").read_bytes() if (work / "remove" / "000000.clusters").exists() else b""
    by_cluster: dict[int, list[int]] = {}
    for doc, cid in struct.iter_unpack("<II", raw):
        by_cluster.setdefault(cid, []).append(doc)
    return [g for g in by_cluster.values() if len(g) > 1]


def run_textdedup(ids: list[str], texts: list[str], jsonl: Path) -> list[list[int]]:
    """text-dedup's `minhash` command on the JSONL; clusters from its union-find dump (--debug)."""
    import pickle

    from text_dedup.minhash import main

    out = Path(tempfile.mkdtemp(prefix="td-"))
    args = ["--path", "json", "--data_files", str(jsonl), "--split", "train", "--cache_dir", str(out / "cache"),
            "--output", str(out / "out"), "--column", "text", "--threshold", "0.5", "--num_perm", "128",
            "--ngram", "5", "--min_length", "0", "--hash_func", "xxh3", "--num_proc", "2", "--debug"]
    main(args, standalone_mode=False)
    with open(out / "out" / "uf.pkl", "rb") as fh:
        uf = pickle.load(fh)
    parent = getattr(uf, "parent", uf)
    roots: dict[int, list[int]] = {}
    for i in range(len(texts)):
        x = i
        while parent.get(x, x) != x:
            x = parent[x]
        roots.setdefault(x, []).append(i)
    return [g for g in roots.values() if len(g) > 1]


_MODULES = {"ours": ["dedup.neardup"], "datasketch": ["datasketch", "dedup.docsketch"],
            "rensa": ["rensa", "dedup.docsketch"],
            "datatrove": ["datatrove.executor", "datatrove.pipeline.dedup.minhash", "datatrove.pipeline.readers",
                          "datatrove.utils.hashing"],
            "textdedup": ["text_dedup.minhash"]}


def main() -> None:
    method, jsonl, result = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    rows = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    ids, texts = [r["id"] for r in rows], [r["text"] for r in rows]
    for module in _MODULES.get(method, []):  # imports are not part of the stage (datasketch's pulls in scipy)
        importlib.import_module(module)
    start = time.perf_counter()
    if method == "ours":
        groups = run_ours(ids, texts)
    elif method in ("datasketch", "rensa"):
        groups = run_loop(ids, texts, method)
    elif method == "datatrove":
        groups = run_datatrove(ids, texts, jsonl)
    elif method == "textdedup":
        groups = run_textdedup(ids, texts, jsonl)
    else:
        raise SystemExit(f"unknown method {method}")
    seconds = time.perf_counter() - start
    pairs = sorted({tuple(sorted((ids[a], ids[b]))) for g in groups for a, b in itertools.combinations(g, 2)})
    result.write_text(json.dumps({"method": method, "seconds": seconds, "pairs": pairs}), encoding="utf-8")


if __name__ == "__main__":
    main()
