"""Readiness: may this process take customers now? (`/readyz`; `/healthz` only says it is alive.)

Ready means the knowledge is loaded and the database answers `SELECT 1` within a couple of
seconds. The query runs through `Storage.call`, on the database thread(s): with SQLite that one
thread is the bottleneck, so a thread stuck behind a lock shows up here as a timeout, which is
the point. A SQLite file deleted under a running server still answers on its open handle (and
the next restart would start on an empty database), so its presence is checked too.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine as SqlEngine

from bot.db import Storage

DATABASE_TIMEOUT_S = 2.0


def _select_one(*, engine: SqlEngine) -> None:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1")).scalar_one()
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:" and not Path(database).exists():
        raise FileNotFoundError("the SQLite file is gone")


class Readiness:
    """The checks behind `/readyz`; at most one database probe is in flight, however often it is asked."""

    def __init__(self, storage: Storage, timeout_s: float = DATABASE_TIMEOUT_S):
        self.storage = storage
        self.timeout_s = timeout_s
        self._probe: asyncio.Future[None] | None = None

    async def database(self) -> str:
        """"ok", or what failed: "timeout" or the exception's class (never its text: it may hold a URL)."""
        if self._probe is None or self._probe.done():
            # A probe stuck behind a long database call is reused, not queued again behind it.
            self._probe = asyncio.ensure_future(self.storage.call(_select_one, engine=self.storage.engine))
        try:
            await asyncio.wait_for(asyncio.shield(self._probe), self.timeout_s)
        except TimeoutError:
            return "timeout"
        except Exception as e:  # noqa: BLE001 - any failure means "not ready"; the class names it
            return f"error: {type(e).__name__}"
        return "ok"

    async def check(self, kb: Any) -> tuple[bool, dict[str, str]]:
        """(ready, {check: "ok" or what failed}) for the knowledge base `kb` (None before it is loaded)."""
        checks = {
            "knowledge": "ok" if kb is not None and kb.ready else "not loaded",
            "database": await self.database(),
        }
        return all(v == "ok" for v in checks.values()), checks
