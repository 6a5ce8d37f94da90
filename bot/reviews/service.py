"""Reviews as the server keeps them: imported from pastes or a table without any platform password,
de-duplicated on (platform, author, date, text), analysed once at import, urgent ones alerted to the
owner at once; drafts made on demand from the live knowledge; the owner's approved reply kept with
its history; trends by week and platform.

Every database call runs off the event loop (Storage.call).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import statistics
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlmodel import Session, col, select

from bot.db import Review, ReviewReply, Storage
from bot.reviews import drafts as drafting
from bot.reviews import paste
from bot.reviews.analysis import analyse
from bot.reviews.urgent import KIND_KO

log = logging.getLogger(__name__)
PLATFORM_URL = {"naver": "https://new.smartplace.naver.com/", "kakao": "https://business.kakao.com/", "baemin": "https://self.baemin.com/",
                "coupangeats": "https://store.coupangeats.com/", "yogiyo": "https://ceo.yogiyo.co.kr/", "table": ""}
PLATFORM_KO = {**paste.PLATFORMS, "table": "직접 입력"}


def fingerprint(platform: str, author: str, written: date | None, text: str) -> str:
    """The same review pasted twice (or copied again with the page's other reviews) is one review."""
    norm = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    key = f"{platform}|{author.strip()}|{written.isoformat() if written else ''}|{norm}"
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass
class Imported:
    added: int = 0
    duplicates: int = 0
    problems: list[str] = field(default_factory=list)
    urgent: list[int] = field(default_factory=list)  # ids of the new urgent reviews
    platform: str = ""


@dataclass
class Trends:
    weeks: list[tuple[date, int, int, int, float | None]]  # (week start, positive, neutral, negative, mean rating)
    platforms: list[tuple[str, int, float | None, int, int]]  # (platform, reviews, mean rating, negative, replied)
    negative_aspects: list[tuple[str, int, list[str]]]  # (aspect, count, example sentences)
    reply_rate: int | None  # percent of reviews replied
    reply_hours: float | None  # median hours from import to the owner's reply
    items: list[tuple[str, int, int]]  # (menu item, mentions, negative mentions)
    total: int


class Reviews:
    def __init__(self, storage: Storage, knowledge: Callable[[], Any], menu: Callable[[], Any], webhook_url: str = "",
                 client: httpx.AsyncClient | None = None, clock: Callable[[], datetime] | None = None, model: Any = None):
        self.storage = storage
        self.knowledge = knowledge  # () -> Knowledge, live
        self.menu = menu  # () -> MenuMatcher, live: reviews that name menu items are linked to them
        self.webhook_url = webhook_url
        self.client = client
        self.clock = clock
        self.model = model  # the configured chat model (bot/llm/model.py), or None: drafts from templates only
        self.pending: set[asyncio.Task[None]] = set()

    def now(self) -> datetime:
        zone = ZoneInfo(self.knowledge().store.timezone)
        now = self.clock() if self.clock else datetime.now(UTC)
        return now.replace(tzinfo=zone) if now.tzinfo is None else now.astimezone(zone)

    # --- import -----------------------------------------------------------------------------

    async def import_paste(self, text: str, platform: str | None, captured_on: date | None = None) -> Imported:
        parsed = paste.parse(text, platform or None, captured_on or self.now().date())
        return await self._store(parsed)

    async def import_table(self, name: str, data: bytes) -> Imported:
        return await self._store(paste.parse_table(name, data))

    async def _store(self, parsed: paste.PasteResult) -> Imported:
        menu = self.menu()
        rows = []
        for r in parsed.reviews:
            a = analyse(r.text, r.rating)
            items = sorted({m.item.name for m in menu.find(r.text)} | {m.item.name for line in r.menu for m in menu.find(line)})
            rows.append((r, a, items))

        def run() -> Imported:
            out = Imported(problems=list(parsed.problems), platform=parsed.platform)
            with Session(self.storage.engine) as s:
                for r, a, items in rows:
                    fp = fingerprint(r.platform, r.author, r.date, r.text)
                    if s.exec(select(Review.id).where(Review.platform == r.platform, Review.fingerprint == fp)).first() is not None:
                        out.duplicates += 1
                        continue
                    row = Review(platform=r.platform, author=r.author[:60], written_on=r.date, rating=r.rating, text=r.text,
                                 platform_reply=r.owner_reply or "", menu=list(r.menu), items=items, sentiment=a.sentiment,
                                 score=a.score, aspects=a.aspects, evidence=a.evidence, urgent=list(a.urgent), fingerprint=fp,
                                 status="replied" if r.owner_reply else "new")
                    s.add(row)
                    s.flush()
                    out.added += 1
                    if a.urgent and not r.owner_reply:
                        assert row.id is not None
                        out.urgent.append(row.id)
                s.commit()
            return out
        result = await self.storage.call(run)
        if result.urgent:
            self._alert(result.urgent)
        return result

    def _alert(self, ids: list[int]) -> None:
        """Urgent reviews to the owner at once, through the notification webhook (Slack and Discord accept it)."""
        if not self.webhook_url or self.client is None:
            return

        async def post() -> None:
            for review in await self.storage.call(self._rows, ids=ids):
                kinds = ", ".join(KIND_KO[k] for k in review.urgent)
                text = f"[단골] 급한 리뷰 ({PLATFORM_KO.get(review.platform, review.platform)}, {kinds}): {review.text[:150]}"
                try:
                    r = await self.client.post(self.webhook_url, json={"text": text, "content": text})  # type: ignore[union-attr]
                    log.info("urgent review webhook: HTTP %s", r.status_code)
                except httpx.HTTPError:
                    log.exception("urgent review webhook failed")

        task = asyncio.get_running_loop().create_task(post())
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    def _rows(self, ids: list[int]) -> list[Review]:
        with Session(self.storage.engine) as s:
            return list(s.exec(select(Review).where(col(Review.id).in_(ids)).order_by(col(Review.id))).all())

    # --- reading ----------------------------------------------------------------------------

    async def find(self, show: str = "all", platform: str = "", limit: int = 100) -> list[Review]:
        def run() -> list[Review]:
            with Session(self.storage.engine) as s:
                q = select(Review)
                if show == "urgent":
                    q = q.where(Review.status == "new", Review.sentiment != "positive")
                elif show == "new":
                    q = q.where(Review.status == "new")
                if platform:
                    q = q.where(Review.platform == platform)
                rows = list(s.exec(q.order_by(col(Review.id).desc()).limit(500)).all())
            if show == "urgent":
                rows = [r for r in rows if r.urgent]
            # Unanswered urgent ones first, then the newest.
            rows.sort(key=lambda r: (not (r.urgent and r.status == "new"), -(r.id or 0)))
            return rows[:limit]
        return await self.storage.call(run)

    async def urgent_open(self) -> list[Review]:
        return await self.find("urgent", limit=20)

    async def get(self, review_id: int) -> tuple[Review, list[ReviewReply]] | None:
        def run() -> tuple[Review, list[ReviewReply]] | None:
            with Session(self.storage.engine) as s:
                r = s.get(Review, review_id)
                if r is None:
                    return None
                history = list(s.exec(select(ReviewReply).where(ReviewReply.review_id == review_id).order_by(col(ReviewReply.id))).all())
                return r, history
        return await self.storage.call(run)

    def drafts(self, review: Review, tone: str, length: str) -> list[drafting.Draft]:
        a = analyse(review.text, review.rating)
        return drafting.drafts(a, review.rating, list(review.items or []), self.knowledge(), tone, length)

    async def model_draft(self, review: Review, tone: str, length: str) -> drafting.Draft | None:
        """A fourth candidate written by the model, when one is configured: its facts by reference
        (menu names, the phone) filled from the knowledge, then the same grounding check as the
        templates. Anything that fails is dropped, never shown."""
        if self.model is None:
            return None
        k = self.knowledge()
        a = analyse(review.text, review.rating)
        try:
            turn = await self.model.complete(drafting.model_messages(review.text, review.rating, a, k, tone, length), [])
        except Exception as exc:  # noqa: BLE001 - ModelUnavailable and anything else: the templates remain
            log.info("review draft: no model draft (%s)", type(exc).__name__)
            return None
        rendered = drafting.render_model(turn.text, k)
        if rendered is None:
            log.info("review draft: the model referred to something the knowledge does not have; dropped")
            return None
        text, facts = rendered
        issues = drafting.problems(text, k, review.text, review.author)
        if issues or not text:
            log.info("review draft: the model's draft failed the check (%s); dropped", "; ".join(issues)[:200])
            return None
        return drafting.Draft(text, "model", facts)

    def check(self, review: Review, text: str) -> list[str]:
        return drafting.problems(text, self.knowledge(), review.text, review.author)

    async def approve(self, review_id: int, text: str, staff: str) -> list[str]:
        """The owner's reply, checked against the knowledge: saved with its history and the review marked
        replied, or the problems in Korean (nothing saved)."""
        found = await self.get(review_id)
        if found is None:
            return ["그 리뷰를 찾을 수 없어요."]
        review, _ = found
        text = text.strip()
        if not text:
            return ["답글이 비어 있어요."]
        issues = self.check(review, text)
        if issues:
            return [_korean(p) for p in issues]
        now = datetime.now(UTC)

        def run() -> None:
            with Session(self.storage.engine) as s:
                r = s.get(Review, review_id)
                if r is None:
                    return
                s.add(ReviewReply(review_id=review_id, text=text[:2000], author=staff[:60], at=now))
                r.status, r.replied_at, r.replied_by = "replied", now, staff[:60]
                s.add(r)
                s.commit()
        await self.storage.call(run)
        return []

    async def reopen(self, review_id: int) -> None:
        def run() -> None:
            with Session(self.storage.engine) as s:
                r = s.get(Review, review_id)
                if r is not None:
                    r.status = "new"
                    s.add(r)
                    s.commit()
        await self.storage.call(run)

    # --- trends -----------------------------------------------------------------------------

    async def trends(self, weeks: int = 12) -> Trends:
        zone = ZoneInfo(self.knowledge().store.timezone)
        today = self.now().date()

        def run() -> list[Review]:
            with Session(self.storage.engine) as s:
                return list(s.exec(select(Review)).all())
        rows = await self.storage.call(run)
        start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
        by_week: dict[date, list[Review]] = defaultdict(list)
        for r in rows:
            day = r.written_on or r.imported_at.astimezone(zone).date()
            if day >= start:
                by_week[day - timedelta(days=day.weekday())].append(r)
        series = []
        for i in range(weeks):
            w = start + timedelta(weeks=i)
            rs = by_week.get(w, [])
            ratings = [r.rating for r in rs if r.rating]
            series.append((w, sum(r.sentiment == "positive" for r in rs), sum(r.sentiment == "neutral" for r in rs),
                           sum(r.sentiment == "negative" for r in rs), round(statistics.mean(ratings), 1) if ratings else None))
        platforms = []
        for p in sorted({r.platform for r in rows}):
            rs = [r for r in rows if r.platform == p]
            ratings = [r.rating for r in rs if r.rating]
            platforms.append((p, len(rs), round(statistics.mean(ratings), 1) if ratings else None,
                              sum(r.sentiment == "negative" for r in rs), sum(r.status == "replied" for r in rs)))
        neg: Counter[str] = Counter()
        examples: dict[str, list[str]] = defaultdict(list)
        for r in sorted(rows, key=lambda r: -(r.id or 0)):
            for aspect, polarity in (r.aspects or {}).items():
                if polarity == "neg":
                    neg[aspect] += 1
                    for sentence in (r.evidence or {}).get(aspect, [])[:1]:
                        if len(examples[aspect]) < 3:
                            examples[aspect].append(sentence)
        replied = [r for r in rows if r.status == "replied" and r.replied_at is not None and not r.platform_reply]
        hours = [(_utc(r.replied_at) - _utc(r.imported_at)).total_seconds() / 3600 for r in replied]  # type: ignore[arg-type]
        answerable = [r for r in rows if not r.platform_reply]
        items: Counter[str] = Counter()
        bad_items: Counter[str] = Counter()
        for r in rows:
            for item in r.items or []:
                items[item] += 1
                bad_items[item] += r.sentiment == "negative"
        return Trends(series, platforms, [(a, n, examples[a]) for a, n in neg.most_common(5)],
                      round(100 * sum(r.status == "replied" for r in answerable) / len(answerable)) if answerable else None,
                      round(statistics.median(hours), 1) if hours else None,
                      [(i, n, bad_items[i]) for i, n in items.most_common(10)], len(rows))


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _korean(problem: str) -> str:
    """The grounding check's findings as the owner reads them."""
    if problem.startswith("a promise"):
        return "가게 FAQ에 없는 약속(환불·보상·쿠폰 등)이 들어 있어요. 정책이 있다면 FAQ에 먼저 적어 주세요."
    if problem.startswith("a number"):
        return f"가게 정보에 없는 숫자가 들어 있어요 ({problem.split(': ', 1)[-1]}). 메뉴 가격이나 가게 전화번호만 쓸 수 있어요."
    if problem.startswith("a phone"):
        return "가게 전화번호가 아닌 번호가 들어 있어요."
    if problem.startswith("the reviewer"):
        return "손님의 닉네임이나 연락처는 답글에 넣을 수 없어요."
    if problem.startswith("a dish"):
        return f"메뉴에 없는 음식 이름이 들어 있어요 ({problem.split(': ', 1)[-1]})."
    if problem.startswith("an address"):
        return "링크나 이메일 주소는 넣을 수 없어요."
    return problem
