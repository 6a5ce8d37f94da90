"""Naver TalkTalk chatbot channel: webhook events in, TalkTalk events out, the send API, handover.

Protocol facts: ../shared/spec/talktalk.md. Naver blocks a webhook after repeated failures or
slow answers and never unblocks it by itself, so every request that reaches the right URL gets
HTTP 200 quickly, whatever happens inside. An answer ready within `reply_within_s` that fits one
event goes back in the response body; anything else (several events, cards, slow answers,
handover) goes through the send API, after a typing indicator when it is slow.

Where the spec is uncertain both forms are handled: `standby` absent means the bot may answer,
`metadata` may be JSON or not, the send API may answer 200 with an error code or fail outright.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import logging
import re
import time
import weakref
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from bot import safe
from bot.availability import serving_starts
from bot.conversation import Inbox, Ticket
from bot.errors import CUSTOMER_SORRY, Refusal
from bot.kb.records import Store
from bot.kb.schedule import local_now
from bot.messages import Button, Card, Reply, Turn, cut
from bot.settings import NaverSettings

log = logging.getLogger(__name__)

CHANNEL = "naver"
MAX_TEXT = 10_000
MAX_COMPOSITES = 10
COMPOSITE_TITLE = 200
COMPOSITE_DESC = 1_000
MAX_BUTTONS = 10
BUTTON_TITLE = 18
MAX_QUICK_REPLIES = 10
QUICK_TITLE = 10
MAX_CODE = 1_000
MENU_TITLE = 20
PARTNER_AGENTS = 1  # targetId of the partner's human agents in Partner Center
SLOW_ANSWER_S = 30.0  # a slow answer (a model) gets this long before the offline answer is sent instead
TYPING_REFRESH_S = 8.0
RECOVER_WITHIN_S = 600.0  # after a restart, answers younger than this are still sent  # Naver shows "typing…" for 10 s per typingOn
USER_KEY = re.compile(r"[A-Za-z0-9_-]{22}|[0-9a-f]{32}")
FALLBACK_TEXT = CUSTOMER_SORRY
HANDOVER_FAILED_TEXT = "직원이 이 채팅에서 이어서 답변드릴게요. 조금만 기다려 주세요."
EMPTY_TEXT = "무엇을 도와드릴까요? 메뉴, 영업시간, 예약 등 편하게 물어봐 주세요."
PARTNER_CENTER = "톡톡 파트너센터"
RESULT_MEANING = {
    "00": "success",
    "01": "token wrong or expired, or the customer is in a consent window / never chatted with this partner",
    "02": "malformed event (a bug in Danggol: please report it)",
    "03": "legacy: unauthorised partner",
    "04": "legacy: cannot message this user now",
    "99": "other failure",
    "IMG-01": "image format", "IMG-02": "image download over 10 s", "IMG-03": "image over 20 MB", "IMG-99": "image upload",
}
MENU = (("메뉴 보기", "메뉴 보여 주세요"), ("예약하기", "예약하고 싶어요"), ("영업시간", "영업시간 알려 주세요"), ("직원 연결", "직원 연결해 주세요"))


# --- events in -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """What Danggol needs of one webhook event."""

    name: str
    user: str
    standby: bool
    text: str = ""
    code: str = ""
    input_type: str = ""
    image_url: str = ""
    options: dict[str, Any] = field(default_factory=dict)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def parse(payload: Any) -> Event | None:
    """A webhook body as an Event; None when it is not one (no event name or no user where one is needed)."""
    if not isinstance(payload, dict) or not _str(payload.get("event")):
        return None
    text_content = _dict(payload.get("textContent"))
    image_content = _dict(payload.get("imageContent"))
    user = _str(payload.get("user")).strip()[:200]
    return Event(
        name=payload["event"],
        user=user,
        standby=payload.get("standby") is True,  # absent (or anything but true): the bot may answer
        text=_str(text_content.get("text")),
        code=_str(text_content.get("code"))[:MAX_CODE],
        input_type=_str(text_content.get("inputType")),
        image_url=_str(image_content.get("imageUrl")),
        options=_dict(payload.get("options")),
    )


def _code_data(code: str) -> dict[str, Any]:
    """Danggol's own button codes are JSON ({"t": text to act on, "d": data}); others are opaque."""
    if not code.startswith("{"):
        return {}
    try:
        data = safe.loads(code)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def turn_of(event: Event) -> Turn:
    """The channel-neutral turn: calendar and time pickers become structured date and time params."""
    text, params = event.text.strip(), {}
    data = _code_data(event.code)
    if isinstance(data.get("t"), str) and data["t"].strip():
        text = data["t"].strip()  # a button whose short title stands for a longer message
    if isinstance(data.get("d"), dict) and data["d"]:
        params["extra"] = data["d"]
    picked = re.fullmatch(r"(\d{4})(\d{2})(\d{2})(?:-(\d{4})(\d{2})(\d{2}))?", event.text.strip())
    if event.input_type == "calendar" and picked:
        try:
            day = date(int(picked[1]), int(picked[2]), int(picked[3]))
            last = date(int(picked[4]), int(picked[5]), int(picked[6])) if picked[4] else day
        except ValueError:
            pass
        else:
            if last <= day:
                params["date"] = day.isoformat()
                text = f"{day.month}월 {day.day}일"
            else:  # a range picked: the booking skill asks which day, it never takes the first silently
                params["date_range"] = [day.isoformat(), last.isoformat()]
                text = f"{day.month}월 {day.day}일부터 {last.month}월 {last.day}일 사이"
    clock = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", event.text.strip())
    if event.input_type in ("time", "timeInterval") and clock:
        params["time"] = f"{int(clock[1]):02d}:{clock[2]}"
        text = f"{int(clock[1])}시" + (f" {int(clock[2])}분" if int(clock[2]) else "")
    if event.image_url:
        params["image_url"] = event.image_url
    if event.input_type == "sticker":
        params["sticker"] = True
    product = _dict(event.options.get("product"))
    if event.input_type == "product" and _str(product.get("name")).strip():
        params["product"] = _str(product.get("name")).strip()[:200]
        text = text or params["product"]
    return Turn(text=text, user_key=event.user, channel=CHANNEL, params=params)


