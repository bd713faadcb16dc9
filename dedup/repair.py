"""Reassembly: one copy of every sentence, in the article's order, most complete copy kept.

The stream of sentence items (seams already stitched) is merged into an output
order with a *cursor*, the way a reader follows a text that keeps restarting:

* a sentence with no earlier copy is placed right after the cursor.  After a
  restart the cursor sits inside the earlier copy, so a sentence that only the
  later copy has lands in place, between its neighbours;
* a sentence that repeats an earlier one moves the cursor back to that copy and
  is dropped, if the evidence says the text restarted there - and only in a
  document that shows a trace of damage (`dedup.evidence`; without one, only a
  paragraph written twice at once is a restart, `doubled`): the copy is the
  one just placed or a few sentences back, it follows a trace (a marker, a
  cut, a "..." restart), or the next sentences repeat too (a run);
* a repeat with weak evidence (one sentence, far from its copy, followed by new
  text) is kept, since authors do repeat a line on purpose; the provenance
  records it as `repeated_far_apart` with the copy it resembles;
* when the later copy is more complete (it contains the earlier one, or is a
  longer drifted version), it takes the earlier copy's place.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import regex

from . import textnorm
from .evidence import Evidence
from .items import Dropped, Item, Part
from .matcher import Match, Matcher, MatchOptions
from .provenance import Action, Reason
from .runon import one_unit, run_on_pieces, split_run_ons
from .stitch import StitchOptions


@dataclass
class RepairOptions:
    """Evidence thresholds (in key characters and sentences) for treating a repeat as a restart."""

    near_units: int = 3          # a copy at most this many sentences back is "near"
    near_min_chars: int = 30     # ...and needs this much text plus a run or a restart signal
    adjacent_min_chars: int = 12  # a sentence or title repeated right after itself
    min_key_chars: int = 6       # shorter pieces ("User:", "1.") are never treated as repeats
    restart_min_chars: int = 8   # after a chunk marker or a leading "...", a copy this near...
    restart_window: int = 12     # ...(in sentences) needs no run of repeats after it;
    restart_run_chars: int = 24  # further back, a run of run_min_units exact copies with this much text
    run_min_units: int = 3       # a far copy needs a run: this many sentences and...
    run_min_chars: int = 80      # ...this many informative characters (two sentences far apart are kept)
    long_run_units: int = 5      # a run this long needs only run_min_chars in all...
    long_run_informative: int = 30  # ...and this many informative ones (not a list of repeated references)
    formulaic_chars: int = 12    # what a sentence must have beyond this to count as evidence
    heading_window: int = 10     # a heading repeated within this many sentences is dropped
    doubled_min_chars: int = 60  # a block written twice in a row without another trace (`Merge.doubled`)
    far_fragment_chars: int = 12  # a cut line completed far from it, without a marker (`completes_cut_line`)
    lookahead: int = 6
    max_gap: int = 2
    match: MatchOptions = field(default_factory=MatchOptions)
    stitch: StitchOptions = field(default_factory=StitchOptions)


class Order:
    """The output order being built, with O(1) position lookups."""

    def __init__(self) -> None:
        self.items: list[Item] = []
        self.pos: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self.items)

    def position(self, item: Item) -> int:
        """Where `item` stands in the output order."""
        return self.pos[id(item)]

    def insert(self, index: int, item: Item) -> None:
        """Put `item` at `index`, shifting what follows."""
        self.items.insert(index, item)
        for k in range(index, len(self.items)):
            self.pos[id(self.items[k])] = k

    def replace(self, index: int, item: Item) -> None:
        """Let `item` take the place of the item at `index`."""
        del self.pos[id(self.items[index])]
        self.items[index] = item
        self.pos[id(item)] = index


class Merge:
    """One pass of the cursor merge over a stream."""

    def __init__(self, stream: list[Item], options: RepairOptions):
        self.stream = split_run_ons(stream)
        stream = self.stream
        self.options = options
        self.order = Order()
        self.matcher = Matcher(options.match)
        self.matcher.prepare(stream)
        self.dropped: list[Dropped] = []
        self.cursor = -1
        self.ends_line = {id(a) for a, b in zip(stream, [*stream[1:], None], strict=True) if b is None or b.line_start}
        self.evidence = Evidence(stream, self.ends_line)

    def run(self) -> tuple[list[Item], list[Dropped]]:
        """Merge the whole stream; returns (output items, dropped)."""
        i = 0
        while i < len(self.stream):
            item = self.stream[i]
            size = placed_prefix(item, self.matcher)  # an earlier piece this one starts with: cut, run-on or none
            if size and self.completes_cut_line(item, size):
                i += 1
                continue
            if size and not self.matcher.exact.get(item.key) and self.split_run_on(item, size, i):
                continue  # the stream now holds the heading and the sentences; look at the first again
            if size and self.completes_fragment(item, size):
                i += 1
                continue
            matches = self.matcher.candidates(item) if self.comparable(item) else self.short_copies(item, i)
            if not matches and (inside := self.restarted_inside(item)) is not None:
                matches = [inside]
            if not matches:
                self.place(item, None, i)
            else:
                self.decide(i, item, self.choose(matches, i if self.evidence.follows_damage(item) else None))
            i += 1
        return self.order.items, self.dropped

    def comparable(self, item: Item) -> bool:
        """Long enough to count as a repeat: a heading always is ("### 最後に"), "User:" never."""
        return len(item.key) >= self.options.min_key_chars or (item.kind == "heading" and bool(item.key))

    def short_copies(self, item: Item, i: int) -> list[Match]:
        """Exact earlier copies of a piece too short to compare ("宁不我报。"): right after a trace of damage,
        or the very next piece of the copy that a restart is following (the one just after the cursor)."""
        # the most recent copies only, as `Matcher.candidates` does: "Hurrah!" may stand hundreds of times
        copies = self.matcher.exact.get(item.key, [])[-self.options.match.max_candidates:] if len(item.key) >= 2 else ()
        if not self.evidence.follows_damage(item):
            copies = [o for o in copies if self.order.position(o) == self.cursor + 1]
        else:  # the sentence just placed, or the start of a run of copies ("Hurrah!" alone proves nothing)
            copies = [o for o in copies if self.order.position(o) == self.cursor
                      or self.run_after(i, self.order.position(o))[0] >= self.options.run_min_units]
        return [Match(o, 1.0, False) for o in copies]

    def _started_by(self, item: Item, size: int) -> tuple[Item, str]:
        """The placed piece whose key is item.key[:size], and the text of `item` after it."""
        return self.matcher.exact[item.key[:size]][-1], item.text[item.key_map[size - 1] + 1:]

    def completes_fragment(self, item: Item, size: int) -> bool:
        """Let `item` replace an earlier piece that is its cut-off start ("Что вас вдохновило на").

        The earlier piece is the one placed just before, `item` starts with
        it, it does not end like a sentence, and `item` goes on in lower case
        after it: the sentence was cut and restarted (no marker between), not a
        heading run into the next paragraph (`split_run_on`), whose next
        sentence starts anew.  A piece that is a line of its own must also
        have four words or more and not read like a title (`textnorm.title_like`):
        real articles put a heading or a bold lead-in ("Feather Duvet Lung
        disease", "Keyboard") above a paragraph that opens with the same words.
        """
        old, after = self._started_by(item, size)
        if self.order.position(old) != self.cursor:
            return False
        rest = after.lstrip()
        if (old.kind == "heading" or textnorm.ends_sentence(old.text) or textnorm.ends_in_url(old.text)
                or not rest[:1].isalpha()
                or not rest[:1].islower()):
            return False
        if old.line_start and (len(old.text.split()) < 4 or textnorm.title_like(old.text)):
            return False
        self.cursor = self.order.position(old)
        self.supersede(old, self.cursor, item, Reason.FRAGMENT, "cut_sentence_restarted", round(size / len(item.key), 4))
        return True

    def completes_cut_line(self, item: Item, size: int) -> bool:
        """Let `item` replace a cut-off start of it that ends a line far back, in a script without case.

        "さらに、AIの「頭脳」とも言える" left at the end of a line, the text
        restarting sections back without a marker, and the sentence coming
        whole when the restart reaches it ("…とも言える半導体分野への支援も…"):
        the whole sentence takes the fragment's place, so what follows it
        lands there too.  The piece must be long (`far_fragment_chars`), must
        not end like a sentence, must be part of a line with other sentences
        or hold a clause break ("、"), and the sentence must go on straight
        after it with a letter without case: a heading above a paragraph that
        opens with it ("スケーリング則とは" / "スケーリング則とは何か。") is short and
        has no comma, and a title run into the first sentence of a restart copy
        ("…を運行 県の北部を…") is followed by a space.
        """
        if size < self.options.far_fragment_chars:
            return False
        old, rest = self._started_by(item, size)
        if (id(old) not in self.ends_line or old.kind not in ("prose", "list") or textnorm.ends_sentence(old.text)
                or textnorm.ends_in_url(old.text)
                or not rest[:1].isalpha() or rest[:1].islower() or rest[:1].isupper()
                or (old.line_start and not _CLAUSE_BREAK.search(old.text))):
            return False
        p = self.order.position(old)
        self.supersede(old, p, item, Reason.FRAGMENT, "cut_sentence_restarted", round(size / len(item.key), 4))
        self.cursor = p
        return True

    def restarted_inside(self, item: Item) -> Match | None:
        """The recent copy that a "..." restart piece is the tail of ("...e since the trees were lost.").

        A restart after an ellipsis picks a sentence up in its middle, so the
        piece is only the end of its earlier copy: too short a part of it for
        the shingle search, but its key stands inside that copy's key.  A line
        that starts where no sentence starts ("の常連客が…", "and then…") and
        ends like a recent sentence is the same restart without the "...".
        """
        ellipsis = textnorm.starts_with_ellipsis(item.text)
        if len(item.key) < self.options.restart_min_chars or not (ellipsis or _mid_sentence_start(item)):
            return None
        for back, placed in enumerate(reversed(self.order.items[:self.cursor + 1])):
            if back >= self.options.restart_window:
                break
            if len(placed.key) > len(item.key) and (item.key in placed.key if ellipsis else placed.key.endswith(item.key)):
                return Match(placed, 1.0, True)  # an exact copy of part of it
        return None

    def split_run_on(self, item: Item, size: int, i: int) -> bool:
        """Split a piece that runs an earlier heading or label (key length `size`) into the next sentence.

        Copies drift in layout: "見出し\n本文…" in one copy is "見出し 本文…" in
        another.  When a piece starts with the whole of an earlier piece, followed
        by white space and a new sentence, it is split there, so the heading meets
        its earlier copy.  A piece that goes on in lower case is a paragraph that
        opens with the words of the heading above it ("Feather Duvet Lung disease"
        / "Feather Duvet Lung disease is a rare illness…"), not a run-on.
        """
        after = self.stream[i + 1].key if i + 1 < len(self.stream) else None
        pieces = run_on_pieces(item, size, lambda key: bool(self.matcher.exact.get(key)), after)
        if pieces is None:
            return False
        self.stream[i:i + 1] = pieces
        return True

    def choose(self, matches: list[Match], restart_at: int | None = None) -> Match:
        """Prefer the copy just ahead of the cursor, then the nearest one behind it.

        A restart (`restart_at`: the stream index of a piece right after a trace
        of damage) goes back to the copy that the next pieces go on repeating
        longest: a refrain that opens every stanza has one copy per stanza.
        """
        def rank(m: Match):
            p = self.order.position(m.item)
            ahead = self.cursor < p <= self.cursor + 3
            run = -self.run_after(restart_at, p)[0] if restart_at is not None and len(matches) > 1 else 0
            return (run, 0 if ahead else 1, abs(self.cursor - p), -m.similarity, p)
        return min(matches, key=rank)

    def decide(self, i: int, item: Item, best: Match) -> None:
        """Drop `item` as a restart, drop it as a repeated heading, or keep it."""
        p = self.order.position(best.item)
        if not self.evidence.damaged and self.doubled(i, p):
            self.take_repeat(item, p, best, "doubled_block")
            self.cursor = p
            return
        if self.cursor < p <= self.cursor + 3 or self.strong(i, item, p, best):
            self.take_repeat(item, p, best)
            self.cursor = p
            return
        distance = self.cursor - p
        if (item.kind in ("heading", "label") and best.similarity == 1.0 and 0 <= distance <= self.options.heading_window
                and self.evidence.damaged):
            self.dropped.extend(Dropped.all_of(item, Reason.DUPLICATE, "repeated_heading", best.item, 1.0))
            item.replaced_by = best.item
            return
        self.place(item, best, i)

    def strong(self, i: int, item: Item, p: int, best: Match) -> bool:
        """Whether the evidence says the text restarted at position p (see module docstring)."""
        o = self.options
        units, chars, informative = self.run_after(i, p)
        own = evidence_chars(item, best)
        total = chars + own
        informative += max(0.0, own - o.formulaic_chars)
        units += 1
        distance = self.cursor - p
        restart = self.evidence.follows_damage(item)  # a marker, a cut or a "..." right before it (or on it)
        if not self.evidence.damaged:
            return False  # no trace of damage anywhere: a repeated line is a refrain, not a restart
        if distance == 0 and total >= o.adjacent_min_chars and best.similarity >= 0.9 and (
                best.similarity == 1.0 or best.contained):
            return True
        if restart and total >= o.restart_min_chars and 0 <= distance <= o.restart_window:
            return True
        if restart and units >= o.run_min_units and total >= o.restart_run_chars and best.similarity == 1.0:
            return True  # right after a marker or a cut, a run of exact copies far back: short verses count whole
        if restart and distance == 0 and best.similarity == 1.0:
            return True  # "課題は価格だ。" / marker / "課題は価格だ。": restarted at the very sentence before
        if best.similarity < 1.0 and not best.contained:
            return False  # a drifted copy starts no restart on its own: authors vary their refrains
        if 0 < distance <= o.near_units and total >= o.near_min_chars and units > 1:
            return True
        if units >= o.long_run_units and total >= o.run_min_chars and informative >= o.long_run_informative:
            return True  # five sentences or more again, in order: a restart even when they are short (titles)
        return units >= o.run_min_units and informative >= o.run_min_chars

    def doubled(self, i: int, p: int) -> bool:
        """Whether the stream from item i writes again, whole and at once, the prose just placed from position p.

        The one restart that needs no other trace: one sentence or more, each
        finished, `doubled_min_chars` in all, the very block that ends at the
        cursor, exactly again.  A verse or a chorus said twice is short lines.
        """
        block = self.order.items[p:self.cursor + 1]
        again = self.stream[i:i + len(block)]
        if not block or len(again) < len(block) or sum(len(b.key) for b in block) < self.options.doubled_min_chars:
            return False
        return all(a.key == b.key and b.kind == "prose" and textnorm.ends_sentence(b.text)
                   for a, b in zip(again, block, strict=True))

    def run_after(self, i: int, p: int) -> tuple[int, float, float]:
        """How many of the next stream items repeat the copies after position p, in order.

        Returns (sentences, characters, informative characters): the last counts
        only what each sentence has beyond `formulaic_chars`, so a run of short
        formulaic pieces (reference entries, "Retrieved 2025-12-26.") is weak.
        The sentence right after the repeat may be new (the earlier copy lacked
        it), but then the run must go on with the very next copy.
        """
        last, units, chars, gaps, informative = p, 0, 0.0, 0, 0.0
        for item in self.stream[i + 1 : i + 1 + self.options.lookahead]:
            if not self.comparable(item):  # a short piece ("谁从穆公？") continues a run only as an exact copy
                hits = [(self.order.position(o), Match(o, 1.0, False)) for o in self.matcher.exact.get(item.key, ())]
            else:
                hits = [(self.order.position(m.item), m) for m in self.matcher.candidates(item)]
            reach = 1 if units == 0 and gaps else 3  # after a first miss, only the very next copy continues a run
            hits = [(q, m) for q, m in hits if last < q <= last + reach]
            if not hits:
                gaps += 1
                if (units == 0 and gaps > 1) or gaps > self.options.max_gap:
                    break
                continue
            q, m = min(hits, key=lambda h: h[0])
            size = evidence_chars(item, m)
            units, chars, last, gaps = units + 1, chars + size, q, 0
            informative += max(0.0, size - self.options.formulaic_chars)
        return units, chars, informative

    def take_repeat(self, item: Item, p: int, best: Match, rule: str | None = None) -> None:
        """`item` repeats the copy at p: drop it (for `rule`), or let it replace that copy when more complete."""
        old = best.item
        if len(item.key) > len(old.key) and item.kind == old.kind:
            self.supersede(old, p, item, Reason.DUPLICATE, "superseded_by_more_complete_copy", best.similarity)
            return
        rule = rule or ("repeated_heading" if item.kind in ("heading", "label") else "repeated_section")
        self.dropped.extend(Dropped.all_of(item, Reason.DUPLICATE, rule, old, best.similarity))
        item.replaced_by = old

    def supersede(self, old: Item, p: int, item: Item, reason: Reason, rule: str, similarity: float) -> None:
        """Let the more complete `item` take the place (p) of `old`, which is dropped for `reason` / `rule`."""
        item.inherit_position(old)
        for part in item.parts:
            part.action, part.reason, part.rule = Action.MERGED, Reason.COMPLETED, "more_complete_copy"
        self.dropped.extend(Dropped.all_of(old, reason, rule, item, similarity))
        old.replaced_by = item
        self.matcher.remove(old)
        self.order.replace(p, item)
        self.matcher.add(item)

    def place(self, item: Item, weak: Match | None, i: int | None = None) -> None:
        """Put `item` right after the cursor.

        Inside an earlier copy (the cursor is not at the end) the item goes there
        only if the stream comes back to that copy soon after: a sentence the
        first copy lacked, sandwiched between repeats.  Otherwise the repeat has
        ended and the text goes on after everything placed so far.
        """
        if self.cursor < len(self.order) - 1 and i is not None and not self.sandwiched(i):
            self.cursor = len(self.order) - 1
        index = self.cursor + 1
        if weak is not None:
            item.parts = [Part(pt.start, pt.end, Action.KEPT, Reason.REPEATED_FAR_APART, "weak_evidence_repeat",
                               weak.similarity, weak.item) for pt in item.parts]
        elif index < len(self.order):
            for part in item.parts:
                if part.action == Action.KEPT:
                    part.action, part.reason, part.rule = Action.MERGED, Reason.COMPLETED, "inserted_from_later_copy"
        self.order.insert(index, item)
        self.matcher.add(item)
        self.cursor = index

    def sandwiched(self, i: int) -> bool:
        """Whether one of the next stream items repeats something placed after the cursor."""
        for later in self.stream[i + 1 : i + 1 + self.options.lookahead + 2]:
            if not self.comparable(later):
                continue
            if any(self.order.position(m.item) > self.cursor for m in self.matcher.candidates(later)):
                return True
        return False


_PARTICLES = "のをがはにでとへやも"  # Japanese particles: a line opening with one continues a sentence


def _mid_sentence_start(item: Item) -> bool:
    """Whether `item` opens a line where no sentence opens: a lower-case letter or a Japanese particle."""
    first = item.text.lstrip()[:1]
    return item.line_start and bool(first) and (first.islower() or first in _PARTICLES)


_CLAUSE_BREAK = regex.compile(r"[、，]|,\s")  # not the comma of "4,200円"


def placed_prefix(item: Item, matcher: Matcher) -> int:
    """Key length of the longest placed piece that a one-unit `item` starts with (8 characters or more), or 0."""
    return matcher.longest_placed_prefix(item.key) if one_unit(item) else 0


def evidence_chars(item: Item, match: Match) -> float:
    """Characters of repeat evidence a match gives; a drifted (fuzzy) copy counts half."""
    size = min(len(item.key), len(match.item.key)) * match.similarity
    return size if match.similarity == 1.0 or match.contained else size / 2


def merge_repeats(stream: list[Item], options: RepairOptions | None = None) -> tuple[list[Item], list[Dropped]]:
    """Merge the stream into one copy of each sentence; returns (output items, dropped)."""
    return Merge(stream, options or RepairOptions()).run()
