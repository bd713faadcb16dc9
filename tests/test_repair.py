"""Repair quality: the headline seed, generated damage, and texts that must not change."""
from __future__ import annotations

import statistics

import pytest
from damage import damage
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from quality import extra_copies, f1

from dedup import clean_text
from dedup.provenance import Action, Reason, check_coverage

# Pinned quality gate (like trafilatura's eval gate): lower these and the test says so.
SEED_F1_MIN = 0.999  # measured 1.0: any loss or extra copy on the headline case fails
GENERATED_MEAN_F1_MIN = 0.995
GENERATED_CASES = 240


def test_seed_001_reassembled(seeds_dir, root):
    text = (seeds_dir / "001_aa3d1fd60e9f7b70.txt").read_text(encoding="utf-8")
    gold = (root / "tests/data/clean/seed001_canonical.md").read_text(encoding="utf-8")
    out = clean_text(text).text
    assert f1(out, gold) >= SEED_F1_MIN
    assert "---END---" not in out
    assert extra_copies(out, gold) == 0
    assert "巨大テック企業が、AI開発に投じる資金力" in out  # the cut sentence, stitched to its continuation
    assert "巨大テック\n" not in out
    headings = [line for line in out.splitlines() if line.startswith("#")]
    assert len(headings) == len(set(headings)) == 6  # every section heading once
    assert "正直な話、AIはまだ発展途上の技術であり" in out  # a sentence only the later copy has
    assert "..." not in out and out.count("その理由が説明できなければ") == 1  # the "..." restart joined once


def test_seed_001_keeps_front_matter_untouched(seeds_dir):
    text = (seeds_dir / "001_aa3d1fd60e9f7b70.txt").read_text(encoding="utf-8")
    out = clean_text(text).text
    front = text[: text.index("---\n", 4) + 4]
    assert out.startswith(front)


def test_generated_damage_is_repaired(clean_texts):
    scores = []
    for case in range(GENERATED_CASES):
        gold = clean_texts[case % len(clean_texts)].read_text(encoding="utf-8")
        scores.append(f1(clean_text(damage(gold, case, omit=0.1)).text, gold))
    mean = statistics.mean(scores)
    print(f"generated damage: mean F1 {mean:.4f} over {len(scores)} cases, min {min(scores):.4f}")
    assert mean >= GENERATED_MEAN_F1_MIN


def test_undamaged_texts_come_out_unchanged(clean_texts):
    for path in clean_texts:
        text = path.read_text(encoding="utf-8")
        out = clean_text(text).text
        assert out.rstrip() == text.rstrip(), path.name


@pytest.mark.parametrize("marker", ["<|endoftext|>", "[END]", "---END---"])
def test_markers_and_cut_word_english(marker):
    gold = ("The council approved the new budget after a long debate. Critics said the plan ignored the "
            "libraries. Supporters pointed to the new bus routes that start in spring.")
    damaged = ("The council approved the new budget after a long debate. Critics said the plan ign\n"
               f"{marker}\nCritics said the plan ignored the libraries. Supporters pointed to the new bus "
               "routes that start in spring.\n")
    out = clean_text(damaged).text
    assert out.strip() == gold


def test_continuation_without_overlap_is_joined_japanese():
    damaged = "短期的な利益ではなく、長期\n\n---END---\n\n的な視点で判断することが重要だ。次の段落はここから始まる。\n"
    out = clean_text(damaged).text
    assert "短期的な利益ではなく、長期的な視点で判断することが重要だ。" in out
    assert "---END---" not in out


def test_ellipsis_restart_is_stitched_on_the_overlap():
    damaged = ("なぜその人物が融資を拒否されたのか、その理由が説明でき\n\n---END---\n\n"
               "...その理由が説明できなければ、社会的な信頼は得られません。\n")
    out = clean_text(damaged).text
    assert "なぜその人物が融資を拒否されたのか、その理由が説明できなければ、社会的な信頼は得られません。" in out
    assert "..." not in out


