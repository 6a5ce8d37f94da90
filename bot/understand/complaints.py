"""Whether a message needs a person at once: the customer is unhappy about something that happened,
something went wrong with their own order, payment or booking, someone got hurt, or they ask for
staff. Read by a trained model (bot/textmodel.py) over the same cleaned text and tokens the knowledge
index uses.

Why a model beside the hand-written patterns in skills/escalate.py: on shops it had never seen, the
patterns missed about half of the complaints (a car damaged in the lot, a child hurt, a refund that
never came, quiet disappointment), which the FAQ then answered with the policy whose words they shared.
Each new shop brought grievances the patterns lacked. The model learns the difference from messages
written for it by writers who saw only a brief (bench/data/complaints/), with near misses that share
the words of a complaint (a refund policy asked in advance, a "what if" worry, praise of the staff).

Trained by `bench/train_complaints.py`; stored in `complaints_model.npz`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from bot.textmodel import LinearTextModel
from bot.understand.concepts import features

MODEL = Path(__file__).with_name("complaints_model.npz")
OUTPUT = "staff"


@lru_cache(maxsize=1)
def load(path: Path = MODEL) -> LinearTextModel | None:
    return LinearTextModel.load(path) if path.exists() else None


def needs_staff(cleaned: str, tokens: list[str] | tuple[str, ...], model: LinearTextModel | None = None) -> float:
    """The model's probability that the message needs a person (0 without a model)."""
    model = model or load()
    if model is None or not tokens:
        return 0.0
    return model.probabilities(features(cleaned, tokens))[OUTPUT]


def threshold(model: LinearTextModel | None = None) -> float:
    model = model or load()
    return float(model.settings["threshold"]) if model is not None else 1.1
