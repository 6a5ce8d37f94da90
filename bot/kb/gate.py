"""Whether the best FAQ entry answers the message: a small logistic model over what the search saw
(how much of the message and of the entry's question the other says, the lead over the next entry,
how many words matched and of what kind), trained on shops the bot had never seen.

Why: "I don't know" was one threshold on a hand-weighted confidence plus rules, all tuned on the
project's own question sets; on new shops it refused answers it had ranked first and took others
it should have refused. The model learns the same decision from many made-up shops' FAQ entries
and the ways customers ask them (bench/data/pairs/, written from a brief only), with every entry
also removed in turn so it sees messages whose answer is not there. `bench/train_gate.py` fits
it and chooses its threshold for the precision a wrong answer demands; stored in gate.json.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from bot.kb.index import Hit, Query

MODEL = Path(__file__).with_name("gate.json")
FEATURES = ("confidence", "coverage", "head", "cosine", "linked", "lead", "second_coverage", "shared_words",
            "concept_words", "only_concepts", "no_head", "message_words", "learned", "learned_lead", "bias")


def features(hits: list[Hit], q: Query) -> list[float]:
    """The top hit's evidence, as numbers in about 0..1."""
    top = hits[0]
    second = hits[1] if len(hits) > 1 else None
    concepts = [t for t in top.matched if t in q.concepts]
    return [
        top.confidence,
        top.coverage,
        top.head,
        top.cosine,
        top.linked,
        top.confidence - (second.confidence if second else 0.0),
        second.coverage if second else 0.0,
        min(len(top.matched), 5) / 5,
        min(len(concepts), 3) / 3,
        float(bool(top.matched) and len(concepts) == len(top.matched)),
        float(top.head == 0),
        min(len(set(q.morphemes)), 15) / 15,
        top.learned,
        top.learned - max((h.learned for h in hits[1:]), default=0.0),
        1.0,
    ]


@lru_cache(maxsize=1)
def load(path: Path = MODEL) -> dict[str, object] | None:
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        return None  # trained on other features: not used rather than misread
    return data


def probability(hits: list[Hit], q: Query, model: dict[str, object] | None = None) -> float | None:
    """How likely the top hit answers the message, or None without a model (the caller falls back)."""
    model = model or load()
    if model is None or not hits:
        return None
    z = sum(w * x for w, x in zip(model["weights"], features(hits, q), strict=True))  # type: ignore[call-overload]
    return 1.0 / (1.0 + math.exp(-z))


def threshold(model: dict[str, object] | None = None) -> float:
    model = model or load()
    return float(model["threshold"]) if model else 1.0  # type: ignore[arg-type]
