"""Reviews (the owner's): paste what a platform's owner page shows or upload the template, see the
urgent ones first, open one to pick and edit a grounded draft, approve and copy it with one tap, open
the platform's page to post it; Danggol marks it replied and keeps the history. Trends by week and
platform. Nothing is posted anywhere by Danggol: the owner pastes the reply themselves.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.reviews import paste
from bot.reviews.drafts import LENGTHS, TONES
from bot.reviews.lexicon import ASPECTS
from bot.reviews.service import PLATFORM_KO, PLATFORM_URL
from bot.reviews.urgent import KIND_KO
from bot.staff import charts
from bot.staff.deps import Owner, ReviewsDep, check_csrf, render

router = APIRouter(prefix="/staff", include_in_schema=False)
MAX_UPLOAD = 5_000_000
SENTIMENT_KO = {"positive": "긍정", "neutral": "보통", "negative": "부정"}


@router.get("/reviews", response_class=HTMLResponse)
async def reviews_page(request: Request, staff: Owner, reviews: ReviewsDep, show: str = "all", platform: str = "",
                       added: int = -1, duplicates: int = 0, urgent: int = 0, problems: str = "") -> Response:
    rows = await reviews.find(show if show in ("all", "new", "urgent") else "all", platform if platform in PLATFORM_KO else "")
    result = {"added": added, "duplicates": duplicates, "urgent": urgent, "problems": [p for p in problems.split("\n") if p][:20]} \
        if added >= 0 else None
    return render(request, "reviews.html", {"staff": staff, "rows": rows, "show": show, "platform": platform,  # type: ignore[no-any-return]
                                            "platforms": paste.PLATFORMS, "platform_ko": PLATFORM_KO, "kind_ko": KIND_KO,
                                            "sentiment_ko": SENTIMENT_KO, "result": result, "today": reviews.now().date()})


def _done(result: Any) -> Response:
    query = f"added={result.added}&duplicates={result.duplicates}&urgent={len(result.urgent)}"
    if result.problems:
        query += "&problems=" + quote("\n".join(result.problems[:20]))
    return RedirectResponse(f"/staff/reviews?{query}", status_code=303)


@router.post("/reviews/paste")
async def paste_reviews(staff: Owner, reviews: ReviewsDep, csrf: Annotated[str, Form()] = "", text: Annotated[str, Form(max_length=200_000)] = "",
                        platform: Annotated[str, Form(max_length=20)] = "", captured: Annotated[str, Form(max_length=10)] = "") -> Response:
    check_csrf(staff, csrf)
    try:
        on = date.fromisoformat(captured) if captured else None
    except ValueError:
        on = None
    return _done(await reviews.import_paste(text, platform if platform in paste.PLATFORMS else None, on))


@router.post("/reviews/upload")
async def upload_reviews(staff: Owner, reviews: ReviewsDep, file: UploadFile | None = None, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(staff, csrf)
    if file is None:
        return RedirectResponse("/staff/reviews?added=0&problems=" + quote("올릴 파일을 골라 주세요."), status_code=303)
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise HTTPException(status_code=413, detail="파일이 너무 커요. 5MB 이하로 나눠서 올려 주세요.")
    return _done(await reviews.import_table(file.filename or "reviews.csv", data))


@router.get("/reviews/template.csv")
async def template(staff: Owner) -> Response:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(paste.TEMPLATE_HEADER)
    w.writerow(["naver", "김**", "2026-12-01", "", "직원분들이 친절하고 국물이 진해요.", "", ""])
    return Response(("\ufeff" + out.getvalue()).encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="danggol-reviews.csv"'})


@router.get("/reviews/trends", response_class=HTMLResponse)
async def trends_page(request: Request, staff: Owner, reviews: ReviewsDep) -> Response:
    t = await reviews.trends()
    weeks = charts.stacked([(w, neg, pos) for w, pos, _neu, neg, _r in t.weeks])
    ratings = charts.bars([(f"{w.month}/{w.day}", round((r or 0) * 10)) for w, *_x, r in t.weeks], label_every=3)
    return render(request, "review_trends.html", {"staff": staff, "t": t, "weeks": weeks, "ratings": ratings,  # type: ignore[no-any-return]
                                                  "platform_ko": PLATFORM_KO})


@router.get("/reviews/{review_id}", response_class=HTMLResponse)
async def review_page(request: Request, review_id: int, staff: Owner, reviews: ReviewsDep, tone: str = "정중", length: str = "보통",
                      pick: int = 0, error: str = "") -> Response:
    found = await reviews.get(review_id) if 0 < review_id < 2**63 else None
    if found is None:
        raise HTTPException(status_code=404, detail="그 리뷰를 찾을 수 없어요.")
    review, history = found
    tone = tone if tone in TONES else "정중"
    length = length if length in LENGTHS else "보통"
    options = reviews.drafts(review, tone, length)
    written = await reviews.model_draft(review, tone, length) if not pick else None
    offset = 0
    if written is not None:
        options, offset = [written, *options], 1  # the model's, checked like the others, first
    chosen = history[-1].text if history and not pick else options[min(max(pick - 1 + offset, 0), len(options) - 1)].text
    return render(request, "review.html", {"staff": staff, "r": review, "history": history, "drafts": options, "chosen": chosen,  # type: ignore[no-any-return]
                                           "tone": tone, "length": length, "tones": TONES, "lengths": LENGTHS,
                                           "platform_ko": PLATFORM_KO, "platform_url": PLATFORM_URL.get(review.platform, ""),
                                           "kind_ko": KIND_KO, "sentiment_ko": SENTIMENT_KO, "aspects": ASPECTS,
                                           "error": [e for e in error.split("\n") if e][:5], "offset": offset})


@router.post("/reviews/{review_id}/approve")
async def approve(review_id: int, staff: Owner, reviews: ReviewsDep, csrf: Annotated[str, Form()] = "",
                  text: Annotated[str, Form(max_length=2000)] = "", tone: Annotated[str, Form(max_length=4)] = "정중",
                  length: Annotated[str, Form(max_length=4)] = "보통") -> Response:
    check_csrf(staff, csrf)
    issues = await reviews.approve(review_id, text, staff.name)
    if issues:
        return RedirectResponse(f"/staff/reviews/{review_id}?tone={quote(tone)}&length={quote(length)}&error={quote(chr(10).join(issues))}",
                                status_code=303)
    return RedirectResponse(f"/staff/reviews/{review_id}?saved=1", status_code=303)


@router.post("/reviews/{review_id}/reopen")
async def reopen(review_id: int, staff: Owner, reviews: ReviewsDep, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(staff, csrf)
    await reviews.reopen(review_id)
    return RedirectResponse(f"/staff/reviews/{review_id}", status_code=303)
