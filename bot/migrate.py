"""Schema migrations: bring a database to the newest revision with Alembic, in-process.

The migration scripts live in `bot/migrations/` and ship with the package; there is no alembic.ini.
Every server process upgrades on start (`database.auto_migrate`), so the upgrade holds a lock that
makes concurrent starts take turns: the first one migrates, the others find the schema at head.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# What `create_all` made before migrations existed: revision 0001 exactly.
FIRST_TABLES = frozenset({"conversation", "message", "handoff", "reservation", "reservationcell", "reservationevent",
                          "staffuser", "staffsession"})
# Development builds between 0001 and migrations also made this table with create_all.
SECOND_TABLES = frozenset({"customerprofile"})
# PostgreSQL advisory lock key taken by every Danggol process around an upgrade ("dang" in ASCII).
LOCK_KEY = 0x64616E67


class SchemaError(RuntimeError):
    """The database's schema is not the one this code needs; the message tells the owner what to do."""


@dataclass(frozen=True)
class Upgrade:
    before: str | None  # the revision found (None: an empty database)
    after: str
    stamped: str | None  # a database made before migrations, recognised as this revision


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration, made in code; migrations run on `connection` (see migrations/env.py)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision this code knows."""
    revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert revision is not None
    return revision


def _current(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def current(engine: Engine) -> str | None:
    """The database's revision; None when it has no `alembic_version` (empty, or made before migrations)."""
    with engine.connect() as conn:
        return _current(conn)


def is_legacy(engine: Engine) -> bool:
    """Made by a release before migrations: our tables are there, `alembic_version` is not."""
    with engine.connect() as conn:
        return _current(conn) is None and bool(FIRST_TABLES & set(inspect(conn).get_table_names()))


def check(engine: Engine) -> None:
    """Raise SchemaError unless the database is at the newest revision."""
    found, wanted = current(engine), head()
    if found != wanted:
        raise SchemaError(f"데이터베이스 스키마가 최신이 아니에요 (현재 {found or '없음'}, 필요 {wanted}). "
                          "`danggol db upgrade`를 실행한 뒤 다시 시작해 주세요.")


def upgrade(engine: Engine, to: str = "head") -> Upgrade:
    """Bring the database to the newest revision (or `to`), keeping every row; safe to run from several processes at once."""
    script = ScriptDirectory.from_config(alembic_config())
    target = script.get_revision(to)
    assert target is not None
    with _locked(engine) as conn:
        before = _current(conn)
        stamped = None
        if before is None:
            stamped = _legacy_revision(conn)
            if stamped is not None:
                command.stamp(alembic_config(conn), stamped)
        elif before not in {s.revision for s in script.walk_revisions()}:
            raise SchemaError(f"데이터베이스가 이 프로그램보다 새 버전의 스키마({before})예요. 단골을 최신 버전으로 올려 주세요.")
        if (stamped or before) != target.revision:
            # SQLite rebuilds a table to alter it, with foreign keys off: check none broke (rows that
            # were already orphans before the upgrade are not the upgrade's doing).
            sqlite = conn.dialect.name == "sqlite"
            orphans = _orphans(conn) if sqlite else set()
            command.upgrade(alembic_config(conn), target.revision)
            broken = _orphans(conn) - orphans if sqlite else set()
            if broken:
                raise SchemaError(f"마이그레이션 뒤 외래 키가 맞지 않아 되돌렸어요: {sorted(broken)[:5]}")
        after = _current(conn)
    assert after is not None
    return Upgrade(before, after, stamped)


def _orphans(conn: Connection) -> set[tuple[object, ...]]:
    return {tuple(row) for row in conn.exec_driver_sql("PRAGMA foreign_key_check")}


def _legacy_revision(conn: Connection) -> str | None:
    """The revision of a database made with `create_all` (no `alembic_version`); None when it is empty."""
    tables = set(inspect(conn).get_table_names())
    found = FIRST_TABLES & tables
    if not found:
        return None
    if found != FIRST_TABLES:
        missing = ", ".join(sorted(FIRST_TABLES - found))
        raise SchemaError(f"데이터베이스에 단골의 테이블이 일부만 있어요 (없는 테이블: {missing}). "
                          "예전 버전으로 만든 데이터베이스라면 백업한 뒤 새 데이터베이스를 써 주세요.")
    return "0002" if tables >= SECOND_TABLES else "0001"


@contextlib.contextmanager
def _locked(engine: Engine) -> Iterator[Connection]:
    """One connection holding the database's migration lock, in a transaction committed on success."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # A session-level advisory lock: a second process starting now waits here, then finds
            # the schema at head. DDL is transactional on PostgreSQL: a failed upgrade leaves nothing.
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
            conn.commit()
            try:
                with conn.begin():
                    yield conn
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
                conn.commit()
        elif conn.dialect.name == "sqlite":
            # Python's sqlite3 runs DDL outside any transaction, so two processes would both see an
            # empty file and the second CREATE TABLE would fail. BEGIN IMMEDIATE takes the write
            # lock first (the others wait on the busy timeout) and makes the whole upgrade atomic.
            # Foreign keys are off meanwhile, as SQLite's table-rebuild procedure requires (batch mode).
            conn.execution_options(isolation_level="AUTOCOMMIT")
            foreign_keys = conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.exec_driver_sql("COMMIT")
            except BaseException:
                if conn.connection.driver_connection.in_transaction:  # type: ignore[union-attr]
                    conn.exec_driver_sql("ROLLBACK")
                raise
            finally:
                conn.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        else:
            with conn.begin():
                yield conn
