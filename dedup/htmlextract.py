"""Main-content extraction from HTML pages: the article text as Markdown-ish lines, without page furniture.

Owns `extract` (text plus how much of the page's visible text was left out, per mode) and
`extract_main_text` (its text) and the choice of blocks; `decode_html` (page bytes to text) is
re-exported from `dedup.htmldecode`.

Why a combination and not one library: trafilatura is the best open extractor on the Zyte
article benchmark, but it drops inline text it mistakes for boilerplate (e.g. a ``<span
class="link">`` inside a sentence), keeps headlines, related-story lists, newsletter blurbs and
credits in its default mode, and cuts long articles short in its precision mode. So we take
trafilatura's blocks, align each with the BeautifulSoup block it came from to restore the full
paragraph, and in the default ``balanced`` mode use precision mode as a filter: a block of the
default extraction that precision mode left out is dropped only for a named reason
(`DROP_REASONS`). Our own DOM container scoring (`dedup.htmlblocks`) takes over when trafilatura
returns (almost) nothing, as on short pages. benchmarks/README.md has the measurements.
"""
from __future__ import annotations

import bisect
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from dedup.errors import InputError
from dedup.htmlblocks import HEADINGS, WORD_RE, Block, blocks, inside, main_blocks, parse, render, repair, xml_blocks
from dedup.htmldecode import decode_html

HTML_HINT_RE = re.compile(r"<\s*(!doctype|html|head|body|p|div|br|span|a|h[1-6]|li|table|article|meta|title)\b", re.I)
# Short lines that are boilerplate on any news or blog site: calls to action and credits.
BOILERPLATE_RE = re.compile(
    r"^(?:sign up|subscribe|follow (?:us|him|her|them|the)|click here|read more|related|see more|"
    r"you (?:may|might) also like|more:|share (?:this|it|on)|comments?$|tell us what|don'?t miss|"
    r"advertisement|listen to|download|copyright|all rights reserved|©|\(?reporting by|editing by|"
    r"get the latest|have a tip|like this story|sign up for|thanks for signing|keep an eye on your inbox)",
    re.I)
PUNCT_RE = re.compile(r"[.,;:!?。、，！？]")
# A dateline or timestamp: a short line whose words are mostly dates, times and their labels.
DATELINE_RE = re.compile(
    r"\b(?:\d{1,2}:\d{2}|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}|\d{1,2} (?:de )?[a-z]+ (?:de )?\d{4}|"
    r"\d{4}年\d{1,2}月\d{1,2}日)", re.I)
MARKER_RE = re.compile(r"^(?:#{1,6} |- )", re.M)
# trafilatura's options per run: its default, precision and recall modes, and no_fallback (precision mode's backup).
RUNS = {"default": {}, "precision": {"favor_precision": True}, "recall": {"favor_recall": True},
        "no_fallback": {"no_fallback": True}}
MODE_RUNS = {"balanced": ("default", "precision"), "precision": ("precision", "no_fallback"), "recall": ("recall",)}


class Item(NamedTuple):
    """One block on its way to the output: tag, text, link share and furniture flag of its DOM block."""

    tag: str
    text: str
    density: float = 0.0
    furniture: bool = False
    element: object = None  # the bs4 Tag of its DOM block, None when unmatched


MODES = ("balanced", "precision", "recall")
# Every reason a block can be dropped for (the keys of `Extraction.dropped`): `_junk` in any mode,
# `_justified` and `_drop_reason` for the blocks balanced mode takes beyond precision mode's.
DROP_REASONS = ("headline", "call to action", "link list", "dateline", "furniture", "header/trailer",
                "outside the article", "repeated")


@dataclass(frozen=True)
class Extraction:
    """What `extract` returns: the article text and how much of the page's visible text it left out.

    `page_chars` counts the non-whitespace characters of the page's visible text (every text block
    of the parsed page, scripts and styles excluded); `chars_left_out` the part of them not in
    `text` (page furniture, link lists, the headline when `with_title` is False...). `dropped`
    counts the characters of blocks trafilatura found but the filter dropped, by reason.
    """

    text: str
    page_chars: int
    chars_left_out: int
    mode: str = "balanced"
    dropped: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.text


