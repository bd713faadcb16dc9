"""Build a labelled benchmark corpus of damaged and duplicated articles from real text.

Why synthetic articles from real sentences: the real sources here hold only a
few hundred articles (livedoor: ~400 Japanese, Zyte ground truth: ~180
English, samples/: a handful), and the benchmark needs thousands.  Each
generated article is therefore a fresh sequence of paragraphs whose sentences
are drawn from one language's real sentence pool, so its text is real prose but
two generated originals share almost nothing (a sentence at most), like two
different articles of one site.  Every page carries its site's header and
footer lines (the chrome the corpus pass learns).

On top of the originals:

* damaged documents: a chunk of the body repeated after a ``---END---`` marker,
  and a paragraph cut mid-sentence then restarted from its beginning;
* duplicated documents: syndicated copies of an original published by another
  site (other header/footer), with 1-2 % of the characters edited and one
  paragraph dropped.

The duplicate labels (which documents are copies of which) go to
``OUT/labels.json``; the documents to ``OUT/docs/``.  The livedoor corpus is
CC BY-ND: it is read at benchmark time and the output must not be committed.

Usage: ``python benchmarks/make_corpus.py OUT --n 5000 [--seed 7]``
"""
from __future__ import annotations

import argparse
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

SHARED = Path("/work/shared/corpora")
LIVEDOOR = SHARED / "livedoor"
ZYTE = SHARED / "zyte-article-extraction" / "ground-truth.json"
SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SITES = {
    "ja": [("ホーム | ニュース | スポーツ | エンタメ | IT", "Copyright © {y} 東京ニュース All Rights Reserved."),
           ("トップ > 話題 > 記事", "© {y} 関西日報 無断転載を禁じます。"),
           ("▶ ライフ | グルメ | 旅行", "このサイトについて | 利用規約 | プライバシーポリシー"),
           ("【PR】今だけ送料無料キャンペーン実施中", "Copyright (c) {y} ウェブマガジン編集部"),
           ("メニュー 検索 ログイン", "関連記事はこちら")],
    "en": [("Home | News | Sports | Business | Tech", "© {y} The Daily Wire Service. All rights reserved."),
           ("Subscribe | Sign in | Newsletters", "Copyright {y} Metro Herald Media Group"),
           ("Menu > World > Technology", "Terms of Use | Privacy Policy | Cookie Settings"),
           ("Advertisement - Continue reading below", "More stories from the Evening Post"),
           ("Skip to main content", "Share this article: Facebook | Twitter | Email")],
}
_JA_SENT = re.compile(r"(?<=[。！？])")
_EN_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


@dataclass
class Article:
    """One generated document: its lines and where it came from."""

    name: str
    lang: str
    site: int
    title: str
    paragraphs: list[str]


def livedoor_sentences() -> list[str]:
    """Japanese sentences of the livedoor bodies (line 1 URL, 2 date, 3 title, then body)."""
    out: list[str] = []
    for path in sorted(LIVEDOOR.glob("*/*.txt")):
        if path.name.startswith("LICENSE"):
            continue
        lines = path.read_text(encoding="utf-8").splitlines()[3:]
        for line in lines:
            out += [s.strip() for s in _JA_SENT.split(line.strip()) if len(s.strip()) >= 12]
    return out


def zyte_sentences() -> list[str]:
    """English sentences of the Zyte ground-truth article bodies."""
    data = json.loads(ZYTE.read_text(encoding="utf-8"))
    out: list[str] = []
    for rec in data.values():
        for para in (rec.get("articleBody") or "").split("\n"):
            out += [s.strip() for s in _EN_SENT.split(para.strip()) if len(s.strip()) >= 25]
    return out


