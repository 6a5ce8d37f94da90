"""The simulator: the owner talks to the live bot; nothing reaches customers."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from bot import safe
from bot.messages import Turn
from bot.staff.deps import Api, InboxDep, Page, check_csrf, render

router = APIRouter(prefix="/staff", include_in_schema=False)


@router.get("/simulator", response_class=HTMLResponse)
async def simulator_page(request: Request, staff: Page) -> Response:
    return render(request, "simulator.html", {"staff": staff, "session": secrets.token_hex(4)})  # type: ignore[no-any-return]


@router.post("/simulator")
async def simulator_turn(request: Request, staff: Api, inbox: InboxDep) -> JSONResponse:
    """One customer message to the bot, through the live engine and knowledge; nothing reaches customers."""
    check_csrf(staff, request.headers.get("x-csrf-token"))
    try:
        body = safe.loads(await request.body())
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise HTTPException(status_code=400, detail="요청 형식이 올바르지 않아요.")
    text = str(body.get("text", ""))[:1000]
    session = str(body.get("session", ""))[:16]
    reply = await inbox.converse(Turn(text, user_key=f"{staff.name}-{session}", channel="simulator"))
    return JSONResponse({"intent": reply.intent, "texts": reply.texts, "escalate": reply.escalate,
                         "sources": [f"{s.kind}:{s.id}" for s in reply.sources],
                         "quick_replies": [{"label": q.label, "text": q.message} for q in reply.quick_replies]})