def extract(html: str | bytes, url: str | None = None, *, mode: str = "balanced", with_title: bool = False,
            comments: bool = False) -> Extraction:
    """The article's main content as Markdown-ish text (`#` headings, `- ` items, blank-line paragraphs).

    Modes: ``balanced`` (default) takes trafilatura's default extraction as the article and drops a
    block only for a named reason (furniture, link list, call to action, non-prose lines before or
    after the text its precision mode confirms); ``precision`` takes precision mode's blocks
    (its no-fallback mode when precision mode cut most of the prose); ``recall`` takes
    trafilatura's recall mode and drops only headline repeats, link lists and calls to action.
    ``comments=True`` keeps a comment section that trafilatura finds, after the article.
    The headline is left out of the body (the Zyte benchmark's article bodies exclude it);
    `with_title=True` puts it back on top as a `# ` heading, as a cleaned corpus wants it.
    Raises InputError for empty input, non-HTML text or an unknown mode; any HTML, however
    malformed, yields a best-effort result (possibly empty) instead of an exception.
    """
    if mode not in MODES:
        raise InputError(f"unknown extraction mode {mode!r}", path=url, hint=f"use one of {', '.join(MODES)}")
    text = decode_html(html) if isinstance(html, (bytes, bytearray)) else html
    if not text or not text.strip():
        raise InputError("empty HTML input", path=url, hint="pass the page's bytes or text")
    if not HTML_HINT_RE.search(text[:65536]):
        raise InputError("input is not HTML (no tags found)", path=url, hint="pass an HTML page")
    text = repair(text)
    soup = parse(text)
    dom = blocks(soup)
    dropped: dict[str, int] = {}
    chosen = _choose(text, url, dom, mode, comments, dropped)
    body = render(_clean(chosen, _titles(soup), dropped))
    headline = _headline(soup) if with_title else ""
    if headline and not body.lstrip().startswith(("# " + headline, headline)):
        body = f"# {headline}\n\n{body}" if body.strip() else f"# {headline}\n"
    page_chars = sum(_visible(b.text) for b in dom)
    return Extraction(body, page_chars, max(0, page_chars - _visible(body)), mode, dropped)


def extract_main_text(html: str | bytes, url: str | None = None, with_title: bool = False,
                      mode: str = "balanced") -> str:
    """The text of `extract(html, url, mode=mode, with_title=with_title)`, for callers that want a string."""
    return extract(html, url, mode=mode, with_title=with_title).text


def _visible(text: str) -> int:
    """Non-whitespace characters of a text, Markdown markers (`#`, `- `) excluded: the unit of `page_chars`."""
    return len("".join(MARKER_RE.sub("", text).split()))


def _choose(html: str, url: str | None, dom: list[Block], mode: str, comments: bool,
            dropped: dict[str, int]) -> list[Item]:
    """The blocks of one mode, aligned with the DOM; our container scoring when trafilatura found < 200 chars."""
    runs = _trafilatura_runs(html, url, mode, comments)
    if mode == "precision":
        precise, full = runs["precision"], runs["no_fallback"]
        chosen = _aligned(precise if _prose_chars(precise) >= 0.5 * _prose_chars(full) else full, dom)
    elif mode == "recall":
        chosen = _aligned(runs["recall"], dom)
    else:
        merged = _merged(runs["default"], runs["precision"])
        chosen = _justified(_aligned(merged, dom), runs["precision"], dropped)
    if sum(len(x.text) for x in chosen) < 200:
        own = [Item(b.tag, b.text, b.link_density, b.furniture) for b in main_blocks(dom)]
        if sum(len(x.text) for x in own) > sum(len(x.text) for x in chosen):
            chosen = own
    return chosen


