"""Campaigns: the owner picks a preset (its segment), edits the middle of the text, previews the exact
message with the frame the code adds, the recipients left after suppression and the cost, approves;
then follows the sending and the results (sent vs held out). Staff redeem coupons here too.

Also the 정보 templates (the booking reminder and notices), each checked by the advertising lint.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from bot.outreach import consent, notices
from bot.outreach.campaigns import ROUTE_KO, Results
from bot.outreach.gate import REASON_KO
from bot.outreach.presets import PRESETS
from bot.outreach.templates import INFO, TemplateError
from bot.staff.deps import KbDep, OutreachDep, Owner, Page, check_csrf, render

router = APIRouter(prefix="/staff", include_in_schema=False)
STATUS_KO = {"draft": "미리보기 중", "approved": "승인됨 (보낼 준비)", "sending": "보내는 중", "done": "보냄", "cancelled": "취소됨"}
RECIPIENT_KO = {"sent": "보냄", "sending": "보내는 중", "manual": "직접 보내기 대기", "failed": "실패", "unknown": "확인 안 됨",
                "suppressed": "제외", "held": "비교군 (안 보냄)", "queued": "대기"}
REDEEM_KO = {"ok": "쿠폰을 사용 처리했어요.", "used": "이미 사용한 쿠폰이에요.", "expired": "기간이 지난 쿠폰이에요.",
             "unknown": "그런 쿠폰 번호가 없어요. 번호를 다시 확인해 주세요.",
             "need_phone": "단체 쿠폰이에요. 손님 전화번호도 함께 입력해 주세요."}


def _menu(kb: Any) -> list[str]:
    return [m.name for m in kb.snapshot.knowledge.menu]


@router.get("/campaigns", response_class=HTMLResponse)
async def campaigns_page(request: Request, staff: Page, outreach: OutreachDep, saved: str = "", redeemed: str = "") -> Response:
    def read() -> dict[str, int]:
        with Session(outreach.storage.engine) as s:
            return consent.counts(s)
    counts = await outreach.storage.call(read)
    rows = await outreach.all_campaigns() if staff.owner else []
    return render(request, "campaigns.html", {"staff": staff, "campaigns": rows, "presets": PRESETS.values(), "counts": counts,  # type: ignore[no-any-return]
                                              "status_ko": STATUS_KO, "saved": saved[:200], "redeemed": REDEEM_KO.get(redeemed, "")})


@router.post("/campaigns/redeem")
async def redeem(staff: Page, outreach: OutreachDep, csrf: Annotated[str, Form()] = "", code: Annotated[str, Form(max_length=20)] = "",
                 phone: Annotated[str, Form(max_length=20)] = "") -> Response:
    check_csrf(staff, csrf)
    outcome, _ = await outreach.redeem(code, staff.name, phone)
    return RedirectResponse(f"/staff/campaigns?redeemed={outcome}", status_code=303)


@router.get("/campaigns/new", response_class=HTMLResponse)
async def new_page(request: Request, staff: Owner, kb: KbDep, outreach: OutreachDep, preset: str = "dormant_2m", error: str = "") -> Response:
    if preset not in PRESETS:
        raise HTTPException(status_code=404, detail="그런 캠페인 종류는 없어요.")
    p = PRESETS[preset]
    menu = _menu(kb)
    return render(request, "campaign_new.html", {"staff": staff, "p": p, "menu": menu, "item": menu[0] if menu else "",  # type: ignore[no-any-return]
                                                 "holdout": outreach.settings.holdout_percent, "error": error[:200]})


@router.post("/campaigns/new")
async def create(staff: Owner, kb: KbDep, outreach: OutreachDep, csrf: Annotated[str, Form()] = "",
                 preset: Annotated[str, Form(max_length=30)] = "", body: Annotated[str, Form(max_length=1000)] = "",
                 coupon: Annotated[str, Form(max_length=60)] = "", item: Annotated[str, Form(max_length=100)] = "",
                 holdout: Annotated[int, Form(ge=0, le=50)] = 10) -> Response:
    check_csrf(staff, csrf)
    if preset not in PRESETS:
        raise HTTPException(status_code=404, detail="그런 캠페인 종류는 없어요.")
    if item and item not in _menu(kb):
        return RedirectResponse(f"/staff/campaigns/new?preset={preset}&error=메뉴에 없는 이름이에요", status_code=303)
    if "{item}" in body and not item:
        return RedirectResponse(f"/staff/campaigns/new?preset={preset}&error=문구에 들어갈 메뉴를 골라 주세요", status_code=303)
    if not body.strip():
        return RedirectResponse(f"/staff/campaigns/new?preset={preset}&error=보낼 문구를 적어 주세요", status_code=303)
    campaign_id = await outreach.draft(preset, body, coupon, item, holdout, staff.name)
    return RedirectResponse(f"/staff/campaigns/{campaign_id}", status_code=303)


@router.get("/campaigns/templates", response_class=HTMLResponse)
async def templates_page(request: Request, staff: Owner, outreach: OutreachDep, saved: str = "", error: str = "", kind: str = "") -> Response:
    def read() -> dict[str, Any]:
        with Session(outreach.storage.engine) as s:
            return notices.templates(s)
    current = await outreach.storage.call(read)
    return render(request, "campaign_templates.html", {"staff": staff, "templates": current, "defaults": INFO, "saved": saved[:200],  # type: ignore[no-any-return]
                                                       "error": error[:400], "error_kind": kind})


@router.post("/campaigns/templates")
async def save_template(staff: Owner, outreach: OutreachDep, csrf: Annotated[str, Form()] = "", kind: Annotated[str, Form(max_length=20)] = "",
                        text: Annotated[str, Form(max_length=1000)] = "") -> Response:
    check_csrf(staff, csrf)
    if kind not in INFO:
        raise HTTPException(status_code=404, detail="그런 안내 문구는 없어요.")

    def save() -> None:
        with Session(outreach.storage.engine) as s:
            notices.save_template(s, kind, text)
    try:
        await outreach.storage.call(save)
    except TemplateError as e:
        from urllib.parse import quote

        return RedirectResponse(f"/staff/campaigns/templates?kind={kind}&error={quote(str(e))}", status_code=303)
    return RedirectResponse("/staff/campaigns/templates?saved=저장했어요", status_code=303)


@router.get("/campaigns/{campaign_id}", response_class=HTMLResponse)
async def campaign_page(request: Request, campaign_id: int, staff: Owner, outreach: OutreachDep) -> Response:
    c = await outreach.campaign(campaign_id) if 0 < campaign_id < 2**63 else None
    if c is None:
        raise HTTPException(status_code=404, detail="그 캠페인을 찾을 수 없어요.")
    context: dict[str, Any] = {"staff": staff, "c": c, "p": PRESETS[c.preset], "status_ko": STATUS_KO, "recipient_ko": RECIPIENT_KO,
                               "reason_ko": REASON_KO, "route_ko": ROUTE_KO}
    if c.status == "draft":
        context["preview"] = await outreach.preview(campaign_id)
    else:
        r: Results = await outreach.results(campaign_id)
        context["r"] = r
        context["sent_rate"] = Results.rate(r.sent_back, r.sent)
        context["held_rate"] = Results.rate(r.held_back, r.held)
        manual = {}
        for route in ("friend_group", "copy"):
            text, people = await outreach.manual(campaign_id, route)
            if people:
                manual[route] = {"text": text, "people": people}
        context["manual"] = manual
        context["waits"] = outreach.waits_until(outreach.now()) if c.status in ("approved", "sending") else ""
    return render(request, "campaign.html", context)  # type: ignore[no-any-return]


@router.post("/campaigns/{campaign_id}/approve")
async def approve(campaign_id: int, staff: Owner, outreach: OutreachDep, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(staff, csrf)
    if not await outreach.approve(campaign_id, staff.name):
        raise HTTPException(status_code=409, detail="이미 승인했거나 취소된 캠페인이에요.")
    await outreach.send_due()  # within the hours it leaves now; otherwise it waits for 09:00
    return RedirectResponse(f"/staff/campaigns/{campaign_id}", status_code=303)


@router.post("/campaigns/{campaign_id}/cancel")
async def cancel(campaign_id: int, staff: Owner, outreach: OutreachDep, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(staff, csrf)
    await outreach.cancel(campaign_id)
    return RedirectResponse(f"/staff/campaigns/{campaign_id}", status_code=303)


@router.post("/campaigns/{campaign_id}/sent")
async def manual_sent(campaign_id: int, staff: Owner, outreach: OutreachDep, csrf: Annotated[str, Form()] = "",
                      route: Annotated[str, Form(max_length=20)] = "") -> Response:
    check_csrf(staff, csrf)
    if route not in ("friend_group", "copy"):
        raise HTTPException(status_code=404, detail="그런 보내기 방법은 없어요.")
    await outreach.manual_sent(campaign_id, route)
    return RedirectResponse(f"/staff/campaigns/{campaign_id}", status_code=303)


@router.get("/campaigns/{campaign_id}/friends.csv")
async def friends_csv(campaign_id: int, staff: Owner, outreach: OutreachDep, header: int = 1) -> Response:
    data = await outreach.friend_group_csv(campaign_id, bool(header))
    return Response(data, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="danggol-friends-{campaign_id}.csv"'})
