"""Whole booking conversations in natural Korean through the real Kakao endpoint (uvicorn on
127.0.0.1), for the demo store 소담식당 연남점 (tables 2,2,4,4,4,6,8; 11:00-21:00 on Tuesdays,
break 15:00-17:00, last order 60 min, 30-minute slots, 90-minute bookings, 30 days ahead)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import DEMO
from tests.support.kakao_validator import problems
from tests.support.live_server import live_server

SECRET = "booking-secret"


class Chat:
    """One KakaoTalk user talking to the server."""

    def __init__(self, base: str, user: str):
        self.base, self.user = base, user

    def say(self, text: str, params: dict | None = None) -> dict:  # type: ignore[type-arg]
        body = {"userRequest": {"utterance": text, "user": {"id": self.user, "type": "botUserKey"}, "params": {"surface": "Kakaotalk.plusfriend"}},
                "bot": {"id": "bot"}, "action": {"params": params or {}, "clientExtra": None}}
        r = httpx.post(f"{self.base}/kakao/skill", json=body, headers={"X-Danggol-Secret": SECRET}, timeout=10)
        assert r.status_code == 200
        data = r.json()
        assert problems(data) == []
        return data

    def text(self, text: str, params: dict | None = None) -> str:  # type: ignore[type-arg]
        return reply_text(self.say(text, params))


def reply_text(response: dict) -> str:  # type: ignore[type-arg]
    parts = []
    for o in response["template"]["outputs"]:
        if "simpleText" in o:
            parts.append(o["simpleText"]["text"])
        for card in [o.get("textCard")] + (o.get("carousel", {}).get("items", []) if "carousel" in o else []):
            if card:
                parts.append(f"{card.get('title', '')} {card.get('description', '')}")
    return "\n".join(parts)


def quick(response: dict) -> list[str]:  # type: ignore[type-arg]
    return [q["label"] for q in response["template"].get("quickReplies", [])]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("booking")
    clock = tmp / "clock.txt"
    clock.write_text("2026-11-24T14:00:00")
    with live_server(DEMO, tmp, app="tests.support.clock_app:app", DANGGOL_TEST_CLOCK_FILE=str(clock), DANGGOL_KAKAO__SECRET=SECRET,
                     DANGGOL_RELOAD__ENABLED="false") as (base, _, _):
        yield base, clock


@pytest.fixture
def chat(server: tuple[str, Path], request: pytest.FixtureRequest) -> Chat:
    base, clock = server
    clock.write_text("2026-11-24T14:00:00")
    return Chat(base, f"user-{request.node.name}")


def book(chat: Chat, first: str, name: str = "김민지") -> str:
    """Go from `first` to a confirmed booking; return the reservation code."""
    reply = chat.text(first)
    if "성함" in reply:
        reply = chat.text(name)
    if "전화번호" in reply:
        reply = chat.text("없음")
    assert "이대로 예약할까요?" in reply, reply
    done = chat.text("예")
    assert "예약이 완료됐어요!" in done, done
    return re.search(r"예약 코드: (\w{6})", done)[1]  # type: ignore[index]


def test_everything_in_one_message(chat: Chat) -> None:
    first = chat.say("내일 저녁 7시에 4명 예약하고 싶어요")
    assert reply_text(first) == "[내일 11월 25일(수) · 오후 7시 · 4명] 예약하실 분 성함을 알려 주세요."
    summary = chat.text("김민지요")  # the phone and a request are offered at the summary, never asked for
    assert summary.startswith("이대로 예약할까요? 연락처나 요청 사항이 있으면 함께 적어 주세요.") and "4명 · 김민지" in summary
    confirm = chat.say("010-1234-5678")
    assert "내일 11월 25일(수) 오후 7시\n4명 · 김민지\n연락처 010-1234-5678" in reply_text(confirm)
    assert quick(confirm) == ["예", "아니오"]
    done = chat.text("예")
    assert done.startswith("예약이 완료됐어요!\n예약 코드: ")
    assert "내일 11월 25일(수) 오후 7시, 4명 (김민지)" in done and "서울 마포구 연남로 38-7, 1층" in done and "예약 취소" in done


@pytest.mark.parametrize(
    "message,expected",
    [
        ("이번 주 토요일 세 시 반 두 명이요 예약", "브레이크 타임"),  # 15:30 falls in the break
        ("모레 18:30 3인 예약할게요", "[모레 11월 26일(목) · 오후 6시 30분 · 3명]"),
        ("12월 24일 오후 6시에 다섯 명 예약이요", "[12월 24일(목) · 오후 6시 · 5명]"),
        ("다음 주 금요일 7시 2명 예약", "[12월 4일(금) · 오후 7시 · 2명]"),  # 7시 in a shop that opens at 11 is 19:00
    ],
)
def test_sentence_forms(chat: Chat, message: str, expected: str) -> None:
    assert expected in chat.text(message)


def test_missing_details_are_asked_one_at_a_time_in_any_order(chat: Chat) -> None:
    r = chat.say("예약하고 싶어요")
    assert reply_text(r) == "어느 날짜로 예약해 드릴까요?" and "11월 24일(화)" in quick(r)
    r = chat.say("3명이요")  # a detail out of order is kept
    assert reply_text(r) == "[3명] 어느 날짜로 예약해 드릴까요?"
    r = chat.say("금요일")
    assert reply_text(r) == "[11월 27일(금) · 3명] 몇 시로 예약해 드릴까요?"
    assert "오후 7시" in quick(r) and "오후 4시" not in quick(r)  # the offered times are really free
    assert chat.text("저녁 6시 반으로요").startswith("[11월 27일(금) · 오후 6시 30분 · 3명] 예약하실 분 성함")
    assert "이대로 예약할까요?" in chat.text("이름은 박서준입니다")
    assert "박서준" in chat.text("없음") and "예약이 완료" not in chat.text("없음")  # not a yes: the summary again


def test_structured_values_from_kakao_pickers_win(chat: Chat) -> None:
    picker = {"visit_date": json.dumps({"value": "2026-11-27", "userTimeZone": "UTC+9"}),
              "visit_time": json.dumps({"value": "19:30:00", "userTimeZone": "UTC+9"})}
    assert chat.text("2명 예약이요", params=picker).startswith("[11월 27일(금) · 오후 7시 30분 · 2명]")


def test_changing_an_answer_mid_flow(chat: Chat) -> None:
    chat.text("내일 저녁 7시에 4명 예약하고 싶어요")
    assert chat.text("아 7시 말고 8시로 해 주세요").startswith("[내일 11월 25일(수) · 오후 8시 · 4명]")
    assert chat.text("인원은 5명으로 바꿀게요").startswith("[내일 11월 25일(수) · 오후 8시 · 5명]")


def test_leaving_the_flow_and_an_unrelated_question(chat: Chat) -> None:
    chat.text("내일 저녁 7시에 4명 예약하고 싶어요")
    detour = chat.say("주차 되나요?")
    assert "주차" in reply_text(detour) and quick(detour)[0] == "예약 계속하기"
    assert reply_text(detour).endswith("예약도 이어서 도와드릴게요. [내일 11월 25일(수) · 오후 7시 · 4명] 예약하실 분 성함을 알려 주세요.")
    assert chat.text("예약 계속할게요") == "[내일 11월 25일(수) · 오후 7시 · 4명] 예약하실 분 성함을 알려 주세요."
    assert chat.text("아 그냥 취소할게요").startswith("알겠어요, 예약은 진행하지 않았어요.")
    assert "성함" not in chat.text("김민지")


@pytest.mark.parametrize(
    "message,reason",
    [
        ("12월 31일 저녁 7시 2명 예약", "12월 31일(목)은 연말 대청소·직원 송년회로 쉬는 날이라 예약을 받지 않아요."),
        ("다음 주 월요일 7시 2명 예약 되나요?", "11월 30일(월)은 정기 휴무일이라 예약을 받지 않아요."),
        ("내일 오후 4시 2명 예약", "오후 3시부터 오후 5시까지는 브레이크 타임이라 예약을 받지 않아요."),
        ("오늘 2시 2명 예약할 수 있어요?", "예약은 방문 1시간 전까지 해 주셔야 해요."),
        ("1월 20일 저녁 7시 2명 예약", "예약은 오늘부터 30일 뒤까지만 받아요."),
        ("내일 밤 9시 2명 예약", "오전 11시부터 오후 2시까지, 오후 5시부터 오후 8시까지 시작하는 예약만 받아요."),
    ],
)
def test_impossible_requests_say_why_and_offer_times(chat: Chat, message: str, reason: str) -> None:
    r = chat.say(message)
    assert reason in reply_text(r)
    assert len(quick(r)) >= 2  # other dates or free times to pick


def test_too_many_people_go_to_staff(chat: Chat) -> None:
    r = chat.say("토요일 저녁 7시 12명 예약하고 싶어요")
    assert "12명 예약은 직원이 직접 도와드릴게요" in reply_text(r)
    assert r["template"]["outputs"][-1]["textCard"]["buttons"][0]["action"] == "operator"


def test_a_full_slot_offers_the_nearest_free_times(server: tuple[str, Path]) -> None:
    base, clock = server
    clock.write_text("2026-11-24T14:00:00")
    for name in ("정하늘", "오세훈"):  # both the 6- and the 8-seat table at Friday 19:00
        book(Chat(base, f"big-{name}"), "11월 27일 저녁 7시 6명 예약할게요", name=name)
    r = Chat(base, "late-six").say("11월 27일 저녁 7시 6명 예약할게요")
    text = reply_text(r)
    assert "오후 7시에는 6명 자리가 이미 다 찼어요." in text and "가능한 시간은" in text
    assert "오후 5시 30분" in quick(r) or "오후 8시" in quick(r) or "오후 5시" in quick(r)


def test_check_change_and_cancel_in_the_same_chat(chat: Chat) -> None:
    code = book(chat, "내일 저녁 7시에 2명 예약하고 싶어요")
    assert f"예약 코드 {code}" in chat.text("내 예약 확인해 주세요")
    assert "오후 8시 2명으로 바꿀까요?" in chat.text("7시 말고 8시로 바꿀 수 있어요?")
    assert chat.text("예") == f"예약을 내일 11월 25일(수) 오후 8시 2명으로 바꿨어요. 예약 코드는 그대로 {code}예요."
    assert "을 취소할까요?" in chat.text("예약 취소할게요")
    assert "취소했어요" in chat.text("예")
    assert "예약 내역을 찾지 못했어요" in chat.text("내 예약 확인해 주세요")


def test_another_chat_finds_a_booking_by_code_and_phone(server: tuple[str, Path]) -> None:
    base, clock = server
    clock.write_text("2026-11-24T14:00:00")
    owner = Chat(base, "phone-owner")
    owner.text("모레 점심 12시 2명 예약")
    owner.text("이서연")
    owner.text("010-2222-3333")
    code = re.search(r"예약 코드: (\w{6})", owner.text("예"))[1]  # type: ignore[index]
    other = Chat(base, "other-phone")
    assert "찾지 못했어요" in other.text("예약 확인하고 싶어요")
    assert f"예약 코드 {code}" in other.text(f"{code} 010-2222-3333")
    assert "찾지 못했어요" in other.text(f"예약 확인 {code} 010-9999-9999")  # the wrong phone shows nothing
    assert "취소할까요?" in other.text(f"예약 취소 {code} 01022223333")
    assert "취소했어요" in other.text("예")


def test_an_abandoned_flow_expires(server: tuple[str, Path]) -> None:
    base, clock = server
    clock.write_text("2026-11-24T14:00:00")
    chat = Chat(base, "forgetful")
    chat.text("내일 저녁 7시에 4명 예약하고 싶어요")
    clock.write_text("2026-11-24T14:45:00")  # 45 minutes later
    reply = chat.text("최지우")
    assert "예약" not in reply or "이대로 예약할까요?" not in reply
    assert "전화번호" not in reply


def test_saying_no_then_changing_one_detail(chat: Chat) -> None:
    chat.text("내일 저녁 7시에 4명 예약하고 싶어요")
    assert "이대로 예약할까요?" in chat.text("홍길동")
    assert chat.text("아니오").startswith("어떤 걸 바꿔 드릴까요?")
    assert chat.text("시간을 바꿀게요").startswith("[내일 11월 25일(수) · 4명 · 홍길동] 몇 시로 예약해 드릴까요?")
    confirm = chat.text("8시로요")
    assert "이대로 예약할까요?" in confirm and "오후 8시" in confirm
    assert "예약이 완료됐어요!" in chat.text("예")


def test_a_question_the_bot_cannot_answer_keeps_the_booking(chat: Chat) -> None:
    chat.text("내일 저녁 7시에 4명 예약하고 싶어요")
    detour = chat.say("사장님 MBTI 뭐예요?")
    assert "정확한 답을 드리기 어려워요" in reply_text(detour) and quick(detour)[0] == "예약 계속하기"
    assert "성함을 알려 주세요" in reply_text(detour)  # and what the booking still needs
    assert "이대로 예약할까요?" in chat.text("김철수")


@pytest.mark.parametrize("extra", ["010-2222-3333", "창가 자리면 좋겠어요", ""])
def test_optional_details_never_block_a_booking(chat: Chat, extra: str) -> None:
    """The phone number and a request are offered at the summary: "네" books; a detail given there
    shows the summary again with it, and the next "네" books (a phone question once swallowed "네")."""
    reply = chat.text("모레 점심 12시 반에 두 명 자리 부탁해요")
    assert "성함" in reply, reply
    summary = chat.text("박서준")
    assert "연락처나 요청 사항이 있으면 함께 적어 주세요" in summary, summary
    if extra:
        again = chat.text(extra)
        assert "이대로 예약할까요?" in again and ("연락처 010-2222-3333" in again or "요청: 창가" in again), again
    done = chat.text("네")
    assert "예약이 완료됐어요!" in done, done


@pytest.mark.parametrize("first", ["내일 저녁 7시에 4명", "모레 18:30 3인", "이번 주 토요일 세 시 반 두 명이요"])
def test_the_readme_examples_book_as_written(chat: Chat, first: str) -> None:
    """README's own examples, without the word 예약, end in a booking in the database: the name is
    asked, a time in the break is refused with free times to pick, and "네" books."""
    r = chat.say(first)
    if "브레이크 타임" in reply_text(r):
        assert quick(r), reply_text(r)  # the nearest free times, as buttons
        r = chat.say(r["template"]["quickReplies"][0]["messageText"])
    assert "성함" in reply_text(r), reply_text(r)
    assert "이대로 예약할까요?" in chat.text("김민지")
    done = chat.text("네")
    assert "예약이 완료됐어요!" in done, done
    code = re.search(r"예약 코드: (\w{6})", done)[1]  # type: ignore[index]
    assert code in chat.text("내 예약 확인해 주세요")


def test_the_readme_change_and_cancel_examples(chat: Chat) -> None:
    book(chat, "내일 저녁 7시에 4명 예약하고 싶어요")
    asked = chat.text("7시 말고 8시로 바꿀 수 있어요?")
    assert "오후 8시 4명으로 바꿀까요?" in asked, asked
    assert "예약을 내일 11월 25일(수) 오후 8시 4명으로 바꿨어요." in chat.text("네")
    assert "오후 8시, 4명" in chat.text("내 예약 확인해 주세요")
    assert "취소할까요?" in chat.text("예약 취소할게요")
    assert "취소했어요" in chat.text("네")
    assert "예약 내역을 찾지 못했어요" in chat.text("내 예약 확인해 주세요")


def test_a_seat_question_with_a_day_starts_a_booking(chat: Chat) -> None:
    assert "몇 시로 예약해 드릴까요?" in chat.text("금요일 저녁 자리 남았나요?")


def test_a_day_and_an_order_to_take_away_is_not_a_booking(chat: Chat) -> None:
    assert "예약해 드릴까요" not in chat.text("내일 11시에 두 개 포장 주문할게요")


def test_a_day_gone_by_and_a_seat_is_a_story_not_a_booking(chat: Chat) -> None:
    assert "예약해 드릴까요" not in chat.text("지난주 금요일 창가 자리에서 먹었는데 목도리를 놓고 나왔어요")
