"""Which FAQ entry comes first: a small listwise model over what the search measured of each
candidate, trained on shops the bot had never seen.

Why: the candidates were ordered by one hand-weighted confidence (0.4 coverage + 0.25 cosine +
0.35 head) set on the project's own question sets. On made-up shops' FAQ entries and the ways
customers ask them (bench/data/pairs/, written from a brief only), a softmax over the same
measurements plus a few more (how much of the message the entry's question says, what it leaves
unsaid, what only learned links say) puts the right entry first more often, left out by writer
(bench/train_rank.py prints the figures; docs/decisions.md records them). The hand order stays an
input, and the fallback when no model is stored.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.kb.index import Hit, Query

MODEL = Path(__file__).with_name("rank.json")
FEATURES = ("confidence", "coverage", "head", "cosine", "plain_coverage", "plain_head", "linked", "head_linked",
            "bm25_share", "hand_rank", "shared_words", "concept_words", "no_head", "coverage_x_head", "unsaid_words",
            "said_by_question", "strongest_word", "said_by_answer_only", "aspect_shared", "aspect_other", "aspect_unasked",
            "learned", "learned_behind")


def features(hits: Sequence[Hit], q: Query, weights: dict[str, float], question_terms: Sequence[set[str]],
             head_aspects: Sequence[frozenset[str]]) -> list[list[float]]:
    """One row per candidate, in the hand order; `question_terms` are each candidate's question and
    alias terms, `head_aspects` what its question asks of its topic (cost, time, place…;
    bot/understand/aspects.py), `weights` the message terms' weights in this kind's index."""
    top_bm25 = max((h.bm25 for h in hits), default=0.0) or 1.0
    total = sum(weights.values()) or 1.0
    heaviest = max(weights.values(), default=0.0) or 1.0
    rows = []
    best_learned = max((h.learned for h in hits), default=0.0)
    for r, (h, own, asks) in enumerate(zip(hits, question_terms, head_aspects, strict=True)):
        concepts = sum(1 for t in h.matched if t in q.concepts)
        by_question = sum(w for t, w in weights.items() if t in own) / total
        rows.append([
            h.confidence, h.coverage, h.head, h.cosine, h.plain_coverage, h.plain_head, h.linked, h.head_linked,
            h.bm25 / top_bm25, 1.0 / (1 + r), min(len(h.matched), 5) / 5, min(concepts, 3) / 3, float(h.head == 0),
            h.coverage * h.head, min(len(h.unsaid), 8) / 8, by_question,
            max((weights[t] for t in h.matched if t in weights), default=0.0) / heaviest, h.coverage - by_question,
            float(bool(q.aspects & asks)), float(bool(q.aspects and asks and not q.aspects & asks)), float(bool(asks - q.aspects)),
            h.learned, best_learned - h.learned,
        ])
    return rows


@lru_cache(maxsize=1)
def load(path: Path = MODEL) -> tuple[float, ...] | None:
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        return None  # trained on other features: not used rather than misread
    return tuple(float(w) for w in data["weights"])


def scores(rows: list[list[float]], model: tuple[float, ...]) -> list[float]:
    return [sum(w * x for w, x in zip(model, row, strict=True)) for row in rows]


def order(hits: list[Hit], q: Query, weights: dict[str, float], question_terms: Sequence[set[str]],
          head_aspects: Sequence[frozenset[str]]) -> list[Hit]:
    """The candidates best first by the model; the hand order when no model is stored."""
    model = load()
    if model is None or len(hits) < 2:
        return hits
    by_model = scores(features(hits, q, weights, question_terms, head_aspects), model)
    return [h for _, _, h in sorted(zip(by_model, range(len(hits)), hits, strict=True), key=lambda t: (-t[0], t[1]))]
