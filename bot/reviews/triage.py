"""A trained second opinion on urgency: logistic regressions over a review's Kiwi morphemes (content
words and their bigrams), its character 2-4-grams and its stars, one deciding "urgent or not" and one
per kind (hygiene, health, refund, abuse).

Why a model next to the lexicon (bot/reviews/urgent.py): each writer who had not seen the lexicon met
it at 65-84% recall, because a report is mostly told in its own words (a 그리마 floating in the sauce,
a face burning an hour after the soup, a 30만 원 prepaid balance gone with the shop) and no list of
words can hold them all. The same evidence, learned from many writers' reviews, carries over: trained
on all sets but one, the model met the left-out set's urgent reviews at 91-98% (docs/decisions.md).

The model is trained by `bench/train_urgent.py` (scikit-learn, a maintainer's tool, not a run-time
dependency) on the labelled sets and a corpus written for training (bench/data/urgent/), and stored in
`urgent_model.json.gz` as vocabulary, inverse document frequencies and weights. Scoring here repeats
scikit-learn's TfidfVectorizer(sublinear_tf=True) and the logistic function with the very feature
functions below, which the trainer imports: the file records the trainer's own probabilities for a few
reviews and the tests hold this module to them.
"""

from __future__ import annotations

import base64
import gzip
import json
import logging
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

MODEL = Path(__file__).with_name("urgent_model.json.gz")
OUTPUTS = ("urgent", "hygiene", "health", "refund", "abuse")
WORD_TAGS = ("NN", "VV", "VA", "XR", "MAG", "SL", "VX", "NP", "SN")
_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _kiwi() -> Any:
    from bot.kb.tokenizer import KiwiTokenizer, get_tokenizer

    tok = get_tokenizer("kiwi")
    return tok if isinstance(tok, KiwiTokenizer) else None


def words(text: str) -> list[str]:
    """Content morphemes (verbs and adjectives as their dictionary form) and adjacent pairs of them:
    벌레가 나왔어요 → 벌레, 나오다, 벌레_나오다."""
    kiwi = _kiwi()
    if kiwi is None:
        return []
    forms = [m.form + ("다" if m.tag.startswith(("VV", "VA", "VX")) else "") for m in kiwi.morphemes(clean(text))
             if m.tag.startswith(WORD_TAGS)]
    return forms + [f"{a}_{b}" for a, b in zip(forms, forms[1:], strict=False)]


def chars(text: str) -> list[str]:
    """Character 2-4-grams inside words, padded with a space at each end (scikit-learn's char_wb):
    spelling the tokenizer splits oddly (ㅋㅋ, 드릅다, 토나옴) still shares pieces with what was seen."""
    out: list[str] = []
    for w in clean(text).lower().split():
        w = f" {w} "
        for n in (2, 3, 4):
            if len(w) <= n:  # a short word counts once, whole
                out.append(w)
                break
            out.extend(w[i:i + n] for i in range(len(w) - n + 1))
    return out


FEATURES = {"words": words, "chars": chars}


@dataclass(frozen=True)
class Block:
    index: dict[str, int]
    idf: np.ndarray  # float64 [terms]
    weights: np.ndarray  # float64 [terms, outputs]


@dataclass(frozen=True)
class Model:
    blocks: dict[str, Block]
    stars: np.ndarray  # [5, outputs]: the weight of a rating of 1..5
    intercepts: np.ndarray  # [outputs]
    threshold: float  # "urgent" at or above this probability
    lexicon_threshold: float  # ... or at or above this one when the lexicon names a kind too
    kind_threshold: float
    checks: list[dict[str, Any]]  # reviews with the trainer's probabilities, for the parity test
    about: dict[str, Any]


@lru_cache(maxsize=1)
def load(path: Path = MODEL) -> Model | None:
    """The stored model, or None (the lexicon alone then decides; logged once)."""
    try:
        raw = json.loads(gzip.decompress(path.read_bytes()))
    except (OSError, ValueError) as error:
        log.warning("urgent model not loaded (%s): the lexicon alone flags urgent reviews", error)
        return None
    blocks = {}
    for name, block in raw["blocks"].items():
        terms = block["terms"].split("\n")
        blocks[name] = Block({t: i for i, t in enumerate(terms)}, unpack(block["idf"]), unpack(block["weights"]).reshape(len(terms), len(OUTPUTS)))
    return Model(blocks, unpack(raw["stars"]).reshape(5, len(OUTPUTS)), np.asarray(raw["intercepts"], dtype=np.float64),
                 float(raw["threshold"]), float(raw["lexicon_threshold"]), float(raw["kind_threshold"]), raw.get("checks", []), raw.get("about", {}))


def pack(values: Any) -> str:
    """Numbers as base64 float32: a tenth of the memory of a JSON list of floats while loading."""
    return base64.b64encode(np.asarray(values, dtype="<f4").tobytes()).decode()


def unpack(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f4").astype(np.float64)


def _block_score(block: Block, tokens: list[str]) -> np.ndarray:
    counts = Counter(t for t in tokens if t in block.index)
    if not counts:
        return np.zeros(block.weights.shape[1])
    rows = np.fromiter((block.index[t] for t in counts), dtype=np.int64, count=len(counts))
    tf = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float64, count=len(counts))
    values = tf * block.idf[rows]
    values /= float(np.linalg.norm(values))
    return values @ block.weights[rows]


def probabilities(text: str, rating: int | None, model: Model | None = None) -> dict[str, float] | None:
    """Each output's probability for one review, or None without a model."""
    model = model or load()
    if model is None:
        return None
    z = model.intercepts.copy()
    for name, block in model.blocks.items():
        z += _block_score(block, FEATURES[name](text))
    if rating in (1, 2, 3, 4, 5):
        z += model.stars[int(rating) - 1]
    p = 1.0 / (1.0 + np.exp(-z))
    return {name: float(v) for name, v in zip(OUTPUTS, p, strict=True)}
