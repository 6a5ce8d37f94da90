"""Train the shop-concept model (bot/understand/concepts.py): which of the general customer-service
concepts (parking, pets, waiting, refills, deposits...) a customer's message or an owner's FAQ heading is
about, or none. Prints each writer's messages scored by a model trained on the other writers (how it
meets a way of writing it has not seen), a threshold curve over those left-out predictions, then fits on
everything and writes bot/understand/concept_model.npz.

The corpus (bench/data/concepts/) was written for training by helpers who saw only the concept list,
never the bot's code or any evaluation store. Needs the `train` extra:

    .venv/bin/python bench/train_concepts.py [--no-write] [--no-left-out] [--threshold 0.5]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import textmodels  # noqa: E402
from bot.understand import concepts  # noqa: E402

CORPUS = Path(__file__).resolve().parent / "data" / "concepts"

if __name__ == "__main__":
    textmodels.train_classes(CORPUS, "q", "concept", concepts, "concept")
