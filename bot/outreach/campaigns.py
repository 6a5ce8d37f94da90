"""Campaigns in the database: the audience a preset picks, suppressed by the gate; a draft the owner
previews; approval that fixes who gets it (the hold-out group, one coupon code each); redemption;
the results that compare the sent group with the held-out one.

Synchronous functions over a Session (bot/outreach/service.py runs them off the event loop).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from bot.db import Campaign, CampaignRecipient, Consent, Conversation, Customer, Handoff, Identity, Visit
from bot.josa import PAIRS, josa
from bot.ledger.report import Picture
from bot.outreach.gate import ConsentFacts, Decision, Facts, Rules, decide
from bot.outreach.presets import PRESETS
from bot.outreach.templates import advert

COUPON_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no 0/O, 1/I, 2/Z, 5/S, 8/B: read aloud at a counter
SENT = ("sent", "sending", "unknown", "manual")  # statuses that count as having had the 광고
ROUTE_KO = {"event_api": "카카오 이벤트 API", "talktalk": "톡톡 보내기 API", "friend_group": "카카오 채널 친구그룹",
            "copy": "직접 복사해서 보내기"}


def utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def fill(body: str, item: str) -> str:
    """{item} replaced by the menu item, with the particle after it made to fit (콩국수가, 라떼가)."""
    def one(m: re.Match[str]) -> str:
        particle = m.group(1) or ""
        return josa(item, particle) if particle else item
    particles = "|".join(sorted(PAIRS, key=len, reverse=True))
    return re.sub(r"\{item\}(" + particles + r")?", one, body) if item else re.sub(r"\{item\}\S*\s?", "", body)


def coupon_line(campaign: Campaign, code: str, until: datetime | None) -> str:
    if not campaign.coupon:
        return ""
    ends = f" ({until.month}월 {until.day}일까지)" if until else ""
    return f"쿠폰: {campaign.coupon}{ends}\n쿠폰 번호 {code} (계산할 때 보여 주세요)"


def text_of(campaign: Campaign, store_name: str, phone: str, code: str = "XXXXXX", until: datetime | None = None) -> str:
    """The exact message one recipient gets."""
    return advert(store_name, phone, fill(campaign.body, campaign.item), coupon_line(campaign, code, until))


# --- who would get it ------------------------------------------------------------------------


@dataclass
class Reach:
    """How one customer can be reached: their chat users and phone, and their consents by channel."""

    users: dict[str, str] = field(default_factory=dict)  # channel -> user key
    phone: str = ""
    consents: dict[str, Consent] = field(default_factory=dict)


@dataclass
class Audience:
    picked: list[int]
    decisions: dict[int, tuple[Decision, str, str, str]]  # customer -> (decision, route, channel, user key)

    @property
    def eligible(self) -> list[int]:
        return [c for c, (d, *_r) in self.decisions.items() if d.outcome != "suppress"]

    def reasons(self) -> Counter[str]:
        return Counter(d.reason for d, *_r in self.decisions.values() if d.outcome == "suppress")

    def routes(self) -> Counter[str]:
        return Counter(r for d, r, *_x in self.decisions.values() if d.outcome != "suppress")


def reach(s: Session, customers: list[int]) -> dict[int, Reach]:
    out: dict[int, Reach] = defaultdict(Reach)
    for chunk in _chunks(customers):
        for i in s.exec(select(Identity).where(col(Identity.customer_id).in_(chunk)).order_by(col(Identity.id))).all():
            r = out[i.customer_id]
            if i.kind in ("kakao", "naver"):
                r.users.setdefault(i.kind, i.value)
            elif i.kind == "phone" and not r.phone:
                r.phone = i.value
        for c in s.exec(select(Consent).where(col(Consent.customer_id).in_(chunk))).all():
            out[c.customer_id].consents[c.channel] = c
            if c.user_key:
                out[c.customer_id].users[c.channel] = c.user_key
    return out


def _chunks(ids: list[int], n: int = 500) -> list[list[int]]:
    return [ids[i:i + n] for i in range(0, len(ids), n)] or [[]]


def last_ads(s: Session, customers: list[int]) -> dict[int, datetime]:
    out: dict[int, datetime] = {}
    for chunk in _chunks(customers):
        rows = s.exec(select(CampaignRecipient.customer_id, func.max(CampaignRecipient.sent_at))
                      .where(col(CampaignRecipient.customer_id).in_(chunk), col(CampaignRecipient.status).in_(SENT),
                             col(CampaignRecipient.sent_at).is_not(None))
                      .group_by(col(CampaignRecipient.customer_id))).all()
        out.update({c: utc(at) for c, at in rows if at is not None})  # type: ignore[misc]
    return out


def troubles(s: Session, users: dict[int, Reach], now: datetime) -> tuple[set[int], set[int]]:
    """Customers with a chat waiting for or with staff, and with a complaint in the last 30 days."""
    by_user = {(ch, key): c for c, r in users.items() for ch, key in r.users.items()}
    if not by_user:
        return set(), set()
    open_chat: set[int] = set()
    complaint: set[int] = set()
    since = now - timedelta(days=30)
    query = (sa_select(Conversation.channel, Conversation.user_key, Conversation.handoff, Handoff.trigger, Handoff.created_at)  # type: ignore[call-overload]
             .join(Handoff, col(Handoff.conversation_id) == col(Conversation.id), isouter=True)
             .where(col(Conversation.user_key).in_([k for _, k in by_user])))
    rows = s.execute(query).all()
    for channel, key, handoff, trigger, created in rows:
        who = by_user.get((channel, key))
        if who is None:
            continue
        if handoff in ("waiting", "human"):
            open_chat.add(who)
        if trigger == "complaint" and created is not None and utc(created) >= since:  # type: ignore[operator]
            complaint.add(who)
    return open_chat, complaint


def visited_after(s: Session, customers: list[int], since: datetime) -> set[int]:
    out: set[int] = set()
    for chunk in _chunks(customers):
        out |= set(s.exec(select(Visit.customer_id).where(col(Visit.customer_id).in_(chunk), Visit.kind == "visit",
                                                          col(Visit.at) > since).distinct()).all())
    return out


def choose_route(r: Reach, routes: dict[str, bool], talktalk_ads: bool) -> tuple[str, str, str]:
    """The cheapest legal way to one customer (route, channel, user key): TalkTalk's send API when the
    owner allows 광고 there, Kakao's Event API (15원), the Kakao channel's 친구그룹 file (by phone),
    else the text to copy into a 1:1 chat. A channel without a granted consent is never a route."""
    granted = {ch for ch, c in r.consents.items() if c.status == "granted"}
    if "naver" in granted and routes.get("talktalk") and talktalk_ads and r.users.get("naver"):
        return "talktalk", "naver", r.users["naver"]
    if "kakao" in granted and routes.get("event_api") and r.users.get("kakao"):
        return "event_api", "kakao", r.users["kakao"]
    if "kakao" in granted and r.phone:
        return "friend_group", "kakao", r.users.get("kakao", "")
    for ch in ("kakao", "naver"):
        if ch in granted and r.users.get(ch):
            return "copy", ch, r.users[ch]
    if granted:  # consented, but no way to them (a Kakao consent without a phone or a chat user): nothing to send with
        ch = sorted(granted)[0]
        return "", ch, r.users.get(ch, "")
    # No consent anywhere: the channel the customer chats on, so that the gate says why not (consent first).
    ch = next((c for c in ("kakao", "naver") if c in r.users or c in r.consents), "kakao")
    return "copy", ch, r.users.get(ch, "")


def facts_for(r: Reach, route: str, channel: str, now: datetime, last_ad: datetime | None, open_chat: bool, complaint: bool,
              visited: bool, under14: bool | None = None) -> Facts:
    c = r.consents.get(channel)
    consent = ConsentFacts(c.status, utc(c.granted_at), utc(c.reconfirmed_at), c.adult) if c else None
    return Facts("광고", channel, route, now, consent, under14, last_ad, open_chat, complaint, visited)


def audience(s: Session, picture: Picture, items: dict[int, set[str]], preset: str, item: str, now: datetime,
             rules: Rules, routes: dict[str, bool], since: datetime | None = None) -> Audience:
    """Who the preset picks, and the gate's decision for each as of `now` (store-local)."""
    picked = PRESETS[preset].pick(picture, items, item)
    found = reach(s, picked)
    last = last_ads(s, picked)
    open_chat, complaint = troubles(s, found, now)
    visited = visited_after(s, picked, since) if since else set()
    under = _under14(s, found)
    decisions: dict[int, tuple[Decision, str, str, str]] = {}
    for c in picked:
        r = found.get(c, Reach())
        route, channel, user = choose_route(r, routes, rules.talktalk_ads)
        f = facts_for(r, route, channel, now, last.get(c), c in open_chat, c in complaint, c in visited, under.get(c))
        decisions[c] = (decide(f, rules), route, channel, user)
    return Audience(picked, decisions)


