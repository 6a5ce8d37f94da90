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
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import func
from sqlmodel import Session, select

from bot.db import Conversation, Message, Storage
from bot.handoff import Handoffs
from bot.messages import Turn
from bot.staff import auth
from bot.staff.insights import unanswered

COOKIE = "danggol_staff"
LOGIN_CSRF = "danggol_login_csrf"
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
STATE_KO = {"waiting": "대기 중", "human": "상담 중", "bot": "챗봇"}


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
    def __init__(self, storage: Storage, handoffs: Handoffs):
        self.storage = storage
        self.handoffs = handoffs
        self.limiter = auth.LoginLimiter()

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
                out.append({"id": c.id, "channel": c.channel, "customer": f"손님 {c.user_key[-4:]}", "state": c.handoff,
                            "state_ko": STATE_KO.get(c.handoff, c.handoff), "staff": c.staff, "waiting": _elapsed(c.handoff_at),
                            "last": (last.text[:80] if last else "")})
        return out

    def transcript(self, conversation_id: int) -> tuple[Conversation, list[Message]]:
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
                       "errors": [str(e) for e in kb.errors], "loaded_at": kb.snapshot.loaded_at, "checked_at": kb.last_attempt}
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
            body = await request.json()
            self._check_csrf(staff, request.headers.get("x-csrf-token"))
            text = str(body.get("text", ""))[:1000]
            session = str(body.get("session", ""))[:16]
            engine = request.app.state.engine
            reply = await engine.respond(Turn(text, user_key=f"{staff.name}-{session}", channel="simulator"))
            return JSONResponse({"intent": reply.intent, "texts": reply.texts, "escalate": reply.escalate,
                                 "sources": [f"{s.kind}:{s.id}" for s in reply.sources],
                                 "quick_replies": [{"label": q.label, "text": q.message} for q in reply.quick_replies]})

        @r.get("/c/{conversation_id}", response_class=HTMLResponse)
        async def conversation_page(request: Request, conversation_id: int, staff: Page) -> Response:
            conv, messages = self.transcript(conversation_id)
            bookings = request.app.state.bookings
            upcoming = await bookings.upcoming(conv.channel, conv.user_key, datetime.now(UTC))
            context = {"staff": staff, "conv": conv, "messages": messages, "state_ko": STATE_KO.get(conv.handoff, conv.handoff),
                       "pending": sum(1 for m in messages if not m.delivered), "push": conv.channel != "kakao", "bookings": upcoming}
            return TEMPLATES.TemplateResponse(request, "conversation.html", context)

        @r.post("/c/{conversation_id}/{action}")
        async def act(conversation_id: int, action: str, staff: Page, csrf: Annotated[str, Form()] = "",
                      text: Annotated[str, Form(max_length=1000)] = "") -> Response:
            self._check_csrf(staff, csrf)
            self.transcript(conversation_id)  # 404 for an unknown conversation
            call = self.storage.call
            if action == "claim":
                await call(self.handoffs.claim_sync, conversation_id=conversation_id, staff=staff.name)
            elif action == "reply":
                if not text.strip():
                    raise HTTPException(status_code=400, detail="보낼 내용을 적어 주세요.")
                await call(self.handoffs.staff_reply_sync, conversation_id=conversation_id, staff=staff.name, text=text.strip())
            elif action in ("resolve", "return"):
                await call(self.handoffs.release_sync, conversation_id=conversation_id, staff=staff.name)
            else:
                raise HTTPException(status_code=404, detail="알 수 없는 동작이에요.")
            return RedirectResponse(f"/staff/c/{conversation_id}", status_code=303)

        return r


def install(app: Any, console: StaffConsole) -> None:
    """Mount the console and render its errors as readable pages for people."""
    from fastapi.exception_handlers import http_exception_handler
    from fastapi.staticfiles import StaticFiles

    app.state.console = console
    app.include_router(console.router())
    app.mount("/staff/static", StaticFiles(directory=str(Path(__file__).with_name("static"))), name="staff-static")

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse("/staff/login", status_code=303)

    @app.exception_handler(HTTPException)
    async def readable(request: Request, exc: HTTPException) -> Response:
        """People get a page; programs (the queue API, the event stream, channels) get JSON."""
        path = request.url.path
        if path.startswith("/staff") and not path.startswith(("/staff/api", "/staff/events")):
            return TEMPLATES.TemplateResponse(request, "error.html", {"message": exc.detail, "staff": None}, status_code=exc.status_code)
        return await http_exception_handler(request, exc)
