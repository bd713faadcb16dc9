"""A generator of chunk damage, for testing repair on texts whose clean form is known.

It imitates a generator that writes an article in chunks: each chunk stops
after a few sentences, often mid-sentence or mid-word, and the next chunk goes
on from the cut, or restarts one sentence back, a paragraph back or a whole
section back, sometimes after "..."; chunks are joined by a marker line or by
nothing at all.  Sentences that come round again may be missing from their
first copy (the later copy is more complete), the same paragraph may come
twice in a row, and later copies drift in layout (paragraphs run together or
split one sentence per line).
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass

_SENT = re.compile(r".+?(?:[。！？!?]+[」』）)\"”]*|\.(?=\s)|\.$|$)", re.S)
OMIT = 0.0
MARKERS = ["\n\n---END---\n\n", "\n---END---\n", "\n\n<|endoftext|>\n\n", "\n\n[END]\n\n", "\n\n"]


@dataclass
class Sentence:
    para: int
    text: str
    heading: bool


def sentences_of(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    for p, para in enumerate(x for x in re.split(r"\n\s*\n", text.strip()) if x.strip()):
        if para.lstrip().startswith("#") or para.startswith("**"):
            out.append(Sentence(p, para.strip(), True))
            continue
        for m in _SENT.finditer(para.strip()):
            s = m.group(0).strip()
            if s:
                out.append(Sentence(p, s, False))
    return out


def cjk(text: str) -> bool:
    return len(re.findall(r"[\u3040-\u30ff\u4e00-\u9fff]", text)) > len(text) * 0.2


def render(pieces: list[tuple[Sentence, str]], joiner: str, layout: str) -> str:
    """Sentences back into paragraphs; `layout` drifts the line structure of a copy."""
    out: list[str] = []
    prev_para = None
    for sent, text in pieces:
        if prev_para is None:
            out.append(text)
        elif sent.heading or sent.para != prev_para:
            out.append(("\n" if layout == "tight" else " " if layout == "run_on" and not sent.heading else "\n\n")
                       + text)
        else:
            out.append(("\n" if layout == "lines" else joiner) + text)
        prev_para = sent.para
    return "".join(out)


def cut_point(text: str, rng: random.Random) -> int:
    """Where a chunk stops inside a sentence: somewhere past its first quarter."""
    lo = max(2, len(text) // 4)
    hi = max(lo + 1, len(text) - 2)
    return rng.randint(lo, hi)


def restart_index(sents: list[Sentence], cut: int, mode: str, rng: random.Random) -> int:
    """Sentence index the next chunk restarts from, for a chunk cut inside sentence `cut`."""
    if mode == "sentence":
        return cut
    if mode == "one_back":
        return max(0, cut - 1)
    para = sents[cut].para
    start = cut
    while start > 0 and sents[start - 1].para == para:
        start -= 1
    if mode == "paragraph":
        return start
    back = rng.randint(2, 4)
    while start > 0 and back:
        start -= 1
        while start > 0 and sents[start - 1].para == sents[start].para:
            start -= 1
        back -= 1
    return start


def damage(text: str, seed: int, omit: float | None = None) -> str:
    """A damaged rendition of clean `text`, reproducible from `seed`.

    The chunk plan is drawn first; then a sentence that the plan shows again,
    in full, in a later chunk may be left out of its first copy (`omit` is the
    probability), so the text can always be restored from the later copy.
    """
    rate = OMIT if omit is None else omit
    shown: dict[int, int] = {}
    _emit(text, seed, lambda i, chunk: shown.__setitem__(i, shown.get(i, 0) + 1) or False)
    pick = random.Random(seed + 7919)
    first: set[int] = set()

    def lacks(i: int, chunk: int) -> bool:
        if i in first:
            return False
        first.add(i)
        return shown.get(i, 0) >= 2 and pick.random() < rate

    return _emit(text, seed, lacks)


def _emit(text: str, seed: int, lacks) -> str:
    """One rendition; `lacks(i, chunk)` says whether sentence i is left out of this chunk."""
    rng = random.Random(seed)
    front = re.match(r"\A---\n.*?\n---\n", text, re.S)
    prefix = front.group(0) + "\n" if front else ""
    text = text[front.end():] if front else text
    sents = sentences_of(text)
    joiner = "" if cjk(text) else " "
    marker = rng.choice(MARKERS)
    chunks: list[str] = []
    seen: set[int] = set()
    pos, head, frontier = 0, "", 0
    while True:
        end = min(len(sents), max(pos + rng.randint(4, 12), frontier + rng.randint(2, 6)))
        layout = rng.choice(["normal", "normal", "lines", "run_on", "tight"]) if pos in seen else "normal"
        pieces = _pieces(sents, pos, end, head, lambda i: lacks(i, len(chunks)))
        if end >= len(sents):
            chunks.append(render(pieces, joiner, layout))
            break
        last = sents[end - 1]
        mode = rng.choice(["continue", "sentence", "one_back", "paragraph", "section", "ellipsis", "whole"])
        head, nxt = "", end
        if mode == "whole" or last.heading or pieces[-1][0] is not last:
            nxt = end if rng.random() < 0.5 else restart_index(sents, end - 1, "paragraph", rng)
        else:
            c = cut_point(last.text, rng)
            pieces[-1] = (last, pieces[-1][1][:c])
            if mode == "continue":
                nxt, head = end - 1, last.text[c:]
            elif mode == "ellipsis":
                back = rng.randint(3, max(3, min(12, c)))
                nxt, head = end - 1, "..." + last.text[max(0, c - back):]
            else:
                nxt = restart_index(sents, end - 1, mode, rng)
        seen.update(range(pos, end))
        frontier = max(frontier, end)
        body = render(pieces, joiner, layout)
        if rng.random() < 0.1 and not pieces[0][0].heading:
            para = [t for s, t in pieces if s.para == pieces[0][0].para and t is not pieces[-1][1]]
            if para:
                body = joiner.join(para) + "\n\n" + body  # the same paragraph twice in a row
        chunks.append(body)
        pos = nxt
    return prefix + marker.join(chunks) + "\n"


def _pieces(sents: list[Sentence], pos: int, end: int, head: str, lacks) -> list[tuple[Sentence, str]]:
    """The sentences of one chunk; a first copy may lack a sentence a later copy has."""
    pieces = []
    for i in range(pos, end):
        s = sents[i]
        if i == pos and head:
            pieces.append((s, head))
            continue
        if pos < i < end - 1 and not s.heading and lacks(i):
            continue
        pieces.append((s, s.text))
    return pieces
