"""정보 messages the shop sends first: the day-before booking reminder, a change, a cancellation or a
no-show made by staff, and the two-yearly consent re-confirmation. No consent is needed for these
(spec/outreach.md §1), but each template passes the advertising lint, and each message is a Notice
row whose (kind, ref) is unique: written before it leaves, so a restart or a second process never
sends one twice.

Booking changes are read from the bookings' audit trail (ReservationEvent) after a watermark that
starts at the newest event when the feature first runs: nobody is told about old changes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from bot.db import Notice, Reservation, ReservationEvent, Storage
from bot.kb.records import Store
from bot.korean_time import format_clock, format_date
from bot.ledger import card
from bot.outreach import consent
from bot.outreach.routes import Outgoing, Route
from bot.outreach.templates import INFO, Template, TemplateError, check_info

log = logging.getLogger(__name__)
ACTIONS = {"changed": "changed", "cancelled": "cancelled", "no_show": "no_show"}
WATERMARK = "notice_watermark"
TEMPLATES = "info_templates"


@dataclass(frozen=True)
class Due:
    kind: str
    ref: str
    channel: str
    user_key: str
    text: str


def templates(s: Session) -> dict[str, Template]:
    """The 정보 templates with the owner's wording where they changed it (each one linted again)."""
    own = card.setting(s, TEMPLATES)
    out = dict(INFO)
    for kind, text in own.items():
        if kind in INFO and isinstance(text, str):
            try:
                out[kind] = Template(kind, INFO[kind].title, text)
            except TemplateError:
                log.error("the owner's %s template fails the advertising lint; the default is used", kind)
    return out


def save_template(s: Session, kind: str, text: str) -> None:
    """Raises TemplateError (in Korean, naming the word) when the text advertises."""
    if kind not in INFO:
        raise KeyError(kind)
    check_info(text, INFO[kind].title)
    own = card.setting(s, TEMPLATES)
    if text.strip() == INFO[kind].text.strip():
        own.pop(kind, None)
    else:
        own[kind] = text.strip()
    card.save_setting(s, TEMPLATES, own)
    s.commit()


def _when(store: Store, starts: datetime, today: datetime) -> str:
    local = starts.astimezone(ZoneInfo(store.timezone))
    return f"{format_date(local.date(), today.date())} {format_clock(local.hour * 60 + local.minute)}"


def _values(store: Store, r: Reservation, now: datetime) -> dict[str, str]:
    starts = r.starts_at if r.starts_at.tzinfo else r.starts_at.replace(tzinfo=UTC)
    return {"store": store.name, "when": _when(store, starts, now), "party": str(r.party), "code": r.code, "phone": store.phone,
            "name": r.name}


def reminders_due(s: Session, store: Store, now: datetime, at: str) -> list[Due]:
    """Tomorrow's confirmed chat bookings, once the reminder time has come today (store time)."""
    hour, minute = (int(x) for x in at.split(":"))
    if (now.hour, now.minute) < (hour, minute):
        return []
    zone = ZoneInfo(store.timezone)
    tomorrow = now.date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time(0), zone).astimezone(UTC)
    end = start + timedelta(days=1)
    rows = s.exec(select(Reservation).where(Reservation.status == "confirmed", col(Reservation.starts_at) >= start,
                                            col(Reservation.starts_at) < end, col(Reservation.channel).in_(("kakao", "naver")),
                                            col(Reservation.user_key) != "")).all()
    t = templates(s)["reminder"]
    return [Due("reminder", f"{r.id}:{r.starts_at.isoformat()[:16]}", r.channel, r.user_key, t.render(**_values(store, r, now)))
            for r in rows]


def changes_due(s: Session, store: Store, now: datetime) -> tuple[list[Due], int | None]:
    """Notices for bookings staff changed, cancelled or marked no-show since the watermark; and the new watermark."""
    mark = card.setting(s, WATERMARK).get("event_id")
    newest = s.exec(select(func.max(ReservationEvent.id))).one()
    if mark is None:
        return [], int(newest or 0)  # first run: start from now
    rows = s.exec(select(ReservationEvent, Reservation).join(Reservation, col(Reservation.id) == col(ReservationEvent.reservation_id))
                  .where(col(ReservationEvent.id) > int(str(mark))).order_by(col(ReservationEvent.id)).limit(500)).all()
    t = templates(s)
    due: list[Due] = []
    last = int(str(mark))
    for event, r in rows:
        last = max(last, event.id or 0)
        kind = ACTIONS.get(event.action)
        if kind is None or event.actor == "customer" or event.actor.startswith("system"):
            continue  # the customer changed it in the chat (and saw it there), or it was erased on request
        if r.channel not in ("kakao", "naver") or not r.user_key:
            continue
        starts = r.starts_at if r.starts_at.tzinfo else r.starts_at.replace(tzinfo=UTC)
        if kind != "no_show" and starts <= now:
            continue
        due.append(Due(kind, f"{r.id}:{event.id}", r.channel, r.user_key, t[kind].render(**_values(store, r, now))))
    return due, last