def _under14(s: Session, found: dict[int, Reach]) -> dict[int, bool | None]:
    keys = {r.users["naver"]: c for c, r in found.items() if "naver" in r.users}
    if not keys:
        return {}
    rows = s.exec(select(Conversation.user_key, Conversation.under14).where(Conversation.channel == "naver",
                                                                          col(Conversation.user_key).in_(list(keys)))).all()
    return {keys[k]: flag for k, flag in rows}


def in_holdout(campaign_id: int, customer_id: int, percent: int) -> bool:
    """A stable draw: the same customer stays in or out of a campaign's hold-out group."""
    digest = hashlib.sha256(f"{campaign_id}:{customer_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent


def new_code(s: Session) -> str:
    while True:
        code = "".join(secrets.choice(COUPON_ALPHABET) for _ in range(6))
        if s.exec(select(CampaignRecipient.id).where(CampaignRecipient.coupon_code == code)).first() is None:
            return code


def approve(s: Session, campaign: Campaign, found: Audience, staff: str, now: datetime) -> None:
    """Fix the recipients: suppressed ones with their reason, the hold-out group, the rest queued with
    their own coupon code. Idempotent: a recipient already written is left as it is."""
    assert campaign.id is not None
    have = set(s.exec(select(CampaignRecipient.customer_id).where(CampaignRecipient.campaign_id == campaign.id)).all())
    for c, (d, route, channel, user) in found.decisions.items():
        if c in have:
            continue
        row = CampaignRecipient(campaign_id=campaign.id, customer_id=c, route=route, channel=channel, user_key=user)
        if d.outcome == "suppress":
            row.status, row.reason = "suppressed", d.reason
        elif in_holdout(campaign.id, c, campaign.holdout_percent):
            row.grp, row.status = "holdout", "held"
        else:
            row.coupon_code = new_code(s) if campaign.coupon else None
        s.add(row)
    campaign.status, campaign.approved_by, campaign.approved_at = "approved", staff, now
    s.add(campaign)
    s.commit()


def redeem(s: Session, code: str, staff: str, now: datetime) -> tuple[str, CampaignRecipient | None, Campaign | None]:
    """A coupon handed in at the counter: ok, used (already), expired, unknown. A redemption is a visit."""
    code = re.sub(r"[^A-Z0-9]", "", code.upper())
    row = s.exec(select(CampaignRecipient).where(CampaignRecipient.coupon_code == code)).first()
    if row is None:
        return "unknown", None, None
    campaign = s.get(Campaign, row.campaign_id)
    if row.redeemed_at is not None:
        return "used", row, campaign
    sent = utc(row.sent_at) or (utc(campaign.approved_at) if campaign else None)
    if campaign is not None and sent is not None and now > sent + timedelta(days=campaign.coupon_days + 1):
        return "expired", row, campaign
    row.redeemed_at, row.redeemed_by = now, staff
    s.add(row)
    s.add(Visit(customer_id=row.customer_id, at=now.astimezone(UTC), source="coupon", kind="visit", ref=f"coupon:{code}"))
    s.commit()
    return "ok", row, campaign


def redeem_from_pos(s: Session, used: list[tuple[str, datetime]]) -> int:
    """Coupon codes in a POS export: each recipient's code marked used at the sale's time (the sale
    itself is the visit, so none is added). A code used before, or unknown, is left alone."""
    done = 0
    for code, at in used:
        row = s.exec(select(CampaignRecipient).where(CampaignRecipient.coupon_code == code)).first()
        if row is None or row.redeemed_at is not None:
            continue
        row.redeemed_at, row.redeemed_by = at.astimezone(UTC), "POS"
        s.add(row)
        done += 1
    s.flush()
    return done


@dataclass
class Results:
    counts: Counter[str]
    reasons: Counter[str]
    routes: Counter[str]
    sent: int
    held: int
    sent_back: int  # of the sent group, came back within 30 days of the send
    held_back: int
    redeemed: int

    @staticmethod
    def rate(n: int, of: int) -> int | None:
        return round(100 * n / of) if of else None


def results(s: Session, campaign: Campaign) -> Results:
    rows = list(s.exec(select(CampaignRecipient).where(CampaignRecipient.campaign_id == campaign.id)).all())
    counts = Counter(r.status for r in rows)
    reasons = Counter(r.reason for r in rows if r.status in ("suppressed", "failed"))
    routes = Counter(r.route for r in rows if r.grp == "send" and r.status != "suppressed")
    start = utc(campaign.approved_at)
    reached = [r for r in rows if r.grp == "send" and r.status in SENT]
    held = [r for r in rows if r.grp == "holdout"]
    back = _came_back(s, [r.customer_id for r in reached + held], start) if start else set()
    return Results(counts, reasons, routes, len(reached), len(held), sum(r.customer_id in back for r in reached),
                   sum(r.customer_id in back for r in held), sum(r.redeemed_at is not None for r in rows))


def _came_back(s: Session, customers: list[int], since: datetime) -> set[int]:
    until = since + timedelta(days=30)
    out: set[int] = set()
    for chunk in _chunks(customers):
        out |= set(s.exec(select(Visit.customer_id).where(col(Visit.customer_id).in_(chunk), Visit.kind == "visit",
                                                          col(Visit.at) > since, col(Visit.at) <= until).distinct()).all())
    return out


def labels(s: Session, ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for chunk in _chunks(ids):
        out.update({c.id: c.label or f"손님 {c.pseudonym[:4]}" for c in s.exec(select(Customer).where(col(Customer.id).in_(chunk))).all()
                    if c.id is not None})
    return out
