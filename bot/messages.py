"""The channel-neutral seam: a `Turn` comes in, a `Reply` goes out.

Channels translate their wire formats to and from these; skills and the engine never see
Kakao or TalkTalk JSON. Renderers degrade gracefully (a card a channel cannot show becomes text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Intent = Literal["faq", "menu", "store_info", "recommend", "reservation", "escalate", "smalltalk", "unknown"]


@dataclass(frozen=True)
class Turn:
    """One customer message, whatever channel it came from."""

    text: str
    user_key: str = "local"
    channel: str = "cli"
    params: dict[str, Any] = field(default_factory=dict)  # structured values (date picker, button data)
    now: datetime | None = None  # a fixed clock (tests, `ask --now`); None means the real time


@dataclass(frozen=True)
class QuickReply:
    """A suggested answer; tapping it sends `text` as the customer's next message."""

    label: str
    text: str = ""
    data: dict[str, Any] | None = None

    @property
    def message(self) -> str:
        return self.text or self.label


@dataclass(frozen=True)
class Button:
    label: str
    kind: Literal["message", "link", "phone", "operator"] = "message"
    value: str = ""


@dataclass(frozen=True)
class Card:
    title: str
    description: str = ""
    price: int | None = None
    image: str = ""
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class Source:
    kind: Literal["faq", "menu", "store"]
    id: str


@dataclass
class Reply:
    """What the bot says back, plus what it understood (intent, sources) for logs and the console."""

    intent: Intent
    texts: list[str]
    sources: list[Source] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)
    quick_replies: list[QuickReply] = field(default_factory=list)
    escalate: bool = False
    card_texts: list[str] | None = None  # shorter texts for channels that show the cards (the cards carry the rest)
    awaiting: str | None = None  # the skill that expects the next message, if any
    state: dict[str, Any] = field(default_factory=dict)  # that skill's memory for the next turn
    ask: Literal["date", "time"] | None = None  # the answer asks for a date or time: channels with pickers offer one
    refusal: str = ""  # a booking refused: its availability code (closed, break, full, ...), for logs and grading
    handoff: str = ""  # why a handover (escalate=True) happens: complaint, request, unknown, allergy, booking; shown to staff
    moment: str = ""  # a natural moment to ask for marketing consent: "booked" (a booking confirmed), "stamped"

    @property
    def text(self) -> str:
        return "\n\n".join(t for t in self.texts if t)

    def as_contract(self, question: str) -> dict[str, Any]:
        """The `danggol ask --json` object (../shared/spec/ask-contract.md)."""
        return {
            "question": question,
            "intent": self.intent,
            "answer": self.text,
            "sources": [{"kind": s.kind, "id": s.id} for s in self.sources],
            "escalate": self.escalate,
        }


def won(price: int) -> str:
    """4500 -> '4,500원', the way Korean shops write prices."""
    return f"{price:,}원"


def cut(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary with an ellipsis, never mid-word:
    every channel has length limits, and a sentence cut in half reads as a bug."""
    text = text.strip()
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = max(head.rfind(" "), head.rfind("\n"))
    if space >= limit // 2:
        head = head[:space]
    return head.rstrip(" ,.·") + "…"