def test_refrain_far_apart_is_kept_and_recorded():
    refrain = "We shall overcome, someday."
    text = (f"{refrain}\n\nThe march began at dawn in the old square, where people had gathered since the night "
            "before. Speakers talked about the long road behind them and the longer road ahead.\n\n"
            "By noon the crowd had grown to thousands, and the police closed the main avenue to traffic. "
            f"Children sat on their parents' shoulders to see the stage.\n\n{refrain}\n")
    result = clean_text(text)
    assert result.text.count(refrain) == 2
    kept = [a for a in result.provenance.actions if a.reason == Reason.REPEATED_FAR_APART]
    assert kept and kept[0].same_as is not None


def test_same_paragraph_twice_in_a_row_is_dropped():
    """After a chunk marker the paragraph again is a restart (without a trace of damage, see the next test)."""
    para = "日本の製造業が持つノウハウは、世界に誇れるものです。これをAIと融合させることができます。"
    result = clean_text(f"{para}\n\n---END---\n\n{para}\n\n次の段落です。\n")
    assert result.text.count(para) == 1
    dropped = [a for a in result.provenance.actions if a.action == Action.DROPPED and a.reason != Reason.MARKER]
    assert all(a.reason == Reason.DUPLICATE and a.kept_as is not None for a in dropped)


def test_more_complete_later_copy_wins():
    first = "この計画は野心的です。政府は支援を続けます。"
    later = "この計画は野心的です。予算は十兆円規模です。政府は支援を続けます。"
    text = f"{first}\n\n---END---\n\n{later}\n\n最後の段落です。\n"
    out = clean_text(text).text
    assert out.count("この計画は野心的です。") == 1
    assert "予算は十兆円規模です。" in out
    assert out.index("この計画は野心的です。") < out.index("予算は十兆円規模です。") < out.index("政府は支援を続けます。")


def test_provenance_covers_every_character(seeds_dir, clean_texts):
    for path in sorted(seeds_dir.glob("*.txt")) + clean_texts[:3]:
        text = path.read_text(encoding="utf-8")
        result = clean_text(text)
        assert check_coverage(text, result.provenance.actions) == [], path.name


def test_every_dropped_duplicate_survives_in_the_output(seeds_dir):
    text = (seeds_dir / "001_aa3d1fd60e9f7b70.txt").read_text(encoding="utf-8")
    result = clean_text(text)
    dups = [a for a in result.provenance.actions if a.reason == Reason.DUPLICATE]
    assert dups
    for a in dups:
        assert a.kept_as is not None and a.same_as is not None
        s, e = a.kept_as
        assert result.text[s:e].strip()


def test_idempotent_on_seeds(seeds_dir):
    for path in sorted(seeds_dir.glob("*.txt")):
        once = clean_text(path.read_text(encoding="utf-8")).text
        assert clean_text(once).text == once, path.name


@pytest.mark.parametrize("text", [
    "スケーリング則とは\nスケーリング則とは何か。AIはサイズを大きくするほど性能が良くなるという経験則のこと。\n",
    "パラメータ\nパラメータ数が多いほどモデルの表現能力が高くなる傾向がある。\n",
    "Results\nResults were mixed across the three regions, with the north lagging.\n",
])
def test_heading_that_starts_the_next_sentence_is_not_a_fragment(text):
    assert clean_text(text).text == text


def test_text_after_a_repeated_paragraph_stays_at_the_end():
    para = ("First paragraph sentence one is here. First paragraph sentence two follows it. "
            "Third sentence closes it.")
    middle = "An unrelated middle paragraph talks about something else entirely, at length."
    closing = "The closing paragraph ends the article with a final thought."
    out = clean_text(f"{para}\n\n{middle}\n\n---END---\n\n{para}\n\n{closing}\n").text
    assert out.index(middle) < out.index(closing)
    assert out.count(para) == 1


