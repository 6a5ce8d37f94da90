"""What customers asked that the bot could not answer, grouped by similarity, so the owner knows
which FAQ to write next."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from bot.db import Message, Storage
from bot.kb.text import clean, compact


@dataclass
class Group:
    example: str
    count: int = 0
    latest: datetime | None = None
    questions: list[str] = field(default_factory=list)


def _grams(text: str) -> set[str]:
    s = compact(clean(text))
    return {s[i : i + 2] for i in range(len(s) - 1)} or {s}


def unanswered(storage: Storage, terms: Callable[[str], set[str]] | None = None, limit: int = 500,
               similarity: float = 0.5) -> list[Group]:
    """Questions answered 'unknown', grouped by the overlap of their content words (the retrieval's
    own terms, so 메뉴판도 있나요 and 메뉴판 있어요 meet), newest first."""
    terms = terms or _grams
    out_ = aliased(Message)
    asked_before = (select(Message.text).where(Message.conversation_id == out_.conversation_id, Message.direction == "in",
                                              Message.id < out_.id)  # type: ignore[operator]
                    .order_by(Message.id.desc()).limit(1).correlate(out_).scalar_subquery())  # type: ignore[union-attr]
    asked_at = (select(Message.created_at).where(Message.conversation_id == out_.conversation_id, Message.direction == "in",
                                                 Message.id < out_.id)  # type: ignore[operator]
                .order_by(Message.id.desc()).limit(1).correlate(out_).scalar_subquery())  # type: ignore[union-attr]
    with Session(storage.engine) as s:
        # One query: each unanswered reply with the customer message just before it.
        rows = s.exec(select(asked_before, asked_at).select_from(out_).where(out_.direction == "out", out_.intent == "unknown")
                      .order_by(out_.id.desc()).limit(limit)).all()  # type: ignore[union-attr,call-overload]
    asked = [(text.strip(), when) for text, when in rows if text and text.strip()]
    groups: list[tuple[set[str], Group]] = []
    for text, when in asked:  # newest first, so each group's example is its newest wording
        grams = terms(text) or _grams(text)
        match = next((g for seen, g in groups if len(grams & seen) / max(len(grams | seen), 1) >= similarity), None)
        if match is None:
            match = Group(text, latest=when)
            groups.append((grams, match))
        match.count += 1
        if text not in match.questions:
            match.questions.append(text)
    return [g for _, g in groups]  # already newest first
