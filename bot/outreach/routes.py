"""Delivery routes for messages the shop sends first, each behind one interface (`Route`).

Cheapest legal first (spec/outreach.md §4): TalkTalk's send API (free; 정보 only unless the owner
allows 광고 there), Kakao's Event API (15원, automatic), the Kakao channel admin's 친구그룹 file (by
phone; the owner uploads the file and pastes the text), and "copy text" for anything else. A route
never sends a 광고 that is not framed by bot/outreach/templates.advert: it checks before it sends.

Extension point, not built: a dealer route for 알림톡 or SMS (a contract with an official dealer,
pre-approved 정보 templates, phone numbers). It would be one more `Route` whose `submit` calls the
dealer's API; we do not guess a vendor's API here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from bot.channels.kakao import EVENT_BATCH, KakaoEventBroadcast
from bot.channels.naver import SendApi
from bot.outreach.templates import Klass, is_framed

Sender = Callable[[], tuple[str, str]]  # the shop's name and phone as the knowledge says now


@dataclass(frozen=True)
class Outgoing:
    recipient: int  # the CampaignRecipient (or Notice) id
    user_key: str
    phone: str
    text: str
    klass: Klass


@dataclass(frozen=True)
class Submitted:
    """Per message: sent, failed (safe to retry), unknown (may have arrived: never retried), manual
    (the owner sends it), or pending with the task that will tell."""

    status: dict[int, str]
    tasks: dict[int, str]  # recipient -> task id, for pending ones


class FrameError(RuntimeError):
    """A 광고 reached a route without its "(광고)" frame: a bug, and nothing is sent."""


class Route(Protocol):
    name: str
    automatic: bool  # False: the owner sends it from the Kakao admin or by hand
    carries_ads: bool
    cost_won: int

    async def submit(self, messages: list[Outgoing]) -> Submitted: ...

    async def settle(self, task_id: str, messages: list[Outgoing]) -> dict[int, str] | None:
        """Final statuses of a pending task's messages; None while not known yet."""
        ...


def check_frames(messages: list[Outgoing], store_name: str, phone: str) -> None:
    for m in messages:
        if m.klass == "광고" and not is_framed(m.text, store_name, phone):
            raise FrameError(f"recipient {m.recipient}: a 광고 without its frame")


class EventApiRoute:
    """Kakao's Event API: messages with the same text go together, at most 100 users a call."""

    name = "event_api"
    automatic = True
    carries_ads = True

    def __init__(self, api: KakaoEventBroadcast, cost_won: int, sender: Sender):
        self.api = api
        self.cost_won = cost_won
        self.sender = sender

    async def submit(self, messages: list[Outgoing]) -> Submitted:
        check_frames(messages, *self.sender())
        status: dict[int, str] = {}
        tasks: dict[int, str] = {}
        by_text: dict[str, list[Outgoing]] = defaultdict(list)
        for m in messages:
            by_text[m.text].append(m)
        for text, group in by_text.items():
            seen: set[str] = set()
            unique = []
            for m in group:
                if m.user_key in seen:  # the same chat user twice (never expected): the second is not sent
                    status[m.recipient] = "failed"
                    continue
                seen.add(m.user_key)
                unique.append(m)
            for i in range(0, len(unique), EVENT_BATCH):
                batch = unique[i:i + EVENT_BATCH]
                result = await self.api.send([m.user_key for m in batch], text)
                for m in batch:
                    if result.outcome == "accepted":
                        status[m.recipient] = "pending"
                        tasks[m.recipient] = result.task_id
                    else:
                        status[m.recipient] = "failed" if result.outcome == "refused" else "unknown"
        return Submitted(status, tasks)

    async def settle(self, task_id: str, messages: list[Outgoing]) -> dict[int, str] | None:
        task = await self.api.task(task_id)
        if not task.done:
            return None
        if task.failed is None:
            return {m.recipient: "unknown" for m in messages}
        return {m.recipient: ("failed" if m.user_key in task.failed else "sent") for m in messages}


class TalkTalkRoute:
    """TalkTalk's send API: free, one user a call (the client keeps Naver's rate limit)."""

    name = "talktalk"
    automatic = True
    cost_won = 0

    def __init__(self, api: SendApi, sender: Sender, carries_ads: bool = False):
        self.api = api
        self.carries_ads = carries_ads
        self.sender = sender

    async def submit(self, messages: list[Outgoing]) -> Submitted:
        check_frames(messages, *self.sender())
        status: dict[int, str] = {}
        for m in messages:
            if m.klass == "광고" and not self.carries_ads:
                status[m.recipient] = "failed"
                continue
            result = await self.api.post({"event": "send", "textContent": {"text": m.text}, "options": {"notification": True}},
                                         m.user_key)
            status[m.recipient] = "sent" if result.ok else ("unknown" if result.code == "network" else "failed")
        return Submitted(status, {})

    async def settle(self, task_id: str, messages: list[Outgoing]) -> dict[int, str] | None:
        return {m.recipient: "sent" for m in messages}


class ManualRoute:
    """The Kakao channel admin's 친구그룹 (a file of phones and the text to paste), or text to copy
    into a chat by hand: Danggol prepares, the owner sends and says so in the console."""

    automatic = False
    carries_ads = True

    def __init__(self, name: str, cost_won: int, sender: Sender):
        self.name = name
        self.cost_won = cost_won
        self.sender = sender

    async def submit(self, messages: list[Outgoing]) -> Submitted:
        check_frames(messages, *self.sender())
        return Submitted({m.recipient: "manual" for m in messages}, {})

    async def settle(self, task_id: str, messages: list[Outgoing]) -> dict[int, str] | None:
        return {m.recipient: "manual" for m in messages}
