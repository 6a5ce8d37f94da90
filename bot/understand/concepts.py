"""Which general customer-service concept a message is about (주차, 반려동물, 웨이팅, 리필, 예약금...),
read by a trained model (bot/textmodel.py) over the same cleaned text and tokens the knowledge index
uses, so that a customer's "차 세울 데 있어유?" and an owner's "주차 가능한가요?" share a term.

Why: the built-in lexicon (bot/kb/lexicon.txt) lists each concept's surface forms by hand, and a new
store's customers keep finding forms it lacks (the largest class of misses on unseen stores). The
model learns the concepts from many writers' messages (bench/data/concepts/, written from the concept
list only) and meets a new wording by its pieces. Its labels are the lexicon's own canonical words, so
what it adds is what the lexicon would have added had it known the wording.

Trained by `bench/train_concepts.py`; stored in `concept_model.npz`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from bot.textmodel import LinearTextModel, char_ngrams, with_bigrams

MODEL = Path(__file__).with_name("concept_model.npz")
NONE = "none"


def features(cleaned: str, tokens: list[str] | tuple[str, ...]) -> dict[str, list[str]]:
    """The index's own reading of a text: its content tokens with their bigrams, and character n-grams."""
    return {"tokens": with_bigrams(list(tokens)), "chars": char_ngrams(cleaned)}


def features_of(text: str) -> dict[str, list[str]]:
    """Features of raw text, analysed as the index does (for tools and tests)."""
    from bot.kb.text import clean
    from bot.kb.tokenizer import get_tokenizer

    cleaned = clean(text)
    ((tokens, _),) = get_tokenizer("kiwi").analyse_many([cleaned])
    return features(cleaned, tokens)


@lru_cache(maxsize=1)
def load(path: Path = MODEL) -> LinearTextModel | None:
    return LinearTextModel.load(path) if path.exists() else None


def concept_of(cleaned: str, tokens: list[str] | tuple[str, ...], model: LinearTextModel | None = None) -> str | None:
    """The concept the model is sure of (at its stored threshold), or None."""
    model = model or load()
    if model is None or not tokens:
        return None
    p = model.probabilities(features(cleaned, tokens))
    best = max(p, key=p.__getitem__)
    if best in NEEDS and not NEEDS[best].search(cleaned):
        return None
    return best if best != NONE and p[best] >= float(model.settings["threshold"]) else None


# Concepts whose key syllable is also the tail of other words: 차 is a car only on its own (차 세울
# 데, 차 가지고); 유자차, 모과차 and 녹차 are teas, which the model's character pieces took for parking.
NEEDS = {"주차": re.compile(r"(?<![가-힣])차|주차|파킹|parking", re.I)}


# Concepts about the shop's service, which no menu row records: "돌떡 택배 돼요?" or "식혜 며칠
# 둬도 돼요?" names an item but asks what only an FAQ (or a person) can answer. Taste words (맵기,
# 간) and who eats (아이, 비건) are the item's own facts and stay out.
SERVICE_CONCEPTS = frozenset({
    "결제", "단체 주문", "따로 계산", "라스트오더", "레터링", "리필", "미리 주문", "배달", "보관", "브레이크타임",
    "선물 포장", "소요 시간", "손질", "스탬프", "영업시간", "예약금", "외부 음식", "용기", "원산지", "전화 주문", "지역화폐",
    "주차", "택배", "포장", "할인", "현금영수증", "환불", "휴무", "웨이팅", "반려동물", "유아 의자", "와이파이", "화장실",
    "짐 보관", "콘센트", "흡연", "휠체어", "오시는 길", "클래스", "시식",
})

