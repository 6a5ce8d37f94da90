"""The warm-up the server runs before it reports ready (Engine.warm): questions about the shop's own
menu go through the skills once, so the first customer does not pay for compiling and loading."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from pathlib import Path

import pytest

from bot import metrics
from bot.engine import Engine
from bot.kb.base import KnowledgeBase
from bot.messages import Reply, Turn
from bot.settings import RetrievalSettings


def test_the_warm_up_reaches_the_skills_without_an_error_and_counts_nothing(demo_kb: KnowledgeBase) -> None:
    engine = Engine(demo_kb, RetrievalSettings(), counted=False)
    replies: list[Reply] = []
    real = engine.respond

    async def spy(turn: Turn, fast_only: bool = False) -> Reply:
        reply = await real(turn, fast_only)
        replies.append(reply)
        return reply

    engine.respond = spy  # type: ignore[method-assign]
    errors = metrics.ENGINE_ERRORS._value.get()
    assert asyncio.run(engine.warm()) > 0
    assert metrics.ENGINE_ERRORS._value.get() == errors
    # The menu, an allergy, a recommendation, the hours, two questions at once, a booking and a person.
    assert {"menu", "recommend", "store_info", "reservation", "escalate"} <= {r.intent for r in replies}, [r.intent for r in replies]


def test_the_server_warms_up_before_it_reports_ready(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from fastapi.testclient import TestClient

    from bot.server import create_app
    from bot.settings import load_settings
    from tests.conftest import database_url

    env = {"DANGGOL_DATABASE__URL": database_url(tmp_path), "DANGGOL_RETRIEVAL__INDEX_DIR": str(tmp_path / "index"),
           "DANGGOL_RELOAD__ENABLED": "false"}
    with pytest.MonkeyPatch.context() as mp:
        for k, v in env.items():
            mp.setenv(k, v)
        app = create_app(load_settings(), clock=lambda: datetime(2026, 11, 24, 14, 0))
    with caplog.at_level(logging.INFO, logger="bot.server"), TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.server"]
    warmed = next(n for n, line in enumerate(lines) if line.startswith("warmed up in"))
    ready = next(n for n, line in enumerate(lines) if line.startswith("ready: "))
    assert warmed < ready, lines
