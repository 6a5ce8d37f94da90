"""Whether a message that names a menu item asks something beyond the item's own row: a change to
it, a service with it (takeout, shipping, setting one aside), keeping it, when it is ready, where it
comes from, a rule about it; or only what the row says (its price, contents, size, spiciness, sale).
Read by a trained model (bot/textmodel.py) over the message with the item's name taken out, so the
model sees how the customer asks, never which dish.

Why a model beside the hand-written checks in skills/menu.py: on shops the bot had never seen, about
one question in six that named an item and that an FAQ could also answer went to the wrong one
("X 포장하면 얼마 더 내요" answered with the item's price; "X 몇 개 나와요" with a takeout FAQ), and
each new shop brought wordings the checks lacked. The model learns the difference from messages
written for it by writers who saw only a brief (bench/data/item_asks/), with near misses that ask
the same item both ways.

Trained by `bench/train_item_asks.py`; stored in `item_asks_model.npz`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from bot.textmodel import LinearTextModel
from bot.understand.concepts import features

MODEL = Path(__file__).with_name("item_asks_model.npz")
OUTPUT = "beyond"
ITEM = re.compile(r"\{[^{}]*\}")  # how the corpus marks an item's name, taken out before reading
# How sure the reader must be to give an FAQ a question the menu rules kept for the item: chosen on
# the labelled stores (tests/fixtures/eval), each left out in turn, where 0.7 and 0.8 did about
# equally (611 and 607 of 700 right against the rules' 591) and the surer one wrongs fewer items.
OVERRULES = 0.8


@lru_cache(maxsize=1)
def load(path: Path = MODEL) -> LinearTextModel | None:
    return LinearTextModel.load(path) if path.exists() else None


def beyond_row(cleaned: str, tokens: list[str] | tuple[str, ...], model: LinearTextModel | None = None) -> float | None:
    """The model's probability that the message (its item names taken out) asks beyond the item's
    row; None without a model or words to read."""
    model = model or load()
    if model is None or not tokens:
        return None
    return model.probabilities(features(cleaned, tokens))[OUTPUT]


def threshold(model: LinearTextModel | None = None) -> float:
    model = model or load()
    return float(model.settings["threshold"]) if model is not None else 1.1
