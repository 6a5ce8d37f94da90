"""Kakao i Open Builder skill channel: the SkillPayload in, the SkillResponse 2.0 out, and the
5-second rule with its callback. Nothing else in Danggol knows what Kakao JSON looks like.

Protocol facts: ../shared/spec/kakao.md. Where the spec marks something uncertain both forms
are accepted (params as JSON strings or dicts, `lang` null, `type: accountId`, ids ending in `!`).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from datetime import date as date_type
from typing import Any
from urllib.parse import urlsplit

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot import safe
from bot.conversation import Inbox, Ticket
from bot.errors import CUSTOMER_SORRY, Refusal
from bot.messages import Button, Card, Reply, Turn, cut
from bot.settings import KakaoSettings

log = logging.getLogger(__name__)

MAX_OUTPUTS = 3
MAX_SIMPLE_TEXT = 1000
MAX_QUICK_REPLIES = 10
MAX_LABEL = 14
MAX_LABEL_SIDE_BY_SIDE = 8
MAX_CAROUSEL = 10
MAX_BYTES = 30 * 1024
TEXT_CARD_TITLE = 50
TEXT_CARD_DESC = 400
TEXT_CARD_DESC_IN_CAROUSEL = 128
BASIC_CARD_DESC = 230
COMMERCE_TITLE = 30
COMMERCE_DESC = 40
MAX_CARD_BUTTONS = 3
MAX_AMOUNT = 100_000  # a sys.number beyond this is no party size or quantity anyone means
PARTY_PARAM = re.compile(r"party|people|person|guest|인원|명수|사람", re.I)
FALLBACK_TEXT = CUSTOMER_SORRY


# --- request -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SkillRequest:
    """What Danggol needs of one SkillPayload."""

    turn: Turn
    bot_id: str
    callback_url: str | None
    surface: str
    properties: dict[str, Any] = field(default_factory=dict)


def _maybe_json(value: Any) -> Any:
    """Structured entity values arrive as JSON strings in some payloads and as objects in others."""
    if isinstance(value, str) and value.strip().startswith(("{", "[")):
        try:
            return safe.loads(value)
        except ValueError:
            return value
    return value


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _real_date(value: str) -> bool:
    """A picker's date that exists (2026-02-30 from a hand-made payload does not)."""
    try:
        date_type.fromisoformat(value)
    except ValueError:
        return False
    return True


def _real_time(value: str) -> bool:
    return int(value[:2]) < 24 and int(value[3:5]) < 60


def structured_params(action: dict[str, Any]) -> dict[str, Any]:
    """Normalise block parameters: dates and times from sys.date and the picker plugins, numbers."""
    out: dict[str, Any] = {}
    params = {k: _maybe_json(v) for k, v in _dict(action.get("params")).items()}
    for key, value in params.items():
        out[f"param:{key}"] = value
        if isinstance(value, dict):
            raw = value.get("value") if "value" in value else value.get("date")
            if isinstance(raw, str):
                m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(?::\d{2})?)?", raw, re.ASCII)
                t = re.fullmatch(r"(\d{2}:\d{2})(?::\d{2})?", raw, re.ASCII)
                if m and _real_date(m[1]):
                    out.setdefault("date", m[1])
                    if m[2] and _real_time(m[2]):
                        out.setdefault("time", m[2])
                elif t and _real_time(t[1]):
                    out.setdefault("time", t[1])
            amount = value.get("amount")
            if isinstance(amount, int | float) and not isinstance(amount, bool) and 0 <= amount <= MAX_AMOUNT:
                out.setdefault("number", value["amount"])
                if PARTY_PARAM.search(key):
                    out.setdefault("party", int(value["amount"]))  # a block parameter named for the party size
        elif isinstance(value, str):
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value, re.ASCII) and _real_date(value):
                out.setdefault("date", value)
            elif re.fullmatch(r"\d{2}:\d{2}(:\d{2})?", value, re.ASCII) and _real_time(value[:5]):
                out.setdefault("time", value[:5])
    extra = action.get("clientExtra")
    if isinstance(extra, dict) and extra:
        out["extra"] = extra
    return out


