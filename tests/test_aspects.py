"""What a question asks of its topic (bot/understand/aspects.py), and the ranker using it to tell
apart FAQ entries on one topic."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.kb import rank
from bot.kb.base import KnowledgeBase
from bot.settings import RetrievalSettings
from bot.understand.aspects import aspects
from tests.support.stores import write_store


@pytest.mark.parametrize(("text", "want"), [
    ("꽃바구니 요금이 어떻게 돼요", {"cost", "way"}),
    ("3만 원 넘으면 무료인가요", {"cost"}),
    ("퀵 부르면 도착까지 몇 시간 잡아야 돼요", {"time"}),
    ("그 건물 몇 층이에요? 어느 출구로 나가요?", {"place"}),
    ("신청하는 방법 좀 알려 줘요", {"way"}),
    ("열 명 모임이면 고기는 몇 인분이 적당해요", {"amount"}),
    ("무슨 앱으로 시켜요", {"kind"}),
    ("when does the kitchen stop taking orders", {"time"}),
    ("how much for a bouquet", {"cost"}),
    ("포장 돼요?", set()),
])
def test_question_words_name_what_is_asked(text: str, want: set[str]) -> None:
    assert aspects(text) == want


@pytest.mark.parametrize("text", ["돈가스 곱빼기 돼요?", "돈까스 소스는 찍먹으로 부탁해요", "재료는 국산이에요?", "준비물 있어요?"])
def test_a_question_word_inside_another_word_is_not_one(text: str) -> None:
    assert "cost" not in aspects(text)


FAQ = ("# 퀵 배송\n\n## 퀵 배송도 해 주세요?\n네, 시내는 퀵으로 보내 드려요.\n\n"
       "## 퀵 비용은 얼마예요?\n거리에 따라 8천~1만5천 원이고 받는 분이 내세요.\n\n"
       "## 퀵은 언제 도착해요?\n보통 부른 뒤 한 시간 안에 도착해요.\n\n"
       "## 퀵은 어떻게 신청해요?\n주문하실 때 전화로 주소를 알려 주세요.\n")


@pytest.mark.parametrize(("text", "entry"), [
    ("퀵으로 받을 때 돈 따로 내야 돼요?", "퀵 비용은 얼마예요?"),
    ("퀵 부탁하면 몇 시간이면 와요", "퀵은 언제 도착해요?"),
    ("퀵 신청 방법 좀요", "퀵은 어떻게 신청해요?"),
])
def test_the_ranker_tells_entries_on_one_topic_apart_by_what_is_asked(tmp_path: Path, text: str, entry: str) -> None:
    assert rank.load() is not None
    kb = KnowledgeBase(write_store(tmp_path, faqs={"퀵.md": FAQ}), tmp_path / "index", RetrievalSettings())
    assert kb.reload(), kb.errors
    idx = kb.snapshot.index
    assert [h.id for h in idx.search(idx.query(text), "faq", 4)][0] == entry
