"""Observability: /readyz, /metrics and the JSON log of a real `danggol serve`; the log masking on its own."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from bot.db import Storage, make_engine
from bot.engine import Engine
from bot.health import Readiness
from bot.kb.base import KnowledgeBase
from bot.llm import with_model
from bot.logs import Masking, handler, mask
from bot.messages import Turn
from bot.metrics import RequestMetrics
from bot.settings import LLMSettings, RetrievalSettings
from skills import SKILLS
from tests.conftest import DEMO, TUESDAY_2PM, database_url, drop_postgres_database
from tests.support.fake_llm import FakeLLM, error, reply
from tests.support.live_server import live_server

SECRET = "obs-secret"
HEADERS = {"X-Danggol-Secret": SECRET}
PHONE = "010-1234-5678"


def kakao(base: str, text: str, user: str) -> dict[str, Any]:
    """Post one customer message to the Kakao skill endpoint; the SkillResponse."""
    body = {"userRequest": {"timezone": "Asia/Seoul", "utterance": text, "lang": "ko", "params": {"surface": "Kakaotalk.plusfriend"},
                            "user": {"id": user, "type": "botUserKey", "properties": {}}},
            "bot": {"id": "bot1", "name": "봇"}, "action": {"id": "a", "name": "s", "params": {}, "detailParams": {}, "clientExtra": None},
            "intent": {"id": "i", "name": "폴백"}, "contexts": []}
    r = httpx.post(f"{base}/kakao/skill", json=body, headers=HEADERS, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def value(metrics: str, name: str, **labels: str) -> float:
    """One sample of the exposition text (0 when absent)."""
    for family in text_string_to_metric_families(metrics):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return float(s.value)
    return 0.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("observability")
    with live_server(DEMO, tmp, DANGGOL_KAKAO__SECRET=SECRET, DANGGOL_RELOAD__ENABLED="false") as (base, _, _):
        yield base, tmp


def scrape(base: str) -> str:
    r = httpx.get(f"{base}/metrics", timeout=5)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    return r.text


# --- /readyz -------------------------------------------------------------------------------------


def test_readyz_is_200_when_knowledge_and_database_are_there(server: tuple[str, Path]) -> None:
    base, _ = server
    r = httpx.get(f"{base}/readyz", timeout=5)
    assert r.status_code == 200
    assert r.json() == {"ready": True, "checks": {"knowledge": "ok", "database": "ok"}}
    assert httpx.get(f"{base}/healthz", timeout=5).json()["status"] == "ok"  # liveness unchanged


def test_readyz_is_503_naming_the_database_when_it_is_gone(tmp_path: Path) -> None:
    with live_server(DEMO, tmp_path, DANGGOL_RELOAD__ENABLED="false") as (base, _, _):
        assert httpx.get(f"{base}/readyz", timeout=5).status_code == 200
        url = database_url(tmp_path)
        if url.startswith("sqlite"):
            db = tmp_path / "danggol.db"
            db.rename(tmp_path / "moved.db")  # the open handle still answers: the file check sees it
        else:
            drop_postgres_database(url)  # terminates the server's connections; reconnecting fails
        r = httpx.get(f"{base}/readyz", timeout=10)
        assert r.status_code == 503
        assert r.json()["ready"] is False
        assert r.json()["checks"]["knowledge"] == "ok"
        assert r.json()["checks"]["database"].startswith("error: ")
        assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200  # alive all the same: do not restart it
        if url.startswith("sqlite"):
            (tmp_path / "moved.db").rename(db)
            assert httpx.get(f"{base}/readyz", timeout=5).status_code == 200  # ready again once it is back


async def test_a_database_thread_stuck_behind_a_long_call_is_a_timeout_and_one_probe_waits() -> None:
    storage = Storage(make_engine("sqlite://", Path(".")))
    readiness = Readiness(storage, timeout_s=0.2)
    release = threading.Event()

    def long_call(*, until: threading.Event) -> None:
        until.wait(10)

    stuck = asyncio.ensure_future(storage.call(long_call, until=release))
    try:
        assert await readiness.check(SimpleNamespace(ready=True)) == (False, {"knowledge": "ok", "database": "timeout"})
        probe = readiness._probe
        assert await readiness.database() == "timeout"
        assert readiness._probe is probe  # not queued a second time behind the same call
    finally:
        release.set()
        await stuck
    assert await readiness.database() == "ok"
    assert (await readiness.check(None))[1]["knowledge"] == "not loaded"


# --- /metrics ------------------------------------------------------------------------------------


def test_a_kakao_message_is_counted_with_its_status_latency_and_intent(server: tuple[str, Path]) -> None:
    base, _ = server
    before = scrape(base)
    kakao(base, "영업시간 알려 주세요", "obs-hours")
    after = scrape(base)
    for name, labels in [("danggol_requests_total", {"channel": "kakao", "status": "200"}),
                         ("danggol_request_duration_seconds_count", {"channel": "kakao"}),
                         ("danggol_request_duration_seconds_bucket", {"channel": "kakao", "le": "5.0"}),
                         ("danggol_answers_total", {"channel": "kakao", "intent": "store_info"})]:
        assert value(after, name, **labels) == value(before, name, **labels) + 1, (name, labels)
    assert value(after, "danggol_request_duration_seconds_sum", channel="kakao") > value(before, "danggol_request_duration_seconds_sum", channel="kakao")
    assert value(after, "danggol_unanswered_total", channel="kakao") == value(before, "danggol_unanswered_total", channel="kakao")


def test_a_handoff_is_counted_by_channel(server: tuple[str, Path]) -> None:
    base, _ = server
    before = scrape(base)
    kakao(base, "사람이랑 얘기하고 싶어요", "obs-handoff")
    after = scrape(base)
    assert value(after, "danggol_handoffs_started_total", channel="kakao") == value(before, "danggol_handoffs_started_total", channel="kakao") + 1
    assert value(after, "danggol_answers_total", channel="kakao", intent="escalate") == \
        value(before, "danggol_answers_total", channel="kakao", intent="escalate") + 1


def test_a_question_the_store_cannot_answer_is_counted_as_unanswered(server: tuple[str, Path]) -> None:
    base, _ = server
    before = scrape(base)
    kakao(base, "화성 가는 로켓 있어요?", "obs-unknown")
    after = scrape(base)
    assert value(after, "danggol_unanswered_total", channel="kakao") == value(before, "danggol_unanswered_total", channel="kakao") + 1
    assert value(after, "danggol_answers_total", channel="kakao", intent="unknown") == \
        value(before, "danggol_answers_total", channel="kakao", intent="unknown") + 1


def test_scrapes_are_not_counted_and_no_label_carries_a_path_or_a_user(server: tuple[str, Path]) -> None:
    base, _ = server
    first = scrape(base)
    second = scrape(base)
    assert value(second, "danggol_requests_total", channel="other", status="200") == value(first, "danggol_requests_total", channel="other", status="200")
    httpx.get(f"{base}/no/such/page/obs-user-1", timeout=5)
    third = scrape(base)
    assert value(third, "danggol_requests_total", channel="other", status="404") == value(second, "danggol_requests_total", channel="other", status="404") + 1
    assert "/no/such" not in third and "obs-" not in third


def test_request_metrics_map_paths_to_a_few_channels() -> None:
    m = RequestMetrics(app=None, kakao_path="/kakao/skill")
    assert [m.channel(p) for p in ("/kakao/skill", "/naver/abc", "/api/ask", "/staff", "/staff/login", "/healthz", "/staffing")] == \
        ["kakao", "naver", "web", "console", "console", "other", "other"]


def _llm_metrics() -> dict[str, float]:
    names = {"calls": ("danggol_llm_calls_total", {}), "tokens": ("danggol_llm_tokens_total", {})}
    names |= {r: ("danggol_llm_fallbacks_total", {"reason": r}) for r in ("budget", "unavailable", "circuit", "ungrounded")}
    return {k: REGISTRY.get_sample_value(name, labels) or 0.0 for k, (name, labels) in names.items()}


def _converse(kb: KnowledgeBase, config: LLMSettings, texts: list[str]) -> dict[str, float]:
    """Ask `texts` of an engine with the model skill; how much each LLM metric grew."""
    before = _llm_metrics()

    async def main() -> None:
        skills, _ = with_model(SKILLS, config)
        engine = Engine(kb, RetrievalSettings(), skills)
        for text in texts:
            await engine.respond(Turn(text, user_key="obs-llm", channel="test", now=TUESDAY_2PM))

    asyncio.run(main())
    return {k: v - before[k] for k, v in _llm_metrics().items()}


def test_llm_calls_tokens_and_fallbacks_by_reason(demo_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DANGGOL_LLM_API_KEY", "sk-test")
    # A new fake server (a new port) per engine: langchain-openai keeps one HTTP client per address and event loop.
    with FakeLLM() as llm:
        base = {"provider": "openai", "model": "test-model", "base_url": llm.base_url, "timeout_s": 2.0}
        # Two errors: the first leaves the circuit closed, the second opens it; the third message never reaches the model.
        llm.script(error(500), error(500))
        grew = _converse(demo_kb, LLMSettings(**base, breaker_failures=2), ["포장 돼요?"] * 3)
        assert grew == {"calls": 2, "tokens": 0, "budget": 0, "unavailable": 1, "circuit": 2, "ungrounded": 0}
    with FakeLLM() as llm:
        base = {"provider": "openai", "model": "test-model", "base_url": llm.base_url, "timeout_s": 2.0}
        # A wrong price is not sent (ungrounded); its 120 tokens spend the budget, so the next answer is offline.
        llm.script(reply("돼지김치찌개는 8,000원이에요.", usage={"prompt_tokens": 100, "completion_tokens": 20}))
        grew = _converse(demo_kb, LLMSettings(**base, monthly_token_budget=100), ["김치찌개 얼마예요?", "포장 돼요?"])
        assert grew == {"calls": 1, "tokens": 120, "budget": 1, "unavailable": 0, "circuit": 0, "ungrounded": 1}


# --- logs ----------------------------------------------------------------------------------------


def test_every_log_line_is_json_and_no_phone_or_name_is_left_unmasked(server: tuple[str, Path]) -> None:
    base, tmp = server
    kakao(base, "내일 저녁 7시에 2명 예약할게요", "obs-booking")
    kakao(base, f"이름은 김민지, 전화번호는 {PHONE}", "obs-booking")
    # The access log writes the query string: a phone number there must come out masked.
    assert httpx.get(f"{base}/healthz", params={"phone": PHONE, "tel": "01012345678"}, timeout=5).status_code == 200
    lines = [line for line in (tmp / "server.log").read_text(encoding="utf-8").splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # each line parses
    assert all({"time", "level", "logger", "message"} <= r.keys() for r in records)
    assert any(r["logger"] == "uvicorn.access" and "/kakao/skill" in r["message"] for r in records)  # access log is JSON too
    text = "\n".join(lines)
    assert PHONE not in text and "01012345678" not in text and "1234-5678" not in text
    assert "phone=010-****-5678" in text and "tel=010-****-5678" in text


@pytest.mark.parametrize(("raw", "masked"), [
    ("010-1234-5678", "010-****-5678"),
    ("01012345678", "010-****-5678"),
    ("010 1234 5678", "010-****-5678"),
    ("010.1234.5678", "010-****-5678"),
    ("0101234567", "010-****-4567"),
    ("02-332-6417", "02-****-6417"),
    ("031-123-4567", "031-****-4567"),
    ("+82 10-1234-5678", "+82-10-****-5678"),
    ("+821012345678", "+82-10-****-5678"),
    ("연락처는 010-9876-5432예요", "연락처는 010-****-5432예요"),
    ("이름은 김민지", "이름은 김**"),
    ("성함은 홍길동입니다", "성함은 홍**"),
    ("예약자 이순신", "예약자 이**"),
    ("예약자명: 박지성", "예약자명: 박**"),
    ("예약자 이름은 Kim", "예약자 이름은 K**"),
    ("김민지 이름으로 예약", "김** 이름으로 예약"),
])
def test_mask_hides_phones_and_names(raw: str, masked: str) -> None:
    assert mask(raw) == masked


@pytest.mark.parametrize("kept", [
    "2026-11-24T14:00:00.123+09:00", "가격 12,000원", "주문 1010123456789", "127.0.0.1:8000", "HTTP 500",
    "예약하실 분 성함을 알려 주세요.", "naver send API: 01 error", "2명 19:00",
])
def test_mask_leaves_other_numbers_and_words(kept: str) -> None:
    assert mask(kept) == kept
    assert mask(kept, secrets=("",)) == kept  # an unset secret hides nothing


def _record(msg: str, *args: Any, exc: bool = False, **extra: Any) -> logging.LogRecord:
    record = logging.LogRecord("bot.test", logging.INFO, __file__, 1, msg, args or None, None)
    if exc:
        try:
            raise ValueError(f"INSERT failed [parameters: ('{PHONE}', '이름은 김민지')]")
        except ValueError:
            record.exc_info = sys.exc_info()
    record.__dict__.update(extra)
    return record


def _emit(fmt: str, record: logging.LogRecord, secrets: tuple[str, ...] = ()) -> str:
    out = io.StringIO()
    h = handler(fmt, out, secrets)  # type: ignore[arg-type]
    h.handle(record)
    return out.getvalue()


def test_the_filter_masks_string_args_and_keeps_number_formats() -> None:
    record = _record("booking %s for %d people at %.1f, phone %s", "이름은 김민지", 4, 19.5, PHONE)
    assert Masking().filter(record)
    assert record.getMessage() == "booking 이름은 김** for 4 people at 19.5, phone 010-****-5678"
    mapping = logging.LogRecord("bot.test", logging.INFO, __file__, 1, "%(who)s %(n)d", ({"who": PHONE, "n": 3},), None)
    Masking().filter(mapping)
    assert mapping.getMessage() == "010-****-5678 3"


def test_a_json_line_masks_the_traceback_extras_and_secrets() -> None:
    line = _emit("json", _record("request to /naver/%s from %s", "s3cr3t-path-0123456789", PHONE, exc=True, customer=PHONE,
                                 profile={"phones": [PHONE], "visits": 3}),
                 secrets=("s3cr3t-path-0123456789",))
    data = json.loads(line)
    assert data["level"] == "INFO" and data["logger"] == "bot.test"
    assert data["message"] == "request to /naver/*** from 010-****-5678"
    assert data["customer"] == "010-****-5678"
    assert data["profile"] == {"phones": ["010-****-5678"], "visits": 3}
    assert "ValueError" in data["exc_info"] and "010-****-5678" in data["exc_info"] and "김**" in data["exc_info"]
    assert PHONE not in line and "김민지" not in line and "s3cr3t" not in line


def test_text_lines_are_plain_and_masked_too() -> None:
    line = _emit("text", _record("phone %s", PHONE, exc=True))
    assert " INFO bot.test: phone 010-****-5678" in line
    assert not line.startswith("{") and PHONE not in line and "김민지" not in line


def test_uvicorns_access_record_is_masked_and_loses_its_color_copy() -> None:
    access = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", f"/healthz?phone={PHONE}", "1.1", 200), None)
    access.color_message = f"colored {PHONE}"  # uvicorn's extra: never written out
    data = json.loads(_emit("json", access))
    assert data["message"] == '127.0.0.1:5000 - "GET /healthz?phone=010-****-5678 HTTP/1.1" 200'
    assert "color_message" not in data
