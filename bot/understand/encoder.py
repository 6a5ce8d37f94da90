"""A learned sentence encoder for FAQ matching: a message and an FAQ entry each become the sum of
learned vectors of their hashed character 2- and 3-grams and their index terms, and how well the
entry answers the message is the cosine of the two.

Why: the FAQ ranker and the "I don't know" gate saw only words the message and the entry share,
word links one word at a time (bot/understand/links.py) and an unlearned n-gram cosine; on shops
the bot had never seen, about half the refused questions had the right entry first with nothing to
say it was right. This encoder is trained (bench/train_encoder.py, numpy, no download) to put the
entry a message was written for above the shop's other entries, on made-up shops' FAQ entries and
customers' wordings (bench/data/pairs/, written from a brief only); character n-grams carry it
across typos, dialect endings and words it never saw whole. Two tables, one for how customers
write and one for how owners do. The cosine is one more input of the ranker and the gate.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.kb.text import compact

MODEL = Path(__file__).with_name("encoder_model.npz")
BUCKETS = 1 << 15


def feature_ids(clean_text: str, terms: Iterable[str]) -> np.ndarray:
    """The hashed features of one analysed text: its 2- and 3-grams without spaces, and its terms."""
    s = compact(clean_text)
    keys = {f"g{s[i:i + n]}" for n in (2, 3) for i in range(len(s) - n + 1)} | {f"t{t}" for t in terms}
    return np.fromiter(sorted({zlib.crc32(k.encode("utf-8")) % BUCKETS for k in keys}), dtype=np.int64)


@lru_cache(maxsize=1)
def load(path: Path = MODEL) -> tuple[np.ndarray, np.ndarray] | None:
    """(message table, entry table), or None without a trained model. Kept in float16 as stored (6 MB,
    not 12): a message gathers a hundred rows, summed in float32."""
    if not path.exists():
        return None
    with np.load(path, allow_pickle=False) as f:
        if int(f["buckets"]) != BUCKETS:
            return None  # trained on other hashing: not used rather than misread
        return f["message"], f["entry"]


def embed(ids: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Unit vector of the features' rows (zero when none)."""
    u = table[ids].astype(np.float32).sum(0) if len(ids) else np.zeros(table.shape[1], dtype=np.float32)
    n = float(np.linalg.norm(u))
    return u / n if n else u
