"""The live queue of handed-over chats: the page, its JSON, and the event stream every open tab
listens to (one shared read of the queue per second, whatever the number of tabs or chats)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse

from bot.staff.deps import Api, ConsoleDep, Page, ReviewsDep, render

router = APIRouter(prefix="/staff", include_in_schema=False)


@router.get("", response_class=HTMLResponse)
async def queue_page(request: Request, staff: Page, console: ConsoleDep, reviews: ReviewsDep) -> Response:
    # The owner sees flagged reviews here too: a hygiene complaint waits for nobody.
    urgent = await reviews.urgent_open() if staff.owner and reviews is not None else []
    return render(request, "queue.html", {"staff": staff, "queue": await console.queue(), "urgent_reviews": urgent})  # type: ignore[no-any-return]


@router.get("/api/queue")
async def queue_api(staff: Api, console: ConsoleDep) -> JSONResponse:
    return JSONResponse({"queue": await console.queue(), "counts": await console.counts()})


@router.get("/events")
async def events(request: Request, staff: Api, console: ConsoleDep) -> StreamingResponse:
    async def stream() -> AsyncIterator[str]:
        last = None
        ticks = 0
        while not await request.is_disconnected():
            snapshot = json.dumps(await console.queue(), ensure_ascii=False)
            if snapshot != last:
                last = snapshot
                yield f"event: queue\ndata: {snapshot}\n\n"
            elif ticks % 15 == 0:
                yield ": keep-alive\n\n"
            ticks += 1
            await asyncio.sleep(1.0)

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})
