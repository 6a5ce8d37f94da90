"""Bookings: their storage, and the one booking service the chat and the staff console share.

Every write is one transaction. Holding a table is inserting its 5-minute cells, whose primary
key rejects an overlap. `book` and `move` check the store's rules, pick the smallest free table,
write, and on a table taken between the check and the write try again; a refusal comes back as
`Refused` with its one reason and the nearest free times. Everything that touches the database
runs on the storage's threads (`Storage.call`), never on the event loop.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError

from bot.availability import Booked, alternatives, cells, check, free_table, serving_starts
from bot.db import Reservation, ReservationCell, ReservationEvent, Storage, utcnow
from bot.kb.records import Store

CODE_ALPHABET = "ACDEFGHJKLMNPRTUVWXY34679"  # no 0/O, 1/I, 2/Z, 5/S, 8/B look-alikes


class TableTaken(Exception):
    """Another booking took the table between the check and the write."""


@dataclass(frozen=True)
class Booking:
    """A reservation as the bot and the console see it, in the store's local time."""

    code: str
    name: str
    phone: str
    party: int
    request: str
    start: datetime
    end: datetime
    table_no: int
    seats: int
    status: str
    channel: str
    user_key: str


@dataclass(frozen=True)
class Refused:
    """Why a booking could not be made or moved (an `availability` code and one Korean sentence),
    and the nearest start times that could, best first."""

    code: str
    reason: str
    options: tuple[datetime, ...] = ()


def digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)


