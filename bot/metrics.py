"""Prometheus metrics: every definition Danggol exposes at `/metrics`, in one place.

Why these: a shop owner (or whoever runs the server) needs to see, without reading logs,
that customers are being answered (requests and latency per channel: Kakao gives up after
5 s), how well (answers by intent, and the unanswered ones as their own counter, so a rate
of "could not answer" can be graphed and alerted on), how often a person is called in
(handoffs started), and what the optional model costs and how often it is replaced by the
offline answer (LLM calls, tokens, fallbacks by reason).

Labels are few and bounded: a channel (HTTP: kakao, naver, web for /api/ask, console for
/staff, other; answers: the turn's channel), an HTTP status, an intent (the skills' fixed
names), a fallback reason. Never a raw path, a user or a message: each label value is a new
time series kept forever. The share of unanswered messages, for example:
`sum(rate(danggol_unanswered_total[1h])) / sum(rate(danggol_answers_total[1h]))`.

Each process exposes its own numbers (prometheus_client's default registry, no multiprocess
mode): with several server processes, Prometheus scrapes each one and sums them.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest

CONTENT_TYPE = CONTENT_TYPE_LATEST
CHANNELS = ("kakao", "naver", "web", "console", "other")
FALLBACK_REASONS = ("budget", "unavailable", "circuit", "ungrounded")
# Kakao waits 5 s for an answer (4 s before the callback takes over): buckets around that matter most.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 10.0)

REQUESTS = Counter("danggol_requests", "HTTP requests answered, by channel and status.", ["channel", "status"])
LATENCY = Histogram("danggol_request_duration_seconds", "Time to answer an HTTP request, by channel.", ["channel"],
                    buckets=LATENCY_BUCKETS)
ANSWERS = Counter("danggol_answers", "Replies the engine made, by channel and intent.", ["channel", "intent"])
UNANSWERED = Counter("danggol_unanswered", "Replies with intent 'unknown': the bot could not answer.", ["channel"])
ENGINE_ERRORS = Counter("danggol_engine_errors", "Turns that failed with an exception (answered with an apology).")
HANDOFFS = Counter("danggol_handoffs_started", "Chats handed to staff, by channel.", ["channel"])
LLM_CALLS = Counter("danggol_llm_calls", "Calls to the language model (each tool round is one call).")
LLM_TOKENS = Counter("danggol_llm_tokens", "Tokens the language model reported using.")
LLM_FALLBACKS = Counter("danggol_llm_fallbacks", "Offline answers sent instead of the model's, by reason.", ["reason"])

# Series exist from the start, so rate() and ratios work before the first event.
for _channel in CHANNELS:
    REQUESTS.labels(_channel, "200")
    LATENCY.labels(_channel)
for _channel in ("kakao", "naver", "web"):
    UNANSWERED.labels(_channel)
for _channel in ("kakao", "naver"):
    HANDOFFS.labels(_channel)
for _reason in FALLBACK_REASONS:
    LLM_FALLBACKS.labels(_reason)


def answered(channel: str, intent: str) -> None:
    """Count one reply of the engine; an 'unknown' one is also counted as unanswered."""
    ANSWERS.labels(channel, intent).inc()
    if intent == "unknown":
        UNANSWERED.labels(channel).inc()


def exposition() -> bytes:
    """This process's metrics in the Prometheus text format."""
    return generate_latest(REGISTRY)


class RequestMetrics:
    """ASGI middleware: count each HTTP request and time it, labelled by channel (never by path).

    Pure ASGI rather than BaseHTTPMiddleware: it adds no task per request and does not buffer
    streamed bodies. `/metrics` itself is left out, so scrapes do not count as traffic.
    """

    def __init__(self, app: Any, kakao_path: str = "/kakao/skill"):
        self.app = app
        self.kakao_path = kakao_path

    def channel(self, path: str) -> str:
        if path == self.kakao_path:
            return "kakao"
        if path.startswith("/naver/"):
            return "naver"
        if path == "/api/ask":
            return "web"
        if path == "/staff" or path.startswith("/staff/"):
            return "console"
        return "other"

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] == "/metrics":
            await self.app(scope, receive, send)
            return
        channel = self.channel(scope["path"])
        status: int | None = None
        started = time.perf_counter()

        async def send_status(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        except asyncio.CancelledError:
            status = status or 499  # the client went away before an answer (nginx's code for it)
            raise
        finally:
            # An exception before the response started becomes a 500 further out (ServerErrorMiddleware).
            REQUESTS.labels(channel, str(status or 500)).inc()
            LATENCY.labels(channel).observe(time.perf_counter() - started)
