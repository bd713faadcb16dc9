"""Comparison keys: NFKC without losing dakuten, markup and spacing folded, offsets kept."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.textnorm import _key_with_map_per_char, _skip_spans, key, key_with_map


def test_dakuten_survive_and_forms_meet():
    assert key("か\u3099ぎ") == key("がぎ") == "がぎ"  # decomposed and composed kana meet
    assert key("が") != key("か")  # no diacritic stripping (datatrove's が → か)
    assert key("ｶﾞｷﾞ") == key("ガギ")  # half-width katakana
    assert key("ＡＢＣ１２３") == key("abc123")


def test_markup_and_spacing_do_not_count():
    assert key("**投資家の方々へ：**") == key("投資家の方々へ:")
    assert key("### 国際競争の激化") == key("国際競争の激化")
    assert key("...その理由が説明できなければ") == key("その理由が説明できなければ")
    assert key("A  sentence\twith   spaces.") == key("A sentence with spaces.")


def test_offsets_point_at_the_raw_characters():
    raw = "**技術者の皆さんへ：** これは"
    k, offsets = key_with_map(raw)
    assert len(k) == len(offsets)
    assert [raw[i] for i in offsets][-3:] == ["こ", "れ", "は"]


@settings(derandomize=True, max_examples=300)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_fast_and_per_cluster_paths_agree(text):
    k, offsets = key_with_map(text)
    assert len(k) == len(offsets)
    assert offsets == sorted(offsets)
    slow_k, _ = _key_with_map_per_char(text, _skip_spans(text))
    import unicodedata

    if not any(unicodedata.combining(c) for c in text) and unicodedata.is_normalized("NFC", text):
        assert k == slow_k


@settings(derandomize=True, max_examples=500)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
       | st.from_regex(r"\s*(#{1,3} |- |> )?(\.\.\.|…)?\s*[*_]{0,2}[a-zA-Zあ-ん ]{0,20}[*_]{0,2}", fullmatch=True))
def test_key_without_map_equals_the_mapped_key(text):
    """`key` (no offsets, used for lines and units) must be exactly the key the offset map belongs to."""
    assert key(text) == key_with_map(text)[0]
    assert key(text * 20) == key_with_map(text * 20)[0]  # the unmemoised path for long text
