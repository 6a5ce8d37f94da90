"""The owner's terminal tools, run as real processes: `danggol check` and the `ask` contract."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO, ROOT, database_url

INTENTS = {"faq", "menu", "store_info", "recommend", "reservation", "escalate", "smalltalk", "unknown"}


def danggol(*args: str, tmp: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DANGGOL_RETRIEVAL__INDEX_DIR": str(tmp / "index")}
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, input=stdin)


def test_check_summarises_a_good_folder(tmp_path: Path) -> None:
    run = danggol("check", "--knowledge", str(DEMO), tmp=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("✓ 소담식당 연남점: 지식 파일을 모두 읽었어요")
    assert "메뉴 35개 (판매 중지 2개)" in run.stdout and "FAQ 32개" in run.stdout


def test_check_lists_every_located_error_and_exits_1(tmp_path: Path) -> None:
    root = tmp_path / "knowledge"
    shutil.copytree(DEMO, root)
    menu = (root / "menu.csv").read_text(encoding="utf-8").splitlines()
    menu[3] = menu[3].replace('"9,000원"', "구천원")
    (root / "menu.csv").write_text("\n".join(menu) + "\n", encoding="utf-8")
    (root / "faq" / "extra.md").write_text("## 주차할 수 있나요?\n또 적었어요.\n", encoding="utf-8")
    run = danggol("check", "--knowledge", str(root), tmp=tmp_path)
    assert run.returncode == 1
    assert "menu.csv:4: '순두부찌개'의 가격 '구천원'을 숫자로 읽을 수 없어요." in run.stderr
    assert "faq/이용안내.md:17: 질문 '주차할 수 있나요?'가 faq/extra.md:1에도 있어요." in run.stderr
    assert "Traceback" not in run.stderr


def test_check_shows_warnings(tmp_path: Path, make_knowledge) -> None:  # type: ignore[no-untyped-def]
    root = make_knowledge(menu="이름,가격\n시즌 메뉴,\n")
    run = danggol("check", "--knowledge", str(root), tmp=tmp_path)
    assert run.returncode == 0 and "menu.csv:2: '시즌 메뉴'에 가격이 없어요." in run.stdout


def test_ask_json_batch_contract(tmp_path: Path) -> None:
    questions = ["주차 되나요?", "김찌 얼마에요?", "지금 영업해요?", "매운 거 못 먹는데 추천해 주세요", "내일 7시 4명 예약할게요",
                 "사장님 바꿔 주세요", "감사합니다", "삼성전자 주가 어때요"]
    batch = tmp_path / "questions.txt"
    batch.write_text("\n".join(questions) + "\n\n", encoding="utf-8")
    run = danggol("ask", "--knowledge", str(DEMO), "--now", "2026-11-24T14:00", "--json", "--batch", str(batch), tmp=tmp_path)
    assert run.returncode == 0, run.stderr
    answers = [json.loads(line) for line in run.stdout.splitlines()]
    assert [a["question"] for a in answers] == questions
    for a in answers:
        assert set(a) == {"question", "intent", "answer", "sources", "escalate"}
        assert a["intent"] in INTENTS and isinstance(a["answer"], str) and a["answer"]
        assert all(set(s) == {"kind", "id"} and s["kind"] in ("faq", "menu", "store") for s in a["sources"])
    assert [a["intent"] for a in answers] == ["faq", "menu", "store_info", "recommend", "reservation", "escalate", "smalltalk", "unknown"]
    assert answers[0]["sources"] == [{"kind": "faq", "id": "주차할 수 있나요?"}]
    assert answers[1]["sources"] == [{"kind": "menu", "id": "돼지김치찌개"}] and "9,000원" in answers[1]["answer"]
    assert answers[2]["sources"] == [{"kind": "store", "id": "hours"}]
    assert answers[5]["escalate"] is True and answers[0]["escalate"] is False


def test_ask_single_question_plain_text(tmp_path: Path) -> None:
    run = danggol("ask", "--knowledge", str(DEMO), "--now", "2026-11-30T12:00", "지금", "영업해요?", tmp=tmp_path)
    assert run.returncode == 0 and run.stdout.startswith("오늘은 정기 휴무일이에요.")


@pytest.mark.parametrize("args,needle", [(["ask", "--now", "어제"], "--now 값 '어제'을(를) 읽을 수 없어요"), (["ask"], "질문을 적어 주세요")])
def test_ask_usage_errors_are_plain(tmp_path: Path, args: list[str], needle: str) -> None:
    run = danggol(*args, "--knowledge", str(DEMO), tmp=tmp_path)
    assert run.returncode != 0 and needle in run.stderr and "Traceback" not in run.stderr


def test_ask_with_broken_knowledge_reports_errors(tmp_path: Path, make_knowledge) -> None:  # type: ignore[no-untyped-def]
    root = make_knowledge(store="name = \n")
    run = danggol("ask", "--knowledge", str(root), "안녕", tmp=tmp_path)
    assert run.returncode == 1 and "store.toml:1:" in run.stderr and "Traceback" not in run.stderr


def test_chat_is_multi_turn_in_korean(tmp_path: Path) -> None:
    run = danggol("chat", "--knowledge", str(DEMO), "--now", "2026-11-24T14:00", tmp=tmp_path, stdin="안녕하세요\n주차 되나요?\n끝\n")
    assert run.returncode == 0, run.stderr
    assert "소담식당 연남점 챗봇과 대화해요" in run.stdout
    assert run.stdout.count("봇> ") == 3 and "주차장" in run.stdout


def test_reindex(tmp_path: Path) -> None:
    first = danggol("reindex", "--knowledge", str(DEMO), tmp=tmp_path)
    second = danggol("reindex", "--knowledge", str(DEMO), tmp=tmp_path)
    assert first.returncode == second.returncode == 0
    assert "그대로 쓴 벡터 0개" in first.stdout and "새로 만든 벡터 0개" in second.stdout


def test_staff_reservation_commands(tmp_path: Path) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from bot.bookings import Bookings
    from bot.db import Storage, make_engine

    db = database_url(tmp_path)
    bookings = Bookings(Storage(make_engine(db, tmp_path)), "Asia/Seoul")
    booked = bookings.create_sync(start=datetime(2026, 11, 27, 19, 0, tzinfo=ZoneInfo("Asia/Seoul")), minutes=90, table_no=2, seats=4,
                                  party=3, name="김민지", phone="010-1234-5678", request="창가 자리", channel="kakao", user_key="u")
    env_db = {"DANGGOL_DATABASE__URL": db}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "DANGGOL_RETRIEVAL__INDEX_DIR": str(tmp_path / "index"), **env_db}
        return subprocess.run([sys.executable, "-m", "bot", "reservations", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)

    listed = run("list", "--date", "2026-11-27")
    assert listed.returncode == 0 and f"{booked.code}  11-27 19:00  3명  4인석  김민지 01012345678 (창가 자리)  [확정]" in listed.stdout
    [as_json] = json.loads(run("list", "--json").stdout)
    assert json.loads(run("list", "--date", "2026-11-28", "--json").stdout) == []  # none: an empty array, not nothing
    assert as_json["code"] == booked.code and as_json["start"] == "2026-11-27T19:00:00+09:00" and as_json["status"] == "confirmed"
    assert run("list", "--date", "2026-11-28").stdout.strip() == "예약이 없어요."
    assert run("cancel", booked.code).returncode == 0
    assert "[취소]" in run("list").stdout
    assert bookings.events_sync(booked.code)[-1] == {"action": "cancelled", "actor": "staff:cli", "detail": {"from": "confirmed"}}
    missing = run("cancel", "ZZZZZZ")
    assert missing.returncode == 1 and "찾을 수 없어요" in missing.stderr
    assert run("list", "--date", "27일").returncode == 2


def test_danggol_speaks_korean_even_to_a_wrong_command(tmp_path: Path) -> None:
    alone = danggol(tmp=tmp_path)
    assert alone.returncode == 0 and alone.stdout.startswith("사용법: danggol") and "명령과 값" in alone.stdout
    wrong = danggol("nope", tmp=tmp_path)
    assert wrong.returncode == 2 and "고를 수 없는 값이에요: 'nope'" in wrong.stderr and "도움말: danggol --help" in wrong.stderr
    for text in (alone.stdout, wrong.stderr):
        assert "usage:" not in text and "error:" not in text and "invalid choice" not in text


def test_a_second_server_on_the_same_port_says_so_in_korean(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        second = danggol("serve", "--port", str(port), tmp=tmp_path)
    assert second.returncode == 2 and f"{port}번 포트" in second.stderr and "다른 프로그램이 쓰고 있어요" in second.stderr
    assert "Errno" not in second.stderr


def test_doctor_says_what_to_fix(tmp_path: Path, make_knowledge, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import socket

    with socket.socket() as free:  # a port nothing listens on, so the port check cannot depend on this machine
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    monkeypatch.setenv("DANGGOL_SERVER__PORT", str(port))
    monkeypatch.setenv("DANGGOL_DATABASE__URL", f"sqlite:///{tmp_path / 'doctor.db'}")
    good = danggol("doctor", tmp=tmp_path)
    assert good.returncode == 0 and "✓ 지식 파일" in good.stdout and "모두 괜찮아요" in good.stdout, good.stdout + good.stderr
    broken = make_knowledge(store=(DEMO / "store.toml").read_text(encoding="utf-8").replace('tue = "11:00-21:00"', 'tue = 11시'))
    bad = danggol("doctor", "--knowledge", str(broken), tmp=tmp_path)
    assert bad.returncode == 1 and "✗ 지식 파일에 고칠 곳이 1개 있어요" in bad.stdout and "store.toml:" in bad.stdout
    assert "고칠 것 1개" in bad.stdout
