"""Train the recommendation-request model (bot/understand/asks.py): does a customer's message ask the
shop to choose from its menu. Prints each writer's messages scored by a model trained on the other
writers (how it meets a way of writing it has not seen) at a spread of thresholds, then fits on
everything and writes bot/understand/asks_model.npz.

The corpus (bench/data/asks/) was written for training by helpers who saw only a brief (requests with
constraints of every kind, and near misses sharing their words), never the bot's code or any
evaluation store. Needs the `train` extra:

    .venv/bin/python bench/train_asks.py [--no-write] [--no-left-out] [--threshold 0.5]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import textmodels  # noqa: E402
from bot.understand import asks  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "bench" / "data" / "asks"


def main() -> None:
    textmodels.train_flag(CORPUS, "text", "recommend", asks, "request", 0.5)


if __name__ == "__main__":
    main()
