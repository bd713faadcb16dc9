"""The streamed folder run writes exactly what the in-memory run writes.

`dedup clean DIR -o OUT` streams documents through a spool (`dedup.runner`,
written by `output.write_streamed`) so memory does not hold the corpus; the
library's in-memory `pipeline.run` collects the same stream and is written by
`output.write_outputs`.  Both must give the same bytes:
cleaned files, provenance and both reports, with near-duplicate copies left
out or kept, JSONL inputs, bad inputs, a taken output name, and any `jobs`.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_jobs import write_corpus

from dedup import folder_run, pipeline
from dedup.output import PROVENANCE_NAME, write_outputs, write_provenance
from dedup.report import HTML_NAME, JSON_NAME, build_report, report_json
from dedup.report_html import render_html
from dedup.spool import Spool
from dedup.writer import file_ids


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _in_memory(paths: list[str], options: pipeline.RunOptions, out: Path) -> list:
    """The in-memory run and its writers, as `dedup clean` ran before streaming."""
    out.mkdir(parents=True, exist_ok=True)
    result = pipeline.run(paths, options)
    errors = list(result.errors)
    inputs = file_ids(o.doc.path for o in result.outcomes)
    errors += write_outputs(result, out, options.keep_duplicates, options.text_field, inputs)
    write_provenance(result, out / PROVENANCE_NAME)
    data = build_report(result, errors)
    (out / JSON_NAME).write_text(report_json(data), encoding="utf-8")
    (out / HTML_NAME).write_text(render_html(data), encoding="utf-8")
    return errors


def _streamed(paths: list[str], options: pipeline.RunOptions, out: Path) -> list:
    out.mkdir(parents=True, exist_ok=True)
    return folder_run.clean_to_folder(paths, options, out, out / PROVENANCE_NAME).errors  # writes the reports too


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = write_corpus(tmp_path_factory.mktemp("stream") / "in")
    rows = [{"id": i, "text": t, "lang": "en"} for i, t in enumerate(
        ["First row.\n\nIt repeats. It repeats.\n", "Second row about a river festival and its boats.\n",
         (root / "gen" / "original.txt").read_text(encoding="utf-8")])]
    (root / "rows.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows) + "{broken\n", encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / "bad.txt").write_bytes(b"\xff\xfe\x00\xd8 not utf-16 \x00")
    return root


@pytest.mark.parametrize("keep_duplicates,jobs", [(False, 1), (True, 1), (False, 2)])
def test_streamed_run_writes_the_same_bytes(corpus, tmp_path, keep_duplicates, jobs):
    options = pipeline.RunOptions(jobs=jobs, keep_duplicates=keep_duplicates)
    ref = _in_memory([str(corpus)], pipeline.RunOptions(keep_duplicates=keep_duplicates), tmp_path / "ref")
    got = _streamed([str(corpus)], options, tmp_path / "got")
    assert [str(e) for e in got] == [str(e) for e in ref]
    assert ref  # the bad inputs are reported
    expected, actual = _files(tmp_path / "ref"), _files(tmp_path / "got")
    assert sorted(actual) == sorted(expected)
    for name in expected:
        assert actual[name] == expected[name], name
    provenance = [json.loads(ln) for ln in (tmp_path / "got" / PROVENANCE_NAME).read_text().splitlines()]
    assert any(p.get("duplicate_of") for p in provenance)  # the near-duplicate stage acted


def test_a_taken_output_name_is_the_same_error(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.txt").write_text(f"Text of folder {folder}, long enough to be an article.\n")
    paths = [str(tmp_path / "a" / "x.txt"), str(tmp_path / "b" / "x.txt")]
    ref = _in_memory(paths, pipeline.RunOptions(), tmp_path / "ref")
    got = _streamed(paths, pipeline.RunOptions(), tmp_path / "got")
    assert [str(e) for e in got] == [str(e) for e in ref] and len(got) == 1 and "already taken" in str(got[0])
    assert _files(tmp_path / "got") == _files(tmp_path / "ref")


def test_spool_gives_back_what_went_in_in_order():
    items = [{"n": i, "text": "é" * i} for i in range(50)] + [None, ("tuple", 1)]
    with Spool() as spool:
        for item in items:
            spool.append(item)
        assert len(spool) == len(items)
        assert list(spool) == items
        assert list(spool) == items  # and again
        mixed = []
        for n, item in enumerate(spool):  # a read by number between two steps of an iteration
            mixed.append((item, spool.get(len(items) - 1 - n)))
        assert mixed == list(zip(items, reversed(items), strict=True))


def test_outputs_that_cannot_be_written_are_the_same_errors(corpus, tmp_path):
    """A folder where a JSONL output (written row by row) or a text output should go: same errors and records."""
    for out in (tmp_path / "ref", tmp_path / "got"):
        (out / "rows.jsonl").mkdir(parents=True)
        (out / "gen" / "other.txt").mkdir(parents=True)
    ref = _in_memory([str(corpus)], pipeline.RunOptions(), tmp_path / "ref")
    got = _streamed([str(corpus)], pipeline.RunOptions(jobs=2), tmp_path / "got")
    same = str(tmp_path / "got"), str(tmp_path / "ref")  # the errors name the output folder
    assert [str(e).replace(*same) for e in got] == [str(e) for e in ref]
    assert sum("folder stands where" in str(e) for e in got) == 2
    assert {k: v.replace(same[0].encode(), same[1].encode()) for k, v in _files(tmp_path / "got").items()} \
        == _files(tmp_path / "ref")
    provenance = [json.loads(ln) for ln in (tmp_path / "got" / PROVENANCE_NAME).read_text().splitlines()]
    assert [p["output"] for p in provenance if Path(p["path"]).name == "rows.jsonl"] == [None, None, None]


def test_a_jsonl_file_is_read_in_chunks_of_rows(tmp_path, monkeypatch):
    """More rows than one chunk: the rows come out in order, numbered from 1, whatever the chunking."""
    from dedup import reader

    monkeypatch.setattr(reader, "JSONL_CHUNK_ROWS", 7)
    rows = [{"n": i, "text": f"Row {i} tells its own short story about the number {i * 37}."} for i in range(40)]
    text = "".join(json.dumps(r) + "\n" for r in rows).replace('{"n": 13,', '{"n": 13 oops,')
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "rows.jsonl").write_text(text, encoding="utf-8")
    ref = _in_memory([str(tmp_path / "in")], pipeline.RunOptions(near_duplicates=False), tmp_path / "ref")
    got = _streamed([str(tmp_path / "in")], pipeline.RunOptions(jobs=2, near_duplicates=False), tmp_path / "got")
    assert [str(e) for e in got] == [str(e) for e in ref] and "row 14" in str(got[0])
    assert _files(tmp_path / "got") == _files(tmp_path / "ref")
    out = [json.loads(ln) for ln in (tmp_path / "got" / "rows.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["n"] for r in out] == [i for i in range(40) if i != 13]


def test_streamed_report_is_the_in_memory_report(corpus, tmp_path):
    """`dedup report` (nothing written but the reports) gives the in-memory run's JSON and HTML, byte for byte."""
    import io

    result = pipeline.run([str(corpus)], pipeline.RunOptions())
    data = build_report(result, list(result.errors))
    handle = io.StringIO()
    run = folder_run.analyse([str(corpus)], pipeline.RunOptions(jobs=2),
                             folder_run.ReportTargets(handle, tmp_path / "r.html"))
    assert handle.getvalue() == report_json(data)
    assert (tmp_path / "r.html").read_text(encoding="utf-8") == render_html(data)
    assert [str(e) for e in run.errors] == [str(e) for e in result.errors]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]  # no cleaned file, no provenance


