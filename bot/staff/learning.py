"""The learning loop: what the bot could not answer becomes an FAQ phrasing or a new FAQ entry.

The unanswered page shows only what the bot still cannot answer: each group's newest wording is
asked again of the live knowledge through a probe engine (the offline skills, a state of its own,
nothing stored or sent), so a group disappears as soon as an edit teaches the bot its answer.
Probes are cached per knowledge snapshot: a page view asks only the questions it has not asked of
this version of the files.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from bot.db import Message, Storage
from bot.kb.edit import KnowledgeEditor, faq_places
from bot.messages import Turn
from bot.staff.insights import Group, add_staff_replies, unanswered

SHOWN = 30  # groups on one page view: the owner works down the list; each view probes at most this many


@dataclass
class Learned:
    groups: list[Group]  # still unanswered, newest first, at most SHOWN
    answered_now: int  # groups the bot answers since an edit (hidden)
    more: int  # still-unanswered groups beyond the page
    suggestions: dict[str, list[str]] = field(default_factory=dict)  # group example -> FAQ ids to add it to


class Learning:
    def __init__(self, storage: Storage, kb: Any, probe: Any, editor: KnowledgeEditor):
        self.storage = storage
        self.kb = kb
        self.probe_engine = probe  # an Engine with memory state and no model (bot/engine.py)
        self.editor = editor
        self._probed: dict[str, bool] = {}
        self._terms: dict[str, set[str]] = {}
        self._probed_for: object = None
        self._serial = itertools.count()

    async def answers(self, question: str) -> bool:
        """Whether the live knowledge answers `question` now (offline, nothing stored)."""
        self._fresh()
        if question not in self._probed:
            turn = Turn(question, user_key=f"probe-{next(self._serial)}", channel="probe")
            reply = await self.probe_engine.respond(turn, fast_only=True)
            self._probed[question] = reply.intent != "unknown" and reply.handoff != "unknown"
            await asyncio.sleep(0)  # customers' turns go first between probes
        return self._probed[question]

    def _fresh(self) -> None:
        """Forget probes and analyses made against an older version of the files."""
        snapshot = self.kb.snapshot
        if self._probed_for is not snapshot or len(self._terms) > 20_000:
            self._probed, self._terms, self._probed_for = {}, {}, snapshot

    def terms(self, text: str) -> set[str]:
        """The retrieval's content words of a question, analysed once per version of the files."""
        found = self._terms.get(text)
        if found is None:
            found = self._terms[text] = set(self.kb.snapshot.index.analyse(text)[2])
        return found

    async def unanswered(self) -> Learned:
        self._fresh()
        groups = await self.storage.call(unanswered, storage=self.storage, terms=self.terms)
        shown: list[Group] = []
        answered_now = more = 0
        for g in groups:
            if len(shown) >= SHOWN:
                more += 1
                continue
            if await self.answers(g.example):
                answered_now += 1
            else:
                shown.append(g)
        await self.storage.call(add_staff_replies, storage=self.storage, groups=shown)
        return Learned(shown, answered_now, more, {g.example: self.suggest(g.example) for g in shown})

    def suggest(self, question: str, k: int = 3) -> list[str]:
        """FAQ entries the question may be another way of asking, best first (below the answering
        threshold too: that is why the bot did not answer)."""
        index = self.kb.snapshot.index
        return [h.id for h in index.search(index.query(question), "faq", k)]

    def faq_ids(self) -> list[str]:
        return [f.id for f in self.kb.snapshot.knowledge.faqs]

    def places(self) -> list[tuple[str, str]]:
        return faq_places(self.kb.snapshot.knowledge)

    def place_for(self, question: str) -> str:
        """The `file#category` of the entry most like the question: where a new entry belongs."""
        faqs = {f.id: f for f in self.kb.snapshot.knowledge.faqs}
        best = next((faqs[i] for i in self.suggest(question, 1) if i in faqs), None)
        return f"{best.origin.file}#{best.category}" if best else ""

    async def add_phrasing(self, faq_id: str, phrasing: str, author: str) -> bool:
        """Write the phrasing; True when the bot now answers it (a close tie may still ask which)."""
        await asyncio.to_thread(self.editor.add_phrasing, faq_id, phrasing, author)
        return await self.answers(phrasing)

    async def add_faq(self, question: str, answer: str, aliases: list[str], file: str, category: str, author: str) -> bool:
        await asyncio.to_thread(self.editor.add_faq, question, answer, aliases, file, category, author)
        return await self.answers(question)

    async def draft_from_reply(self, message_id: int) -> tuple[str, str] | None:
        return await self.storage.call(draft_from_reply, storage=self.storage, message_id=message_id)


def draft_from_reply(storage: Storage, message_id: int) -> tuple[str, str] | None:
    """(the customer's question, the staff reply) when a staff message answered a question the bot
    could not: the question is the customer's message before the bot's last 'unknown' reply."""
    with Session(storage.engine) as s:
        reply = s.get(Message, message_id)
        if reply is None or not reply.author.startswith("staff:"):
            return None
        before = s.exec(select(Message).where(Message.conversation_id == reply.conversation_id, col(Message.id) < message_id)
                        .order_by(col(Message.id).desc()).limit(30)).all()
    missed = next((i for i, m in enumerate(before) if m.direction == "out" and m.intent == "unknown"), None)
    if missed is None:
        return None
    question = next((m.text for m in before[missed + 1:] if m.direction == "in" and m.text.strip()), None)
    return (question.strip(), reply.text.strip()) if question else None


def missed_replies(messages: list[Message]) -> set[int]:
    """The staff messages in a transcript that answered a question the bot could not (offered as FAQ
    drafts on the conversation page): the first staff message after each 'unknown' reply."""
    out: set[int] = set()
    waiting = False
    for m in messages:
        if m.direction == "out" and m.intent == "unknown":
            waiting = True
        elif waiting and m.direction == "out" and m.author.startswith("staff:") and m.id is not None:
            out.add(m.id)
            waiting = False
    return out
