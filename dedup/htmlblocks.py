"""Block side of HTML extraction: parse with BeautifulSoup (XHTML as XML), cut the page into text blocks,
score containers, read trafilatura's XML output as blocks, render blocks as Markdown-ish text.

A *block* is the text of one block-level element (paragraph, heading, list item, cell...) with
its link share and whether it sits inside page furniture (nav, footer, share widgets...). The
extractor in `dedup.htmlextract` aligns trafilatura's output with these blocks to recover text
trafilatura dropped, and falls back on `main_blocks` (a readability-style container score) when
trafilatura finds nothing, e.g. on short pages. Every walk here is iterative, so a page nested
thousands of levels deep cannot exhaust Python's recursion limit.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

from bs4 import BeautifulSoup, NavigableString, Tag, XMLParsedAsHTMLWarning
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "canvas",
             "select", "button", "input", "textarea", "video", "audio", "map", "head")
BLOCK_TAGS = frozenset(("p", "div", "section", "article", "main", "li", "ul", "ol", "dl", "dd", "dt",
                        "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "tr", "td",
                        "th", "figure", "figcaption", "header", "footer", "nav", "aside", "form",
                        "address", "body", "center", "details", "summary", "hr", "fieldset"))
FURNITURE_TAGS = frozenset(("nav", "footer", "aside", "form", "figcaption", "menu", "dialog"))
# Class/id words that mark page furniture on most sites (generic, never site-specific).
FURNITURE_RE = re.compile(
    r"(?:^|[-_\s])(nav|navbar|navigation|menu|footer|sidebar|share|sharing|social|comments?|related|"
    r"newsletter|subscribe|subscription|promo|advert|ads?|advertisement|banner|cookies?|consent|gdpr|"
    r"breadcrumbs?|widget|popup|modal|signup|recommended|outbrain|taboola|disqus|sponsored|caption)"
    r"(?:$|[-_\s])", re.I)
WORD_RE = re.compile(r"\w+")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
XML_DECL_RE = re.compile(r"\s*<\?xml\b[^>]*\?>", re.I)


@dataclass
class Block:
    """Text of one block-level element, in document order."""

    tag: str
    text: str
    link_chars: int
    furniture: bool
    element: Tag

    @property
    def link_density(self) -> float:
        """Share of the block's characters that sit inside links (menus and link lists score high)."""
        return self.link_chars / max(1, len(self.text.replace("\n", "")))


def repair(html: str) -> str:
    """Close a `<title>` that is never closed: parsers read the rest of the page as its text."""
    if re.search(r"<title\b", html[:65536], re.I) and not re.search(r"</title\s*>", html, re.I):
        return re.sub(r"(<title\b[^>]*>[^<]*)", r"\1</title>", html, count=1, flags=re.I)
    return html


def parse(html: str) -> BeautifulSoup:
    """Parse with lxml through BeautifulSoup and drop scripts, styles, comments and other non-text.

    An XHTML page (one that opens with an XML declaration) is parsed as XML when it is well-formed;
    one that is not (an undeclared `&nbsp;`, a cut-off end) goes to the HTML parser like any page,
    without bs4's XMLParsedAsHTMLWarning: reading it as HTML is the intended fallback.
    """
    html = html.replace("\x00", "")
    soup = _parse_xhtml(html) if XML_DECL_RE.match(html) else None
    if soup is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
            soup = BeautifulSoup(html, "lxml")
    for tag in soup.find_all(DROP_TAGS):
        tag.decompose()
    for node in soup.find_all(string=lambda s: isinstance(s, (Comment, Declaration, Doctype, ProcessingInstruction))):
        node.extract()
    return soup


def _parse_xhtml(html: str) -> BeautifulSoup | None:
    """A well-formed XHTML page parsed with the XML parser (names without the XHTML namespace), else None."""
    from lxml import etree
    body = XML_DECL_RE.sub("", html, count=1)  # lxml refuses a str that declares its own encoding
    try:
        etree.fromstring(body.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True,
                                                               huge_tree=True))
    except etree.XMLSyntaxError:
        return None
    soup = BeautifulSoup(body, "xml")
    return soup if soup.find(["body", "p", "div"]) is not None else None


def is_furniture(tag: Tag) -> bool:
    """True for an element that is navigation, footer, share bar, cookie banner, comments and the like."""
    if tag.name in FURNITURE_TAGS:
        return True
    role = (tag.get("role") or "") if isinstance(tag.get("role"), str) else ""
    if role in ("navigation", "banner", "contentinfo", "complementary", "dialog"):
        return True
    classes = tag.get("class") or []
    names = " ".join([classes] if isinstance(classes, str) else classes) + " " + str(tag.get("id") or "")
    return bool(FURNITURE_RE.search(names)) and tag.name not in ("body", "html", "article", "main")


def _context(tag: Tag, parent: tuple[Tag | None, bool, bool, bool]) -> tuple[Tag | None, bool, bool, bool]:
    """(block, in link, in furniture, skip) for a tag, from its parent's tuple.

    Text inside an inline furniture element (a share link inside a paragraph) is skipped; a block
    inside furniture is kept but flagged. Deriving each tag's context from its parent keeps the
    walk linear in the page size even when the page is nested thousands of levels deep.
    """
    block, in_link, furniture, skip = parent
    in_link = in_link or tag.name == "a"
    if tag.name in BLOCK_TAGS:
        return tag, in_link, furniture or is_furniture(tag), False
    if is_furniture(tag):
        return block, in_link, True, True
    return block, in_link, furniture, skip


