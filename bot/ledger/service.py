"""The ledger as the server uses it: every database call off the event loop, the customers' picture
cached until the ledger changes (a cheap version query decides), the owner's settings in one place."""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from bot.db import Conversation, Customer, Identity, Reservation, Storage, Visit
from bot.ledger import card, customers, pos, visits
from bot.ledger.phones import normalize
from bot.ledger.report import Picture, picture
from bot.ledger.stats import Thresholds
from bot.outreach.campaigns import redeem_from_pos


def _version(s: Session) -> tuple[Any, ...]:
    """Changes whenever a visit, identity or customer is added, moved or removed (three cheap aggregates)."""
    v, i, c = Visit.__table__, Identity.__table__, Customer.__table__  # type: ignore[attr-defined]
    visit_row = s.execute(select(func.count(), func.max(v.c.id), func.sum(v.c.customer_id)).select_from(v)).one()  # type: ignore[call-overload]
    identity_row = s.execute(select(func.count(), func.max(i.c.id), func.sum(i.c.customer_id)).select_from(i)).one()  # type: ignore[call-overload]
    customer_count = s.execute(select(func.count()).select_from(c)).scalar()  # type: ignore[call-overload]
    return (*visit_row, *identity_row, customer_count)


@dataclass
class CustomerView:
    customer: Customer
    identities: list[Identity]
    visits: list[Visit]
    conversations: list[Conversation]
    bookings: list[Reservation]
    stamps: int
    items: list[tuple[str, int]]


