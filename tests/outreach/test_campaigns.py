"""Campaigns on real databases: the two-month-dormant preset picks exactly the expected recipients in
the ledger's synthetic store (the generator decides who is dormant, and the test decides who
consented); and the Kakao Event API route against a local fake of Kakao's API in its wire format:
batches of at most 100, partial failures retried without double sends, a request that may have
arrived never repeated, a re-run that sends nothing twice, and 광고 held back outside 09-20."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlmodel import Session, select

from bot.channels.kakao import KakaoEventBroadcast
from bot.db import Campaign, CampaignRecipient, Consent, Identity, Storage, make_engine
from bot.kb.base import KnowledgeBase
from bot.ledger import customers, visits
from bot.ledger.service import Ledger
from bot.outreach import campaigns
from bot.outreach.routes import EventApiRoute
from bot.outreach.service import Outreach
from bot.settings import KakaoSettings, OutreachSettings
from tests.conftest import database_url
from tests.support.fake_kakao_events import FakeKakaoEvents
from tests.support.ledger_synth import SEOUL, TODAY, generate
from tests.test_ledger import load_shop

NOON = datetime(TODAY.year, TODAY.month, TODAY.day, 14, 0, tzinfo=SEOUL)


class Clock:
    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def outreach_for(storage: Storage, kb: KnowledgeBase, clock: Callable[[], datetime], routes: dict[str, Any] | None = None,
                 **settings: Any) -> Outreach:
    ledger = Ledger(storage, "Asia/Seoul")
    return Outreach(storage, OutreachSettings(**settings), lambda: kb.snapshot.knowledge.store, ledger, routes or {}, clock=clock)


def consent_row(s: Session, customer: int, status: str, adult: bool, channel: str = "kakao", user_key: str = "",
                at: datetime = NOON - timedelta(days=100)) -> None:
    s.add(Consent(customer_id=customer, channel=channel, user_key=user_key, status=status, adult=adult, adult_source="asked" if adult else "",
                  granted_at=at if status in ("granted", "withdrawn") else None, wording="v1-test", updated_at=at))


def test_the_two_month_dormant_preset_selects_exactly_the_expected_recipients(tmp_path: Path, demo_kb: KnowledgeBase) -> None:
    storage = Storage(make_engine(database_url(tmp_path), tmp_path))
    load_shop(storage)
    shop = generate()
    expected: dict[str, set[int]] = {"send": set(), "withdrawn": set(), "no_consent": set(), "age_unknown": set(), "frequency": set()}
    with Session(storage.engine) as s:
        by_phone = {i.value: i.customer_id for i in s.exec(select(Identity).where(Identity.kind == "phone")).all()}
        earlier = Campaign(name="earlier", preset="miss_you", status="done")
        s.add(earlier)
        s.flush()
        for n, person in enumerate(shop.people):
            who = by_phone[person.phone]
            kind = n % 5  # the test's own consent plan, independent of the product's code
            if kind in (0, 4):
                consent_row(s, who, "granted", adult=True)
            elif kind == 1:
                consent_row(s, who, "withdrawn", adult=True)
            elif kind == 3:
                consent_row(s, who, "granted", adult=False)
            if kind == 4:  # had another 광고 three days ago: the frequency cap holds them back
                s.add(CampaignRecipient(campaign_id=earlier.id, customer_id=who, status="sent", route="friend_group", channel="kakao",
                                        sent_at=(NOON - timedelta(days=3)).astimezone(UTC)))
            if "dormant_60" in person.expected:
                expected[{0: "send", 1: "withdrawn", 2: "no_consent", 3: "age_unknown", 4: "frequency"}[kind]].add(who)
        s.commit()
    assert sum(map(len, expected.values())) == sum(1 for p in shop.people if "dormant_60" in p.expected) == 40
    outreach = outreach_for(storage, demo_kb, Clock(NOON), holdout_percent=0)
    campaign_id = asyncio.run(outreach.draft("dormant_2m", "오랜만이에요! {item}도 새로 나왔어요.", "5% 할인", "", 0, "사장님"))
    campaign = asyncio.run(outreach.campaign(campaign_id))
    assert campaign is not None
    found = asyncio.run(outreach._audience(campaign, NOON))
    got: dict[str, set[int]] = {k: set() for k in expected}
    for who, (decision, route, channel, _user) in found.decisions.items():
        got["send" if decision.ok else decision.reason].add(who)
        if decision.ok:
            assert (route, channel) == ("friend_group", "kakao")  # no Event API configured: the 친구그룹 file, by phone
    assert got == expected
    preview = asyncio.run(outreach.preview(campaign_id))
    assert preview is not None and preview.eligible == len(expected["send"]) and preview.holdout == 0
    assert preview.cost_won == 20 * len(expected["send"])
    assert preview.text.startswith("(광고) 오랜만이에요!") and "{item}" not in preview.text


# --- the Event API route --------------------------------------------------------------------


@pytest.fixture
def fake() -> Iterator[FakeKakaoEvents]:
    f = FakeKakaoEvents()
    yield f
    f.close()


def dormant_chat_customers(storage: Storage, n: int) -> list[str]:
    """`n` customers who chat on Kakao, consented, and last came 90 days ago."""
    users = []
    with Session(storage.engine) as s:
        for i in range(n):
            user = f"kakao-user-{i:03d}"
            who = customers.identify(s, [("kakao", user), ("phone", f"0105555{i:04d}")])
            assert who is not None
            visits.add(s, who, NOON - timedelta(days=90), "staff", f"v{i}")
            consent_row(s, who, "granted", adult=True, user_key=user)
            users.append(user)
        s.commit()
    return users


def event_outreach(storage: Storage, kb: KnowledgeBase, fake: FakeKakaoEvents, clock: Callable[[], datetime]) -> Outreach:
    settings = KakaoSettings(event_name=fake.event, event_bot_id="bot1", event_rest_key=SecretStr(fake.key),
                             event_api_url=fake.talk_url, event_task_url=fake.task_url)
    outreach = outreach_for(storage, kb, clock, holdout_percent=0)
    broadcast = KakaoEventBroadcast(settings, httpx.AsyncClient(timeout=5))
    outreach.routes["event_api"] = EventApiRoute(broadcast, 15, outreach.sender)
    return outreach


def run_until_quiet(outreach: Outreach, passes: int = 8) -> int:
    async def go() -> int:
        total = 0
        for _ in range(passes):
            changed = await outreach.send_due()
            total += changed
            if not changed and not await outreach.storage.call(outreach._pending):
                break  # nothing moved and no Kakao task is still open
        return total
    return asyncio.run(go())


def statuses(storage: Storage, campaign_id: int) -> dict[str, str]:
    with Session(storage.engine) as s:
        return {r.user_key: r.status for r in s.exec(select(CampaignRecipient).where(CampaignRecipient.campaign_id == campaign_id)).all()}


def test_the_event_api_batches_retries_failures_and_never_sends_twice(tmp_path: Path, demo_kb: KnowledgeBase,
                                                                      fake: FakeKakaoEvents) -> None:
    storage = Storage(make_engine(database_url(tmp_path), tmp_path))
    users = dormant_chat_customers(storage, 250)
    fake.failing_users = {users[3], users[170]}  # not a friend any more: fail in the task's results, every time
    fake.script.extend(["ok", "refuse"])  # the second batch is refused outright (nothing was sent): retried
    outreach = event_outreach(storage, demo_kb, fake, Clock(NOON))
    campaign_id = asyncio.run(outreach.draft("dormant_2m", "오랜만이에요! 편하실 때 들러 주세요.", "", "", 0, "사장님"))
    assert asyncio.run(outreach.approve(campaign_id, "사장님"))
    run_until_quiet(outreach)
    assert fake.problems == []
    assert all(1 <= len(c["user"]) <= 100 for c in fake.calls)
    per_user = fake.received_per_user()
    assert len(per_user) == 248 and max(per_user.values()) == 1  # everyone else once, nobody twice
    final = statuses(storage, campaign_id)
    assert final[users[3]] == final[users[170]] == "failed"
    assert sum(1 for st in final.values() if st == "sent") == 248
    calls = len(fake.calls)
    assert run_until_quiet(outreach) == 0 and len(fake.calls) == calls  # a re-run sends nothing
    texts = {text for _, text in fake.delivered}
    assert len(texts) == 1 and next(iter(texts)).startswith("(광고) 오랜만이에요!")
    r = asyncio.run(outreach.results(campaign_id))
    assert r is not None and r.sent == 248 and r.counts["failed"] == 2


def test_a_batch_that_may_have_arrived_is_never_repeated(tmp_path: Path, demo_kb: KnowledgeBase, fake: FakeKakaoEvents) -> None:
    storage = Storage(make_engine(database_url(tmp_path), tmp_path))
    dormant_chat_customers(storage, 150)
    fake.script.extend(["drop", "http-500"])  # the connection dies after the request arrived; then a 500
    outreach = event_outreach(storage, demo_kb, fake, Clock(NOON))
    campaign_id = asyncio.run(outreach.draft("dormant_2m", "오랜만이에요!", "", "", 0, "사장님"))
    asyncio.run(outreach.approve(campaign_id, "사장님"))
    run_until_quiet(outreach)
    final = statuses(storage, campaign_id)
    assert sum(1 for st in final.values() if st == "unknown") == 150  # both batches: marked unknown, not resent
    assert len(fake.calls) == 2 and max(fake.received_per_user().values()) == 1


def test_a_task_that_does_not_say_who_failed_is_recorded_as_unknown(tmp_path: Path, demo_kb: KnowledgeBase,
                                                                    fake: FakeKakaoEvents) -> None:
    storage = Storage(make_engine(database_url(tmp_path), tmp_path))
    users = dormant_chat_customers(storage, 20)
    fake.failing_users = {users[0]}
    fake.task_list_format = "missing"
    fake.pending_polls = 2  # Kakao is still working on it for two polls
    outreach = event_outreach(storage, demo_kb, fake, Clock(NOON))
    campaign_id = asyncio.run(outreach.draft("dormant_2m", "오랜만이에요!", "", "", 0, "사장님"))
    asyncio.run(outreach.approve(campaign_id, "사장님"))
    run_until_quiet(outreach)
    assert set(statuses(storage, campaign_id).values()) == {"unknown"} and len(fake.calls) == 1


def test_adverts_wait_for_the_morning_and_each_coupon_is_the_recipients_own(tmp_path: Path, demo_kb: KnowledgeBase,
                                                                             fake: FakeKakaoEvents) -> None:
    storage = Storage(make_engine(database_url(tmp_path), tmp_path))
    dormant_chat_customers(storage, 5)
    clock = Clock(NOON.replace(hour=20, minute=30))
    outreach = event_outreach(storage, demo_kb, fake, clock)
    campaign_id = asyncio.run(outreach.draft("dormant_2m", "오랜만이에요!", "5% 할인", "", 0, "사장님"))
    preview = asyncio.run(outreach.preview(campaign_id))
    assert preview is not None and preview.waits_until == "내일 9시"
    asyncio.run(outreach.approve(campaign_id, "사장님"))
    run_until_quiet(outreach)
    assert fake.calls == []  # approved at 20:30: nothing leaves at night
    clock.at = NOON.replace(hour=8, minute=59) + timedelta(days=1)
    run_until_quiet(outreach)
    assert fake.calls == []
    clock.at = NOON.replace(hour=9, minute=0) + timedelta(days=1)
    run_until_quiet(outreach)
    assert len(fake.calls) == 5 and all(len(c["user"]) == 1 for c in fake.calls)  # a coupon code each: one text per user
    codes = {text.split("쿠폰 번호 ")[1][:6] for _, text in fake.delivered}
    assert len(codes) == 5
    code = next(iter(codes))
    assert asyncio.run(outreach.redeem(code.lower(), "민지"))[0] == "ok"
    assert asyncio.run(outreach.redeem(code, "민지"))[0] == "used"
    assert asyncio.run(outreach.redeem("ZZZZZZ", "민지"))[0] == "unknown"
    r = asyncio.run(outreach.results(campaign_id))
    assert r is not None and r.redeemed == 1 and r.sent_back == 1  # a redeemed coupon is a visit


def test_a_withdrawal_after_approval_stops_that_message(tmp_path: Path, demo_kb: KnowledgeBase, fake: FakeKakaoEvents) -> None:
    storage = Storage(make_engine(database_url(tmp_path), tmp_path))
    users = dormant_chat_customers(storage, 3)
    clock = Clock(NOON.replace(hour=7))
    outreach = event_outreach(storage, demo_kb, fake, clock)
    campaign_id = asyncio.run(outreach.draft("dormant_2m", "오랜만이에요!", "", "", 0, "사장님"))
    asyncio.run(outreach.approve(campaign_id, "사장님"))
    from bot.messages import Turn

    asyncio.run(outreach.withdraw(Turn("광고 그만 보내세요", users[1], "kakao")))
    clock.at = NOON
    run_until_quiet(outreach)
    assert set(fake.received_per_user()) == {users[0], users[2]}
    with Session(storage.engine) as s:
        row = s.exec(select(CampaignRecipient).where(CampaignRecipient.user_key == users[1])).one()
    assert (row.status, row.reason) == ("suppressed", "withdrawn")


def test_the_group_code_of_a_friend_group_message_is_redeemed_with_a_phone(tmp_path: Path, demo_kb: KnowledgeBase) -> None:
    storage = Storage(make_engine(database_url(tmp_path), tmp_path))
    dormant_chat_customers(storage, 2)
    outreach = outreach_for(storage, demo_kb, Clock(NOON), holdout_percent=0)
    campaign_id = asyncio.run(outreach.draft("dormant_2m", "오랜만이에요!", "5% 할인", "", 0, "사장님"))
    asyncio.run(outreach.approve(campaign_id, "사장님"))
    run_until_quiet(outreach)
    text, people = asyncio.run(outreach.manual(campaign_id, "friend_group"))
    assert len(people) == 2 and text.startswith("(광고)") and outreach.group_code(campaign_id) in text
    assert asyncio.run(outreach.friend_group_csv(campaign_id, header=True)).decode().split("\r\n")[:3] == ["전화번호", "01055550000", "01055550001"]
    assert asyncio.run(outreach.manual_sent(campaign_id, "friend_group")) == 2
    code = outreach.group_code(campaign_id)
    assert asyncio.run(outreach.redeem(code, "민지"))[0] == "need_phone"
    assert asyncio.run(outreach.redeem(code, "민지", "010-5555-0001"))[0] == "ok"
    assert asyncio.run(outreach.redeem(code, "민지", "01055550001"))[0] == "used"
    assert campaigns.in_holdout(campaign_id, 1, 0) is False


def test_a_recipients_code_that_starts_with_g_is_not_taken_for_a_group_code(tmp_path: Path, demo_kb: KnowledgeBase) -> None:
    storage = Storage(make_engine(database_url(tmp_path), tmp_path))
    with Session(storage.engine) as s:
        who = customers.identify(s, [("phone", "01099990000")])
        campaign = Campaign(name="c", preset="dormant_2m", coupon="5% 할인", status="done", approved_at=NOON.astimezone(UTC))
        s.add(campaign)
        s.flush()
        s.add(CampaignRecipient(campaign_id=campaign.id, customer_id=who, status="sent", coupon_code="GHKMNP",
                                sent_at=NOON.astimezone(UTC)))
        s.commit()
    outreach = outreach_for(storage, demo_kb, Clock(NOON))
    assert asyncio.run(outreach.redeem("ghkmnp", "민지"))[0] == "ok"
    assert len(outreach.group_code(1)) == 7 and outreach.group_code(1).startswith("G")
