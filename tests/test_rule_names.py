"""Every reason and every rule name is produced by some input, and documented in the README under the same name.

Why: a rule's name is what a user reads in the provenance; it must be the
name the registry gives it (`boilerplate.RULES`) and the name the README
explains, and a name no input produces is a rule nobody has seen work.
The inputs: samples/, the labelled near-duplicate articles, a small site of
pages that share chrome (the corpus pass), and a few damaged texts.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from dedup.boilerplate import RULES
from dedup.pipeline import RunOptions, run
from dedup.provenance import Reason

ROOT = Path(__file__).resolve().parent.parent
BODY = ["Heavy rain and strong winds closed several coastal roads on Sunday, officials said.",
        "Crews worked through the night to clear fallen trees from the main highway.",
        "The weather service expects the storm to weaken by Tuesday, with sunshine later.",
        "Schools in the district will reopen on Wednesday once the power is restored."]
DAMAGED = {
    "cookie.txt": "\n\n".join(BODY) + "\n\nWe use cookies to improve your experience.\n",
    "copyright.txt": "\n\n".join(BODY) + "\n\n© 2024 Example Corp. All rights reserved.\n",
    "edge_link.txt": "Storm closes coastal roads\nhttps://example.com/news/storm\n\n" + "\n\n".join(BODY) + "\n",
    "related.txt": "\n\n".join(BODY) + "\n\nRelated articles\nStorm damage in the north\nNew bridge opens\n",
    "overlap.txt": "なぜその人物が融資を拒否されたのか、その理由が説明でき\n\n---END---\n\n"
                   "...その理由が説明できなければ、社会的な信頼は得られません。\n",
    "continuation.txt": "短期的な利益ではなく、長期\n\n---END---\n\n的な視点で判断することが重要だ。次の段落はここから始まる。\n",
    "doubled.txt": "\n\n".join(BODY[:2]) + "\n\n" + BODY[1] + "\n\n" + "\n\n".join(BODY[2:]) + "\n",
    "supersede.txt": "The council met on Monday to discuss the budget for the coming year.\n\n"
                     "Residents agreed with the mayor that the roads need repair before winter.\n\n---END---\n\n"
                     "Most residents agreed with the mayor that the roads need repair before winter.\n",
}
TOPICS = ["budget", "bridge", "library", "harbour", "school", "market", "railway", "museum"]


def _site_page(i: int, topic: str) -> str:
    """A page of one site: its head and foot lines, a line on every page, a link line on every other one."""
    prose = [f"The {topic} story number {i} begins with a long sentence about the town and its {topic} plans.",
             f"Officials said the {topic} work would cost about {i * 7 + 3} million and take two years to finish.",
             f"Residents asked whether the {topic} project would change the traffic near the old square.",
             f"A public meeting about the {topic} is planned for the first week of next month."]
    lines = prose[:2] + ["Weather desk update"] + prose[2:] if i >= 3 else ["Weather desk update"] + prose
    if i % 2 == 0:
        lines.insert(3, "・Schedule of events")
    return "Example Herald Weekly\n\n" + "\n\n".join(lines) + "\n\nExample Herald | Contact | Jobs\n"


@pytest.fixture(scope="module")
def produced(tmp_path_factory) -> set[tuple[str, str]]:
    """(reason, rule) of every action the inputs give."""
    root = tmp_path_factory.mktemp("names")
    for name, text in DAMAGED.items():
        (root / "damaged").mkdir(exist_ok=True)
        (root / "damaged" / name).write_text(text, encoding="utf-8")
    (root / "site").mkdir()
    for i, topic in enumerate(TOPICS):
        (root / "site" / f"p{i}.txt").write_text(_site_page(i, topic), encoding="utf-8")
    found = set()
    runs = [([str(ROOT / "samples"), str(ROOT / "tests/data/neardup/articles")], True), ([str(root / "site")], False),
            ([str(root / "damaged")], False)]  # the site's pages and the damaged texts share a body: no near-duplicates
    for paths, near_duplicates in runs:
        result = run(paths, RunOptions(near_duplicates=near_duplicates))
        found |= {(a.reason.value, a.rule) for o in result.outcomes for a in o.result.provenance.actions}
    return found


def _readme_rules() -> dict[str, str]:
    """Rule name → reason, from the README's table of rules."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Rules"):]
    section = section[:section.index("\n## ", 1)] if "\n## " in section[1:] else section
    return {m.group(1): m.group(2) for m in re.finditer(r"^\| `(\w+)` \| `(\w+)` \|", section, re.M)}


def test_every_reason_is_produced(produced):
    assert {r.value for r in Reason} - {reason for reason, _ in produced} == set()


def test_every_registered_rule_records_its_own_name(produced):
    corpus_rules = {"corpus_edge_line", "corpus_link_line", "corpus_common_line"}  # corpus.py's names
    boilerplate = {rule for reason, rule in produced if reason == Reason.BOILERPLATE.value}
    assert set(RULES) - {"corpus_boilerplate"} - boilerplate == set()
    assert corpus_rules - boilerplate == set()
    assert boilerplate - set(RULES) - corpus_rules == set()


def test_every_rule_name_is_documented_with_its_reason(produced):
    documented = _readme_rules()
    assert {rule: reason for reason, rule in produced} == documented