def test_jsonl_on_stdin_streams_to_stdout_like_the_in_memory_run(tmp_path, monkeypatch):
    """`dedup clean - --stdin-format jsonl`: rows read from the stream in chunks, written as they are ready."""
    import io

    from dedup import reader
    from dedup.output import document_texts

    monkeypatch.setattr(reader, "JSONL_CHUNK_ROWS", 5)
    rows = [{"n": i, "text": f"Row {i} is about item {i * 7919 % 1000}.\n---END---\nRow {i} is about item"
                             f" {i * 7919 % 1000}.\n"} for i in range(23)]
    data = "".join(json.dumps(r) + "\n" for r in rows).encode("utf-8")
    options = pipeline.RunOptions(stdin_format="jsonl", near_duplicates=False)
    expected = "".join(document_texts(pipeline.run(["-"], options, data), False, "text").values())
    out = io.StringIO()
    run = folder_run.clean_to_stream(["-"], options, out, tmp_path / "prov.jsonl", io.BytesIO(data))
    assert not run.errors and out.getvalue() == expected
    texts = [json.loads(ln)["text"] for ln in out.getvalue().splitlines()]
    assert texts == [f"Row {i} is about item {i * 7919 % 1000}.\n" for i in range(23)]  # each repeat dropped
    assert len((tmp_path / "prov.jsonl").read_text().splitlines()) == 23
