"""Kakao skill endpoint under load, side by side with a bare FastAPI endpoint on the same machine.

    .venv/bin/python bench/kakao_load.py [--seconds 10] [--connections 32]

Both servers run as real uvicorn processes on 127.0.0.1 (offline mode, SQLite, one worker);
wrk (Debian package `wrk`) sends 2.0 SkillPayloads from 32 users asking the cafe's questions.
Prints p50/p99 latency and requests/s for each and the ratio. Targets (issue 3): p99 under
100 ms and at least 300 requests/s.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.live_server import free_port, live_server  # noqa: E402

BARE_APP = textwrap.dedent(
    """
    from fastapi import FastAPI, Request
    app = FastAPI()
    FIXED = {"version": "2.0", "template": {"outputs": [{"simpleText": {"text": "안녕하세요"}}]}}

    @app.post("/kakao/skill")
    async def skill(request: Request) -> dict:
        await request.json()
        return FIXED
    """
)

QUESTIONS = ["주차 되나요?", "김찌 얼마에요?", "지금 영업해요?", "매운 거 못 먹는데 추천해 주세요", "와이파이 비번 뭐예요",
             "예약하고 싶어요", "감사합니다", "콩국수 있나요?", "아기 의자 있어요?", "술 가져가도 되나요"]


def wrk_script(path: Path, secret: str) -> None:
    """A wrk Lua script: each request a SkillPayload from one of the users with one of the questions."""
    bodies = []
    for q in QUESTIONS:
        body = {"userRequest": {"utterance": q, "user": {"id": "USER", "type": "botUserKey"}, "params": {"surface": "Kakaotalk.plusfriend"}},
                "bot": {"id": "bench"}, "action": {"params": {}, "clientExtra": None}}
        bodies.append(json.dumps(body, ensure_ascii=False))
    lua_bodies = ",\n".join("[==[" + b + "]==]" for b in bodies)
    path.write_text(textwrap.dedent(f"""
        local bodies = {{ {lua_bodies} }}
        local threads = 0
        function setup(thread)
          thread:set("id", threads)
          threads = threads + 1
        end
        local n = 0
        request = function()
          n = n + 1
          -- 32 users per wrk thread, in turn: a user never has two messages in flight
          local body = string.gsub(bodies[(n % #bodies) + 1], "USER", "user-" .. id .. "-" .. (n % 32))
          return wrk.format("POST", "/kakao/skill", {{["Content-Type"] = "application/json", ["X-Danggol-Secret"] = "{secret}"}}, body)
        end
    """), encoding="utf-8")


def run_wrk(url: str, script: Path, seconds: int, connections: int) -> dict[str, float]:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url],
                         capture_output=True, text=True, check=True).stdout

    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return float("nan")
        return float(m[1]) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m[2]]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"p50_ms": ms("50"), "p99_ms": ms("99"), "rps": rps, "non_2xx": float(errors[1]) if errors else 0.0}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--connections", type=int, default=32)
    a = p.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install -y wrk", file=sys.stderr)
        return 2
    secret = "bench-secret"
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        script = tmp / "post.lua"
        wrk_script(script, secret)
        (tmp / "bare_app.py").write_text(BARE_APP, encoding="utf-8")
        port = free_port()
        bare = subprocess.Popen([sys.executable, "-m", "uvicorn", "bare_app:app", "--port", str(port), "--log-level", "warning"],
                                cwd=tmp, env={**os.environ, "PYTHONPATH": str(tmp)})
        try:
            for _ in range(200):
                try:
                    httpx.post(f"http://127.0.0.1:{port}/kakao/skill", json={}, timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            baseline = run_wrk(f"http://127.0.0.1:{port}", script, a.seconds, a.connections)
        finally:
            bare.terminate()
            bare.wait()
        with live_server(ROOT / "knowledge", tmp, DANGGOL_KAKAO__SECRET=secret, DANGGOL_RELOAD__ENABLED="false",
                         DANGGOL_SERVER__LOG_LEVEL="warning") as (base, _, _):
            danggol = run_wrk(base, script, a.seconds, a.connections)
    print(f"{a.connections} connections, {a.seconds} s each, wrk -t2 on the same 2 cores")
    print(f"{'':<26}{'p50 ms':>9}{'p99 ms':>9}{'req/s':>9}{'non-2xx':>9}")
    for name, r in (("bare FastAPI (fixed 2.0)", baseline), ("danggol /kakao/skill", danggol)):
        print(f"{name:<26}{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}{r['rps']:>9.0f}{r['non_2xx']:>9.0f}")
    print(f"danggol / bare: {danggol['rps'] / baseline['rps']:.2f} of the throughput, p99 x{danggol['p99_ms'] / baseline['p99_ms']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