def _headline(soup) -> str:
    """The page's headline: its first h1, else og:title, else <title>; whitespace folded."""
    h1 = soup.find("h1")
    candidates = [h1.get_text(" ") if h1 is not None else ""]
    candidates += [str(m.get("content") or "") for m in soup.find_all("meta", attrs={"property": "og:title"})]
    candidates.append(str(soup.title.string) if soup.title and soup.title.string else "")
    for text in candidates:
        folded = " ".join(text.split())
        if folded:
            return folded
    return ""


def _trafilatura_runs(html: str, url: str | None, mode: str, comments: bool) -> dict[str, list[tuple[str, str]]]:
    """trafilatura's blocks for each run the mode needs (`MODE_RUNS`); empty lists when it is unavailable."""
    try:
        import trafilatura
    except ImportError as err:  # e.g. lxml>=5.2 without lxml_html_clean breaks justext, which trafilatura imports
        warnings.warn(f"trafilatura unavailable ({err}); using DOM scoring only", RuntimeWarning, stacklevel=4)
        return dict.fromkeys(MODE_RUNS[mode], [])
    runs = {}
    for name in MODE_RUNS[mode]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                xml = trafilatura.extract(html, url=url, output_format="xml", include_comments=comments,
                                          include_tables=True, with_metadata=False, **RUNS[name])
            except Exception:  # noqa: BLE001 - a third-party failure must not stop our own path
                xml = None
        runs[name] = xml_blocks(xml, comments) if xml else []
    return runs


def _prose_chars(found: list[tuple[str, str]]) -> int:
    """Characters in blocks that read as prose: a run of menu words without punctuation does not count."""
    return sum(len(t) for _, t in found if len(PUNCT_RE.findall(t)) * 30 >= len(_key(t)))


def _key(text: str) -> list[str]:
    """Lowercase word tokens, the unit blocks are aligned on."""
    return WORD_RE.findall(text.lower())


def _match(found: list[tuple[str, str]], dom: list[Block]) -> list[int | None]:
    """Index of the DOM block each trafilatura block came from: one holding 90% of its 3-grams.

    Among several such blocks (a repeated question, a recurring caption) the first one after the
    previous match wins, so matches follow document order.
    """
    index: dict[tuple[str, ...], list[int]] = {}
    for i, b in enumerate(dom):
        toks = _key(b.text)
        for j in range(max(1, len(toks) - 2)):
            index.setdefault(tuple(toks[j:j + 3]), []).append(i)
    out: list[int | None] = []
    last = -1
    for _, text in found:
        toks = _key(text)
        grams = [tuple(toks[j:j + 3]) for j in range(max(1, len(toks) - 2))]
        votes: dict[int, int] = {}
        for g in grams:
            for i in _nearby(index.get(g, []), last):
                votes[i] = votes.get(i, 0) + 1
        good = sorted(i for i, v in votes.items() if v >= 0.9 * len(grams))
        after = [i for i in good if i > last]
        best = after[0] if after else (good[0] if good else None)
        last = best if best is not None and best > last else last
        out.append(best)
    return out


def _nearby(positions: list[int], last: int, width: int = 8) -> set[int]:
    """The first `width` block indexes after `last` and the first `width` overall (positions are sorted).

    Bounds the vote count on pages that repeat one paragraph thousands of times.
    """
    start = bisect.bisect_right(positions, last)
    return set(positions[start:start + width]) | set(positions[:width])


def _aligned(found: list[tuple[str, str]], dom: list[Block], recover: bool = True) -> list[Item]:
    """trafilatura's blocks, each restored from its DOM block, plus prose blocks it skipped in between.

    A matched DOM block replaces trafilatura's text when it is only a little longer, so inline
    links or spans trafilatura dropped come back but whole containers do not. DOM blocks lying
    between two matched blocks, inside the element that holds most matches, are put back when
    they read as prose (low link share, not furniture): trafilatura sometimes skips such runs.
    Each result carries the link share of its DOM block (0 when unmatched) for `_clean`.
    """
    matches = _match(found, dom)
    container = _common_parent([dom[i] for i in matches if i is not None])
    out: list[Item] = []
    last = None
    recover = recover and container is not None and sum(i is not None for i in matches) >= 3
    for (tag, text), i in zip(found, matches, strict=True):
        density, furniture, element = 0.0, False, None
        if i is not None:
            if recover and last is not None and i > last + 1:
                out.extend(Item(b.tag, b.text, b.link_density, False, b.element) for b in dom[last + 1:i] if _recoverable(b, container))
            cand, density, furniture, element = dom[i], dom[i].link_density, dom[i].furniture, dom[i].element
            n, m = len(_key(cand.text)), len(_key(text))
            if m < n <= 1.3 * m + 12 and not cand.furniture:
                text = cand.text
            last = i if last is None else max(last, i)
        out.append(Item(tag, text, density, furniture, element))
    return out


