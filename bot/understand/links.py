"""Word links between how customers ask and how owners write: a customer's 얼려 for an owner's 보관,
찜 for 미리, learned from many made-up shops' FAQ entries and the ways customers ask them
(bench/data/pairs/, written from a brief only) by `bench/train_links.py`.

Why: on shops the bot had never seen, the largest class of misses was a message that shares few
words with the owner's heading, and the lexicon and the concept model cover only the concepts
someone listed. A link lets a message word count as partly said by an entry that holds the word it
stands for, with the link's weight; words the customer and owner share still count in full.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

MODEL = Path(__file__).with_name("links.json")
NULL = "∅"  # the trainer's empty source word


@lru_cache(maxsize=1)
def load(path: Path = MODEL) -> dict[str, tuple[tuple[str, float], ...]]:
    """message term -> ((owner's term, weight), ...), strongest first; empty without a model."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {m: tuple((str(h), float(w)) for h, w in row) for m, row in data["links"].items()}


def strength(term: str, doc_terms: set[str] | frozenset[str], links: dict[str, tuple[tuple[str, float], ...]] | None = None) -> float:
    """How strongly an entry holding `doc_terms` says `term` through a link (0 when no link lands)."""
    for target, weight in (links if links is not None else load()).get(term, ()):
        if target in doc_terms:
            return weight  # strongest first
    return 0.0
