"""Benchmark `dedup` on a corpus from make_corpus.py; write benchmarks/RESULTS.md.

Measures, in one run: the floor (read + UTF-8 decode + NFKC of every file),
end-to-end `dedup clean` (wall time, MB/s, peak RSS of the child process) with
--jobs 1 and 2 and with --engine dask on a LocalCluster (checked byte-identical
to the local output), and the near-duplicate stage on the cleaned texts for
every method of neardup_methods.py, each scored by pairwise precision/recall
against the labels.  Usage: ``python benchmarks/run_bench.py CORPUS
[--bench-python /work/bench-venv/bin/python] [--results benchmarks/RESULTS.md] [--scale BIGGER_CORPUS]``.
With ``--scale``, also the peak memory of ``--jobs 2`` runs on each corpus, to show how it grows.
"""
from __future__ import annotations

import argparse
import itertools
import json
import platform
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = Path(sys.executable).parent
_RSS = ("import resource, subprocess, sys; rc = subprocess.run(sys.argv[1:]).returncode; "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)")


def machine() -> str:
    """nproc, RAM, CPU model and Python version, as one line."""
    import os

    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), "?")
    ram = next(int(ln.split()[1]) for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal"))
    return f"{os.cpu_count()} CPUs ({cpu}), {ram / 2**20:.1f} GiB RAM, Python {platform.python_version()}, {platform.system()}"


def floor(docs: Path) -> tuple[float, int]:
    """Seconds to read, decode and NFKC-normalise every document (warm cache, best of 3), and the bytes."""
    files = sorted(docs.rglob("*.txt"))
    best, size = float("inf"), 0
    for _ in range(3):
        start = time.perf_counter()
        size = 0
        for f in files:
            data = f.read_bytes()
            size += len(data)
            unicodedata.normalize("NFKC", data.decode("utf-8"))
        best = min(best, time.perf_counter() - start)
    return best, size


def timed_child(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB of the largest process) of a child command; fails on non-zero exit."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _RSS, *cmd], capture_output=True, text=True)
    wall = time.perf_counter() - start
    rss_kb, rc = proc.stdout.split()[-2:]
    if rc != "0":
        raise SystemExit(f"{' '.join(cmd)} failed ({rc}):\n{proc.stderr[-2000:]}")
    return wall, int(rss_kb) / 1024


def clean_run(docs: Path, out: Path, *extra: str) -> tuple[float, float]:
    cmd = [str(VENV / "dedup"), "clean", str(docs), "-o", str(out), "--keep-duplicates", "--threshold", "0.5",
           "-q", *extra]
    return timed_child(cmd)


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def true_pairs(labels: dict) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for c in labels["clusters"] for p in itertools.combinations(c, 2)}


def provenance_pairs(out: Path) -> set[tuple[str, str]]:
    """Pairs linked by the run (every copy with its kept document, and copies of one keep together)."""
    groups: dict[str, set[str]] = {}
    for line in (out / "dedup-provenance.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec.get("duplicate_of"):
            keep = Path(rec["duplicate_of"]).name
            groups.setdefault(keep, {keep}).add(Path(rec["path"]).name)
    return {tuple(sorted(p)) for g in groups.values() for p in itertools.combinations(g, 2)}


def scores(pred: set, truth: set) -> tuple[float, float, float]:
    tp = len(pred & truth)
    p = tp / len(pred) if pred else 1.0
    r = tp / len(truth) if truth else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def method_run(python: str, method: str, texts: Path, work: Path) -> dict:
    """One neardup_methods.py method in its own process; {'error': ...} when it cannot run."""
    result = work / f"{method}.json"
    proc = subprocess.run([python, str(HERE / "neardup_methods.py"), method, str(texts), str(result)],
                          capture_output=True, text=True)
    if proc.returncode != 0 or not result.exists():
        tail = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()][-1:] or ["no output"]
        return {"method": method, "error": tail[0][:200]}
    return json.loads(result.read_text(encoding="utf-8"))


def cleaned_jsonl(docs: Path, out: Path, target: Path) -> int:
    """The cleaned texts (all copies kept) as JSONL rows {id, text}, in input order."""
    rows = [json.dumps({"id": p.name, "text": (out / p.relative_to(docs)).read_text(encoding="utf-8")},
                       ensure_ascii=False) for p in sorted(docs.rglob("*.txt"))]
    target.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return len(rows)


def end_to_end(docs: Path, work: Path, size: int) -> tuple[list[dict], Path]:
    """`dedup clean` with --jobs 1, --jobs 2 and --engine dask; the --jobs 1 output folder."""
    rows = []
    ref = work / "out-j1"
    for label, out, extra in (("local --jobs 1", ref, ()), ("local --jobs 2", work / "out-j2", ("--jobs", "2")),
                              ("dask LocalCluster 2 workers", work / "out-dask", ("--engine", "dask", "--jobs", "2"))):
        wall, rss = clean_run(docs, out, *extra)
        same = "reference" if out == ref else ("yes" if files_of(out) == files_of(ref) else "NO")
        rows.append({"run": label, "seconds": wall, "mbps": size / 2**20 / wall, "rss": rss, "identical": same})
    return rows, ref


def neardup_stage(docs: Path, ref: Path, work: Path, truth: set, bench_python: str) -> list[dict]:
    """Every method on the cleaned texts, with its pairwise scores."""
    texts = work / "cleaned.jsonl"
    cleaned_jsonl(docs, ref, texts)
    rows = []
    for method in ("ours", "datasketch", "rensa", "datatrove", "textdedup"):
        python = bench_python if method in ("datatrove", "textdedup") else sys.executable
        res = method_run(python, method, texts, work)
        if "error" not in res:
            res["p"], res["r"], res["f1"] = scores({tuple(p) for p in res.pop("pairs")}, truth)
        rows.append(res)
    return rows


