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
