"""Login and logout: a CSRF cookie for the login form, a session cookie that is HttpOnly and
SameSite=Strict, and failed logins limited per address and per name."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.staff import auth
from bot.staff.deps import COOKIE, LOGIN_CSRF, ConsoleDep, Page, check_csrf, render

router = APIRouter(prefix="/staff", include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, error: str = "") -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", {"csrf": token, "error": error, "staff": None})
    response.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict", path="/staff")
    return response  # type: ignore[no-any-return]


@router.post("/login")
async def login_submit(request: Request, console: ConsoleDep, name: Annotated[str, Form(max_length=60)],
                       password: Annotated[str, Form(max_length=200)], csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    if not auth.csrf_ok(request.cookies.get(LOGIN_CSRF, ""), csrf):
        raise HTTPException(status_code=403, detail="보안 토큰이 맞지 않아요. 로그인 페이지를 새로 열어 주세요.")
    keys = (f"ip:{request.client.host if request.client else ''}", f"name:{name.strip()}")
    if console.limiter.blocked(*keys):
        return HTMLResponse("로그인 시도가 너무 많아요. 1분 뒤에 다시 해 주세요.", status_code=429)
    result = await console.storage.call(auth.login, storage=console.storage, name=name, password=password)
    if result is None:
        console.limiter.failed(*keys)
        return RedirectResponse("/staff/login?error=1", status_code=303)
    token, _ = result
    response = RedirectResponse("/staff", status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/staff",
                        secure=request.url.scheme == "https", max_age=int(auth.SESSION_TTL.total_seconds()))
    response.delete_cookie(LOGIN_CSRF, path="/staff")
    return response


@router.post("/logout")
async def logout(staff: Page, console: ConsoleDep, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(staff, csrf)
    await console.storage.call(auth.logout, storage=console.storage, session_id=staff.session_id)
    response = RedirectResponse("/staff/login", status_code=303)
    response.delete_cookie(COOKIE, path="/staff")
    return response
