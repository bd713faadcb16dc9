"""Behaviour of `dedup.htmlextract` on small hand-written pages (tests/html/), English and Japanese."""
from __future__ import annotations

import codecs
import re
import warnings
from pathlib import Path

import pytest

from dedup import htmlextract
from dedup.errors import InputError
from dedup.htmlblocks import blocks, main_blocks, parse, render
from dedup.htmlextract import DROP_REASONS, MODES, Extraction, decode_html, extract, extract_main_text

PAGES = Path(__file__).parent / "html"


def page(name: str) -> str:
    """Text of one test page."""
    return (PAGES / name).read_text(encoding="utf-8")


def ja_page(charset: str | None) -> str:
    """The Japanese page with its `<meta charset>` set to `charset`, or removed when None."""
    src = page("ja_article.html")
    return src.replace("__CHARSET__", charset) if charset else src.replace('<meta charset="__CHARSET__">\n', "")


JA_BODY = "港町の海岸沿いに建設されていた新しい図書館が、土曜日の朝に開館しました。"


@pytest.fixture(scope="module")
def en_text() -> str:
    return extract_main_text(page("en_article.html"), url="https://example.org/library")


def test_english_body_paragraphs_in_order(en_text):
    first = en_text.index("The new library on the harbour front opened")
    second = en_text.index("Mayor Ellen Fairweather cut the ribbon")
    last = en_text.index("festival of sea stories")
    assert first < second < last
    assert "\n\nMayor Ellen Fairweather" in en_text  # paragraphs are separated by a blank line


def test_english_markdown_markers(en_text):
    lines = en_text.splitlines()
    assert "## A building that moves with the sea" in lines
    assert "- Opening hours are from nine in the morning until eight in the evening." in lines
    items = [i for i, line in enumerate(lines) if line.startswith("- ")]
    assert len(items) == 3 and items == list(range(items[0], items[0] + 3))  # one list, one item a line


def test_br_split_paragraph_keeps_its_lines(en_text):
    assert "Visitors can write to the library at:\n14 Quay Street\nHarbour Town\nHT1 2AB" in en_text


@pytest.mark.parametrize("junk", [
    "SCRIPTTEXT", "UA-000000", "font-family", "cookies", "Weather", "Share on Facebook",
    "boat insurance", "Related stories", "Fish market", "grandchildren", "waste of money",
    "All rights reserved", "Privacy policy",
])
def test_english_furniture_is_gone(en_text, junk):
    assert junk not in en_text


def test_headline_repeating_the_title_is_not_body(en_text):
    assert "Harbour Town Opens New Tidal Library" not in en_text
    assert not en_text.startswith("#")


@pytest.mark.parametrize("charset,codec", [("utf-8", "utf-8"), ("Shift_JIS", "shift_jis"), ("EUC-JP", "euc-jp")])
def test_japanese_bytes_with_declared_charset(charset, codec):
    text = extract_main_text(ja_page(charset).encode(codec))
    assert text.startswith(JA_BODY)
    assert "開館時間は午前九時から午後八時までです。\n毎週月曜日は休館日です。\n駐車場は港の東側にあります。" in text
    assert "## 潮の満ち引きとともに動く建物" in text.splitlines()
    for junk in ("クッキー", "ホーム", "ツイート", "関連記事", "防波堤", "孫と一緒", "海辺新聞社", "広告スクリプト"):
        assert junk not in text


@pytest.mark.parametrize("codec", ["shift_jis", "euc-jp"])
def test_japanese_bytes_without_declaration_are_detected(codec):
    src = ja_page(None)
    assert decode_html(src.encode(codec)) == src
    assert JA_BODY in extract_main_text(src.encode(codec))


def test_wrong_declaration_falls_back_to_detection():
    src = ja_page("utf-8")  # declares UTF-8 ...
    assert decode_html(src.encode("euc-jp")) == src  # ... but the bytes are EUC-JP


def test_shift_jis_label_decodes_windows_extensions():
    src = ja_page("Shift_JIS").replace("三年間", "①三年間～")  # characters only cp932 maps
    assert "①三年間～" in decode_html(src.encode("cp932"))


