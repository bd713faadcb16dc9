"""Site chrome: named in-document rules, the seeds' expectations, and the corpus pass."""
from __future__ import annotations

import json

import pytest

from dedup import clean_text
from dedup.corpus import LearnedBoilerplate, learn
from dedup.provenance import Action, Reason


def expected_for(root):
    return json.loads((root / "tests/data/seeds_expected.json").read_text(encoding="utf-8"))


def norm(text: str) -> str:
    import re
    import unicodedata

    return re.sub(r"\s+", " ", re.sub(r"\*\*|__", "", unicodedata.normalize("NFKC", text))).strip()


@pytest.mark.parametrize("name", ["000_a0e437c2507a7099.txt", "002_b7812c219839ba99.txt",
                                  "003_bd22ce55d57d14e2.txt", "004_bfb715f660c159df.txt"])
def test_seed_chrome_removed_and_content_kept(root, seeds_dir, name):
    exp = expected_for(root)[name]
    out = clean_text((seeds_dir / name).read_text(encoding="utf-8")).text
    lines = {norm(x) for x in out.splitlines() if norm(x)}
    flat = norm(out)
    assert [r for r in exp.get("remove", []) if norm(r) in lines] == []
    assert [k for k in exp.get("keep", []) if norm(k) not in flat] == []
    for once in exp.get("once", []):
        assert flat.count(norm(once)) == 1, once
    for suffix in exp.get("no_line_endswith", []):
        assert not [x for x in out.splitlines() if x.endswith(suffix)]
    for prefix, n in exp.get("line_prefix_counts", {}).items():
        assert sum(1 for x in out.splitlines() if x.startswith(prefix)) == n


def rules_of(text: str) -> set[str]:
    return {a.rule for a in clean_text(text).provenance.actions if a.reason == Reason.BOILERPLATE}


def test_each_removal_names_its_rule():
    text = ("Advertisements\n\nA title about rivers\n\nA title about rivers - River News\n\n" + "Body text. " * 30
            + "\n\n*****\n\nShare this:\n\nLoading...\n")
    assert {"ui_string", "title_with_site", "separator_line"} <= rules_of(text)


def test_wiki_edit_links_stripped_only_when_they_recur():
    wiki = "History edit\nThe town was founded in 1820.\nGeography edit\nIt lies on a river.\n"
    out = clean_text(wiki).text
    assert "History\n" in out and " edit" not in out
    single = "You can always edit\nthe text later, said the editor.\n"
    assert clean_text(single).text == single


def test_chat_export_heading_merged_with_its_turn():
    text = ("User: What is the capital of France? edit\nWhat is the capital of France?\n"
            "Assistant: Paris is the capital… edit\nParis is the capital of France. It is also its largest city.\n")
    out = clean_text(text).text
    assert out.splitlines() == ["User: What is the capital of France?",
                                "Assistant: Paris is the capital of France. It is also its largest city."]


def test_toc_label_without_table_dropped_but_kept_with_a_list():
    assert "目次" not in clean_text("目次\n\n本文はここから始まります。長い文章が続きます。\n").text
    with_list = "目次\n- はじめに\n- まとめ\n\n本文はここから始まります。\n"
    assert clean_text(with_list).text == with_list


@pytest.mark.parametrize("text", [
    "The word advertisements appears inside this sentence, so it stays.\n",
    "防水\nWi-Fi\nBluetooth\n",
    "Follow the river north until you reach the bridge, then turn left at the mill.\n",
    "- 開発なき利活用\n- 世界標準から外れた国産志向\n",
])
def test_prose_and_lists_untouched(text):
    assert clean_text(text).text == text


def test_no_boilerplate_option_keeps_everything():
    from dedup.clean import CleanOptions

    text = "advertisements\n\nBody text here.\n"
    assert clean_text(text, CleanOptions(boilerplate=False)).text == text


