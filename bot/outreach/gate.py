"""The sending gate: may this message go to this customer now, through this route?

A pure function of the facts (spec/outreach.md §5), so that every rule is read in one place and
the decision table in tests/outreach/test_gate.py checks it case by case. The sender gathers the
facts from the database just before each send, so a consent withdrawn a minute after the owner
approved a campaign still stops it.

Outcomes: `send`; `wait` (outside the 광고 hours: the message keeps its place and leaves at the
next opening); `suppress` with a reason the owner reads in the preview.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.outreach.templates import Klass

CONSENT_YEARS = 2
REASON_KO = {
    "no_consent": "수신 동의 없음",
    "withdrawn": "수신 거부",
    "declined": "동의 안 함",
    "expired": "동의 2년 지남",
    "under14": "만 14세 미만",
    "age_unknown": "나이 확인 안 됨",
    "open_chat": "상담 진행 중",
    "complaint": "최근 불만 접수",
    "frequency": "최근 광고 받음",
    "visited": "그사이 방문함",
    "no_route": "보낼 방법 없음",
    "ads_off": "이 경로는 광고 금지",
    "duplicate": "이미 받음",
}


@dataclass(frozen=True)
class ConsentFacts:
    status: str  # granted, withdrawn, declined
    granted_at: datetime | None
    reconfirmed_at: datetime | None = None
    adult: bool = False


@dataclass(frozen=True)
class Facts:
    klass: Klass
    channel: str  # kakao, naver
    route: str  # event_api, talktalk, friend_group, copy ("" when none reaches the customer)
    now: datetime  # store-local
    consent: ConsentFacts | None = None  # for this channel
    under14: bool | None = None  # the platform's flag (TalkTalk); None: unknown
    last_ad_at: datetime | None = None  # the last 광고 this customer was sent, any channel
    open_chat: bool = False  # a handoff waiting or with staff
    complaint: bool = False  # a complaint in the last 30 days
    visited_since: bool = False  # came in after the campaign's trigger (it no longer applies)
    already: bool = False  # this campaign already reached them (on any channel)


@dataclass(frozen=True)
class Rules:
    start_hour: int = 9
    end_hour: int = 20
    frequency_days: int = 7
    talktalk_ads: bool = False


@dataclass(frozen=True)
class Decision:
    outcome: Literal["send", "wait", "suppress"]
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome == "send"


def consent_valid_until(c: ConsentFacts) -> datetime | None:
    """When a granted consent stops counting: two years after it was given or last re-confirmed."""
    since = max((d for d in (c.granted_at, c.reconfirmed_at) if d is not None), default=None)
    return since + timedelta(days=365 * CONSENT_YEARS) if since else None


def in_hours(now: datetime, rules: Rules) -> bool:
    """09:00 <= now < 20:00 in store time (never wider than that, whatever the settings say)."""
    start, end = max(9, rules.start_hour), min(20, rules.end_hour)
    return start * 60 <= now.hour * 60 + now.minute < end * 60


def decide(f: Facts, rules: Rules = Rules()) -> Decision:
    """Send, wait or suppress (see the module docstring)."""
    if f.already:
        return Decision("suppress", "duplicate")
    if not f.route:
        return Decision("suppress", "no_route")
    if f.klass == "정보":
        return Decision("send")  # a transaction's own information needs no marketing consent, at any hour the shop chose
    # 광고 from here on.
    if f.route == "talktalk" and not rules.talktalk_ads:
        return Decision("suppress", "ads_off")
    c = f.consent
    if c is None:
        return Decision("suppress", "no_consent")
    if c.status == "withdrawn":
        return Decision("suppress", "withdrawn")
    if c.status != "granted" or c.granted_at is None:
        return Decision("suppress", "declined" if c.status == "declined" else "no_consent")
    until = consent_valid_until(c)
    if until is not None and f.now >= until:
        return Decision("suppress", "expired")
    if f.under14:
        return Decision("suppress", "under14")
    if not c.adult:
        return Decision("suppress", "age_unknown")
    if f.open_chat:
        return Decision("suppress", "open_chat")
    if f.complaint:
        return Decision("suppress", "complaint")
    if f.visited_since:
        return Decision("suppress", "visited")
    if f.last_ad_at is not None and f.now - f.last_ad_at < timedelta(days=rules.frequency_days):
        return Decision("suppress", "frequency")
    if not in_hours(f.now, rules):
        return Decision("wait", "night")
    return Decision("send")