# --- events out ----------------------------------------------------------------------------


def _title(text: str, limit: int) -> str:
    text = " ".join(text.split()) or "선택"
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _code(text: str, title: str, data: dict[str, Any] | None = None) -> str | None:
    """A code only when the title alone would lose something: a shortened message, or data."""
    if text == title and not data:
        return None
    code = json.dumps({"t": text, **({"d": data} if data else {})}, ensure_ascii=False)
    return code if len(code) <= MAX_CODE else json.dumps({"t": text[:300]}, ensure_ascii=False)


def text_button(label: str, message: str, limit: int, data: dict[str, Any] | None = None) -> dict[str, Any]:
    title = _title(label, limit)
    body: dict[str, Any] = {"title": title}
    code = _code((message or label).strip(), title, data)
    if code:
        body["code"] = code
    return {"type": "TEXT", "data": body}


def _button(b: Button) -> dict[str, Any] | None:
    if b.kind == "link" and b.value.startswith(("https://", "http://")):
        return {"type": "LINK", "data": {"title": _title(b.label, BUTTON_TITLE), "url": b.value, "mobileUrl": b.value}}
    if b.kind == "phone":
        return None  # numbers in the description are linked by TalkTalk itself
    if b.kind == "operator":
        return text_button(b.label, "직원 연결해 주세요", BUTTON_TITLE)
    return text_button(b.label, b.value if b.kind == "message" else "", BUTTON_TITLE)


def _composite(card: Card) -> dict[str, Any]:
    title = card.title.strip() or "안내"
    if card.price is not None:
        title = f"{title} · {card.price:,}원"
    out: dict[str, Any] = {"title": cut(title, COMPOSITE_TITLE)}
    description = card.description.strip()
    phones = [b.value for b in card.buttons if b.kind == "phone" and b.value.strip()]
    if phones:
        description = "\n".join(p for p in (description, f"전화: {phones[0]}") if p)
    if description:
        out["description"] = cut(description, COMPOSITE_DESC)
    if card.image.startswith("https://"):
        out["image"] = {"imageUrl": card.image}
    buttons = [b for b in (_button(b) for b in card.buttons) if b is not None][:MAX_BUTTONS]
    if buttons:
        out["buttonList"] = buttons
    if len(out) < 2:  # TalkTalk needs two of title, description, elements, image and buttons
        out["buttonList"] = [text_button("자세히 보기", f"{card.title} 알려 주세요", BUTTON_TITLE)]
    return out


