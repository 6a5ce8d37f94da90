"""The FastAPI application: health, the channel-neutral ask API, the channels and the console.

The knowledge, Kiwi and the index are loaded and warmed in the lifespan, before uvicorn
reports startup complete, so the first customer never pays for model loading.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Annotated, Any

import httpx
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from bot import errors, wiring
from bot.channels.kakao import KakaoChannel, KakaoEventBroadcast
from bot.channels.naver import NaverChannel
from bot.conversation import Inbox
from bot.datacare import retention_loop
from bot.engine import Engine
from bot.handoff import Handoffs
from bot.health import Readiness
from bot.kb import history as knowledge_history
from bot.kb.base import KnowledgeBase
from bot.kb.edit import KnowledgeEditor
from bot.kb.owner_tests import load_tests
from bot.ledger.service import Ledger
from bot.ledger.weekly import weekly_loop
from bot.llm import StoredHistory, StoredUsage, with_model
from bot.messages import Turn
from bot.metrics import CONTENT_TYPE, RequestMetrics, exposition
from bot.outreach import digest
from bot.outreach.notices import Notices
from bot.outreach.routes import EventApiRoute, Route, TalkTalkRoute
from bot.outreach.service import Outreach
from bot.outreach.service import loop as outreach_loop
from bot.reviews.service import Reviews
from bot.settings import Settings
from bot.staff.learning import Learning
from bot.staff.preview import Previewer
from bot.staff.routes import StaffConsole, error_page, for_people
from bot.staff.routes import install as install_console
from bot.staff.workspace import Workspace
from skills import SKILLS
from skills.base import Skill

log = logging.getLogger(__name__)


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=2000)
    user: str | None = Field(default=None, max_length=200, description="keep the same value for a multi-turn conversation")
    now: datetime | None = Field(default=None, description="fixed clock, store timezone when naive")


class AskResponse(BaseModel):
    question: str
    intent: str
    answer: str
    sources: list[dict[str, str]]
    escalate: bool
    quick_replies: list[str] = []


def create_app(settings: Settings, skills: tuple[Skill, ...] = SKILLS, clock: Callable[[], datetime] | None = None) -> FastAPI:
    """The application; tests may replace `skills` (a deliberately slow one) and fix the `clock`."""
    storage = wiring.storage(settings)
    handoffs = Handoffs(storage, settings.handoff)
    inbox = Inbox(storage, handoffs)
    kakao = KakaoChannel(settings.kakao, inbox)
    naver = NaverChannel(settings.naver, inbox)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        kb = wiring.knowledge(settings)
        await asyncio.to_thread(kb.reload)
        if not kb.ready:
            for p in kb.errors:
                log.error("cannot start: %s", p)
            raise RuntimeError("지식 파일에 오류가 있어 서버를 시작할 수 없어요: danggol check로 확인해 주세요.")
        app.state.kb = kb
        used, app.state.llm = with_model(skills, settings.llm, history=StoredHistory(storage), usage=StoredUsage(storage))
        ledger = Ledger(storage, kb.snapshot.knowledge.store.timezone, keep_days=settings.retention.ledger_days)
        app.state.ledger = ledger
        outreach, jobs = _outreach(settings, storage, kb, ledger, kakao, naver, clock)
        app.state.outreach = inbox.outreach = outreach
        review_client = httpx.AsyncClient(timeout=httpx.Timeout(10.0))
        app.state.reviews = Reviews(storage, lambda: kb.snapshot.knowledge, lambda: kb.snapshot.menu, settings.handoff.webhook_url,
                                    client=review_client, clock=clock, model=getattr(app.state.llm, "model", None))
        app.state.engine = inbox.engine = wiring.engine(settings, kb, storage, used, clock=clock, turn_lock=storage.user_lock, ledger=ledger,
                                                        outreach=outreach)
        app.state.bookings = inbox.engine.bookings
        # The learning loop asks the live knowledge again with a probe engine: offline skills, its own
        # memory, nothing counted, stored or sent.
        probe = Engine(kb, settings.retrieval, skills, clock=clock, bookings=app.state.bookings, counted=False)
        log.info("warmed up in %.0f ms", await probe.warm())  # the first customer's answer is as fast as the rest
        editor = KnowledgeEditor(kb.dir, reload=kb.reload, record=lambda author, summary, restored: knowledge_history.record(
            storage, kb.dir, author=author, summary=summary, restored_from=restored))

        def files_changed() -> None:
            """A change in the files themselves (or the state at start) goes into the history, unattributed."""
            with editor.lock:
                knowledge_history.record(storage, kb.dir)

        kb.after_reload = files_changed
        await asyncio.to_thread(files_changed)
        app.state.learning = Learning(storage, kb, probe, editor)
        app.state.workspace = Workspace(storage, kb, editor, Previewer(kb, probe, settings.retrieval, skills, app.state.bookings, clock),
                                        saved_tests=lambda: [t.question for t in load_tests(kb.dir)[0]])
        stop = asyncio.Event()
        watcher = asyncio.create_task(_watch(kb, settings, stop)) if settings.reload.enabled else None
        retention = asyncio.create_task(retention_loop(storage, settings, stop))
        weekly = (asyncio.create_task(weekly_loop(ledger, settings.handoff.webhook_url, kb.snapshot.knowledge.store.name, stop))
                  if settings.handoff.webhook_url else None)
        recovery = asyncio.create_task(_recover(kakao, naver))  # answers a crash interrupted
        outreach_jobs = asyncio.create_task(outreach_loop(outreach, jobs, stop, settings.outreach.every_s))
        log.info("ready: %s", kb.snapshot.knowledge.store.name)
        try:
            yield
        finally:
            stop.set()
            retention.cancel()
            recovery.cancel()
            outreach_jobs.cancel()
            await outreach.close()
            await review_client.aclose()
            if weekly:
                weekly.cancel()
            if watcher:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher
            await kakao.close()
            await naver.close()
            await handoffs.close()
            storage.engine.dispose()  # the pool's connections go with the app (PostgreSQL counts its clients)

    app = FastAPI(title="Danggol", version="0.1.0", lifespan=lifespan)
    app.add_middleware(RequestMetrics, kakao_path=settings.kakao.path)
    readiness = Readiness(storage)
    app.state.storage = storage
    app.state.handoffs = handoffs
    app.state.inbox = inbox
    app.state.channels = {"kakao": kakao, "naver": naver}
    if settings.kakao.enabled:
        app.include_router(kakao.router())
    if settings.naver.enabled:
        if not settings.naver.path_secret.get_secret_value():
            log.error("naver.enabled is true but naver.path_secret is empty: the TalkTalk webhook stays off")
        app.include_router(naver.router())
    install_console(app, StaffConsole(storage, handoffs, channels={"kakao": kakao, "naver": naver}))
    errors.install(app, page=error_page, is_page=for_people)  # people get console pages, programs JSON

    @app.get("/healthz")
    async def healthz(request: Request) -> dict[str, Any]:
        kb: KnowledgeBase = request.app.state.kb
        k = kb.snapshot.knowledge
        return {
            "status": "ok",
            "store": k.store.name,
            "knowledge": {
                "menu_items": len(k.menu),
                "faqs": len(k.faqs),
                "loaded_at": kb.snapshot.loaded_at.isoformat(),
                "errors": [str(p) for p in kb.errors],
            },
        }

    @app.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        """Readiness (for a load balancer): 503 names the failing check; /healthz stays liveness only."""
        ready, checks = await readiness.check(getattr(request.app.state, "kb", None))
        return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(exposition(), media_type=CONTENT_TYPE)

    @app.post("/api/ask", response_model=AskResponse)
    async def ask(body: AskRequest, engine: Annotated[Engine, Depends(_engine)]) -> AskResponse:
        turn = Turn(body.question, user_key=body.user or f"web-{uuid.uuid4().hex}", channel="web", now=body.now)
        reply = await inbox.converse(turn)  # stored, handed over and counted like any channel's turn
        return AskResponse(**reply.as_contract(body.question), quick_replies=[q.label for q in reply.quick_replies])

    return app


def _outreach(settings: Settings, storage: Any, kb: KnowledgeBase, ledger: Ledger, kakao: KakaoChannel, naver: NaverChannel,
              clock: Callable[[], datetime] | None) -> tuple[Outreach, list[Callable[[], Any]]]:
    """Consent, campaigns and the 정보 notices, with the routes this shop has set up."""
    def store() -> Any:
        return kb.snapshot.knowledge.store

    client = httpx.AsyncClient(timeout=httpx.Timeout(10.0))
    broadcast = KakaoEventBroadcast(settings.kakao, client)
    routes: dict[str, Route] = {}
    outreach = Outreach(storage, settings.outreach, store, ledger, routes, clock=clock, client=client)
    if broadcast.enabled:
        routes["event_api"] = EventApiRoute(broadcast, settings.outreach.event_api_won, outreach.sender)
    if naver.pushes:
        routes["talktalk"] = TalkTalkRoute(naver.api, outreach.sender, carries_ads=settings.outreach.talktalk_ads)
    by_channel: dict[str, Route] = {}
    if "event_api" in routes:
        by_channel["kakao"] = routes["event_api"]
    if naver.pushes:  # 정보 goes through TalkTalk whatever the 광고 setting says
        by_channel["naver"] = TalkTalkRoute(naver.api, outreach.sender, carries_ads=False)
    o = settings.outreach
    notices = Notices(storage, store, by_channel, o.reminder_time, o.reminders, o.notices, o.reconfirm_months, outreach.now)
    jobs: list[Callable[[], Any]] = [outreach.send_due, notices.run]
    if o.digest and settings.handoff.webhook_url:
        async def daily_digest() -> bool:
            s = store()
            return await digest.send_if_due(storage, settings.handoff.webhook_url, s.name, s.timezone, o.digest_time,
                                            outreach.now(), client)
        jobs.append(daily_digest)
    return outreach, jobs


def _engine(request: Request) -> Engine:
    return request.app.state.engine  # type: ignore[no-any-return]


async def _recover(*channels: Any) -> None:
    for channel in channels:
        try:
            await channel.recover()
        except Exception:
            log.exception("recovering undelivered answers failed for %s", type(channel).__name__)


async def _watch(kb: KnowledgeBase, settings: Settings, stop: asyncio.Event) -> None:
    """Hot reload: a saved change is live within about a second; errors keep the last good knowledge."""
    while not stop.is_set():
        try:
            await kb.watch(settings.reload.debounce_ms, stop)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("knowledge watcher failed; restarting it")
            await asyncio.sleep(1.0)


LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def insecure_exposure(settings: Settings) -> str | None:
    """Why serving on this host would expose an unauthenticated channel, or None."""
    if settings.server.host in LOOPBACK or settings.server.allow_insecure:
        return None
    if settings.kakao.enabled and not settings.kakao.secret.get_secret_value():
        return "카카오 스킬 비밀값(kakao.secret)이 없어요"
    if settings.naver.enabled and len(settings.naver.path_secret.get_secret_value()) < 16:
        return "톡톡 웹훅 비밀 경로(naver.path_secret)가 없거나 16자보다 짧아요"
    return None


def port_taken(host: str, port: int) -> str:
    """Why the server cannot listen on host:port, in Korean ("" when it can): a second `make serve`
    should say so, not print "[Errno 98] address already in use"."""
    import socket

    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
    except PermissionError:
        return f"{port}번 포트는 관리자 권한이 있어야 열 수 있어요. 1024보다 큰 번호(예: 8000)를 쓰거나 nginx·Caddy 뒤에 두세요."
    except OSError:
        return (f"{port}번 포트({host})를 이미 다른 프로그램이 쓰고 있어요. 단골이 이미 켜져 있을 수 있어요 "
                f"(다른 창의 make serve, 또는 systemctl status danggol). 끄고 다시 켜거나 --port {port + 1}처럼 다른 번호로 열어 주세요.")
    return ""


def limit_malloc_arenas(arenas: int = 2) -> None:
    """Cap glibc's per-thread malloc arenas before threads start.

    The database thread, the event loop's executor and Kiwi would each get an arena of their
    own; with two, the server stays under its 400 MB budget (bench/retrieval.py: 402 -> 394 MB).
    A no-op where the C library is not glibc.
    """
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(-8, arenas)  # M_ARENA_MAX
    except (OSError, AttributeError):
        pass


def serve(settings: Settings) -> int:
    import uvicorn

    limit_malloc_arenas()

    problem = insecure_exposure(settings)
    if problem:
        print(f"{settings.server.host}에서 서버를 열 수 없어요: {problem}. DANGGOL_KAKAO__SECRET을 설정하거나, "
              "정말 괜찮다면 server.allow_insecure = true로 시작해 주세요.", file=sys.stderr)
        return 2
    taken = port_taken(settings.server.host, settings.server.port)
    if taken:
        print(taken, file=sys.stderr)
        return 2
    from bot.logs import install

    install(settings.server.log_format, settings.server.log_level, secrets=(settings.naver.path_secret.get_secret_value(),))
    app = create_app(settings)
    # log_config=None: uvicorn adds no handlers of its own; its loggers (access log included) reach ours.
    uvicorn.run(app, host=settings.server.host, port=settings.server.port, log_level=settings.server.log_level, log_config=None)
    return 0