def reconfirm_due(s: Session, store: Store, now: datetime, months: int) -> list[tuple[Due, int]]:
    t = templates(s)["reconfirm"]
    out = []
    for c in consent.due_reconfirm(s, now, months):
        when = c.reconfirmed_at or c.granted_at
        assert when is not None
        local = when.astimezone(ZoneInfo(store.timezone)) if when.tzinfo else when.replace(tzinfo=UTC)
        text = t.render(store=store.name, date=f"{local.year}년 {local.month}월 {local.day}일", channel=consent.CHANNEL_KO.get(c.channel, c.channel))
        assert c.id is not None
        out.append((Due("reconfirm", f"{c.id}:{local.date().isoformat()}", c.channel, c.user_key, text), c.id))
    return out


def claim(s: Session, due: Due) -> int | None:
    """Write the notice before it leaves; None when it was written before (sent, or being sent)."""
    row = Notice(kind=due.kind, ref=due.ref[:80], channel=due.channel, user_key=due.user_key, text=due.text[:1000])
    s.add(row)
    try:
        s.commit()
    except IntegrityError:
        s.rollback()
        return None
    return row.id


def finish(s: Session, notice_id: int, status: str, detail: str = "") -> None:
    row = s.get(Notice, notice_id)
    if row is not None:
        row.status, row.detail = status, detail[:200]
        s.add(row)
        s.commit()


class Notices:
    """Runs the 정보 jobs: reminders, booking notices, consent re-confirmation."""

    def __init__(self, storage: Storage, store: Callable[[], Store], routes: dict[str, Route], reminder_time: str,
                 reminders: bool, notices: bool, reconfirm_months: int, now: Callable[[], datetime]):
        self.storage = storage
        self.store = store
        self.routes = routes  # channel -> route ("kakao": the Event API, "naver": the send API)
        self.reminder_time = reminder_time
        self.reminders = reminders
        self.notices = notices
        self.reconfirm_months = reconfirm_months
        self.now = now

    async def run(self) -> int:
        now = self.now()
        store = self.store()
        sent = 0
        if self.reminders:
            due = await self.storage.call(self._read, fn=reminders_due, store=store, now=now, at=self.reminder_time)
            sent += await self._send(due)
        found, mark = await self.storage.call(self._changes, store=store, now=now)
        if self.notices:
            sent += await self._send(found)
        if mark is not None:
            await self.storage.call(self._save_mark, mark=mark)
        pairs = await self.storage.call(self._read, fn=reconfirm_due, store=store, now=now, months=self.reconfirm_months)
        for due, consent_id in pairs:
            if await self._send([due]):
                await self.storage.call(self._reconfirmed, consent_id=consent_id, now=now)
        return sent

    def _read(self, fn: Callable[..., list], **kwargs: object) -> list:  # type: ignore[type-arg]
        with Session(self.storage.engine) as s:
            return fn(s, **kwargs)

    def _changes(self, store: Store, now: datetime) -> tuple[list[Due], int | None]:
        with Session(self.storage.engine) as s:
            return changes_due(s, store, now)

    def _save_mark(self, mark: int) -> None:
        with Session(self.storage.engine) as s:
            card.save_setting(s, WATERMARK, {"event_id": mark})
            s.commit()

    def _reconfirmed(self, consent_id: int, now: datetime) -> None:
        with Session(self.storage.engine) as s:
            consent.reconfirmed(s, consent_id, now)

    async def _send(self, due: list[Due]) -> int:
        sent = 0
        for d in due:
            route = self.routes.get(d.channel)
            notice_id = await self.storage.call(self._claim, due=d)
            if notice_id is None:
                continue
            if route is None:
                await self.storage.call(self._finish, notice_id=notice_id, status="skipped", detail="no route for this channel")
                continue
            done = await route.submit([Outgoing(notice_id, d.user_key, "", d.text, "정보")])
            status = done.status.get(notice_id, "failed")
            ok = status in ("sent", "pending")
            await self.storage.call(self._finish, notice_id=notice_id, status="sent" if ok else status,
                                    detail=done.tasks.get(notice_id, ""))
            sent += ok
        return sent

    def _claim(self, due: Due) -> int | None:
        with Session(self.storage.engine) as s:
            return claim(s, due)

    def _finish(self, notice_id: int, status: str, detail: str) -> None:
        with Session(self.storage.engine) as s:
            finish(s, notice_id, status, detail)
