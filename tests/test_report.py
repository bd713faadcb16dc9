"""The duplication report: JSON content and stability, the terminal summary, HTML escaping.

The corpus is samples/ plus three documents made here: a near-duplicate of a
sample (first line changed) so a cluster shows, a document whose repeated
paragraph carries a <script> (it must come out as text), and an empty file
(an input error the report must list).
"""
from __future__ import annotations

import json
import re
import shutil
from html import unescape
from io import StringIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from dedup import clean_text
from dedup.cli import main
from dedup.report import print_summary, worst_first
from dedup.report_html import csp_hash, script_source
from dedup.report_sections import matching_pairs, repeated_sections, self_similarity

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
ORIGINAL = "003_bd22ce55d57d14e2.txt"
PAYLOAD = '<script>window.__pwned=1;document.title="pwned"</script>'
PARAGRAPH = (f"The council met on Tuesday to discuss the {PAYLOAD} budget for the new bridge. "
             "Members agreed that the repairs must start before the winter storms arrive. "
             "The mayor said the work would take about six months and cost less than expected.")
HOSTILE = (f"# Bridge repairs <b>approved</b> & more\n\nA first paragraph says something about the ferry & the harbour."
           f"\n\n{PARAGRAPH}\n---END---\n{PARAGRAPH}\n")


def build_corpus(root: Path) -> Path:
    """samples/ + a near-duplicate pair + a hostile document + an empty file, under `root`/in."""
    corpus = root / "in"
    shutil.copytree(SAMPLES, corpus)
    seeds = corpus / "seeds"
    lines = (seeds / ORIGINAL).read_text(encoding="utf-8").split("\n")
    (seeds / "003_copy.txt").write_text("\n".join(["A different first line."] + lines[1:]), encoding="utf-8")
    (corpus / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    (corpus / "empty.txt").write_text("  \n", encoding="utf-8")
    return corpus


def clean_corpus(root: Path) -> Path:
    """`dedup clean` the corpus into `root`/out (exit 1: the empty file is an error)."""
    corpus = build_corpus(root)
    out = root / "out"
    result = CliRunner().invoke(main, ["clean", str(corpus), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert "empty.txt: only whitespace" in result.stderr
    return out


@pytest.fixture(scope="module")
def outdir(tmp_path_factory) -> Path:
    return clean_corpus(tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def report(outdir) -> dict:
    return json.loads((outdir / "dedup-report.json").read_text(encoding="utf-8"))


def expected_documents() -> int:
    """Documents of samples/ (one per JSONL row) plus the near-duplicate copy and the hostile document."""
    count = 0
    for path in SAMPLES.rglob("*"):
        if path.suffix == ".jsonl":
            count += sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
        elif path.is_file():
            count += 1
    return count + 2


def by_name(report: dict, name: str) -> dict:
    return next(d for d in report["documents"] if d["id"].endswith(name))


def test_top_level_shape(report):
    assert sorted(report) == ["boilerplate", "clusters", "documents", "errors", "generator", "inputs", "schema",
                              "totals"]
    assert report["schema"] == "dedup-report/1"
    assert report["totals"]["documents"] == len(report["documents"]) == expected_documents()
    assert report["documents"] == worst_first(report["documents"])


def test_near_duplicate_cluster(report):
    cluster = next(c for c in report["clusters"] if c["keep"].endswith(ORIGINAL))
    assert cluster["size"] == 2
    copy = next(m for m in cluster["members"] if m != cluster["keep"])
    assert copy.endswith("003_copy.txt") and 0.7 <= cluster["similarity"][copy] < 1
    assert cluster["similarity"][cluster["keep"]] == 1.0 and cluster["members"][0] == cluster["keep"]
    assert by_name(report, "003_copy.txt")["near_duplicate_of"] == cluster["keep"]


def test_counts_match_provenance(outdir, report):
    rows = [json.loads(line) for line in (outdir / "dedup-provenance.jsonl").read_text(encoding="utf-8").splitlines()]
    for row in rows:
        doc = next(d for d in report["documents"] if (d["path"], d["record"]) == (row["path"], row.get("record")))
        dropped = [a for a in row["actions"] if a["action"] == "dropped"]
        dup = sum(a["source"][1] - a["source"][0] for a in dropped if a["reason"] in ("duplicate", "fragment"))
        assert (doc["chars_in"], doc["chars_out"], doc["duplicate_chars"]) == (row["chars_in"], row["chars_out"], dup)
        assert doc["markers"] == sum(1 for a in dropped if a["reason"] == "marker")
        assert doc["seams"] == sum(1 for a in row["actions"] if a["action"] == "merged")
    assert report["documents"][0]["id"].endswith("003_copy.txt")  # a near-duplicate copy: 100% removed
    damaged = by_name(report, "001_aa3d1fd60e9f7b70.txt")
    assert damaged["markers"] > 0 and damaged["seams"] > 0 and damaged["duplicate_chars"] > 0


def test_sections_quote_the_input(report):
    doc = by_name(report, "001_aa3d1fd60e9f7b70.txt")
    text = (SAMPLES / "seeds" / "001_aa3d1fd60e9f7b70.txt").read_text(encoding="utf-8")
    assert len(doc["sections"]) > 5
    for section in doc["sections"]:
        for side in (section["repeat"], section["kept"]):
            start, end = side["source"]
            assert side["text"] == text[start:end][:len(side["text"])]
            assert side["lines"][0] == text.count("\n", 0, start) + 1
        assert section["repeat"]["source"] != section["kept"]["source"]


def test_errors_and_boilerplate(report):
    (error,) = report["errors"]
    assert error["path"].endswith("empty.txt") and "only whitespace" in error["message"] and error["type"] == "InputError"
    assert report["boilerplate"]["documents"] == report["totals"]["documents"]
    for entry in report["boilerplate"]["entries"]:
        assert entry["documents"] >= 3 and entry["rule"] and entry["text"]


def test_json_is_byte_identical_and_sorted(tmp_path):
    corpus = build_corpus(tmp_path)
    runs = [CliRunner().invoke(main, ["report", str(corpus), "--json", "-", "-q"]) for _ in range(2)]
    assert runs[0].stdout == runs[1].stdout
    data = json.loads(runs[0].stdout)
    assert runs[0].stdout == json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    assert runs[0].stderr.count("\n") == 1  # --quiet: only the error line, no table


def test_report_command_streams_json_only_on_stdout(tmp_path):
    corpus = build_corpus(tmp_path)
    inputs = {p for p in tmp_path.rglob("*") if p.is_file()}
    html = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["report", str(corpus), "--json", "-", "--html", str(html)])
    assert json.loads(result.stdout)["totals"]["documents"] == expected_documents()
    assert "documents" in result.stderr and "hostile.txt" in result.stderr  # the summary table
    assert {p for p in tmp_path.rglob("*") if p.is_file()} == inputs | {html}  # no cleaned files written


def test_html_escapes_document_text(outdir):
    html = (outdir / "dedup-report.html").read_text(encoding="utf-8")
    assert "window.__pwned" in html and PAYLOAD not in html
    assert "&lt;script&gt;window.__pwned=1;document.title=&#34;pwned&#34;&lt;/script&gt;" in html
    assert html.count("<script") == 1  # ours only
    csp = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html).group(1))
    assert csp.startswith("default-src 'none';") and csp.endswith("script-src " + csp_hash(script_source()))
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html)  # nothing from the network