def corpus_docs():
    docs = []
    for i in range(12):
        paras = [f"Article {i} paragraph {j} talks about topic {i * 7 + j} in some detail, with facts." for j in range(4)]
        features = ["防水", "Wi-Fi"] if i % 2 else []
        body = "\n".join(paras[:2] + features + paras[2:])
        docs.append((f"d{i}", f"Site Menu Home News\n{body}\n■関連リンク\nCopyright 20{10 + i} Example Corp\n"))
    return docs


def test_corpus_pass_learns_recurring_chrome_but_not_spec_items():
    learned = learn(corpus_docs())
    assert learned.rule_for("Copyright 2024 Example Corp", "foot")  # digits folded: a near-identical variant
    assert learned.rule_for("■関連リンク", "foot")
    assert learned.rule_for("防水", "body") is None
    assert learned.rule_for("Wi-Fi", "body") is None


def test_learned_boilerplate_round_trips_and_cleans_a_single_page(tmp_path):
    learned = learn(corpus_docs())
    path = tmp_path / "bp.json"
    learned.save(path)
    again = LearnedBoilerplate.load(path)
    assert again.entries.keys() == learned.entries.keys()
    page = "Site Menu Home News\nA new article body sentence that is long enough to count as prose here.\n" \
           "Copyright 2031 Example Corp\n"
    result = clean_text(page, learned=again)
    assert "Copyright" not in result.text and "new article body" in result.text
    assert any(a.action == Action.DROPPED and a.rule.startswith("corpus_") for a in result.provenance.actions)


def test_copyright_line_only_in_the_footer():
    body = "\n\n".join(f"Paragraph {i} of the article is long enough to be prose, with a full stop at the end."
                       for i in range(6))
    text = f"© 2020 Example Corp as a body line stays.\n\n{body}\n\n© 2024 Example Corp. All rights reserved.\n"
    out = clean_text(text).text
    assert "All rights reserved" not in out and "as a body line stays" in out


def test_generic_word_heading_in_the_body_is_kept():
    body = "\n\n".join(f"段落{i}の本文です。十分な長さのある文章がここに続いていきます。" for i in range(4))
    text = f"{body}\n\nメニュー\n\nランチは三種類、ディナーは五種類の料理が選べます。\n\n{body}\n"
    assert "メニュー\n" in clean_text(text).text


def test_a_common_opening_heading_of_different_articles_is_not_chrome():
    docs = []
    for i in range(8):
        body = "\n".join(f"Article {i} sentence {j} is about its own topic number {i * 11 + j}, in detail." for j in range(3))
        docs.append((f"d{i}", f"はじめに\n{body}\n"))
    docs += [(f"e{i}", "\n".join(f"Other article {i} line {j} about the subject {i}{j}, at length here." for j in range(3)))
             for i in range(40)]
    learned = learn(docs)
    assert learned.rule_for("はじめに", "head") is None


def test_chat_export_variants():
    text = ("You said: How tall is the tower… edit\nHow tall is the tower in the old town square?\n"
            "ChatGPT said: It is about forty metres edit\nIt is about forty metres tall, built in 1604.\n")
    assert clean_text(text).text.splitlines() == [
        "You said: How tall is the tower in the old town square?",
        "ChatGPT said: It is about forty metres tall, built in 1604."]


def test_removed_lines_leave_no_stray_blanks():
    assert clean_text("x\n... \ny\n").text == "x\ny\n"
    assert clean_text("advertisements\n\n\u3000本文です。\n").text == "\u3000本文です。\n"  # the indent stays


def test_related_links_block_at_the_foot():
    body = "\n\n".join(f"本文の段落{i}です。記事の内容がここに十分な長さで書かれていて、最後は句点で終わります。" for i in range(5))
    text = f"{body}\n\n■関連リンク\n・新生活特集 2010 SPRING\n・ゴルフ特集2010\n"
    out = clean_text(text).text
    assert "関連リンク" not in out and "ゴルフ特集" not in out and "本文の段落4です。" in out
    early = f"関連記事\n・この見出しは本文の前にある\n\n{body}\n"
    assert "この見出しは本文の前にある" in clean_text(early).text  # only in the footer region