@pytest.mark.parametrize("text", [
    "日本の製造業が持つノウハウは、世界に誇れるものです。これをAIと融合させます。\n\n"
    "日本の製造業が持つノウハウは、世界に誇れるものです。これをAIと融合させます。\n\n次の段落です。\n",
    "First paragraph sentence one is here. First paragraph sentence two follows it. Third sentence closes it.\n\n"
    "An unrelated middle paragraph talks about something else entirely, at length.\n\n"
    "First paragraph sentence one is here. First paragraph sentence two follows it. Third sentence closes it.\n",
    "Three Small Mice\nThree Small Mice\nThree Small Mice\n\nPined for some fun\nPined for some fun\n",
    "キック、キック、トントン。キック、キック、トントン。キック、キック、キック、キック、トントントン。\n",
])
def test_repeats_without_a_trace_of_damage_are_content(text):
    """No marker, no cut, no "...": a paragraph, a chorus or a line said again is the author's, kept as it is."""
    assert clean_text(text).text == text


@pytest.mark.parametrize("text", [
    "□東京ディズニーランドのパレード「ジュビレーション！」に参加\nオムニバスに乗り込んで、「ジュビレーション！」に参加。\n",
    "(※)\n(※)商品の詳細については、各銀行のホームページでご確認ください。\n",
    "FREDの代表取締役社長兼CEOのナタリー・バデール氏\nFREDの代表取締役社長兼CEOのナタリー・バデール氏は、新作を発表した。\n",
    "2010 松屋銀座 バレンタイン・パティオ 公式サイト\n2010 松屋銀座 バレンタイン・パティオ\n2月3日から開催。\n",
])
def test_real_page_patterns_are_not_repairs(text):
    """Shapes met in real news pages (livedoor) that once looked like damage."""
    assert clean_text(text).text == text


@pytest.mark.parametrize("left,right,joined", [
    ("It included the full inspection rep", "ort and a timeline of the works.", "inspection report and"),
    ("It included the full", "inspection report and a timeline.", "the full inspection report"),
    ("It included the report of the", "bridge and a timeline.", "of the bridge and"),
    ("The council agreed a new informa", "tion policy on Monday.", "new information policy"),
])
def test_english_seam_spacing(left, right, joined):
    out = clean_text(f"The work began in spring. {left}\n---END---\n{right}\n").text
    assert joined in out


@settings(derandomize=True, max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=st.integers(min_value=0, max_value=10**6), omit=st.sampled_from([0.0, 0.1, 0.2]))
def test_repair_property_over_random_damage(clean_texts, case, omit):
    """Whatever the damage: no marker left, every character accounted for, closer to the original than the damage."""
    gold = clean_texts[case % len(clean_texts)].read_text(encoding="utf-8")
    damaged = damage(gold, case, omit=omit)
    result = clean_text(damaged)
    assert not any(m in result.text for m in ("---END---", "<|endoftext|>", "[END]"))
    assert check_coverage(damaged, result.provenance.actions) == []
    assert f1(result.text, gold) >= max(0.85, f1(damaged, gold))


def test_heading_run_into_the_next_paragraph_meets_its_copy():
    title = "防災アプリで避難所の混雑を表示、市が運用開始"
    first = "市は今月、災害時に避難所の混み具合をスマートフォンで確認できる防災アプリの運用を始めた。"
    second = "避難する人が特定の避難所に集中するのを防ぐことが狙いだ。"
    damaged = f"{title}\n\n{second}\n\n[END]\n\n{title} {first}{second}\n\n次の段落は新しい内容です。\n"
    out = clean_text(damaged).text
    assert out.count(title) == 1 and out.count(second) == 1 and first in out


@pytest.mark.parametrize("cut,full", [
    ("Что вас вдохновило на", "Что вас вдохновило на создание кулинарной страницы?"),
    ("The mayor said the spending", "The mayor said the spending was needed to repair roads and bridges."),
])
def test_cut_line_restarted_without_marker_is_completed(cut, full):
    """A line cut mid-sentence and restarted whole on the next line: the whole sentence, once, in place."""
    text = f"An opening paragraph that sets the scene for the story.\n\n{cut}\n\n{full}\n\nA closing paragraph.\n"
    result = clean_text(text)
    assert result.text == f"An opening paragraph that sets the scene for the story.\n\n{full}\n\nA closing paragraph.\n"
    dropped = [a for a in result.provenance.actions if a.action.value == "dropped"]
    assert [a.rule for a in dropped] == ["cut_sentence_restarted"]