def calendar_button(store: Store, today: date) -> dict[str, Any]:
    """Naver's date picker over the days bookings are taken, with the shop's closed days greyed out."""
    policy = store.reservation
    last = today + timedelta(days=policy.max_days_ahead)
    closed_weekdays = sorted({(i + 1) % 7 for i, key in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
                              if store.hours.get(key) is None})  # Naver counts 0 = Sunday
    days = []
    d = today
    while d <= last:
        if (d.isoweekday() % 7) not in closed_weekdays and not serving_starts(store, d):
            days.append(d.strftime("%Y%m%d"))  # holidays and other days with no bookable time
        d += timedelta(days=1)
    disables = ",".join([*(str(w) for w in closed_weekdays), *days])
    calendar: dict[str, Any] = {"placeholder": "방문 날짜를 골라 주세요.", "start": today.strftime("%Y%m%d"), "end": last.strftime("%Y%m%d")}
    if disables:
        calendar["disables"] = disables
    return {"type": "CALENDAR", "data": {"title": "날짜 선택", "code": json.dumps({"k": "date"}), "options": {"calendar": calendar}}}


def time_button() -> dict[str, Any]:
    return {"type": "TIME", "data": {"title": "시간 선택", "code": json.dumps({"k": "time"})}}


def _quick(reply: Reply, store: Store | None, today: date | None) -> list[dict[str, Any]]:
    buttons: list[dict[str, Any]] = []
    if reply.ask == "date" and store is not None and today is not None:
        buttons.append(calendar_button(store, today))
    elif reply.ask == "time":
        buttons.append(time_button())
    buttons += [text_button(q.label, q.message, QUICK_TITLE, q.data) for q in reply.quick_replies if q.label.strip()]
    return buttons[:MAX_QUICK_REPLIES]


def render(reply: Reply, store: Store | None = None, today: date | None = None) -> list[dict[str, Any]]:
    """A Reply as TalkTalk `send` events (without `user`), within every documented limit.

    Texts become one text message (TalkTalk allows 10,000 characters); cards a composite
    carousel; quick replies ride on the last event. An escalation is only its text: the
    handover itself is a separate event.
    """
    cards = reply.cards if not reply.escalate else []
    if len(cards) == 1 and not cards[0].image:
        cards = []  # one plain card says what the texts say: one text message answers at once
    texts = [t.strip() for t in (reply.card_texts if cards and reply.card_texts else reply.texts) if t and t.strip()]
    events: list[dict[str, Any]] = []
    if texts or not cards:
        events.append({"event": "send", "textContent": {"text": cut("\n\n".join(texts) or "...", MAX_TEXT)}})
    if cards:
        events.append({"event": "send", "compositeContent": {"compositeList": [_composite(c) for c in cards[:MAX_COMPOSITES]]}})
    quick = _quick(reply, store, today)
    if quick:
        content = events[-1].get("textContent") or events[-1]["compositeContent"]
        content["quickReply"] = {"buttonList": quick}
    return events


def typing_on() -> dict[str, Any]:
    return {"event": "action", "options": {"action": "typingOn"}}


def pass_thread() -> dict[str, Any]:
    return {"event": "handover", "options": {"control": "passThread", "targetId": PARTNER_AGENTS}}


def take_thread() -> dict[str, Any]:
    return {"event": "handover", "options": {"control": "takeThread", "metadata": ""}}


def persistent_menu(items: tuple[tuple[str, str], ...] = MENU) -> dict[str, Any]:
    """The menu under the chat input (at most four entries); each sends a message the bot understands."""
    return {"event": "persistentMenu", "menuContent": [{"menus": [text_button(label, message, MENU_TITLE) for label, message in items[:4]]}]}


# --- the send API ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SendResult:
    ok: bool
    code: str  # Naver's resultCode, or "http-NNN" / "network" / "no-token"
    message: str = ""


