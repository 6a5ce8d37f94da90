"""One conversation: the transcript with times and sources, the customer's bookings, and the
staff actions (claim, reply, resolve, give back to the bot)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.kb.edit import EditRefused
from bot.kb.errors import Problem
from bot.kb.owner_tests import as_yaml
from bot.messages import Reply, Source
from bot.staff.console import CHANNEL_KO, INTENT_KO, STATE_KO
from bot.staff.deps import BookingsDep, ConsoleDep, Owner, Page, WorkspaceDep, check_csrf, render
from bot.staff.learning import missed_replies

router = APIRouter(prefix="/staff", include_in_schema=False)
NOT_FOUND = "그 대화를 찾을 수 없어요."


@router.get("/c/{conversation_id}", response_class=HTMLResponse)
async def conversation_page(request: Request, conversation_id: int, staff: Page, console: ConsoleDep, bookings: BookingsDep,
                            confirm: str = "", tested: str = "") -> Response:
    found = await console.transcript(conversation_id)
    if found is None:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    conv, messages = found
    upcoming = await bookings.upcoming(conv.channel, conv.user_key, datetime.now(UTC))
    context = {"staff": staff, "conv": conv, "messages": messages, "state_ko": STATE_KO.get(conv.handoff, conv.handoff),
               "channel_ko": CHANNEL_KO.get(conv.channel, conv.channel),
               "pending": sum(1 for m in messages if not m.delivered and m.author.startswith("staff:")), "bookings": upcoming,
               "push": console.pushes(conv.channel), "confirm": confirm if confirm in ("resolve", "return") else "",
               "queue": await console.queue(), "intent_ko": INTENT_KO,
               "saved": await console.storage.call(console.storage.saved_replies),
               "teachable": missed_replies(messages) if staff.owner else set(), "tested": tested[:200]}
    return render(request, "conversation.html", context)  # type: ignore[no-any-return]


@router.post("/c/{conversation_id}/save-test")
async def save_test(conversation_id: int, staff: Owner, console: ConsoleDep, workspace: WorkspaceDep,
                    csrf: Annotated[str, Form()] = "") -> Response:
    """The customer's questions the bot answered in this chat become owner tests (knowledge/tests.yaml),
    each expecting the source (or kind) of today's answer: an edit that changes them shows in the preview."""
    check_csrf(staff, csrf)
    found = await console.transcript(conversation_id)
    if found is None:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    _, messages = found
    blocks = []
    for asked, answered in zip(messages, messages[1:], strict=False):
        if asked.direction == "in" and answered.author == "bot" and answered.intent not in (None, "unknown", "escalate", "smalltalk"):
            sources = [Source(*s.split(":", 1)) for s in (answered.meta or {}).get("sources", []) if ":" in s]
            reply = Reply(answered.intent, [answered.text], sources)  # type: ignore[arg-type]
            blocks.append((asked.text.strip(), as_yaml(asked.text.strip(), reply)))
    try:
        if not blocks:
            raise EditRefused([Problem("tests.yaml", None, "이 대화에는 챗봇이 답한 질문이 없어요.")])
        plan = await workspace.plan(workspace.editor.plan_tests, blocks)
        await workspace.apply(plan, staff.name)
    except EditRefused as e:
        return RedirectResponse(f"/staff/c/{conversation_id}?{urlencode({'tested': e.problems[0].message})}", status_code=303)
    return RedirectResponse(f"/staff/c/{conversation_id}?{urlencode({'tested': plan.summary + '했어요. danggol test와 미리 보기에서 확인해요.'})}",
                            status_code=303)


@router.post("/c/{conversation_id}/{action}")
async def act(conversation_id: int, action: str, staff: Page, console: ConsoleDep, csrf: Annotated[str, Form()] = "",
              text: Annotated[str, Form(max_length=1000)] = "", confirmed: Annotated[str, Form()] = "") -> Response:
    check_csrf(staff, csrf)
    found = await console.transcript(conversation_id)
    if found is None:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    conv, messages = found
    if action == "claim":
        await console.claim(conversation_id, staff.name)
    elif action == "reply":
        if not text.strip():
            raise HTTPException(status_code=400, detail="보낼 내용을 적어 주세요.")
        await console.reply(conversation_id, staff.name, text.strip())
    elif action == "note":
        await console.storage.call(console.storage.set_note, conversation_id=conversation_id, note=text.strip())
    elif action in ("resolve", "return"):
        waiting = sum(1 for m in messages if not m.delivered and m.author.startswith("staff:"))
        if waiting and not console.pushes(conv.channel) and not confirmed:
            # Replies not delivered yet: say how they will reach the customer, and ask first.
            return RedirectResponse(f"/staff/c/{conversation_id}?confirm={action}", status_code=303)
        await console.release(conv, staff.name)
    else:
        raise HTTPException(status_code=404, detail="알 수 없는 동작이에요.")
    return RedirectResponse(f"/staff/c/{conversation_id}", status_code=303)