@pytest.mark.parametrize("text", [
    "Feather Duvet Lung disease\n\nFeather Duvet Lung disease is a rare illness that is hard to diagnose.\n",
    "Keyboard\n\nKeyboards are a matter of taste, and every reviewer has a favourite.\n",
    "The old mill\n\nThe old mill is now a museum that opens on weekends.\n",
    "Use the code SAVE20\n\nThis is a good price for a laptop of this class.\n\n"
    "Use the code SAVE20 to get it for $799 at the store.\n",
    "The new model sits two inches lower and\n\nACME ZX. SPACE WAGON CONCEPT\n\n"
    "Acme showed an electric wagon called the ZX. Space Wagon Concept is its name.\n",
])
def test_heading_above_a_paragraph_that_opens_with_it_is_kept(text):
    """Real articles put a heading or a bold lead-in above a paragraph that starts with the same words."""
    result = clean_text(text)
    assert result.text == text
    assert not [a for a in result.provenance.actions if a.action.value == "dropped"]


def test_mid_line_cut_with_a_latin_acronym_is_completed():
    """"AI戦略" has capitals but is no heading in capitals: the cut piece goes, the restart stays."""
    full = "これは正直なところ、日本のAI戦略におけるアキレス腱だと私は感じています。"
    text = f"課題は「人材不足」です。これは正直なところ、日本のAI戦略\n\n{full}次の文です。\n"
    result = clean_text(text)
    assert result.text.count("日本のAI戦略") == 1 and full in result.text
    assert [a.rule for a in result.provenance.actions if a.action.value == "dropped"] == ["cut_sentence_restarted"]


def test_cut_japanese_line_completed_far_away_without_marker():
    """A cut line left behind when the text restarted sections back (no marker) is replaced by the whole sentence."""
    first = "政府はAIへの投資を発表した。各社は計算資源の整備を急いでいる。"
    cut = "さらに、AIの頭脳とも言える"
    full = "さらに、AIの頭脳とも言える半導体への支援も忘れてはいけません。"
    damaged = f"{first}\n\n{cut}\n\n{first}\n\n{full}最先端の工場も建設中だ。\n"
    result = clean_text(damaged)
    assert result.text == f"{first}\n\n{full}最先端の工場も建設中だ。\n"
    assert "cut_sentence_restarted" in [a.rule for a in result.provenance.actions if a.action.value == "dropped"]


@pytest.mark.parametrize("text", [
    "日本のAI戦略における人材不足\n\n日本のAI戦略における人材不足は深刻だと言われている。\n",
    "☆ケーキ「いちごのショート」\n4,200円＜約15cm＞\n説明文です。\n\n☆別のケーキ\n4,200円＜約15cm＞　限定150個\n",
])
def test_japanese_heading_or_price_line_is_not_a_cut_line(text):
    assert clean_text(text).text == text


def test_title_run_into_the_first_sentence_of_a_restart_copy_stays_a_title():
    title = "山あいの路線バス廃止へ、住民が乗り合いタクシーを運行"
    one, two = "県の北部を走る路線バスが来年三月末で廃止される。", "沿線の集落では準備が進んでいる。"
    text = f"{title}\n\n{one}{two}\n\n---END---\n\n{title} {one}{two}\n"
    out = clean_text(text).text
    assert out.startswith(f"{title}\n\n{one}") and out.count(one) == 1 and out.count(title) == 1


def test_heading_run_into_its_whole_paragraph_meets_each_earlier_sentence():
    """A restart copy with the heading and its paragraph on one line: every sentence is matched, not the line."""
    heading, one, two = "### 国際競争の激化と日本の優位性", "次に、国際競争の激化という現実から目を背けるわけにはいきません。", \
        "アメリカの巨大テック企業の資金力は桁違いです。"
    new = "日本は強みを活かすべきでしょう。"
    text = f"{heading}\n\n{one}{two}\n\n<|endoftext|>\n\n{heading} {one}{two}{new}\n"
    out = clean_text(text).text
    assert [out.count(x) for x in (heading, one, two, new)] == [1, 1, 1, 1]
    assert out.index(heading) < out.index(one) < out.index(two) < out.index(new)


