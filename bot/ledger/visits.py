"""Visits from every source a small shop has: bookings staff marked 방문 완료 (and no-shows), the
stamp card in the chat, a staff "방문 기록" by phone, and POS exports. Each visit has its source and a
reference unique within it, so importing or syncing twice adds nothing twice."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, type_coerce
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from bot.db import Customer, Identity, Reservation, Visit
from bot.ledger.customers import canonical, identify, merge
from bot.ledger.pos import Parsed


def utc(moment: datetime) -> datetime:
    """Visit times are stored in UTC (SQLite keeps no zone; a naive time read back is UTC)."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def add(s: Session, customer_id: int, at: datetime, source: str, ref: str, *, kind: str = "visit", party: int | None = None,
        amount: int | None = None, items: tuple[str, ...] | list[str] = ()) -> bool:
    """One visit; False when (source, ref) is already there (nothing changes)."""
    if s.exec(select(Visit.id).where(Visit.source == source, Visit.ref == ref)).first() is not None:
        return False
    s.add(Visit(customer_id=customer_id, at=utc(at), source=source, kind=kind, ref=ref[:80], party=party, amount=amount, items=list(items)))
    s.flush()
    return True


def sync_bookings(s: Session) -> int:
    """Completed bookings become visits and no-shows become no-show records, for the customer of their
    phone and chat user. Idempotent (the booking code is the reference). Returns how many were added."""
    have = set(s.exec(select(Visit.ref).where(Visit.source == "booking")).all())
    rows = s.exec(select(Reservation).where(col(Reservation.status).in_(("completed", "no_show")))).all()
    added = 0
    for r in rows:
        ref = f"{r.code}:{r.status}"
        if ref in have:
            continue
        ids = [("phone", r.phone)] if r.phone else []
        if r.user_key and r.channel in ("kakao", "naver", "web"):
            ids.append((r.channel, r.user_key))
        customer = identify(s, ids, label=r.name)
        if customer is None:
            continue
        s.add(Visit(customer_id=customer, at=utc(r.starts_at), source="booking", kind="visit" if r.status == "completed" else "no_show",
                    ref=ref, party=r.party))
        added += 1
    s.flush()
    return added


@dataclass
class Imported:
    added: int = 0
    already: int = 0  # rows imported before (same receipt or same contents)
    new_customers: int = 0
    redeemed: int = 0  # campaign coupons marked used from the export's coupon column


class _Identities:
    """Identities of one import, read once and kept in memory: 10,000 rows in a handful of queries.

    New customers are created in memory and inserted together (`settle`), then the identities and
    visits that point at them; merging within the file (a row that ties two known customers) is rare
    and done at once.
    """

    def __init__(self, s: Session, pairs: set[tuple[str, str]]):
        self.s = s
        self.known: dict[tuple[str, str], Identity] = {}
        kinds = sorted({k for k, _ in pairs})
        if kinds:
            # Every identity of these kinds in one query: a shop has thousands, not millions, and long
            # IN lists cost more (PostgreSQL planned each 900-value list in about 0.2 s).
            for identity in s.exec(select(Identity).where(col(Identity.kind).in_(kinds))).all():
                if (identity.kind, identity.value) in pairs:
                    self.known[(identity.kind, identity.value)] = identity
        self.fresh: dict[tuple[str, str], Customer] = {}  # identity -> a customer not inserted yet
        self.created = 0

    def customer(self, pairs: list[tuple[str, str]]) -> int | Customer:
        found = [self.known.get(p) for p in pairs]
        known = [i for i in found if i is not None]
        manual = next((i for i in known if i.manual), None)
        target: int | Customer
        if manual is not None:
            target = manual.customer_id
        elif known:
            target = min(i.customer_id for i in known)
        else:
            target = next((self.fresh[p] for p in pairs if p in self.fresh), None) or Customer(label="", pseudonym=secrets.token_hex(8))
            if all(p not in self.fresh for p in pairs):
                self.created += 1
            for p in pairs:
                self.fresh[p] = target
            return target
        for pair, identity in zip(pairs, found, strict=True):
            if identity is None:
                if pair in self.fresh:
                    continue  # seen earlier in this file without a known customer: it joins below via settle
                identity = Identity(customer_id=target, kind=pair[0], value=pair[1])
                self.s.add(identity)
                self.known[pair] = identity
            elif identity.customer_id != target and not identity.manual and manual is None:
                gone = identity.customer_id
                merge(self.s, keep=target, gone=gone)
                for other in self.known.values():
                    if other.customer_id == gone:
                        other.customer_id = target
        return target

    def settle(self) -> None:
        """Insert the new customers (one flush gives them ids) and their identities."""
        customers = list({id(c): c for c in self.fresh.values()}.values())
        self.s.add_all(customers)
        self.s.flush()
        self.s.add_all([Identity(customer_id=c.id, kind=k, value=v) for (k, v), c in self.fresh.items()])  # type: ignore[arg-type]


