"""The `dedup` command line: `dedup clean` and `dedup report`.

Data goes to stdout (a cleaned document, or JSON with `--json -`); progress,
summaries and error messages go to stderr.  Exit status: 0 when every input
was cleaned, 1 when some input failed (the others are still cleaned; one line
per failure on stderr), 2 for a usage error.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from . import __version__
from .clean import CleanOptions
from .corpus import CorpusOptions
from .discover import FORMATS
from .errors import DedupError
from .neardup import NearDupOptions
from .output import PROVENANCE_NAME
from .rundata import ENGINES, EXTRACT_MODES, RunOptions
from .segment import DEFAULT_MARKERS

if TYPE_CHECKING:
    from .folder_run import FolderRun


def shared_options(func):
    """Options of every analysing command (clean and report)."""
    decorators = [
        click.argument("paths", nargs=-1, required=True),
        click.option("--jobs", "-j", type=click.IntRange(1, 256), default=1, show_default=True,
                     help="Worker processes; output is identical whatever the number."),
        click.option("--engine", type=click.Choice(ENGINES), default="local", show_default=True,
                     help="Run on this machine, or on a Dask cluster (same output; needs dedup[dask])."),
        click.option("--scheduler", metavar="ADDRESS",
                     help="Dask scheduler address (tcp://HOST:8786) for --engine dask; default: a local cluster."),
        click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary on stderr."),
        click.option("--marker", "markers", multiple=True, metavar="REGEX",
                     help="A chunk-marker pattern (repeatable); added to the defaults."),
        click.option("--no-default-markers", is_flag=True, help="Do not look for ---END---, <|endoftext|>, [END]."),
        click.option("--no-boilerplate", is_flag=True, help="Keep site chrome (turn the boilerplate step off)."),
        click.option("--no-repair", is_flag=True, help="Do not merge repeated sections or stitch cut sentences."),
        click.option("--boilerplate-from", type=click.Path(dir_okay=False, path_type=Path),
                     help="Also remove the chrome learned earlier and saved with --save-boilerplate."),
        click.option("--min-docs", type=click.IntRange(2), default=3, show_default=True,
                     help="Corpus pass: a line is chrome only if it recurs in at least this many documents."),
        click.option("--text-field", default="text", show_default=True, help="JSONL field that holds the text."),
        click.option("--extract", type=click.Choice(EXTRACT_MODES), default="balanced", show_default=True,
                     help="HTML main-content extraction: balanced (trafilatura's recall, a block dropped only for "
                          "a named reason), precision (strict), recall (keep more)."),
        click.option("--stdin-format", type=click.Choice(FORMATS), default="text",
                     show_default=True, help="Format of `-` (standard input)."),
        click.option("--no-near-duplicates", is_flag=True, help="Do not look for near-duplicate documents."),
        click.option("--threshold", type=click.FloatRange(0.05, 1.0), default=0.5, show_default=True,
                     help="Near-duplicate documents: minimum verified similarity."),
        click.option("--num-perm", type=click.IntRange(16, 1024), default=128, show_default=True,
                     help="Near-duplicate documents: MinHash permutations."),
        click.option("--keep", "keep_rule", type=click.Choice(["longest", "first"]), default="longest",
                     show_default=True, help="Which copy of a near-duplicate cluster is kept."),
        click.option("--index", "index_spec", metavar="PATH|redis://HOST:PORT/DB",
                     help="Persistent near-duplicate index (SQLite file, or Redis) shared across runs."),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def build_options(kw: dict, keep_duplicates: bool = False, exclude: tuple[Path, ...] = ()) -> RunOptions:
    """RunOptions from the shared command-line options (and `clean`'s own), built once."""
    markers = tuple(kw["markers"]) + (() if kw["no_default_markers"] else DEFAULT_MARKERS)
    return RunOptions(
        clean=CleanOptions(markers=markers, boilerplate=not kw["no_boilerplate"], repair=not kw["no_repair"]),
        jobs=kw["jobs"], text_field=kw["text_field"], stdin_format=kw["stdin_format"], extract=kw["extract"],
        corpus=CorpusOptions(min_docs=kw["min_docs"]), boilerplate_from=kw["boilerplate_from"],
        near_duplicates=not kw["no_near_duplicates"],
        neardup=NearDupOptions(threshold=kw["threshold"], num_perm=kw["num_perm"], keep=kw["keep_rule"]),
        index=kw["index_spec"], engine=kw["engine"], scheduler=kw["scheduler"],
        keep_duplicates=keep_duplicates, exclude=list(exclude),
    )


def report_errors(errors: list[DedupError]) -> None:
    """One line per error on stderr."""
    for err in errors:
        click.echo(f"dedup: error: {err}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dedup")
def main() -> None:
    """Repair scraped articles into one canonical text, with provenance notes.

    Finds repeated sections, chunk markers and site chrome inside each article,
    near-duplicate articles across a folder, and writes one canonical text per
    article with notes that say what was dropped or merged, where and why.
    """


@main.command()
@click.version_option(__version__, prog_name="dedup")
@shared_options
@click.option("--output", "-o", "outdir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (mirrors the input paths). Without it, one input is written to stdout.")
@click.option("--provenance", "provenance_path", type=click.Path(dir_okay=False, path_type=Path),
              help=f"Provenance JSONL file (default OUTDIR/{PROVENANCE_NAME}).")
@click.option("--keep-duplicates", is_flag=True, help="Also write the near-duplicate copies of a cluster.")
@click.option("--save-boilerplate", type=click.Path(dir_okay=False, path_type=Path),
              help="Save the chrome learned from these inputs, for --boilerplate-from.")
@click.option("--no-report", is_flag=True,
              help="Do not write dedup-report.json/.html into OUTDIR (they hold an entry per document).")
def clean(paths, outdir, provenance_path, keep_duplicates, save_boilerplate, no_report, quiet, **kw) -> None:
    """Clean PATH... (files, folders, or - for stdin) into OUTDIR."""
    single = len(paths) == 1 and (paths[0] == "-" or Path(paths[0]).is_file())
    if outdir is None and not single:
        raise click.UsageError("-o OUTDIR is required when cleaning a folder or several files")
    if outdir is not None:
        _make_output_folder(outdir)
    options = build_options(kw, keep_duplicates, (outdir,) if outdir is not None else ())
    _clean_streamed(paths, options, outdir, provenance_path, save_boilerplate, not no_report, quiet)


def _clean_streamed(paths, options: RunOptions, outdir: Path | None, provenance_path: Path | None,
                    save_boilerplate: Path | None, reports: bool, quiet: bool) -> None:
    """Clean in bounded memory (`dedup.folder_run`) into OUTDIR, or to stdout without one; exits."""
    from .folder_run import clean_to_folder, clean_to_stream

    stdin = sys.stdin.buffer if "-" in paths else None
    if outdir is None:
        run = _with_progress(quiet, lambda progress: clean_to_stream(list(paths), options, sys.stdout,
                                                                     provenance_path, stdin, progress))
        sys.stdout.flush()
    else:
        run = _with_progress(quiet, lambda progress: clean_to_folder(
            list(paths), options, outdir, provenance_path or outdir / PROVENANCE_NAME, stdin, progress, reports))
    if save_boilerplate and run.learned is not None:
        _guarded(run.errors, run.learned.save, save_boilerplate)
    _finish(run, quiet)


@main.command()
@click.version_option(__version__, prog_name="dedup")
@shared_options
@click.option("--json", "json_path", metavar="FILE", help="Write the JSON report to FILE (- for stdout).")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the self-contained HTML report to FILE.")
def report(paths, json_path, html_path, quiet, **kw) -> None:
    """Analyse PATH... and report what cleaning would do, without writing cleaned files."""
    from .folder_run import ReportTargets, analyse

    options = build_options(kw)
    stdin = sys.stdin.buffer if "-" in paths else None
    targets = ReportTargets(sys.stdout if json_path == "-" else (Path(json_path) if json_path else None), html_path)
    _finish(_with_progress(quiet, lambda progress: analyse(list(paths), options, targets, stdin, progress)), quiet)


def _with_progress(quiet: bool, work: Callable[[Callable[[int], None]], FolderRun]) -> FolderRun:
    """Run `work(progress)` with a progress bar on stderr (a terminal only); a library error exits with one line."""
    from tqdm import tqdm

    bar = tqdm(total=None, unit="doc", file=sys.stderr, disable=quiet or not sys.stderr.isatty(), leave=False)
    try:
        return work(bar.update)
    except DedupError as exc:
        click.echo(f"dedup: error: {exc}", err=True)
        sys.exit(1)
    finally:
        bar.close()


def _finish(run: FolderRun, quiet: bool) -> NoReturn:
    """One line per error, the summary table (unless quiet), and the exit status; all on stderr."""
    from .report import print_summary

    report_errors(run.errors)
    if not quiet:
        print_summary(run.as_result(), run.errors, rows=run.metrics)
    sys.exit(1 if run.errors else 0)


def _make_output_folder(outdir: Path) -> None:
    """Create OUTDIR before any work, so a bad -o is one error line, not one per output file."""
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        click.echo(f"dedup: error: {outdir}: cannot create the output folder: {reason} (choose another -o)", err=True)
        sys.exit(1)


def _guarded(errors: list[DedupError], write, *args) -> None:
    """Run a writer; a library error becomes one more error line instead of a traceback."""
    try:
        write(*args)
    except DedupError as exc:
        errors.append(exc)


if __name__ == "__main__":
    main()
