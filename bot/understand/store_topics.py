"""Which of the shop's own facts a message asks for (opening hours, a date it may be closed, where it
is, its phone number, whether it takes bookings), or none, read by a trained model (bot/textmodel.py)
over the same cleaned text and tokens the knowledge index uses.

Why a model beside the hand-written patterns in skills/store_info.py: on shops it had never seen, the
patterns missed plain asks in forms they lacked ("can I still come at nine", a contact asked for in
dialect, "where exactly is the shop" in English), which then went unanswered although store.toml
holds the answer. The model learns the topics from messages written for it by writers who saw only a
brief (bench/data/store_topics/), with near misses that share their words (delivery hours, where to
park, a booking request with a date), and meets a new wording by its pieces. It only adds to the
patterns, for questions no FAQ answers.

Trained by `bench/train_store_topics.py`; stored in `store_topics_model.npz`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from bot.textmodel import LinearTextModel
from bot.understand.concepts import features

MODEL = Path(__file__).with_name("store_topics_model.npz")
NONE = "none"
TOPICS = ("address", "booking_policy", "holidays", "hours", "phone")


@lru_cache(maxsize=1)
def load(path: Path = MODEL) -> LinearTextModel | None:
    return LinearTextModel.load(path) if path.exists() else None


def topic_of(cleaned: str, tokens: list[str] | tuple[str, ...], model: LinearTextModel | None = None) -> str | None:
    """The shop fact the model is sure the message asks for (at its stored threshold), or None."""
    model = model or load()
    if model is None or not tokens:
        return None
    p = model.probabilities(features(cleaned, tokens))
    best = max(p, key=p.__getitem__)
    return best if best != NONE and p[best] >= float(model.settings["threshold"]) else None
