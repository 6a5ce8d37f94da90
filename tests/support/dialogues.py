"""Booking conversations graded on the database: the end state and the first refusal's reason.

A set is a folder with `knowledge/` and `conversations.jsonl`, written by people who never read
the bot's code (tests/fixtures/bookings/*/README.md). Each conversation is played against the real
engine, skills and booking service on a fresh SQLite database: the bookings it lists as already
made are written first, then each customer turn is answered at the conversation's clock. Graded:

- state: the customer's confirmed bookings at the end (start, party, and name when given) equal
  the expected ones, and the chat was handed to staff exactly when expected;
- reason: the first refusal the bot gave (its availability code) is the expected one, or none.

A reply that hands the chat to staff ends the conversation: from there a person answers.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.availability import free_table
from bot.bookings import Bookings
from bot.db import DbStates, Storage, make_engine
from bot.engine import Engine
from bot.kb.base import KnowledgeBase
from bot.messages import Reply, Turn
from bot.settings import RetrievalSettings

CHANNEL = "kakao"


@dataclass
class Outcome:
    id: str
    kind: str
    state_ok: bool
    reason_ok: bool
    refusal: str | None
    handoff: bool
    bookings: list[dict[str, Any]]
    transcript: list[tuple[str, str]] = field(default_factory=list)
    expect: dict[str, Any] = field(default_factory=dict)

    def report(self) -> str:
        lines = [f"{self.id} [{self.kind}] state={'ok' if self.state_ok else 'WRONG'} reason={'ok' if self.reason_ok else 'WRONG'}",
                 f"   expected {self.expect}",
                 f"   got bookings={self.bookings} handoff={self.handoff} refusal={self.refusal}"]
        for said, answered in self.transcript:
            lines.append(f"   > {said}")
            lines.append("   < " + answered.replace("\n", " / ")[:300])
        return "\n".join(lines)


def load(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (folder / "conversations.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


def _plain(name: str | None) -> str | None:
    return name.replace(" ", "") if name else name


class Player:
    """One store's engine on its own database; plays conversations one after another."""

    def __init__(self, knowledge: Path, work: Path):
        self.kb = KnowledgeBase(knowledge, work / "index", RetrievalSettings())
        if not self.kb.reload():
            raise ValueError(f"{knowledge}: {self.kb.errors}")
        self.store = self.kb.snapshot.knowledge.store
        self.zone = ZoneInfo(self.store.timezone)
        self.storage = Storage(make_engine(f"sqlite:///{work / 'bookings.db'}", work))
        self.bookings = Bookings(self.storage, self.store.timezone)
        self.engine = Engine(self.kb, RetrievalSettings(), states=DbStates(self.storage), bookings=self.bookings)

    def _clear(self) -> None:
        """Each conversation starts with an empty book, plus what it lists as already booked."""
        with self.storage.engine.begin() as conn:
            for table in ("reservationevent", "reservationcell", "reservation"):
                conn.exec_driver_sql(f"DELETE FROM {table}")

    def _seed(self, existing: list[dict[str, Any]], user_key: str) -> None:
        policy = self.store.reservation
        for i, b in enumerate(existing):
            start = datetime.fromisoformat(b["start"]).replace(tzinfo=self.zone)
            table = free_table(self.store, self.bookings.booked_on_sync(start.date()), start, int(b["party"]))
            if table is None:
                raise ValueError(f"existing booking {b} does not fit the tables")
            mine = bool(b.get("mine"))
            self.bookings.create_sync(start=start, minutes=policy.duration_minutes, table_no=table, seats=policy.tables[table],
                                      party=int(b["party"]), name=b.get("name") or "손님", phone=b.get("phone") or "",
                                      request="", channel=CHANNEL if mine else "phone",
                                      user_key=user_key if mine else f"other-{i}", actor="seed")

    async def play(self, conv: dict[str, Any]) -> Outcome:
        self._clear()
        user_key = f"user-{conv['id']}"
        self._seed(conv.get("existing", []), user_key)
        now = datetime.fromisoformat(conv["now"]).replace(tzinfo=self.zone)
        refusal: str | None = None
        handoff = False
        transcript = []
        for text in conv["turns"]:
            reply: Reply = await self.engine.respond(Turn(text, user_key, CHANNEL, {}, now))
            transcript.append((text, reply.text))
            if reply.refusal and refusal is None:
                refusal = reply.refusal
            if reply.escalate:
                handoff = True
                break
        mine = [b for b in self.bookings.list_sync(status="confirmed") if b.user_key == user_key and b.channel == CHANNEL]
        got = sorted(({"start": b.start.strftime("%Y-%m-%dT%H:%M"), "party": b.party, "name": b.name} for b in mine),
                     key=lambda b: b["start"])
        expect = conv["expect"]
        wanted = sorted(expect.get("bookings", []), key=lambda b: b["start"])
        same = len(got) == len(wanted) and all(
            g["start"] == w["start"] and g["party"] == w["party"] and (w.get("name") is None or _plain(g["name"]) == _plain(w["name"]))
            for g, w in zip(got, wanted, strict=True))
        state_ok = same and handoff == bool(expect.get("handoff"))
        reason_ok = state_ok and refusal == expect.get("reason")
        return Outcome(conv["id"], conv.get("kind", ""), state_ok, reason_ok, refusal, handoff, got, transcript, expect)


def play_set(folder: Path, only: set[str] | None = None) -> list[Outcome]:
    with tempfile.TemporaryDirectory() as tmp:
        player = Player(folder / "knowledge", Path(tmp))
        try:
            async def run() -> list[Outcome]:
                return [await player.play(c) for c in load(folder) if not only or c["id"] in only]
            return asyncio.run(run())
        finally:
            player.storage.engine.dispose()
