"""Train the store-topic model (bot/understand/store_topics.py): which of the shop's own facts (hours,
holidays, address, phone, booking policy) a customer's message asks for, or none. Prints each writer's
messages scored by a model trained on the other writers, a threshold curve over those left-out
predictions, then fits on everything and writes bot/understand/store_topics_model.npz.

The corpus (bench/data/store_topics/) was written for training by helpers who saw only a brief (the
topics and the kinds of near miss, no example sentences), never the bot's code or any evaluation store.
Needs the `train` extra:

    .venv/bin/python bench/train_store_topics.py [--no-write] [--no-left-out] [--threshold 0.7]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import textmodels  # noqa: E402
from bot.understand import store_topics  # noqa: E402

CORPUS = Path(__file__).resolve().parent / "data" / "store_topics"

if __name__ == "__main__":
    textmodels.train_classes(CORPUS, "text", "topic", store_topics, "topic", threshold=0.7)
