"""Labelled near-duplicate set, generated at test time from the project's own texts.

Bases are the twenty articles in tests/data/neardup/articles (original CC0
writing, English and Japanese; some share a topic on purpose) plus the five
seed articles on Japanese AI policy (same topic, different articles).  Each
article of `articles/` gets syndicated copies the way aggregators make them:
another site's header and footer, 1-2 % of characters edited (substituted,
inserted or deleted), and in some copies one body paragraph dropped.  An
article and its copies form one family; every pair inside a family is a true
duplicate, every pair across families is not.

Everything is derived with a seeded `random.Random`, so the set is the same on
every run; nothing outside tests/data is read.
"""
from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data" / "neardup"
ARTICLES = DATA / "articles"
SEEDS = DATA / "seeds"

_EN_HEADERS = ("Syndicated from the Valley Courier", "NEWSWIRE | Regional edition", "Posted by staff writer - 3 min read")
_EN_FOOTERS = ("Copyright the Valley Courier. Reproduced with permission.",
               "Share this story. Sign up for our morning newsletter.", "Comments are closed for this article.")
_JA_HEADERS = ("【配信記事】地域ニュースネット", "ニュース速報｜地方版", "この記事は提携メディアから配信されています")
_JA_FOOTERS = ("無断転載を禁じます。記事の内容は配信時点のものです。", "この記事をシェアする　関連記事を読む",
               "ご意見・ご感想は編集部までお寄せください。")
_EN_LETTERS = "etaoinshrdlucmfwypvbgk"
_JA_CHARS = "のにはをたがでてとしれさあいうえおかきくけこ市町人日本年月"


@dataclass
class LabelledSet:
    """Documents in run order and the family each belongs to."""

    docs: list[tuple[str, str]]
    family: dict[str, str]

    def true_pairs(self) -> set[tuple[str, str]]:
        """Every unordered pair (sorted ids) of documents in the same family."""
        members: dict[str, list[str]] = {}
        for doc_id, fam in self.family.items():
            members.setdefault(fam, []).append(doc_id)
        return {tuple(sorted(p)) for ids in members.values() for p in itertools.combinations(ids, 2)}


def edit_chars(text: str, rate: float, rng: random.Random, alphabet: str) -> str:
    """Substitute, insert or delete exactly round(rate * n) of the n non-space characters (at least one)."""
    positions = [i for i, ch in enumerate(text) if not ch.isspace()]
    chosen = set(rng.sample(positions, max(1, round(rate * len(positions))))) if positions else set()
    out: list[str] = []
    for i, ch in enumerate(text):
        if i not in chosen:
            out.append(ch)
            continue
        op = rng.choice(("sub", "ins", "del"))
        if op == "sub":
            out.append(rng.choice(alphabet.replace(ch, "")))
        elif op == "ins":
            out.extend((ch, rng.choice(alphabet)))
    return "".join(out)


def drop_paragraph(text: str, rng: random.Random) -> str:
    """Remove one body paragraph (never the title, which is the first)."""
    paras = text.strip().split("\n\n")
    if len(paras) < 3:
        return text
    del paras[rng.randrange(1, len(paras))]
    return "\n\n".join(paras)


def syndicate(text: str, rng: random.Random, *, japanese: bool, drop: bool, rate: float) -> str:
    """One syndicated copy: new header/footer, character edits, maybe a paragraph dropped."""
    body = drop_paragraph(text, rng) if drop else text.strip()
    body = edit_chars(body, rate, rng, _JA_CHARS if japanese else _EN_LETTERS)
    header = rng.choice(_JA_HEADERS if japanese else _EN_HEADERS)
    footer = rng.choice(_JA_FOOTERS if japanese else _EN_FOOTERS)
    return f"{header}\n\n{body}\n\n{footer}\n"


def base_articles() -> list[tuple[str, str]]:
    """(name, text) of the project's own articles, in name order."""
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(ARTICLES.glob("*.txt"))]


def seed_articles() -> list[tuple[str, str]]:
    """(name, text) of the five seed articles (same topic, all different)."""
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]


def make_labelled_set(seed: int = 0, copies: int = 3) -> LabelledSet:
    """The labelled set: every base article, its `copies` syndicated copies, the seeds; shuffled."""
    rng = random.Random(seed)
    docs: list[tuple[str, str]] = []
    family: dict[str, str] = {}
    for name, text in base_articles():
        docs.append((f"{name}/orig", text))
        family[f"{name}/orig"] = name
        for i in range(copies):
            doc_id = f"{name}/copy{i}"
            docs.append((doc_id, syndicate(text, rng, japanese=name.startswith("ja"), drop=i % 2 == 1,
                                           rate=rng.uniform(0.01, 0.02))))
            family[doc_id] = name
    for name, text in seed_articles():
        docs.append((f"seed/{name}", text))
        family[f"seed/{name}"] = f"seed/{name}"
    rng.shuffle(docs)
    return LabelledSet(docs, family)


def pairwise_scores(predicted: set[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, float]:
    """(precision, recall) of predicted duplicate pairs against the true ones."""
    hits = len(predicted & truth)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(truth) if truth else 1.0
    return precision, recall
