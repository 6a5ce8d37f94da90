"""All conversations, searchable and filterable; any one opens in the conversation page."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bot.staff.console import CHANNEL_KO, INTENT_KO, STATE_KO
from bot.staff.deps import ConsoleDep, KbDep, Page, render
from bot.staff.history import Filters, channels_and_intents, parse_day, search

router = APIRouter(prefix="/staff", include_in_schema=False)


@router.get("/history", response_class=HTMLResponse)
async def history_page(request: Request, staff: Page, console: ConsoleDep, kb: KbDep, q: str = "", customer: str = "",
                       channel: str = "", state: str = "", intent: str = "", handed: str = "", since: str = "", until: str = "",
                       page: int = 1) -> Response:
    filters = Filters(text=q[:100], customer=customer[:60], channel=channel[:20], state=state[:10], intent=intent[:20],
                      handed=handed[:3], since=parse_day(since), until=parse_day(until), page=max(1, min(page, 10_000)))
    timezone = kb.snapshot.knowledge.store.timezone
    found = await console.storage.call(search, storage=console.storage, filters=filters, timezone=timezone)
    channels, intents = await console.storage.call(channels_and_intents, storage=console.storage)
    kept = {k: v for k, v in {"q": q, "customer": customer, "channel": channel, "state": state, "intent": intent, "handed": handed,
                               "since": since, "until": until}.items() if v}
    context = {"staff": staff, "filters": filters, "found": found, "channels": channels, "intents": intents, "channel_ko": CHANNEL_KO,
               "intent_ko": INTENT_KO, "state_ko": STATE_KO, "raw": {"since": since, "until": until},
               "next_url": f"/staff/history?{urlencode({**kept, 'page': filters.page + 1})}",
               "prev_url": f"/staff/history?{urlencode({**kept, 'page': filters.page - 1})}"}
    return render(request, "history.html", context)  # type: ignore[no-any-return]