def test_near_identical_footer_variants_are_learned_together():
    """Two wordings of one footer, each on too few pages alone, meet through MinHash and count together."""
    footers = ["Example News | Example Media Group | all rights reserved | contact the news desk today",
               "Example News | Example Media Group | all rights reserved | contact the news room today"]
    docs = []
    for i in range(40):
        body = "\n".join(f"Story {i} paragraph {j} tells its own news about subject {i * 13 + j} at length." for j in range(3))
        docs.append((f"d{i}", body + ("\n" + footers[i % 2] if i < 4 else "")))
    learned = learn(docs)
    assert learned.rule_for(footers[0], "foot") and learned.rule_for(footers[1], "foot")


ENGLISH_PAGE_BODY = [
    "The city council voted on Tuesday to build twelve miles of protected bike lanes across the downtown area.",
    "Supporters said the lanes would make cycling safer for commuters and schoolchildren.",
    "The first section, on Elm Avenue, is expected to open next spring.",
    "Jane Smith covers city hall for the Daily Herald. She has reported on local politics for ten years.",
]


def _page(*blocks: str) -> str:
    """Paragraph blocks joined as a page."""
    return "\n\n".join(blocks) + "\n"


def _amid_body(line: str) -> str:
    """`line` in the middle of a page long enough that it stands in neither the head nor the foot."""
    body = ENGLISH_PAGE_BODY
    return _page(body[0], body[1], body[2], line, body[3], body[1], body[2])


def test_english_page_chrome_goes_and_the_article_stays():
    """Share lines for any network, an author-box label, a footer "Related articles" list with its header,
    a newsletter line after the author's bio, ads, "Loading..." and the copyright line."""
    body = ENGLISH_PAGE_BODY
    page = _page(
        "Advertisement", body[0], body[1], "Loading...", body[2],
        "Share this article:\nShare on Facebook\nShare on Twitter\nShare on LinkedIn",
        "About the author\n" + body[3],
        "Subscribe to our newsletter for the latest local news.",
        "Related articles\n- Council delays vote on parking meters\n- New bus routes start in June",
        "© 2025 The Daily Herald. All rights reserved.",
    )
    out = clean_text(page).text
    assert out == _page(*body)


@pytest.mark.parametrize("line", ["Share your story with us", "Post office hours change in May", "Email"])
def test_lines_that_only_start_like_share_buttons_are_kept(line):
    assert line in clean_text(_amid_body(line)).text


def test_japanese_page_share_buttons_gallery_counter_and_related_block_go():
    body = ["市立図書館は来月から、平日の閉館時間を午後九時まで延長する試行を始める。",
            "夜間は職員二人が常駐し、貸し出しと返却の窓口を開ける。",
            "館長は「図書館を地域の居場所にしたい」と話している。"]
    page = _page(
        "スポンサーリンク", body[0], body[1], "この記事の画像（3枚）", body[2],
        "Twitterでシェア\nFacebookでシェア\nLINEで送る\nURLをコピー",
        "▼関連記事\n・駅前の書店が閉店、市民から惜しむ声\n・子ども向け読書会が人気",
        "記事に戻る\nCopyright © まちニュース All Rights Reserved.",
    )
    assert clean_text(page).text == _page(*body)


def test_ad_markers_newsletter_prompts_and_cookie_banner_go_anywhere():
    body = ["Heavy rain and strong winds closed several coastal roads on Sunday.",
            "Crews worked through the night to clear fallen trees.",
            "The weather service expects the storm to weaken by Tuesday."]
    page = _page(
        "Story continues below advertisement", body[0], "Advertisement - Scroll to continue", body[1],
        "Sign up for our daily newsletter", "We use cookies to improve your experience. By continuing to browse "
        "you agree to our use of cookies.", "Click here to subscribe", body[2],
    )
    assert clean_text(page).text == _page(*body)