def test_bom_wins_over_declaration():
    src = ja_page("shift_jis")
    assert decode_html(codecs.BOM_UTF8 + src.encode("utf-8")) == src
    assert decode_html(codecs.BOM_UTF16_LE + src.encode("utf-16-le")) == src


def test_http_equiv_charset():
    src = ja_page(None).replace("<head>", '<head><meta http-equiv="Content-Type" content="text/html; charset=EUC-JP">')
    assert decode_html(src.encode("euc-jp")) == src


def test_repeated_paragraph_kept_and_repeated_widget_dropped():
    text = extract_main_text(page("en_repeated.html"))
    refrain = "Keep the lamp lit, keep the glass clean, and the ships will find their way home."
    assert text.count(refrain) == 2
    assert text.index("Fishermen in the village") < text.rindex(refrain) < text.index("He now lives in a cottage")
    assert "Share this story" not in text and "newsletter" not in text


def test_malformed_html_gives_best_effort():
    text = extract_main_text(page("malformed.html"))
    assert "its tags are left open all over the place" in text
    assert "with bold text that never ends" in text
    assert "unclosed link and a stray closing tag" in text


def test_unclosed_title_does_not_swallow_the_page():
    html = "<html><head><title>Lost title<body><p>The body survives an unclosed title element.</p></body></html>"
    assert extract_main_text(html) == "The body survives an unclosed title element."


@pytest.mark.parametrize("opener,closer", [("<div>", "</div>"), ("<span><b>", ""), ("<ul><li>", "")])
def test_deeply_nested_5000_levels_does_not_crash(opener, closer):
    html = ("<html><body><p>A paragraph stands before the deep nesting starts.</p>"
            + opener * 5000 + "deep text" + closer * 5000 + "</body></html>")
    text = extract_main_text(html)
    assert "A paragraph stands before the deep nesting starts." in text


def test_nul_bytes_and_stray_markup_do_not_crash():
    html = "<html><body><p>A\x00B sentence with a NUL byte</p></b></i><p>and <<< broken >>> text</p></body></html>"
    text = extract_main_text(html.encode("utf-8"))
    assert "AB sentence with a NUL byte" in text and "broken" in text


