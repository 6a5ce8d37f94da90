"""The knowledge status: what is loaded, when it was checked, warnings and errors, the model's mode."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bot.staff.deps import KbDep, LlmDep, Page, render

router = APIRouter(prefix="/staff", include_in_schema=False)


async def llm_status(skill: Any, timezone: str) -> dict[str, Any] | None:
    """The model's mode and this month's tokens, for the line in the console (None: offline only)."""
    if skill is None:
        return None
    month = datetime.now(ZoneInfo(timezone)).strftime("%Y-%m")
    spent = await skill.usage.spent(month)
    budget = skill.settings.monthly_token_budget
    mode = "budget-spent" if budget and spent >= budget else skill.mode
    return {"mode": mode, "spent": spent, "budget": budget, "model": skill.settings.model}


@router.get("/knowledge", response_class=HTMLResponse)
async def knowledge_page(request: Request, staff: Page, kb: KbDep, llm: LlmDep) -> Response:
    k = kb.snapshot.knowledge
    context = {"staff": staff, "store": k.store, "menu": len(k.menu), "faqs": len(k.faqs), "warnings": [str(w) for w in k.warnings],
               "errors": [str(e) for e in kb.errors], "loaded_at": kb.snapshot.loaded_at, "checked_at": kb.last_attempt,
               "llm": await llm_status(llm, k.store.timezone)}
    return render(request, "knowledge.html", context)  # type: ignore[no-any-return]