def _recoverable(b: Block, container) -> bool:
    """True for a skipped DOM block worth restoring: punctuated prose inside the article container."""
    words = len(_key(b.text))
    if b.furniture or b.link_density >= 0.3 or words < 8 or len(PUNCT_RE.findall(b.text)) * 30 < words:
        return False
    return inside(b.element, container)


def _common_parent(matched: list[Block] | list[Item]):
    """Deepest element holding at least 80% of the matched blocks (None when nothing matched)."""
    if not matched:
        return None
    counts: dict[int, int] = {}
    order: list = []
    for b in matched:
        for depth, parent in enumerate(p for p in b.element.parents if p.name != "[document]"):
            if id(parent) not in counts:
                order.append((depth, parent))
            counts[id(parent)] = counts.get(id(parent), 0) + 1
    good = [(d, p) for d, p in order if counts[id(p)] >= 0.8 * len(matched)]
    return min(good, key=lambda dp: dp[0])[1] if good else None


def _titles(soup) -> set[str]:
    """Normalised page titles (`<title>`, og:title, first h1): a headline repeated as body is dropped."""
    found = []
    if soup.title and soup.title.string:
        found.append(str(soup.title.string))
    for meta in soup.find_all("meta", attrs={"property": "og:title"}):
        found.append(str(meta.get("content") or ""))
    h1 = soup.find("h1")
    if h1 is not None:
        found.append(h1.get_text(" "))
    return {" ".join(_key(t)) for t in found if _key(t)}


def _is_title(text: str, titles: set[str]) -> bool:
    """True when a block repeats the headline: equal to a title or the title's leading part."""
    key = " ".join(_key(text))
    return bool(key) and any(key == t or (len(key) > 15 and t.startswith(key)) for t in titles)


def _clean(items: list[Item], titles: set[str], dropped: dict[str, int]) -> list[tuple[str, str]]:
    """Drop the repeated headline, datelines, link lists and short calls to action or credit lines."""
    out = []
    for pos, item in enumerate(items):
        reason = _junk(item, pos, titles)
        if reason:
            dropped[reason] = dropped.get(reason, 0) + _visible(item.text)
        else:
            out.append((item.tag, item.text))
    return out


def _junk(item: Item, pos: int, titles: set[str]) -> str | None:
    """Why a block is not article text in any mode ("headline", "call to action", "link list", "dateline"), or None."""
    words = len(_key(item.text))
    if pos < 3 and _is_title(item.text, titles):
        return "headline"
    if words <= 25 and BOILERPLATE_RE.match(item.text.strip()):
        return "call to action"
    if item.density > 0.7:  # mostly link text: a teaser, menu or related-stories entry
        return "link list"
    if words <= 12 and DATELINE_RE.search(item.text):
        return "dateline"
    return None


