"""Data care: retention, a customer's export and deletion on request, and copying a database.

Synchronous Core statements on `storage.engine`, like bot/db.py; they work on SQLite and
PostgreSQL alike. Retention deletes in batches of `BATCH` rows, one short transaction each, so
a big SQLite file (one writer at a time) is never locked for long and, in the server, the bot's
own writes queue between two batches on the database thread.

Every stored datetime is UTC; SQLite (and PostgreSQL's `timestamp` columns) hand them back
without a zone, so exports add it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import and_, delete, exists, false, func, insert, or_, text, update
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection
from sqlalchemy.engine import Engine as SqlEngine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import SQLModel

from bot.bookings import digits
from bot.db import (
    CampaignRecipient,
    Consent,
    ConsentEvent,
    Conversation,
    CustomerProfile,
    Handoff,
    Identity,
    Message,
    Reservation,
    ReservationCell,
    ReservationEvent,
    StaffSession,
    Storage,
    Visit,
    utcnow,
)
from bot.db import Customer as LedgerCustomer
from bot.settings import RetentionSettings, Settings

log = logging.getLogger(__name__)

BATCH = 1000  # rows per retention transaction
CELL_GRACE = timedelta(days=1)  # cells of bookings that ended this long ago are dropped (they only guard overlaps)
PERSONAL_KEYS = frozenset({"name", "phone", "request", "user_key", "nickname", "cellphone", "address"})
ANONYMOUS = {"name": "", "phone": "", "request": "", "user_key": ""}

conversations = Conversation.__table__  # type: ignore[attr-defined]
messages = Message.__table__  # type: ignore[attr-defined]
handoffs = Handoff.__table__  # type: ignore[attr-defined]
reservations = Reservation.__table__  # type: ignore[attr-defined]
cells = ReservationCell.__table__  # type: ignore[attr-defined]
events = ReservationEvent.__table__  # type: ignore[attr-defined]
profiles = CustomerProfile.__table__  # type: ignore[attr-defined]
sessions = StaffSession.__table__  # type: ignore[attr-defined]
ledger_customers = LedgerCustomer.__table__  # type: ignore[attr-defined]
identities = Identity.__table__  # type: ignore[attr-defined]
visits = Visit.__table__  # type: ignore[attr-defined]
consents = Consent.__table__  # type: ignore[attr-defined]
consent_events = ConsentEvent.__table__  # type: ignore[attr-defined]
recipients = CampaignRecipient.__table__  # type: ignore[attr-defined]


class DataCareError(Exception):
    """A data-care command cannot go on; the message says why, in Korean."""


@dataclass(frozen=True)
class RetentionCounts:
    messages: int = 0  # deleted
    handoffs: int = 0  # resolved handoff requests deleted (their reason is the customer's message)
    conversations: int = 0  # deleted, with their handoff rows (left without messages)
    profiles: int = 0  # channel profiles of customers whose chats are gone, not updated since the cut-off
    reservations: int = 0  # anonymized
    cells: int = 0  # table cells of ended bookings deleted
    sessions: int = 0  # expired or revoked staff sessions deleted
    visits: int = 0  # ledger visits older than retention.ledger_days deleted
    ledger_customers: int = 0  # ledger customers left without any visit, with their identities

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class ForgetCounts:
    conversations: int = 0
    messages: int = 0
    handoffs: int = 0
    profiles: int = 0
    reservations: int = 0  # anonymized (all of them)
    cancelled: int = 0  # of which future confirmed bookings cancelled, their tables freed
    ledger: int = 0  # customers deleted from the ledger, with their identities and visits

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class Customer:
    """Whose data: one conversation (one customer on one channel), one channel user, or a phone number."""

    conversation_id: int | None = None
    channel: str = ""
    user_key: str = ""
    phone: str = ""

    def describe(self) -> dict[str, Any]:
        if self.conversation_id is not None:
            return {"conversation": self.conversation_id}
        if self.phone:
            return {"phone": digits(self.phone)}
        return {"channel": self.channel, "user_key": self.user_key}


# --- helpers --------------------------------------------------------------------------------


def _utc(value: Any) -> Any:
    """A stored datetime made explicit UTC (SQLite drops the zone on the way back)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return value


