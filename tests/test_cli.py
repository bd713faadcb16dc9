"""The command line: formats, stdin/stdout, provenance file, errors and exit codes."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from click.testing import CliRunner

from dedup.cli import main
from dedup.provenance import DocumentProvenance, check_coverage


def runner() -> CliRunner:
    return CliRunner()


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_command_has_help():
    for args in (["--help"], ["clean", "--help"], ["report", "--help"]):
        result = runner().invoke(main, args)
        assert result.exit_code == 0 and "Usage" in result.output
    assert "PATH" in runner().invoke(main, ["clean", "--help"]).output


def test_version():
    result = runner().invoke(main, ["--version"])
    assert result.exit_code == 0 and "dedup" in result.output


def test_clean_samples_folder(root, tmp_path):
    before = digest(root / "samples")
    out = tmp_path / "out"
    result = runner().invoke(main, ["clean", str(root / "samples"), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""  # data goes to files; nothing on stdout
    for name in ("seeds/001_aa3d1fd60e9f7b70.txt", "english/bridge_repair_damaged.md",
                 "english/pipeline_rows.jsonl"):
        assert (out / name).is_file(), name
    assert digest(root / "samples") == before  # inputs never modified
    rows = [json.loads(x) for x in (out / "dedup-provenance.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["path"] for r in rows} >= {str(root / "samples/seeds/001_aa3d1fd60e9f7b70.txt")}


def test_provenance_round_trips_and_covers_input(root, tmp_path):
    out = tmp_path / "out"
    runner().invoke(main, ["clean", str(root / "samples/seeds"), "-o", str(out), "-q"])
    for line in (out / "dedup-provenance.jsonl").read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        prov = DocumentProvenance.from_json(data)
        assert json.loads(prov.to_line()) == data
        text = Path(data["path"]).read_text(encoding="utf-8")
        assert check_coverage(text, prov.actions) == []
        assert {a["action"] for a in data["actions"]} <= {"kept", "merged", "dropped"}


def test_stdin_to_stdout():
    damaged = "First sentence is here and long enough. Second one is cut off he\n---END---\n" \
              "Second one is cut off here, and then it goes on.\n"
    result = runner().invoke(main, ["clean", "-", "-q"], input=damaged)
    assert result.exit_code == 0
    assert result.stdout == "First sentence is here and long enough. Second one is cut off here, and then it goes on.\n"
    assert result.stderr == ""


def test_single_file_to_stdout_and_clean_text_unchanged(root):
    path = root / "samples/english/library_night_clean.txt"
    result = runner().invoke(main, ["clean", str(path), "-q"])
    assert result.exit_code == 0 and result.stdout == path.read_text(encoding="utf-8")


def test_jsonl_keeps_other_fields(tmp_path):
    src = tmp_path / "in.jsonl"
    rows = [{"id": 7, "text": "advertisements\nA body sentence that is long enough to stay.\n", "lang": "en"}]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    result = runner().invoke(main, ["clean", str(src), "-o", str(out), "-q"])
    assert result.exit_code == 0
    got = [json.loads(x) for x in (out / "in.jsonl").read_text(encoding="utf-8").splitlines()]
    assert got == [{"id": 7, "text": "A body sentence that is long enough to stay.\n", "lang": "en"}]


def test_jsonl_custom_field_and_bad_rows(tmp_path):
    src = tmp_path / "rows.jsonl"
    src.write_text('{"body": "ok text here."}\n{not json\n{"other": 1}\n{"body": 5}\n', encoding="utf-8")
    out = tmp_path / "out"
    result = runner().invoke(main, ["clean", str(src), "-o", str(out), "-q", "--text-field", "body"])
    assert result.exit_code == 1
    assert result.stderr.count("dedup: error:") == 3
    assert "row 2" in result.stderr and "row 3" in result.stderr and "row 4" in result.stderr
    assert [json.loads(x) for x in (out / "rows.jsonl").read_text().splitlines()] == [{"body": "ok text here."}]


def test_front_matter_preserved_untouched(tmp_path):
    src = tmp_path / "post.md"
    text = "---\ntitle: A\ntags: [x, x]\n---\n\nBody line one is long enough.\n\n---END---\n\nBody line one is long enough.\n"
    src.write_text(text, encoding="utf-8")
    result = runner().invoke(main, ["clean", str(src), "-q"])
    assert result.stdout.startswith("---\ntitle: A\ntags: [x, x]\n---\n")
    assert result.stdout.count("Body line one is long enough.") == 1


def test_missing_and_bad_inputs_fail_alone(tmp_path):
    good = tmp_path / "in" / "good.txt"
    good.parent.mkdir()
    good.write_text("A perfectly fine article sentence.\n", encoding="utf-8")
    (tmp_path / "in" / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "in" / "empty.txt").write_text("   \n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner().invoke(main, ["clean", str(tmp_path / "in"), str(tmp_path / "nope.txt"), "-o", str(out), "-q"])
    assert result.exit_code == 1
    errs = [x for x in result.stderr.splitlines() if x.startswith("dedup: error:")]
    assert len(errs) == 3
    assert any("binary.txt" in e and "binary" in e for e in errs)
    assert any("empty.txt" in e for e in errs) and any("nope.txt" in e for e in errs)
    assert (out / "good.txt").read_text(encoding="utf-8") == "A perfectly fine article sentence.\n"


def test_folder_without_output_is_a_usage_error(root):
    result = runner().invoke(main, ["clean", str(root / "samples")])
    assert result.exit_code == 2 and "-o OUTDIR" in result.stderr


def test_shift_jis_and_bom_inputs_are_decoded(tmp_path):
    text = "日本語の記事です。文字コードはシフトJISです。\n"
    (tmp_path / "sjis.txt").write_bytes(text.encode("shift_jis"))
    (tmp_path / "bom.txt").write_bytes("\ufeff".encode("utf-8") + text.encode("utf-8"))
    (tmp_path / "u16.txt").write_bytes(text.encode("utf-16"))
    out = tmp_path / "out"
    result = runner().invoke(main, ["clean", str(tmp_path), "-o", str(out), "-q", "--no-near-duplicates"])
    assert result.exit_code == 0, result.stderr
    for name in ("sjis.txt", "bom.txt", "u16.txt"):
        assert (out / name).read_text(encoding="utf-8") == text


def test_output_folder_inside_input_is_not_read_back(tmp_path):
    (tmp_path / "a.txt").write_text("Some article text that is long enough.\n", encoding="utf-8")
    out = tmp_path / "cleaned"
    for _ in range(2):
        result = runner().invoke(main, ["clean", str(tmp_path), "-o", str(out), "-q"])
        assert result.exit_code == 0
    assert not (out / "cleaned").exists()


def test_markers_option_and_no_repair(tmp_path):
    text = "One sentence that is long enough here.\n@@CUT@@\nOne sentence that is long enough here.\n"
    result = runner().invoke(main, ["clean", "-", "-q", "--marker", "@@CUT@@"], input=text)
    assert "@@CUT@@" not in result.stdout and result.stdout.count("One sentence") == 1
    kept = runner().invoke(main, ["clean", "-", "-q", "--no-repair", "--no-default-markers"], input=text)
    assert kept.stdout.count("One sentence") == 2


def test_near_duplicate_copy_not_written_unless_asked(root, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    article = (root / "tests/data/neardup/articles/en01_garden_rooftop.txt").read_text(encoding="utf-8")
    (src / "a.txt").write_text(article, encoding="utf-8")
    (src / "b.txt").write_text("Syndicated from Elsewhere\n\n" + article, encoding="utf-8")
    out = tmp_path / "out"
    result = runner().invoke(main, ["clean", str(src), "-o", str(out), "-q"])
    assert result.exit_code == 0
    assert sorted(p.name for p in out.glob("*.txt")) == ["b.txt"]  # the longer copy is kept
    rows = [json.loads(x) for x in (out / "dedup-provenance.jsonl").read_text().splitlines()]
    dropped = [r for r in rows if r.get("duplicate_of")]
    assert len(dropped) == 1 and dropped[0]["actions"][0]["reason"] == "near_duplicate_doc"
    both = tmp_path / "both"
    runner().invoke(main, ["clean", str(src), "-o", str(both), "-q", "--keep-duplicates"])
    assert sorted(p.name for p in both.glob("*.txt")) == ["a.txt", "b.txt"]


def test_seeds_stay_five_documents(root, tmp_path):
    out = tmp_path / "out"
    runner().invoke(main, ["clean", str(root / "samples/seeds"), "-o", str(out), "-q"])
    assert len(list(out.glob("*.txt"))) == 5


def test_version_on_every_command():
    for args in (["--version"], ["clean", "--version"], ["report", "--version"]):
        result = runner().invoke(main, args)
        assert result.exit_code == 0 and "dedup, version" in result.output


def test_html_page_becomes_markdown_with_its_headline(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>Ferry news</title></head><body><nav><a href='/'>Home</a></nav>"
                    "<h1>Electric ferry enters service</h1><article>"
                    + "<p>The new electric ferry made its first crossing on Monday morning with ninety passengers.</p>" * 3
                    + "</article><footer>© 2024 Ferry News</footer></body></html>", encoding="utf-8")
    out = tmp_path / "out"
    result = runner().invoke(main, ["clean", str(page), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    text = (out / "page.md").read_text(encoding="utf-8")
    assert text.startswith("# Electric ferry enters service\n")
    assert text.count("The new electric ferry made its first crossing") == 1  # a paragraph written again at once
    assert "Home" not in text


def test_index_remembers_an_earlier_run(root, tmp_path):
    article = (root / "tests/data/neardup/articles/en05_ferry_electric.txt").read_text(encoding="utf-8")
    other = (root / "tests/data/neardup/articles/en09_water_meters.txt").read_text(encoding="utf-8")
    first, second = tmp_path / "day1", tmp_path / "day2"
    first.mkdir(), second.mkdir()
    (first / "ferry.txt").write_text(article, encoding="utf-8")
    (second / "ferry_syndicated.txt").write_text("From the Harbour Gazette\n\n" + article, encoding="utf-8")
    (second / "water.txt").write_text(other, encoding="utf-8")
    index = tmp_path / "seen.sqlite"
    assert runner().invoke(main, ["clean", str(first), "-o", str(tmp_path / "o1"), "-q", "--index", str(index)]).exit_code == 0
    result = runner().invoke(main, ["clean", str(second), "-o", str(tmp_path / "o2"), "-q", "--index", str(index)])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "o2").glob("*.txt")) == ["water.txt"]
    rows = [json.loads(x) for x in (tmp_path / "o2" / "dedup-provenance.jsonl").read_text().splitlines()]
    copy = [r for r in rows if r["path"].endswith("ferry_syndicated.txt")][0]
    assert copy["duplicate_of"].endswith("ferry.txt") and copy["output"] is None


def test_html_extraction_loss_is_provenance_and_report(tmp_path):
    """What the extractor left out of the page counts: provenance and report say how much, and 'removed' includes it."""
    page = tmp_path / "page.html"
    nav = "".join(f"<li><a href='/s{i}'>Section number {i} of the site</a></li>" for i in range(30))
    page.write_text("<html><head><title>Ferry news</title></head><body><nav><ul>" + nav + "</ul></nav>"
                    "<h1>Electric ferry enters service</h1><article>"
                    "<p>The new electric ferry made its first crossing on Monday morning with ninety passengers.</p>"
                    "<p>Islanders had campaigned for a cleaner ferry for years, the operator said.</p>"
                    "</article><footer>© 2024 Ferry News</footer></body></html>", encoding="utf-8")
    out = tmp_path / "out"
    result = runner().invoke(main, ["clean", str(page), "-o", str(out), "-q", "--extract", "precision"])
    assert result.exit_code == 0, result.stderr
    prov = json.loads((out / "dedup-provenance.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert prov["page_chars"] > prov["chars_in"] and prov["extraction_left_out"] > 0
    (doc,) = json.loads((out / "dedup-report.json").read_text(encoding="utf-8"))["documents"]
    assert doc["extraction_left_out"] == prov["extraction_left_out"] and doc["removed_share"] > 0.3


def test_unknown_extraction_mode_is_a_usage_error(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>Text of the page.</p></body></html>", encoding="utf-8")
    result = runner().invoke(main, ["clean", str(page), "--extract", "greedy"])
    assert result.exit_code == 2 and "greedy" in result.stderr
