"""The stamp card's bookkeeping: the shop's secret and rules, a stamp a day, the count, the reward.

A stamp is a visit (source "stamp", one per customer per local day: the reference is the customer
and the date); a reward handed over at the counter is recorded as a "reward" event, and the card
counts the stamps since the last one.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, func, select

from bot.db import LedgerSetting, Visit
from bot.ledger.customers import find, identify
from bot.ledger.stamps import code_ok, daily_code
from bot.ledger.visits import utc


@dataclass(frozen=True)
class CardRules:
    enabled: bool = False  # off until the owner sets the card up in the console (the code must be at the counter)
    needed: int = 10
    reward: str = "음료 한 잔"


@dataclass(frozen=True)
class Stamped:
    outcome: str  # added, already (today), wrong (not today's code), off (no stamp card)
    count: int = 0  # stamps on the card now
    needed: int = 10
    reward: str = ""
    full: bool = False  # the card is full: the reward is waiting at the counter


def setting(s: Session, key: str) -> dict[str, object]:
    row = s.get(LedgerSetting, key)
    return dict(row.value) if row else {}


def _insert(s: Session):  # type: ignore[no-untyped-def]
    """The dialect's INSERT, which knows ON CONFLICT (SQLite and PostgreSQL spell it alike)."""
    if s.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(LedgerSetting.__table__)  # type: ignore[attr-defined]
    from sqlalchemy.dialects.sqlite import insert as lite_insert

    return lite_insert(LedgerSetting.__table__)  # type: ignore[attr-defined]


def save_setting(s: Session, key: str, value: dict[str, object]) -> None:
    """Write a setting in one statement: two background jobs saving the same key at once (the
    notices' watermark, seen in CI on PostgreSQL) must not collide on its primary key."""
    s.flush()
    s.execute(_insert(s).values(key=key, value=value).on_conflict_do_update(index_elements=["key"], set_={"value": value}))
    row = s.get(LedgerSetting, key)
    if row is not None:
        s.refresh(row)


def first_setting(s: Session, key: str, value: dict[str, object]) -> dict[str, object]:
    """Store the value unless the key is set already, and return what is stored: the first writer
    wins, so two requests making the shop's secret at once agree on one."""
    s.execute(_insert(s).values(key=key, value=value).on_conflict_do_nothing(index_elements=["key"]))
    return setting(s, key)


def shop_secret(s: Session) -> bytes:
    """The shop's stamp secret, made on first use and kept in the database."""
    found = setting(s, "stamp_secret").get("hex")
    if not found:
        found = first_setting(s, "stamp_secret", {"hex": secrets.token_hex(16)})["hex"]
    return bytes.fromhex(str(found))


def rules(s: Session) -> CardRules:
    raw = setting(s, "stamps")
    try:
        return CardRules(bool(raw.get("enabled", False)), max(1, int(raw.get("needed", 10))),  # type: ignore[call-overload]
                         str(raw.get("reward") or CardRules.reward))
    except (TypeError, ValueError):
        return CardRules()


def today_code(s: Session, now: datetime) -> str:
    return daily_code(shop_secret(s), now.date())


def on_card(s: Session, customer: int, needed: int) -> tuple[int, int]:
    """(stamps on the card now, rewards taken): stamps since the last reward, never more than `needed`."""
    stamps = s.exec(select(func.count()).select_from(Visit).where(Visit.customer_id == customer, Visit.source == "stamp",
                                                                    Visit.kind == "visit")).one()
    rewards = s.exec(select(func.count()).select_from(Visit).where(Visit.customer_id == customer, Visit.kind == "reward")).one()
    return min(int(stamps) - needed * int(rewards), needed), int(rewards)


def stamp(s: Session, channel: str, user_key: str, code: str, now: datetime) -> Stamped:
    """A customer's stamp with today's code (`now` is the store's local time)."""
    card = rules(s)
    if not card.enabled:
        return Stamped("off")
    if not code_ok(shop_secret(s), now.date(), code):
        return Stamped("wrong", needed=card.needed, reward=card.reward)
    customer = identify(s, [(channel, user_key)])
    if customer is None:
        return Stamped("wrong", needed=card.needed, reward=card.reward)
    ref = f"{customer}:{now.date().isoformat()}"
    taken = s.exec(select(Visit.id).where(Visit.source == "stamp", Visit.ref == ref)).first() is not None
    if not taken:
        s.add(Visit(customer_id=customer, at=utc(now), source="stamp", ref=ref))
        s.flush()
    count, _ = on_card(s, customer, card.needed)
    return Stamped("already" if taken else "added", count, card.needed, card.reward, count >= card.needed)


def count(s: Session, channel: str, user_key: str) -> Stamped:
    card = rules(s)
    if not card.enabled:
        return Stamped("off")
    known = find(s, channel, user_key)  # asking creates no customer
    n = on_card(s, known.customer_id, card.needed)[0] if known else 0
    return Stamped("count", n, card.needed, card.reward, n >= card.needed)


def redeem(s: Session, customer: int, staff: str, now: datetime) -> bool:
    """Staff hand over the reward: the card starts again. False when the card is not full."""
    card = rules(s)
    n, rewards = on_card(s, customer, card.needed)
    if n < card.needed:
        return False
    s.add(Visit(customer_id=customer, at=utc(now), source="stamp", kind="reward", ref=f"reward:{customer}:{rewards + 1}", items=[staff]))
    s.flush()
    return True
