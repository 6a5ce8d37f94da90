"""The shop's 단골: the picture of its customers, segments and their members, one customer's page
(merge, split), a visit recorded by phone, POS imports, and the stamp card's code.

Staff see phone numbers masked (010-****-5678); the owner sees them whole, edits the segment
thresholds and the stamp card, imports, merges and splits. Shop-wide figures are counted over
customer ids only.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, fields
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.ledger.card import CardRules
from bot.ledger.phones import masked, pretty
from bot.ledger.pos import FIELD_KO, FIELDS
from bot.ledger.stats import SEGMENT_KO, SEGMENTS, Thresholds
from bot.staff import charts
from bot.staff.dashboard import WEEKDAYS_KO, Activity
from bot.staff.deps import LedgerDep, OutreachDep, Owner, Page, check_csrf, render

router = APIRouter(prefix="/staff", include_in_schema=False)
MAX_UPLOAD = 10_000_000
THRESHOLD_KO = {"weekly_days": "주 단골: 최근 며칠", "weekly_visits": "주 단골: 몇 번 이상", "monthly_days": "월 단골: 최근 며칠",
                "monthly_visits": "월 단골: 몇 번 이상", "new_days": "신규: 처음 온 지 며칠 안", "no_return_days": "재방문 없음: 며칠 지나면",
                "at_risk_factor": "이탈 위험: 평소 간격의 몇 배", "dormant_short": "휴면: 짧은 기준(일)", "dormant_long": "휴면: 긴 기준(일)"}
WEEKDAY_NAMES = ("월요일", "화요일", "수요일", "목요일", "금요일", "토요일", "일요일")


def phone_for(staff: Any, digits: str) -> str:
    return pretty(digits) if staff.owner else masked(digits)


@router.get("/customers", response_class=HTMLResponse)
async def customers_page(request: Request, staff: Page, ledger: LedgerDep, saved: str = "") -> Response:
    p = await ledger.picture()
    t = await ledger.thresholds()
    segments = [{"key": s, "ko": SEGMENT_KO[s], "count": len(p.segment_members[s]), "help": t.describe(s), "trend": p.trend.get(s, [])}
                for s in SEGMENTS]
    back = {days: (n, of, round(100 * n / of) if of else 0) for days, (n, of) in p.came_back.items()}
    no_show_rate = round(100 * p.no_shows / p.bookings) if p.bookings else 0
    context = {"staff": staff, "p": p, "segments": segments, "back": back, "no_show_rate": no_show_rate, "saved": saved[:200],
               "weeks": charts.stacked(p.weeks), "gaps": charts.bars(p.gaps), "heat": charts.heatmap(Activity([], p.heat)),
               "parties": charts.bars([(f"{n}명", c) for n, c in p.parties]) if p.parties else None, "weekdays": WEEKDAYS_KO,
               "t": asdict(t), "t_ko": THRESHOLD_KO}
    return render(request, "customers.html", context)  # type: ignore[no-any-return]


@router.get("/customers/segment/{segment}", response_class=HTMLResponse)
async def segment_page(request: Request, segment: str, staff: Page, ledger: LedgerDep) -> Response:
    if segment not in SEGMENTS:
        raise HTTPException(status_code=404, detail="그런 손님 묶음은 없어요.")
    p = await ledger.picture()
    members = sorted((p.profiles[c] for c in p.segment_members[segment]), key=lambda prof: prof.last or p.today, reverse=True)
    labels = await ledger.labels([m.customer_id for m in members[:300]])
    rows = [{"id": m.customer_id, "label": labels.get(m.customer_id, ("", ""))[0], "phone": phone_for(staff, labels.get(m.customer_id, ("", ""))[1]),
             "last": m.last, "visits": m.visits, "away": m.since_last(p.today), "gap": m.median_gap} for m in members[:300]]
    t = await ledger.thresholds()
    return render(request, "segment.html", {"staff": staff, "segment": segment, "ko": SEGMENT_KO[segment], "help": t.describe(segment),  # type: ignore[no-any-return]
                                            "rows": rows, "total": len(members)})


@router.get("/customers/c/{customer_id}", response_class=HTMLResponse)
async def customer_page(request: Request, customer_id: int, staff: Page, ledger: LedgerDep, outreach: OutreachDep,
                        saved: str = "") -> Response:
    view = await ledger.customer(customer_id) if 0 < customer_id < 2**63 else None
    if view is None:
        raise HTTPException(status_code=404, detail="그 손님을 찾을 수 없어요.")
    p = await ledger.picture()
    prof = p.profiles.get(customer_id)
    identities = [{"id": i.id, "kind": i.kind, "manual": i.manual,
                   "value": phone_for(staff, i.value) if i.kind == "phone" else (i.value if staff.owner else i.value[:4] + "…")}
                  for i in view.identities]
    rules = await ledger.card_rules()
    consents, events = await outreach.consents(customer_id) if outreach is not None else ([], [])
    return render(request, "customer.html", {"staff": staff, "c": view.customer, "view": view, "prof": prof, "identities": identities,  # type: ignore[no-any-return]
                                             "segments": [SEGMENT_KO[s] for s in SEGMENTS if prof and s in prof.segments],
                                             "weekday": WEEKDAY_NAMES[prof.usual_weekday] if prof and prof.usual_weekday is not None else "",
                                             "today": p.today, "rules": rules, "saved": saved[:200],
                                             "consents": consents, "consent_events": events})


@router.get("/customers/c/{customer_id}/consents.csv")
async def consents_csv(customer_id: int, staff: Owner, outreach: OutreachDep) -> Response:
    """One customer's consents and withdrawals, every step, for the customer or an inspector."""
    _, events = await outreach.consents(customer_id)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["일시(UTC)", "채널", "내용", "손님이 쓴 말", "동의 문구 버전"])
    action_ko = {"asked": "물어봄", "granted": "동의", "declined": "동의 안 함", "withdrawn": "수신 거부", "reconfirmed": "2년 재확인 안내",
                 "under14": "만 14세 미만이라 받지 않음"}
    for e in events:
        w.writerow([e.at.isoformat(timespec="seconds"), e.channel, action_ko.get(e.action, e.action), e.words, e.wording])
    return Response(("\ufeff" + out.getvalue()).encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="consents-{customer_id}.csv"'})


@router.post("/customers/c/{customer_id}/split")
async def split(customer_id: int, staff: Owner, ledger: LedgerDep, csrf: Annotated[str, Form()] = "", identity: Annotated[int, Form()] = 0) -> Response:
    check_csrf(staff, csrf)
    view = await ledger.customer(customer_id)
    if view is None or identity not in [i.id for i in view.identities] or len(view.identities) < 2:
        raise HTTPException(status_code=400, detail="나눌 수 있는 연결이 아니에요. 연결이 두 개 이상일 때 하나를 떼어 낼 수 있어요.")
    new = await ledger.split(identity)
    return RedirectResponse(f"/staff/customers/c/{new}?{urlencode({'saved': '따로 떼어 낸 손님이에요. 다음 가져오기에도 따로 있어요.'})}", status_code=303)


@router.post("/customers/c/{customer_id}/merge")
async def merge(customer_id: int, staff: Owner, ledger: LedgerDep, csrf: Annotated[str, Form()] = "",
                phone: Annotated[str, Form(max_length=40)] = "") -> Response:
    """The owner says another customer (found by phone) is this same person."""
    check_csrf(staff, csrf)
    other = await ledger.find_phone(phone)
    if other is None:
        raise HTTPException(status_code=400, detail="그 전화번호의 손님을 찾지 못했어요. 010-1234-5678처럼 적어 주세요.")
    if other != customer_id:
        await ledger.merge(customer_id, other)
    return RedirectResponse(f"/staff/customers/c/{customer_id}?{urlencode({'saved': '두 손님을 한 사람으로 합쳤어요.'})}", status_code=303)


@router.post("/customers/c/{customer_id}/redeem")
async def redeem(customer_id: int, staff: Page, ledger: LedgerDep, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(staff, csrf)
    ok = await ledger.redeem(customer_id, staff.name)
    message = "보상을 드렸어요. 도장판을 새로 시작해요." if ok else "아직 도장이 다 모이지 않았어요."
    return RedirectResponse(f"/staff/customers/c/{customer_id}?{urlencode({'saved': message})}", status_code=303)


@router.get("/stamps", response_class=HTMLResponse)
async def stamps_page(request: Request, staff: Page, ledger: LedgerDep, saved: str = "") -> Response:
    rules = await ledger.card_rules()
    code = await ledger.today_code() if rules.enabled else ""
    return render(request, "stamps.html", {"staff": staff, "rules": rules, "code": code, "today": ledger.now(), "saved": saved[:200]})  # type: ignore[no-any-return]


@router.post("/stamps")
async def save_stamps(staff: Owner, ledger: LedgerDep, csrf: Annotated[str, Form()] = "", enabled: Annotated[str, Form()] = "",
                      needed: Annotated[int, Form(ge=1, le=100)] = 10, reward: Annotated[str, Form(max_length=60)] = "") -> Response:
    check_csrf(staff, csrf)
    await ledger.save_card_rules(CardRules(bool(enabled), needed, reward.strip() or CardRules.reward))
    return RedirectResponse(f"/staff/stamps?{urlencode({'saved': '도장판 설정을 저장했어요.'})}", status_code=303)


@router.post("/customers/visit")
async def record_visit(staff: Page, ledger: LedgerDep, csrf: Annotated[str, Form()] = "", phone: Annotated[str, Form(max_length=40)] = "",
                       party: Annotated[int | None, Form(ge=1, le=50)] = None) -> Response:
    """Staff's "방문 기록": a visit now for the customer with this phone (made if new), one a day."""
    check_csrf(staff, csrf)
    who = await ledger.record_visit(phone, staff.name, party)
    if who is None:
        raise HTTPException(status_code=400, detail="전화번호를 읽을 수 없어요. 010-1234-5678처럼 적어 주세요.")
    return RedirectResponse(f"/staff/customers/c/{who}?{urlencode({'saved': '오늘 방문을 기록했어요.'})}", status_code=303)


@router.get("/customers/import", response_class=HTMLResponse)
async def import_page(request: Request, staff: Owner, ledger: LedgerDep) -> Response:
    mapping = await ledger.pos_mapping()
    return render(request, "customers_import.html", {"staff": staff, "mapping": mapping, "fields": FIELDS, "field_ko": FIELD_KO,  # type: ignore[no-any-return]
                                                     "result": None})


@router.post("/customers/import", response_class=HTMLResponse)
async def import_file(request: Request, staff: Owner, ledger: LedgerDep) -> Response:
    """A POS or card-terminal export: each visit with its source; bad rows reported by line; a second
    import of the same file adds nothing. The columns used are saved for the next export."""
    form = await request.form()
    check_csrf(staff, str(form.get("csrf", "")))
    upload = form.get("file")
    if not isinstance(upload, UploadFile) and not hasattr(upload, "read"):
        raise HTTPException(status_code=400, detail="가져올 파일을 골라 주세요. POS에서 내려받은 CSV나 엑셀 파일이면 돼요.")
    data = await upload.read(MAX_UPLOAD + 1)  # type: ignore[union-attr]
    if len(data) > MAX_UPLOAD:
        raise HTTPException(status_code=400, detail="파일이 너무 커요. 10MB보다 작게 나눠서 올려 주세요.")
    mapping = {f: str(form.get(f"map_{f}", "")).strip() for f in FIELDS if str(form.get(f"map_{f}", "")).strip()}
    parsed, result = await ledger.import_pos(getattr(upload, "filename", "") or "pos.csv", data, mapping or None, save_mapping=True)
    used = {FIELD_KO[f]: parsed.header[i] for f, i in parsed.mapping.items() if i < len(parsed.header)}
    return render(request, "customers_import.html", {"staff": staff, "mapping": await ledger.pos_mapping(), "fields": FIELDS,  # type: ignore[no-any-return]
                                                     "field_ko": FIELD_KO, "result": result, "parsed": parsed, "used": used},
                  status_code=200 if parsed.visits or not parsed.problems else 400)


@router.post("/customers/segments")
async def save_thresholds(request: Request, staff: Owner, ledger: LedgerDep) -> Response:
    form = await request.form()
    check_csrf(staff, str(form.get("csrf", "")))
    values = {f.name: str(form.get(f.name, "")).strip() for f in fields(Thresholds) if str(form.get(f.name, "")).strip()}
    t = Thresholds.from_dict(values)  # type: ignore[arg-type]
    if t.weekly_visits < 1 or t.monthly_visits < 1 or t.dormant_short >= t.dormant_long or t.at_risk_factor < 1:
        raise HTTPException(status_code=400, detail="기준이 맞지 않아요. 휴면 기준은 짧은 쪽이 긴 쪽보다 작아야 하고, 횟수와 배수는 1 이상이어야 해요.")
    await ledger.save_thresholds(t)
    return RedirectResponse(f"/staff/customers?{urlencode({'saved': '손님 묶음 기준을 저장했어요.'})}", status_code=303)


@router.get("/customers/export.xlsx")
async def export(staff: Owner, ledger: LedgerDep) -> Response:
    """Customers and their segments as an Excel workbook (the owner's own copy: phones included)."""
    from openpyxl import Workbook

    p = await ledger.picture()
    labels = await ledger.labels(list(p.profiles))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "손님"
    sheet.append(["번호", "이름", "전화번호", "처음 방문", "마지막 방문", "방문 횟수", "30일", "90일", "365일", "방문 간격(일)", "다음 방문 예상", "묶음"])
    for c, prof in sorted(p.profiles.items()):
        label, phone = labels.get(c, ("", ""))
        sheet.append([c, label, pretty(phone), prof.first, prof.last, prof.visits, prof.in_30, prof.in_90, prof.in_365, prof.median_gap,
                      prof.expected_next, ", ".join(SEGMENT_KO[s] for s in SEGMENTS if s in prof.segments)])
    seg = book.create_sheet("묶음")
    seg.append(["묶음", "기준", "손님 수"])
    t = await ledger.thresholds()
    for s in SEGMENTS:
        seg.append([SEGMENT_KO[s], t.describe(s), len(p.segment_members[s])])
    out = io.BytesIO()
    book.save(out)
    return Response(out.getvalue(), media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": "attachment; filename*=UTF-8''customers.xlsx"})
