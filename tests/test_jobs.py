"""`--jobs N` gives the same bytes as `--jobs 1`: cleaned files and provenance.

Why: the worker processes of `dedup.workers` return results in
input order and keep no state, so the number of workers must never show in
the output.  The inputs are samples/ plus a few generated damaged documents
(repeated chunks after ``---END---``, a paragraph cut and restarted) and a
syndicated copy, so repair, the corpus pass and near-duplicates all act.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PARAS = [
    "The city council approved the new budget on Tuesday after a long debate about school funding.",
    "Opponents argued that the plan would raise property taxes for most families in the district.",
    "The mayor said the spending was needed to repair roads and bridges damaged during the winter.",
    "A final vote on the transport package is expected next month, officials said.",
    "Residents can comment on the proposal at a public hearing scheduled for the first week of May.",
]
STORM = [
    "A storm brought heavy snow to the northern valleys overnight, closing two mountain passes.",
    "Rescue teams reached a stranded bus before dawn and took its passengers to a nearby school.",
    "Forecasters expect the snow to ease by Thursday, although strong winds may continue.",
]


def _damaged_docs() -> dict[str, str]:
    """A few English documents with the damage the cleaner repairs, plus chrome and a copy."""
    head, foot = "Home | News | Sports | Business", "© 2024 The Example Herald. All rights reserved."
    restarted = PARAS[1][:40] + "\n\n" + PARAS[1]
    docs = {
        "gen/repeat.txt": [STORM[0], STORM[1], "---END---", STORM[1], STORM[2]],
        "gen/restart.txt": [PARAS[2], restarted, PARAS[4]],
        "gen/original.txt": PARAS,
        "gen/copy.txt": [PARAS[0], PARAS[1].replace("most", "many"), PARAS[2], PARAS[3], PARAS[4]],
        "gen/other.txt": ["An entirely different story about a river festival and its boat race.",
                          "Thousands of visitors lined the banks to watch the teams paddle past."],
    }
    return {name: "\n\n".join([head, *body, foot]) + "\n" for name, body in docs.items()}


def write_corpus(root: Path) -> Path:
    """samples/ plus the generated damaged documents under `root` (shared with the Dask engine tests)."""
    shutil.copytree(ROOT / "samples", root / "samples")
    for name, text in _damaged_docs().items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("jobs") / "in")


def _clean(corpus: Path, out: Path, jobs: int) -> dict[str, bytes]:
    """Run `dedup clean` with `jobs` workers; every output file's bytes by relative path."""
    cmd = [sys.executable, "-m", "dedup", "clean", str(corpus), "-o", str(out), "--jobs", str(jobs), "-q"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_jobs_two_matches_jobs_one_byte_for_byte(corpus, tmp_path):
    one = _clean(corpus, tmp_path / "j1", 1)
    two = _clean(corpus, tmp_path / "j2", 2)
    assert "dedup-provenance.jsonl" in one
    assert any(name.startswith("gen/") for name in one)
    assert one.keys() == two.keys()
    for name in one:
        assert one[name] == two[name], f"{name} differs between --jobs 1 and --jobs 2"


def test_damaged_documents_were_actually_repaired(corpus, tmp_path):
    """Guard against a vacuous comparison: the generated damage is acted on."""
    out = _clean(corpus, tmp_path / "j1", 1)
    prov = out["dedup-provenance.jsonl"].decode("utf-8")
    assert "---END---" not in out["gen/repeat.txt"].decode("utf-8")
    assert '"dropped"' in prov and '"near_duplicate_doc"' in prov
