"""Near-duplicate clustering as a Dask bag pipeline, with `neardup.find_clusters`' exact results.

A run with `--engine dask` needs nothing from here: it is the one streamed run
(`dedup.runner`) with the Dask cluster as its workers (`dedup.workers`).  This
module is for a corpus too large for one machine's near-duplicate stage: the
signatures and LSH band keys are computed on the workers and grouped (a
shuffle) into buckets, every bucket into candidate pairs; the exact check of
those (few) pairs and union-find on the verified edges run on the client.

Why the clusters are exactly `neardup.find_clusters`': every document is
sketched by the local function (`neardup.sketch_documents`), and LSH buckets
keyed by (band, band key) with `bands.band_keys` give exactly the local
candidate pairs; union-find groups do not depend on the order of the edges.
`run` and `connect` are kept for callers of the former in-memory engine.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING

from .bands import band_keys
from .neardup import Cluster, NearDupOptions, check_unique, link_verified, lsh_params, sketch_documents, validate
from .workers import connect, import_dask

if TYPE_CHECKING:
    from .rundata import RunOptions, RunResult

__all__ = ["connect", "find_clusters", "run"]


def _partitions(n: int, client) -> int:
    """Enough partitions for every worker to get several, never more than items."""
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    return max(1, min(n, workers * 4))


def _sign(items: list[tuple[int, str, str]], opts: NearDupOptions) -> list:
    """The sketches of a partition's documents (`neardup.sketch_documents`, as locally), empty ones left out."""
    return [d for d in sketch_documents([(pos, doc_id, text, None) for pos, doc_id, text in items], opts) if d]


def _band_keys(doc, bands: int, rows: int) -> list[tuple[tuple[int, int], str]]:
    """((band, band key), doc_id) for every LSH band of a sketch's signature (`bands.band_keys`, as locally)."""
    keys = band_keys(doc.signature, bands, rows)[0].tolist()
    return [((i, key), doc.doc_id) for i, key in enumerate(keys)]


def _bucket_pairs(bucket: tuple[tuple[int, int], list[tuple[tuple[int, int], str]]]) -> list[tuple[str, str]]:
    """Every sorted id pair of one LSH bucket."""
    ids = sorted({doc_id for _, doc_id in bucket[1]})
    return list(itertools.combinations(ids, 2))


def find_clusters(db, client, items: list[tuple[str, str]], opts: NearDupOptions) -> list[Cluster]:
    """`neardup.find_clusters` (without an index) as a Dask bag pipeline.

    Signatures and band keys are computed and grouped on the workers; the
    candidate pairs (few) are checked exactly and linked on the client, which
    also needs every document's shingle set to measure members against the kept copy.
    """
    validate(opts)
    check_unique([doc_id for doc_id, _ in items])
    if not items:
        return []
    bands, rows = lsh_params(opts)
    signed = (db.from_sequence([(p, i, t) for p, (i, t) in enumerate(items)],
                               npartitions=_partitions(len(items), client))
              .map_partitions(_sign, opts).persist())
    pairs = (signed.map(_band_keys, bands, rows).flatten()
             .groupby(lambda kv: kv[0], shuffle="tasks").map(_bucket_pairs).flatten().distinct())
    docs, candidates = client.compute([signed, pairs], sync=True)
    return link_verified(set(candidates), {d.doc_id: d for d in docs}, opts)


def run(paths: list[str], options: RunOptions, stdin_bytes: bytes | None = None,
        progress: Callable[[int], None] | None = None) -> RunResult:
    """`pipeline.run` on a Dask cluster (`options.scheduler`, or a LocalCluster of `options.jobs` workers)."""
    from dataclasses import replace

    from .pipeline import run as run_in_memory

    import_dask()
    return run_in_memory(paths, replace(options, engine="dask"), stdin_bytes, progress)
