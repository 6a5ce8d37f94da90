"""Train the needs-a-person model (bot/understand/complaints.py): is a customer's message a complaint,
a problem with their own order or payment, an accident, or a request for staff. Prints each writer's
messages scored by a model trained on the other writers at a spread of thresholds, then fits on
everything and writes bot/understand/complaints_model.npz.

The corpus (bench/data/complaints/) was written for training by helpers who saw only a brief
(grievances of every kind and tone, and near misses sharing their words), never the bot's code or any
evaluation store. Needs the `train` extra:

    .venv/bin/python bench/train_complaints.py [--no-write] [--no-left-out] [--threshold 0.9]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import textmodels  # noqa: E402
from bot.understand import complaints  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "bench" / "data" / "complaints"


def main() -> None:
    textmodels.train_flag(CORPUS, "text", "staff", complaints, "complaint", 0.9)


if __name__ == "__main__":
    main()
