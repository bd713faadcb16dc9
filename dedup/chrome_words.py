"""The words of site chrome the boilerplate rules look for: UI strings, table-of-contents and related-links labels.

Data, not rules: `boilerplate.py` decides where a line with these words is
chrome (the whole line, at the head or foot, …).  A line is compared by its
normalised key (`textnorm.key`) with the marks of `UI_TRIM` stripped.
"""
from __future__ import annotations

from . import textnorm

UI_TRIM = ":：!！.。…"  # trailing or leading marks a UI string may carry ("Like this:", "読み込み中…")


def ui_key(text: str) -> str:
    """The comparison form of a UI string (a line's is `line.key.strip(UI_TRIM)`, from its cached key)."""
    return textnorm.key(text).strip(UI_TRIM)


UI_STRINGS = frozenset(ui_key(s) for s in (
    "advertisement", "advertisements", "advertising", "sponsored", "sponsored content", "広告", "スポンサーリンク", "PR",
    "読み込み中", "読み込み中…", "読み込み中...", "loading", "loading…", "loading...", "now loading",
    "share this", "share this:", "share", "share on facebook", "share on twitter", "tweet", "like this:", "like",
    "print", "email", "シェアする", "ツイート", "この記事をシェア", "シェア", "いいね", "ブックマーク",
    "合わせてチェック", "あわせてチェック", "あわせて読みたい", "合わせて読みたい", "関連記事", "関連記事はこちら",
    "related posts", "related articles", "related", "read more", "続きを読む", "もっと見る", "skip to content",
    "投稿者アバター", "author avatar", "avatar", "follow us", "subscribe", "subscribe now", "sign up", "menu", "メニュー",
    "back to top", "ページトップへ", "トップへ戻る", "click to share on twitter (opens in new window)",
    "pocket", "はてなブックマーク", "はてブ", "lineで送る", "line で送る", "feedly", "この記事を書いた人", "プロフィール",
    "人気記事", "新着記事", "最新記事", "おすすめ記事", "コメントを残す", "コメントを書く", "コメントをキャンセル",
    "記事一覧", "カテゴリー", "カテゴリ", "タグ", "ランキング参加中", "読者になる", "この記事が気に入ったらサポートをしてみませんか？",
    "はてなブログをはじめよう！", "amazonで見る", "楽天で見る", "yahoo!ショッピングで見る", "amazonで詳細を見る",
    "posted in", "tagged", "leave a reply", "cancel reply", "leave a reply cancel reply", "continue reading",
    "sign up for our newsletter", "newsletter", "privacy policy", "terms of service", "accept", "accept cookies",
    "we use cookies", "cookie settings", "close", "閉じる", "top", "page top", "ページの先頭へ", "記事を読む",
    "写真拡大", "画像を拡大", "関連ニュース", "この記事をシェアする", "記事をシェア", "xでポスト", "ポストする",
    "ログイン", "会員登録", "新規登録", "ランキング", "アクセスランキング", "人気ランキング", "続きはこちら",
    "もっと読む", "一覧へ戻る", "一覧に戻る", "記事一覧へ", "share on x", "share via email", "copy link",
    "click to share on facebook (opens in new window)", "opens in new window", "comments", "leave a comment",
    "コメントする", "コメント", "prev", "next", "前の記事", "次の記事", "home", "ホーム", "トップ",
    "about the author", "about the authors", "about the writer", "like loading", "post comment", "post a comment",
    "submit comment", "引用をストックしました", "ストック一覧を見る", "引用するにはまずログインしてください",
    "ログインして引用する", "このブログの読者", "読者です 読者をやめる 読者になる 読者になる",
    "この記事が気に入ったらチップで応援してみませんか？", "チップで応援する", "ブログをはじめる", "リブログ",
    "アメンバー", "アメンバー申請", "フォローする",
))
# Single generic words that are chrome at the head or foot of a page but may head a section in the body.
EDGE_UI_STRINGS = frozenset(ui_key(s) for s in (
    "menu", "メニュー", "top", "トップ", "home", "ホーム", "close", "閉じる", "accept", "print", "email", "like", "いいね",
    "prev", "next", "related", "comments", "コメント", "share", "シェア", "タグ", "カテゴリー", "カテゴリ", "tweet",
    "プロフィール", "pocket", "newsletter", "avatar", "ランキング", "ログイン", "会員登録", "新規登録", "スキ", "マガジン",
    "twitter", "facebook", "linkedin", "pinterest", "reddit", "whatsapp", "tumblr", "telegram", "line", "website",
    "comment", "name", "mail", "e-mail", "フォロー", "サポート", "restack",
))
TOC_LABELS = frozenset(textnorm.key(s) for s in (
    "目次", "もくじ", "contents", "table of contents", "目录", "in this article", "この記事の目次", "目次 [非表示]",
    "目次[表示]", "contents [hide]", "on this page",
))
RELATED_LABELS = frozenset(textnorm.key(s) for s in (
    "関連記事", "関連リンク", "関連ニュース", "あわせて読みたい", "合わせて読みたい", "おすすめ記事", "人気記事", "新着記事",
    "この記事を読んだ人はこんな記事も読んでいます", "related posts", "related articles", "related stories",
    "you may also like", "recommended for you", "more stories", "read next", "このブログの人気記事", "人気の記事",
    "この記事を読んだ人におすすめ",
))
LABEL_DECOR = "■□◆◇●○・★☆▼▽▲△▶▷►【】[]<>《》〈〉:：-—| "
