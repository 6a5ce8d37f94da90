"""Small stores written on the fly and asked one first message, the way `danggol ask` answers."""

from __future__ import annotations

import asyncio
import itertools
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.engine import Engine
from bot.kb.base import KnowledgeBase
from bot.messages import Reply, Turn
from bot.settings import RetrievalSettings

STORE = """name = "시험 식당"
category = "한식"
phone = "02-555-0101"
address = "서울 시험구 시험로 1"

[hours]
mon = "휴무"
tue = "11:00-21:00"
wed = "11:00-21:00"
thu = "11:00-21:00"
fri = "11:00-21:00"
sat = "11:00-21:00"
sun = "11:00-21:00"
"""
FAQ = "# 이용\n\n## 주차 되나요?\n가게 앞에 두 대 세울 수 있어요.\n"
TUESDAY_NOON = datetime(2026, 11, 24, 12, 0)
_users = itertools.count()
_bases: dict[Path, KnowledgeBase] = {}


def write_store(root: Path, *, store: str = STORE, menu: str = "", faqs: dict[str, str] | None = None) -> Path:
    """A knowledge folder under `root` with the given files (defaults: a plain restaurant)."""
    folder = root / "knowledge"
    (folder / "faq").mkdir(parents=True, exist_ok=True)
    (folder / "store.toml").write_text(store, encoding="utf-8")
    if menu:
        (folder / "menu.csv").write_text(menu, encoding="utf-8")
    for name, text in (faqs or {"이용.md": FAQ}).items():
        (folder / "faq" / name).write_text(text, encoding="utf-8")
    return folder


async def ask_in(folder: Path, text: str, now: datetime = TUESDAY_NOON) -> Reply:
    """One first message to the store in `folder` (its index is built once per folder)."""
    kb = _bases.get(folder)
    if kb is None:
        kb = _bases[folder] = KnowledgeBase(folder, folder.parent / "index", RetrievalSettings())
        assert kb.reload(), kb.errors
    return await Engine(kb, RetrievalSettings()).respond(Turn(text, user_key=f"s{next(_users)}", now=now))


def picks(folder: Path, text: str) -> list[str]:
    """The items a recommendation request to the store in `folder` gets, checking it was one."""
    reply = asyncio.run(ask_in(folder, text))
    assert reply.intent == "recommend", (text, reply.intent, reply.texts)
    return [s.id for s in reply.sources]


def shop_fixture(label: str, *, menu: str = "", faqs: dict[str, str] | None = None) -> Any:
    """A module's `shop` fixture: one store written once for the module's tests
    (`shop = shop_fixture("sizes", menu=MENU)`)."""

    @pytest.fixture(scope="module")
    def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
        return write_store(tmp_path_factory.mktemp(label), menu=menu, faqs=faqs)

    return shop