def _aware(value: datetime) -> datetime:
    """SQLite returns stored datetimes without their zone; they were written in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _minutes(value: datetime) -> int:
    return int(_aware(value).timestamp() // 60)


class Bookings:
    """Reservation operations for one store (its timezone and table list), on the storage's thread."""

    def __init__(self, storage: Storage, timezone: str):
        self.storage = storage
        self.zone = ZoneInfo(timezone)

    # --- conversions ------------------------------------------------------------------

    def _booking(self, row: Any) -> Booking:
        return Booking(row.code, row.name, row.phone, row.party, row.request, _aware(row.starts_at).astimezone(self.zone),
                       _aware(row.ends_at).astimezone(self.zone), row.table_no, row.seats, row.status, row.channel, row.user_key)

    # --- reads (sync) -----------------------------------------------------------------

    def _rows(self, *conditions: Any) -> list[Booking]:
        table = Reservation.__table__  # type: ignore[attr-defined]
        with self.storage.engine.connect() as conn:
            rows = conn.execute(sa_select(table).where(*conditions).order_by(table.c.starts_at)).all()
        return [self._booking(r) for r in rows]

    def booked_on_sync(self, day: date) -> list[Booked]:
        table = Reservation.__table__  # type: ignore[attr-defined]
        start = (datetime.combine(day, datetime.min.time(), self.zone) - timedelta(days=1)).astimezone(UTC)
        end = start + timedelta(days=3)
        rows = self._rows(table.c.status == "confirmed", table.c.starts_at < end, table.c.ends_at > start)
        return [Booked(b.table_no, b.start, b.end, b.code) for b in rows]

    def list_sync(self, day: date | None = None, status: str | None = None) -> list[Booking]:
        table = Reservation.__table__  # type: ignore[attr-defined]
        conditions = []
        if day is not None:
            # Stored in UTC (SQLite keeps no zone): compare in UTC, or a night's bookings land on the wrong day.
            start = datetime.combine(day, datetime.min.time(), self.zone).astimezone(UTC)
            conditions += [table.c.starts_at >= start, table.c.starts_at < start + timedelta(days=1)]
        if status:
            conditions.append(table.c.status == status)
        return self._rows(*conditions)

    def upcoming_sync(self, channel: str, user_key: str, now: datetime) -> list[Booking]:
        table = Reservation.__table__  # type: ignore[attr-defined]
        return self._rows(table.c.channel == channel, table.c.user_key == user_key, table.c.status == "confirmed",
                          table.c.ends_at > now.astimezone(UTC))

    def find_sync(self, code: str, phone: str | None = None) -> Booking | None:
        table = Reservation.__table__  # type: ignore[attr-defined]
        conditions = [table.c.code == code.upper()]
        if phone is not None:
            conditions.append(table.c.phone == digits(phone))
        rows = self._rows(*conditions)
        return rows[0] if rows else None

    # --- writes (sync) ------------------------------------------------------------------

    def create_sync(self, *, start: datetime, minutes: int, table_no: int, seats: int, party: int, name: str, phone: str,
                    request: str, channel: str, user_key: str, actor: str = "customer") -> Booking:
        """Book `table_no`; raises TableTaken when an overlapping booking holds it."""
        reservations = Reservation.__table__  # type: ignore[attr-defined]
        now = utcnow()
        starts_at = start.astimezone(UTC)
        values = {"channel": channel, "user_key": user_key, "name": name[:60], "phone": digits(phone)[:20], "party": party,
                  "request": request[:200], "starts_at": starts_at, "ends_at": starts_at + timedelta(minutes=minutes),
                  "table_no": table_no, "seats": seats, "status": "confirmed", "created_at": now, "updated_at": now}
        for _ in range(5):
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
            try:
                with self.storage.engine.begin() as conn:
                    rid = conn.execute(insert(reservations).values(code=code, **values)).inserted_primary_key[0]  # type: ignore[index]
                    self._hold(conn, rid, table_no, start, minutes)
                    self._audit(conn, rid, "created", actor, {"start": start.isoformat(), "party": party, "table": table_no})
                break
            except IntegrityError as e:
                if self.find_sync(code) is not None:
                    continue  # the code was already taken (about one in 240 million): draw another
                raise TableTaken from e
        else:
            raise RuntimeError("could not draw a unique reservation code")
        booking = self.find_sync(code)
        assert booking is not None
        return booking

    def change_sync(self, code: str, *, start: datetime, minutes: int, table_no: int, seats: int, party: int,
                    actor: str = "customer") -> Booking:
        """Move a booking; its old cells are released and the new ones held in one transaction."""
        reservations = Reservation.__table__  # type: ignore[attr-defined]
        old = self.find_sync(code)
        if old is None or old.status != "confirmed":
            raise LookupError(code)
        starts_at = start.astimezone(UTC)
        try:
            with self.storage.engine.begin() as conn:
                rid = conn.execute(sa_select(reservations.c.id).where(reservations.c.code == code)).scalar_one()
                conn.execute(delete(ReservationCell.__table__).where(ReservationCell.__table__.c.reservation_id == rid))  # type: ignore[attr-defined]
                self._hold(conn, rid, table_no, start, minutes)
                conn.execute(update(reservations).where(reservations.c.id == rid).values(
                    starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes), table_no=table_no, seats=seats,
                    party=party, updated_at=utcnow()))
                self._audit(conn, rid, "changed", actor, {"from": {"start": old.start.isoformat(), "party": old.party},
                                                          "to": {"start": start.isoformat(), "party": party}})
        except IntegrityError as e:
            raise TableTaken from e
        booking = self.find_sync(code)
        assert booking is not None
        return booking

    def set_status_sync(self, code: str, status: str, actor: str = "customer") -> Booking | None:
        """Cancel, or mark no-show or completed; a booking that no longer holds its table frees the cells."""
        reservations = Reservation.__table__  # type: ignore[attr-defined]
        with self.storage.engine.begin() as conn:
            row = conn.execute(sa_select(reservations.c.id, reservations.c.status).where(reservations.c.code == code.upper())).first()
            if row is None:
                return None
            conn.execute(update(reservations).where(reservations.c.id == row.id).values(status=status, updated_at=utcnow()))
            if status in ("cancelled", "no_show"):
                conn.execute(delete(ReservationCell.__table__).where(ReservationCell.__table__.c.reservation_id == row.id))  # type: ignore[attr-defined]
            self._audit(conn, row.id, status, actor, {"from": row.status})
        return self.find_sync(code)

    def events_sync(self, code: str) -> list[dict[str, Any]]:
        reservations, events = Reservation.__table__, ReservationEvent.__table__  # type: ignore[attr-defined]
        with self.storage.engine.connect() as conn:
            rows = conn.execute(sa_select(events).join(reservations, events.c.reservation_id == reservations.c.id)
                                .where(reservations.c.code == code).order_by(events.c.id)).all()
        return [{"action": r.action, "actor": r.actor, "detail": r.detail} for r in rows]

    @staticmethod
    def _hold(conn: Any, rid: int, table_no: int, start: datetime, minutes: int) -> None:
        conn.execute(insert(ReservationCell.__table__), [  # type: ignore[attr-defined]
            {"table_no": table_no, "cell": _minutes(c), "reservation_id": rid} for c in cells(start, minutes)])

    @staticmethod
    def _audit(conn: Any, rid: int, action: str, actor: str, detail: dict[str, Any]) -> None:
        conn.execute(insert(ReservationEvent.__table__).values(  # type: ignore[attr-defined]
            reservation_id=rid, action=action, actor=actor, detail=detail, created_at=utcnow()))


    # --- the booking service (sync; the async facade below runs it off the event loop) ------

    def _others(self, day: date, moving: str) -> list[Booked]:
        return [b for b in self.booked_on_sync(day) if not (moving and b.code == moving)]

    def options_sync(self, store: Store, start: datetime, party: int, now: datetime, moving: str = "", limit: int = 4) -> list[datetime]:
        """Free start times nearest to `start`, the same day first (a booking being moved leaves itself out)."""
        if party > store.reservation.max_party or not any(seats >= party for seats in store.reservation.tables):
            return []  # no time fits this party: staff take it
        return alternatives(store, lambda day: self._others(day, moving), start, party, now, limit)

    def free_times_sync(self, store: Store, day: date, party: int, now: datetime) -> list[datetime]:
        """Every start on `day` a party of `party` could book now."""
        booked = self.booked_on_sync(day)
        starts = [datetime.combine(day, datetime.min.time(), now.tzinfo) + timedelta(minutes=m) for m in serving_starts(store, day)]
        return [t for t in starts if check(store, booked, t, party, now).ok]

    def book_sync(self, store: Store, *, start: datetime, party: int, name: str, now: datetime, channel: str, user_key: str,
                  phone: str = "", request: str = "", actor: str = "customer", override: frozenset[str] = frozenset()) -> Booking | Refused:
        """Book by the rules (`override`: codes staff may overrule), retrying when a table is taken under us."""
        policy = store.reservation
        for _ in range(3):
            booked = self.booked_on_sync(start.date())
            verdict = check(store, booked, start, party, now, allow=override)
            if not verdict.ok:
                return Refused(verdict.code, verdict.reason, tuple(self.options_sync(store, start, party, now)))
            table = free_table(store, booked, start, party)
            if table is None:
                return Refused("full", f"{party}명이 앉을 빈 테이블이 없어요.", tuple(self.options_sync(store, start, party, now)))
            try:
                return self.create_sync(start=start, minutes=policy.duration_minutes, table_no=table, seats=policy.tables[table],
                                        party=party, name=name, phone=phone, request=request, channel=channel, user_key=user_key,
                                        actor=actor)
            except TableTaken:
                continue  # another booking took that table between the check and the write
        return Refused("full", "그 사이에 자리가 찼어요.", tuple(self.options_sync(store, start, party, now)))

    def move_sync(self, store: Store, code: str, *, start: datetime, party: int, now: datetime, actor: str = "customer",
                  override: frozenset[str] = frozenset()) -> Booking | Refused:
        """Move a confirmed booking to `start` for `party`, by the same rules; LookupError if it is not confirmed."""
        old = self.find_sync(code)
        if old is None or old.status != "confirmed":
            raise LookupError(code)
        policy = store.reservation
        for _ in range(3):
            booked = self._others(start.date(), code)
            verdict = check(store, booked, start, party, now, allow=override)
            if not verdict.ok:
                return Refused(verdict.code, verdict.reason, tuple(self.options_sync(store, start, party, now, moving=code)))
            table = free_table(store, booked, start, party)
            if table is None:
                return Refused("full", f"{party}명이 앉을 빈 테이블이 없어요.", tuple(self.options_sync(store, start, party, now, moving=code)))
            try:
                return self.change_sync(code, start=start, minutes=policy.duration_minutes, table_no=table, seats=policy.tables[table],
                                        party=party, actor=actor)
            except TableTaken:
                continue
        return Refused("full", "그 사이에 자리가 찼어요.", tuple(self.options_sync(store, start, party, now, moving=code)))

    def verdict_sync(self, store: Store, start: datetime, party: int, now: datetime, moving: str = "") -> Refused | None:
        """None when `party` could book `start` now; otherwise why not, with the nearest free times."""
        verdict = check(store, self._others(start.date(), moving), start, party, now)
        if verdict.ok:
            return None
        return Refused(verdict.code, verdict.reason, tuple(self.options_sync(store, start, party, now, moving=moving)))

    # --- async facade for skills and the console --------------------------------------------

    async def booked_on(self, day: date) -> list[Booked]:
        return await self.storage.call(self.booked_on_sync, day=day)

    async def upcoming(self, channel: str, user_key: str, now: datetime) -> list[Booking]:
        return await self.storage.call(self.upcoming_sync, channel=channel, user_key=user_key, now=now)

    async def find(self, code: str, phone: str | None = None) -> Booking | None:
        return await self.storage.call(self.find_sync, code=code, phone=phone)

    async def create(self, **kwargs: Any) -> Booking:
        return await self.storage.call(self.create_sync, **kwargs)

    async def list_day(self, day: date) -> list[Booking]:
        return await self.storage.call(self.list_sync, day=day)

    async def change(self, code: str, **kwargs: Any) -> Booking:
        return await self.storage.call(self.change_sync, code=code, **kwargs)

    async def set_status(self, code: str, status: str, actor: str = "customer") -> Booking | None:
        return await self.storage.call(self.set_status_sync, code=code, status=status, actor=actor)

    async def book(self, store: Store, **kwargs: Any) -> Booking | Refused:
        return await self.storage.call(self.book_sync, store=store, **kwargs)

    async def move(self, store: Store, code: str, **kwargs: Any) -> Booking | Refused:
        return await self.storage.call(self.move_sync, store=store, code=code, **kwargs)

    async def verdict(self, store: Store, start: datetime, party: int, now: datetime, moving: str = "") -> Refused | None:
        return await self.storage.call(self.verdict_sync, store=store, start=start, party=party, now=now, moving=moving)

    async def options(self, store: Store, start: datetime, party: int, now: datetime, moving: str = "", limit: int = 4) -> list[datetime]:
        return await self.storage.call(self.options_sync, store=store, start=start, party=party, now=now, moving=moving, limit=limit)

    async def free_times(self, store: Store, day: date, party: int, now: datetime) -> list[datetime]:
        return await self.storage.call(self.free_times_sync, store=store, day=day, party=party, now=now)
