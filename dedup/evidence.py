"""Evidence of damage: where in a document's sentence stream a restart may begin.

Repair drops a repeated sentence only when the text shows that it was damaged
there.  Damage leaves traces; deliberate repetition (a refrain, a chorus, list
and table rows, captions, a heading quoted later) does not.  The traces that
count, for the sentence at a given place in the stream:

* a chunk marker right before it (``---END---``, ``<|endoftext|>``: the
  segmenter marks the first sentence of a chunk);
* a leading restart ellipsis ("...その理由が…");
* a cut right before it, resolved by the seam stage (`stitch`: the cut piece
  was completed by a later copy, so the sentence after it restarts the text);
* a cut right before it that is still in the stream: a piece at the end of a
  line, in running text, that does not end like a sentence and either is the
  proper beginning of another sentence of the document ("…巨大テック" /
  "…巨大テック企業が", the sentence going on with a letter), and reads as cut
  running text (`Evidence.cut`: a last word found nowhere else in the
  document, or enough words or characters after finished prose), not as a
  title, a verse line or a caption above the paragraph that opens with it.

A cut joined to its continuation across a marker marks the document as
damaged but starts no restart: the text goes on there.  A leading "..."
alone does not mark the document (Japanese writers open lines with "……").

The trace lasts for the sentence after it and one more, so a restart whose
first sentence is new (its first copy lacked it) still counts.  Everything
else is content: a run of repeated lines with none of these traces before it
is kept, however long.
"""
from __future__ import annotations

import bisect
from collections import Counter

import regex

from . import textnorm
from .items import Item
from .stitch import FUNCTION_WORDS

MIN_CJK_CUT = 8  # key characters a cut piece in a script without spaces needs ("津軽海峡" is a heading)...
MIN_CJK_LINE_CUT = 16  # ...as a line of its own without a clause break ("、"): a verse line a longer one opens with
MIN_WORDS_CUT = 6  # words a cut piece in a spaced script needs when its last word is whole ("…nesting owls")
_CLAUSE_BREAK = regex.compile(r"[、，]")
REACH = 2  # stream positions a trace covers: the sentence right after it and the next one
_LAST_WORD = regex.compile(r"(\p{L}+)$")
_WORD = regex.compile(r"\p{L}+")


class Evidence:
    """Which items of a stream follow a trace of damage (see module docstring)."""

    def __init__(self, stream: list[Item], ends_line: set[int]):
        """`ends_line`: ids of the items that end a line of the input."""
        self.keys = sorted({it.key for it in stream if it.key})
        self.words = Counter(w.casefold() for it in stream for w in _WORD.findall(it.text))
        self.traced: set[int] = set()
        self.damaged = False  # a trace other than a leading "..." somewhere: the document was damaged
        for n, item in enumerate(stream):
            before = stream[n - 1] if n else None
            if before is None:
                continue
            seam = before.first_unit.chunk != before.last_unit.chunk  # a cut joined to its continuation across a marker
            ahead = stream[n - 2] if n > 1 else None
            # a caption or heading above the paragraph that opens with it, not after finished prose
            opens_next = before.line_start and item.key.startswith(before.key) and not (
                ahead is not None and textnorm.ends_sentence(ahead.text) and len(before.key) >= MIN_CJK_LINE_CUT)
            cut = id(before) in ends_line and not opens_next and self.cut(before, ahead)
            self.damaged = self.damaged or seam  # joined across a marker: the text goes on there, no restart
            if cut or marked(item):
                self.traced.update(id(it) for it in stream[n:n + REACH])
                self.damaged = self.damaged or cut or restarted(item)

    def follows_damage(self, item: Item) -> bool:
        """Whether `item` stands right after a trace of damage (or is marked itself: restart, marker, "...")."""
        return id(item) in self.traced or marked(item)

    def cut(self, piece: Item, before: Item | None) -> bool:
        """Whether `piece` (ending a line; `before` is the item ahead of it) was cut: see the module docstring.

        A cut lands at a random point, so the piece ends in a letter or a digit,
        not after a comma, and a longer sentence of the document goes on from it
        with a letter or a digit.  A title or a line in capitals that a later
        line opens with ("Die Gedanken sind frei" / "Die Gedanken sind frei, wer
        kann…") is no cut.  Verses are short lines that open longer ones
        ("トントンカラリン", "泣かずに　泣かずに"), so a short piece also needs
        running text: a word cut short, a clause break ("、"), or prose before
        it (the piece after a finished sentence, or inside a line).
        """
        text = piece.text.rstrip()
        if textnorm.ends_in_url(text):  # a URL cut short: the whole of it stands later ("http://www.hyattregencytok")
            return piece.kind in ("prose", "list") and text[-1:].isalnum() and self.completed_elsewhere(piece.key)
        if (piece.kind not in ("prose", "list") or not piece.key or not text[-1:].isalnum()
                or textnorm.in_capitals(text) or textnorm.title_like(text) or not self.completed_elsewhere(piece.key)):
            return False
        in_prose = not piece.line_start or (before is not None and textnorm.ends_sentence(before.text))
        if textnorm.is_cjk_char(text[-1]):
            if len(piece.key) >= MIN_CJK_LINE_CUT:
                return True
            return len(piece.key) >= MIN_CJK_CUT and (in_prose or bool(_CLAUSE_BREAK.search(text)))
        return self.cut_word(text) or (in_prose and len(text.split()) >= MIN_WORDS_CUT)

    def completed_elsewhere(self, key: str) -> bool:
        """Whether a longer key of the stream starts with `key` and goes on with a letter or digit."""
        at = bisect.bisect_right(self.keys, key)
        while at < len(self.keys) and self.keys[at].startswith(key):
            if self.keys[at][len(key)].isalnum():
                return True
            at += 1
        return False

    def cut_word(self, text: str) -> bool:
        """Whether the last word of `text` may be cut short: the document has it nowhere else, and it is no function word."""
        m = _LAST_WORD.search(text)
        if not m or textnorm.is_cjk_char(m.group(1)[-1]):
            return False
        word = m.group(1).casefold()
        return self.words[word] == 1 and word not in FUNCTION_WORDS


def restarted(item: Item) -> bool:
    """Whether `item` restarts the text after a resolved cut or opens a chunk after a marker."""
    return item.restart or (item.first_unit.chunk_start and item.first_unit.chunk > 0)


def marked(item: Item) -> bool:
    """A trace on the item itself: `restarted`, or it opens with "..." (a writer's ellipsis as often as a restart)."""
    return restarted(item) or textnorm.starts_with_ellipsis(item.text)
