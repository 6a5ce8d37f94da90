"""Outreach as the server uses it: the consent questions in the chat, withdrawal from any chat,
campaigns from draft to results, and the sender that delivers approved campaigns through the
routes, re-checking the gate for every recipient just before their message leaves.

Every database call runs off the event loop (Storage.call).
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlmodel import Session, col, select

from bot.db import Campaign, CampaignRecipient, Conversation, Storage, Visit
from bot.kb.records import Store
from bot.ledger import visits as ledger_visits
from bot.ledger.customers import find
from bot.ledger.service import Ledger
from bot.messages import QuickReply, Reply, Turn
from bot.outreach import campaigns, consent
from bot.outreach.gate import REASON_KO, Rules, decide
from bot.outreach.presets import PRESETS
from bot.outreach.routes import ManualRoute, Outgoing, Route, Submitted
from bot.settings import OutreachSettings
from skills.base import YES

log = logging.getLogger(__name__)

GRANT_QR = QuickReply("받을게요", "광고 메시지 받을게요")
REFUSE_QR = QuickReply("안 받을게요", "동의하지 않을게요")  # not a 수신거부 (nothing was granted to withdraw)
ADULT_QR = QuickReply("네, 14세 이상", "네, 만 14세 이상이에요")
CHILD_QR = QuickReply("아니요", "아니요, 만 14세 미만이에요")
NO = re.compile(r"^\s*(아니|아뇨|안\s*받|싫|괜찮|됐|노|no|ㄴㄴ|nope|거절|필요\s*없)", re.I)
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Preview:
    campaign: Campaign
    text: str
    picked: int
    eligible: int
    holdout: int
    reasons: list[tuple[str, int]]  # Korean reason, count
    routes: list[tuple[str, int]]  # Korean route, count
    cost_won: int
    waits_until: str  # "" when it can go now; else when it will


class Outreach:
    def __init__(self, storage: Storage, settings: OutreachSettings, store: Callable[[], Store], ledger: Ledger,
                 routes: dict[str, Route] | None = None, clock: Callable[[], datetime] | None = None,
                 client: httpx.AsyncClient | None = None):
        self.storage = storage
        self.settings = settings
        self.store = store
        self.ledger = ledger
        self.routes = routes if routes is not None else {}  # the server adds the routes after making the service
        self.clock = clock
        self.client = client  # the routes' HTTP client, closed with the service
        self._lock = asyncio.Lock()

    async def close(self) -> None:
        if self.client is not None:
            await self.client.aclose()

    # --- time and rules -------------------------------------------------------------------

    def now(self, at: datetime | None = None) -> datetime:
        zone = ZoneInfo(self.store().timezone)
        if at is not None:
            return at.astimezone(zone) if at.tzinfo else at.replace(tzinfo=zone)
        now = self.clock() if self.clock else datetime.now(UTC)
        return now.replace(tzinfo=zone) if now.tzinfo is None else now.astimezone(zone)  # a naive clock is store time

    @property
    def rules(self) -> Rules:
        s = self.settings
        return Rules(s.ad_start_hour, s.ad_end_hour, s.frequency_days, s.talktalk_ads)

    def available(self) -> dict[str, bool]:
        return {name: True for name, r in self.routes.items() if r.automatic}

    def _route(self, name: str) -> Route:
        found = self.routes.get(name)
        if found is not None:
            return found
        cost = self.settings.friend_group_won if name == "friend_group" else 0
        return ManualRoute(name, cost, self.sender)

    def sender(self) -> tuple[str, str]:
        store = self.store()
        return store.name, store.phone

    # --- consent in the chat ----------------------------------------------------------------

    async def note_age(self, channel: str, user_key: str, under14: bool) -> None:
        """TalkTalk's `open` event: remember whether the user is under 14."""
        def run() -> None:
            self.storage.conversation_id(channel=channel, user_key=user_key)
            with Session(self.storage.engine) as s:
                row = s.exec(select(Conversation).where(Conversation.channel == channel, Conversation.user_key == user_key)).first()
                if row is not None and row.under14 != under14:
                    row.under14 = under14
                    s.add(row)
                    s.commit()
        await self.storage.call(run)

    async def offer(self, turn: Turn, reply: Reply, now: datetime) -> Reply:
        """After a booking or a stamp: the optional consent question, once in a while, never to a child."""
        if not self.settings.ask_consent or turn.channel not in consent.CHANNEL_KO or reply.awaiting or reply.escalate:
            return reply

        def run() -> bool:
            with Session(self.storage.engine) as s:
                st = consent.standing(s, turn.channel, turn.user_key)
                if not consent.ask_due(st, now, self.settings.reask_days):
                    return False
                consent.asked(s, turn.channel, turn.user_key, now)
                return True
        if not await self.storage.call(run):
            return reply
        ask = consent.ASK.format(store=self.store().name, channel=consent.CHANNEL_KO[turn.channel])
        return replace(reply, texts=[*reply.texts, ask], card_texts=[*reply.card_texts, ask] if reply.card_texts is not None else None,
                       quick_replies=[GRANT_QR, REFUSE_QR, *reply.quick_replies][:10], awaiting="consent", state={"step": "ask"})

    async def answer(self, turn: Turn, step: str, now: datetime) -> Reply | None:
        """The customer's answer to the consent (or age) question; None when the message is something else."""
        text = turn.text.strip()
        yes = text in (GRANT_QR.text, ADULT_QR.text) or (len(text) <= 15 and bool(YES.match(text)) and "?" not in text)
        no = text in (REFUSE_QR.text, CHILD_QR.text) or (len(text) <= 15 and bool(NO.match(text)) and "?" not in text)
        if yes == no:
            return None
        channel, user = turn.channel, turn.user_key
        when = f"{now.year}년 {now.month}월 {now.day}일"

        def run(action: str, source: str = "") -> None:
            with Session(self.storage.engine) as s:
                if action == "grant":
                    consent.grant(s, channel, user, text, source, now)
                elif action == "decline":
                    consent.decline(s, channel, user, text, now)
                else:
                    consent.decline(s, channel, user, text, now, action="under14")

        if step == "ask":
            if no:
                await self.storage.call(run, action="decline")
                return Reply("smalltalk", [consent.DECLINED])
            flag = await self.storage.call(self._under14, channel=channel, user=user)
            if flag is False:  # TalkTalk said the user is 14 or older
                await self.storage.call(run, action="grant", source="talktalk")
                return Reply("smalltalk", [consent.GRANTED.format(date=when)])
            if flag is True:
                await self.storage.call(run, action="under14")
                return Reply("smalltalk", [consent.UNDER14])
            return Reply("smalltalk", [consent.AGE_ASK], quick_replies=[ADULT_QR, CHILD_QR], awaiting="consent", state={"step": "age"})
        if yes:
            await self.storage.call(run, action="grant", source="asked")
            return Reply("smalltalk", [consent.GRANTED.format(date=when)])
        await self.storage.call(run, action="under14")
        return Reply("smalltalk", [consent.UNDER14])

    def _under14(self, channel: str, user: str) -> bool | None:
        with Session(self.storage.engine) as s:
            return consent.under14(s, channel, user)

    async def withdraw(self, turn: Turn) -> Reply:
        """수신거부 from any chat: withdrawn at once, confirmed in the same chat, logged."""
        now = self.now(turn.now)

        def run() -> bool:
            with Session(self.storage.engine) as s:
                return consent.withdraw(s, turn.channel, turn.user_key, turn.text, now)
        was = await self.storage.call(run)
        log.info("outreach: consent withdrawn on %s (%s)", turn.channel, "was granted" if was else "none was granted")
        return Reply("smalltalk", [consent.WITHDRAWN.format(date=f"{now.month}월 {now.day}일", store=self.store().name)])

    async def consents(self, customer_id: int) -> tuple[list[Any], list[Any]]:
        def run() -> tuple[list[Any], list[Any]]:
            with Session(self.storage.engine) as s:
                a, b = consent.history(s, customer_id)
                return list(a), list(b)
        return await self.storage.call(run)

    # --- campaigns -----------------------------------------------------------------------

    async def draft(self, preset: str, body: str, coupon: str, item: str, holdout: int | None, staff: str,
                    campaign_id: int | None = None) -> int:
        p = PRESETS[preset]
        name = f"{p.title} ({self.now().month}월 {self.now().day}일)"

        def run() -> int:
            with Session(self.storage.engine) as s:
                c = s.get(Campaign, campaign_id) if campaign_id else None
                if c is None or c.status != "draft":
                    c = Campaign(name=name[:80], preset=preset, created_by=staff)
                c.body, c.coupon, c.item = body.strip()[:1000], coupon.strip()[:60], item.strip()[:100]
                c.coupon_days = self.settings.coupon_days
                c.holdout_percent = self.settings.holdout_percent if holdout is None else max(0, min(50, holdout))
                s.add(c)
                s.commit()
                assert c.id is not None
                return c.id
        return await self.storage.call(run)

    async def _audience(self, c: Campaign, now: datetime) -> campaigns.Audience:
        picture = await self.ledger.picture(now.date())
        items = await self.storage.call(self._items) if PRESETS[c.preset].needs_item else {}

        def run() -> campaigns.Audience:
            with Session(self.storage.engine) as s:
                return campaigns.audience(s, picture, items, c.preset, c.item, now, self.rules, self.available())
        return await self.storage.call(run)

    def _items(self) -> dict[int, set[str]]:
        out: dict[int, set[str]] = {}
        with Session(self.storage.engine) as s:
            for customer, items in ledger_visits.all_items(s):
                out.setdefault(customer, set()).update(items)
        return out

    async def campaign(self, campaign_id: int) -> Campaign | None:
        def run() -> Campaign | None:
            with Session(self.storage.engine) as s:
                return s.get(Campaign, campaign_id)
        return await self.storage.call(run)

    async def all_campaigns(self) -> list[Campaign]:
        def run() -> list[Campaign]:
            with Session(self.storage.engine) as s:
                return list(s.exec(select(Campaign).order_by(col(Campaign.id).desc()).limit(50)).all())
        return await self.storage.call(run)

    def waits_until(self, now: datetime) -> str:
        r = self.rules
        if now.hour < max(9, r.start_hour):
            return f"오늘 {max(9, r.start_hour)}시"
        if now.hour >= min(20, r.end_hour):
            return f"내일 {max(9, r.start_hour)}시"
        return ""

    async def preview(self, campaign_id: int) -> Preview | None:
        c = await self.campaign(campaign_id)
        if c is None:
            return None
        now = self.now()
        found = await self._audience(c, now)
        store = self.store()
        eligible = found.eligible
        held = sum(campaigns.in_holdout(campaign_id, x, c.holdout_percent) for x in eligible)
        routes = found.routes()
        # The hold-out group is not sent: its share of each route costs nothing.
        send_share = (len(eligible) - held) / len(eligible) if eligible else 0
        cost = round(sum(n * self._route(r).cost_won for r, n in routes.items()) * send_share)
        until = now + timedelta(days=c.coupon_days)
        return Preview(c, campaigns.text_of(c, store.name, store.phone, "AB3C7D" if c.coupon else "", until), len(found.picked),
                       len(eligible) - held, held,
                       [(REASON_KO.get(k, k), n) for k, n in found.reasons().most_common()],
                       [(campaigns.ROUTE_KO.get(k, k), n) for k, n in routes.most_common()], cost, self.waits_until(now))

    async def approve(self, campaign_id: int, staff: str) -> bool:
        c = await self.campaign(campaign_id)
        if c is None or c.status != "draft":
            return False
        now = self.now()
        found = await self._audience(c, now)

        def run() -> None:
            with Session(self.storage.engine) as s:
                row = s.get(Campaign, campaign_id)
                if row is not None and row.status == "draft":
                    campaigns.approve(s, row, found, staff, now.astimezone(UTC))
        await self.storage.call(run)
        return True

    async def cancel(self, campaign_id: int) -> None:
        def run() -> None:
            with Session(self.storage.engine) as s:
                c = s.get(Campaign, campaign_id)
                if c is not None and c.status in ("draft", "approved", "sending"):
                    c.status = "cancelled"
                    s.add(c)
                    for r in s.exec(select(CampaignRecipient).where(CampaignRecipient.campaign_id == campaign_id,
                                                                    CampaignRecipient.status == "queued")).all():
                        r.status, r.reason = "suppressed", "cancelled"
                        s.add(r)
                    s.commit()
        await self.storage.call(run)

    async def results(self, campaign_id: int) -> campaigns.Results | None:
        def run() -> campaigns.Results | None:
            with Session(self.storage.engine) as s:
                c = s.get(Campaign, campaign_id)
                return campaigns.results(s, c) if c else None
        return await self.storage.call(run)

    async def manual(self, campaign_id: int, route: str) -> tuple[str, list[tuple[str, str]]]:
        """The text and the recipients (label, phone) a manual route waits for the owner to send."""
        def run() -> tuple[str, list[tuple[str, str]]]:
            with Session(self.storage.engine) as s:
                c = s.get(Campaign, campaign_id)
                rows = list(s.exec(select(CampaignRecipient).where(CampaignRecipient.campaign_id == campaign_id,
                                                                   CampaignRecipient.route == route,
                                                                   CampaignRecipient.status == "manual")).all())
                reach = campaigns.reach(s, [r.customer_id for r in rows])
                names = campaigns.labels(s, [r.customer_id for r in rows])
                store = self.store()
                text = campaigns.text_of(c, store.name, store.phone, self.group_code(campaign_id), None) if c else ""
                return text, [(names.get(r.customer_id, ""), reach[r.customer_id].phone) for r in rows]
        return await self.storage.call(run)

    @staticmethod
    def group_code(campaign_id: int) -> str:
        """The code a 친구그룹 message carries (one text for the whole group): the campaign's, redeemed with a phone."""
        alphabet = campaigns.COUPON_ALPHABET
        n = campaign_id * 7919 + 31
        code = ""
        for _ in range(6):  # G + 6: never the shape of a recipient's own 6-character code
            n, r = divmod(n, len(alphabet))
            code += alphabet[r]
        return "G" + code

    async def friend_group_csv(self, campaign_id: int, header: bool) -> bytes:
        """The customer file for the Kakao channel admin's 친구그룹: one phone number a line (the exact
        format is not documented: with or without a header row, the owner picks)."""
        _, people = await self.manual(campaign_id, "friend_group")
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\r\n")
        if header:
            w.writerow(["전화번호"])
        for _, phone in people:
            if phone:
                w.writerow([phone])
        return out.getvalue().encode("utf-8")

    async def manual_sent(self, campaign_id: int, route: str) -> int:
        """The owner sent a manual route's message: its recipients count as messaged now."""
        now = self.now().astimezone(UTC)

        def run() -> int:
            with Session(self.storage.engine) as s:
                rows = list(s.exec(select(CampaignRecipient).where(CampaignRecipient.campaign_id == campaign_id,
                                                                   CampaignRecipient.route == route,
                                                                   CampaignRecipient.status == "manual",
                                                                   col(CampaignRecipient.sent_at).is_(None))).all())
                for r in rows:
                    r.status, r.sent_at = "sent", now
                    s.add(r)
                s.commit()
                return len(rows)
        return await self.storage.call(run)

    async def redeem(self, code: str, staff: str, phone: str = "") -> tuple[str, str]:
        """(outcome, campaign name): a coupon handed in at the counter."""
        now = self.now().astimezone(UTC)
        code = re.sub(r"[^A-Za-z0-9]", "", code).upper()

        def run() -> tuple[str, str]:
            with Session(self.storage.engine) as s:
                if code.startswith("G") and len(code) == 7:
                    return self._redeem_group(s, code, phone, staff, now)
                outcome, _, c = campaigns.redeem(s, code, staff, now)
                return outcome, c.name if c else ""
        return await self.storage.call(run)

    def _redeem_group(self, s: Session, code: str, phone: str, staff: str, now: datetime) -> tuple[str, str]:
        for c in s.exec(select(Campaign).where(col(Campaign.status).in_(("approved", "sending", "done")))).all():
            if c.id is not None and self.group_code(c.id) == code:
                who = find(s, "phone", phone) if phone else None
                if who is None:
                    return "need_phone", c.name
                row = s.exec(select(CampaignRecipient).where(CampaignRecipient.campaign_id == c.id,
                                                             CampaignRecipient.customer_id == who.customer_id)).first()
                if row is None or row.grp != "send" or row.status not in campaigns.SENT + ("sent",):
                    return "unknown", c.name
                if row.redeemed_at is not None:
                    return "used", c.name
                row.redeemed_at, row.redeemed_by = now, staff
                s.add(row)
                s.add(Visit(customer_id=row.customer_id, at=now, source="coupon", kind="visit", ref=f"coupon:{code}:{row.customer_id}"))
                s.commit()
                return "ok", c.name
        return "unknown", ""

    # --- the sender ------------------------------------------------------------------------

    async def send_due(self) -> int:
        """One pass: settle pending Event API tasks, then send what is queued and allowed now. Returns
        how many messages changed state. Safe to run from several processes' loops: a recipient is
        claimed (queued -> sending) in its own transaction before anything leaves."""
        async with self._lock:
            changed = await self._settle_pending()
            for c in await self.storage.call(self._active):
                changed += await self._send_campaign(c)
            return changed

    def _active(self) -> list[Campaign]:
        with Session(self.storage.engine) as s:
            return list(s.exec(select(Campaign).where(col(Campaign.status).in_(("approved", "sending")))).all())

    async def _send_campaign(self, c: Campaign) -> int:
        assert c.id is not None
        now = self.now()
        store = self.store()
        queued = await self.storage.call(self._queued, campaign_id=c.id)
        if not queued:
            await self.storage.call(self._finish, campaign_id=c.id, now=now.astimezone(UTC))
            return 0
        picture_since = campaigns.utc(c.approved_at)
        found = await self.storage.call(self._facts, ids=[r.customer_id for r in queued], since=picture_since, now=now)
        reach, last, open_chat, complaint, visited, under = found
        until = now + timedelta(days=c.coupon_days)
        by_route: dict[str, list[Outgoing]] = {}
        verdicts: dict[int, tuple[str, str]] = {}
        for r in queued:
            assert r.id is not None
            rc = reach.get(r.customer_id, campaigns.Reach())
            f = campaigns.facts_for(rc, r.route, r.channel, now, last.get(r.customer_id), r.customer_id in open_chat,
                                    r.customer_id in complaint, r.customer_id in visited, under.get(r.customer_id))
            d = decide(f, self.rules)
            if d.outcome == "wait":
                continue
            if d.outcome == "suppress":
                verdicts[r.id] = ("suppressed", d.reason)
                continue
            code = r.coupon_code or ""
            if r.route == "friend_group":
                code = self.group_code(c.id)
            text = campaigns.text_of(c, store.name, store.phone, code, until)
            by_route.setdefault(r.route, []).append(Outgoing(r.id, r.user_key, rc.phone, text, "광고"))
        if verdicts:
            await self.storage.call(self._mark, verdicts=verdicts, now=now.astimezone(UTC))
        changed = len(verdicts)
        for name, messages in by_route.items():
            claimed = await self.storage.call(self._claim, ids=[m.recipient for m in messages])
            messages = [m for m in messages if m.recipient in claimed]
            if not messages:
                continue
            route = self._route(name)
            try:
                done = await route.submit(messages)
            except Exception:
                log.exception("outreach: route %s failed; its messages are recorded as unknown, never resent", name)
                done = Submitted({m.recipient: "unknown" for m in messages}, {})
            await self.storage.call(self._record, status=done.status, tasks=done.tasks, now=now.astimezone(UTC))
            changed += len(messages)
        if c.status == "approved":
            await self.storage.call(self._status, campaign_id=c.id, status="sending")
        return changed

    def _queued(self, campaign_id: int) -> list[CampaignRecipient]:
        with Session(self.storage.engine) as s:
            return list(s.exec(select(CampaignRecipient).where(
                CampaignRecipient.campaign_id == campaign_id, CampaignRecipient.grp == "send",
                col(CampaignRecipient.status).in_(("queued", "failed")), CampaignRecipient.attempts < MAX_ATTEMPTS,
                col(CampaignRecipient.reason) != "final")).all())

    def _facts(self, ids: list[int], since: datetime | None, now: datetime) -> tuple[Any, ...]:
        with Session(self.storage.engine) as s:
            reach = campaigns.reach(s, ids)
            last = campaigns.last_ads(s, ids)
            open_chat, complaint = campaigns.troubles(s, reach, now)
            visited = campaigns.visited_after(s, ids, since) if since else set()
            under = campaigns._under14(s, reach)
            return reach, last, open_chat, complaint, visited, under

    def _mark(self, verdicts: dict[int, tuple[str, str]], now: datetime) -> None:
        with Session(self.storage.engine) as s:
            for rid, (status, reason) in verdicts.items():
                r = s.get(CampaignRecipient, rid)
                if r is not None:
                    r.status, r.reason = status, reason
                    s.add(r)
            s.commit()

    def _claim(self, ids: list[int]) -> set[int]:
        """queued/failed -> sending, one transaction: what another process claimed first is not sent here."""
        from sqlalchemy import update

        table = CampaignRecipient.__table__  # type: ignore[attr-defined]
        with self.storage.engine.begin() as conn:
            rows = conn.execute(update(table).where(table.c.id.in_(ids), table.c.status.in_(("queued", "failed")))
                                .values(status="sending", attempts=table.c.attempts + 1).returning(table.c.id)).all()
        return {r[0] for r in rows}

    def _record(self, status: dict[int, str], tasks: dict[int, str], now: datetime) -> None:
        with Session(self.storage.engine) as s:
            for rid, st in status.items():
                r = s.get(CampaignRecipient, rid)
                if r is None:
                    continue
                if st == "pending":
                    r.task_id = tasks.get(rid, "")
                    r.status = "sending"
                    r.sent_at = now  # counts against the frequency cap from the moment Kakao accepted it
                else:
                    r.status = st
                    if st in ("sent", "unknown"):
                        r.sent_at = r.sent_at or now
                    if st == "failed" and r.attempts >= MAX_ATTEMPTS:
                        r.reason = "final"
                    elif st == "failed":
                        r.reason = "send_failed"
                s.add(r)
            s.commit()

    async def _settle_pending(self) -> int:
        pending = await self.storage.call(self._pending)
        by_task: dict[tuple[str, str], list[CampaignRecipient]] = {}
        changed = 0
        lost = [r.id for r in pending if not r.task_id]
        if lost:  # claimed, then the process stopped before Kakao answered: it may have arrived
            await self.storage.call(self._record, status=dict.fromkeys(lost, "unknown"), tasks={}, now=self.now().astimezone(UTC))
            changed += len(lost)
        for r in pending:
            if r.task_id:
                by_task.setdefault((r.route, r.task_id), []).append(r)
        for (route_name, task_id), rows in by_task.items():
            route = self._route(route_name)
            messages = [Outgoing(r.id or 0, r.user_key, "", "", "광고") for r in rows]
            settled = await route.settle(task_id, messages)
            if settled is None:
                continue
            await self.storage.call(self._record, status=settled, tasks={}, now=self.now().astimezone(UTC))
            changed += len(settled)
        return changed

    def _pending(self) -> list[CampaignRecipient]:
        with Session(self.storage.engine) as s:
            return list(s.exec(select(CampaignRecipient).where(CampaignRecipient.status == "sending")).all())

    def _status(self, campaign_id: int, status: str) -> None:
        with Session(self.storage.engine) as s:
            c = s.get(Campaign, campaign_id)
            if c is not None and c.status in ("approved", "sending"):
                c.status = status
                s.add(c)
                s.commit()

    def _finish(self, campaign_id: int, now: datetime) -> None:
        with Session(self.storage.engine) as s:
            busy = s.exec(select(CampaignRecipient.id).where(CampaignRecipient.campaign_id == campaign_id,
                                                             CampaignRecipient.status == "sending")).first()
            c = s.get(Campaign, campaign_id)
            if busy is None and c is not None and c.status in ("approved", "sending"):
                c.status, c.finished_at = "done", now
                s.add(c)
                s.commit()


async def loop(outreach: Outreach, jobs: list[Callable[[], Any]], stop: asyncio.Event, every_s: float) -> None:
    """The outreach jobs (sender, notices, re-confirmation, digest), every `every_s`; never raises."""
    while not stop.is_set():
        for job in jobs:
            try:
                await job()
            except Exception:  # noqa: BLE001 - a failed pass is tried again on the next one
                log.exception("outreach job %s failed", getattr(job, "__name__", job))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every_s)