def parse(payload: dict[str, Any]) -> SkillRequest:
    """A SkillPayload (production, bot-test panel or admin skill-test tab) as a channel-neutral turn."""
    user_request = _dict(payload.get("userRequest"))
    user = _dict(user_request.get("user"))
    action = _dict(payload.get("action"))
    bot = _dict(payload.get("bot"))
    request_params = _dict(user_request.get("params"))
    params = structured_params(action)
    text = user_request.get("utterance")
    text = text if isinstance(text, str) else ""
    media = _dict(request_params.get("media"))
    if media.get("type") == "image" and isinstance(media.get("url"), str):
        params["image_url"] = media["url"]
    user_key = str(user.get("id") or "").strip() or "anonymous"
    callback = user_request.get("callbackUrl")
    turn = Turn(text=text, user_key=user_key[:200], channel="kakao", params=params)
    return SkillRequest(
        turn=turn,
        bot_id=str(bot.get("id") or ""),
        callback_url=callback if isinstance(callback, str) and callback else None,
        surface=str(request_params.get("surface") or ""),
        properties=_dict(user.get("properties")),
    )


# --- response ----------------------------------------------------------------------------


def _label(text: str, limit: int = MAX_LABEL) -> str:
    text = " ".join(text.split()) or "선택"
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


SENTENCE_END = re.compile(r"(?<=[.!?。])\s+|(?<=요\.)\s*|\n+")


def split_text(text: str, limit: int = MAX_SIMPLE_TEXT) -> list[str]:
    """Bubbles of at most `limit` characters, split between sentences (or words), never mid-word."""
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    bubbles: list[str] = []
    current = ""
    for sentence in (s for s in SENTENCE_END.split(text) if s and s.strip()):
        sentence = sentence.strip()
        while len(sentence) > limit:  # one sentence longer than a bubble: split between words
            cut = sentence[:limit].rfind(" ")
            cut = cut if cut > limit // 2 else limit
            if current:
                bubbles.append(current)
                current = ""
            bubbles.append(sentence[:cut].rstrip())
            sentence = sentence[cut:].strip()
        joined = f"{current}\n{sentence}" if current and "\n" in text else f"{current} {sentence}" if current else sentence
        if len(joined) <= limit:
            current = joined
        else:
            bubbles.append(current)
            current = sentence
    if current:
        bubbles.append(current)
    return bubbles


def _bubbles(texts: list[str], room: int) -> list[str]:
    """Text bubbles for at most `room` outputs: long texts split, then the tail merged or cut."""
    bubbles = [b for t in texts for b in split_text(t)]
    while len(bubbles) > room:
        last, before = bubbles.pop(), bubbles.pop()
        merged = f"{before}\n\n{last}"
        bubbles.append(merged if len(merged) <= MAX_SIMPLE_TEXT else cut(merged, MAX_SIMPLE_TEXT))
    return bubbles


def _button(b: Button, side_by_side: bool) -> dict[str, Any]:
    label = _label(b.label, MAX_LABEL_SIDE_BY_SIDE if side_by_side else MAX_LABEL)
    if b.kind == "link" and b.value.startswith(("https://", "http://")):
        return {"action": "webLink", "label": label, "webLinkUrl": b.value}
    if b.kind == "phone" and b.value.strip():
        return {"action": "phone", "label": label, "phoneNumber": b.value}
    if b.kind == "operator":
        return {"action": "operator", "label": label}
    return {"action": "message", "label": label, "messageText": (b.value if b.kind == "message" else "") or b.label}


def _card(card: Card, kind: str, in_carousel: bool) -> dict[str, Any]:
    buttons = [_button(b, False) for b in card.buttons[:MAX_CARD_BUTTONS]]
    if not card.title.strip():
        card = Card("안내", card.description, card.price, card.image, card.buttons)  # Kakao needs a title or text
    if kind == "commerceCard":
        out: dict[str, Any] = {
            "title": cut(card.title, COMMERCE_TITLE),
            "description": cut(card.description, COMMERCE_DESC),
            "price": int(card.price or 0),
            "currency": "won",
            "thumbnails": [{"imageUrl": card.image}],
        }
    elif kind == "basicCard":
        out = {"title": cut(card.title, TEXT_CARD_TITLE), "description": cut(card.description, BASIC_CARD_DESC),
               "thumbnail": {"imageUrl": card.image}}
    else:
        title = card.title if card.price is None else f"{card.title} · {card.price:,}원"
        limit = TEXT_CARD_DESC_IN_CAROUSEL if in_carousel else TEXT_CARD_DESC
        out = {"title": cut(title, TEXT_CARD_TITLE)}
        if card.description:
            out["description"] = cut(card.description, limit)
    if buttons:
        out["buttons"] = buttons
        out["buttonLayout"] = "vertical"
    return out


