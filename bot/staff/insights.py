"""What customers asked that the bot could not answer, grouped by similarity, so the owner knows
which FAQ to write next, and what staff answered them instead."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from bot.db import Message, Storage
from bot.kb.text import clean, compact


@dataclass
class Group:
    example: str  # the newest wording
    count: int = 0
    latest: datetime | None = None
    first: datetime | None = None
    questions: list[str] = field(default_factory=list)  # distinct wordings, newest first
    asked: list[tuple[int, int]] = field(default_factory=list)  # (conversation id, message id) of each time it was asked
    staff_replies: list[str] = field(default_factory=list)  # what staff answered in those chats, newest first


def _grams(text: str) -> set[str]:
    s = compact(clean(text))
    return {s[i : i + 2] for i in range(len(s) - 1)} or {s}


def unanswered(storage: Storage, terms: Callable[[str], set[str]] | None = None, limit: int = 500,
               similarity: float = 0.5) -> list[Group]:
    """Questions answered 'unknown', grouped by the overlap of their content words (the retrieval's
    own terms, so 메뉴판도 있나요 and 메뉴판 있어요 meet), newest first. One query."""
    terms = terms or _grams
    out_ = aliased(Message)
    asked = aliased(Message)
    asked_id = (select(func.max(Message.id)).where(Message.conversation_id == out_.conversation_id, Message.direction == "in",
                                                   Message.id < out_.id)  # type: ignore[operator]
                .correlate(out_).scalar_subquery())
    with Session(storage.engine) as s:
        # Each unanswered reply with the customer message just before it.
        rows = s.exec(select(asked.conversation_id, asked.id, asked.text, asked.created_at).select_from(out_)
                      .join(asked, col(asked.id) == asked_id).where(out_.direction == "out", out_.intent == "unknown")
                      .order_by(col(out_.id).desc()).limit(limit)).all()
    groups: list[tuple[set[str], Group]] = []
    having: dict[str, list[int]] = {}  # term -> the groups whose first wording has it: only those can match
    for conversation_id, message_id, raw, when in rows:  # newest first, so each group's example is its newest wording
        text = (raw or "").strip()
        if not text:
            continue
        grams = terms(text) or _grams(text)
        candidates = sorted({i for t in grams for i in having.get(t, ())})
        found = next((i for i in candidates if len(grams & groups[i][0]) / max(len(grams | groups[i][0]), 1) >= similarity), None)
        if found is None:
            match = Group(text, latest=when)
            for t in grams:
                having.setdefault(t, []).append(len(groups))
            groups.append((grams, match))
        else:
            match = groups[found][1]
        match.count += 1
        match.first = when
        match.asked.append((conversation_id, message_id))  # type: ignore[arg-type]
        if text not in match.questions:
            match.questions.append(text)
    return [g for _, g in groups]  # already newest first


def add_staff_replies(storage: Storage, groups: list[Group], per_group: int = 3) -> None:
    """Fill each group's `staff_replies`: the first thing staff wrote after each time it was asked,
    the raw material of a new FAQ answer. One query for all the groups."""
    conversations = {c for g in groups for c, _ in g.asked}
    if not conversations:
        return
    with Session(storage.engine) as s:
        rows = s.exec(select(Message.conversation_id, Message.id, Message.text)
                      .where(col(Message.conversation_id).in_(conversations), Message.direction == "out",
                             col(Message.author).startswith("staff:"))
                      .order_by(col(Message.id))).all()
    by_conversation: dict[int, list[tuple[int, str]]] = {}
    for conversation_id, message_id, text in rows:
        by_conversation.setdefault(conversation_id, []).append((message_id, text))  # type: ignore[arg-type]
    for g in groups:
        for conversation_id, asked_id in g.asked:
            reply = next((t for i, t in by_conversation.get(conversation_id, []) if i > asked_id and t.strip()), None)
            if reply and reply not in g.staff_replies:
                g.staff_replies.append(reply)
            if len(g.staff_replies) >= per_group:
                break
