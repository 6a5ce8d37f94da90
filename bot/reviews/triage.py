"""A trained second opinion on urgency (bot/textmodel.py): logistic regressions over a review's Kiwi
content morphemes and their bigrams, its character 2-4-grams and its stars, one deciding "urgent or
not" and one per kind (hygiene, health, refund, abuse).

Why a model next to the lexicon (bot/reviews/urgent.py): each writer who had not seen the lexicon met
it at 49-84% recall, because a report is mostly told in its own words (a 그리마 floating in the sauce,
a face burning an hour after the soup, a 30만 원 prepaid balance gone with the shop) and no list of
words can hold them all. The same evidence, learned from many writers' reviews, carries over: trained
on all groups but one, the model met the left-out group's urgent reviews at 0.90-0.99, and a set
written afterwards and never trained on at 0.97 (docs/decisions.md).

Trained by `bench/train_urgent.py` on the labelled sets and a corpus written for training
(bench/data/urgent/), stored in `urgent_model.npz`.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from bot.kb.tokenizer import kiwi as shared_kiwi
from bot.textmodel import LinearTextModel, char_ngrams, with_bigrams

MODEL = Path(__file__).with_name("urgent_model.npz")
OUTPUTS = ("urgent", "hygiene", "health", "refund", "abuse")
WORD_TAGS = ("NN", "VV", "VA", "XR", "MAG", "SL", "VX", "NP", "SN")


def words(text: str) -> list[str]:
    """Content morphemes, verbs and adjectives in their dictionary form: 벌레가 나왔어요 → 벌레, 나오다."""
    kiwi = shared_kiwi()
    if kiwi is None:
        return []
    return [m.form + ("다" if m.tag.startswith(("VV", "VA", "VX")) else "") for m in kiwi.morphemes(" ".join(unicodedata.normalize("NFC", text).split()))
            if m.tag.startswith(WORD_TAGS)]


def features(text: str, rating: int | None) -> dict[str, list[str]]:
    return {"words": with_bigrams(words(text)), "chars": char_ngrams(text), "stars": [f"★{rating}"] if rating in (1, 2, 3, 4, 5) else []}


@lru_cache(maxsize=1)
def load(path: Path = MODEL) -> LinearTextModel | None:
    """The stored model, or None (the lexicon alone then decides; logged once)."""
    return LinearTextModel.load(path)


def probabilities(text: str, rating: int | None, model: LinearTextModel | None = None) -> dict[str, float] | None:
    """Each output's probability for one review, or None without a model."""
    model = model or load()
    return model.probabilities(features(text, rating)) if model is not None else None
