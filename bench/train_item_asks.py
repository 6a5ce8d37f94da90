"""Train the "asks beyond the item's row" model (bot/understand/item_asks.py): does a message naming a
menu item ask what its row says (price, contents, size, spiciness, sale) or something beyond it (a
change, a service, keeping it, when it is ready, its origin, a rule). Prints each writer's messages
scored by a model trained on the other writers at a spread of thresholds, then fits on everything and
writes bot/understand/item_asks_model.npz.

The corpus (bench/data/item_asks/) was written for training by helpers who saw only a brief, never the
bot's code or any evaluation store; each message marks the item's name in braces, which is taken out
before reading, as the product takes out the names it found. Needs the `train` extra:

    .venv/bin/python bench/train_item_asks.py [--no-write] [--no-left-out] [--threshold 0.5]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import textmodels  # noqa: E402
from bot.understand import item_asks  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "bench" / "data" / "item_asks"


def prepare(row: dict[str, Any]) -> dict[str, Any]:
    """The message with its braced item names taken out, and the label as a yes or no."""
    return {**row, "q": item_asks.ITEM.sub(" ", row["q"]), "beyond": row["label"] == "beyond"}


def main() -> None:
    textmodels.train_flag(CORPUS, "q", "beyond", item_asks, "beyond-the-row question", 0.5, prepare)


if __name__ == "__main__":
    main()