def test_summary_table():
    docs = ["samples/seeds/000_a0e437c2507a7099.txt"]
    from dedup.pipeline import RunOptions, run

    result = run(docs, RunOptions())
    buffer = StringIO()
    print_summary(result, [], Console(file=buffer, width=100))
    text = buffer.getvalue()
    assert "000_a0e437c2507a7099.txt" in text and "1 documents" in text and "0 errors" in text


def test_self_similarity_shows_repeated_block_off_diagonal():
    block = ["Alpha sentence one is here.", "Beta sentence two is here.", "Gamma sentence three is here."]
    text = "\n".join(block + ["Something else entirely now."] + block)
    sim = self_similarity(text)
    assert sim["count"] == 7 and sim["lines"] == [1, 2, 3, 4, 5, 6, 7]
    assert sim["pairs"] == [[1, 5], [2, 6], [3, 7]]  # a line parallel to the diagonal, offset 4
    assert matching_pairs(["k"] * 5, cap=3) == ([[1, 2], [1, 3], [2, 3]], True)


def test_repeated_sections_join_a_block():
    result = clean_text(HOSTILE)
    (section,) = repeated_sections(HOSTILE, result.provenance.actions)
    assert section["action"] == "dropped" and section["reasons"] == ["duplicate"] and section["actions"] == 3
    assert section["repeat"]["text"] == section["kept"]["text"] == PARAGRAPH
    assert section["repeat"]["lines"] == [7, 7] and section["kept"]["lines"] == [5, 5]
