"""The FAQ ranker (bot/kb/rank.py): trained on made-up shops (bench/train_rank.py), it reorders the
search's candidates, and the hand order stands without it."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from bot.kb import rank
from bot.kb.base import KnowledgeBase
from bot.settings import RetrievalSettings
from tests.support.stores import write_store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import train_rank  # noqa: E402

FAQ = ("# 이용 안내\n\n## 단체석 있어요?\n안쪽 방에 열두 명까지 앉으실 수 있어요.\n\n"
       "## 주차 되나요?\n건물 뒤 공영주차장을 이용해 주세요.\n\n## 포장 되나요?\n모든 메뉴 포장돼요. 용기값은 받지 않아요.\n")


def searched(tmp_path: Path, text: str) -> list[str]:
    kb = KnowledgeBase(write_store(tmp_path, faqs={"이용.md": FAQ}), tmp_path / "index", RetrievalSettings())
    assert kb.reload(), kb.errors
    idx = kb.snapshot.index
    return [h.id for h in idx.search(idx.query(text), "faq", 3)]


def test_the_stored_ranker_reads_the_features_it_was_trained_on() -> None:
    model = rank.load()
    assert model is not None, "bot/kb/rank.json is missing or was trained on other features"
    assert len(model) == len(rank.FEATURES)
    # What it learned, in the directions that make sense: an entry that leaves much of the message
    # unsaid goes down, one whose question the message says goes up.
    assert model[rank.FEATURES.index("unsaid_words")] < 0 < model[rank.FEATURES.index("head")]


def test_the_model_decides_the_order_and_the_hand_order_stands_without_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "주차 자리 있어요? 포장해 가려고요"
    monkeypatch.setattr(rank, "load", lambda: None)
    by_hand = searched(tmp_path / "a", text)
    assert set(by_hand[:2]) == {"주차 되나요?", "포장 되나요?"}
    # A model that weighs only the hand rank backwards puts the hand order's last candidate first.
    backwards = tuple(-1.0 if f == "hand_rank" else 0.0 for f in rank.FEATURES)
    monkeypatch.setattr(rank, "load", lambda: backwards)
    assert searched(tmp_path / "b", text)[0] != by_hand[0]


def test_features_are_one_row_per_candidate_in_about_zero_to_one(tmp_path: Path) -> None:
    kb = KnowledgeBase(write_store(tmp_path, faqs={"이용.md": FAQ}), tmp_path / "index", RetrievalSettings())
    assert kb.reload(), kb.errors
    idx = kb.snapshot.index
    seen: list[list[list[float]]] = []
    real = rank.order

    def spy(hits, q, weights, question_terms, head_aspects):  # type: ignore[no-untyped-def]
        seen.append(rank.features(hits, q, weights, question_terms, head_aspects))
        return real(hits, q, weights, question_terms, head_aspects)

    rank.order = spy  # type: ignore[assignment]
    try:
        idx.search(idx.query("주차할 곳을 찾는 중이에요"), "faq", 3)
    finally:
        rank.order = real  # type: ignore[assignment]
    (rows,) = seen
    assert rows and all(len(r) == len(rank.FEATURES) for r in rows)
    assert all(-1.0 <= x <= 1.5 for r in rows for x in r)


def test_the_trainer_learns_which_feature_marks_the_right_candidate() -> None:
    # Made-up rows: the right candidate is the one with the highest "head", wherever the hand order put it.
    rng = np.random.default_rng(7)
    x = rng.random((300, 4, len(rank.FEATURES)))
    right = x[:, :, rank.FEATURES.index("head")].argmax(1)
    data = (x, np.ones((300, 4), dtype=bool), right)
    weights = train_rank.fit(data, l2=1.0, steps=300)
    assert weights[rank.FEATURES.index("head")] == max(weights)
    assert train_rank.firsts(data, weights) > 0.9 * 300 > train_rank.firsts(data, None)


def test_the_index_ranks_only_the_faq(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(rank, "order", lambda hits, *_: calls.append(len(hits)) or hits)
    kb = KnowledgeBase(write_store(tmp_path, faqs={"이용.md": FAQ}), tmp_path / "index", RetrievalSettings())
    assert kb.reload(), kb.errors
    idx = kb.snapshot.index
    idx.search(idx.query("아메리카노"), "menu", 3)
    assert calls == []
    idx.search(idx.query("주차"), "faq", 3)
    assert calls