@pytest.mark.parametrize("bad", ["", "   \n ", b"", b"\xef\xbb\xbf", "just a plain sentence, no markup at all",
                                 b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"])
def test_empty_or_non_html_raises_input_error(bad):
    with pytest.raises(InputError):
        extract_main_text(bad, url="page.html")


def test_input_error_names_the_url():
    with pytest.raises(InputError) as err:
        extract_main_text("plain words", url="https://example.org/a")
    assert err.value.path == "https://example.org/a" and "not HTML" in str(err.value)


def test_tiny_fragment_is_html_not_an_error():
    html = "<nav><a href='/'>Home</a> <a href='/a'>About</a></nav><p>Short page text here.</p><footer>Foot</footer>"
    assert extract_main_text(html) == "Short page text here."


def test_own_scoring_prefers_prose_over_link_lists():
    html = ("<body><div id='side'><p><a href='/1'>Teaser one, with a comma</a></p><p><a href='/2'>Teaser two</a></p>"
            "</div><div id='story'>" + "".join(f"<p>Sentence {i}, with commas, long enough to count as prose here.</p>"
                                               for i in range(4)) + "</div></body>")
    chosen = main_blocks(blocks(parse(html)))
    assert [b.text[:10] for b in chosen] == [f"Sentence {i}" for i in range(4)]


def test_blocks_mark_furniture_and_links():
    found = {b.text: b for b in blocks(parse(page("en_article.html")))}
    assert found["Home"].furniture and found["Home"].link_density == 1.0
    assert not found["Local engineers tested the pontoons through two winters of storms, and the council says the "
                     "structure has never moved more than a few centimetres in a single hour."].furniture


def test_render_layout():
    out = render([("h1", "Top"), ("p", "One\ntwo"), ("li", "a"), ("li", "b"), ("h4", "Deep"), ("p", "End")])
    assert out == "# Top\n\nOne\ntwo\n\n- a\n- b\n\n### Deep\n\nEnd"


def test_furniture_classes_inside_the_story_are_dropped():
    html = ("<body><div id='story'><p>The ferry timetable changes next week, with earlier sailings on weekdays.</p>"
            "<div class='cookie-banner'><p>We use cookies, and partners, to measure traffic, please accept.</p></div>"
            "<div class='share-bar'><p>Share this, tell your friends, spread the word today.</p></div>"
            "<p>Weekend sailings stay the same, and fares will not rise, the operator said.</p></div></body>")
    text = extract_main_text(html)
    assert "ferry timetable" in text and "Weekend sailings" in text
    assert "cookies" not in text and "Share this" not in text


def test_trafilatura_is_importable():
    """Without it (e.g. lxml_html_clean missing) extraction silently degrades to DOM scoring alone."""
    import trafilatura

    assert trafilatura.extract("<html><body><p>" + "A sentence about tides, boats and books. " * 20 + "</p></body></html>")


def test_xml_declaration_names_the_encoding():
    src = '<?xml version="1.0" encoding="Shift_JIS"?><html><body><p>日本語の本文①</p></body></html>'
    assert decode_html(src.encode("cp932")) == src


def test_inline_markup_keeps_reading_order():
    para = ("The <b>harbour <i>master</i> said</b> that the <a href='/t'>tide tables</a> will change, "
            "and <em>every</em> skipper agreed. ")
    html = "<html><body><article>" + "".join(f"<p>{i}. {para}</p>" for i in range(6)) + "</article></body></html>"
    text = extract_main_text(html)
    assert text.count("The harbour master said that the tide tables will change, and every skipper agreed.") == 6


def test_text_at_every_one_of_5000_levels_stays_linear():
    import time

    html = "<html><body>" + "<div>word, " * 5000 + "</body></html>"
    start = time.perf_counter()
    assert "word, word" in extract_main_text(html)
    assert time.perf_counter() - start < 5  # was ~8 s when each string walked all its ancestors


def test_headline_put_back_on_request():
    html = ("<html><head><title>River News | Site</title></head><body><h1>Bridge reopens after repairs</h1>"
            "<article><p>" + "The old bridge reopened on Monday after eighteen months of careful work. " * 6
            + "</p></article></body></html>")
    plain = extract_main_text(html)
    titled = extract_main_text(html, with_title=True)
    assert not plain.startswith("# Bridge reopens")
    assert titled.startswith("# Bridge reopens after repairs\n\n")
    assert titled.count("Bridge reopens after repairs") == 1


# --- extraction modes, the Extraction result, XHTML (issue #19) ---

def _long_page(paragraphs: int = 60, comments: bool = True) -> str:
    """A long article inside one container, then related links, a comment section and a footer."""
    body = "".join(f"<p>Paragraph {i} of the long harbour report: the council met again, the budget moved, "
                   f"and residents of street {i} wrote letters about the tide, the bridge and the library.</p>"
                   for i in range(paragraphs))
    related = "".join(f'<li><a href="/s{i}">Story number {i} about the harbour</a></li>' for i in range(6))
    section = ('<section id="comments" class="comments"><h3>2 comments</h3>'
               '<div class="comment"><p>Reader one wrote: what a thorough report on the harbour, thank you.</p></div>'
               '<div class="comment"><p>Reader two wrote: the bridge budget is still too high in my view.</p></div>'
               '</section>') if comments else ""
    return (f'<html><head><title>Long report</title></head><body><nav><a href="/">Home</a> <a href="/n">News</a></nav>'
            f'<article><h1>Long report</h1><div class="entry-content">{body}</div></article>'
            f'<div class="related"><h3>Related stories</h3><ul>{related}</ul></div>{section}'
            '<footer>Copyright 2026 Example News. All rights reserved.</footer></body></html>')


def test_extract_returns_text_and_what_it_left_out(en_text):
    result = extract(page("en_article.html"), url="https://example.org/library")
    assert isinstance(result, Extraction) and result.mode == "balanced"
    assert result.text == en_text and str(result) == en_text  # extract_main_text is extract(...).text
    assert result.page_chars > len("".join(result.text.split())) > 0
    assert result.chars_left_out == result.page_chars - len("".join(re.sub(r"(?m)^(#+ |- )", "", result.text).split()))
    assert set(result.dropped) <= set(DROP_REASONS)


@pytest.mark.parametrize("mode", MODES)
def test_every_mode_keeps_a_long_article_and_drops_its_furniture(mode):
    result = extract(_long_page(), mode=mode)
    assert "Paragraph 0 of" in result.text and "Paragraph 59 of" in result.text
    for junk in ("Story number", "Home", "Copyright", "Reader one"):
        assert junk not in result.text
    assert result.chars_left_out > 0


def test_comments_kept_on_request_after_the_article():
    text = extract(_long_page(), comments=True).text
    assert text.index("Paragraph 59 of") < text.index("Reader one wrote") < text.index("Reader two wrote")
    assert "Story number" not in text


def test_unknown_mode_is_an_input_error():
    with pytest.raises(InputError, match="unknown extraction mode"):
        extract(_long_page(), mode="greedy")


def test_balanced_keeps_what_precision_mode_cut_and_names_what_it_drops(monkeypatch):
    """Precision mode kept the first 3 paragraphs only: balanced keeps the rest, drops furniture with a reason."""
    full = [("p", f"Paragraph {i} of the long harbour report: the council met again, the budget moved, and "
                  f"residents of street {i} wrote letters about the tide, the bridge and the library.")
            for i in range(60)]
    full += [("h3", "Related stories")] + [("li", f"Story number {i} about the harbour") for i in range(6)]
    runs = {"default": full, "precision": full[:3], "no_fallback": full[:3], "recall": full}
    monkeypatch.setattr(htmlextract, "_trafilatura_runs", lambda *args: runs)
    assert "Paragraph 59 of" not in extract(_long_page(comments=False), mode="precision").text
    balanced = extract(_long_page(comments=False))
    assert "Paragraph 59 of" in balanced.text and "Story number" not in balanced.text
    assert balanced.dropped["furniture"] >= len("".join("Related stories".split()))  # the related-links box


@pytest.mark.parametrize("name", ["xhtml_article.xhtml", "xhtml_cut.html"])
def test_xhtml_parses_without_warnings(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # bs4's XMLParsedAsHTMLWarning (or any other) fails the test
        text = extract((PAGES / name).read_bytes()).text
    assert "harbour" in text and "Home" not in text and "Copyright" not in text


def test_well_formed_xhtml_is_parsed_as_xml():
    soup = parse(page("xhtml_article.xhtml"))
    assert soup.is_xml and soup.find("p") is not None
    assert "ferry will leave" in extract(page("xhtml_article.xhtml")).text
    assert "the county" in extract(page("xhtml_article.xhtml")).text
    assert not parse(page("xhtml_cut.html")).is_xml  # not well-formed: read as HTML
    assert "Breakfast is served from seven" in extract(page("xhtml_cut.html")).text


def test_second_body_kept_and_stray_trailer_dropped(monkeypatch):
    """After the text precision mode kept: the rest of its container and a second body stay, a legal notice goes."""
    lead = [f"Part one, paragraph {i}: the harbour council met on Tuesday evening and argued for hours about the "
            f"tidal library, the bridge repairs, the ferry timetable, the school roof and the budget for {i} "
            "new benches along the quay, before a vote that nobody expected to be so close, or so loud." for i in range(4)]
    more = [f"Part two, paragraph {i}: residents wrote to the paper about the vote, the noise and the benches, "
            "and the editor printed every letter." for i in range(4)]
    legal = "This copy is for your personal, non-commercial use only. To order copies, visit our site."
    html = ("<html><body><div id='a'>" + "".join(f"<p>{t}</p>" for t in lead) + "</div><div id='b'>"
            + "".join(f"<p>{t}</p>" for t in more) + f"</div><div id='x'><p>{legal}</p></div></body></html>")
    full = [("p", t) for t in lead + more + [legal]]
    runs = {"default": full, "precision": full[:3]}
    monkeypatch.setattr(htmlextract, "_trafilatura_runs", lambda *args: runs)
    result = extract(html)
    assert "Part one, paragraph 3" in result.text and "Part two, paragraph 3" in result.text
    assert "personal, non-commercial" not in result.text and result.dropped["outside the article"] > 0