class RateLimiter:
    """At most `limit` calls in any `window_s` seconds (Naver may block a partner above 30 per 3 s)."""

    def __init__(self, limit: int, window_s: float = 3.0):
        self.limit = limit
        self.window_s = window_s
        self.sent: deque[float] = deque()
        self.lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self.lock:
            while True:
                now = time.monotonic()
                while self.sent and now - self.sent[0] >= self.window_s + 0.1:
                    self.sent.popleft()
                if len(self.sent) < self.limit:
                    self.sent.append(now)
                    return
                # A margin: Naver counts arrivals, and one request may travel faster than the one before it.
                await asyncio.sleep(self.window_s - (now - self.sent[0]) + 0.1)


class SendApi:
    """The send API client: the token exactly as issued, timeouts, retries only when the request
    surely never reached Naver, the outbound rate limit, and result codes logged, never raised."""

    RETRYABLE = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

    def __init__(self, settings: NaverSettings, client: httpx.AsyncClient | None = None):
        self.settings = settings
        self.client = client or httpx.AsyncClient(timeout=httpx.Timeout(settings.send_timeout_s), follow_redirects=False)
        self.limiter = RateLimiter(settings.max_sends_per_3s)

    async def post(self, event: dict[str, Any], user: str | None = None) -> SendResult:
        token = self.settings.send_token.get_secret_value()
        if not token:
            log.warning("naver: no send API token (naver.send_token); %s event not sent", event.get("event"))
            return SendResult(False, "no-token")
        body = {**event, "user": user} if user else event
        headers = {"Authorization": token, "Content-Type": "application/json;charset=UTF-8"}
        data = json.dumps(body, ensure_ascii=False).encode()
        for attempt in range(self.settings.send_retries + 1):
            await self.limiter.acquire()
            try:
                response = await self.client.post(self.settings.api_url, content=data, headers=headers)
            except self.RETRYABLE as exc:
                if attempt == self.settings.send_retries:
                    log.error("naver send API unreachable after %d tries: %s", attempt + 1, exc)
                    return SendResult(False, "network", str(exc))
                await asyncio.sleep(0.5 * 2**attempt)
                continue
            except httpx.HTTPError as exc:  # it may have arrived: a retry could send it twice
                log.error("naver send API failed (%s); not retried", type(exc).__name__)
                return SendResult(False, "network", str(exc))
            return self._result(response, body)
        return SendResult(False, "network")  # pragma: no cover - the loop always returns

    @staticmethod
    def _result(response: httpx.Response, body: dict[str, Any]) -> SendResult:
        if not 200 <= response.status_code < 300:
            log.error("naver send API: HTTP %s %s", response.status_code, response.text[:200])
            return SendResult(False, f"http-{response.status_code}", response.text[:200])
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        code, message = str(answer.get("resultCode", "")), str(answer.get("resultMessage", ""))
        ok = answer.get("success") is True and code == "00"
        if not ok:
            log.error("naver send API: %s %s (%s) for a %s event", code or "no resultCode", message[:200],
                      RESULT_MEANING.get(code, "unknown code"), body.get("event"))
        return SendResult(ok, code or "invalid", message)

    async def close(self) -> None:
        await self.client.aclose()


# --- the route --------------------------------------------------------------------------------


def _networks(settings: NaverSettings) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(n, strict=False) for n in settings.source_networks]