def sample_sentences() -> list[str]:
    """Prose lines of samples/ (Japanese seed articles)."""
    out: list[str] = []
    for path in sorted(SAMPLES.rglob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if len(line.strip()) >= 15 and line.strip()[-1] in "。！？":
                out.append(line.strip())
    return out


def make_original(rng: random.Random, name: str, lang: str, pool: list[str]) -> Article:
    """A fresh article: a title sentence and 4-9 paragraphs of 1-4 pool sentences."""
    joiner = "" if lang == "ja" else " "
    paragraphs = [joiner.join(rng.sample(pool, rng.randint(1, 4))) for _ in range(rng.randint(4, 9))]
    title = rng.choice(pool)[:60].rstrip("。.")
    return Article(name, lang, rng.randrange(len(SITES[lang])), title, paragraphs)


def edit_chars(rng: random.Random, text: str, share: float) -> str:
    """Replace `share` of the characters (never whitespace) by others of the same text."""
    chars = list(text)
    spots = [i for i, c in enumerate(chars) if not c.isspace()]
    letters = [c for c in chars if c.isalpha()] or ["x"]
    for i in rng.sample(spots, max(1, int(len(chars) * share))):
        chars[i] = rng.choice(letters)
    return "".join(chars)


def syndicated_copy(rng: random.Random, orig: Article, name: str) -> Article:
    """Another site's copy: other chrome, 1-2 % character edits, one paragraph dropped."""
    paras = list(orig.paragraphs)
    del paras[rng.randrange(len(paras))]
    share = rng.uniform(0.01, 0.02)
    paras = [edit_chars(rng, p, share) for p in paras]
    site = (orig.site + rng.randint(1, len(SITES[orig.lang]) - 1)) % len(SITES[orig.lang])
    return Article(name, orig.lang, site, orig.title, paras)


def damaged_body(rng: random.Random, paras: list[str], lang: str) -> list[str]:
    """Body lines with a repeated chunk after ---END--- and a cut-and-restarted paragraph."""
    out = list(paras)
    if len(out) >= 3:
        cut = rng.randint(1, len(out) - 1)
        back = rng.randint(1, cut)
        out = out[:cut] + ["---END---"] + out[cut - back:]
    i = rng.randrange(len(paras))
    p = paras[i]
    if len(p) > 40:
        at = rng.randint(len(p) // 3, 2 * len(p) // 3)
        j = out.index(p)
        out[j:j + 1] = [p[:at], p]
    return out


def render(art: Article, body: list[str], year: int) -> str:
    """The page text: header line, title, body paragraphs (blank-line separated), footer line."""
    head, foot = SITES[art.lang][art.site]
    return "\n\n".join([head, art.title, *body, foot.format(y=year)]) + "\n"


def build(out: Path, n: int, seed: int, dup_share: float = 0.2, damage_share: float = 0.25) -> dict:
    """Write `n` documents and the labels; returns the labels."""
    rng = random.Random(seed)
    pools = {"ja": livedoor_sentences() + sample_sentences(), "en": zyte_sentences()}
    docs_dir = out / "docs"
    docs_dir.mkdir(parents=True, exist_ok=True)
    originals: list[Article] = []
    clusters: dict[str, list[str]] = {}
    damaged: list[str] = []
    for k in range(n):
        name = f"d{k:05d}.txt"
        if originals and rng.random() < dup_share:
            src = rng.choice(originals)
            art = syndicated_copy(rng, src, name)
            clusters.setdefault(src.name, [src.name]).append(name)
        else:
            lang = "ja" if rng.random() < 0.5 else "en"
            art = make_original(rng, name, lang, pools[lang])
            originals.append(art)
        body = art.paragraphs
        if rng.random() < damage_share:
            body = damaged_body(rng, body, art.lang)
            damaged.append(name)
        (docs_dir / name).write_text(render(art, body, 2010 + k % 15), encoding="utf-8")
    labels = {"n": n, "seed": seed, "clusters": sorted(clusters.values()), "damaged": damaged,
              "sources": {"ja_sentences": len(pools["ja"]), "en_sentences": len(pools["en"])}}
    (out / "labels.json").write_text(json.dumps(labels, indent=1), encoding="utf-8")
    return labels


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    labels = build(args.out, args.n, args.seed)
    pairs = sum(len(c) * (len(c) - 1) // 2 for c in labels["clusters"])
    print(f"{args.n} documents in {args.out / 'docs'}; {len(labels['clusters'])} duplicate clusters "
          f"({pairs} pairs), {len(labels['damaged'])} damaged; sentence pools {labels['sources']}")


if __name__ == "__main__":
    main()
