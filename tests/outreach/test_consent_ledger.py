"""The consent ledger's bookkeeping on a real database: consents re-confirmed at 23 months (and
expired at two years without it), the per-customer export of consents and withdrawals, consents
following a customer through a merge (a withdrawal wins) and a split, a customer's erasure taking
them along, and campaign coupons redeemed from a POS export's coupon column."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from bot import datacare
from bot.db import Campaign, CampaignRecipient, Consent, ConsentEvent, Identity, Storage, make_engine
from bot.kb.base import KnowledgeBase
from bot.ledger import customers
from bot.ledger.service import Ledger
from bot.outreach import consent, notices
from bot.outreach.campaigns import utc
from bot.outreach.gate import ConsentFacts, Facts, decide
from bot.outreach.routes import Outgoing, Submitted
from tests.conftest import database_url
from tests.test_customers_console import app, login  # noqa: F401 - the app fixture

T0 = datetime(2024, 12, 1, 12, 0, tzinfo=UTC)


class Recording:
    """A route that records what it was given (a 정보 message here) and says it was sent."""

    name = "talktalk"
    automatic = True
    carries_ads = False
    cost_won = 0

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []

    async def submit(self, messages: list[Outgoing]) -> Submitted:
        self.sent += messages
        return Submitted({m.recipient: "sent" for m in messages}, {})

    async def settle(self, task_id: str, messages: list[Outgoing]) -> dict[int, str] | None:
        return None


def storage_at(tmp_path: Path) -> Storage:
    return Storage(make_engine(database_url(tmp_path), tmp_path))


def test_consents_are_reconfirmed_at_23_months_and_expire_at_two_years_without_it(tmp_path: Path, demo_kb: KnowledgeBase) -> None:
    storage = storage_at(tmp_path)
    with Session(storage.engine) as s:
        consent.grant(s, "naver", "user-old", "광고 메시지 받을게요", "talktalk", T0)
        consent.grant(s, "naver", "user-new", "광고 메시지 받을게요", "talktalk", T0 + timedelta(days=400))
    route = Recording()
    store = demo_kb.snapshot.knowledge.store
    now = T0 + timedelta(days=700)  # 23 months after the first grant

    def runner(at: datetime) -> notices.Notices:
        return notices.Notices(storage, lambda: store, {"naver": route}, "18:00", False, False, 23, lambda: at)  # type: ignore[dict-item]

    asyncio.run(runner(now).run())
    assert [m.user_key for m in route.sent] == ["user-old"]
    text = route.sent[0].text
    assert "2024년 12월 1일에 네이버 톡톡에서" in text and "'수신거부'" in text and route.sent[0].klass == "정보"
    asyncio.run(runner(now + timedelta(days=1)).run())
    assert len(route.sent) == 1  # once per cycle
    with Session(storage.engine) as s:
        old = s.exec(select(Consent).where(Consent.user_key == "user-old")).one()
        assert old.reconfirmed_at is not None
        events = [e.action for e in s.exec(select(ConsentEvent).where(ConsentEvent.customer_id == old.customer_id)).all()]
    assert events == ["granted", "reconfirmed"]
    facts = ConsentFacts("granted", T0, utc(old.reconfirmed_at), True)
    later = T0 + timedelta(days=800)
    assert decide(Facts("광고", "naver", "copy", later, facts)).ok  # re-confirmed: still valid after two years
    assert decide(Facts("광고", "naver", "copy", later, ConsentFacts("granted", T0, None, True))).reason == "expired"


def test_the_owner_exports_one_customers_consents_and_withdrawals(app: TestClient) -> None:  # noqa: F811 - the imported fixture
    storage = app.app.state.storage  # type: ignore[attr-defined]
    with Session(storage.engine) as s:
        consent.asked(s, "kakao", "export-me", T0)
        consent.grant(s, "kakao", "export-me", "네, 만 14세 이상이에요", "asked", T0 + timedelta(minutes=1))
        consent.withdraw(s, "kakao", "export-me", "수신거부", T0 + timedelta(days=30))
        who = customers.find(s, "kakao", "export-me")
        assert who is not None
    exported = datacare.export_customer(storage, customer=datacare.Customer(channel="kakao", user_key="export-me"))
    (ledger,) = exported["ledger"]
    assert [c["status"] for c in ledger["consents"]] == ["withdrawn"]
    assert [e["action"] for e in ledger["consent_history"]] == ["asked", "granted", "withdrawn"]
    assert ledger["consent_history"][1]["wording"] == consent.WORDING
    login(app, "사장")
    r = app.get(f"/staff/customers/c/{who.customer_id}/consents.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lines = r.content.decode("utf-8-sig").strip().split("\r\n")
    assert lines[0].startswith("일시(UTC),채널,내용") and [line.split(",")[2] for line in lines[1:]] == ["물어봄", "동의", "수신 거부"]
    page = app.get(f"/staff/customers/c/{who.customer_id}")
    assert "광고 수신 동의" in page.text and "수신 거부" in page.text
    # erasure on request takes the consent history along
    counts = datacare.forget_customer(storage, customer=datacare.Customer(channel="kakao", user_key="export-me"))
    assert counts.ledger == 1
    with Session(storage.engine) as s:
        assert s.exec(select(Consent)).all() == [] and s.exec(select(ConsentEvent)).all() == []


def test_consents_follow_a_merge_and_a_split(tmp_path: Path) -> None:
    storage = storage_at(tmp_path)
    with Session(storage.engine) as s:
        consent.grant(s, "kakao", "k1", "받을게요", "asked", T0)
        a = customers.find(s, "kakao", "k1")
        b = customers.identify(s, [("phone", "01011112222")])
        assert a is not None and b is not None
        s.add(Consent(customer_id=b, channel="kakao", status="withdrawn", withdrawn_at=T0 + timedelta(days=1), updated_at=T0))
        s.commit()
        customers.merge(s, keep=b, gone=a.customer_id, by_owner=True)
        s.commit()
        (kept,) = s.exec(select(Consent)).all()
        assert (kept.customer_id, kept.status) == (b, "withdrawn")  # the withdrawal wins over the grant
        assert {e.customer_id for e in s.exec(select(ConsentEvent)).all()} == {b}
    with Session(storage.engine) as s:
        consent.grant(s, "naver", "n1", "받을게요", "talktalk", T0)
        n = customers.find(s, "naver", "n1")
        assert n is not None
        customers.identify(s, [("naver", "n1"), ("phone", "01033334444")])
        s.commit()
        identity = s.exec(select(Identity).where(Identity.kind == "naver", Identity.value == "n1")).one()
        assert identity.id is not None
        alone = customers.split(s, identity.id)
        s.commit()
        assert s.exec(select(Consent).where(Consent.channel == "naver")).one().customer_id == alone  # went with its chat user


def test_a_coupon_column_in_a_pos_export_redeems_the_campaign_coupon(tmp_path: Path) -> None:
    storage = storage_at(tmp_path)
    with Session(storage.engine) as s:
        who = customers.identify(s, [("phone", "01055556666")])
        campaign = Campaign(name="c", preset="dormant_2m", coupon="5% 할인", status="done")
        s.add(campaign)
        s.flush()
        s.add(CampaignRecipient(campaign_id=campaign.id, customer_id=who, status="sent", coupon_code="K7QH3P", sent_at=T0))
        s.commit()
    ledger = Ledger(storage, "Asia/Seoul")
    csv = "거래일시,휴대폰,결제금액,쿠폰번호\n2024-12-03 12:30,010-5555-6666,12000,k7qh-3p\n2024-12-04 12:30,010-5555-6666,9000,\n"
    parsed, result = asyncio.run(ledger.import_pos("pos.csv", csv.encode(), None))
    assert parsed.problems == [] and result.added == 2 and result.redeemed == 1
    _, again = asyncio.run(ledger.import_pos("pos.csv", csv.encode(), None))
    assert again.redeemed == 0  # used once
    with Session(storage.engine) as s:
        row = s.exec(select(CampaignRecipient)).one()
    assert row.redeemed_by == "POS" and row.redeemed_at is not None
