"""The model mode on a real server: a slow model on Kakao answered through the callback, the
budget line in the staff console, and `danggol ask --llm` in the terminal."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bot.db import Storage, make_engine
from bot.staff.auth import add_staff
from tests.conftest import DEMO, ROOT, database_url
from tests.support.fake_llm import FakeLLM, reply
from tests.support.live_server import live_server
from tests.test_kakao_live import HEADERS, SECRET, Receiver, payload

PASSWORD = "correct horse battery"


def llm_env(llm: FakeLLM, **extra: str) -> dict[str, str]:
    return {"DANGGOL_LLM__PROVIDER": "openai", "DANGGOL_LLM__MODEL": "test-model", "DANGGOL_LLM__BASE_URL": llm.base_url,
            "DANGGOL_LLM_API_KEY": "sk-live", **extra}


def test_a_slow_model_on_kakao_answers_through_the_callback_and_the_budget_shows_in_the_console(tmp_path: Path) -> None:
    receiver = Receiver()
    add_staff(Storage(make_engine(database_url(tmp_path), tmp_path)), "민지", PASSWORD)
    answer = "네, 포장돼요. 포장 용기 값은 따로 받지 않아요."
    with FakeLLM() as llm, live_server(DEMO, tmp_path, DANGGOL_KAKAO__SECRET=SECRET, DANGGOL_KAKAO__ALLOW_LOOPBACK_CALLBACK="true",
                                       DANGGOL_RELOAD__ENABLED="false",
                                       **llm_env(llm, DANGGOL_LLM__MONTHLY_TOKEN_BUDGET="100")) as (base, _, _):
        llm.script(reply(answer, delay_s=5.0, usage={"prompt_tokens": 140, "completion_tokens": 10}))
        t0 = time.monotonic()
        r = httpx.post(f"{base}/kakao/skill", json=payload("포장 돼요?", "slow-llm", receiver.url("tok")), headers=HEADERS, timeout=10)
        assert time.monotonic() - t0 < 4.8  # within Kakao's 5 s
        assert r.json()["useCallback"] is True
        deadline = time.monotonic() + 20
        while not receiver.posts and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(receiver.posts) == 1
        posted_at, _, body = receiver.posts[0]
        assert body["template"]["outputs"][0]["simpleText"]["text"] == answer  # the model's words, after the ack
        assert posted_at - t0 < 50

        # 150 tokens spent of 100: the next answer is offline, without calling the model.
        calls = len(llm.requests)
        r = httpx.post(f"{base}/kakao/skill", json=payload("포장 돼요?", "after-budget"), headers=HEADERS, timeout=10)
        assert "포장" in r.json()["template"]["outputs"][0]["simpleText"]["text"] and len(llm.requests) == calls

        console = httpx.Client(base_url=base, timeout=10)
        token = re.search(r'name="csrf" value="([^"]+)"', console.get("/staff/login").text)[1]  # type: ignore[index]
        console.post("/staff/login", data={"name": "민지", "password": PASSWORD, "csrf": token})
        page = console.get("/staff/knowledge").text
        assert "이번 달 토큰 예산(100)을 다 써서 지식 파일로만 답하는 중이에요." in page
        assert "토큰 150 / 100" in page


def test_ask_llm_in_the_terminal(tmp_path: Path) -> None:
    from bot.kb.loader import load_knowledge

    parking = 1 + [f.id for f in load_knowledge(DEMO).faqs].index("주차할 수 있나요?")
    with FakeLLM() as llm:
        llm.reply("차로 오시면 이렇게 안내해 드려요. {faq:PARKING} 전화는 {phone}로 주세요.".replace("PARKING", str(parking)))
        env = {**os.environ, "DANGGOL_RETRIEVAL__INDEX_DIR": str(tmp_path / "index"), **llm_env(llm)}
        out = subprocess.run([sys.executable, "-m", "bot", "ask", "--llm", "--json", "차 어디에 대요?"], capture_output=True, text=True,
                             env=env, cwd=ROOT, timeout=120)
        assert out.returncode == 0, out.stderr
        result = json.loads(out.stdout)
        assert result["answer"].startswith("차로 오시면 이렇게 안내해 드려요. ") and "02-332-6417로 주세요" in result["answer"]
        assert {"kind": "faq", "id": "주차할 수 있나요?"} in result["sources"]  # the references the answer cited
        assert {"kind": "store", "id": "phone"} in result["sources"]

        offline = subprocess.run([sys.executable, "-m", "bot", "ask", "--json", "차 어디에 대요?"], capture_output=True, text=True,
                                 env=env, cwd=ROOT, timeout=120)
        assert offline.returncode == 0 and len(llm.requests) == 1  # without --llm the terminal stays offline

    unconfigured = subprocess.run([sys.executable, "-m", "bot", "ask", "--llm", "주차 돼요?"], capture_output=True, text=True,
                                  env={**os.environ, "DANGGOL_RETRIEVAL__INDEX_DIR": str(tmp_path / "index")}, cwd=ROOT, timeout=120)
    assert unconfigured.returncode != 0 and "[llm]" in unconfigured.stderr