@pytest.mark.parametrize("line", ["The advertisement campaign continues below the fold of every page, critics say.",
                                  "Readers can sign up for the newsletter at the library desk.",
                                  "記事に戻ると、そこには新しい写真が並んでいた。"])
def test_sentences_about_ads_newsletters_and_returning_stay(line):
    assert line in clean_text(_amid_body(line)).text


def test_blog_footer_share_row_and_comment_form_go():
    """A WordPress footer: share row, likes, and the comment form whose lines read like prose."""
    body = ENGLISH_PAGE_BODY[:3]
    footer = ("Share this:\nTwitter\nFacebook\nLike this:\nLike Loading...\nRelated\n\nLeave a Reply Cancel reply\n"
              "Your email address will not be published. Required fields are marked *\nComment *\nName *\nEmail *\n"
              "Website\nSave my name, email, and website in this browser for the next time I comment.\nPost Comment\n"
              "This site uses Akismet to reduce spam. Learn how your comment data is processed.")
    assert clean_text(_page(*body, footer)).text == _page(*body)


def test_hatena_blog_footer_goes():
    body = ["金曜の夜に湖まで車で向かうと、キャンプ場はほとんど貸し切りだった。", "土曜は尾根まで歩いた。谷を見下ろす景色は格別だった。"]
    footer = ("ランキング参加中\n読者になる\nこのブログの人気記事\n引用をストックしました\nストック一覧を見る\n閉じる\n"
              "引用するにはまずログインしてください\nログイン\n閉じる\nPowered by Hatena Blog")
    assert clean_text(_page(*body, footer)).text == _page(*body)


def test_note_and_ameba_footers_go():
    body = ["毎朝六時に家を出て、川沿いを三十分ほど歩くようになって一年が過ぎた。", "季節ごとに景色が変わるのが楽しい。"]
    note = ("スキ\n12\nこの記事が気に入ったらチップで応援してみませんか？\nチップで応援する\nフォロー\nシェア\n"
            "この記事を読んだ人におすすめ\n#エッセイ\n#散歩")
    ameba = "いいね！\nコメント\nリブログ\nフォロー\nアメンバー\nブログをはじめる"
    for footer in (note, ameba):
        assert clean_text(_page(*body, footer)).text == _page(*body)


def test_numbers_and_hashtags_in_the_body_stay():
    body = ENGLISH_PAGE_BODY
    text = _page(body[0], "2024", body[1], "#1", body[2], body[3], body[1], body[2])
    out = clean_text(text).text
    assert "\n2024\n" in out and "\n#1\n" in out


def test_inline_read_more_links_and_newsletter_box_go():
    body = ENGLISH_PAGE_BODY[:3]
    page = _page(body[0], "READ MORE: Council approves new housing plan", body[1],
                        "Related: Energy prices hit record high", body[2],
                        "Subscribe to Town Notes\nThanks for reading! Subscribe for free to receive new posts and "
                        "support my work.\nType your email…\nSubscribe\nShare\nComments\nRestack")
    assert clean_text(page).text == _page(*body)


@pytest.mark.parametrize("line", ["Recommended: 8 GB of memory and a recent graphics card",
                                  "Related: the council said the two plans would be merged."])
def test_spec_lines_and_sentences_after_a_label_stay(line):
    assert line in clean_text(_amid_body(line)).text


def test_breadcrumbs_and_pagination_at_the_edges_go():
    body = ENGLISH_PAGE_BODY[:3]
    page = _page("Home > News > Local\nホーム ＞ ニュース ＞ 地域", *body,
                        "« Previous Post\nNext Post »\nPage 1 of 3\n1 2 3 次へ")
    assert clean_text(page).text == _page(*body)


def test_number_pairs_and_arrows_in_the_body_stay():
    body = ENGLISH_PAGE_BODY
    text = _page(body[0], body[1], body[2], "10 20", "Home > Settings is where the option lives", body[3],
                        body[1], body[2])
    out = clean_text(text).text
    assert "\n10 20\n" in out and "Home > Settings" in out
