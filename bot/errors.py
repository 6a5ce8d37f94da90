"""Errors, rendered in one place per audience.

- Customers never see an error: a channel answers in its own wire format with `CUSTOMER_SORRY`.
- Programs (the channels' callers, `/api/*`, the console's JSON API and event stream) get one JSON
  shape, `{"error": code, "message": Korean sentence}`, with the HTTP status.
- People in the staff console get a readable Korean page (`bot/staff/templates/error.html`).

Code raises `Refusal` (or FastAPI's `HTTPException`, whose detail is the Korean sentence) and
never builds an error response itself; `install` puts the handlers on the app once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

CUSTOMER_SORRY = "죄송해요, 잠시 문제가 생겨서 답을 드리지 못했어요. 잠시 후 다시 말씀해 주세요."
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "too_large", 422: "invalid_request", 429: "too_many_requests"}


class Refusal(Exception):
    """A request refused with a status, a code for programs and a Korean sentence for people."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def for_programs(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status)


def install(app: Any, page: Callable[[Request, str, int], Response] | None = None,
            is_page: Callable[[Request], bool] = lambda request: False) -> None:
    """The handlers: `page(request, message, status)` renders for people where `is_page(request)`."""

    def render(request: Request, status: int, code: str, message: str) -> Response:
        if page is not None and is_page(request):
            return page(request, message, status)
        return for_programs(status, code, message)

    @app.exception_handler(Refusal)
    async def refused(request: Request, exc: Refusal) -> Response:
        return render(request, exc.status, exc.code, exc.message)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "요청을 처리할 수 없어요."
        if exc.status_code == 404 and message == "Not Found":
            message = "찾는 페이지가 없어요."
        elif exc.status_code == 405 and message == "Method Not Allowed":
            message = "이 주소는 그 방식으로 부를 수 없어요."
        response = render(request, exc.status_code, CODES.get(exc.status_code, "error"), message)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        fields = ", ".join(".".join(str(p) for p in e["loc"][1:]) or "body" for e in exc.errors())
        return render(request, 422, "invalid_request", f"요청 형식이 올바르지 않아요: {fields}")
