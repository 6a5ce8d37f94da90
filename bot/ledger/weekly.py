"""A weekly summary of the shop's customers to the notification webhook (the one handoffs use):
Monday morning, last week's customers, how many were new, and who needs attention. Sent once a
week (the week sent is remembered in the database, so a restart or a second process does not
repeat it); counts only, never a name or a phone number.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlmodel import Session

from bot.ledger import card
from bot.ledger.report import Picture
from bot.ledger.stats import SEGMENT_KO

log = logging.getLogger(__name__)
SEND_HOUR = 9  # Monday 09:00 in the store's time zone


def summary(p: Picture, store: str) -> str:
    """Last full week (Monday to Sunday) in a few Korean lines."""
    _, new, back = p.weeks[-2] if len(p.weeks) >= 2 else (None, 0, 0)
    lines = [f"[단골] {store} 지난주 손님 {new + back}명 (새 손님 {new}명, 다시 온 손님 {back}명)"]
    sizes = {s: len(m) for s, m in p.segment_members.items()}
    lines.append(f"단골: {SEGMENT_KO['weekly']} {sizes['weekly']}명, {SEGMENT_KO['monthly']} {sizes['monthly']}명")
    lines.append(f"살펴볼 손님: {SEGMENT_KO['at_risk']} {sizes['at_risk']}명, {SEGMENT_KO['one_and_done']} {sizes['one_and_done']}명")
    n, of = p.came_back.get(30, (0, 0))
    if of:
        lines.append(f"처음 온 손님 중 30일 안에 다시 온 비율 {round(100 * n / of)}% ({n}/{of}명)")
    return "\n".join(lines)


def due(now: datetime, last_sent: str | None) -> str | None:
    """The week to report (its Monday, ISO) when a summary is due at `now` (local), else None."""
    monday = (now - timedelta(days=now.weekday())).date()
    if now.weekday() == 0 and now.hour < SEND_HOUR:
        return None
    week = monday.isoformat()
    return None if last_sent == week else week


async def send_if_due(ledger: Any, url: str, store: str, client: httpx.AsyncClient, now: datetime | None = None) -> bool:
    """Post the summary when this week's has not been sent; True when it was posted."""
    now = now or ledger.now()

    def last() -> str | None:
        with Session(ledger.storage.engine) as s:
            return str(card.setting(s, "weekly_summary").get("week") or "") or None

    week = due(now, await ledger.storage.call(last))
    if week is None:
        return False
    text = summary(await ledger.picture(now.date()), store)
    r = await client.post(url, json={"text": text, "content": text})
    if r.status_code >= 300:
        log.warning("weekly summary webhook: HTTP %s", r.status_code)
        return False

    def remember() -> None:
        with Session(ledger.storage.engine) as s:
            card.save_setting(s, "weekly_summary", {"week": week})
            s.commit()

    await ledger.storage.call(remember)
    return True


async def weekly_loop(ledger: Any, url: str, store: str, stop: asyncio.Event, every_s: float = 3600.0) -> None:
    """Check every hour; never raises."""
    async with httpx.AsyncClient(timeout=10) as client:
        while not stop.is_set():
            try:
                await send_if_due(ledger, url, store, client)
            except Exception:  # noqa: BLE001 - a failed summary is tried again next hour
                log.exception("weekly summary failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every_s)
