"""The staff console at /staff: mounting its pages (bot/staff/pages/), its static files and the
login redirect.

Server-rendered HTML (Jinja2, autoescaped: customer text can never become markup), a session
cookie that is HttpOnly and SameSite=Strict, a CSRF token in every form, and failed logins
limited per address and per name. Pages send anonymous visitors to the login; the JSON and
event-stream endpoints answer them 401.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from bot.staff.console import StaffConsole
from bot.staff.deps import LOGIN_CSRF, TEMPLATES, LoginRequired

__all__ = ["LOGIN_CSRF", "StaffConsole", "error_page", "for_people", "install"]


def for_people(request: Request) -> bool:
    """Console pages are read by people; its JSON API and event stream by the page's scripts."""
    path = request.url.path
    return path.startswith("/staff") and not path.startswith(("/staff/api", "/staff/events"))


def error_page(request: Request, message: str, status: int) -> Response:
    return TEMPLATES.TemplateResponse(request, "error.html", {"message": message, "staff": None, "tab": ""}, status_code=status)


def install(app: Any, console: StaffConsole) -> None:
    """Mount the console; errors are rendered by bot/errors.py (pages for people, JSON for programs)."""
    from fastapi.staticfiles import StaticFiles

    from bot.staff.pages import ROUTERS, router

    app.state.console = console
    app.state.staff_routes = [route for page in ROUTERS for route in page.routes]  # every page refuses anonymous requests
    app.include_router(router)  # once: each include wraps the app's lifespan again
    app.mount("/staff/static", StaticFiles(directory=str(Path(__file__).with_name("static"))), name="staff-static")

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse("/staff/login", status_code=303)
