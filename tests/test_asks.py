"""The trained reader of recommendation requests (bot/understand/asks.py): it scores as its trainer
did, it reads requests the hand-written pattern in skills/recommend.py has no form for, and it leaves
alone questions that share a request's words but ask about one dish, a change or a rule."""

from __future__ import annotations

import pytest

from bot.kb.text import clean
from bot.understand import asks
from skills.recommend import ASK
from tests.support.textmodels import analysed, assert_scores_as_trained


def test_the_product_scores_as_the_trainer_did() -> None:
    assert_scores_as_trained(asks.load(), "sigmoid")


def probability(text: str) -> float:
    return asks.asks_to_choose(*analysed(text))


@pytest.mark.parametrize("text", [  # written for this test; none has a form the pattern knows
    "국물 요리 중에 젤 얼큰한 놈으로 하나 부탁해요",
    "삼만원 안쪽으로 둘이 배 채울 메뉴 있나",
    "what's the best thing on the menu for a first timer?",
])
def test_requests_the_pattern_lacks_are_read(text: str) -> None:
    assert not ASK.search(clean(text))
    assert probability(text) >= asks.threshold()


@pytest.mark.parametrize("text", [
    "짜장면 곱빼기 얼마예요?",
    "아이 의자 있어요?",
    "오징어볶음 덜 맵게 해 주실 수 있나요",
    "토요일 저녁 6명 예약할게요",
])
def test_questions_sharing_its_words_are_not_requests(text: str) -> None:
    assert probability(text) < asks.threshold()
