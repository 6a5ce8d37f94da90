"""Hashed character n-gram vectors: the offline embedding of every FAQ and menu entry, no model and no
download; pure arithmetic on the text, so it works on any machine, and character n-grams are what
survives Korean typos and missing spaces.
"""

from __future__ import annotations

import zlib

import numpy as np

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
