"""The consent ledger: per customer and channel, the marketing opt-in with its proof (when, through
which words, to which wording, the age confirmation), its refusal or withdrawal, and every step in
an append-only history (ConsentEvent) the owner can export per customer.

The question is asked inside the chat, separate and optional (spec/outreach.md §3): it states the
purpose, the items, the retention and the right to refuse with its consequence (none). Its text is
versioned: the version a customer saw is stored with their answer.

Synchronous functions over a Session; bot/outreach/service.py runs them off the event loop.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from bot.db import Consent, ConsentEvent, Conversation
from bot.ledger.customers import find, identify

CHANNEL_KO = {"kakao": "카카오톡", "naver": "네이버 톡톡"}
ASK = (
    "[선택] 광고성 정보 수신 동의\n"
    "{store}의 새 메뉴, 할인·쿠폰, 이벤트 소식을 이 {channel} 채팅으로 보내 드려도 될까요?\n"
    "· 목적: 새 메뉴·할인·이벤트 안내\n"
    "· 항목: {channel} 이용자 식별값, 방문·예약 기록\n"
    "· 보유 기간: 동의를 철회할 때까지 (2년마다 다시 여쭤봐요)\n"
    "동의하지 않으셔도 예약과 상담은 똑같이 이용하실 수 있어요. 받은 뒤에도 '수신거부'라고 보내시면 바로 멈춰요."
)
WORDING = "v1-" + hashlib.sha256(ASK.encode()).hexdigest()[:8]
AGE_ASK = "만 14세 이상이신가요? 만 14세 미만은 보호자 동의가 있어야 해서 여쭤봐요."
GRANTED = "{date}에 광고성 정보 수신에 동의하셨어요. 고마워요! 원하지 않으시면 언제든 '수신거부'라고 보내 주세요."
DECLINED = "알겠어요, 광고 메시지는 보내지 않을게요. 예약과 상담은 그대로 이용하실 수 있어요."
UNDER14 = "알려 주셔서 고마워요. 만 14세 미만은 보호자 동의가 필요해서 광고 메시지 수신 동의는 받지 않을게요. 다른 이용에는 영향이 없어요."
WITHDRAWN = ("수신거부를 처리했어요 ({date}). 이제 {store}의 광고·이벤트 메시지는 보내지 않아요. "
             "예약 안내처럼 꼭 필요한 안내는 계속 받으실 수 있어요.")


@dataclass(frozen=True)
class Standing:
    """What the bot needs to know about a chat user before asking or sending."""

    customer_id: int | None
    status: str  # none, asked, granted, declined, withdrawn
    asked_at: datetime | None
    adult: bool
    under14: bool | None  # the platform's flag, when it sent one


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def under14(s: Session, channel: str, user_key: str) -> bool | None:
    row = s.exec(select(Conversation.under14).where(Conversation.channel == channel, Conversation.user_key == user_key)).first()
    return row


def standing(s: Session, channel: str, user_key: str) -> Standing:
    flag = under14(s, channel, user_key)
    found = find(s, channel, user_key)
    if found is None:
        return Standing(None, "none", None, False, flag)
    row = s.exec(select(Consent).where(Consent.customer_id == found.customer_id, Consent.channel == channel)).first()
    if row is None:
        return Standing(found.customer_id, "none", None, False, flag)
    return Standing(found.customer_id, row.status, _utc(row.asked_at), row.adult, flag)


def ask_due(st: Standing, now: datetime, reask_days: int) -> bool:
    """Ask only someone who has not decided (or said no long ago), never a child, never twice in a while."""
    if st.under14 is True or st.status in ("granted", "withdrawn"):
        return False
    return st.asked_at is None or now - st.asked_at >= timedelta(days=reask_days)


def _row(s: Session, channel: str, user_key: str, now: datetime) -> Consent:
    customer = identify(s, [(channel, user_key)])
    assert customer is not None
    row = s.exec(select(Consent).where(Consent.customer_id == customer, Consent.channel == channel)).first()
    if row is None:
        row = Consent(customer_id=customer, channel=channel, user_key=user_key, status="asked", updated_at=now)
    return row


def _event(s: Session, row: Consent, action: str, words: str, now: datetime) -> None:
    s.add(ConsentEvent(customer_id=row.customer_id, channel=row.channel, action=action, words=words[:200], wording=WORDING, at=now))


def asked(s: Session, channel: str, user_key: str, now: datetime) -> None:
    row = _row(s, channel, user_key, now)
    row.asked_at = now
    row.updated_at = now
    if row.status in ("withdrawn", "granted"):
        return
    s.add(row)
    s.flush()
    _event(s, row, "asked", "", now)
    s.commit()


def grant(s: Session, channel: str, user_key: str, words: str, adult_source: str, now: datetime) -> Consent:
    row = _row(s, channel, user_key, now)
    row.status, row.words, row.wording = "granted", words[:200], WORDING
    row.adult, row.adult_source = True, adult_source
    row.granted_at, row.withdrawn_at, row.reconfirmed_at, row.updated_at = now, None, None, now
    row.user_key = user_key
    s.add(row)
    s.flush()
    _event(s, row, "granted", words, now)
    s.commit()
    return row


def decline(s: Session, channel: str, user_key: str, words: str, now: datetime, action: str = "declined") -> None:
    row = _row(s, channel, user_key, now)
    if row.status != "withdrawn":
        row.status = "declined"
    row.words, row.wording, row.updated_at = words[:200], WORDING, now
    s.add(row)
    s.flush()
    _event(s, row, action, words, now)
    s.commit()


def withdraw(s: Session, channel: str, user_key: str, words: str, now: datetime) -> bool:
    """Withdraw at once (a row is made when there was none, so the refusal is on record). True when
    a granted consent was withdrawn."""
    row = _row(s, channel, user_key, now)
    was = row.status == "granted"
    row.status, row.withdrawn_at, row.updated_at = "withdrawn", now, now
    row.words = words[:200]
    s.add(row)
    s.flush()
    _event(s, row, "withdrawn", words, now)
    s.commit()
    return was


def reconfirmed(s: Session, consent_id: int, now: datetime) -> None:
    row = s.get(Consent, consent_id)
    if row is None or row.status != "granted":
        return
    row.reconfirmed_at = row.updated_at = now
    s.add(row)
    s.flush()
    _event(s, row, "reconfirmed", "", now)
    s.commit()


def due_reconfirm(s: Session, now: datetime, months: int, limit: int = 200) -> list[Consent]:
    """Granted consents whose last confirmation is `months` old (and not yet two years)."""
    cutoff = now - timedelta(days=round(months * 30.44))
    rows = s.exec(select(Consent).where(Consent.status == "granted").order_by(col(Consent.id))).all()
    out = []
    for r in rows:
        since = max(d for d in (_utc(r.granted_at), _utc(r.reconfirmed_at)) if d is not None) if (r.granted_at or r.reconfirmed_at) else None
        if since is not None and since <= cutoff:
            out.append(r)
        if len(out) >= limit:
            break
    return out


def history(s: Session, customer_id: int) -> tuple[list[Consent], list[ConsentEvent]]:
    consents = list(s.exec(select(Consent).where(Consent.customer_id == customer_id).order_by(col(Consent.channel))).all())
    events = list(s.exec(select(ConsentEvent).where(ConsentEvent.customer_id == customer_id).order_by(col(ConsentEvent.id))).all())
    return consents, events


def counts(s: Session) -> dict[str, int]:
    out = {"granted": 0, "withdrawn": 0, "declined": 0, "asked": 0}
    for status in s.exec(select(Consent.status)).all():
        out[status] = out.get(status, 0) + 1
    return out