def test_restart_one_sentence_back_beats_a_short_overlap():
    """"…, and the" + marker + "The average…" shares only "the": the cut sentence restarted in full decides."""
    one = "The average age of a master baker is now fifty seven."
    two = "Apprentices earn little in their first year, and the early start makes a social life difficult."
    text = f"A survey found many vacancies. {one} Apprentices earn little in their first year, and the \n" \
           f"---END---\n{one} {two}\n"
    assert clean_text(text).text == f"A survey found many vacancies. {one} {two}\n"


def test_spaced_restart_ellipsis_joins_the_cut_word():
    """"… their tenants r" + marker + "... tenants report…": the ellipsis opens the restart, it is no sentence."""
    text = ("Trial plots were taken within a week, and their tenants r\n---END---\n"
            "... tenants report yields that surprised growers. The council is pleased.\n")
    assert clean_text(text).text == ("Trial plots were taken within a week, and their tenants report yields that "
                                     "surprised growers. The council is pleased.\n")


def test_restart_of_five_short_sentences_far_back_is_dropped():
    """A restart copy of a title and four short sentences far back, after a marker: a run of five is a restart."""
    title, a = "家庭の備蓄、三日分では足りない？", "専門家が見直しを提案"
    b, c, d = "水は一人一日三リットルとして家族の分を用意する。", "食料も一週間分あれば多くの災害で安心だ。", \
        "常備薬や眼鏡も忘れずに用意しておきたい。"
    text = f"{title}{a}\n\n{b}{c}{d}\n\n別の話題もある。\n\n---END---\n\n{title}{a} {b}{c}{d}新しい文です。\n"
    out = clean_text(text).text
    assert [out.count(x) for x in (title, a, b, c, d, "新しい文です。")] == [1, 1, 1, 1, 1, 1]


def test_cut_line_restarted_whole_on_the_next_line_even_when_it_resembles_it():
    """The cut line and its restart share most shingles (they match as copies): the fragment still goes."""
    cut = "The survey team warns that a hard winter or a poor vole year could reve"
    full = "The survey team warns that a hard winter or a poor vole year could reverse the gains."
    text = f"Owls are back on the farms this year.\n\n{cut}\n\n{full} Snow is the danger.\n"
    assert clean_text(text).text == f"Owls are back on the farms this year.\n\n{full} Snow is the danger.\n"


def test_second_ellipsis_restart_inside_a_sentence_is_dropped():
    """"...e since the trees were lost." again, after the seam was joined: the tail of a placed sentence."""
    text = ("Natural nest sites have become rare since \n---END---\n...e since the trees were lost to disease.\n\n"
            "...e since the trees were lost to disease. The recovery owes much to farming.\n")
    out = clean_text(text).text
    assert out.count("since the trees were lost to disease.") == 1 and "The recovery owes much to farming." in out
    assert "..." not in out


def test_short_sentence_restarted_right_after_a_marker_is_dropped():
    """The chunk restarts at the very sentence before its cut: even a short one ("課題は価格だ。") goes."""
    text = ("作業は楽になった。 課題は価格だ。ロボット一台の値段は\n\n---END---\n\n課題は価格だ。\n"
            "ロボット一台の値段は小型の乗用車ほどだ。\n")
    out = clean_text(text).text
    assert out.count("課題は価格だ。") == 1 and "ロボット一台の値段は小型の乗用車ほどだ。" in out


def test_reference_list_citing_a_source_twice_is_kept():
    """Reference lists repeat entries on purpose ([3] and [6] are the same site): short, formulaic, kept."""
    text = ("References\n"
            "- ↑ \"Impress Watch\". Impress Watch. Retrieved 2025-12-26.\n"
            "- ↑ \"Market Watch\". marketwatch.com. Retrieved 2025-12-26.\n"
            "- ↑ \"IT Leaders\". IT Leaders. Retrieved 2025-12-26.\n"
            "- ↑ \"Impress Watch\". Impress Watch. Retrieved 2025-12-26.\n"
            "- ↑ \"IT Leaders\". IT Leaders. Retrieved 2025-12-26.\n")
    assert clean_text(text).text == text


