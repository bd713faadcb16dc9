"""Bad input, odd encodings, odd names and odd output folders: one clear error each, nothing else lost.

Every bad input kind below sits in a folder next to a good file.  The run must
exit 1 with exactly one ``dedup: error: PATH: problem (hint)`` line naming the
bad file, clean the good file anyway, and leave every input byte-identical.
Inputs that only look odd (legacy encodings, BOMs, CR line endings, nested or
unclosed HTML, odd file names) are decoded and cleaned with exit 0.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from dedup import clean_text
from dedup.cli import main

GOOD = "A perfectly fine article sentence that is long enough to keep.\n"
ERROR_RE = re.compile(r"^dedup: error: (?P<path>.+?): (?P<problem>.+) \((?P<hint>[^()]+)\)$")
SLOW = os.environ.get("DEDUP_SLOW") == "1"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def invoke(*args: str):
    """Run `dedup` in-process; returns click's Result (stdout and stderr apart)."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def digest(folder: Path) -> dict[str, str]:
    """sha256 of every regular file under `folder` (links are not followed)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not p.is_symlink():
            out[str(p.relative_to(folder))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def error_lines(stderr: str) -> list[str]:
    """The `dedup: error:` lines of stderr."""
    return [line for line in stderr.splitlines() if line.startswith("dedup: error:")]


def write(path: Path, data: bytes | str) -> None:
    """Create `path` (and its folder) with `data`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)


def _symlink_loop(folder: Path) -> None:
    os.symlink("loop.txt", folder / "loop.txt")


def _broken_link(folder: Path) -> None:
    os.symlink("does-not-exist.txt", folder / "broken.txt")


def _fifo(folder: Path) -> None:
    os.mkfifo(folder / "pipe.txt")


def _gzip_bomb(folder: Path) -> None:
    write(folder / "bomb.html.gz", gzip.compress(b"<p>" + b"a" * (5 * 2**20) + b"</p>"))


def _html_too_large(folder: Path) -> None:
    write(folder / "long.html", "<html><body><p>" + "word " * (900 * 1024) + "</p></body></html>")


