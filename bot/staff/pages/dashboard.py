"""How the bot is doing, for the owner: today and the last 30 days, busiest hours, top questions."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bot.staff import charts
from bot.staff.console import TRIGGER_KO
from bot.staff.dashboard import dashboard
from bot.staff.deps import ConsoleDep, KbDep, LearningDep, Owner, render

router = APIRouter(prefix="/staff", include_in_schema=False)


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard_page(request: Request, staff: Owner, console: ConsoleDep, kb: KbDep, learning: LearningDep) -> Response:
    tz = kb.snapshot.knowledge.store.timezone
    d = await console.storage.call(dashboard, storage=console.storage, timezone=tz)
    learned = await learning.unanswered()
    missed = sorted(learned.groups, key=lambda g: -g.count)[:5]
    context = {"staff": staff, "d": d, "bars": charts.daily_bars(d.activity.days), "split_today": charts.split_bar(d.today),
               "split_month": charts.split_bar(d.month), "heat": charts.heatmap(d.activity), "missed": missed,
               "trigger_ko": TRIGGER_KO}
    return render(request, "dashboard.html", context)  # type: ignore[no-any-return]