class NaverChannel:
    """The TalkTalk webhook and everything the bot sends back through the send API."""

    def __init__(self, settings: NaverSettings, inbox: Inbox, api: SendApi | None = None):
        self.settings = settings
        self.inbox = inbox
        self.storage = inbox.storage
        self.handoffs = inbox.handoffs
        self.api = api or SendApi(settings)
        self.networks = _networks(settings)
        self.pending: set[asyncio.Task[None]] = set()
        # Sends to one customer leave in the order their answers were made.
        self._order: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    @property
    def pushes(self) -> bool:
        return bool(self.settings.send_token.get_secret_value())

    def router(self) -> APIRouter:
        router = APIRouter()
        router.add_api_route("/naver/{secret}", self.handle, methods=["POST"], summary="Naver TalkTalk webhook")
        return router

    # --- what the console calls ---------------------------------------------------------------

    async def deliver(self, user_key: str, text: str) -> bool:
        """A staff reply, sent at once."""
        async with self._lock(user_key):
            result = await self.api.post({"event": "send", "textContent": {"text": cut(text, MAX_TEXT)}}, user_key)
        return result.ok

    async def returned(self, user_key: str) -> None:
        """Staff gave the chat back to the bot: take the thread from Partner Center (the notice is
        queued like any staff message and pushed by the console)."""
        if self.settings.handover:
            async with self._lock(user_key):
                await self.api.post(take_thread(), user_key)

    async def close(self, grace_s: float = 10.0) -> None:
        if self.pending:
            await asyncio.wait(self.pending, timeout=grace_s)
        await self.api.close()

    # --- the webhook -------------------------------------------------------------------------------

    def _client_ip(self, request: Request) -> str:
        header = self.settings.client_ip_header
        if header and request.headers.get(header):
            return request.headers[header].split(",")[-1].strip()  # the address our own proxy saw
        return request.client.host if request.client else ""

    def _source_allowed(self, request: Request) -> bool:
        if not self.settings.check_source_ip:
            return True
        try:
            address = ipaddress.ip_address(self._client_ip(request))
        except ValueError:
            return False
        return any(address in n for n in self.networks)

    async def handle(self, secret: str, request: Request) -> Response:
        started = time.monotonic()
        expected = self.settings.path_secret.get_secret_value()
        if not expected or not hmac.compare_digest(secret.encode(), expected.encode()):
            raise Refusal(404, "not_found", "찾는 페이지가 없어요.")
        if not self._source_allowed(request):
            log.warning("naver: webhook from an address outside naver.source_networks: %s", self._client_ip(request))
            raise Refusal(403, "forbidden", "허용되지 않은 곳에서 온 요청이에요.")
        body = await request.body()
        if len(body) > self.settings.max_body_bytes:
            log.warning("naver: a %d-byte webhook body ignored", len(body))
            return _ok()
        try:
            payload = safe.loads(body)
        except ValueError:
            raise Refusal(400, "invalid_json", "JSON 형식이 아니에요.") from None
        event = parse(payload)
        if event is None:
            log.warning("naver: a body that is not an event ignored")
            return _ok()
        try:
            return await self._dispatch(event, payload, started)
        except Exception:
            log.exception("naver: failed on a %s event; answered 200 so Naver keeps the webhook", event.name)
            if event.name == "send" and event.user and not event.standby:
                return _ok({"event": "send", "textContent": {"text": FALLBACK_TEXT}})
            return _ok()

    async def _dispatch(self, event: Event, payload: dict[str, Any], started: float) -> Response:
        if not event.user and event.name not in ("persistentMenu",):
            return _ok()
        if event.user and not USER_KEY.fullmatch(event.user):
            log.info("naver: unusual user key format %r", event.user[:40])
        if event.name == "send":
            return await self._on_send(event, payload, started)
        if event.name == "open":
            flag = event.options.get("under14")
            outreach = getattr(self.inbox, "outreach", None)
            if isinstance(flag, bool) and outreach is not None:
                await outreach.note_age(CHANNEL, event.user, flag)
            if event.standby:
                return _ok()
            return _ok(self._single(self.inbox.engine.welcome()))
        if event.name == "echo":
            await self._on_echo(event, payload)
        elif event.name == "handover":
            await self._on_handover(event)
        elif event.name == "profile":
            await self._on_profile(event)
        elif event.name in ("leave", "friend"):
            log.info("naver: %s %s", event.name, json.dumps(event.options, ensure_ascii=False)[:100])
        elif event.name.startswith("pay_"):
            log.warning("naver: %s received, but Danggol takes no payments", event.name)
        else:
            log.info("naver: %s event ignored", event.name)
        return _ok()

    def _render(self, reply: Reply) -> list[dict[str, Any]]:
        engine = self.inbox.engine
        store = engine.kb.snapshot.knowledge.store
        return render(reply, store, local_now(store, engine.clock() if engine.clock else None).date())

    def _single(self, reply: Reply) -> dict[str, Any]:
        return self._render(reply)[0]

    async def _on_send(self, event: Event, payload: dict[str, Any], started: float) -> Response:
        """TalkTalk's part of a turn: standby, the synchronous reply or the send API; the Inbox does the rest."""
        turn = turn_of(event)
        if event.standby:
            # A person in Partner Center owns the thread: record it, stay silent.
            inbound = await self.storage.call(self.storage.record_in, channel=CHANNEL, user_key=event.user, text=turn.text, payload=payload)
            if inbound.handoff == "bot":
                await self.storage.call(self.handoffs.taken_elsewhere_sync, conversation_id=inbound.conversation_id,
                                        staff=PARTNER_CENTER, reason="톡톡 파트너센터에서 상담 중")
            return _ok()
        ticket = await self.inbox.open(turn, payload)
        if not turn.text.strip() and not turn.params and not ticket.queued:
            reply = Reply("smalltalk", [EMPTY_TEXT])
            await self.inbox.record(ticket, reply, None)
            return _ok(self._single(reply))
        task = asyncio.create_task(self.inbox.answer(ticket))
        budget = max(0.05, self.settings.reply_within_s - (time.monotonic() - started))
        done, _ = await asyncio.wait({task}, timeout=budget)
        if task in done:
            events, message_id, handoff = await self._finish(ticket, task.result(), sync_possible=True)
            if message_id is None:
                return _ok(events[0])
            outbox_id = await self.inbox.promise(ticket)
            self._spawn(self._send(event.user, events, message_id, handoff, outbox_id))
            return _ok()
        outbox_id = await self.inbox.promise(ticket)  # before "typing…": a crash now is retried
        self._spawn(self._slow(event.user, task, ticket, outbox_id))
        return _ok(typing_on())

    async def _finish(self, ticket: Ticket, reply: Reply, sync_possible: bool) -> tuple[list[dict[str, Any]], int | None, bool]:
        """Store the answer before it leaves. Returns its events, the stored message id when it is
        to go through the send API (None: it fits the webhook response), and whether to hand over."""
        reply = await self.inbox.settle(ticket, reply)
        events = self._render(reply)
        sync = sync_possible and len(events) == 1 and not reply.escalate
        recorded = await self.inbox.record(ticket, reply, {"events": events}, delivered=sync)
        return events, (None if sync else recorded.message_id), recorded.handoff_started

    async def _slow(self, user: str, task: asyncio.Task[Reply], ticket: Ticket, outbox_id: int) -> None:
        """An answer not ready within the webhook budget: keep "typing…" up, then send it."""
        deadline = time.monotonic() + SLOW_ANSWER_S
        while not task.done() and time.monotonic() < deadline:
            await asyncio.wait({task}, timeout=min(TYPING_REFRESH_S, max(0.0, deadline - time.monotonic())))
            if not task.done() and time.monotonic() < deadline:
                await self.api.post(typing_on(), user)
        if task.done() and not task.cancelled() and task.exception() is None:
            reply = task.result()
        else:
            task.cancel()
            reply = await self.inbox.answer(ticket, fast_only=True)
        events, message_id, handoff = await self._finish(ticket, reply, sync_possible=False)
        await self._send(user, events, message_id, handoff, outbox_id)

    async def _send(self, user: str, events: list[dict[str, Any]], message_id: int | None, handoff: bool, outbox_id: int) -> None:
        await self.inbox.fill(outbox_id, {"events": events, "message_id": message_id, "handoff": handoff})
        ok = await self._send_all(user, events)
        await self.inbox.kept(outbox_id, ok=ok, error="" if ok else "send API refused or unreachable")
        if ok and message_id is not None:
            await self.storage.call(self.storage.mark_delivered, message_id=message_id)
        if handoff and self.settings.handover:
            async with self._lock(user):
                result = await self.api.post(pass_thread(), user)
            if not result.ok:
                # Partner Center did not take the thread: the chat stays in Danggol's queue, and the
                # customer is told a person will answer here (later messages are acknowledged).
                log.warning("naver: passThread refused (%s %s); the chat waits in the Danggol console", result.code, result.message)
                await self._send_all(user, [{"event": "send", "textContent": {"text": HANDOVER_FAILED_TEXT}}])

    async def _send_all(self, user: str, events: list[dict[str, Any]]) -> bool:
        ok = True
        async with self._lock(user):
            for e in events:
                ok = (await self.api.post(e, user)).ok and ok
        return ok

    def _lock(self, user: str) -> asyncio.Lock:
        lock = self._order.get(user)
        if lock is None:
            lock = self._order[user] = asyncio.Lock()
        return lock

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(self._guard(coro))
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    @staticmethod
    async def _guard(coro: Any) -> None:
        try:
            await coro
        except Exception:
            log.exception("naver: background send failed")

    async def recover(self) -> None:
        """After a restart: answers a crash interrupted are sent now (a few minutes late is better than
        never); older ones are recorded as failed and stay visible in the console as not delivered."""
        for row in await self.inbox.owed(CHANNEL):
            age = (datetime.now(UTC) - row.created_at).total_seconds()
            if age > RECOVER_WITHIN_S:
                log.error("naver: an answer for conversation %s was lost in a restart %.0f s ago; recorded as failed",
                          row.conversation_id, age)
                await self.inbox.kept(row.id, ok=False, error="too old after restart")
                continue
            log.warning("naver: sending an answer interrupted by a restart (conversation %s)", row.conversation_id)
            if row.payload is None:  # still being made: make the offline one now
                ticket = self.inbox.resumed(row)
                reply = await self.inbox.answer(ticket, fast_only=True)
                events, message_id, handoff = await self._finish(ticket, reply, sync_possible=False)
            else:
                events, message_id, handoff = row.payload["events"], row.payload.get("message_id"), bool(row.payload.get("handoff"))
            await self._send(row.user_key, events, message_id, handoff, row.id)

    # --- the other events ----------------------------------------------------------------------

    async def _conversation(self, user: str) -> int:
        return await self.storage.call(self.storage.conversation_id, channel=CHANNEL, user_key=user)

    async def _on_echo(self, event: Event, payload: dict[str, Any]) -> None:
        """Never answered (that would loop). An agent's message is kept in the transcript, and an
        agent owning the thread shows the chat as taken."""
        options = event.options
        nickname = _str(options.get("managerNickname")).strip()
        owner = str(options.get("threadOwnerId", ""))
        if not nickname and owner != str(PARTNER_AGENTS):
            return  # our own sends, echoed back
        conversation_id = await self._conversation(event.user)
        staff = f"{PARTNER_CENTER}:{nickname}" if nickname else PARTNER_CENTER
        await self.storage.call(self.handoffs.taken_elsewhere_sync, conversation_id=conversation_id, staff=staff[:60],
                                reason="톡톡 파트너센터에서 상담 중")
        if nickname and event.text:
            await self.storage.call(self.storage.record_out, conversation_id=conversation_id, text=event.text, intent=None,
                                    payload=payload, author=f"staff:{nickname}"[:20])

    async def _on_handover(self, event: Event) -> None:
        """An agent pressed 상담 완료하기: the chat is the bot's again."""
        metadata = event.options.get("metadata")
        if isinstance(metadata, str) and metadata.strip():
            try:
                metadata = safe.loads(metadata)
            except ValueError:
                metadata = {"raw": metadata[:200]}  # older examples used single quotes
        log.info("naver: thread returned to the bot (%s)", json.dumps(metadata, ensure_ascii=False)[:200])
        conversation_id = await self._conversation(event.user)
        await self.storage.call(self.handoffs.release_sync, conversation_id=conversation_id, note=f"{PARTNER_CENTER} 상담이 끝났어요.")

    async def _on_profile(self, event: Event) -> None:
        options = event.options
        result = _str(options.get("result")).upper()
        if result == "SUCCESS":
            fields: dict[str, Any] = {k: options[k][:limit] for k, limit in (("nickname", 100), ("cellphone", 20))
                                      if isinstance(options.get(k), str)}
            if isinstance(options.get("address"), dict):
                fields["address"] = options["address"]
            if fields:
                await self.storage.call(self.storage.save_profile, channel=CHANNEL, user_key=event.user, fields=fields)
        elif result == "WITHDRAW":
            named = options.get("withdrawals")
            withdrawn = [f for f in named if isinstance(f, str)] if isinstance(named, list) else None
            await self.storage.call(self.storage.withdraw_profile, channel=CHANNEL, user_key=event.user, fields=withdrawn)
            log.info("naver: profile consent withdrawn (%s); data deleted", ",".join(withdrawn or ["all"]))
        else:
            log.info("naver: profile request ended with %s", result or "no result")


def _ok(body: dict[str, Any] | None = None) -> JSONResponse:
    """HTTP 200 with at most one event: the only answer that never counts against the webhook."""
    return JSONResponse(body or {}, media_type="application/json;charset=UTF-8")