def test_restart_in_the_middle_of_a_sentence_without_ellipsis_is_dropped():
    """"の常連客が…" opens a line where no sentence opens, and ends like the sentence just joined: a restart."""
    text = ("月に一度の寄席には落語家が出演し、高齢\n\n<|endoftext|>\n\nの常連客が楽しみにしている。\n\n"
            "の常連客が楽しみにしている。 若い世代の客も増えている。\n")
    out = clean_text(text).text
    assert out.count("の常連客が楽しみにしている。") == 1 and "若い世代の客も増えている。" in out
    assert "高齢の常連客が楽しみにしている。" in out


def test_sentence_that_ends_like_the_one_before_is_kept():
    text = "On the first morning of the trip it was very cold.\n\nIt was very cold.\n"
    assert clean_text(text).text == text


def test_heading_line_before_a_capitalised_sentence_is_not_a_fragment():
    text = "Budget talks resume\n\nBudget talks resume Monday. Officials said so.\n"
    result = clean_text(text)
    assert result.text == text
    assert not [a for a in result.provenance.actions if a.rule == "cut_sentence_restarted"]


def test_a_paragraph_written_twice_at_once_is_dropped_for_its_own_rule():
    """No marker, no cut: prose said again whole and at once is the one restart without another trace."""
    para = ("There are concerns about reliability in winter, when storms can keep the ferry in port "
            "and cold weather reduces battery capacity.")
    result = clean_text(f"The ferry runs on batteries now.\n\n{para}\n\n{para}\nA generator stays on board.\n")
    assert result.text.count(para) == 1 and "A generator stays on board." in result.text
    assert [a.rule for a in result.provenance.actions if a.action == Action.DROPPED] == ["doubled_block"]


def test_a_short_verse_said_twice_at_once_is_kept():
    text = "We are coming, we are coming!\nWe are coming, we are coming!\nFrom the mountain and the glen.\n"
    assert clean_text(text).text == text


@pytest.mark.parametrize("rows", [
    ("毎月割：42,120円（増額前：27,000円）が適用される。", "毎月割：32,040円（増額前：27,000円）が適用される。"),
    ("The AQUOS PHONE 103SH ships with a 1,520 mAh battery.", "The AQUOS PHONE 104SH ships with a 1,520 mAh battery."),
])
def test_pieces_that_differ_in_a_number_are_different_pieces(rows):
    """Even after a marker (a restart may drop a drifted copy), a row with other digits is no copy."""
    a, b = rows
    text = f"{a}\n\n---END---\n\n{b}\n"
    assert clean_text(text).text == text.replace("\n\n---END---\n\n", "\n\n")


def test_urls_are_never_stitched():
    """A URL before a chunk marker is whole as it stands: never joined to the next chunk's first word."""
    text = ("Evernote for Android: https://play.google.com/store/apps/details?id=com.evernote\n---END---\n"
            "Dropbox is the other app we tried.\n")
    assert clean_text(text).text == text.replace("---END---\n", "")


def test_a_url_split_over_two_lines_stays_as_it_is():
    text = "アプリはこちら：https://play.google.com/store/apps/details?id=com.\nevernote で入手できる。\n"
    assert clean_text(text).text == text


def test_a_cut_continued_by_new_text_is_joined_even_when_a_later_stanza_opens_like_it():
    """After a marker the chunk goes on with new text: the cut line is continued, not replaced by a later
    stanza that opens with the same words (詩經's stanzas vary one word)."""
    text = ("坎坎伐檀兮，置之河之干兮。\n\n不狩不猎，胡瞻尔庭有\n---END---\n县貆兮？彼君子兮，不素餐兮！\n\n"
            "坎坎伐辐兮，置之河之侧兮。\n\n不狩不猎，胡瞻尔庭有县特兮？彼君子兮，不素食兮！\n")
    out = clean_text(text).text
    assert "不狩不猎，胡瞻尔庭有县貆兮？" in out and "不狩不猎，胡瞻尔庭有县特兮？" in out