class Ledger:
    def __init__(self, storage: Storage, timezone: str, keep_days: int = 730):
        self.storage = storage
        self.zone = ZoneInfo(timezone)
        self.keep_days = keep_days  # retention.ledger_days: said when a customer is asked to allow personal recommendations
        self._picture: tuple[tuple[Any, ...], Picture] | None = None
        self._lock = asyncio.Lock()

    def now(self) -> datetime:
        return datetime.now(self.zone)

    # --- settings -------------------------------------------------------------------------

    def _thresholds(self) -> Thresholds:
        with Session(self.storage.engine) as s:
            return Thresholds.from_dict(card.setting(s, "segments"))  # type: ignore[arg-type]

    async def thresholds(self) -> Thresholds:
        return await self.storage.call(self._thresholds)

    async def save_thresholds(self, t: Thresholds) -> None:
        def save() -> None:
            with Session(self.storage.engine) as s:
                card.save_setting(s, "segments", asdict(t))
                s.commit()
        await self.storage.call(save)
        self._picture = None

    async def card_rules(self) -> card.CardRules:
        def read() -> card.CardRules:
            with Session(self.storage.engine) as s:
                return card.rules(s)
        return await self.storage.call(read)

    async def save_card_rules(self, rules: card.CardRules) -> None:
        def save() -> None:
            with Session(self.storage.engine) as s:
                card.save_setting(s, "stamps", asdict(rules))
                s.commit()
        await self.storage.call(save)

    async def pos_mapping(self) -> dict[str, str]:
        def read() -> dict[str, str]:
            with Session(self.storage.engine) as s:
                return {k: str(v) for k, v in card.setting(s, "pos_mapping").items()}
        return await self.storage.call(read)

    # --- the picture ----------------------------------------------------------------------

    def _picture_now(self, today: date | None) -> Picture:
        with Session(self.storage.engine) as s:
            visits.sync_bookings(s)  # bookings marked 방문 완료 or 노쇼 since the last look
            s.commit()
            v = _version(s)
            t = Thresholds.from_dict(card.setting(s, "segments"))  # type: ignore[arg-type]
        day = today or self.now().date()
        key = (*v, day, tuple(asdict(t).values()))
        if self._picture is not None and self._picture[0] == key:
            return self._picture[1]
        p = picture(self.storage, str(self.zone), today=day, thresholds=t)
        self._picture = (key, p)
        return p

    async def picture(self, today: date | None = None) -> Picture:
        """Every customer's profile and segments and the shop's charts; recomputed only when the ledger changed."""
        async with self._lock:
            return await self.storage.call(self._picture_now, today=today)

    # --- visits ---------------------------------------------------------------------------

    async def stamp(self, channel: str, user_key: str, code: str, at: datetime | None = None) -> card.Stamped:
        """A stamp at `at` (the turn's time: the engine's clock), or now."""
        def run() -> card.Stamped:
            with Session(self.storage.engine) as s:
                out = card.stamp(s, channel, user_key, code, at.astimezone(self.zone) if at else self.now())
                s.commit()
                return out
        return await self.storage.call(run)

    async def stamps(self, channel: str, user_key: str) -> card.Stamped:
        def run() -> card.Stamped:
            with Session(self.storage.engine) as s:
                return card.count(s, channel, user_key)
        return await self.storage.call(run)

    async def today_code(self) -> str:
        def run() -> str:
            with Session(self.storage.engine) as s:
                code = card.today_code(s, self.now())
                s.commit()
                return code
        return await self.storage.call(run)

    async def record_visit(self, phone: str, staff: str, party: int | None = None) -> int | None:
        """Staff's "방문 기록" by phone number: the customer (made if new) gets a visit now; one a day."""
        digits = normalize(phone)
        if digits is None:
            return None

        def run() -> int | None:
            with Session(self.storage.engine) as s:
                who = customers.identify(s, [("phone", digits)])
                if who is None:
                    return None
                now = self.now()
                visits.add(s, who, now, "staff", f"staff:{who}:{now.date().isoformat()}", party=party, items=[f"staff:{staff}"])
                s.commit()
                return who
        return await self.storage.call(run)

    async def redeem(self, customer: int, staff: str) -> bool:
        def run() -> bool:
            with Session(self.storage.engine) as s:
                ok = card.redeem(s, customer, staff, self.now())
                s.commit()
                return ok
        return await self.storage.call(run)

    async def import_pos(self, name: str, data: bytes, mapping: dict[str, str] | None = None,
                         save_mapping: bool = False) -> tuple[pos.Parsed, visits.Imported]:
        def run() -> tuple[pos.Parsed, visits.Imported]:
            with Session(self.storage.engine) as s:
                saved = mapping if mapping is not None else {k: str(v) for k, v in card.setting(s, "pos_mapping").items()}
                parsed = pos.parse(name, data, str(self.zone), saved)
                result = visits.import_pos(s, parsed)
                # A coupon column in the export: campaign coupons used with those sales (bot/outreach).
                result.redeemed = redeem_from_pos(s, [(v.coupon, v.at) for v in parsed.visits if v.coupon])
                if save_mapping and parsed.mapping:
                    card.save_setting(s, "pos_mapping", {f: parsed.header[i] for f, i in parsed.mapping.items() if i < len(parsed.header)})
                s.commit()
                return parsed, result
        return await self.storage.call(run)

    # --- customers ------------------------------------------------------------------------

    async def customer(self, customer_id: int) -> CustomerView | None:
        def run() -> CustomerView | None:
            with Session(self.storage.engine) as s:
                c = s.get(Customer, customer_id)
                if c is None:
                    return None
                ids = list(s.exec(select(Identity).where(Identity.customer_id == customer_id).order_by(col(Identity.id))).all())
                vs = list(s.exec(select(Visit).where(Visit.customer_id == customer_id).order_by(col(Visit.at).desc()).limit(200)).all())
                chats = [(i.kind, i.value) for i in ids if i.kind in ("kakao", "naver", "web")]
                convs = list(s.exec(select(Conversation).where(or_(*[and_(col(Conversation.channel) == k, col(Conversation.user_key) == v)
                                                                          for k, v in chats]))).all()) if chats else []
                phones = [i.value for i in ids if i.kind == "phone"]
                books = list(s.exec(select(Reservation).where(col(Reservation.phone).in_(phones)).order_by(col(Reservation.starts_at).desc())
                                    .limit(50)).all()) if phones else []
                rules = card.rules(s)
                stamps = card.on_card(s, customer_id, rules.needed)[0]
                counts: dict[str, int] = {}
                for v in vs:
                    for item in v.items or []:
                        if not item.startswith("staff:"):
                            counts[item] = counts.get(item, 0) + 1
                items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
                return CustomerView(c, ids, vs, convs, books, stamps, items)
        return await self.storage.call(run)

    async def merge(self, keep: int, gone: int) -> None:
        def run() -> None:
            with Session(self.storage.engine) as s:
                customers.merge(s, keep, gone, by_owner=True)
                s.commit()
        await self.storage.call(run)

    async def split(self, identity_id: int) -> int:
        def run() -> int:
            with Session(self.storage.engine) as s:
                new = customers.split(s, identity_id)
                s.commit()
                return new
        return await self.storage.call(run)

    async def find_phone(self, phone: str) -> int | None:
        digits = normalize(phone)
        if digits is None:
            return None

        def run() -> int | None:
            with Session(self.storage.engine) as s:
                found = customers.find(s, "phone", digits)
                return found.customer_id if found else None
        return await self.storage.call(run)

    async def labels(self, ids: list[int]) -> dict[int, tuple[str, str]]:
        """Each customer's name and first phone (digits), for lists. Two queries."""
        def run() -> dict[int, tuple[str, str]]:
            if not ids:
                return {}
            with Session(self.storage.engine) as s:
                names = {c.id: c.label for c in s.exec(select(Customer).where(col(Customer.id).in_(ids))).all() if c.id is not None}
                phones: dict[int, str] = {}
                for i in s.exec(select(Identity).where(col(Identity.customer_id).in_(ids), Identity.kind == "phone").order_by(col(Identity.id))).all():
                    phones.setdefault(i.customer_id, i.value)
            return {c: (names.get(c, ""), phones.get(c, "")) for c in ids}
        return await self.storage.call(run)

    async def personal(self, channel: str, user_key: str) -> tuple[int, bool | None, list[tuple[datetime, list[str]]]] | None:
        """A chat user's customer, whether they allowed personal recommendations (None: not asked),
        and their purchase history in local time; None when the ledger does not know them or they
        have bought nothing it recorded."""
        def run() -> tuple[int, bool | None, list[tuple[datetime, list[str]]]] | None:
            with Session(self.storage.engine) as s:
                found = customers.find(s, channel, user_key)
                if found is None:
                    return None
                c = s.get(Customer, found.customer_id)
                history = [(at.astimezone(self.zone), items) for at, items in visits.items_of(s, found.customer_id)]
                if c is None or not history:
                    return None
                return found.customer_id, c.personal, history
        return await self.storage.call(run)

    async def set_personal(self, customer_id: int, allowed: bool) -> None:
        def run() -> None:
            with Session(self.storage.engine) as s:
                c = s.get(Customer, customer_id)
                if c is not None:
                    c.personal, c.personal_at = allowed, datetime.now(self.zone)
                    s.add(c)
                    s.commit()
        await self.storage.call(run)

    async def customer_of(self, channel: str, user_key: str) -> int | None:
        """The customer a chat user is, if the ledger knows them (nothing is created)."""
        def run() -> int | None:
            with Session(self.storage.engine) as s:
                found = customers.find(s, channel, user_key)
                return found.customer_id if found else None
        return await self.storage.call(run)
