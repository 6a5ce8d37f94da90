"""Small trained text models, scored without their trainer: logistic regressions over TF-IDF blocks of
tokens (morphemes and their bigrams, character n-grams, one-token blocks such as a review's stars).

Why a model next to the hand-written lexicons: each lexicon met a new writer's wording far below what
it scored on the sets it was written against (docs/decisions.md: urgent reviews 0.49-0.70 recall), while
the same evidence learned from many writers carried over (0.90-0.99). The models are trained by scripts
in bench/ with scikit-learn, a maintainer's tool (`train` extra), and stored as vocabulary, inverse
document frequencies and weights; scoring here repeats scikit-learn's TfidfVectorizer(sublinear_tf=True)
per block and the logistic or softmax link. Each file records its trainer's probabilities for a spread
of inputs, and the tests hold this module to them (tests/reviews/test_triage.py).
"""

from __future__ import annotations

import json
import logging
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

_SPACES = re.compile(r"\s+")


def with_bigrams(tokens: Sequence[str]) -> list[str]:
    """The tokens and each adjacent pair (벌레, 나오다, 벌레_나오다): word order carries much of the meaning."""
    return [*tokens, *(f"{a}_{b}" for a, b in zip(tokens, tokens[1:], strict=False))]


def char_ngrams(text: str, sizes: tuple[int, ...] = (2, 3, 4)) -> list[str]:
    """Character n-grams inside words, padded with a space at each end (scikit-learn's char_wb):
    spellings the tokenizer splits oddly (ㅋㅋ, 드릅다, 주차되나여) still share pieces with what was seen."""
    out: list[str] = []
    for w in _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip().lower().split():
        w = f" {w} "
        for n in sizes:
            if len(w) <= n:  # a short word counts once, whole
                out.append(w)
                break
            out.extend(w[i:i + n] for i in range(len(w) - n + 1))
    return out


@dataclass(frozen=True)
class Block:
    index: dict[str, int]
    idf: np.ndarray  # float32 [terms]
    weights: np.ndarray  # float32 [terms, outputs]


@dataclass(frozen=True)
class LinearTextModel:
    outputs: tuple[str, ...]
    link: str  # "sigmoid": each output on its own; "softmax": one of the outputs
    blocks: dict[str, Block]
    intercepts: np.ndarray  # [outputs]
    settings: dict[str, Any] = field(default_factory=dict)  # thresholds chosen by the trainer
    checks: list[dict[str, Any]] = field(default_factory=list)  # inputs with the trainer's probabilities
    about: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> LinearTextModel | None:
        """The stored model (numpy's .npz: arrays read straight into their buffers, float32 weights),
        or None with a warning (callers then fall back to their lexicon)."""
        try:
            with np.load(path, allow_pickle=False) as f:
                meta = json.loads(str(f["meta"]))
                outputs = tuple(meta["outputs"])
                blocks = {}
                for name in meta["blocks"]:
                    terms = str(f[f"{name}.terms"]).split("\n")
                    blocks[name] = Block({t: i for i, t in enumerate(terms)}, f[f"{name}.idf"].astype(np.float32),
                                         f[f"{name}.weights"].astype(np.float32).reshape(len(terms), len(outputs)))
                intercepts = f["intercepts"].astype(np.float64)
            return cls(outputs, meta["link"], blocks, intercepts, meta.get("settings", {}), meta.get("checks", []), meta.get("about", {}))
        except (OSError, ValueError, KeyError) as error:
            log.warning("text model %s not loaded (%s)", path.name, error)
            return None

    def probabilities(self, features: Mapping[str, Sequence[str]]) -> dict[str, float]:
        """Each output's probability for one input given as its blocks' tokens."""
        z = self.intercepts.copy()
        for name, block in self.blocks.items():
            counts = Counter(t for t in features.get(name, ()) if t in block.index)
            if not counts:
                continue
            rows = np.fromiter((block.index[t] for t in counts), dtype=np.int64, count=len(counts))
            values = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float64, count=len(counts)) * block.idf[rows]
            z += (values / float(np.linalg.norm(values))) @ block.weights[rows].astype(np.float64)
        if self.link == "softmax":
            e = np.exp(z - z.max())
            p = e / e.sum()
        else:
            p = 1.0 / (1.0 + np.exp(-z))
        return {name: float(v) for name, v in zip(self.outputs, p, strict=True)}