def blocks(soup: BeautifulSoup) -> list[Block]:
    """Cut the page into text blocks in document order; `<br>` becomes a line break inside a block."""
    out: list[Block] = []
    cur: Block | None = None
    contexts: dict[int, tuple[Tag | None, bool, bool, bool]] = {id(soup): (None, False, False, False)}
    for node in soup.descendants:
        parent = contexts.get(id(node.parent), (None, False, False, False))
        if isinstance(node, Tag):
            contexts[id(node)] = _context(node, parent)
            if node.name != "br":
                continue
        elif type(node) is not NavigableString:
            continue
        block, in_link, furniture, skip = parent
        if block is None or skip:
            continue
        if cur is None or cur.element is not block:
            cur = Block(block.name, "", 0, furniture, block)
            out.append(cur)
        if isinstance(node, Tag):
            cur.text = cur.text.rstrip(" ") + "\n"
            continue
        piece = re.sub(r"\s+", " ", str(node))
        if cur.text.endswith("\n"):
            piece = piece.lstrip()
        cur.text += piece
        cur.link_chars += len(piece.strip()) if in_link else 0
    return [b for b in map(_tidy, out) if WORD_RE.search(b.text)]


def _tidy(b: Block) -> Block:
    """Collapse spaces on each line of a block and drop its empty lines."""
    b.text = "\n".join(" ".join(line.split()) for line in b.text.split("\n"))
    b.text = re.sub(r"\n{2,}", "\n", b.text).strip()
    return b


def _ancestors(tag: Tag, limit: int = 3) -> list[Tag]:
    """The first `limit` element ancestors of a tag, nearest first."""
    found = []
    for parent in tag.parents:
        if parent.name in (None, "[document]") or len(found) >= limit:
            break
        found.append(parent)
    return found


def best_container(items: list[Block]) -> Tag | None:
    """Readability-style choice of the element holding the article: prose paragraphs vote for ancestors."""
    scores: dict[int, float] = {}
    tags: dict[int, Tag] = {}
    for b in items:
        if b.furniture or len(b.text) < 25 or b.link_density > 0.5:
            continue
        weight = (1 + b.text.count(",") + b.text.count("、") + min(len(b.text) / 100, 3)) * (1 - b.link_density)
        for depth, parent in enumerate(_ancestors(b.element)):
            scores[id(parent)] = scores.get(id(parent), 0.0) + weight / (1 + depth)
            tags[id(parent)] = parent
    if not scores:
        return None
    return tags[max(scores, key=scores.__getitem__)]


def inside(tag: Tag, container: Tag) -> bool:
    """True when `tag` is `container` or one of its descendants."""
    return tag is container or any(p is container for p in tag.parents)


def main_blocks(items: list[Block]) -> list[Block]:
    """Blocks of the best-scoring container, minus furniture and link lists: our own extraction."""
    container = best_container(items)
    if container is None:
        return [b for b in items if not b.furniture and b.link_density < 0.5]
    return [b for b in items if inside(b.element, container) and not b.furniture and b.link_density < 0.5]


def xml_blocks(xml: str, comments: bool = False) -> list[tuple[str, str]]:
    """(tag, text) pairs from trafilatura's XML: heads become h1..h6, list items li, the rest p.

    The `<main>` element is the article; with `comments`, the `<comments>` element follows it.
    """
    from lxml import etree
    try:
        root = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(recover=True, huge_tree=True))
    except etree.XMLSyntaxError:
        return []
    out: list[tuple[str, str]] = []
    parts = [root.find(name) for name in (("main", "comments") if comments else ("main",))] if root is not None else []
    for el in (el for part in parts if part is not None for el in part.iter()):
        if el.tag in ("p", "head", "item", "quote", "code", "row") and not _has_block_child(el):
            text = _xml_text(el)
            if WORD_RE.search(text):
                tag = {"head": (el.get("rend") or "h2")[:2], "item": "li"}.get(el.tag, "p")
                out.append((tag if tag in HEADINGS or tag == "li" else "p", text))
    return out


def _has_block_child(el) -> bool:
    """True when an XML element holds block elements at any depth (their text is taken from them instead)."""
    return any(d.tag in ("p", "head", "item", "list", "quote", "row", "table") for d in el.iterdescendants())


def _xml_text(el) -> str:
    """Text of one trafilatura element in reading order, `<lb/>` as a line break, spaces collapsed per line."""
    from lxml import etree
    pieces = []
    for event, node in etree.iterwalk(el, events=("start", "end")):
        if event == "start":
            pieces.append("\n" if node.tag == "lb" else node.text or "")
        elif node is not el:
            pieces.append((" " if node.tag == "cell" else "") + (node.tail or ""))
    lines = (" ".join(line.split()) for line in "".join(pieces).split("\n"))
    return "\n".join(line for line in lines if line)


def render(items: list[tuple[str, str]]) -> str:
    """Markdown-ish text from (tag, text) pairs: `#` headings, `- ` items, blank lines between blocks."""
    parts: list[str] = []
    prev = ""
    for tag, text in items:
        if tag in HEADINGS:
            line = "#" * min(int(tag[1]), 3) + " " + " ".join(text.split())
        elif tag == "li":
            line = "- " + text.replace("\n", " ")
        else:
            line = text
        sep = "\n" if tag == "li" and prev == "li" else "\n\n"
        parts.append(line if not parts else sep + line)
        prev = tag
    return "".join(parts).strip()