def _plain(value: Any) -> Any:
    """A value JSON can hold: datetimes as ISO 8601 with their zone."""
    value = _utc(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row(row: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: _plain(v) for k, v in row._mapping.items() if k not in skip}


def scrub(detail: Any) -> Any:
    """An audit detail without the customer's name, phone, request or user key, at any depth."""
    if isinstance(detail, dict):
        return {k: scrub(v) for k, v in detail.items() if k not in PERSONAL_KEYS}
    if isinstance(detail, list):
        return [scrub(v) for v in detail]
    return detail


def _anonymize(conn: Connection, ids: list[int]) -> None:
    """Blank the bookings' personal fields and strip them from their audit trail."""
    if not ids:
        return
    conn.execute(update(reservations).where(reservations.c.id.in_(ids)).values(**ANONYMOUS))
    for event_id, detail in conn.execute(sa_select(events.c.id, events.c.detail).where(events.c.reservation_id.in_(ids))).all():
        clean = scrub(detail or {})
        if clean != detail:
            conn.execute(update(events).where(events.c.id == event_id).values(detail=clean))


def _who(conn: Connection, customer: Customer) -> tuple[ColumnElement[bool], ColumnElement[bool], ColumnElement[bool]]:
    """Conditions selecting the customer's conversations, profiles and reservations.

    A phone number reaches the bookings made with it and the profiles that carry it, then every
    chat of the channel users found there: the same person on Kakao and TalkTalk.
    """
    keys: set[tuple[str, str]] = set()
    phone = digits(customer.phone)
    if customer.conversation_id is not None:
        row = conn.execute(sa_select(conversations.c.channel, conversations.c.user_key)
                           .where(conversations.c.id == customer.conversation_id)).first()
        if row is not None:
            keys.add((row.channel, row.user_key))
    elif phone:
        keys |= {(r.channel, r.user_key) for r in conn.execute(
            sa_select(reservations.c.channel, reservations.c.user_key).where(reservations.c.phone == phone).distinct())}
        cellphone = func.replace(func.replace(profiles.c.cellphone, "-", ""), " ", "")
        keys |= {(r.channel, r.user_key) for r in conn.execute(
            sa_select(profiles.c.channel, profiles.c.user_key).where(cellphone == phone))}
    elif customer.channel and customer.user_key:
        keys.add((customer.channel, customer.user_key))
    keys.discard(("", ""))  # bookings staff typed in have no channel user

    def of(table: Any) -> ColumnElement[bool]:
        return or_(false(), *(and_(table.c.channel == ch, table.c.user_key == key) for ch, key in sorted(keys)))

    booking = or_(of(reservations), reservations.c.phone == phone) if phone else of(reservations)
    return of(conversations), of(profiles), booking


def _ledger_ids(conn: Connection, customer: Customer, keys_of: list[int] | None = None) -> list[int]:
    """The ledger customers of this person: by their phone, and by the chat users of their
    conversations (read before those are deleted: `keys_of` holds the conversation ids)."""
    pairs: set[tuple[str, str]] = set()
    phone = digits(customer.phone)
    if phone:
        from bot.ledger.phones import normalize

        pairs.add(("phone", normalize(phone) or phone))
    chats, _, _ = _who(conn, customer)
    rows = conn.execute(sa_select(conversations.c.channel, conversations.c.user_key).where(
        conversations.c.id.in_(keys_of) if keys_of is not None else chats)).all()
    pairs |= {(r.channel, r.user_key) for r in rows}
    if customer.channel and customer.user_key:
        pairs.add((customer.channel, customer.user_key))
    if not pairs:
        return []
    match = or_(false(), *(and_(identities.c.kind == k, identities.c.value == v) for k, v in sorted(pairs)))
    return sorted({r.customer_id for r in conn.execute(sa_select(identities.c.customer_id).where(match))})


# --- export and deletion on request ---------------------------------------------------------


def export_customer(storage: Storage, *, customer: Customer) -> dict[str, Any]:
    """Everything stored about one customer, as a JSON-ready dict (datetimes in ISO 8601, UTC)."""
    with storage.engine.connect() as conn:
        chats, shared, booked = _who(conn, customer)
        out_chats = []
        for conv in conn.execute(sa_select(conversations).where(chats).order_by(conversations.c.id)).all():
            item = _row(conv)
            item["messages"] = [_row(m, ("conversation_id",)) for m in conn.execute(
                sa_select(messages).where(messages.c.conversation_id == conv.id).order_by(messages.c.id))]
            item["handoffs"] = [_row(h, ("conversation_id",)) for h in conn.execute(
                sa_select(handoffs).where(handoffs.c.conversation_id == conv.id).order_by(handoffs.c.id))]
            out_chats.append(item)
        out_bookings = []
        for booking in conn.execute(sa_select(reservations).where(booked).order_by(reservations.c.starts_at)).all():
            item = _row(booking)
            item["events"] = [_row(e, ("reservation_id",)) for e in conn.execute(
                sa_select(events).where(events.c.reservation_id == booking.id).order_by(events.c.id))]
            out_bookings.append(item)
        out_profiles = [_row(p) for p in conn.execute(sa_select(profiles).where(shared).order_by(profiles.c.id))]
        out_ledger = []
        for who in _ledger_ids(conn, customer):
            row = conn.execute(sa_select(ledger_customers).where(ledger_customers.c.id == who)).first()
            if row is None:
                continue
            item = _row(row, ("pseudonym",))
            item["identities"] = [_row(i, ("customer_id",)) for i in conn.execute(
                sa_select(identities).where(identities.c.customer_id == who).order_by(identities.c.id))]
            item["visits"] = [_row(v, ("customer_id",)) for v in conn.execute(
                sa_select(visits).where(visits.c.customer_id == who).order_by(visits.c.at))]
            item["consents"] = [_row(c, ("customer_id",)) for c in conn.execute(
                sa_select(consents).where(consents.c.customer_id == who).order_by(consents.c.id))]
            item["consent_history"] = [_row(e, ("customer_id",)) for e in conn.execute(
                sa_select(consent_events).where(consent_events.c.customer_id == who).order_by(consent_events.c.id))]
            item["campaigns"] = [_row(r, ("customer_id",)) for r in conn.execute(
                sa_select(recipients).where(recipients.c.customer_id == who).order_by(recipients.c.id))]
            out_ledger.append(item)
    return {"exported_at": utcnow().isoformat(), "customer": customer.describe(), "conversations": out_chats,
            "reservations": out_bookings, "profiles": out_profiles, "ledger": out_ledger}


def forget_customer(storage: Storage, *, customer: Customer, now: datetime | None = None) -> ForgetCounts:
    """Delete one customer's chats, messages, handoffs and profiles, and anonymize their bookings.

    Bookings are anonymized, not deleted: the shop keeps its booking counts and the audit trail,
    without the name, phone, request or user key. A confirmed booking that has not started is
    cancelled first (a booking nobody can be reached for would only hold a table) and its table
    freed; one under way keeps its table until it ends. All in one transaction: all or nothing.
    """
    now = now or utcnow()
    with storage.engine.begin() as conn:
        chats, shared, booked = _who(conn, customer)
        chat_ids = list(conn.execute(sa_select(conversations.c.id).where(chats)).scalars())
        n_messages = conn.execute(delete(messages).where(messages.c.conversation_id.in_(chat_ids))).rowcount
        n_handoffs = conn.execute(delete(handoffs).where(handoffs.c.conversation_id.in_(chat_ids))).rowcount
        n_chats = conn.execute(delete(conversations).where(conversations.c.id.in_(chat_ids))).rowcount
        n_profiles = conn.execute(delete(profiles).where(shared)).rowcount
        rows = conn.execute(sa_select(reservations.c.id, reservations.c.status, reservations.c.starts_at, reservations.c.ends_at)
                            .where(booked)).all()
        upcoming = [r.id for r in rows if r.status == "confirmed" and _utc(r.starts_at) > now]
        ended = [r.id for r in rows if _utc(r.ends_at) <= now]
        if upcoming:
            conn.execute(update(reservations).where(reservations.c.id.in_(upcoming)).values(status="cancelled", updated_at=now))
            conn.execute(insert(events), [{"reservation_id": rid, "action": "cancelled", "actor": "system:forget",
                                           "detail": {"from": "confirmed", "reason": "forget"}, "created_at": now} for rid in upcoming])
        conn.execute(delete(cells).where(cells.c.reservation_id.in_(upcoming + ended)))
        _anonymize(conn, [r.id for r in rows])
        ledger_ids = _ledger_ids(conn, customer, keys_of=chat_ids)
        conn.execute(delete(visits).where(visits.c.customer_id.in_(ledger_ids)))
        _delete_outreach(conn, ledger_ids)
        conn.execute(delete(identities).where(identities.c.customer_id.in_(ledger_ids)))
        n_ledger = conn.execute(delete(ledger_customers).where(ledger_customers.c.id.in_(ledger_ids))).rowcount
    return ForgetCounts(n_chats, n_messages, n_handoffs, n_profiles, len(rows), len(upcoming), n_ledger)


# --- retention --------------------------------------------------------------------------------
# Each step does one batch and says whether more may be left; the runner repeats it.


def _old_messages(storage: Storage, before: datetime) -> tuple[int, bool]:
    oldest = sa_select(messages.c.id).where(messages.c.created_at < before).order_by(messages.c.id).limit(BATCH)
    with storage.engine.begin() as conn:
        n = conn.execute(delete(messages).where(messages.c.id.in_(oldest.scalar_subquery()))).rowcount
    return n, n == BATCH


def _old_handoffs(storage: Storage, before: datetime) -> tuple[int, bool]:
    oldest = sa_select(handoffs.c.id).where(handoffs.c.created_at < before, handoffs.c.status == "resolved").limit(BATCH)
    with storage.engine.begin() as conn:
        n = conn.execute(delete(handoffs).where(handoffs.c.id.in_(oldest.scalar_subquery()))).rowcount
    return n, n == BATCH


def _drop_conversations(conn: Connection, ids: list[int]) -> int:
    # Re-checked at delete time: a customer may have written again since the ids were read.
    empty = ~exists().where(messages.c.conversation_id == conversations.c.id)
    conn.execute(delete(handoffs).where(handoffs.c.conversation_id.in_(ids),
                                        ~exists().where(messages.c.conversation_id == handoffs.c.conversation_id)))
    return int(conn.execute(delete(conversations).where(conversations.c.id.in_(ids), empty)).rowcount)


def _empty_conversations(storage: Storage, before: datetime) -> tuple[int, bool]:
    """Chats older than the cut-off left with no message and not with staff."""
    open_handoff = exists().where(handoffs.c.conversation_id == conversations.c.id, handoffs.c.status.in_(("waiting", "claimed")))
    query = (sa_select(conversations.c.id)
             .where(conversations.c.created_at < before, conversations.c.handoff == "bot", ~open_handoff,
                    ~exists().where(messages.c.conversation_id == conversations.c.id))
             .order_by(conversations.c.id).limit(BATCH))
    with storage.engine.begin() as conn:
        ids = list(conn.execute(query).scalars())
        try:
            with conn.begin_nested():
                n = _drop_conversations(conn, ids)
        except IntegrityError:
            # PostgreSQL: a message arrived for one of them mid-delete. Go one by one, skip that one.
            n = 0
            for one in ids:
                try:
                    with conn.begin_nested():
                        n += _drop_conversations(conn, [one])
                except IntegrityError:
                    pass
    return n, len(ids) == BATCH


def _stale_profiles(storage: Storage, before: datetime) -> tuple[int, bool]:
    chat = exists().where(conversations.c.channel == profiles.c.channel, conversations.c.user_key == profiles.c.user_key)
    stale = sa_select(profiles.c.id).where(profiles.c.updated_at < before, ~chat).limit(BATCH)
    with storage.engine.begin() as conn:
        n = conn.execute(delete(profiles).where(profiles.c.id.in_(stale.scalar_subquery()))).rowcount
    return n, n == BATCH


def _old_reservations(storage: Storage, before: datetime) -> tuple[int, bool]:
    personal = or_(*(reservations.c[k] != "" for k in ANONYMOUS))
    with storage.engine.begin() as conn:
        ids = list(conn.execute(sa_select(reservations.c.id).where(reservations.c.starts_at < before, reservations.c.ends_at < before, personal)
                                .order_by(reservations.c.id).limit(BATCH)).scalars())
        _anonymize(conn, ids)  # their table cells go with the `cells` step
    return len(ids), len(ids) == BATCH


def _ended_cells(storage: Storage, before: datetime) -> tuple[int, bool]:
    held = exists().where(cells.c.reservation_id == reservations.c.id)
    limit = max(1, BATCH // 24)  # a two-hour booking holds 24 cells
    with storage.engine.begin() as conn:
        ids = list(conn.execute(sa_select(reservations.c.id).where(reservations.c.starts_at < before, reservations.c.ends_at < before, held)
                                .order_by(reservations.c.id).limit(limit)).scalars())
        n = conn.execute(delete(cells).where(cells.c.reservation_id.in_(ids))).rowcount if ids else 0
    return n, len(ids) == limit


def _dead_sessions(storage: Storage, now: datetime) -> tuple[int, bool]:
    dead = sa_select(sessions.c.id).where(or_(sessions.c.revoked, sessions.c.expires_at < now)).limit(BATCH)
    with storage.engine.begin() as conn:
        n = conn.execute(delete(sessions).where(sessions.c.id.in_(dead.scalar_subquery()))).rowcount
    return n, n == BATCH


def _steps(storage: Storage, settings: RetentionSettings, now: datetime) -> list[tuple[str, Callable[[], tuple[int, bool]]]]:
    steps: list[tuple[str, Callable[[], tuple[int, bool]]]] = []
    if settings.message_days:
        cutoff = now - timedelta(days=settings.message_days)
        steps += [("messages", partial(_old_messages, storage, cutoff)), ("handoffs", partial(_old_handoffs, storage, cutoff)),
                  ("conversations", partial(_empty_conversations, storage, cutoff)),
                  ("profiles", partial(_stale_profiles, storage, cutoff))]
    if settings.reservation_days:
        steps.append(("reservations", partial(_old_reservations, storage, now - timedelta(days=settings.reservation_days))))
    if settings.ledger_days:
        cutoff = now - timedelta(days=settings.ledger_days)
        steps += [("visits", partial(_old_visits, storage, cutoff)), ("ledger_customers", partial(_empty_ledger_customers, storage, cutoff))]
    steps += [("cells", partial(_ended_cells, storage, now - CELL_GRACE)), ("sessions", partial(_dead_sessions, storage, now))]
    return steps


def _old_visits(storage: Storage, before: datetime) -> tuple[int, bool]:
    oldest = sa_select(visits.c.id).where(visits.c.at < before).order_by(visits.c.id).limit(BATCH)
    with storage.engine.begin() as conn:
        n = conn.execute(delete(visits).where(visits.c.id.in_(oldest.scalar_subquery()))).rowcount
    return n, n == BATCH


def _delete_outreach(conn: Connection, ids: list[int]) -> None:
    conn.execute(delete(consent_events).where(consent_events.c.customer_id.in_(ids)))
    conn.execute(delete(consents).where(consents.c.customer_id.in_(ids)))
    conn.execute(delete(recipients).where(recipients.c.customer_id.in_(ids)))


def _empty_ledger_customers(storage: Storage, before: datetime) -> tuple[int, bool]:
    """Customers without a visit left, known since before the cut-off: gone with their identities
    (and their consent history), unless they hold a marketing consent: that is kept as the proof
    the law asks for as long as it is in force."""
    empty = (sa_select(ledger_customers.c.id).where(
        ledger_customers.c.created_at < before,
        ~exists().where(visits.c.customer_id == ledger_customers.c.id),
        ~exists().where(consents.c.customer_id == ledger_customers.c.id, consents.c.status == "granted"))
             .limit(BATCH))
    with storage.engine.begin() as conn:
        ids = list(conn.execute(empty).scalars())
        _delete_outreach(conn, ids)
        conn.execute(delete(identities).where(identities.c.customer_id.in_(ids)))
        n = conn.execute(delete(ledger_customers).where(ledger_customers.c.id.in_(ids))).rowcount
    return n, n == BATCH


def run_retention(storage: Storage, *, settings: RetentionSettings, now: datetime | None = None) -> RetentionCounts:
    """Apply the retention periods once (0 days: keep forever); returns what was deleted or anonymized."""
    counts = dict.fromkeys(RetentionCounts().as_dict(), 0)
    for name, step in _steps(storage, settings, now or utcnow()):
        more = True
        while more:
            n, more = step()
            counts[name] += n
    return RetentionCounts(**counts)


async def run_retention_async(storage: Storage, *, settings: RetentionSettings, stop: asyncio.Event | None = None) -> RetentionCounts:
    """`run_retention` one batch per database call, so the bot's own writes go in between."""
    counts = dict.fromkeys(RetentionCounts().as_dict(), 0)
    for name, step in _steps(storage, settings, utcnow()):
        more = True
        while more and not (stop and stop.is_set()):
            n, more = await storage.call(step)
            counts[name] += n
    return RetentionCounts(**counts)


async def retention_loop(storage: Storage, settings: Settings, stop: asyncio.Event) -> None:
    """Run the retention at start, then every `retention.interval_hours`, until `stop` is set; never raises."""
    interval = settings.retention.interval_hours * 3600
    while not stop.is_set():
        try:
            counts = await run_retention_async(storage, settings=settings.retention, stop=stop)
            log.info("retention: %s", " ".join(f"{k}={v}" for k, v in counts.as_dict().items()),
                     extra={"retention": counts.as_dict()})
        except Exception:  # noqa: BLE001 - a failed run is logged and retried at the next interval
            log.exception("retention failed; trying again in %.1f hours", settings.retention.interval_hours)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)


# --- copying a whole database ---------------------------------------------------------------


def copy_database(*, source: SqlEngine, target: SqlEngine, batch: int = BATCH) -> dict[str, int]:
    """Copy every table, parents first, ids kept, into an empty target; one transaction on the target.

    PostgreSQL's id sequences are then moved past the copied ids, so new rows do not collide.
    """
    tables = SQLModel.metadata.sorted_tables  # dependency order: conversation before message
    with target.connect() as conn:
        filled = [t.name for t in tables if conn.execute(sa_select(func.count()).select_from(t)).scalar()]
    if filled:
        raise DataCareError(f"옮길 곳에 이미 데이터가 있어요 ({', '.join(filled)}). 빈 데이터베이스를 지정해 주세요.")
    counts: dict[str, int] = {}
    with source.connect() as src, target.begin() as dst:
        for table in tables:
            result = src.execution_options(stream_results=True, yield_per=batch).execute(
                sa_select(table).order_by(*table.primary_key.columns))
            counts[table.name] = 0
            for rows in result.partitions(batch):
                # Zone-less values are UTC: made explicit so a PostgreSQL `timestamptz` column reads them right.
                dst.execute(insert(table), [{k: _utc(v) for k, v in r._mapping.items()} for r in rows])
                counts[table.name] += len(rows)
        if target.dialect.name == "postgresql":
            quote = target.dialect.identifier_preparer.quote
            for table in tables:
                column = table.autoincrement_column
                if column is None:
                    continue
                dst.execute(text(f"SELECT setval(pg_get_serial_sequence(:t, :c), "
                                 f"COALESCE((SELECT MAX({quote(column.name)}) FROM {quote(table.name)}), 0) + 1, false)"),
                            {"t": quote(table.name), "c": column.name})
    return counts