# name → (how to make the bad file inside the folder, the file name, a word the problem must contain)
BAD_INPUTS: dict[str, tuple[Callable[[Path], None], str, str]] = {
    "empty": (lambda d: write(d / "empty.txt", b""), "empty.txt", "empty"),
    "whitespace_only": (lambda d: write(d / "ws.txt", " \n\t\r\n  \n"), "ws.txt", "whitespace"),
    "nul_bytes": (lambda d: write(d / "nul.txt", b"some text\x00more text"), "nul.txt", "binary"),
    "png_renamed_txt": (lambda d: write(d / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"),
                        "image.txt", "binary"),
    "invalid_utf8": (lambda d: write(d / "bad.txt", b"Caf\xc3 au lait \xff is a drink. " * 3), "bad.txt", "UTF-8"),
    "utf16_bom_odd_bytes": (lambda d: write(d / "u16.txt", b"\xff\xfeA\x00B\x00C"), "u16.txt", "utf-16"),
    "jsonl_malformed_row": (lambda d: write(d / "rows.jsonl", '{"text": "Row one is fine text."}\n{oops\n'),
                            "rows.jsonl", "row 2"),
    "jsonl_row_without_text": (lambda d: write(d / "rows.jsonl", '{"text": "Row one is fine."}\n{"body": "x"}\n'),
                               "rows.jsonl", "no field"),
    "jsonl_non_string_text": (lambda d: write(d / "rows.jsonl", '{"text": ["a", "b"]}\n'), "rows.jsonl",
                              "not a string"),
    "jsonl_row_not_object": (lambda d: write(d / "rows.jsonl", '[1, 2, 3]\n'), "rows.jsonl", "not a JSON object"),
    "jsonl_empty": (lambda d: write(d / "rows.jsonl", ""), "rows.jsonl", "empty"),
    "symlink_loop": (_symlink_loop, "loop.txt", "loop"),
    "broken_link": (_broken_link, "broken.txt", "broken link"),
    "fifo": (_fifo, "pipe.txt", "not a regular file"),
    "gzip_corrupt": (lambda d: write(d / "page.html.gz", b"\x1f\x8b\x08\x00garbage"), "page.html.gz", "gzip"),
    "gzip_truncated": (lambda d: write(d / "page.html.gz", gzip.compress(b"<p>Some page text.</p>" * 50)[:-12]),
                       "page.html.gz", "gzip"),
    "gzip_bomb": (_gzip_bomb, "bomb.html.gz", "too large"),
    "html_too_large": (_html_too_large, "long.html", "too large"),
    "html_without_text": (lambda d: write(d / "blank.html", "<html><head></head><body> </body></html>"),
                          "blank.html", "no text"),
    "png_renamed_html": (lambda d: write(d / "pic.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff"), "pic.html",
                         "not HTML"),
    "too_large": (lambda d: write(d / "huge.txt", "Big text line here. " * 200_000), "huge.txt", "too large"),
    "jsonl_row_too_large": (lambda d: write(d / "big.jsonl", json.dumps({"text": "word " * 700_000}) + "\n"),
                            "big.jsonl", "too large"),
    "jsonl_gzip_truncated": (lambda d: write(d / "rows.jsonl.gz", gzip.compress(b'{"text": "Fine row."}\n' * 99)[:-12]),
                             "rows.jsonl.gz", "gzip"),
    "jsonl_gzip_corrupt": (lambda d: write(d / "rows.jsonl.gz", b"\x1f\x8b\x08\x00garbage"), "rows.jsonl.gz", "gzip"),
    "jsonl_endless_row": (lambda d: write(d / "rows.jsonl.gz", gzip.compress(b"x" * (17 * 2**20))), "rows.jsonl.gz",
                          "row longer than"),
}


@pytest.fixture
def small_limit(monkeypatch):
    """Documents above 2 MB are refused (the default, pinned so the size cases stay quick)."""
    monkeypatch.setenv("DEDUP_MAX_INPUT_MB", "2")


@pytest.mark.parametrize("kind", sorted(BAD_INPUTS))
def test_bad_input_is_one_clear_error_and_the_rest_is_cleaned(kind, tmp_path, small_limit):
    make, name, word = BAD_INPUTS[kind]
    src = tmp_path / "in"
    write(src / "good.txt", GOOD)
    make(src)
    before = digest(src)
    result = invoke("clean", str(src), "-o", str(tmp_path / "out"), "-q")
    assert result.exit_code == 1, result.stderr
    lines = error_lines(result.stderr)
    assert len(lines) == 1, result.stderr
    match = ERROR_RE.match(lines[0])
    assert match, lines[0]
    assert match["path"].endswith(name), lines[0]
    assert word.lower() in match["problem"].lower(), lines[0]
    assert (tmp_path / "out" / "good.txt").read_text(encoding="utf-8") == GOOD
    assert digest(src) == before


def test_unreadable_file(tmp_path, monkeypatch):
    """chmod 000; as root (who reads anything) the read itself is made to fail with EACCES."""
    src = tmp_path / "in"
    write(src / "good.txt", GOOD)
    write(src / "locked.txt", "Secret text that cannot be read.\n")
    os.chmod(src / "locked.txt", 0)
    if IS_ROOT:
        real = Path.read_bytes

        def read_bytes(self):
            if self.name == "locked.txt":
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    try:
        result = invoke("clean", str(src), "-o", str(tmp_path / "out"), "-q")
    finally:
        os.chmod(src / "locked.txt", 0o644)
    lines = error_lines(result.stderr)
    assert result.exit_code == 1 and len(lines) == 1, result.stderr
    assert "locked.txt: permission denied" in lines[0] and ERROR_RE.match(lines[0])
    assert (tmp_path / "out" / "good.txt").read_text(encoding="utf-8") == GOOD


def test_missing_path_on_the_command_line(tmp_path):
    write(tmp_path / "good.txt", GOOD)
    result = invoke("clean", str(tmp_path / "good.txt"), str(tmp_path / "nope.txt"), "-o", str(tmp_path / "out"))
    lines = error_lines(result.stderr)
    assert result.exit_code == 1 and len(lines) == 1 and "nope.txt: no such file" in lines[0]
    assert (tmp_path / "out" / "good.txt").read_text(encoding="utf-8") == GOOD


def test_output_that_would_overwrite_an_input_is_refused(tmp_path):
    write(tmp_path / "a.txt", GOOD)
    write(tmp_path / "sub" / "b.txt", "Another fine article sentence, long enough as well.\n")
    before = digest(tmp_path)
    result = invoke("clean", str(tmp_path / "a.txt"), str(tmp_path / "sub" / "b.txt"), "-o", str(tmp_path / "sub"))
    lines = error_lines(result.stderr)
    assert result.exit_code == 1 and len(lines) == 1 and "overwrite an input" in lines[0], result.stderr
    assert (tmp_path / "sub" / "a.txt").read_text(encoding="utf-8") == GOOD
    assert {k: v for k, v in digest(tmp_path).items() if k in before} == before


def test_provenance_path_that_is_an_input_is_refused(tmp_path):
    write(tmp_path / "a.txt", GOOD)
    before = digest(tmp_path)
    result = CliRunner().invoke(main, ["clean", str(tmp_path / "a.txt"), "-q", "--provenance", str(tmp_path / "a.txt")])
    assert result.exit_code != 0
    assert digest(tmp_path) == before


def _clean_with(tmp_path: Path, option: str, value: str):
    """`dedup clean a.txt -q OPTION VALUE` in-process ({a} in VALUE is the input's path)."""
    write(tmp_path / "a.txt", GOOD)
    value = value.format(a=tmp_path / "a.txt")
    return CliRunner().invoke(main, ["clean", str(tmp_path / "a.txt"), "-q", option, value])


@pytest.mark.parametrize("value", ["{a}", "{a}/p.jsonl"])
def test_unwritable_provenance_is_one_line(value, tmp_path):
    result = _clean_with(tmp_path, "--provenance", value)
    lines = error_lines(result.stderr)
    assert result.exit_code == 1 and len(lines) == 1 and ERROR_RE.match(lines[0]), result.exception
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == GOOD


def test_output_folder_under_a_file_is_one_line(tmp_path):
    result = _clean_with(tmp_path, "-o", "{a}/out")
    lines = error_lines(result.stderr)
    assert result.exit_code == 1 and len(lines) == 1 and ERROR_RE.match(lines[0]), result.stderr


@pytest.mark.parametrize("names", [("a/x.txt", "b/x.txt"), ("page.md", "page.html")])
def test_two_inputs_with_one_output_name_are_not_silently_merged(names, tmp_path):
    for i, name in enumerate(names):
        body = f"Article number {i} has its own sentence that is long enough to keep.\n"
        write(tmp_path / "in" / name, f"<p>{body}</p>" if name.endswith(".html") else body)
    paths = [str(tmp_path / "in" / n) for n in names]
    result = invoke("clean", *paths, "-o", str(tmp_path / "out"), "-q", "--no-near-duplicates")
    lines = error_lines(result.stderr)
    assert result.exit_code == 1 and len(lines) == 1 and "already taken" in lines[0], result.stderr
    assert paths[1] in lines[0] and paths[0] in lines[0]
    written = list((tmp_path / "out").glob("*.*"))
    assert any("Article number 0" in p.read_text(encoding="utf-8") for p in written)


def test_folder_where_an_output_file_goes(tmp_path):
    write(tmp_path / "in" / "a.txt", GOOD)
    write(tmp_path / "in" / "b.txt", "Another fine article sentence, long enough as well.\n")
    (tmp_path / "out" / "a.txt").mkdir(parents=True)
    result = invoke("clean", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q")
    lines = error_lines(result.stderr)
    assert result.exit_code == 1 and len(lines) == 1 and "a folder stands" in lines[0]
    assert (tmp_path / "out" / "b.txt").is_file()


# ---------------------------------------------------------------- decoded, not errors

JA = "日本語の記事です。文字コードのテストをしています。今日は良い天気でした。\n"


@pytest.mark.parametrize("encoding,raw", [
    ("shift_jis", JA.encode("shift_jis")),
    ("euc_jp", JA.encode("euc_jp")),
    ("utf-16 with BOM", JA.encode("utf-16")),
    ("utf-16-be with BOM", b"\xfe\xff" + JA.encode("utf-16-be")),
    ("utf-8 with BOM", b"\xef\xbb\xbf" + JA.encode("utf-8")),
])
def test_legacy_encodings_and_boms_are_decoded(encoding, raw, tmp_path):
    write(tmp_path / "in" / "ja.txt", raw)
    result = invoke("clean", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q")
    assert result.exit_code == 0, (encoding, result.stderr)
    assert (tmp_path / "out" / "ja.txt").read_text(encoding="utf-8") == JA


@pytest.mark.parametrize("newline", ["\r\n", "\r", "mixed"])
def test_line_endings_round_trip_when_undamaged_and_damage_is_repaired(newline, tmp_path):
    lines = ["The river festival drew a large crowd this year.", "Boats raced past the old mill at noon.",
             "The winners were cheered loudly from the bank."]
    joins = ["\r\n", "\r", "\n"] if newline == "mixed" else [newline] * 3
    clean = "".join(line + nl for line, nl in zip(lines, joins, strict=True))
    write(tmp_path / "clean.txt", clean)
    result = invoke("clean", str(tmp_path / "clean.txt"), "-q")
    assert result.exit_code == 0 and result.stdout_bytes == clean.encode("utf-8")
    nl = joins[0]
    damaged = lines[0] + nl + lines[1][:20] + nl + "---END---" + nl + lines[1] + nl + lines[2] + nl
    got = clean_text(damaged).text
    assert "---END---" not in got and got.count("Boats raced") == 1 and lines[2] in got


def test_html_nested_unclosed_and_script(tmp_path):
    body = "The museum opened a new wing for modern sculpture on Saturday morning."
    write(tmp_path / "in" / "deep.html", "<html><body>" + "<div>" * 3000 + f"<p>{body}</p>" + "</div>" * 3000)
    write(tmp_path / "in" / "unclosed.html", f"<html><body><div><p><b>{body} <i>It stays open")
    write(tmp_path / "in" / "script.html", "<html><head><script>var secret = 'do not keep me';</script></head>"
          f"<body><article><p>{body}</p><script>document.write('nor me')</script></article></body></html>")
    result = invoke("clean", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q", "--no-near-duplicates")
    assert result.exit_code == 0, result.stderr
    for name in ("deep.md", "unclosed.md", "script.md"):
        out = (tmp_path / "out" / name).read_text(encoding="utf-8")
        assert body in out, name
        assert "do not keep" not in out and "nor me" not in out and "<" not in out


def test_broken_front_matter_keeps_the_body(tmp_path):
    text = "---\ntitle: [unclosed\n: : bad yaml\nThe body sentence of the article is long enough.\n"
    write(tmp_path / "broken.md", text)
    result = invoke("clean", str(tmp_path / "broken.md"), "-q")
    assert result.exit_code == 0
    assert "title: [unclosed" in result.stdout and "The body sentence of the article" in result.stdout


def test_front_matter_only_is_unchanged(tmp_path):
    text = "---\ntitle: A\ntags: [x]\n---\n"
    assert clean_text(text).text == text


def test_only_markers_and_marker_at_start(tmp_path):
    only = clean_text("---END---\n---END---\n<|endoftext|>\n")
    assert "END" not in only.text and not only.text.strip()
    assert {a.reason.value for a in only.provenance.actions} == {"marker"}
    start = clean_text("---END---\nThe article begins right after the marker and goes on.\n")
    assert start.text == "The article begins right after the marker and goes on.\n"


def test_odd_names_and_a_folder_named_like_a_file(tmp_path):
    src = tmp_path / "in"
    names = ["with space.txt", "日本語 ファイル.txt", "a..b.txt", "..leading.txt", "x.txt/inner.txt", "ü/ß.md"]
    for i, name in enumerate(names):
        write(src / name, f"Document {i} has a distinct sentence about topic number {i * 7}.\n")
    (src / "empty.txt").mkdir()  # a folder named like a file, with nothing inside
    before = digest(src)
    result = invoke("clean", str(src), "-o", str(tmp_path / "out"), "-q", "--no-near-duplicates")
    assert result.exit_code == 0, result.stderr
    for i, name in enumerate(names):
        assert (tmp_path / "out" / name).read_text(encoding="utf-8").startswith(f"Document {i} ")
    assert all((tmp_path / "out").resolve() in p.resolve().parents for p in (tmp_path / "out").rglob("*"))
    assert digest(src) == before


def test_output_folder_inside_input_folder(tmp_path):
    write(tmp_path / "a.txt", GOOD)
    for _ in range(2):
        result = invoke("clean", str(tmp_path), "-o", str(tmp_path / "cleaned"), "-q")
        assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "cleaned").glob("*.txt")) == ["a.txt"]


def test_existing_output_is_replaced_atomically(tmp_path):
    write(tmp_path / "in" / "a.txt", GOOD)
    target = tmp_path / "out" / "a.txt"
    write(target, "stale content from an older run\n")
    old_inode = target.stat().st_ino
    result = invoke("clean", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q")
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8") == GOOD
    assert target.stat().st_ino != old_inode  # a new file renamed over the old one, not rewritten in place
    assert not [p for p in (tmp_path / "out").rglob("*.tmp")]


# ---------------------------------------------------------------- big files

def _single_line(megabytes: float) -> str:
    """One line of varied English sentences, `megabytes` long (seeded, so always the same)."""
    words = ("council budget river festival museum bridge library ferry bakery owls cinema water marathon "
             "approved debated opened repaired counted reopened measured").split()
    rng = random.Random(50)
    out, size, i = [], 0, 0
    target = int(megabytes * 2**20)
    while size < target:
        sentence = " ".join(rng.choice(words) for _ in range(rng.randint(6, 14))).capitalize() + f" {i}."
        out.append(sentence)
        size += len(sentence) + 1
        i += 1
    return " ".join(out)


def _recurring_shapes(sentences: int) -> str:
    """One line of `sentences` sentences built from only 23 recurring word patterns (numbered)."""
    words = ("council budget river festival museum bridge library ferry bakery owls cinema water marathon "
             "approved debated opened repaired counted reopened measured").split()
    return " ".join(" ".join(words[(i * k + k * k) % len(words)] for k in range(3, 12)).capitalize() + f" {i}."
                    for i in range(sentences))


def test_repair_work_is_bounded_on_recurring_sentences(monkeypatch):
    from dedup import matcher

    calls = []
    real = matcher.Matcher.verify
    monkeypatch.setattr(matcher.Matcher, "verify", lambda self, key, other: calls.append(1) or real(self, key, other))
    clean_text(_recurring_shapes(300))
    assert len(calls) <= 30 * 300, f"{len(calls)} verifications for 300 sentences"


def test_html_with_many_identical_paragraphs_extracts_quickly():
    from dedup.htmlextract import extract_main_text

    page = "<html><body>" + "<p>A paragraph of the long page, number x.</p>" * 3000
    start = time.perf_counter()
    extract_main_text(page)
    assert time.perf_counter() - start < 2.0


def _run_measured(args: list[str], env: dict[str, str] | None = None, timeout: float = 600) -> tuple[int, float, int]:
    """Run `dedup` in a child; (exit code, seconds, peak RSS of the child in MB)."""
    code = ("import resource, subprocess, sys, time; t = time.time(); "
            "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode; "
            "print(rc, time.time() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    cmd = [sys.executable, "-c", code, sys.executable, "-m", "dedup", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})
    rc, seconds, rss_kb = proc.stdout.split()
    return int(rc), float(seconds), int(rss_kb) // 1024


def test_50mb_single_line_is_refused_quickly_in_bounded_memory(tmp_path):
    """Above the document limit the file is refused by its size, before it is read."""
    write(tmp_path / "in" / "big.txt", _single_line(50))
    write(tmp_path / "in" / "good.txt", GOOD)
    rc, seconds, peak = _run_measured(["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q"])
    assert rc == 1 and seconds < 20 and peak < 300, (rc, seconds, peak)
    assert (tmp_path / "out" / "good.txt").is_file()


@pytest.mark.slow
@pytest.mark.skipif(not SLOW, reason="slow: set DEDUP_SLOW=1")
def test_200mb_file_bounded_memory(tmp_path):
    big = tmp_path / "in" / "huge.txt"
    big.parent.mkdir(parents=True)
    with big.open("w", encoding="utf-8") as handle:
        chunk = _single_line(1) + "\n"
        for _ in range(200):
            handle.write(chunk)
    start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rc, seconds, peak = _run_measured(["clean", str(big.parent), "-o", str(tmp_path / "out"), "-q"])
    print(f"200 MB: rc={rc} {seconds:.1f}s peak RSS {peak} MB (test process {start // 1024} MB)")
    assert rc == 1 and peak < 300 and seconds < 60


@pytest.mark.slow
@pytest.mark.skipif(not SLOW, reason="slow: set DEDUP_SLOW=1")
def test_single_line_just_under_the_limit_finishes(tmp_path):
    """A 1.9 MB single line (under the 2 MB limit) is cleaned, and finishes (measures the repair cost)."""
    write(tmp_path / "in" / "big.txt", _single_line(1.9))
    rc, seconds, peak = _run_measured(["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q"], timeout=1800)
    print(f"1.9 MB single line cleaned: rc={rc} {seconds:.1f}s peak RSS {peak} MB")
    assert rc == 0


def test_jsonl_rows_may_hold_raw_unicode_line_breaks(tmp_path):
    """JSON strings may hold U+2028, U+2029 and U+0085 raw (json.dumps(ensure_ascii=False) writes them):
    a row ends at "\\n" only, and those characters come out unchanged."""
    texts = ["First line\u2028still the first row, long enough to be an article.",
             "Second\x85row, and\u2029a third break inside one string."]
    rows = "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\r\n" for i, t in enumerate(texts))
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "rows.jsonl").write_text(rows, encoding="utf-8", newline="")
    result = invoke("clean", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q")
    assert result.exit_code == 0, result.stderr
    out = [json.loads(line) for line in (tmp_path / "out" / "rows.jsonl").read_text(encoding="utf-8").split("\n") if line]
    assert [r["text"] for r in out] == texts


def test_gzipped_jsonl_is_read_as_a_stream_and_written_plain(tmp_path):
    rows = [{"id": i, "text": f"Row {i} is a short article about subject number {i * 31}."} for i in range(3)]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "shard.jsonl.gz").write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode()))
    result = invoke("clean", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q", "--no-near-duplicates")
    assert result.exit_code == 0, result.stderr
    out = [json.loads(ln) for ln in (tmp_path / "out" / "shard.jsonl").read_text(encoding="utf-8").splitlines()]
    assert out == rows
