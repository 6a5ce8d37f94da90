"""The offline embedding registered with Chroma (bot/kb/vectors.py's hashed n-grams), for the large
collections Chroma holds; imported only when one is opened, since chromadb costs ~50 MB per process.

Chroma's default embedding fetches an ONNX model on first use, which must never happen in
a shop's server; this one is pure arithmetic on the text, so it works on any machine, and
character n-grams are what survives Korean typos and missing spaces.
"""

from __future__ import annotations

from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from bot.kb.vectors import ngram_vector


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
