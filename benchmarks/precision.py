"""Precision on real, undamaged text, and repair of damaged texts whose repetition is deliberate.

Four sections, each a set of markdown tables on stdout (with its run time):

1. Negatives (songs, psalms, poems: the repetition is the author's), cleaned by
   ``dedup clean DIR -o OUT --no-near-duplicates`` on a temporary copy of the
   chosen half, compared as ``check_negatives.py`` does (non-blank lines,
   whitespace folded, punctuation-only lines ignored): documents changed,
   characters lost, and every destructive action (not ``kept``) by rule.
2. Clean real article bodies (livedoor homme + peachy bodies, Zyte
   ``articleBody`` of 400 characters or more), cleaned with chrome removal off
   and with the default options: documents changed (bytes), characters lost,
   destructive actions by rule.  Any change here is a false positive.
3. Damaged negatives: each negative damaged by ``tests/damage.py`` under
   ``--seeds`` seeds and cleaned with the default options, scored against the
   original (character-LCS F1, extra sentence copies); the undamaged text is
   the sanity row.
4. Near-duplicates on real text: ``dedup report`` on the livedoor article files
   (default options); each document reported as a copy, its kept copy, the
   recorded similarity and an independent one (Jaccard and containment of
   character 5-grams of the article bodies).

Each document belongs to one half by a stable hash of its corpus-relative path
(first byte of its SHA-1 even: ``tune``, odd: ``report``).  Section 4 runs on
all livedoor files (a copy's original may lie in the other half) and lists the
copies that belong to the chosen half.  The corpora are read where they lie;
section 1 copies its half to a temporary folder outside the project.  The
official scorer (``/work/shared/tools/textscore.py``) and negatives check are
loaded by path when they exist, else ``tests/quality.py`` and a copy of the check.

Usage: ``python benchmarks/precision.py [CORPORA] [--half tune|report|all] [--seeds 3]
[--sections 1,2,3,4] [--show 8] [--tools /work/shared/tools]``
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from damage import damage  # noqa: E402
from quality import extra_copies, f1  # noqa: E402

from dedup import clean_text  # noqa: E402
from dedup.clean import CleanOptions  # noqa: E402

MIN_ZYTE = 400
LIVEDOOR = ("livedoor-homme", "peachy")


# ---------------------------------------------------------------- shared helpers

def in_half(rel: str, half: str) -> bool:
    """Whether the document at corpus-relative path `rel` belongs to `half` (stable across runs)."""
    if half == "all":
        return True
    even = hashlib.sha1(rel.encode("utf-8")).digest()[0] % 2 == 0
    return even == (half == "tune")


def load_module(path: Path):
    """A module loaded from a file, or None when the file is absent."""
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_lines(text: str) -> list[str]:
    """A copy of check_negatives.py's comparison: non-blank lines, whitespace folded, punctuation-only lines left out."""
    return [" ".join(x.split()) for x in text.splitlines() if any(c.isalnum() for c in x)]


def scorer(tools: Path) -> tuple[str, Callable[[str, str], tuple[float, int]]]:
    """(name, score(out, gold) -> (F1, extra copies)): the official scorer if present, else tests/quality.py."""
    official = load_module(tools / "textscore.py")
    if official is not None:
        def score(out: str, gold: str) -> tuple[float, int]:
            s = official.score(out, gold)
            return s["f1"], s["dup_sentences"]
        return str(tools / "textscore.py"), score
    return "tests/quality.py", lambda out, gold: (f1(out, gold), extra_copies(out, gold))


def table(headers: list[str], rows: Iterable[Iterable[object]]) -> None:
    """Print a markdown table."""
    print("| " + " | ".join(headers) + " |")
    print("|" + "|".join(" --- " for _ in headers) + "|")
    for row in rows:
        print("| " + " | ".join(_cell(v) for v in row) + " |")
    print()


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value).replace("|", "\\|").replace("\n", "⏎")


def snippet(text: str, span: Iterable[int], width: int = 60) -> str:
    """The input text of an action's source span, on one line, cut to `width` characters."""
    s, e = span
    piece = " ".join(text[s:e].split())
    return piece if len(piece) <= width else piece[:width - 1] + "…"


