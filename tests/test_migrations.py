"""Schema migrations on SQLite and PostgreSQL: an empty database goes to head and matches the models;
databases at revision 0001, or made before migrations existed, upgrade in place keeping every row;
processes starting together take turns; `danggol db upgrade` and `danggol db current`."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from bot.bookings import Bookings
from bot.db import Storage, connect, make_engine
from bot.migrate import FIRST_TABLES, SECOND_TABLES, SchemaError, alembic_config, current, head, upgrade
from tests.conftest import ROOT, create_postgres_database, drop_postgres_database, postgres_or_skip

SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'danggol.db'}"
        return
    postgres_or_skip()
    url = create_postgres_database("danggol_migrate")
    try:
        yield url
    finally:
        drop_postgres_database(url)


@pytest.fixture
def engine(database: str, tmp_path: Path) -> Iterator[Engine]:
    engine = connect(database, tmp_path)
    yield engine
    engine.dispose()


def differences(engine: Engine) -> list[object]:
    """What autogenerate would still write: nothing when the migrations make exactly the models' schema."""
    with engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata))


def add_rows(engine: Engine) -> None:
    """A conversation with messages and a handoff, a reservation with its cells and audit event, written as
    revision 0001 stored them (today's storage code writes columns that later revisions added)."""
    storage = Storage(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO conversation (id, channel, user_key, created_at, updated_at, awaiting, state, handoff, handoff_at, "
                          "staff, misses) VALUES (1, 'kakao', '단골손님', '2026-11-24 05:00:00', '2026-11-24 05:01:00', NULL, '{}', "
                          "'waiting', '2026-11-24 05:01:00', '', 0)"))
        for i, (direction, author, body, intent, payload, meta) in enumerate([
                ("in", "customer", "7시에 4명 예약돼요?", None, '{"utterance": "7시"}', None),
                ("out", "bot", "네, 가능해요.", "reservation", None, '{"sources": ["store"]}'),
                ("out", "bot", "직원을 불러 드릴게요.", "escalate", None, None)], start=1):
            conn.execute(text("INSERT INTO message (id, conversation_id, direction, author, delivered, text, intent, payload, meta, created_at) "
                              "VALUES (:id, 1, :direction, :author, :delivered, :text, :intent, :payload, :meta, '2026-11-24 05:00:00')"),
                         {"id": i, "direction": direction, "author": author, "delivered": True, "text": body, "intent": intent,
                          "payload": payload, "meta": meta})
        conn.execute(text("INSERT INTO handoff (conversation_id, reason, status, claimed_by, created_at) "
                          "VALUES (1, '손님 요청', 'waiting', '', '2026-11-24 05:00:00')"))
        if engine.dialect.name == "postgresql":  # rows written with their ids: move the sequences past them
            for table in ("conversation", "message"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    Bookings(storage, "Asia/Seoul").create_sync(start=datetime(2026, 11, 27, 19, 0, tzinfo=SEOUL), minutes=90, table_no=2, seats=4,
                                                party=4, name="김민지", phone="01012345678", request="창가", channel="kakao",
                                                user_key="단골손님")


def rows(engine: Engine, like: dict[str, list[tuple[object, ...]]] | None = None) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the first tables, as (column, value) pairs; with `like`, only the columns those rows had
    (a later revision may add a column, whose value then is its default)."""
    with engine.connect() as conn:
        out = {}
        for table in sorted(FIRST_TABLES):
            found = [tuple(sorted(r._mapping.items())) for r in conn.execute(text(f"SELECT * FROM {table}"))]
            if like is not None and like.get(table):
                keep = {name for name, _ in like[table][0]}  # type: ignore[misc]
                found = [tuple(pair for pair in r if pair[0] in keep) for r in found]
            out[table] = sorted(found, key=repr)
        return out


LATER_COLUMNS = (("handoff", "trigger"), ("conversation", "note"), ("staffuser", "role"), ("conversation", "under14"))  # 0006, 0007, 0009, 0012
LATER_INDEXES = ("ix_message_undelivered",)  # added by revisions after 0002: not in a database made before them


def create_all_before_migrations(engine: Engine, tables: frozenset[str]) -> None:
    """What the releases before migrations did on start: create_all of their tables, no alembic_version
    (the current models, without what later revisions added)."""
    SQLModel.metadata.create_all(engine, tables=[t for t in SQLModel.metadata.sorted_tables if t.name in tables])
    with engine.begin() as conn:
        for index in LATER_INDEXES:
            conn.execute(text(f"DROP INDEX IF EXISTS {index}"))
        for table, column in LATER_COLUMNS:
            if table in tables:
                conn.execute(text(f'ALTER TABLE {table} DROP COLUMN "{column}"'))


def create_all_0001(engine: Engine) -> None:
    create_all_before_migrations(engine, FIRST_TABLES)


def test_an_empty_database_goes_to_head_and_matches_the_models(engine: Engine) -> None:
    done = upgrade(engine)
    assert (done.before, done.after, done.stamped) == (None, head(), None)
    tables = set(inspect(engine).get_table_names())
    assert tables == set(SQLModel.metadata.tables) | {"alembic_version"}
    assert differences(engine) == []
    assert upgrade(engine).before == head()  # a second start changes nothing


def test_revision_0001_with_data_upgrades_keeping_every_row(engine: Engine) -> None:
    assert upgrade(engine, to="0001").after == "0001"
    assert "customerprofile" not in inspect(engine).get_table_names()
    add_rows(engine)
    before = rows(engine)
    assert len(before["message"]) == 3 and len(before["reservationcell"]) == 18 and len(before["handoff"]) == 1
    assert upgrade(engine).after == head()
    assert rows(engine, like=before) == before
    assert differences(engine) == []
    Storage(engine).record_in(channel="kakao", user_key="단골손님", text="또 왔어요", payload=None)  # ids continue
    assert len(rows(engine)["message"]) == 4


def test_a_database_made_before_migrations_is_stamped_and_upgraded(engine: Engine, database: str, tmp_path: Path) -> None:
    create_all_0001(engine)
    add_rows(engine)
    before = rows(engine)
    assert current(engine) is None
    upgraded = make_engine(database, tmp_path)  # what a server start does
    assert current(upgraded) == head() and rows(upgraded, like=before) == before
    assert differences(upgraded) == []
    upgraded.dispose()


def test_a_development_database_that_already_has_profiles_is_stamped_at_0002(engine: Engine) -> None:
    create_all_before_migrations(engine, FIRST_TABLES | SECOND_TABLES)
    done = upgrade(engine)
    assert (done.before, done.stamped, done.after) == (None, "0002", head())


def test_without_auto_migrate_an_old_schema_is_refused_with_the_command_to_run(engine: Engine, database: str,
                                                                             tmp_path: Path) -> None:
    upgrade(engine, to="0001")
    with pytest.raises(SchemaError, match="danggol db upgrade"):
        make_engine(database, tmp_path, migrate=False)
    upgrade(engine)
    make_engine(database, tmp_path, migrate=False).dispose()  # at head: starts


def test_every_migration_goes_down_again(engine: Engine) -> None:
    upgrade(engine)
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    assert upgrade(engine).after == head()


def test_in_memory_sqlite_is_migrated_on_its_one_connection() -> None:
    engine = make_engine("sqlite://", ROOT)
    assert current(engine) == head()
    add_rows(engine)  # the same connection holds the tables
    assert len(rows(engine)["reservationcell"]) == 18


WORKER = """
import sys
from pathlib import Path
from bot.db import connect
from bot.migrate import upgrade
engine = connect(sys.argv[1], Path(sys.argv[2]))
print("ready", flush=True)
sys.stdin.readline()  # every process starts the upgrade at the same moment
print(upgrade(engine).after)
"""


def test_processes_starting_together_take_turns(database: str, tmp_path: Path) -> None:
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, database, str(tmp_path)], cwd=ROOT, text=True, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline() == "ready\n"
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, "\n".join(err[-6000:] for _, err in results)
    assert [out.strip() for out, _ in results] == [head()] * 4
    engine = connect(database, tmp_path)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head()]
    assert differences(engine) == []
    engine.dispose()


def danggol_db(action: str, database: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DANGGOL_DATABASE__URL": database, "DANGGOL_RETRIEVAL__INDEX_DIR": str(tmp / "index")}
    return subprocess.run([sys.executable, "-m", "bot", "db", action], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)


def test_db_upgrade_and_current_commands(database: str, tmp_path: Path) -> None:
    run = danggol_db("current", database, tmp_path)
    assert run.returncode == 0 and f"지금 리비전: 없음. 최신은 {head()}" in run.stdout
    run = danggol_db("upgrade", database, tmp_path)
    assert run.returncode == 0, run.stderr
    assert "이전 리비전: 없음 (빈 데이터베이스)" in run.stdout and f"지금 리비전: {head()} (최신)" in run.stdout
    assert f"이미 최신이에요: 리비전 {head()}" in danggol_db("upgrade", database, tmp_path).stdout
    assert f"지금 리비전: {head()} (최신)" in danggol_db("current", database, tmp_path).stdout


def test_db_commands_on_a_database_made_before_migrations(engine: Engine, database: str, tmp_path: Path) -> None:
    create_all_0001(engine)
    add_rows(engine)
    before = rows(engine)
    assert "마이그레이션 전에 만든 데이터베이스" in danggol_db("current", database, tmp_path).stdout
    run = danggol_db("upgrade", database, tmp_path)
    assert run.returncode == 0, run.stderr
    assert "이전 리비전: 0001 (마이그레이션 전에 만든 데이터베이스" in run.stdout and f"지금 리비전: {head()}" in run.stdout
    assert rows(engine, like=before) == before


def test_a_database_with_only_some_of_the_tables_is_not_touched(engine: Engine) -> None:
    SQLModel.metadata.create_all(engine, tables=[SQLModel.metadata.tables["conversation"]])
    with pytest.raises(SchemaError, match="없는 테이블: handoff"):
        upgrade(engine)
    assert set(inspect(engine).get_table_names()) == {"conversation"}
