"""What leaves the shop first is framed by the code (spec/outreach.md §5.1, §5.3), whatever the owner
types: every 광고 through every route starts with "(광고)" and ends with the sender line and the
opt-out line; no 정보 template carries an advertising word, and the lint refuses one that does."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.kakao import EventBatch, EventTask
from bot.channels.naver import SendResult
from bot.outreach.routes import EventApiRoute, FrameError, ManualRoute, Outgoing, TalkTalkRoute
from bot.outreach.templates import (
    AD_MARK,
    INFO,
    OPTOUT_LINE,
    Template,
    TemplateError,
    advert,
    check_info,
    is_framed,
    lint,
)

STORE, PHONE = "소담식당 연남점", "02-332-6417"
AD_WORDS = ["할인", "쿠폰", "이벤트", "무료", "증정", "10% off", "30%", "1+1", "사은품", "특가", "적립", "혜택"]


class CapturingKakao:
    def __init__(self) -> None:
        self.texts: list[str] = []

    async def send(self, users: list[str], text: str) -> EventBatch:
        self.texts += [text] * len(users)
        return EventBatch("accepted", "task")

    async def task(self, task_id: str) -> EventTask:
        return EventTask(True, frozenset())


class CapturingNaver:
    def __init__(self) -> None:
        self.texts: list[str] = []

    async def post(self, event: dict[str, Any], user: str | None = None) -> SendResult:
        self.texts.append(event["textContent"]["text"])
        return SendResult(True, "00")


def sender() -> tuple[str, str]:
    return STORE, PHONE


owner_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300) | st.sampled_from([
    "(광고) 이번 주 할인", "[광고] 오세요", "(광 고)\n수신거부 안내 없음", "\n\n\n", "오랜만이에요!\n수신거부: 080-000-0000", "‮(광고)",
])


@settings(max_examples=150, deadline=None)
@given(body=owner_text, coupon=st.sampled_from(["", "쿠폰: 5% 할인\n쿠폰 번호 AB3C7D", "(광고) 쿠폰"]))
def test_no_advert_leaves_any_route_without_its_frame(body: str, coupon: str) -> None:
    text = advert(STORE, PHONE, body, coupon)
    assert text.startswith(AD_MARK) and is_framed(text, STORE, PHONE)
    lines = text.split("\n")
    assert lines[-1] == OPTOUT_LINE and lines[-2] == f"{STORE} {PHONE}"
    assert text.count(AD_MARK) == 1  # a "(광고)" the owner typed is not doubled or moved
    kakao, naver = CapturingKakao(), CapturingNaver()
    routes = [EventApiRoute(kakao, 15, sender), TalkTalkRoute(naver, sender, carries_ads=True),  # type: ignore[arg-type]
              ManualRoute("friend_group", 20, sender)]
    for route in routes:
        asyncio.run(route.submit([Outgoing(1, "u1", "01012345678", text, "광고")]))
    for sent in kakao.texts + naver.texts:
        assert sent.startswith(AD_MARK) and sent.rstrip().endswith(OPTOUT_LINE) and f"{STORE} {PHONE}" in sent


@pytest.mark.parametrize("route", ["event_api", "talktalk", "friend_group"])
def test_a_route_refuses_an_unframed_advert(route: str) -> None:
    kakao, naver = CapturingKakao(), CapturingNaver()
    r = {"event_api": EventApiRoute(kakao, 15, sender), "talktalk": TalkTalkRoute(naver, sender, carries_ads=True),  # type: ignore[arg-type]
         "friend_group": ManualRoute("friend_group", 20, sender)}[route]
    with pytest.raises(FrameError):
        asyncio.run(r.submit([Outgoing(1, "u1", "", "이번 주 10% 할인해요!", "광고")]))
    assert kakao.texts == [] and naver.texts == []


def test_talktalk_carries_no_advert_unless_the_owner_allows_it() -> None:
    naver = CapturingNaver()
    done = asyncio.run(TalkTalkRoute(naver, sender).submit([Outgoing(1, "u1", "", advert(STORE, PHONE, "오세요"), "광고")]))  # type: ignore[arg-type]
    assert done.status == {1: "failed"} and naver.texts == []


def test_no_information_template_carries_an_advertising_word() -> None:
    for t in INFO.values():
        assert t.klass == "정보" and lint(t.text) is None, t.kind


@settings(max_examples=100, deadline=None)
@given(before=st.text(max_size=40), word=st.sampled_from(AD_WORDS), after=st.text(max_size=40))
def test_the_lint_refuses_an_advertising_word_anywhere_in_an_information_text(before: str, word: str, after: str) -> None:
    with pytest.raises(TemplateError):
        check_info(f"내일 예약 안내드려요. {before}{word}{after}", "예약 하루 전 안내")
    with pytest.raises(TemplateError):
        Template("reminder", "예약 하루 전 안내", f"{before} {word} {after} 내일 뵐게요")


def test_the_lint_says_which_word_in_korean() -> None:
    with pytest.raises(TemplateError) as e:
        check_info("내일 예약 안내드려요. 오시면 음료 무료!", "예약 하루 전 안내")
    assert "'무료'" in str(e.value) and "광고" in str(e.value)
    assert lint("내일 오후 7시 2명 예약 확인 부탁드려요. 예약번호 AB12") is None