def destructive(actions: Iterable) -> list:
    """The actions that are not `kept` (dropped or merged), as provenance records or JSON dicts."""
    return [a for a in actions if _get(a, "action") != "kept"]


def _get(action, name: str):
    value = action[name] if isinstance(action, dict) else getattr(action, name)
    return getattr(value, "value", value)


def rule_key(action) -> str:
    return f"{_get(action, 'action')}/{_get(action, 'reason')}/{_get(action, 'rule')}"


def rule_table(hits: list[tuple[str, str, object, str]], show: int) -> None:
    """`hits` are (label, document, action, input text): counts per (label, rule), then examples.

    The examples are the first action of each (label, rule), then the first `show` others.
    """
    counts: Counter = Counter()
    docs: dict[tuple[str, str], set] = defaultdict(set)
    for label, doc, action, _ in hits:
        counts[label, rule_key(action)] += 1
        docs[label, rule_key(action)].add(doc)
    if not counts:
        print("no destructive actions\n")
        return
    table(["set", "action/reason/rule", "actions", "documents"],
          [(label, key, n, len(docs[label, key])) for (label, key), n in sorted(counts.items())])
    first: dict[tuple[str, str], tuple] = {}
    for hit in hits:
        first.setdefault((hit[0], rule_key(hit[2])), hit)
    examples = list(first.values()) + [h for h in hits if h not in first.values()][:show]
    table(["set", "document", "rule", "lines", "input text"],
          [(label, doc, _get(a, "rule"), "-".join(map(str, _get(a, "lines"))), snippet(text, _get(a, "source")))
           for label, doc, a, text in examples])


# ---------------------------------------------------------------- 1. negatives, folder run

def negative_files(corpora: Path, half: str) -> list[str]:
    """Corpus-relative paths (under negatives/) of the chosen half's texts."""
    root = corpora / "negatives"
    return [p.relative_to(root).as_posix() for p in sorted(root.glob("*/*.txt"))
            if in_half(p.relative_to(corpora).as_posix(), half)]


def run_negatives(corpora: Path, rels: list[str]) -> tuple[Path, dict[str, list[dict]]]:
    """`dedup clean` on a temporary copy of `rels`; (output folder, actions per relative path)."""
    tmp = Path(tempfile.mkdtemp(prefix="dedup-precision-"))
    src, out = tmp / "in", tmp / "out"
    for rel in rels:
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpora / "negatives" / rel, src / rel)
    subprocess.run([sys.executable, "-m", "dedup", "clean", str(src), "-o", str(out), "--no-near-duplicates",
                    "-q"], check=True)
    actions = {}
    for line in (out / "dedup-provenance.jsonl").read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        actions[Path(doc["path"]).relative_to(src).as_posix()] = doc["actions"]
    return out, actions


def section_negatives(args) -> None:
    rels = negative_files(args.corpora, args.half)
    out, actions = run_negatives(args.corpora, rels)
    official = load_module(args.tools / "check_negatives.py")
    lines = official.lines if official is not None else check_lines
    per_lang: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    changed, hits, lost = [], [], 0
    for rel in rels:
        text = (args.corpora / "negatives" / rel).read_text(encoding="utf-8")
        done = out / rel
        a, b = lines(text), lines(done.read_text(encoding="utf-8")) if done.exists() else []
        bad = destructive(actions.get(rel, []))
        row = per_lang[rel.split("/")[0]]
        row[0] += 1
        row[3] += len(bad)
        hits += [(rel.split("/")[0], rel, x, text) for x in bad]
        if a != b:
            gone = list((Counter(a) - Counter(b)).elements())
            changed.append((rel, len(gone), gone[0] if gone else "(same lines, other order)"))
            row[1] += 1
            row[2] += sum(map(len, a)) - sum(map(len, b))
            lost += sum(map(len, a)) - sum(map(len, b))
    shutil.rmtree(out.parent, ignore_errors=True)
    print(f"negatives ({args.half}): {len(changed)}/{len(rels)} documents changed, {max(0, lost)} characters lost "
          "(check_negatives comparison)\n")
    table(["lang", "documents", "changed", "chars lost", "destructive actions"],
          [(lang, *row) for lang, row in sorted(per_lang.items())])
    if changed:
        table(["changed document", "lines lost", "first lost line"], [(r, n, line[:80]) for r, n, line in changed])
    rule_table(hits, args.show)


