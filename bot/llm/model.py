"""The model behind `[llm]`: any OpenAI-compatible chat endpoint through langchain-openai.

langchain-openai costs about 2 s and tens of MB to import, so nothing here imports it until the
first model is built: with `provider = "none"` it is never loaded. Timeouts and retries are set
explicitly (the SDK's 600 s and two retries would sink a chat with a 5-second rule), and the
chat-completions API is pinned so a model name never switches the client to another API.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr

from bot.settings import LLMSettings

log = logging.getLogger(__name__)


class ModelUnavailable(Exception):
    """No answer from the model this time: misconfigured, failing, out of budget, or circuit open."""


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    args: dict[str, Any]


@dataclass(frozen=True)
class ModelTurn:
    text: str
    tool_calls: list[ToolCall] = field(default_factory=list)
    tokens: int = 0


class CircuitBreaker:
    """After `failures` errors in a row, refuse calls for `cooldown_s`, then let one through to try."""

    def __init__(self, failures: int, cooldown_s: float):
        self.failures = failures
        self.cooldown_s = cooldown_s
        self.count = 0
        self.opened_at: float | None = None
        self.trial = False

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        return "half-open" if time.monotonic() - self.opened_at >= self.cooldown_s else "open"

    def allow(self) -> bool:
        state = self.state
        if state == "closed":
            return True
        if state == "half-open" and not self.trial:
            self.trial = True  # one call tries the model again; the others stay offline until it answers
            return True
        return False

    def success(self) -> None:
        if self.opened_at is not None:
            log.info("llm: model answering again; circuit closed")
        self.count, self.opened_at, self.trial = 0, None, False

    def failure(self) -> None:
        self.count += 1
        self.trial = False
        if self.count >= self.failures:
            if self.opened_at is None or self.state == "half-open":
                log.warning("llm: %d failures in a row; offline answers for %.0f s", self.count, self.cooldown_s)
            self.opened_at = time.monotonic()


def api_key(settings: LLMSettings) -> str:
    return os.environ.get(settings.api_key_env, "")


def configuration_problem(settings: LLMSettings) -> str | None:
    """Why the configured model cannot be used, in Korean for the owner; None when it can."""
    if settings.provider == "none":
        return "llm.provider가 none이에요"
    if not settings.model:
        return "llm.model이 비어 있어요"
    if not api_key(settings) and not _local(settings.base_url):
        return f"API 키가 없어요: 환경 변수 {settings.api_key_env}를 설정해 주세요"
    return None


def _local(url: str) -> bool:
    """A model server on this machine or the shop's network (Ollama, vLLM, llama.cpp) needs no key."""
    import ipaddress
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private


class ChatModel:
    """One configured chat model with tools; `complete` never waits longer than `timeout_s`."""

    def __init__(self, settings: LLMSettings):
        problem = configuration_problem(settings)
        if problem:
            raise ModelUnavailable(problem)
        from langchain_openai import ChatOpenAI  # deferred: see the module docstring

        self.settings = settings
        self.breaker = CircuitBreaker(settings.breaker_failures, settings.breaker_cooldown_s)
        self.chat = ChatOpenAI(
            model=settings.model,
            base_url=settings.base_url or None,
            api_key=SecretStr(api_key(settings) or "not-needed"),  # local servers (vLLM, Ollama) take any key
            timeout=settings.timeout_s,
            max_retries=settings.max_retries,
            temperature=settings.temperature,
            max_tokens=settings.max_tokens,  # type: ignore[call-arg]
            use_responses_api=False,
            stream_usage=True,
        )

    async def complete(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> ModelTurn:
        """One model call. Raises ModelUnavailable (after counting it) on any failure."""
        if not self.breaker.allow():
            raise ModelUnavailable("circuit open")
        try:
            bound = self.chat.bind_tools(tools) if tools else self.chat
            message = await asyncio.wait_for(bound.ainvoke(_langchain(messages)), timeout=self.settings.timeout_s + 1.0)
        except Exception as exc:  # timeouts, HTTP errors, refused connections, malformed answers
            self.breaker.failure()
            log.warning("llm: call failed (%s: %s)", type(exc).__name__, str(exc)[:200])
            raise ModelUnavailable(type(exc).__name__) from exc
        self.breaker.success()
        usage = getattr(message, "usage_metadata", None) or {}
        calls = [ToolCall(str(c.get("id") or ""), str(c["name"]), dict(c.get("args") or {})) for c in getattr(message, "tool_calls", [])]
        content = message.content if isinstance(message.content, str) else json.dumps(message.content, ensure_ascii=False)
        return ModelTurn(content.strip(), calls, int(usage.get("total_tokens", 0) or 0))


def _langchain(messages: list[dict[str, Any]]) -> list[Any]:
    """Danggol's plain message dicts as langchain messages (imported here, lazily)."""
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

    out: list[Any] = []
    for m in messages:
        role, content = m["role"], m.get("content", "")
        if role == "system":
            out.append(SystemMessage(content))
        elif role == "user":
            out.append(HumanMessage(content))
        elif role == "assistant":
            calls = [{"name": c.name, "args": c.args, "id": c.id, "type": "tool_call"} for c in m.get("tool_calls", [])]
            out.append(AIMessage(content, tool_calls=calls))
        elif role == "tool":
            out.append(ToolMessage(content, tool_call_id=m["tool_call_id"]))
    return out
