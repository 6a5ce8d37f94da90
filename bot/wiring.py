"""Where the services are built, once, for the server and the command line.

The server and every CLI command open the database, the knowledge and the engine the same way:
from the one `Settings`, with the same migrations and the same stores, so a command sees exactly
what the server would.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.bookings import Bookings
from bot.db import DbStates, Storage, make_engine
from bot.engine import Engine
from bot.kb.base import KnowledgeBase
from bot.settings import Settings
from skills import SKILLS
from skills.base import Skill


def storage(settings: Settings, url: str | None = None) -> Storage:
    """The database from settings (migrated when `database.auto_migrate`), or a throwaway one (`url`)."""
    return Storage(make_engine(url or settings.database.url, settings.config_dir, migrate=settings.database.auto_migrate))


def knowledge(settings: Settings) -> KnowledgeBase:
    """The knowledge base, not yet loaded (`reload()` reads the files and reports their errors)."""
    return KnowledgeBase(settings.knowledge_dir, settings.index_dir, settings.retrieval)


def bookings(db: Storage, kb: KnowledgeBase) -> Bookings:
    return Bookings(db, kb.snapshot.knowledge.store.timezone)


def engine(settings: Settings, kb: KnowledgeBase, db: Storage, skills: tuple[Skill, ...] = SKILLS,
           clock: Callable[[], datetime] | None = None, **extra: Any) -> Engine:
    """The engine over the loaded knowledge, with bookings and the conversation state in `db`."""
    return Engine(kb, settings.retrieval, skills, states=DbStates(db), clock=clock, bookings=bookings(db, kb), **extra)