# ---------------------------------------------------------------- 2. clean real bodies

def livedoor_body(path: Path) -> str:
    """The article body as benchmarks/livedoor_repair.py takes it: lines after URL, date and title."""
    text = "\n".join(path.read_text(encoding="utf-8").splitlines()[3:]).strip() + "\n"
    return "\n\n".join(p.strip() for p in text.split("\n\n") if p.strip()) + "\n"


def livedoor_files(corpora: Path) -> list[Path]:
    return [p for name in LIVEDOOR for p in sorted((corpora / "livedoor" / name).glob("*-*.txt"))]


def zyte_bodies(corpora: Path) -> list[tuple[str, str]]:
    """(corpus-relative id, body) of the Zyte bodies of 400+ characters, as benchmarks/zyte_repair.py takes them."""
    truth = corpora / "zyte-article-extraction" / "ground-truth.json"
    out = []
    for key, record in sorted(json.loads(truth.read_text(encoding="utf-8")).items()):
        text = (record.get("articleBody") or "").strip()
        if len(text) >= MIN_ZYTE:
            body = "\n\n".join(p.strip() for p in text.split("\n") if p.strip()) + "\n"
            out.append((f"zyte-article-extraction/ground-truth.json#{key}", body))
    return out


def real_bodies(corpora: Path, half: str) -> list[tuple[str, str, str]]:
    """(set, corpus-relative id, body) of the chosen half's clean bodies."""
    docs = [(p.parent.name, p.relative_to(corpora).as_posix(), livedoor_body(p)) for p in livedoor_files(corpora)]
    docs += [("zyte", rel, body) for rel, body in zyte_bodies(corpora)]
    return [d for d in docs if in_half(d[1], half)]


def section_bodies(args) -> None:
    docs = real_bodies(args.corpora, args.half)
    modes = {"no-boilerplate": CleanOptions(boilerplate=False), "default": CleanOptions()}
    rows, hits = [], []
    for mode, options in modes.items():
        for name in (*LIVEDOOR, "zyte"):
            subset = [(rel, body) for s, rel, body in docs if s == name]
            changed = lost = n_bad = 0
            for rel, body in subset:
                result = clean_text(body, options)
                bad = destructive(result.provenance.actions)
                changed += result.text != body
                lost += max(0, len(body) - len(result.text))
                n_bad += len(bad)
                hits += [(f"{mode} {name}", rel.rsplit("/", 1)[-1][:24], a, body) for a in bad]
            rows.append((mode, name, len(subset), changed, lost, n_bad))
    table(["options", "set", "documents", "changed (bytes)", "chars lost", "destructive actions"], rows)
    rule_table(hits, args.show)


# ---------------------------------------------------------------- 3. damaged negatives

def section_damaged(args) -> None:
    name, score = scorer(args.tools)
    print(f"scorer: {name}; {args.seeds} damage seeds per text; default options\n")
    per_lang: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    worst = []
    for rel in negative_files(args.corpora, args.half):
        lang, text = rel.split("/")[0], (args.corpora / "negatives" / rel).read_text(encoding="utf-8")
        out = clean_text(text).text
        f, extra = score(out, text)
        per_lang[lang]["clean"].append((f, extra, out != text))
        for seed in range(args.seeds):
            f, extra = score(clean_text(damage(text, seed)).text, text)
            per_lang[lang]["damaged"].append((f, extra, False))
            worst.append((f, extra, rel, seed))
    rows = [_score_row(lang, kind, per_lang[lang][kind]) for kind in ("damaged", "clean") for lang in sorted(per_lang)]
    for kind in ("damaged", "clean"):
        rows.append(_score_row("all", kind, [r for lang in per_lang for r in per_lang[lang][kind]]))
    table(["lang", "input", "runs", "mean F1", "min F1", "mean extra copies", "changed (bytes)"], rows)
    table(["worst damaged", "seed", "F1", "extra copies"],
          [(rel, seed, f, extra) for f, extra, rel, seed in sorted(worst)[:args.show]])


