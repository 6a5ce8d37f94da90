"""The FAQ gate and the word links it weighs: learned from made-up shops (bench/train_gate.py) and
consulted where the hand-written gate refused."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.kb import gate, index
from bot.kb.base import KnowledgeBase
from bot.messages import Turn
from bot.settings import RetrievalSettings
from bot.understand import links
from tests.support.stores import TUESDAY_NOON, write_store

FAQ = ("# 이용 안내\n\n## 텀블러 가져가면 할인돼요?\n개인 컵에 담아 가시면 300원 빼 드려요.\n\n"
       "## 노트북 써도 되나요?\n창가 자리에 콘센트가 있어요.\n\n## 주차 되나요?\n건물 뒤 공영주차장을 이용해 주세요.\n")


def answer(folder: Path, text: str) -> tuple[str, list[str]]:
    kb = KnowledgeBase(folder, folder.parent / f"index-{abs(hash(text))}", RetrievalSettings())
    assert kb.reload(), kb.errors
    reply = asyncio.run(Engine(kb, RetrievalSettings()).respond(Turn(text, user_key="g", now=TUESDAY_NOON)))
    return reply.intent, [s.id for s in reply.sources]


def test_the_stored_gate_reads_the_features_it_was_trained_on() -> None:
    model = gate.load()
    assert model is not None, "bot/kb/gate.json is missing or was trained on other features"
    assert len(model["weights"]) == len(gate.FEATURES) and 0.0 < gate.threshold() < 1.0  # type: ignore[arg-type]


def test_the_stored_links_are_a_table_of_weights() -> None:
    table = links.load()
    assert len(table) > 300
    assert all(0.0 < w <= 1.0 and m != h for m, row in table.items() for h, w in row)


def test_a_link_counts_for_the_first_target_the_entry_holds() -> None:
    table = {"머그": (("텀블러", 0.7), ("컵", 0.4))}
    assert links.strength("머그", {"컵", "할인"}, table) == 0.4
    assert links.strength("머그", {"텀블러", "컵"}, table) == 0.7
    assert links.strength("머그", {"주차"}, table) == 0.0


def trusting_links() -> dict[str, object]:
    """A gate that answers when a quarter of the message is said through links, and only then."""
    weights = [0.0] * len(gate.FEATURES)
    weights[gate.FEATURES.index("linked")], weights[gate.FEATURES.index("bias")] = 20.0, -5.0
    return {"features": list(gate.FEATURES), "weights": weights, "threshold": 0.5}


def test_a_message_in_other_words_is_answered_through_a_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_store(tmp_path, faqs={"이용.md": FAQ})
    question = "맥북으로 일 좀 해도 돼요?"  # no word of the owner's heading, nor of the built-in lexicon
    monkeypatch.setattr(gate, "load", trusting_links)
    monkeypatch.setattr(index, "load_links", lambda: {})
    assert answer(folder, question)[0] != "faq"
    monkeypatch.setattr(index, "load_links", lambda: {"맥북": (("노트북", 0.9),), "일": (("쓰", 0.5),)})
    assert answer(folder, question) == ("faq", ["노트북 써도 되나요?"])


def test_links_alone_never_carry_the_hand_written_gate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The plain gate was set on shared words; a link's evidence goes through the trained gate only.
    folder = write_store(tmp_path, faqs={"이용.md": FAQ})
    monkeypatch.setattr(gate, "load", lambda: None)
    monkeypatch.setattr(index, "load_links", lambda: {"맥북": (("노트북", 0.9),), "일": (("쓰", 0.5),)})
    assert answer(folder, "맥북으로 일 좀 해도 돼요?")[0] != "faq"


def test_the_trained_gate_speaks_only_where_the_hand_written_gate_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_store(tmp_path, faqs={"이용.md": FAQ})
    def always(bias: float) -> dict[str, object]:
        return {"features": list(gate.FEATURES), "weights": [0.0] * (len(gate.FEATURES) - 1) + [bias], "threshold": 0.5}

    monkeypatch.setattr(gate, "load", lambda: always(-20.0))  # a model that never answers
    assert answer(folder, "노트북 써도 되나요?") == ("faq", ["노트북 써도 되나요?"])  # the hand gate's answer stands
    refused = "맥북으로 일 좀 해도 돼요?"
    monkeypatch.setattr(gate, "load", lambda: None)
    assert answer(folder, refused)[0] != "faq"
    monkeypatch.setattr(gate, "load", lambda: always(20.0))  # one that always does
    assert answer(folder, refused)[0] == "faq"


def test_a_korean_message_said_only_through_links_needs_a_surer_gate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No word in common with the entry, every word said by a link: the model must be sure (at
    LINKS_ONLY), not merely over its threshold; on real shops such answers were another question's."""
    from skills.base import LINKS_ONLY

    folder = write_store(tmp_path, faqs={"이용.md": FAQ})
    monkeypatch.setattr(index, "load_links", lambda: {"맥북": (("노트북", 0.9),), "일": (("쓰", 0.5),)})

    def constant(p_logit: float) -> dict[str, object]:
        return {"features": list(gate.FEATURES), "weights": [0.0] * (len(gate.FEATURES) - 1) + [p_logit], "threshold": 0.5}

    monkeypatch.setattr(gate, "load", lambda: constant(1.0))  # p 0.73: over the threshold, under the bar
    assert 0.5 < 0.73 < LINKS_ONLY
    assert answer(folder, "맥북으로 일 좀 해도 돼요?")[0] != "faq"
    monkeypatch.setattr(gate, "load", lambda: constant(5.0))  # p 0.99
    assert answer(folder, "맥북으로 일 좀 해도 돼요?") == ("faq", ["노트북 써도 되나요?"])
