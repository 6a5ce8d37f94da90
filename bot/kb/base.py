"""The live knowledge: an immutable snapshot, swapped whole when the owner's files change.

A broken save keeps the last good snapshot serving and records the located error, so a
typo in menu.csv never takes the bot down; fixing the file brings the new knowledge in.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.kb.errors import KnowledgeError, Problem
from bot.kb.index import KnowledgeIndex, VectorStore, collection_name
from bot.kb.loader import fingerprint, load_knowledge
from bot.kb.menu_match import MenuMatcher
from bot.kb.records import Knowledge
from bot.kb.tokenizer import get_tokenizer
from bot.settings import RetrievalSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    knowledge: Knowledge
    index: KnowledgeIndex
    menu: MenuMatcher
    loaded_at: datetime


def faq_words(knowledge: Knowledge) -> str:
    """Every word the owner's FAQ writes, so a menu shortening never stands for one of them."""
    return " ".join(f"{f.id} {' '.join(f.aliases)} {f.answer}" for f in knowledge.faqs)


class KnowledgeBase:
    """Owns the current snapshot of one knowledge folder and reloads it on change."""

    def __init__(self, knowledge_dir: Path, index_dir: Path, retrieval: RetrievalSettings):
        self.dir = Path(knowledge_dir)
        self.retrieval = retrieval
        self.tokenizer = get_tokenizer(retrieval.tokenizer, retrieval.kiwi_default_dict, retrieval.kiwi_multi_dict)
        self.vectors = VectorStore(
            Path(index_dir), collection_name(self.dir, retrieval.tokenizer, retrieval.vector_dim), retrieval.vector_dim
        )
        self._snapshot: Snapshot | None = None
        self.errors: list[Problem] = []
        self.last_attempt: datetime | None = None
        self._reloading = threading.Lock()  # the file watcher and a console edit may reload at once
        self.after_reload: Callable[[], object] | None = None  # the watcher calls it after each reload (history)

    @property
    def snapshot(self) -> Snapshot:
        if self._snapshot is None:
            raise KnowledgeError(self.errors or [Problem(str(self.dir), None, "지식 파일을 아직 읽지 못했어요.")])
        return self._snapshot

    @property
    def ready(self) -> bool:
        return self._snapshot is not None

    def reload(self) -> bool:
        """Load the folder again; on errors keep the last good snapshot. True when a new one is live."""
        with self._reloading:
            return self._reload()

    def _reload(self) -> bool:
        self.last_attempt = datetime.now(UTC)
        if self._snapshot is not None and fingerprint(self.dir) == self._snapshot.knowledge.fingerprint:
            self.errors = []
            return False
        t0 = time.perf_counter()
        try:
            knowledge = load_knowledge(self.dir)
        except KnowledgeError as e:
            self.errors = e.problems
            for p in e.problems:
                log.error("knowledge error, keeping the last good knowledge: %s", p)
            return False
        index = KnowledgeIndex(knowledge, self.tokenizer, self.vectors, self.retrieval.rrf_k)
        snapshot = Snapshot(knowledge, index, MenuMatcher(knowledge.menu, index.lexicon, index.morphemes, faq_words(knowledge)), datetime.now(UTC))
        self._snapshot = snapshot
        self.errors = []
        self.vectors.prune(set(index.entries))
        log.info(
            "knowledge loaded: %d menu items, %d FAQs in %.0f ms (%d vectors added, %d reused)",
            len(knowledge.menu), len(knowledge.faqs), (time.perf_counter() - t0) * 1000, index.added, index.kept,
        )
        return True

    def trial(self, knowledge: Knowledge) -> Snapshot:
        """A snapshot of knowledge that is not live (the console's preview of an edit), built with the
        live tokenizer and vector store; the vectors it adds are pruned at the next live reload."""
        index = KnowledgeIndex(knowledge, self.tokenizer, self.vectors, self.retrieval.rrf_k)
        return Snapshot(knowledge, index, MenuMatcher(knowledge.menu, index.lexicon, index.morphemes, faq_words(knowledge)), datetime.now(UTC))

    async def watch(self, debounce_ms: int = 300, stop: asyncio.Event | None = None) -> None:
        """Reload whenever a file in the folder changes, until `stop` is set."""
        from watchfiles import awatch

        async for _ in awatch(self.dir, debounce=debounce_ms, step=50, stop_event=stop, recursive=True):
            await asyncio.to_thread(self.reload)
            if self.after_reload is not None:
                await asyncio.to_thread(self.after_reload)
