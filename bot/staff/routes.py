"""The staff console at /staff: login, the live queue of handed-over chats, and each conversation.

Server-rendered HTML (Jinja2, autoescaped: customer text can never become markup), a session
cookie that is HttpOnly and SameSite=Strict, a CSRF token in every form, and failed logins
limited per address and per name. Pages send anonymous visitors to the login; the JSON and
event-stream endpoints answer them 401.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from datetime import date as date_type
from datetime import time as time_type
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import func
from sqlmodel import Session, select

from bot import safe
from bot.bookings import Refused, digits
from bot.db import Conversation, Message, Storage
from bot.handoff import Handoffs
from bot.messages import Turn
from bot.staff import auth
from bot.staff.insights import unanswered

COOKIE = "danggol_staff"
LOGIN_CSRF = "danggol_login_csrf"
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
STATE_KO = {"waiting": "대기 중", "human": "상담 중", "bot": "챗봇"}
CHANNEL_KO = {"kakao": "카카오톡", "naver": "네이버 톡톡", "web": "웹", "simulator": "시뮬레이터"}
STATUS_KO = {"confirmed": "확정", "cancelled": "취소", "no_show": "노쇼", "completed": "방문 완료"}
# Staff taking a phone call may book sooner than the chat's lead time, further ahead, or off the grid;
# never on a closed day, in the break, outside the hours, or on a taken table.
MAX_DAYS_AWAY = 3650  # the reservations pages: ten years either way (and never past the calendar's ends)
STAFF_MAY_OVERRIDE = frozenset({"passed", "too_soon", "too_far", "grid", "too_many"})  # staff also record walk-ins after the fact


async def _llm_status(request: Request, timezone: str) -> dict[str, Any] | None:
    """The model's mode and this month's tokens, for the line in the console (None: offline only)."""
    skill = getattr(request.app.state, "llm", None)
    if skill is None:
        return None
    month = datetime.now(ZoneInfo(timezone)).strftime("%Y-%m")
    spent = await skill.usage.spent(month)
    budget = skill.settings.monthly_token_budget
    mode = "budget-spent" if budget and spent >= budget else skill.mode
    return {"mode": mode, "spent": spent, "budget": budget, "model": skill.settings.model}


class LoginRequired(Exception):
    """A page asked for by someone not logged in: they are sent to the login page."""


def _elapsed(since: datetime | None) -> str:
    if since is None:
        return ""
    since = since if since.tzinfo else since.replace(tzinfo=UTC)
    minutes = int((datetime.now(UTC) - since).total_seconds() // 60)
    return "방금" if minutes < 1 else f"{minutes}분" if minutes < 60 else f"{minutes // 60}시간 {minutes % 60}분"


def _login(request: Request) -> auth.StaffLogin | None:
    console: StaffConsole = request.app.state.console
    return auth.current(console.storage, request.cookies.get(COOKIE))


def page_staff(request: Request) -> auth.StaffLogin:
    """The logged-in staff member of a page request; others go to the login page."""
    staff = _login(request)
    if staff is None:
        raise LoginRequired
    return staff


def api_staff(request: Request) -> auth.StaffLogin:
    """The logged-in staff member of an API request; others get 401."""
    staff = _login(request)
    if staff is None:
        raise HTTPException(status_code=401, detail="로그인이 필요해요.")
    return staff


Page = Annotated[auth.StaffLogin, Depends(page_staff)]
Api = Annotated[auth.StaffLogin, Depends(api_staff)]


class StaffConsole:
    def __init__(self, storage: Storage, handoffs: Handoffs, channels: dict[str, Any] | None = None):
        self.storage = storage
        self.handoffs = handoffs
        # channel name -> object with `async deliver(user_key, text) -> bool`, `pushes: bool` and
        # optionally `async returned(user_key)` (told when staff give a chat back to the bot)
        self.channels = channels or {}
        self.limiter = auth.LoginLimiter()

    async def _book(self, request: Request, staff: auth.StaffLogin, start: datetime, party: int, name: str, phone: str, note: str) -> str:
        """Book through the one booking service; staff may overrule the customer-facing limits."""
        store = request.app.state.kb.snapshot.knowledge.store
        result = await request.app.state.bookings.book(
            store, start=start, party=party, name=name, now=datetime.now(start.tzinfo), channel="phone",
            user_key=f"phone:{digits(phone)}", phone=phone, request=note, actor=f"staff:{staff.name}", override=STAFF_MAY_OVERRIDE)
        return result.reason if isinstance(result, Refused) else ""

    async def _move(self, request: Request, staff: auth.StaffLogin, booking: Any, start: datetime, party: int) -> str:
        store = request.app.state.kb.snapshot.knowledge.store
        try:
            result = await request.app.state.bookings.move(store, booking.code, start=start, party=party, now=datetime.now(start.tzinfo),
                                                           actor=f"staff:{staff.name}", override=STAFF_MAY_OVERRIDE)
        except LookupError:
            return "그 예약은 이미 취소되었거나 찾을 수 없어요."
        return result.reason if isinstance(result, Refused) else ""

    async def _push_queued(self, conv: Any) -> None:
        """Where the channel can push (Event API, TalkTalk send API), what waits for this customer goes
        now, each message marked delivered once sent; elsewhere it goes with their next message."""
        channel = self.channels.get(conv.channel)
        if channel is None or not getattr(channel, "pushes", False):
            return
        for message_id, _, text in await self.storage.call(self.storage.queued_messages, conversation_id=conv.id):
            if not await channel.deliver(conv.user_key, text):
                break
            await self.storage.call(self.storage.mark_delivered, message_id=message_id)

    def _check_csrf(self, staff: auth.StaffLogin, token: str | None) -> None:
        if not auth.csrf_ok(staff.csrf, token):
            raise HTTPException(status_code=403, detail="보안 토큰이 맞지 않아요. 페이지를 새로 고친 뒤 다시 해 주세요.")

    # --- data -------------------------------------------------------------------------------

    def queue(self) -> list[dict[str, Any]]:
        """Chats waiting for staff or with staff, the longest waiting first."""
        with Session(self.storage.engine) as s:
            convs = s.exec(select(Conversation).where(Conversation.handoff.in_(("waiting", "human"))).order_by(Conversation.handoff_at)).all()  # type: ignore[attr-defined,arg-type]
            out = []
            for c in convs:
                last = s.exec(select(Message).where(Message.conversation_id == c.id, Message.direction == "in")
                              .order_by(Message.id.desc())).first()  # type: ignore[union-attr]
                out.append({"id": c.id, "channel": CHANNEL_KO.get(c.channel, c.channel), "customer": f"손님 {c.user_key[-4:]}", "state": c.handoff,
                            "state_ko": STATE_KO.get(c.handoff, c.handoff), "staff": c.staff, "waiting": _elapsed(c.handoff_at),
                            "last": (last.text[:80] if last else "")})
        return out

    def transcript(self, conversation_id: int) -> tuple[Conversation, list[Message]]:
        if not 0 < conversation_id < 2**63:
            raise HTTPException(status_code=404, detail="그 대화를 찾을 수 없어요.")
        with Session(self.storage.engine) as s:
            conv = s.get(Conversation, conversation_id)
            if conv is None:
                raise HTTPException(status_code=404, detail="그 대화를 찾을 수 없어요.")
            messages = list(s.exec(select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id)))  # type: ignore[arg-type]
            return conv, messages

    def counts(self) -> dict[str, int]:
        with Session(self.storage.engine) as s:
            rows = s.exec(select(Conversation.handoff, func.count()).group_by(Conversation.handoff)).all()
        return {state: n for state, n in rows}

    # --- routes -----------------------------------------------------------------------------

    def router(self) -> APIRouter:
        r = APIRouter(prefix="/staff", include_in_schema=False)

        @r.get("/login", response_class=HTMLResponse)
        async def login_page(request: Request, error: str = "") -> Response:
            token = secrets.token_urlsafe(24)
            response = TEMPLATES.TemplateResponse(request, "login.html", {"csrf": token, "error": error})
            response.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict", path="/staff")
            return response

        @r.post("/login")
        async def login_submit(request: Request, name: Annotated[str, Form(max_length=60)], password: Annotated[str, Form(max_length=200)],
                               csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
            if not auth.csrf_ok(request.cookies.get(LOGIN_CSRF, ""), csrf):
                raise HTTPException(status_code=403, detail="보안 토큰이 맞지 않아요. 로그인 페이지를 새로 열어 주세요.")
            keys = (f"ip:{request.client.host if request.client else ''}", f"name:{name.strip()}")
            if self.limiter.blocked(*keys):
                return HTMLResponse("로그인 시도가 너무 많아요. 1분 뒤에 다시 해 주세요.", status_code=429)
            result = await asyncio.to_thread(auth.login, self.storage, name, password)
            if result is None:
                self.limiter.failed(*keys)
                return RedirectResponse("/staff/login?error=1", status_code=303)
            token, _ = result
            response = RedirectResponse("/staff", status_code=303)
            response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/staff",
                                secure=request.url.scheme == "https", max_age=int(auth.SESSION_TTL.total_seconds()))
            response.delete_cookie(LOGIN_CSRF, path="/staff")
            return response

        @r.post("/logout")
        async def logout(staff: Page, csrf: Annotated[str, Form()] = "") -> Response:
            self._check_csrf(staff, csrf)
            auth.logout(self.storage, staff.session_id)
            response = RedirectResponse("/staff/login", status_code=303)
            response.delete_cookie(COOKIE, path="/staff")
            return response

        @r.get("", response_class=HTMLResponse)
        async def queue_page(request: Request, staff: Page) -> Response:
            return TEMPLATES.TemplateResponse(request, "queue.html", {"staff": staff, "queue": self.queue()})

        @r.get("/api/queue")
        async def queue_api(staff: Api) -> JSONResponse:
            return JSONResponse({"queue": self.queue(), "counts": self.counts()})

        @r.get("/events")
        async def events(request: Request, staff: Api) -> StreamingResponse:
            async def stream() -> AsyncIterator[str]:
                last = None
                ticks = 0
                while not await request.is_disconnected():
                    snapshot = json.dumps(self.queue(), ensure_ascii=False)
                    if snapshot != last:
                        last = snapshot
                        yield f"event: queue\ndata: {snapshot}\n\n"
                    elif ticks % 15 == 0:
                        yield ": keep-alive\n\n"
                    ticks += 1
                    await asyncio.sleep(1.0)

            return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})

        @r.get("/knowledge", response_class=HTMLResponse)
        async def knowledge_page(request: Request, staff: Page) -> Response:
            kb = request.app.state.kb
            k = kb.snapshot.knowledge
            context = {"staff": staff, "store": k.store, "menu": len(k.menu), "faqs": len(k.faqs), "warnings": [str(w) for w in k.warnings],
                       "errors": [str(e) for e in kb.errors], "loaded_at": kb.snapshot.loaded_at, "checked_at": kb.last_attempt,
                       "llm": await _llm_status(request, k.store.timezone)}
            return TEMPLATES.TemplateResponse(request, "knowledge.html", context)

        @r.get("/unanswered", response_class=HTMLResponse)
        async def unanswered_page(request: Request, staff: Page) -> Response:
            index = request.app.state.kb.snapshot.index
            groups = await self.storage.call(unanswered, storage=self.storage, terms=lambda t: set(index.analyse(t)[2]))
            return TEMPLATES.TemplateResponse(request, "unanswered.html", {"staff": staff, "groups": groups})

        @r.get("/simulator", response_class=HTMLResponse)
        async def simulator_page(request: Request, staff: Page) -> Response:
            return TEMPLATES.TemplateResponse(request, "simulator.html", {"staff": staff, "session": secrets.token_hex(4)})

        @r.post("/simulator")
        async def simulator_turn(request: Request, staff: Api) -> JSONResponse:
            """One customer message to the bot, through the live engine and knowledge; nothing reaches customers."""
            self._check_csrf(staff, request.headers.get("x-csrf-token"))
            try:
                body = safe.loads(await request.body())
            except ValueError:
                body = None
            if not isinstance(body, dict):
                raise HTTPException(status_code=400, detail="요청 형식이 올바르지 않아요.")
            text = str(body.get("text", ""))[:1000]
            session = str(body.get("session", ""))[:16]
            reply = await request.app.state.inbox.converse(Turn(text, user_key=f"{staff.name}-{session}", channel="simulator"))
            return JSONResponse({"intent": reply.intent, "texts": reply.texts, "escalate": reply.escalate,
                                 "sources": [f"{s.kind}:{s.id}" for s in reply.sources],
                                 "quick_replies": [{"label": q.label, "text": q.message} for q in reply.quick_replies]})

        @r.get("/reservations", response_class=HTMLResponse)
        async def reservations_page(request: Request, staff: Page, date: str = "", error: str = "") -> Response:
            store = request.app.state.kb.snapshot.knowledge.store
            today = datetime.now(ZoneInfo(store.timezone)).date()
            try:
                day = date_type.fromisoformat(date) if date else today
            except ValueError:
                raise HTTPException(status_code=400, detail="날짜는 2026-11-27처럼 적어 주세요.") from None
            if abs((day - today).days) > MAX_DAYS_AWAY:
                raise HTTPException(status_code=400, detail="10년 안쪽의 날짜를 골라 주세요.")
            rows = await request.app.state.bookings.list_day(day)
            context = {"staff": staff, "day": day, "rows": rows, "error": error, "prev": day - timedelta(days=1),
                       "next": day + timedelta(days=1), "status_ko": STATUS_KO, "tables": store.reservation.tables}
            return TEMPLATES.TemplateResponse(request, "reservations.html", context)

        @r.post("/reservations")
        async def reservation_create(request: Request, staff: Page, csrf: Annotated[str, Form()] = "",
                                     day: Annotated[str, Form()] = "", clock: Annotated[str, Form()] = "",
                                     party: Annotated[int, Form(ge=1, le=500)] = 2, name: Annotated[str, Form(max_length=60)] = "",
                                     phone: Annotated[str, Form(max_length=20)] = "", note: Annotated[str, Form(max_length=200)] = "") -> Response:
            """A booking taken by phone: the same tables and rules as the chat, the lead time left to staff."""
            self._check_csrf(staff, csrf)
            store = request.app.state.kb.snapshot.knowledge.store
            zone = ZoneInfo(store.timezone)
            try:
                start = datetime.combine(date_type.fromisoformat(day), time_type.fromisoformat(clock), zone)
                if abs((start.date() - datetime.now(zone).date()).days) > MAX_DAYS_AWAY:
                    raise ValueError(day)
            except ValueError:
                return RedirectResponse("/staff/reservations?error=날짜와 시간을 확인해 주세요.", status_code=303)
            error = await self._book(request, staff, start, party, name.strip() or "전화 예약", phone, note)
            suffix = f"&error={error}" if error else ""
            return RedirectResponse(f"/staff/reservations?date={start.date().isoformat()}{suffix}", status_code=303)

        @r.post("/reservations/{code}/{action}")
        async def reservation_action(request: Request, code: str, action: str, staff: Page, csrf: Annotated[str, Form()] = "",
                                     day: Annotated[str, Form()] = "", clock: Annotated[str, Form()] = "",
                                     party: Annotated[int, Form(ge=0, le=500)] = 0) -> Response:
            self._check_csrf(staff, csrf)
            bookings = request.app.state.bookings
            booking = await bookings.find(code)
            if booking is None:
                raise HTTPException(status_code=404, detail="그 예약을 찾을 수 없어요.")
            statuses = {"cancel": "cancelled", "no_show": "no_show", "complete": "completed"}
            error = ""
            if action in statuses:
                await bookings.set_status(code, statuses[action], actor=f"staff:{staff.name}")
            elif action == "change":
                store = request.app.state.kb.snapshot.knowledge.store
                zone = ZoneInfo(store.timezone)
                try:
                    start = datetime.combine(date_type.fromisoformat(day or booking.start.date().isoformat()),
                                             time_type.fromisoformat(clock or booking.start.strftime("%H:%M")), zone)
                except ValueError:
                    start = booking.start
                if abs((start.date() - datetime.now(zone).date()).days) > MAX_DAYS_AWAY:
                    start = booking.start
                try:
                    error = await self._move(request, staff, booking, start, party or booking.party)
                except LookupError:
                    error = "취소되었거나 끝난 예약은 바꿀 수 없어요."
            else:
                raise HTTPException(status_code=404, detail="알 수 없는 동작이에요.")
            suffix = f"&error={error}" if error else ""
            return RedirectResponse(f"/staff/reservations?date={booking.start.date().isoformat()}{suffix}", status_code=303)

        @r.get("/c/{conversation_id}", response_class=HTMLResponse)
        async def conversation_page(request: Request, conversation_id: int, staff: Page, confirm: str = "") -> Response:
            conv, messages = self.transcript(conversation_id)
            bookings = request.app.state.bookings
            upcoming = await bookings.upcoming(conv.channel, conv.user_key, datetime.now(UTC))
            context = {"staff": staff, "conv": conv, "messages": messages, "state_ko": STATE_KO.get(conv.handoff, conv.handoff),
                       "channel_ko": CHANNEL_KO.get(conv.channel, conv.channel),
                       "pending": sum(1 for m in messages if not m.delivered and m.author.startswith("staff:")), "bookings": upcoming,
                       "push": bool(getattr(self.channels.get(conv.channel), "pushes", False)),
                       "confirm": confirm if confirm in ("resolve", "return") else ""}
            return TEMPLATES.TemplateResponse(request, "conversation.html", context)

        @r.post("/c/{conversation_id}/{action}")
        async def act(conversation_id: int, action: str, staff: Page, csrf: Annotated[str, Form()] = "",
                      text: Annotated[str, Form(max_length=1000)] = "", confirmed: Annotated[str, Form()] = "") -> Response:
            self._check_csrf(staff, csrf)
            self.transcript(conversation_id)  # 404 for an unknown conversation
            call = self.storage.call
            if action == "claim":
                await call(self.handoffs.claim_sync, conversation_id=conversation_id, staff=staff.name)
            elif action == "reply":
                if not text.strip():
                    raise HTTPException(status_code=400, detail="보낼 내용을 적어 주세요.")
                message_id = await call(self.handoffs.staff_reply_sync, conversation_id=conversation_id, staff=staff.name, text=text.strip())
                conv, _ = self.transcript(conversation_id)
                channel = self.channels.get(conv.channel)
                if channel is not None and getattr(channel, "pushes", False) and await channel.deliver(conv.user_key, text.strip()):
                    await call(self.storage.mark_delivered, message_id=message_id)
            elif action in ("resolve", "return"):
                conv, messages = self.transcript(conversation_id)
                channel = self.channels.get(conv.channel)
                waiting = sum(1 for m in messages if not m.delivered and m.author.startswith("staff:"))
                if waiting and not getattr(channel, "pushes", False) and not confirmed:
                    # Replies not delivered yet: say how they will reach the customer, and ask first.
                    return RedirectResponse(f"/staff/c/{conversation_id}?confirm={action}", status_code=303)
                if await call(self.handoffs.release_sync, conversation_id=conversation_id, staff=staff.name):
                    returned = getattr(channel, "returned", None)
                    if returned is not None:
                        await returned(conv.user_key)  # a channel that owns threads (TalkTalk) takes it back
                    await self._push_queued(conv)
            else:
                raise HTTPException(status_code=404, detail="알 수 없는 동작이에요.")
            return RedirectResponse(f"/staff/c/{conversation_id}", status_code=303)

        return r


def for_people(request: Request) -> bool:
    """Console pages are read by people; its JSON API and event stream by the page's scripts."""
    path = request.url.path
    return path.startswith("/staff") and not path.startswith(("/staff/api", "/staff/events"))


def error_page(request: Request, message: str, status: int) -> Response:
    return TEMPLATES.TemplateResponse(request, "error.html", {"message": message, "staff": None}, status_code=status)


def install(app: Any, console: StaffConsole) -> None:
    """Mount the console; errors are rendered by bot/errors.py (pages for people, JSON for programs)."""
    from fastapi.staticfiles import StaticFiles

    app.state.console = console
    router = console.router()
    app.state.staff_routes = list(router.routes)  # for the test that every page refuses anonymous requests
    app.include_router(router)
    app.mount("/staff/static", StaticFiles(directory=str(Path(__file__).with_name("static"))), name="staff-static")

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse("/staff/login", status_code=303)


