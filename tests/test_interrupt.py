"""Interruptions and determinism: SIGKILL part-way leaves no half file; same input → same bytes.

A run is killed with SIGKILL as soon as its first outputs appear.  Every file
left in the output folder must then be either a complete output (byte-equal
to an uninterrupted run's) or one of our temporary files (``.NAME.XXXXXXXX.tmp``),
which the next run removes; re-running completes the job.  Separately, two
runs and ``--jobs 1`` vs ``--jobs 2`` must give byte-identical cleaned files,
provenance and JSON report.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dedup.writer import is_temp_name

ROOT = Path(__file__).resolve().parent.parent
WORDS = ("river council museum budget ferry bakery library owls cinema water bridge garden festival "
         "approved opened repaired counted measured debated praised closed moved painted").split()


def _article(rng: random.Random, n: int) -> str:
    """A short article of `n` distinct-ish random sentences."""
    sentences = []
    for i in range(n):
        words = [rng.choice(WORDS) for _ in range(rng.randint(6, 12))]
        sentences.append(" ".join(words).capitalize() + f" number {rng.randint(0, 10**6)} {i}.")
    return "\n\n".join(sentences) + "\n"


@pytest.fixture(scope="module")
def big_folder(tmp_path_factory) -> Path:
    """400 small documents in 4 sub-folders."""
    root = tmp_path_factory.mktemp("interrupt") / "in"
    rng = random.Random(9)
    for i in range(400):
        path = root / f"part{i % 4}" / f"doc{i:03d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_article(rng, 6), encoding="utf-8")
    return root


def _cmd(src: Path, out: Path, *extra: str) -> list[str]:
    """The `dedup clean` command line for `src` → `out`."""
    return [sys.executable, "-m", "dedup", "clean", str(src), "-o", str(out), "-q", "--no-near-duplicates", *extra]


def _files(folder: Path) -> dict[str, bytes]:
    """Every regular file under `folder` by relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _kill_when_outputs_appear(cmd: list[str], out: Path, timeout: float = 120) -> bool:
    """Start `cmd`, SIGKILL it once `out` holds a cleaned file; True if it was killed before finishing."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + timeout
    try:
        while time.time() < deadline and proc.poll() is None:
            if out.is_dir() and any(out.glob("part*/*.txt")):
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                return True
            time.sleep(0.002)
        return False
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_sigkill_leaves_only_complete_files_and_rerun_completes(big_folder, tmp_path):
    complete = tmp_path / "complete"
    subprocess.run(_cmd(big_folder, complete), check=True, timeout=180)
    expected = _files(complete)
    out = tmp_path / "out"
    killed = _kill_when_outputs_appear(_cmd(big_folder, out), out)
    assert killed, "the run finished before it could be killed"
    left = _files(out)
    assert 0 < len([n for n in left if not is_temp_name(Path(n).name)]) < len(expected)
    for name, data in left.items():
        if is_temp_name(Path(name).name):
            continue
        assert name in expected and data == expected[name], f"{name} is half-written or wrong"
    (out / "part0" / ".doc000.txt.abcd1234.tmp").write_text("half", encoding="utf-8")  # as if killed mid-write
    (out / ".notes.tmp").write_text("not ours", encoding="utf-8")
    subprocess.run(_cmd(big_folder, out), check=True, timeout=180)
    again = _files(out)
    assert [n for n in again if is_temp_name(Path(n).name)] == []
    assert again.pop(".notes.tmp") == b"not ours"  # only our own temp names are removed
    assert again == expected


def test_inputs_unchanged_by_runs(big_folder, tmp_path):
    before = _files(big_folder)
    subprocess.run(_cmd(big_folder, tmp_path / "o"), check=True, timeout=180)
    assert _files(big_folder) == before


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory) -> Path:
    """samples/ plus damaged generated articles and a syndicated copy (repair, chrome, near-dups all act)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from damage import damage

    root = tmp_path_factory.mktemp("determinism") / "in"
    for src in sorted((ROOT / "samples").rglob("*")):
        if src.is_file():
            (root / src.relative_to(ROOT)).parent.mkdir(parents=True, exist_ok=True)
            (root / src.relative_to(ROOT)).write_bytes(src.read_bytes())
    articles = sorted((ROOT / "tests/data/neardup/articles").glob("*.txt"))
    (root / "gen").mkdir()
    for i, path in enumerate(articles[:8]):
        (root / "gen" / f"{path.stem}_d{i}.txt").write_text(damage(path.read_text(encoding="utf-8"), i), "utf-8")
    copy = "Syndicated from Elsewhere\n\n" + articles[0].read_text(encoding="utf-8")
    (root / "gen" / "copy.txt").write_text(copy, encoding="utf-8")
    return root


def _clean_all(src: Path, out: Path, jobs: int, hash_seed: int) -> dict[str, bytes]:
    """Clean `src` into `out` with `jobs` workers and a given str-hash seed; every output file's bytes."""
    cmd = [sys.executable, "-m", "dedup", "clean", str(src), "-o", str(out), "-q", "--jobs", str(jobs)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180, cwd=src.parent,
                          env={**os.environ, "PYTHONHASHSEED": str(hash_seed)})
    assert proc.returncode == 0, proc.stderr
    return _files(out)


def test_same_input_same_bytes_across_runs_and_jobs(mixed_folder, tmp_path):
    first = _clean_all(mixed_folder, tmp_path / "a", 1, 1)
    second = _clean_all(mixed_folder, tmp_path / "b", 1, 2)
    parallel = _clean_all(mixed_folder, tmp_path / "c", 2, 3)
    assert {"dedup-provenance.jsonl", "dedup-report.json"} <= first.keys()
    assert b'"near_duplicate_doc"' in first["dedup-provenance.jsonl"]
    for other in (second, parallel):
        assert other.keys() == first.keys()
        for name in first:
            assert other[name] == first[name], f"{name} differs"
