"""What every console page depends on: who is logged in, the services, the templates.

Routes declare what they need as `Annotated` dependencies (`staff: Page`, `console: ConsoleDep`,
`kb: KbDep`…) instead of reaching into `request.app.state`; each service is looked up here, once.
The login check reads the database off the event loop, like every other console read.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates

from bot.staff import auth
from bot.staff.console import StaffConsole, aware

COOKIE = "danggol_staff"
LOGIN_CSRF = "danggol_login_csrf"
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))


class LoginRequired(Exception):
    """A page asked for by someone not logged in: they are sent to the login page."""


def get_console(request: Request) -> StaffConsole:
    return request.app.state.console  # type: ignore[no-any-return]


ConsoleDep = Annotated[StaffConsole, Depends(get_console)]


def service(name: str) -> Any:
    """A dependency for one service the server put on `app.state` (None where it is not configured)."""
    def get(request: Request) -> Any:
        return getattr(request.app.state, name, None)
    return Depends(get)


KbDep = Annotated[Any, service("kb")]
LedgerDep = Annotated[Any, service("ledger")]
WorkspaceDep = Annotated[Any, service("workspace")]
LearningDep = Annotated[Any, service("learning")]
BookingsDep = Annotated[Any, service("bookings")]
InboxDep = Annotated[Any, service("inbox")]
OutreachDep = Annotated[Any, service("outreach")]
ReviewsDep = Annotated[Any, service("reviews")]
LlmDep = Annotated[Any, service("llm")]  # None when no model is configured


async def _login(request: Request, console: StaffConsole) -> auth.StaffLogin | None:
    return await console.storage.call(auth.current, storage=console.storage, token=request.cookies.get(COOKIE))


async def page_staff(request: Request, console: ConsoleDep) -> auth.StaffLogin:
    """The logged-in staff member of a page request; others go to the login page."""
    staff = await _login(request, console)
    if staff is None:
        raise LoginRequired
    return staff


async def api_staff(request: Request, console: ConsoleDep) -> auth.StaffLogin:
    """The logged-in staff member of an API request; others get 401."""
    staff = await _login(request, console)
    if staff is None:
        raise HTTPException(status_code=401, detail="로그인이 필요해요.")
    return staff


async def page_owner(staff: Annotated[auth.StaffLogin, Depends(page_staff)]) -> auth.StaffLogin:
    """The owner's pages (the knowledge, the dashboard): staff accounts are told so, politely."""
    if not staff.owner:
        raise HTTPException(status_code=403, detail="사장님 계정만 볼 수 있는 화면이에요. 사장님께 부탁해 주세요.")
    return staff


Page = Annotated[auth.StaffLogin, Depends(page_staff)]
Owner = Annotated[auth.StaffLogin, Depends(page_owner)]
Api = Annotated[auth.StaffLogin, Depends(api_staff)]


def check_csrf(staff: auth.StaffLogin, token: str | None) -> None:
    if not auth.csrf_ok(staff.csrf, token):
        raise HTTPException(status_code=403, detail="보안 토큰이 맞지 않아요. 페이지를 새로 고친 뒤 다시 해 주세요.")


def local_time(moment: datetime | None, timezone: str, now: datetime | None = None) -> str:
    """A stored (UTC) time as the shop reads it: '오후 2:05' today, '어제 오후 2:05', '11월 3일 오후 2:05'."""
    moment = aware(moment)
    if moment is None:
        return ""
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    today = (now or datetime.now(UTC)).astimezone(zone).date()
    clock = f"{'오전' if local.hour < 12 else '오후'} {local.hour % 12 or 12}:{local.minute:02d}"
    days = (today - local.date()).days
    if days == 0:
        return clock
    if days == 1:
        return f"어제 {clock}"
    if local.year == today.year:
        return f"{local.month}월 {local.day}일 {clock}"
    return f"{local.year}년 {local.month}월 {local.day}일 {clock}"


def ago(moment: datetime | None, now: datetime | None = None) -> str:
    """'방금', '3분 전', '2시간 전', '5일 전'."""
    moment = aware(moment)
    if moment is None:
        return ""
    seconds = ((now or datetime.now(UTC)) - moment).total_seconds()
    if seconds < 60:
        return "방금"
    if seconds < 3600:
        return f"{int(seconds // 60)}분 전"
    if seconds < 86400:
        return f"{int(seconds // 3600)}시간 전"
    return f"{int(seconds // 86400)}일 전"


# (key, href, label, where): "all" everywhere; "owner" only for the owner; "more" in the top bar on a
# desktop and on the 더보기 page on a phone (five tabs fit a phone's bottom bar, not eight); "owner-more"
# the same, for the owner only.
TABS = (("queue", "/staff", "대기열", "all"), ("reservations", "/staff/reservations", "예약", "all"),
        ("history", "/staff/history", "기록", "all"), ("dashboard", "/staff/dashboard", "현황", "owner"),
        ("unanswered", "/staff/unanswered", "못 한 답", "more"), ("simulator", "/staff/simulator", "시뮬레이터", "more"),
        ("replies", "/staff/replies", "자주 쓰는 답장", "more"), ("knowledge", "/staff/knowledge", "지식", "more"),
        ("customers", "/staff/customers", "손님", "more"), ("stamps", "/staff/stamps", "도장", "more"),
        ("campaigns", "/staff/campaigns", "캠페인", "more"), ("reviews", "/staff/reviews", "리뷰", "owner-more"))


def tabs(staff: auth.StaffLogin | None) -> list[dict[str, str]]:
    """The tabs this account sees, each with where it shows (all, desk: desktop bar only)."""
    if staff is None:
        return []
    shown = [t for t in TABS if not t[3].startswith("owner") or staff.owner]
    return [{"key": k, "href": h, "label": label, "place": "desk" if where.endswith("more") else "all"} for k, h, label, where in shown]


def render(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> Any:
    """A console page, with what every page shows: the shop's time zone and the current tab."""
    kb = getattr(request.app.state, "kb", None)
    timezone = kb.snapshot.knowledge.store.timezone if kb is not None and kb.ready else "Asia/Seoul"
    tab = request.url.path.removeprefix("/staff").strip("/").split("/")[0] or "queue"
    more = [t["key"] for t in tabs(context.get("staff")) if t["place"] == "desk"]
    return TEMPLATES.TemplateResponse(request, template, {"tab": tab, "tz": timezone, "tabs": tabs(context.get("staff")),
                                                          "more_tabs": more, **context}, status_code=status_code)


TEMPLATES.env.filters["local"] = lambda moment, tz="Asia/Seoul": local_time(moment, tz)
TEMPLATES.env.filters["ago"] = ago