def _justified(items: list[Item], precise: list[tuple[str, str]], dropped: dict[str, int]) -> list[Item]:
    """trafilatura's default blocks minus those precision mode left out *and* a named reason condemns.

    A block precision mode also kept ("confirmed") stays. One it left out is dropped only for a
    reason `_drop_reason` names, or as a repeat of a block already kept. Blocks after the last
    confirmed one and outside the element holding the confirmed ones are judged against that
    element only when precision mode is trusted (3+ blocks, 30%+ of the prose), and a second body
    (an element holding 3+ long prose blocks, as on multi-part pages) is kept whole.
    Everything else is article text that precision mode cut.
    """
    grams = {g for _, text in precise for g in _grams(text)}
    kept = [_confirmed(item.text, grams) for item in items]
    if not any(kept):
        return items
    first, last = kept.index(True), len(kept) - 1 - kept[::-1].index(True)
    confirmed = [item for item, ok in zip(items, kept, strict=True) if ok and item.element is not None]
    trusted = len(confirmed) >= 3 and _prose_chars(precise) >= 0.3 * _prose_chars([(i.tag, i.text) for i in items])
    container = _common_parent(confirmed) if trusted else None
    bodies = _second_bodies(items[last + 1:]) if container is not None else set()
    out, seen = [], set()
    for pos, (item, ok) in enumerate(zip(items, kept, strict=True)):
        judge = container if pos > last and id(getattr(item.element, "parent", None)) not in bodies else None
        reason = None if ok else _drop_reason(item, pos < first or pos > last, judge)
        key = " ".join(_key(item.text))
        reason = reason or ("repeated" if not ok and key in seen else None)
        seen.add(key)
        if reason:
            dropped[reason] = dropped.get(reason, 0) + _visible(item.text)
        else:
            out.append(item)
    return out


def _second_bodies(trailing: list[Item]) -> set[int]:
    """ids of the elements that hold 3+ long prose blocks (20+ words, punctuated) among the trailing blocks."""
    counts = Counter(id(item.element.parent) for item in trailing if item.element is not None
                     and len(_key(item.text)) >= 20 and len(PUNCT_RE.findall(item.text)) * 30 >= len(_key(item.text)))
    return {parent for parent, n in counts.items() if n >= 3}


def _merged(full: list[tuple[str, str]], precise: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """trafilatura's default blocks with the blocks only its precision mode found (an embed, a quote) put in.

    Each precision-only block goes after the default block that holds the precision block before it.
    """
    where: dict[tuple[str, ...], list[int]] = {}
    for i, (_, text) in enumerate(full):
        for g in _grams(text):
            where.setdefault(g, []).append(i)
    inserts: dict[int, list[tuple[str, str]]] = {}
    pos = -1
    for tag, text in precise:
        grams = _grams(text)
        hits = [where[g] for g in grams if g in where]
        if len(hits) < 0.5 * len(grams):
            inserts.setdefault(pos, []).append((tag, text))
            continue
        after = [h[bisect.bisect_left(h, pos)] for h in hits if h[-1] >= pos]
        pos = Counter(after).most_common(1)[0][0] if after else pos
    out = list(inserts.get(-1, []))
    for i, block in enumerate(full):
        out.append(block)
        out.extend(inserts.get(i, []))
    return out


def _drop_reason(item: Item, outside: bool, container) -> str | None:
    """The reason to drop a block precision mode left out, or None to keep it.

    "furniture" (nav, footer... in the DOM), "link list" (link share >= 0.5, or >= 0.3 in a short
    block), "header/trailer" (before the first or after the last confirmed block and not prose: under
    8 words, unpunctuated, a heading or a dateline), "outside the article" (after the last confirmed
    block and outside the element holding the confirmed ones).
    """
    if item.furniture:
        return "furniture"
    words = len(_key(item.text))
    if item.density >= 0.5 or (item.density >= 0.3 and words < 25):
        return "link list"
    if outside and (words < 8 or len(PUNCT_RE.findall(item.text)) * 30 < words or item.tag in HEADINGS
                    or (words <= 20 and DATELINE_RE.search(item.text))):
        return "header/trailer"
    if outside and container is not None and (item.element is None or not inside(item.element, container)):
        return "outside the article"
    return None


def _grams(text: str) -> list[tuple[str, ...]]:
    """Word 3-grams of a text (one shorter gram for a text under three words)."""
    toks = _key(text)
    return [tuple(toks[j:j + 3]) for j in range(max(1, len(toks) - 2))]


def _confirmed(text: str, grams: set[tuple[str, ...]]) -> bool:
    """True when most of a block's 3-grams are in precision mode's output."""
    mine = _grams(text)
    return sum(g in grams for g in mine) >= 0.5 * len(mine)
