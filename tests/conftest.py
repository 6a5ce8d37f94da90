"""Shared test fixtures: knowledge folders written on the fly, a loaded knowledge base, an engine."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.kb.base import KnowledgeBase
from bot.messages import Reply, Turn
from bot.settings import RetrievalSettings

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "knowledge"
# Tuesday 14:00 in Seoul: the demo store is open, between lunch and the break.
TUESDAY_2PM = datetime(2026, 11, 24, 14, 0)

STORE_TOML = textwrap.dedent(
    """\
    name = "테스트 카페"
    category = "카페"
    phone = "02-111-2222"
    address = "서울 테스트구 테스트로 1"

    [hours]
    mon = "휴무"
    tue = "09:00-21:00"
    wed = "09:00-21:00"
    thu = "09:00-21:00"
    fri = "09:00-22:00"
    sat = "10:00-22:00"
    sun = "10:00-21:00"
    last_order_minutes = 30
    """
)
MENU_CSV = "이름,분류,가격,설명,태그,알레르기,맵기,판매\n아메리카노,커피,\"4,500\",기본 커피,인기,,0,Y\n"
FAQ_MD = "# 매장 이용\n\n## 주차 가능한가요?\n다른 표현: 차 가져가도 되나요?\n건물 뒤 공영주차장을 이용해 주세요.\n"


@pytest.fixture
def make_knowledge(tmp_path: Path) -> Callable[..., Path]:
    """Write a knowledge folder; each argument replaces one file (bytes are written as is)."""

    def make(store: str | bytes = STORE_TOML, menu: str | bytes | None = MENU_CSV,
             faqs: dict[str, str | bytes] | None = None, synonyms: str | None = None) -> Path:
        root = tmp_path / "knowledge"
        if root.exists():
            shutil.rmtree(root)
        (root / "faq").mkdir(parents=True)
        for name, content in {"store.toml": store, "menu.csv": menu, "synonyms.txt": synonyms}.items():
            if content is not None:
                path = root / name
                path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")
        for name, content in (faqs if faqs is not None else {"이용.md": FAQ_MD}).items():
            path = root / "faq" / name
            path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")
        return root

    return make


@pytest.fixture(scope="session")
def demo_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    kb = KnowledgeBase(DEMO, tmp_path_factory.mktemp("index"), RetrievalSettings())
    assert kb.reload()
    return kb


@pytest.fixture(scope="session")
def ask(demo_kb: KnowledgeBase) -> Callable[[str], Reply]:
    """Answer one message as a first turn on the demo store, at Tuesday 14:00."""
    import asyncio

    engine = Engine(demo_kb, RetrievalSettings())
    counter = iter(range(10**9))

    def run(text: str, now: datetime = TUESDAY_2PM) -> Reply:
        return asyncio.run(engine.respond(Turn(text, user_key=f"t{next(counter)}", now=now)))

    return run
