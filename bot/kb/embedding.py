"""An offline embedding for Chroma: hashed character n-grams, no model, no download.

Chroma's default embedding fetches an ONNX model on first use, which must never happen in
a shop's server; this one is pure arithmetic on the text, so it works on any machine, and
character n-grams are what survives Korean typos and missing spaces.
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from bot.kb.text import compact


def ngram_vector(text: str, dim: int) -> np.ndarray:
    """Unit vector of hashed 1- to 3-grams of `text` without spaces, sub-linear counts."""
    s = compact(text)
    vec = np.zeros(dim, dtype=np.float32)
    for n, weight in ((1, 0.25), (2, 1.0), (3, 0.75)):
        for i in range(len(s) - n + 1):
            gram = s[i : i + n]
            vec[zlib.crc32(gram.encode("utf-8")) % dim] += weight
    np.sqrt(vec, out=vec)
    norm = float(np.linalg.norm(vec))
    return vec / norm if norm else vec


@register_embedding_function
class HashedNgramEmbedding(EmbeddingFunction[Documents]):
    """Registered with Chroma so a persisted collection reopens without any network access."""

    def __init__(self, dim: int = 1024) -> None:
        self.dim = int(dim)

    def __call__(self, input: Documents) -> Embeddings:
        return [ngram_vector(text, self.dim) for text in input]

    @staticmethod
    def name() -> str:
        return "danggol-hashed-ngram"

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def supported_spaces(self) -> list[str]:  # type: ignore[override]
        return ["cosine"]

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> HashedNgramEmbedding:
        return HashedNgramEmbedding(dim=int(config.get("dim", 1024)))

    def get_config(self) -> dict[str, Any]:
        return {"dim": self.dim}
