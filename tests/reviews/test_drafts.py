"""Every reply draft passes the grounding check (no invented fact, no unpolicied promise, no personal data
echoed) over every labelled review, both tones and every length; and the check itself fails the
drafts that break those rules, so passing means something."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.kb.base import KnowledgeBase
from bot.reviews.analysis import analyse
from bot.reviews.drafts import LENGTHS, TONES, drafts, problems

SETS = Path(__file__).resolve().parent.parent / "fixtures" / "reviews" / "labelled"
ROWS = [json.loads(line) for f in sorted(SETS.glob("*.jsonl")) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def analysed() -> list[tuple[dict, object]]:  # type: ignore[type-arg]
    return [(r, analyse(r["text"], r["rating"])) for r in ROWS]


def test_every_draft_over_the_labelled_reviews_is_grounded(demo_kb: KnowledgeBase, analysed: list) -> None:  # type: ignore[type-arg]
    k = demo_kb.snapshot.knowledge
    menu = demo_kb.snapshot.menu
    checked = 0
    for row, a in analysed:
        items = [m.item.name for m in menu.find(row["text"])]
        author = "맛집탐험가88"  # a nickname the drafts must never repeat
        for tone in TONES:
            for length in LENGTHS:
                options = drafts(a, row["rating"], items, k, tone, length)  # type: ignore[arg-type]
                assert len(options) == 3 and len({d.text for d in options}) == 3
                for d in options:
                    assert problems(d.text, k, row["text"], author) == [], (row["id"], d.text)
                    checked += 1
    assert checked >= 800 * 6 * 3


def test_complaints_apologise_and_praise_thanks(demo_kb: KnowledgeBase) -> None:
    k = demo_kb.snapshot.knowledge
    bad = analyse("찌개에서 머리카락이 나왔어요. 직원도 불친절했어요", 1)
    for d in drafts(bad, 1, [], k, "정중", "보통"):
        assert ("죄송" in d.text or "사과" in d.text) and "감사합니다. 또" not in d.text
    assert any("02-332-6417" in d.text for d in drafts(bad, 1, [], k, "정중", "보통"))  # urgent: the shop's phone, from store.toml
    good = analyse("돼지김치찌개 진짜 맛있어요 또 올게요", 5)
    texts = [d.text for d in drafts(good, 5, ["돼지김치찌개"], k, "친근", "보통")]
    assert all("죄송" not in t for t in texts) and any("돼지김치찌개를 맛있게 드셨다니" in t for t in texts)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["환불해 드릴게요", "다음 방문 때 쿠폰 드릴게요", "음료 무료로 드릴게요", "010-1234-5678로 연락 주세요",
                        "9,900원에 드려요", "랍스터 파스타를 맛있게 드셨다니", "맛집탐험가88님 감사해요", "https://example.com 참고하세요"]))
def test_the_check_catches_what_a_draft_must_not_say(demo_kb: KnowledgeBase, bad: str) -> None:
    k = demo_kb.snapshot.knowledge
    assert problems(f"리뷰 감사합니다. {bad}", k, "맛있어요 010-1234-5678", "맛집탐험가88") != []