def _cards(cards: list[Card]) -> dict[str, Any]:
    """One card, or a carousel; images decide the card type (Kakao needs one type per carousel)."""
    cards = cards[:MAX_CAROUSEL]
    if all(c.image for c in cards):
        kind = "commerceCard" if all(c.price is not None for c in cards) else "basicCard"
    else:
        kind = "textCard"
    if len(cards) == 1:
        return {kind: _card(cards[0], kind, in_carousel=False)}
    return {"carousel": {"type": kind, "items": [_card(c, kind, in_carousel=True) for c in cards]}}


def render(reply: Reply) -> dict[str, Any]:
    """A Reply as a SkillResponse 2.0 within every limit of the spec."""
    texts = [t for t in (reply.card_texts if reply.cards and reply.card_texts and not reply.escalate else reply.texts) if t and t.strip()]
    extra: list[dict[str, Any]] = []
    if reply.escalate:
        extra.append({"textCard": {"title": "상담직원 연결", "description": "아래 버튼을 누르면 1:1 채팅으로 직원과 바로 이야기할 수 있어요.",
                                   "buttons": [{"action": "operator", "label": "상담직원 연결"}]}})
    elif reply.cards:
        extra.append(_cards(reply.cards))
    outputs = [{"simpleText": {"text": b}} for b in _bubbles(texts or ["..."], MAX_OUTPUTS - len(extra))] + extra
    response: dict[str, Any] = {"version": "2.0", "template": {"outputs": outputs}}
    quick = [
        {"action": "message", "label": _label(q.label), "messageText": (q.message.strip() or _label(q.label))[:1000],
         **({"extra": q.data} if q.data else {})}
        for q in reply.quick_replies
        if q.label.strip()
    ][:MAX_QUICK_REPLIES]
    if quick:
        response["template"]["quickReplies"] = quick
    return _fit(response)


