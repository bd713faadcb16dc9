"""The folder run on a Dask cluster (`--engine dask`), with the local engine's exact results.

`dedup clean ... -o OUTDIR --engine dask` is the streamed run of
`dedup.folder_run` with the cluster as its workers (`folder_run._workers`):
the same batch functions are submitted to the cluster instead of a process
pool, results are taken in order, and the client keeps only the index, so it
writes what the local engine writes.  This module is the in-memory run
(`dedup report`, output to stdout), the same stages as `dedup.pipeline.run`
spread with `dask.bag`:

1. read: the inputs are discovered on the client and read and decoded on the
   workers (one task per input file), so the workers must see the same paths
   (a shared file system, or a LocalCluster on this machine);
2. corpus pass: on the client - it needs every document's lines at once;
3. clean: `clean_text` mapped over the documents, with the learned chrome sent
   once to the workers;
4. near-duplicates: shingle hashes and MinHash signatures mapped over the
   cleaned texts; every document emits its LSH band keys, which are grouped
   (a shuffle) into buckets, and every bucket into candidate pairs; the exact
   check of those (few) pairs and union-find on the verified edges run on the client.

Why the results are byte-identical to the local engine: every per-document
function is the local one (`pipeline._documents_of`, `pipeline._clean_one`,
`neardup.sketch_documents`), results come back in input order, and LSH buckets keyed by
(band, band key) with the local engine's `bands.band_keys` give exactly the
local engine's candidate pairs.  Union-find
groups do not depend on the order of the edges.  A persistent `--index` is a
client-side store: with one, the near-duplicate stage runs on the client.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING

from . import reader
from .bands import band_keys
from .errors import ConfigError, DedupError
from .neardup import (
    Cluster,
    NearDupOptions,
    _check_unique,
    _Doc,
    _validate,
    link_verified,
    lsh_params,
    sketch_documents,
)

if TYPE_CHECKING:
    from .pipeline import RunOptions, RunResult

PIP_HINT = 'pip install "dask[bag]" distributed   (or: pip install "dedup[dask]")'


def _import_dask():
    """dask.bag and distributed, or a DedupError that says how to install them."""
    try:
        import dask.bag as db
        import distributed
    except ImportError as exc:
        raise ConfigError(f"--engine dask needs dask and distributed ({exc.name} is missing)", hint=PIP_HINT) from exc
    return db, distributed


def connect(scheduler: str | None, workers: int, timeout: str = "20s"):
    """(client, cluster): a client of `scheduler`, or of a new LocalCluster of `workers` processes."""
    _, distributed = _import_dask()
    if scheduler:
        try:
            return distributed.Client(scheduler, timeout=timeout), None
        except (OSError, TimeoutError) as exc:
            raise ConfigError(f"cannot reach the Dask scheduler at {scheduler}: {exc}",
                              hint="start one with `dask scheduler` and `dask worker ADDRESS`") from exc
    cluster = distributed.LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    return distributed.Client(cluster), cluster


def _partitions(n: int, client) -> int:
    """Enough partitions for every worker to get several, never more than items."""
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    return max(1, min(n, workers * 4))


def _read_spec(spec: reader.InputFile, options: RunOptions, stdin_bytes: bytes | None):
    """(documents, errors) of one input file, as `pipeline.read_documents` would collect them."""
    from .pipeline import _documents_of

    errors: list[DedupError] = []
    try:
        return _documents_of(spec, options, stdin_bytes, errors), errors
    except DedupError as exc:
        return [], errors + [exc]


def read_documents(db, client, paths: list[str], options: RunOptions, stdin_bytes: bytes | None):
    """Discover on the client, read on the workers; documents and errors in the local engine's order."""
    specs = list(reader.discover(paths, options.stdin_format, options.exclude))
    readable = [s for s in specs if not isinstance(s, DedupError)]
    bag = db.from_sequence(readable, npartitions=_partitions(len(readable), client)) if readable else None
    results = iter(bag.map(_read_spec, options, stdin_bytes).compute() if bag is not None else [])
    docs: list[reader.Document] = []
    errors: list[DedupError] = []
    for spec in specs:
        if isinstance(spec, DedupError):
            errors.append(spec)
            continue
        got, errs = next(results)
        docs.extend(got)
        errors.extend(errs)
    return docs, errors


def clean_documents(db, client, docs: list[reader.Document], options: RunOptions, learned):
    """`pipeline._clean_one` mapped over the documents on the workers, in input order."""
    from dask import delayed

    from .pipeline import _clean_one

    if not docs:
        return []
    shared = delayed(learned, traverse=False)
    bag = db.from_sequence(docs, npartitions=_partitions(len(docs), client))
    return bag.map(lambda doc, lb: _clean_one((doc, options.clean, lb)), shared).compute()


def _sign(items: list[tuple[int, str, str]], opts: NearDupOptions) -> list[_Doc]:
    """The sketches of a partition's documents (`neardup.sketch_documents`, as locally), empty ones left out."""
    return [d for d in sketch_documents([(pos, doc_id, text, None) for pos, doc_id, text in items], opts) if d]


def _band_keys(doc: _Doc, bands: int, rows: int) -> list[tuple[tuple[int, int], str]]:
    """((band, band key), doc_id) for every LSH band of the signature (`bands.band_keys`, as locally)."""
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
    _validate(opts)
    _check_unique([doc_id for doc_id, _ in items])
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
    from . import pipeline

    db, _ = _import_dask()
    client, cluster = connect(options.scheduler, options.jobs)
    try:
        docs, errors = read_documents(db, client, paths, options, stdin_bytes)
        learned = pipeline.corpus_pass(docs, options)
        results = clean_documents(db, client, docs, options, learned)
        if progress:
            progress(len(results))
        outcomes = [pipeline.Outcome(doc, res) for doc, res in zip(docs, results, strict=True)]
        clusters: list[Cluster] = []
        if options.near_duplicates and outcomes:
            clusters = _link(db, client, outcomes, options)
        return pipeline.RunResult(outcomes, errors, clusters, learned, paths)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _link(db, client, outcomes: list, options: RunOptions) -> list[Cluster]:
    """Cluster on the cluster (or on the client with an index), then mark copies as `pipeline.link_duplicates` does."""
    from . import pipeline

    if options.index:
        return pipeline.link_duplicates(outcomes, options)
    clusters = find_clusters(db, client, [(o.doc.doc_id, o.result.text) for o in outcomes], options.neardup)
    pipeline.mark_clusters(outcomes, clusters, options.keep_duplicates)
    return clusters
