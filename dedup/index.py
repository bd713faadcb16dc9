"""Persistent near-duplicate index: what earlier runs saw, so later runs can match against it.

Per document the index keeps its doc_id, MinHash signature (num_perm uint64),
the sorted uint64 shingle hashes (enough to verify a match exactly, without
the text), its character count, its order key and a global sequence number
(insertion order across runs, the "path order" of stored documents).  It also
keeps the parameters it was made with: signatures and LSH buckets made with
other parameters cannot be compared, so a run with different ones is refused.

Two back ends, chosen by `open_index(spec)`:

* a file path: SQLite, the embedded default.  WAL journal, and every batch of
  documents is written in one transaction, so a run killed mid-way leaves the
  index with whole batches only.  LSH band keys live in an indexed table, so a
  query reads only the matching rows, not the whole index.
* ``redis://host:port/db``: `datasketch.MinHashLSH` with Redis storage for the
  buckets, plus one Redis hash per document and one for the parameters.  The
  LSH keys are written before the document record, and a candidate without a
  record is ignored, so a killed run leaves only harmless orphan keys.
"""
from __future__ import annotations

import contextlib
import json
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import parse_qs, urlparse

import numpy as np

from dedup import bands, minhash
from dedup.errors import IndexError_

FORMAT = 3  # 3: shingles and one-permutation signatures by `dedup.docsketch` (formats 1-2 are refused)
BATCH = 500  # documents per transaction
_I = TypeVar("_I", bound="Index")


@dataclass
class StoredDoc:
    """One document as the index keeps it (see module docstring)."""

    doc_id: str
    chars: int
    order: object  # JSON value: None, a number or a string
    signature: np.ndarray
    shingles: np.ndarray
    seq: int = -1  # assigned by the index on insertion


def _params_json(params: dict) -> str:
    return json.dumps(params, sort_keys=True)


def _mismatch(stored: dict, wanted: dict, spec: str) -> IndexError_:
    """The refusal for a run whose parameters differ from the index's."""
    diffs = ", ".join(f"{k}={wanted.get(k)!r} (index: {stored.get(k)!r})"
                      for k in sorted(set(stored) | set(wanted)) if stored.get(k) != wanted.get(k))
    return IndexError_(f"index was made with other near-duplicate parameters: {diffs}", path=spec,
                       hint="run with the index's parameters, or use a new index")


class Index(ABC):
    """Common interface of the back ends.  Call `bind(params)` before anything else."""

    spec: str
    params: dict | None = None

    def bind(self, params: dict) -> None:
        """Record `params` in a new index, or refuse if an existing one has others."""
        stored = self._load_params()
        if stored is None:
            self._store_params(params)
        elif stored != params:
            raise _mismatch(stored, params, self.spec)
        self.params = params
        self._after_bind()

    def add(self, docs: list[StoredDoc]) -> None:
        """Insert or replace documents, `BATCH` per transaction."""
        for start in range(0, len(docs), BATCH):
            self._add_batch(docs[start : start + BATCH])

    def band_keys(self, signatures: list[np.ndarray]) -> list[list[int]]:
        """Per signature, one key per LSH band as the run's candidate search makes it (`bands.band_keys`),
        shifted into SQLite's signed 64-bit range."""
        if not signatures:
            return []
        stacked = np.stack([np.asarray(s, dtype=np.uint64) for s in signatures])
        keys = bands.band_keys(stacked, self.params["bands"], self.params["rows"]) - np.uint64(1 << 63)
        return keys.view(np.int64).tolist()

    def __enter__(self: _I) -> _I:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @abstractmethod
    def _after_bind(self) -> None:
        """Set up what needs the parameters (the Redis LSH)."""

    @abstractmethod
    def _load_params(self) -> dict | None: ...

    @abstractmethod
    def _store_params(self, params: dict) -> None: ...

    @abstractmethod
    def _add_batch(self, docs: list[StoredDoc]) -> None: ...

    @abstractmethod
    def candidates(self, signature: np.ndarray) -> set[str]:
        """doc_ids sharing at least one LSH band with `signature`."""

    def candidates_many(self, signatures: list[np.ndarray]) -> list[set[str]]:
        """`candidates` of every signature (back ends may answer a batch in one round trip)."""
        return [self.candidates(sig) for sig in signatures]

    @abstractmethod
    def fetch(self, doc_ids: set[str]) -> dict[str, StoredDoc]:
        """Stored records of those doc_ids that have one."""

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def close(self) -> None: ...


