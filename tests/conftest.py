"""Shared test fixtures: knowledge folders written on the fly, a loaded knowledge base, an engine,
and the test databases (SQLite files, or PostgreSQL with DANGGOL_TEST_DB=postgres)."""

from __future__ import annotations

import os
import shutil
import textwrap
import uuid
import weakref
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from bot import db as bot_db
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


# --- databases -------------------------------------------------------------------------------
# `make test` runs the suite twice: on SQLite files, then with DANGGOL_TEST_DB=postgres, where every
# test that asks `database_url` gets a fresh PostgreSQL database. The second pass leaves out the
# tests below: they never open a database, or they already run on both databases themselves.

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
ON_POSTGRES = os.environ.get("DANGGOL_TEST_DB", "sqlite") == "postgres"
# Entries are test files, or "file::name" prefixes for part of a file (`ask` and `chat` keep
# bookings in a throwaway in-memory SQLite database whatever the settings say).
NO_DATABASE = ("test_allergens.py", "test_understanding.py", "test_answer_quality.py", "test_fake_llm.py", "test_kakao_render.py", "test_knowledge_properties.py",
               "test_korean.py", "test_korean_time_table.py", "test_loader.py", "test_kb_edit.py", "test_loader_messages.py", "test_menu_file.py", "test_owner_tests.py::test_tests_are_read", "test_owner_tests.py::test_a_failure", "test_meta.py", "test_retrieval.py",
               "test_escalate.py", "test_fallback.py", "test_faq.py", "test_media.py", "test_menu.py", "test_recommend.py",
               "test_registry.py", "test_reservation.py", "test_smalltalk.py", "test_store_info.py", "test_cli.py::test_check", "test_cli.py::test_ask", "test_cli.py::test_chat",
               "test_cli.py::test_reindex", "test_cli.py::test_danggol_speaks", "test_cli.py::test_a_second_server", "test_cli.py::test_doctor",
               "test_owner_tests.py::test_danggol_test", "test_optout.py", "test_templates.py", "test_gate.py", "test_consent.py",
               "test_paste.py", "test_analysis.py", "test_drafts.py", "test_triage.py", "test_sheets.py", "test_textmodel.py", "test_concepts.py")
BOTH_DATABASES = ("test_migrations.py", "test_reservation_concurrency.py", "test_datacare.py")
_databases: dict[Path, str] = {}  # test folder -> its PostgreSQL database, dropped when the session ends
_running: list[pytest.Item] = []


def postgres_or_skip() -> None:
    """Fail unless PostgreSQL answers at 127.0.0.1:5432: the suite never passes by skipping it
    (`make test` starts the server when it is down)."""
    try:
        with create_engine(PG_ADMIN, poolclass=NullPool).connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as e:  # noqa: BLE001 - any failure to connect means "no PostgreSQL here"
        raise AssertionError(f"PostgreSQL at 127.0.0.1:5432 is required (make test starts it): {e}") from e


def create_postgres_database(prefix: str = "danggol_test") -> str:
    """A new, empty PostgreSQL database with a random name; its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT", poolclass=NullPool).connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT", poolclass=NullPool).connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def database_url(tmp: Path) -> str:
    """The database of a test working in folder `tmp` (same folder, same database): a SQLite file in it,
    or with DANGGOL_TEST_DB=postgres a fresh PostgreSQL database, dropped when the session ends."""
    if _running and _running[0].get_closest_marker("nodb"):
        raise AssertionError(f"{_running[0].nodeid} opens a database: take its file out of NO_DATABASE in tests/conftest.py")
    if not ON_POSTGRES:
        return f"sqlite:///{tmp / 'danggol.db'}"
    if tmp not in _databases:
        _databases[tmp] = create_postgres_database()
    return _databases[tmp]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "nodb: never opens a database (left out of the PostgreSQL pass)")
    config.addinivalue_line("markers", "both_databases: runs on SQLite and PostgreSQL itself (left out of the PostgreSQL pass)")
    config.addinivalue_line("markers", "sqlite_only: about SQLite itself (left out of the PostgreSQL pass)")


def pytest_sessionstart(session: pytest.Session) -> None:
    if ON_POSTGRES:
        try:
            postgres_or_skip()
        except AssertionError as e:
            pytest.exit(f"DANGGOL_TEST_DB=postgres: {e}", returncode=1)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        node = f"{item.path.name}::{item.name}"
        if any(node.startswith(f"{entry}::" if entry.endswith(".py") else entry) for entry in NO_DATABASE):
            item.add_marker(pytest.mark.nodb)
        elif any(node.startswith(f"{entry}::") for entry in BOTH_DATABASES):
            item.add_marker(pytest.mark.both_databases)
    if ON_POSTGRES:
        skip = {"nodb", "both_databases", "sqlite_only"}
        kept = [i for i in items if not any(i.get_closest_marker(m) for m in skip)]
        if len(kept) < len(items):
            keep = set(kept)
            config.hook.pytest_deselected(items=[i for i in items if i not in keep])
            items[:] = kept


def pytest_runtest_setup(item: pytest.Item) -> None:
    _running[:] = [item]


# Every engine a test makes (bot.db.connect), so its pooled connections can be closed after the test:
# PostgreSQL allows 100 clients, and two workers' finished tests must not hold them until the session ends.
_engines: weakref.WeakSet[Any] = weakref.WeakSet()
_connect = bot_db.connect


def _tracked_connect(url: str, base_dir: Path) -> Any:
    engine = _connect(url, base_dir)
    _engines.add(engine)
    return engine


bot_db.connect = _tracked_connect  # type: ignore[assignment]


def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Close idle pooled connections (an engine stays usable: a module's server reconnects on demand)."""
    if ON_POSTGRES:
        for engine in list(_engines):
            engine.dispose()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for url in _databases.values():
        drop_postgres_database(url)
    _databases.clear()
