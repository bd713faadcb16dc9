"""Site chrome inside one document: a registry of named, line-shaped rules.

Each rule looks at the document's lines and returns the spans a careful reader
would remove without any other context: separator lines, a table-of-contents
label with no table, UI strings ("advertisements", "読み込み中…"), wiki
section-edit links, a title repeated with the site name appended, the site's
own notices and social/follow blocks at the foot, and a chat export's
"User: <prefix…>" headings that repeat the turn below them.  The rule's name
travels to the provenance, so a user can see which rule removed what.

Rules never remove a line of body prose on frequency or length alone: the
footer rules only act in the footer region (after the last long paragraph),
and the UI strings must make up the whole line.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import regex

from . import textnorm
from .chrome_words import EDGE_UI_STRINGS, LABEL_DECOR, RELATED_LABELS, TOC_LABELS, UI_STRINGS, UI_TRIM
from .corpus import link_entry as corpus_link_entry
from .corpus import regions as corpus_regions
from .segment import Line

_SEPARATOR = regex.compile(r"^\s*([*\-=_~#・•─━―—+.◆◇■□●○☆★※])(\s*\1){2,}\s*$")
_SEPARATOR_RUN = regex.compile(r"^\s*([*=~─━―])\1{4,}(?=\S)")
_URL = regex.compile(r"^\s*(?:<)?(?:https?://|www\.)\S+(?:>)?\s*$", regex.I)
_EDIT_SUFFIX = regex.compile(r"(?:\s+edit|\s*\[(?:edit|編集|ソースを編集|edit source)\])\s*$", regex.I)
_BARE_EDIT = regex.compile(r"\s+edit\s*$", regex.I)
_ROLE = regex.compile(r"^\s*(?:\*\*)?(User|Assistant|ChatGPT|You|Human|AI|System|Gemini|Claude|Model|Bot|Copilot|Bard"
                      r"|ユーザー|アシスタント|あなた)(?:\s+said)?(?:\*\*)?\s*[:：](?:\*\*)?\s*(.+)$", regex.I)
_TRUNCATION = regex.compile(r"(?:…|\.\.\.|‥)\s*$")
_SITE_SEP = regex.compile(r"\s+[-|–—:«»]\s+|\s*｜\s*")
_SOCIAL = regex.compile(r"\b(?:twitter|instagram|facebook|youtube|tiktok|threads|bluesky|mastodon|linkedin|line)\b"
                        r"|ツイッター|インスタ|フェイスブック|ユーチューブ|旧ツイッター|^X\s|はこちら|follow|フォロー", regex.I)
_SHARE = regex.compile(r"^(?:share|tweet|post|pin|email|send)(?:\s+(?:this|it))?(?:\s+(?:article|story|post|page))?"
                       r"(?:\s+(?:on|via|to|with)\s+(?:facebook|twitter|x|linkedin|whatsapp|reddit|pinterest|email|"
                       r"telegram|line|threads|bluesky|mastodon|flipboard))?\s*[:：]?$", regex.I)
# Whole lines that are UI wherever they stand: ad and paywall markers, newsletter prompts, share and copy
# buttons, gallery counters, "back to" links, comment forms, "READ MORE: <title>" links.  Anchored at both
# ends and tried on lines under 200 characters only (`ui_string`).
_UI_PATTERN = regex.compile(r"""^(?:
    (?:story\s+)?continues\s+below(?:\s+(?:this\s+)?advertisement)?
  | advertisement\s*[-–—:|]?\s*(?:scroll|continue)\b.{0,30}
  | scroll\s+to\s+continue(?:\s+(?:reading|with\s+content))?
  | continue\s+reading\s+(?:below|the\s+main\s+story)
  | (?:sign\s+up|subscribe)\b.{0,40}\bnewsletters?\b.{0,20}
  | click\s+here\s+to\s+(?:subscribe|sign\s+up|register|read\s+more|continue)\b.{0,30}
  | (?:twitter|x|facebook|line|はてな|pocket|threads|note)\s*(?:で|に)\s*(?:シェア|ポスト|送る|共有)(?:する)?
  | (?:url|リンク)を?コピー(?:する)?|コピーしました
  | この記事の(?:画像|写真)(?:\s*[（(]\s*\d+\s*枚\s*[）)])?
  | (?:記事|トップ|一覧|前のページ)に戻る
  | (?:comment|name|e-?mail|website)\s*\*
  | your\s+email\s+address\s+will\s+not\s+be\s+published\b.{0,60}
  | save\s+my\s+name,\s+email,?\s+and\s+website\s+in\s+this\s+browser\b.{0,60}
  | this\s+site\s+uses\s+akismet\b.{0,80}
  | powered\s+by\s+[\w.-]+(?:\s+[\w.-]+){0,3}
  | (?:read\s+more|also\s+read|related|see\s+also)\s*[:：](?!.*[.!?。]\s*$)\s*\S[^.!?。]{0,100}  # a title, no sentence
  | (?:【関連(?:記事|ニュース)?】|関連(?:記事)?\s*[:：])(?!.*。\s*$)\s*\S[^。]{0,80}
  | subscribe\s+to\s+\S[^.!?]{0,40}
  | thanks\s+for\s+reading\b.{0,60}\bsubscribe\b.{0,80}
  | (?:type|enter)\s+your\s+e-?mail(?:\s+address)?(?:…|\.\.\.)?
)\s*[:：.。!！]?$""", regex.I | regex.X)
_FOOT_COUNTER_OR_TAG = regex.compile(r"^(?:\d{1,6}|#\w{1,30})$")
# Navigation at the edges of a page: breadcrumbs ("Home > News > Local") and pagination ("« Previous Post",
# "Page 1 of 3", "1 2 3 次へ").
_BREADCRUMB = regex.compile(r"^(?:home|top|ホーム|トップ)\s*(?:>|›|»|/|＞|≫|→)\s*\S.{0,100}$", regex.I)
_PAGINATION = regex.compile(r"^(?:[«‹<]\s*)?(?:previous|prev|next|older|newer)(?:\s+(?:post|page|article|entry|posts|"
                            r"entries))?(?:\s*[»›>])?$|^page\s+\d+\s+of\s+\d+$|^(?:\d+\s+){1,12}\d*\s*"
                            r"(?:次へ|前へ|next|»|>)?$|^(?:前|次)の(?:記事|ページ|投稿)(?:へ)?\s*[»>]?$", regex.I)
_COOKIES = regex.compile(r"\bwe use cookies\b|\buse of cookies\b|\bcookie (?:policy|settings|preferences)\b"
                         r"|クッキー(?:を使用|の使用)|cookieを使用", regex.I)
_FOLLOW = regex.compile(r"(?:フォロー|購読|登録|シェア).{0,20}(?:お願い|ください|しよう|どうぞ|してね)"
                        r"|^(?:subscribe|sign up)\b.{0,60}$"
                        r"|^(?:follow|join|like|share)\s+(?:us|me|this|our|them|him|her|the (?:author|page|conversation|discussion)"
                        r"|on|along|at|@)\b.{0,60}$", regex.I)  # not a verse: "Like the burning stars…"

_FOLLOW_HINTS = ("フォロー", "購読", "登録", "シェア")
_FOLLOW_STARTS = ("follow", "subscribe", "sign up", "join", "like", "share")


def _follow_line(text: str) -> bool:
    """`_FOLLOW.search(text)`, skipped for the many lines that hold none of its words (it runs per line)."""
    if not (any(h in text for h in _FOLLOW_HINTS) or text[:9].lower().startswith(_FOLLOW_STARTS)):
        return False
    return bool(_FOLLOW.search(text))


@dataclass
class Removal:
    """A span of one line that a rule removes."""

    start: int
    end: int
    rule: str
    line: int


@dataclass
class Page:
    """One document as the chrome rules see it (not `reader.Document`): its lines, plus facts learned while the rules run."""

    lines: list[Line]
    removed: dict[int, list[Removal]] = field(default_factory=dict)
    site_names: set[str] = field(default_factory=set)
    joins: set[int] = field(default_factory=set)
    learned: object | None = None  # corpus boilerplate (see corpus.py)
    rule: str = ""  # the name of the rule running: its key in RULES, what a removal records
    _alive: list[Line] | None = field(default=None, repr=False)  # cache of alive(), reset by every removal
    _foot: int | None = field(default=None, repr=False)  # cache of footer_start(), reset with _alive

    def drop_line(self, line: Line, rule: str | None = None) -> None:
        """Remove the whole line, in the name of the running rule (or of `rule`: the corpus pass's own)."""
        if line.index not in self.removed or not self._whole(line):
            self.removed[line.index] = [Removal(line.start, line.end, rule or self.rule, line.number)]
            self._alive = self._foot = None

    def drop_span(self, line: Line, start: int, end: int) -> None:
        """Remove part of a line (a suffix, a prefix run), in the name of the running rule."""
        if not self._whole(line):
            self.removed.setdefault(line.index, []).append(Removal(start, end, self.rule, line.number))
            self._alive = self._foot = None

    def _whole(self, line: Line) -> bool:
        return any(r.start <= line.start and r.end >= line.end for r in self.removed.get(line.index, []))

    def alive(self) -> list[Line]:
        """Non-blank lines no rule has removed whole (a fresh list; computed once per state of `removed`)."""
        if self._alive is None:
            self._alive = [ln for ln in self.lines if ln.kind != "blank" and not self._whole(ln)]
        return list(self._alive)

    def effective(self, line: Line) -> tuple[int, str]:
        """A line's text up to the first removed span (rules strip suffixes only)."""
        end = min([r.start for r in self.removed.get(line.index, [])] + [line.end])
        return end, line.text[: end - line.start]

    def footer_start(self) -> int:
        """Index (into alive()) where the footer region starts.

        The earliest of: after the last long paragraph (in the last 40 %), after
        the last line of running prose, and the last 15 % of the lines.  The
        footer rules are all pattern-gated, so a generous region costs nothing.
        """
        if self._foot is not None and self._alive is not None:
            return self._foot
        alive = self.alive()
        starts = [int(len(alive) * 0.85)]
        long_lines = [i for i, ln in enumerate(alive) if len(ln.text.strip()) >= 150]
        if long_lines and long_lines[-1] >= len(alive) * 0.6:
            starts.append(long_lines[-1] + 1)
        prose = [i for i, ln in enumerate(alive) if len(ln.text.strip()) >= 30 and textnorm.ends_sentence(ln.text)
                 and not _follow_line(ln.text.strip())]  # "Subscribe to our newsletter…." is no running prose
        if prose:
            starts.append(prose[-1] + 1)
        self._foot = min(starts)
        return self._foot


def separator_line(doc: Page) -> None:
    """A line of one repeated symbol ("*****", "-----"), or such a run opening a line."""
    for line in doc.lines:
        if line.kind != "code" and _SEPARATOR.match(line.text):
            doc.drop_line(line)
        elif m := _SEPARATOR_RUN.match(line.text):
            doc.drop_span(line, line.start + m.start(), line.start + m.end())


def ui_string(doc: Page) -> None:
    """A line that is only a UI string; single generic words only at the head or foot.

    Runs again while it removes lines: a comment form's lines read like prose
    and hide the footer until they are gone.
    """
    for _ in range(3):
        before = len(doc.removed)
        _ui_lines(doc)
        if len(doc.removed) == before:
            return


def _ui_lines(doc: Page) -> None:
    alive = doc.alive()
    foot = doc.footer_start()
    for i, line in enumerate(alive):
        k = line.key.strip(UI_TRIM)
        if not k or len(line.text) >= 200:
            continue
        if len(line.text) >= 60:
            if _UI_PATTERN.match(line.text.strip()):
                doc.drop_line(line)
            continue
        edge = i < 3 or i >= foot
        if (i < 3 and _BREADCRUMB.match(line.text.strip())) or (edge and _PAGINATION.match(line.text.strip())):
            doc.drop_line(line)  # navigation at the head or foot
            continue
        if i >= foot and _FOOT_COUNTER_OR_TAG.match(line.text.strip()):
            doc.drop_line(line)  # a like counter ("12") or a tag ("#エッセイ") under the article
            continue
        if k.strip(LABEL_DECOR) in RELATED_LABELS:
            continue  # a "related articles" header goes with its links (`related_links_block`)
        if (k in UI_STRINGS - EDGE_UI_STRINGS or (edge and k in EDGE_UI_STRINGS)
                or (len(line.text) < 40 and _SHARE.match(line.text.strip()) and len(line.text.split()) > 1)
                or _UI_PATTERN.match(line.text.strip())):
            doc.drop_line(line)


def toc_label(doc: Page) -> None:
    """A table-of-contents label ("目次", "Contents") left without its table."""
    alive = doc.alive()
    for i, line in enumerate(alive):
        if line.key.strip(":：") in TOC_LABELS:
            nxt = alive[i + 1] if i + 1 < len(alive) else None
            if nxt is None or nxt.kind not in ("list", "table"):
                doc.drop_line(line)


def wiki_edit_link(doc: Page) -> None:
    """Section-edit links: "[edit]", "[編集]", or a bare " edit" ending several lines."""
    bare = sum(1 for ln in doc.lines if _BARE_EDIT.search(ln.text))
    for line in doc.lines:
        m = _EDIT_SUFFIX.search(line.text)
        if not m or m.start() == 0:
            continue
        if _BARE_EDIT.fullmatch(m.group(0)) and bare < 2 and line.kind != "heading":
            continue
        doc.drop_span(line, line.start + m.start(), line.start + m.end())


def chat_turn_heading(doc: Page) -> None:
    """'User: <prefix…>' followed by the full turn: keep the role, drop the repeated prefix."""
    alive = doc.alive()
    for i, line in enumerate(alive[:-1]):
        end, text = doc.effective(line)
        m = _ROLE.match(text)
        if not m:
            continue
        head = _TRUNCATION.sub("", m.group(2))
        body = alive[i + 1]
        hk, bk = textnorm.key(head), textnorm.key(doc.effective(body)[1])
        if len(hk) >= 2 and bk.startswith(hk) and not _ROLE.match(body.text):
            doc.drop_span(line, line.start + m.start(2), end)
            doc.joins.add(line.index)


def title_with_site(doc: Page) -> None:
    """'Title - Site' when 'Title' also stands alone: drop it, and learn the site name."""
    alive = doc.alive()
    keys = {ln.key for ln in alive}
    for line in alive[: max(8, len(alive) // 5)]:
        parts = _SITE_SEP.split(line.text.strip(), maxsplit=1)
        if len(parts) == 2 and textnorm.key(parts[0]) in keys and parts[0].strip() != line.text.strip():
            if len(textnorm.key(parts[0])) >= 8 and len(parts[1]) <= 60:
                doc.site_names.add(parts[1].strip())
                doc.drop_line(line)


def site_name_line(doc: Page) -> None:
    """A line that is only the site name `title_with_site` learned (after a separator or not)."""
    for line in doc.alive():
        rest = _SITE_SEP.sub("", line.text, count=1).strip() if _SITE_SEP.match(line.text) else line.text.strip()
        if rest and rest in doc.site_names:
            doc.drop_line(line)


def cookie_notice(doc: Page) -> None:
    """A cookie banner's line ("We use cookies to improve your experience…"), wherever it stands."""
    for line in doc.alive():
        if len(line.text) < 300 and _COOKIES.search(line.text):
            doc.drop_line(line)


def site_notice(doc: Page) -> None:
    """A footer line that speaks of the site itself ('innovaTopia の記事は…')."""
    names = {n for s in doc.site_names for n in [_SITE_SEP.split(s)[0].strip()] if len(n) >= 3}
    if not names:
        return
    alive = doc.alive()
    for line in alive[doc.footer_start():]:
        if len(line.text) < 200 and any(n in line.text for n in names):
            doc.drop_line(line)


_COPYRIGHT = regex.compile(r"^\s*(?:copyright\s*)?(?:©|\(c\)|copyright)\s*\S.{0,80}$|all rights reserved|無断転載(?:を)?禁", regex.I)


def copyright_line(doc: Page) -> None:
    """'© 2024 Example Corp. All rights reserved.' in the footer region."""
    alive = doc.alive()
    for line in alive[doc.footer_start():]:
        if len(line.text) < 120 and _COPYRIGHT.search(line.text.strip()):
            doc.drop_line(line)


def follow_subscribe(doc: Page) -> None:
    """"Follow us" / "フォロー・購読をお願いします" lines in the footer region."""
    alive = doc.alive()
    for line in alive[doc.footer_start():]:
        if len(line.text) < 120 and _follow_line(line.text.strip()):
            doc.drop_line(line)


def social_block(doc: Page) -> None:
    """A short block of URL / social-network lines at the foot (or head) of the page."""
    for block in _blocks(doc):
        if not block or len(block) > 10 or any(len(ln.text.strip()) > 80 for ln in block):
            continue
        urls = sum(1 for ln in block if _URL.match(ln.text))
        social = sum(1 for ln in block if _URL.match(ln.text) or _SOCIAL.search(ln.text))
        if urls >= 1 and social * 10 >= len(block) * 6:
            for ln in block:
                doc.drop_line(ln)


def _blocks(doc: Page) -> list[list[Line]]:
    """Runs of lines between separator lines or blank lines, in the head and foot regions."""
    alive = doc.alive()
    if not alive:
        return []
    foot = alive[doc.footer_start():]
    head = alive[: min(6, len(alive))]
    blocks: list[list[Line]] = []
    for region in (head, foot):
        current: list[Line] = []
        for ln in region:
            if current and ln.index != current[-1].index + 1 and _gap_breaks(doc, current[-1], ln):
                blocks.append(current)
                current = []
            current.append(ln)
        if current:
            blocks.append(current)
    return blocks


def _gap_breaks(doc: Page, a: Line, b: Line) -> bool:
    return any(doc.lines[i].kind == "blank" or doc._whole(doc.lines[i]) for i in range(a.index + 1, b.index))


def edge_link_line(doc: Page) -> None:
    """A bare URL alone on a line in the first or last lines of the page."""
    alive = doc.alive()
    edge = alive[:3] + alive[doc.footer_start():]
    for line in edge:
        if _URL.match(line.text):
            doc.drop_line(line)


def related_links_block(doc: Page) -> None:
    """A "related articles" header, and in the footer the headline links listed right under it."""
    alive = doc.alive()
    foot = doc.footer_start()
    for i, line in enumerate(alive):
        if line.key.strip(LABEL_DECOR) not in RELATED_LABELS or len(line.text) >= 60:
            continue
        doc.drop_line(line)
        if i < foot:
            continue  # in the body the header goes alone: what follows may be the article's own list
        prev = line
        for nxt in alive[i + 1:]:
            text = nxt.text.strip()
            if (_gap_breaks(doc, prev, nxt) or len(text) > 80 or textnorm.ends_sentence(text)
                    or nxt.kind in ("heading", "table", "code")):
                break  # the block ends at a blank line, a sentence or a new section
            doc.drop_line(nxt)
            prev = nxt


def corpus_boilerplate(doc: Page) -> None:
    """Lines the corpus pass learned recur across this site's pages (see corpus.py), at the head or foot of this one.

    Position decides, not frequency alone: above the first or below the last
    line of running prose (or in the footer the other rules found) a recurring
    line is chrome; inside the body it is content (a notice a series repeats, a
    refrain) unless it is a link-shaped entry that is no sentence ("■ゴルフコラム",
    "・vol.2 - （…）", ">> 書籍を購入する": a series' navigation).
    """
    if doc.learned is None:
        return
    alive = doc.alive()
    foot = doc.footer_start()
    for i, (line, region) in enumerate(zip(alive, corpus_regions([ln.text for ln in alive]), strict=True)):
        if region == "body" and i < foot and not corpus_link_entry(line.text):
            continue  # between the first and the last sentence of prose a recurring line is content
        rule = doc.learned.rule_for(line.text, region)
        if rule:
            doc.drop_line(line, rule)


Rule = Callable[[Page], None]

RULES: dict[str, Rule] = {
    "separator_line": separator_line,
    "ui_string": ui_string,
    "toc_label": toc_label,
    "wiki_edit_link": wiki_edit_link,
    "chat_turn_heading": chat_turn_heading,
    "title_with_site": title_with_site,
    "site_name_line": site_name_line,
    "site_notice": site_notice,
    "cookie_notice": cookie_notice,
    "copyright_line": copyright_line,
    "follow_subscribe": follow_subscribe,
    "social_block": social_block,
    "edge_link_line": edge_link_line,
    "related_links_block": related_links_block,
    "corpus_boilerplate": corpus_boilerplate,
}


def find_boilerplate(lines: list[Line], learned=None, rules: list[str] | None = None) -> Page:
    """Run the rules (all, or the named ones) over `lines`; returns what they removed.

    A removal records the name of the rule that made it: its key here (the
    corpus rule records the corpus pass's own names, `corpus_edge_line`, …).
    """
    doc = Page(lines, learned=learned)
    for name, rule in RULES.items():
        if rules is None or name in rules:
            doc.rule = name
            rule(doc)
    return doc
