"""The trained reader of messages that need a person (bot/understand/complaints.py): it scores as its
trainer did, it hands over grievances the hand-written patterns in skills/escalate.py have no form for,
and it leaves alone questions that share a complaint's words but ask about a policy or the shop."""

from __future__ import annotations

import pytest

from bot.kb.text import clean
from bot.understand import complaints
from skills.escalate import COMPLAINT, REQUEST, TROUBLE
from tests.support.textmodels import analysed, assert_scores_as_trained


def test_the_product_scores_as_the_trainer_did() -> None:
    assert_scores_as_trained(complaints.load(), "sigmoid")


def probability(text: str) -> float:
    return complaints.needs_staff(*analysed(text))


@pytest.mark.parametrize("text", [  # written for this test; none has a form the patterns know
    "택배 상자 열어 보니 병이 깨져서 젓갈이 다 새어 나왔네요 빨리 답 주세요",
    "주문한 지 한참인데 아무 연락도 없고 전화도 안 받으시네요",
    "홀 바닥이 미끄러워서 우리 어머니가 넘어지셨어요 손목을 다치셨는데 연락 부탁드립니다",
])
def test_grievances_the_patterns_lack_need_a_person(text: str) -> None:
    assert not any(p.search(clean(text)) for p in (COMPLAINT, REQUEST, TROUBLE))
    assert probability(text) >= complaints.threshold()


@pytest.mark.parametrize("text", [
    "예약을 취소하게 되면 예약금은 언제쯤 환불돼요?",
    "혹시 포장해 갔는데 양이 모자라면 어떻게 해요?",
    "지난번에 친절하게 해 주셔서 감사했어요 이번 주말에 또 갈게요 주차 되죠?",
    "애들이 고춧가루를 힘들어해서 순하게 부탁드려도 되나요?",
])
def test_questions_sharing_its_words_stay_questions(text: str) -> None:
    assert probability(text) < complaints.threshold()