def _fit(response: dict[str, Any]) -> dict[str, Any]:
    """Kakao drops a response over 30 KB: shed carousel items, then shorten texts, until it fits."""
    while len(json.dumps(response, ensure_ascii=False).encode()) > MAX_BYTES:
        outputs = response["template"]["outputs"]
        carousel = next((o["carousel"] for o in outputs if "carousel" in o), None)
        if carousel and len(carousel["items"]) > 1:
            carousel["items"].pop()
            continue
        longest = max((o for o in outputs if "simpleText" in o), key=lambda o: len(o["simpleText"]["text"]), default=None)
        if longest is None or len(longest["simpleText"]["text"]) < 50:
            response["template"].pop("quickReplies", None)
            break
        longest["simpleText"]["text"] = cut(longest["simpleText"]["text"], len(longest["simpleText"]["text"]) // 2)
    return response


def simple(text: str) -> dict[str, Any]:
    return {"version": "2.0", "template": {"outputs": [{"simpleText": {"text": text}}]}}


def callback_ack(text: str) -> dict[str, Any]:
    """The immediate answer that hands a slow reply over to the callback URL."""
    return {"version": "2.0", "useCallback": True, "data": {"text": text}}


# --- the route -------------------------------------------------------------------------------


def callback_allowed(url: str, allow_loopback: bool) -> bool:
    """Only https hosts under kakao.com: the URL comes from the request, so anything else is SSRF."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme == "https" and (host == "kakao.com" or host.endswith(".kakao.com")):
        return True
    return allow_loopback and parts.scheme in ("http", "https") and host in ("127.0.0.1", "localhost", "::1")


def bot_allowed(bot_id: str, allowed: list[str]) -> bool:
    """The optional allow-list; development channels send the same id with a trailing '!'."""
    if not allowed:
        return True
    return bot_id.rstrip("!") in {b.rstrip("!") for b in allowed}


class KakaoChannel:
    """The skill endpoint: authentication, the time budget and the one-shot callback."""

    def __init__(self, settings: KakaoSettings, inbox: Inbox):
        self.settings = settings
        self.inbox = inbox
        self.storage = inbox.storage
        self.client = httpx.AsyncClient(timeout=httpx.Timeout(5.0), follow_redirects=False)
        self.events = KakaoEventApi(settings, self.client)
        self.pending: set[asyncio.Task[None]] = set()

    @property
    def pushes(self) -> bool:
        """Whether staff replies reach the customer at once (the Event API is set up)."""
        return self.events.enabled

    async def deliver(self, user_key: str, text: str) -> bool:
        """Push a staff reply now if the channel can (Event API); False: it waits for the next message."""
        return await self.events.deliver(user_key, text)

    async def close(self, grace_s: float = 10.0) -> None:
        """On shutdown, let callbacks under way finish (briefly), then close the HTTP client."""
        if self.pending:
            await asyncio.wait(self.pending, timeout=grace_s)
        await self.client.aclose()

    def router(self) -> APIRouter:
        router = APIRouter()
        router.add_api_route(self.settings.path, self.handle, methods=["POST"], include_in_schema=True,
                             summary="Kakao i Open Builder skill")
        return router

    def _authorized(self, request: Request) -> bool:
        secret = self.settings.secret.get_secret_value()
        if not secret:
            return True
        given = request.headers.get(self.settings.secret_header, "")
        return hmac.compare_digest(given.encode(), secret.encode())

    async def handle(self, request: Request) -> JSONResponse:
        started = time.monotonic()
        if not self._authorized(request):
            raise Refusal(401, "unauthorized", "인증 헤더가 없거나 맞지 않아요.")
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > self.settings.max_body_bytes:
            raise Refusal(400, "too_large", "요청이 너무 커요.")
        body = await request.body()
        if len(body) > self.settings.max_body_bytes:
            raise Refusal(400, "too_large", "요청이 너무 커요.")
        try:
            payload = safe.loads(body)
        except ValueError:
            raise Refusal(400, "invalid_json", "JSON 형식이 아니에요.") from None
        if not isinstance(payload, dict):
            raise Refusal(400, "invalid_json", "SkillPayload는 JSON 객체여야 해요.")
        try:
            req = parse(payload)
            if not bot_allowed(req.bot_id, self.settings.bot_ids):
                log.warning("kakao: request from a bot not on the allow-list: %r", req.bot_id)
                raise Refusal(403, "forbidden", "허용되지 않은 봇이에요.")
            return JSONResponse(await self._answer(req, payload, started))
        except Refusal:
            raise  # a refusal for the caller (bot not allowed), rendered by bot/errors.py
        except Exception:
            log.exception("kakao: failed on a valid payload; answering politely")
            return JSONResponse(simple(FALLBACK_TEXT))

    async def _answer(self, req: SkillRequest, payload: dict[str, Any], started: float) -> dict[str, Any]:
        """Kakao's part of a turn: the 5-second budget and the one-shot callback; the Inbox does the rest."""
        ticket = await self.inbox.open(req.turn, payload)
        task = asyncio.create_task(self.inbox.answer(ticket))
        budget = max(0.1, self.settings.deadline_s - (time.monotonic() - started))
        done, _ = await asyncio.wait({task}, timeout=budget)
        if task in done:
            return await self._finish(ticket, task.result())
        if req.callback_url and callback_allowed(req.callback_url, self.settings.allow_loopback_callback):
            ack = callback_ack(self.settings.waiting_text)
            outbox_id = await self.inbox.promise(ticket, target=req.callback_url)
            await self.storage.call(self.storage.record_out, conversation_id=ticket.conversation_id, text=self.settings.waiting_text,
                                    intent=None, payload=ack)
            delivery = asyncio.create_task(self._deliver(task, ticket, req.callback_url, time.monotonic(), outbox_id))
            self.pending.add(delivery)
            delivery.add_done_callback(self.pending.discard)
            return ack
        if req.callback_url:
            log.warning("kakao: callback URL refused (not https under kakao.com): %s", urlsplit(req.callback_url).hostname)
        task.cancel()
        return await self._finish(ticket, await self.inbox.answer(ticket, fast_only=True))

    async def _finish(self, ticket: Ticket, reply: Reply) -> dict[str, Any]:
        reply = await self.inbox.settle(ticket, reply)
        response = render(reply)
        await self.inbox.record(ticket, reply, response)
        return response

    async def _deliver(self, task: asyncio.Task[Reply], ticket: Ticket, url: str, acked: float, outbox_id: int) -> None:
        """POST the final answer to the callback URL once, at least 1 s after the ack and within 50 s."""
        try:
            try:
                reply = await asyncio.wait_for(task, timeout=max(1.0, self.settings.callback_within_s - 5.0))
            except TimeoutError:
                reply = await self.inbox.answer(ticket, fast_only=True)
            response = await self._finish(ticket, reply)
            await self.inbox.fill(outbox_id, response)
            await asyncio.sleep(max(0.0, acked + 1.0 - time.monotonic()))  # a POST racing the ack is rejected
            await self._post_callback(outbox_id, url, response)
        except Exception:
            log.exception("kakao callback failed for conversation %s", ticket.conversation_id)

    async def _post_callback(self, outbox_id: int, url: str, response: dict[str, Any]) -> None:
        try:
            result = await self.client.post(url, json=response)
            ok = result.status_code == 200
            log.info("kakao callback: HTTP %s %s", result.status_code, result.text[:200])
            await self.inbox.kept(outbox_id, ok=ok, error="" if ok else f"HTTP {result.status_code}")
        except httpx.HTTPError as e:
            log.error("kakao callback unreachable: %s", e)
            await self.inbox.kept(outbox_id, ok=False, error=type(e).__name__)

    async def recover(self) -> None:
        """After a restart: callbacks a crash interrupted are answered while Kakao still takes them
        (a callback URL lives about a minute), the others are recorded as failed."""
        for row in await self.inbox.owed("kakao"):
            age = (datetime.now(UTC) - row.created_at).total_seconds()
            if age > self.settings.callback_within_s + 5:
                log.error("kakao: a callback for conversation %s expired during a restart (%.0f s old); recorded as failed",
                          row.conversation_id, age)
                await self.inbox.kept(row.id, ok=False, error="expired during restart")
                continue
            response = row.payload
            if response is None:  # the answer was still being made: make the offline one now
                ticket = self.inbox.resumed(row)
                response = await self._finish(ticket, await self.inbox.answer(ticket, fast_only=True))
            log.warning("kakao: delivering a callback interrupted by a restart (conversation %s)", row.conversation_id)
            await self._post_callback(row.id, row.target, response)


class KakaoEventApi:
    """Staff replies pushed through Kakao's Event API, when the shop has set it up (it is paid).

    Without it a reply waits for the customer's next message; with it the event block configured
    in Open Builder shows `data.text`. Only an accepted request ("SUCCESS") counts as delivered.
    """

    def __init__(self, settings: KakaoSettings, client: httpx.AsyncClient):
        self.settings = settings
        self.client = client

    @property
    def enabled(self) -> bool:
        s = self.settings
        return bool(s.event_name and s.event_bot_id and s.event_rest_key.get_secret_value())

    async def deliver(self, user_key: str, text: str) -> bool:
        if not self.enabled:
            return False
        s = self.settings
        url = s.event_api_url.format(bot_id=s.event_bot_id)
        body = {"event": {"name": s.event_name, "data": {"text": text}}, "user": [{"type": "botUserKey", "id": user_key}],
                "params": {"text": text}}
        try:
            r = await self.client.post(url, json=body, headers={"Authorization": f"KakaoAK {s.event_rest_key.get_secret_value()}"})
            ok = r.status_code == 200 and r.json().get("status") == "SUCCESS"
            log.info("kakao event api: HTTP %s %s", r.status_code, r.text[:200])
            return bool(ok)
        except (httpx.HTTPError, ValueError):
            log.exception("kakao event api failed")
            return False


EVENT_BATCH = 100  # users per Event API call (spec/kakao.md §6.1)


@dataclass(frozen=True)
class EventBatch:
    """What became of one Event API request: accepted with a task id, refused (nothing was sent), or
    unknown (the request may have reached Kakao: never sent again, so nobody gets it twice)."""

    outcome: str  # accepted, refused, unknown
    task_id: str = ""
    detail: str = ""


@dataclass(frozen=True)
class EventTask:
    """Per-user results of an accepted request: `failed` None while Kakao has not finished, or when its
    answer does not say who failed (the sender then records the batch as unknown)."""

    done: bool
    failed: frozenset[str] | None = None
    detail: str = ""


def _failed_users(fail: Any) -> frozenset[str] | None:
    """The users in a task's `fail.list` (strings, or objects with an id); None when it cannot be told."""
    if not isinstance(fail, dict):
        return frozenset()
    entries = fail.get("list") or []
    count = int(fail.get("count") or 0) if str(fail.get("count") or "0").isdigit() else 0
    users: set[str] = set()
    for e in entries if isinstance(entries, list) else []:
        if isinstance(e, str):
            users.add(e)
        elif isinstance(e, dict):
            for key in ("id", "userId", "botUserKey", "user", "userKey"):
                if isinstance(e.get(key), str):
                    users.add(e[key])
                    break
    return frozenset(users) if len(users) >= count else None


class KakaoEventBroadcast(KakaoEventApi):
    """The Event API for messages the shop starts (bot/outreach/routes.py): up to 100 users per
    call, the task's per-user results, and a strict rule on doubt: a request that may have arrived is
    never repeated."""

    SAFE_TO_RETRY = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"KakaoAK {self.settings.event_rest_key.get_secret_value()}"}

    async def send(self, users: list[str], text: str) -> EventBatch:
        if not self.enabled:
            return EventBatch("refused", detail="event api not configured")
        if not users or len(users) > EVENT_BATCH or len(set(users)) != len(users):
            raise ValueError("an Event API call takes 1 to 100 distinct users")
        s = self.settings
        body = {"event": {"name": s.event_name, "data": {"text": text}},
                "user": [{"type": "botUserKey", "id": u} for u in users], "params": {"text": text}}
        try:
            r = await self.client.post(s.event_api_url.format(bot_id=s.event_bot_id), json=body, headers=self._headers())
        except self.SAFE_TO_RETRY as exc:
            return EventBatch("refused", detail=f"unreachable: {type(exc).__name__}")
        except httpx.HTTPError as exc:
            log.error("kakao event api: %s after the request left; the batch is not repeated", type(exc).__name__)
            return EventBatch("unknown", detail=type(exc).__name__)
        try:
            answer = r.json()
        except ValueError:
            answer = {}
        if r.status_code == 200 and answer.get("status") == "SUCCESS" and answer.get("taskId"):
            return EventBatch("accepted", str(answer["taskId"]))
        if 400 <= r.status_code < 500 or answer.get("status") == "FAIL":
            log.error("kakao event api refused: HTTP %s %s", r.status_code, r.text[:200])
            return EventBatch("refused", detail=f"HTTP {r.status_code} {str(answer.get('message', ''))[:100]}")
        log.error("kakao event api: HTTP %s %s; the batch is not repeated", r.status_code, r.text[:200])
        return EventBatch("unknown", detail=f"HTTP {r.status_code}")

    async def task(self, task_id: str) -> EventTask:
        url = self.settings.event_task_url.format(task_id=task_id)
        try:
            r = await self.client.get(url, headers=self._headers())
            if r.status_code == 404 and "/v1/" in url:
                r = await self.client.get(url.replace("/v1/", "/v2/"), headers=self._headers())
            answer = r.json() if r.status_code == 200 else {}
        except (httpx.HTTPError, ValueError) as exc:
            return EventTask(False, detail=type(exc).__name__)
        status = str(answer.get("status", ""))
        if not status or status.upper() in ("PENDING", "PROCESSING", "RUNNING", "READY"):
            return EventTask(False, detail=status or f"HTTP {r.status_code}")
        if status.upper() == "ALL SUCCESS":
            return EventTask(True, frozenset())
        return EventTask(True, _failed_users(answer.get("fail")), detail=status)
