"""Whether a message asks the shop to choose for the customer from its menu ("뭐 먹을까요",
"덜 매운 국물 요리 뭐 있능교?", "what's good for a kid?"), read by a trained model (bot/textmodel.py) over
the same cleaned text and tokens the knowledge index uses.

Why a model beside the hand-written pattern in skills/recommend.py: on stores it had never seen, the
pattern missed about one recommendation request in ten (a superlative, "젤 화끈한 메뉴가 뭐죠"; a kind
with a limit, "삼만원 넘지 않게 둘이 먹을 거"; English), and each new writer brought forms it lacked.
The model learns the request from messages written for it by writers who saw only a brief
(bench/data/asks/), with near misses that share its words (a question about one dish, a change to a
dish, a rule about children or allergies), and meets a new wording by its pieces.

Trained by `bench/train_asks.py`; stored in `asks_model.npz`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from bot.textmodel import LinearTextModel
from bot.understand.concepts import features

MODEL = Path(__file__).with_name("asks_model.npz")
OUTPUT = "recommend"


@lru_cache(maxsize=1)
def load(path: Path = MODEL) -> LinearTextModel | None:
    return LinearTextModel.load(path) if path.exists() else None


def asks_to_choose(cleaned: str, tokens: list[str] | tuple[str, ...], model: LinearTextModel | None = None) -> float:
    """The model's probability that the message asks for a recommendation (0 without a model)."""
    model = model or load()
    if model is None or not tokens:
        return 0.0
    return model.probabilities(features(cleaned, tokens))[OUTPUT]


def threshold(model: LinearTextModel | None = None) -> float:
    model = model or load()
    return float(model.settings["threshold"]) if model is not None else 1.1