def import_pos(s: Session, parsed: Parsed) -> Imported:
    """The parsed rows as visits (bad rows were reported by the parser and are not here)."""
    out = Imported()
    have: set[str] = set()
    if parsed.visits:
        # The references already stored for the file's time span: one range query.
        first, last = min(utc(v.at) for v in parsed.visits), max(utc(v.at) for v in parsed.visits)
        have = set(s.exec(select(Visit.ref).where(Visit.source == "pos", col(Visit.at) >= first, col(Visit.at) <= last)).all())
    pairs_of = []
    for v in parsed.visits:
        pairs = [("phone", v.phone)] if v.phone else []
        if v.customer:
            pairs.append(("pos", canonical("pos", v.customer) or ""))
        pairs_of.append([p for p in pairs if p[1]])
    identities = _Identities(s, {p for pairs in pairs_of for p in pairs})
    pending: list[tuple[int | Customer, Any]] = []
    for v, pairs in zip(parsed.visits, pairs_of, strict=True):
        if v.ref in have:
            out.already += 1
            continue
        pending.append((identities.customer(pairs), v))
        have.add(v.ref)
    identities.settle()
    table = Visit.__table__  # type: ignore[attr-defined]
    rows = [{"customer_id": who if isinstance(who, int) else who.id, "at": utc(v.at), "source": "pos", "kind": "visit", "ref": v.ref,
             "party": v.party, "amount": v.amount, "items": list(v.items), "created_at": datetime.now(UTC)} for who, v in pending]
    dialect = s.get_bind().dialect.name
    insert_ = sqlite_insert if dialect == "sqlite" else pg_insert
    for start in range(0, len(rows), 2000):
        # The database's own (source, ref) constraint decides what is new: a receipt seen before at
        # another time (an export edited in between) is skipped, not an error.
        statement = insert_(table).on_conflict_do_nothing(index_elements=["source", "ref"]).returning(table.c.id)
        out.added += len(s.execute(statement, rows[start:start + 2000]).all())
    out.already += len(rows) - out.added
    out.new_customers = identities.created
    return out


def visit_rows(s: Session, since: datetime | None = None) -> list[tuple[int, datetime, str, int | None, str]]:
    """(customer_id, at (UTC), kind, party, source) of every visit, oldest first. One query; times are
    read as text and parsed with `fromisoformat` on SQLite (SQLAlchemy's own parsing is the slow
    part of reading 50,000 visits)."""
    table = Visit.__table__  # type: ignore[attr-defined]
    sqlite = s.get_bind().dialect.name == "sqlite"
    at = type_coerce(table.c.at, String) if sqlite else table.c.at
    query = sa_select(table.c.customer_id, at, table.c.kind, table.c.party, table.c.source).order_by(table.c.at)
    if since is not None:
        query = query.where(table.c.at >= since)
    out = []
    for customer, when, kind, party, source in s.execute(query):
        moment = datetime.fromisoformat(when) if isinstance(when, str) else when
        out.append((customer, moment if moment.tzinfo else moment.replace(tzinfo=UTC), kind, party, source))
    return out


def items_of(s: Session, customer: int) -> list[tuple[datetime, list[str]]]:
    """What one customer bought, by visit (POS imports), oldest first."""
    rows = s.exec(select(Visit.at, Visit.items).where(Visit.customer_id == customer, Visit.kind == "visit").order_by(col(Visit.at))).all()
    return [(utc(at), list(items or [])) for at, items in rows if items]


def all_items(s: Session) -> list[tuple[int, list[str]]]:
    """Every customer's bought items, by visit (a restock notice goes to those who bought the item)."""
    rows = s.exec(select(Visit.customer_id, Visit.items).where(Visit.kind == "visit")).all()
    return [(c, list(items)) for c, items in rows if items]