_QUERY_CHUNK = 1000  # signatures looked up in one join

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (seq INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT UNIQUE NOT NULL,
    chars INTEGER NOT NULL, ord TEXT NOT NULL, signature BLOB NOT NULL, shingles BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS bands (band INTEGER NOT NULL, key INTEGER NOT NULL, doc_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS bands_key ON bands (band, key);
CREATE INDEX IF NOT EXISTS bands_doc ON bands (doc_id);
"""


class SQLiteIndex(Index):
    """The embedded index: one SQLite file in WAL mode (see module docstring)."""

    def __init__(self, path: str):
        self.spec = path
        try:
            self._db = sqlite3.connect(path, timeout=30, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise IndexError_(f"cannot open the SQLite index: {exc}", path=path,
                              hint="give a writable file path (its folder must exist) that is an index or absent") from exc

    def _write(self, statements: list[tuple[str, list]], begin: str = "BEGIN IMMEDIATE") -> None:
        """Run (sql, rows) pairs in one transaction: all or nothing.  IMMEDIATE takes the write lock at
        once; a plain BEGIN is enough for statements on this connection's temporary tables."""
        try:
            self._db.execute(begin)
            for sql, rows in statements:
                self._db.executemany(sql, rows)
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise IndexError_(f"cannot write the SQLite index: {exc}", path=self.spec,
                              hint="check the disk and that no other program holds the file") from exc

    def _after_bind(self) -> None:
        """Nothing to set up: band keys are computed from `params` on demand."""

    def _read(self, sql: str, args: tuple = ()) -> list[tuple]:
        """Run one query, turning SQLite failures into IndexError_."""
        try:
            return self._db.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise IndexError_(f"cannot read the SQLite index: {exc}", path=self.spec,
                              hint="the file may be damaged; remove it to start a new index") from exc

    def _load_params(self) -> dict | None:
        rows = self._read("SELECT value FROM meta WHERE key='params'")
        return json.loads(rows[0][0]) if rows else None

    def _store_params(self, params: dict) -> None:
        self._write([("INSERT OR IGNORE INTO meta VALUES ('params', ?)", [(_params_json(params),)])])
        stored = self._load_params()  # another process may have made the index first
        if stored != params:
            raise _mismatch(stored, params, self.spec)

    def _add_batch(self, docs: list[StoredDoc]) -> None:
        """Upsert the documents and their band keys; a replaced document keeps its sequence number."""
        rows = [(d.doc_id, d.chars, json.dumps(d.order), d.signature.astype("<u8").tobytes(),
                 d.shingles.astype("<u8").tobytes()) for d in docs]
        bands = [(b, k, d.doc_id) for d, keys in zip(docs, self.band_keys([d.signature for d in docs]), strict=True)
                 for b, k in enumerate(keys)]
        self._write([("DELETE FROM bands WHERE doc_id=?", [(d.doc_id,) for d in docs]),
                     ("INSERT INTO docs (doc_id, chars, ord, signature, shingles) VALUES (?,?,?,?,?) "
                      "ON CONFLICT(doc_id) DO UPDATE SET chars=excluded.chars, ord=excluded.ord, "
                      "signature=excluded.signature, shingles=excluded.shingles", rows),
                     ("INSERT INTO bands VALUES (?,?,?)", bands)])

    def candidates(self, signature: np.ndarray) -> set[str]:
        return self.candidates_many([signature])[0]

    def candidates_many(self, signatures: list[np.ndarray]) -> list[set[str]]:
        """One join per chunk of signatures, not one query per band and document."""
        found: list[set[str]] = [set() for _ in signatures]
        self._read("CREATE TEMP TABLE IF NOT EXISTS wanted (i INTEGER, band INTEGER, key INTEGER)")
        for start in range(0, len(signatures), _QUERY_CHUNK):
            keys = self.band_keys(signatures[start:start + _QUERY_CHUNK])
            rows = [(start + i, b, k) for i, row in enumerate(keys) for b, k in enumerate(row)]
            self._write([("DELETE FROM wanted", [()]), ("INSERT INTO wanted VALUES (?,?,?)", rows)], begin="BEGIN")
            for i, doc_id in self._read("SELECT w.i, b.doc_id FROM wanted w CROSS JOIN bands b "
                                        "ON b.band = w.band AND b.key = w.key"):  # CROSS: wanted outside, bands_key inside
                found[i].add(doc_id)
        return found

    def fetch(self, doc_ids: set[str]) -> dict[str, StoredDoc]:
        out: dict[str, StoredDoc] = {}
        for doc_id in sorted(doc_ids):
            for seq, chars, order, sig, shingles in self._read(
                    "SELECT seq, chars, ord, signature, shingles FROM docs WHERE doc_id=?", (doc_id,)):
                out[doc_id] = StoredDoc(doc_id, chars, json.loads(order), np.frombuffer(sig, "<u8"),
                                        np.frombuffer(shingles, "<u8"), seq=seq)
        return out

    def __len__(self) -> int:
        return self._read("SELECT COUNT(*) FROM docs")[0][0]

    def close(self) -> None:
        self._db.close()


_REDIS_HINT = "start redis-server (or check host, port and db in the redis:// URL)"


@contextlib.contextmanager
def _redis_errors(spec: str) -> Iterator[None]:
    """Turn any Redis client error into an IndexError_ with a hint."""
    import redis

    try:
        yield
    except redis.exceptions.RedisError as exc:
        raise IndexError_(f"Redis index unavailable: {exc}", path=spec, hint=_REDIS_HINT) from exc


def _redis_config(spec: str) -> tuple[dict, str]:
    """Connection parameters and key prefix of redis://host:port/db[?prefix=name]."""
    url = urlparse(spec)
    try:
        db = int(url.path.strip("/") or 0)
        port = url.port or 6379
    except ValueError as exc:
        raise IndexError_(f"bad Redis index URL: {exc}", path=spec, hint="use redis://host:port/db") from exc
    prefix = parse_qs(url.query).get("prefix", ["dedup"])[0]
    return {"host": url.hostname or "localhost", "port": port, "db": db, "socket_connect_timeout": 3}, prefix


class RedisIndex(Index):
    """The shared index in Redis: datasketch's Redis-backed MinHashLSH plus document hashes."""

    def __init__(self, spec: str):
        self.spec = spec
        try:
            import redis
            from redis.backoff import NoBackoff
            from redis.retry import Retry
        except ImportError as exc:
            raise IndexError_("the Python Redis client is not installed", path=spec, hint="pip install redis") from exc
        self._conf, prefix = _redis_config(spec)
        self._key = f"{prefix}:".__add__
        self._redis = redis.Redis(**self._conf)
        self._lsh = None
        self._perms = None
        with _redis_errors(spec):  # a client without retries, so a server that is down fails at once
            redis.Redis(**self._conf, retry=Retry(NoBackoff(), 0)).ping()

    def _load_params(self) -> dict | None:
        with _redis_errors(self.spec):
            raw = self._redis.get(self._key("params"))
        return json.loads(raw) if raw else None

    def _store_params(self, params: dict) -> None:
        with _redis_errors(self.spec):
            self._redis.set(self._key("params"), _params_json(params), nx=True)
        stored = self._load_params()  # another process may have made the index first
        if stored != params:
            raise _mismatch(stored, params, self.spec)

    def _after_bind(self) -> None:
        from datasketch import MinHashLSH

        p = self.params
        config = {"type": "redis", "basename": self._key("lsh").encode(), "redis": self._conf}
        self._lsh = MinHashLSH(num_perm=p["num_perm"], params=(p["bands"], p["rows"]),
                               storage_config=config, prepickle=False)
        self._perms = minhash.permutations(p["num_perm"], p["seed"])

    def _minhash(self, signature: np.ndarray):
        return minhash.as_minhash(np.asarray(signature, dtype=np.uint64), self._perms, self.params["seed"])

    def _add_batch(self, docs: list[StoredDoc]) -> None:
        keys = [d.doc_id.encode() for d in docs]
        with _redis_errors(self.spec):
            old = [k for k in keys if k in self._lsh]
            with self._lsh.deletion_session() as session:
                for k in old:
                    session.remove(k)
            with self._lsh.insertion_session() as session:
                for k, d in zip(keys, docs, strict=True):
                    session.insert(k, self._minhash(d.signature), check_duplication=False)
            seqs = self._seqs(docs)
            pipe = self._redis.pipeline(transaction=True)
            for d in docs:
                pipe.hset(self._key("doc:" + d.doc_id), mapping={
                    "seq": seqs[d.doc_id], "chars": d.chars, "ord": json.dumps(d.order),
                    "signature": d.signature.astype("<u8").tobytes(), "shingles": d.shingles.astype("<u8").tobytes()})
                pipe.sadd(self._key("ids"), d.doc_id)
            pipe.execute()

    def _seqs(self, docs: list[StoredDoc]) -> dict[str, int]:
        """Sequence numbers: a replaced document keeps its own, new ones get the next free."""
        pipe = self._redis.pipeline(transaction=False)
        for d in docs:
            pipe.hget(self._key("doc:" + d.doc_id), "seq")
        old = {d.doc_id: int(v) for d, v in zip(docs, pipe.execute(), strict=True) if v is not None}
        fresh = [d.doc_id for d in docs if d.doc_id not in old]
        first = self._redis.incrby(self._key("seq"), len(fresh)) - len(fresh) + 1 if fresh else 0
        return {**old, **{doc_id: first + i for i, doc_id in enumerate(fresh)}}

    def candidates(self, signature: np.ndarray) -> set[str]:
        with _redis_errors(self.spec):
            return {k.decode() for k in self._lsh.query(self._minhash(signature))}

    def fetch(self, doc_ids: set[str]) -> dict[str, StoredDoc]:
        ids = sorted(doc_ids)
        with _redis_errors(self.spec):
            pipe = self._redis.pipeline(transaction=False)
            for doc_id in ids:
                pipe.hgetall(self._key("doc:" + doc_id))
            rows = pipe.execute()
        return {doc_id: StoredDoc(doc_id, int(r[b"chars"]), json.loads(r[b"ord"]),
                                  np.frombuffer(r[b"signature"], "<u8"), np.frombuffer(r[b"shingles"], "<u8"),
                                  seq=int(r[b"seq"]))
                for doc_id, r in zip(ids, rows, strict=True) if r}

    def __len__(self) -> int:
        with _redis_errors(self.spec):
            return self._redis.scard(self._key("ids"))

    def close(self) -> None:
        self._redis.close()


def open_index(spec: str) -> Index:
    """Open (creating if needed) the index named by `spec`: a file path, or redis://host:port/db."""
    if spec.startswith("redis://"):
        return RedisIndex(spec)
    return SQLiteIndex(spec)
