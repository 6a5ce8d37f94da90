"""Alembic's environment: runs on the connection `bot.migrate` hands over (no alembic.ini, no URL here)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import bot.db  # noqa: F401 - registers the tables on SQLModel.metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations with `danggol db upgrade` (bot.migrate), which passes the connection.")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    # SQLite cannot ALTER most things: autogenerate writes "move and copy" batch operations,
    # which are plain ALTERs on PostgreSQL.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