def _score_row(lang: str, kind: str, runs: list[tuple[float, int, bool]]) -> tuple:
    scores = [f for f, _, _ in runs]
    changed = sum(c for _, _, c in runs) if kind == "clean" else "-"
    return (lang, kind, len(runs), statistics.mean(scores), min(scores),
            statistics.mean(e for _, e, _ in runs), changed)


# ---------------------------------------------------------------- 4. near-duplicates on real text

def grams(text: str, n: int = 5) -> set[str]:
    """Character n-grams of the text folded (NFKC, case) with whitespace removed."""
    folded = "".join(unicodedata.normalize("NFKC", text).casefold().split())
    return {folded[i:i + n] for i in range(max(1, len(folded) - n + 1))}


def similarity(a: str, b: str) -> tuple[float, float]:
    """(Jaccard, containment of the smaller in the larger) of two texts' character 5-grams."""
    ga, gb = grams(a), grams(b)
    common = len(ga & gb)
    return common / len(ga | gb), common / min(len(ga), len(gb))


def report_clusters(files: list[Path]) -> list[dict]:
    """The clusters of `dedup report` on `files` (default options: near-duplicates on)."""
    with tempfile.TemporaryDirectory(prefix="dedup-precision-") as tmp:
        target = Path(tmp) / "report.json"
        subprocess.run([sys.executable, "-m", "dedup", "report", *map(str, files), "--json", str(target), "-q"],
                       check=False)
        return json.loads(target.read_text(encoding="utf-8"))["clusters"]


def section_neardup(args) -> None:
    files = livedoor_files(args.corpora)
    rel = {str(p): p.relative_to(args.corpora / "livedoor").as_posix() for p in files}
    clusters = report_clusters(files)
    rows = []
    for cluster in clusters:
        keep = cluster["keep"]
        for member in cluster["members"]:
            if member == keep or not in_half(f"livedoor/{rel[member]}", args.half):
                continue
            jac, cont = similarity(livedoor_body(Path(member)), livedoor_body(Path(keep)))
            rows.append((rel[member], rel[keep], cluster["similarity"][member], jac, cont,
                         in_half(f"livedoor/{rel[keep]}", args.half)))
    print(f"{len(files)} livedoor files, {len(clusters)} clusters; {len(rows)} copies in half {args.half}\n")
    if rows:
        table(["copy (dropped)", "kept copy", "reported sim", "Jaccard 5-gram", "containment", "kept in half"], rows)
    low = sum(r[3] < 0.5 for r in rows)
    print(f"copies with independent Jaccard < 0.5: {low}; with containment < 0.5: {sum(r[4] < 0.5 for r in rows)}; "
          f"with reported similarity < 0.5: {sum(r[2] < 0.5 for r in rows)}\n")


# ---------------------------------------------------------------- main

SECTIONS = {
    1: ("Negatives: default cleaning, folder run", section_negatives),
    2: ("Clean real bodies: changes are false positives", section_bodies),
    3: ("Damaged negatives: repair quality", section_damaged),
    4: ("Near-duplicates on livedoor", section_neardup),
}


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpora", type=Path, nargs="?", default=Path("/work/shared/corpora"))
    ap.add_argument("--half", choices=("tune", "report", "all"), default="report")
    ap.add_argument("--seeds", type=int, default=3, help="damage seeds per negative text (section 3)")
    ap.add_argument("--sections", default="1,2,3,4", help="comma-separated subset of 1,2,3,4")
    ap.add_argument("--show", type=int, default=8, help="examples listed per section")
    ap.add_argument("--tools", type=Path, default=Path("/work/shared/tools"),
                    help="folder of the official textscore.py (optional)")
    args = ap.parse_args()
    args.sections = [int(s) for s in args.sections.split(",") if s.strip()]
    if any(s not in SECTIONS for s in args.sections):
        ap.error("--sections takes numbers from 1,2,3,4")
    return args


def main() -> None:
    args = parse_args()
    print(f"# dedup precision: half {args.half}, corpora {args.corpora}\n")
    for number in args.sections:
        title, run = SECTIONS[number]
        print(f"## {number}. {title}\n")
        start = time.perf_counter()
        run(args)
        print(f"_section {number}: {time.perf_counter() - start:.1f} s_\n")


if __name__ == "__main__":
    main()