def memory_scaling(corpora: list[Path], work: Path) -> list[dict]:
    """Peak RSS of `dedup clean --jobs 2` (with and without reports) on corpora of growing size."""
    rows = []
    for corpus in corpora:
        docs = corpus / "docs"
        n = sum(1 for _ in docs.glob("*.txt"))
        mib = sum(p.stat().st_size for p in docs.glob("*.txt")) / 2**20
        for label, extra in (("with reports", ()), ("--no-report", ("--no-report",))):
            wall, rss = clean_run(docs, work / f"scale-{n}-{len(extra)}", "--jobs", "2", *extra)
            rows.append({"docs": n, "mib": mib, "run": label, "seconds": wall, "rss": rss})
    return rows


def render(corpus: Path, labels: dict, size: int, floor_s: float, e2e: list[dict], nd: list[dict],
           e2e_scores: tuple, profile: str, scaling: list[dict]) -> str:
    """RESULTS.md text: machine, tables, ratios, profile summary."""
    base = e2e[0]["seconds"]
    ours = next(r for r in nd if r["method"] == "ours")
    lines = ["# Benchmark results", "", f"Machine: {machine()}.", "",
             f"Corpus: `make_corpus.py --n {labels['n']} --seed {labels['seed']}`: {labels['n']} articles, "
             f"{size / 2**20:.1f} MiB, {len(labels['clusters'])} duplicate clusters ({len(true_pairs(labels))} "
             f"true pairs), {len(labels['damaged'])} damaged documents.", "",
             "## End to end (`dedup clean DIR -o OUT --keep-duplicates --threshold 0.5`)", "",
             f"Floor (read + decode + NFKC, warm cache, best of 3): {floor_s:.3f} s "
             f"({size / 2**20 / floor_s:.1f} MB/s).", "",
             "| run | wall s | MB/s | peak RSS MiB (largest process) | ratio to floor | output identical to --jobs 1 |",
             "|---|---|---|---|---|---|"]
    for r in e2e:
        lines.append(f"| {r['run']} | {r['seconds']:.1f} | {r['mbps']:.3f} | {r['rss']:.0f} | "
                     f"{r['seconds'] / floor_s:.0f}x | {r['identical']} |")
    p, rec, f1 = e2e_scores
    lines += ["", f"Near-duplicates found by the end-to-end run (from the provenance): pairwise precision {p:.3f}, "
              f"recall {rec:.3f}, F1 {f1:.3f}. Speed-up --jobs 2 vs 1: {base / e2e[1]['seconds']:.2f}x; "
              f"dask vs --jobs 1: {base / e2e[2]['seconds']:.2f}x.", "",
              "## Near-duplicate stage on the cleaned texts", "",
              "| method | seconds | ratio to ours | pairwise precision | recall | F1 |", "|---|---|---|---|---|---|"]
    for r in nd:
        if "error" in r:
            lines.append(f"| {r['method']} | failed: {r['error']} | | | | |")
        else:
            lines.append(f"| {r['method']} | {r['seconds']:.2f} | {r['seconds'] / ours['seconds']:.1f}x | "
                         f"{r['p']:.3f} | {r['r']:.3f} | {r['f1']:.3f} |")
    if scaling:
        lines += ["", "## Memory against corpus size (`dedup clean --jobs 2 --keep-duplicates`)", "",
                  "| documents | MiB of text | run | wall s | peak RSS MiB (largest process) |", "|---|---|---|---|---|"]
        lines += [f"| {r['docs']} | {r['mib']:.1f} | {r['run']} | {r['seconds']:.1f} | {r['rss']:.0f} |"
                  for r in scaling]
        for label in ("with reports", "--no-report"):
            pts = [r for r in scaling if r["run"] == label]
            if len(pts) >= 2:
                growth = (pts[-1]["rss"] - pts[0]["rss"]) * 1024 / (pts[-1]["docs"] - pts[0]["docs"])
                lines.append(f"\nGrowth {label}: {growth:.1f} KiB of peak RSS per extra document.")
    lines += ["", "## Profile of the per-document run (pyinstrument, self time per function)", "", "```",
              profile.strip(), "```", ""]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--bench-python", default="/work/bench-venv/bin/python")
    ap.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    ap.add_argument("--profile-docs", type=int, default=300, help="documents profiled in-process")
    ap.add_argument("--scale", type=Path, action="append", default=[],
                    help="a larger make_corpus.py corpus for the memory table (repeatable)")
    args = ap.parse_args()
    docs, labels = args.corpus / "docs", json.loads((args.corpus / "labels.json").read_text(encoding="utf-8"))
    work = Path(tempfile.mkdtemp(prefix="dedup-bench-"))
    floor_s, size = floor(docs)
    e2e, ref = end_to_end(docs, work, size)
    truth = true_pairs(labels)
    nd = neardup_stage(docs, ref, work, truth, args.bench_python)
    sub = work / "profile-docs"
    sub.mkdir()
    for p in sorted(docs.glob("*.txt"))[: args.profile_docs]:
        (sub / p.name).write_bytes(p.read_bytes())
    prof = subprocess.run([sys.executable, str(HERE / "profile_run.py"), str(sub), "--top", "15"],
                          capture_output=True, text=True).stdout
    scaling = memory_scaling([args.corpus, *args.scale], work) if args.scale else []
    text = render(args.corpus, labels, size, floor_s, e2e, nd, scores(provenance_pairs(ref), truth),
                  f"{args.profile_docs} documents\n{prof}", scaling)
    args.results.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
