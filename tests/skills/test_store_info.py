"""The store_info skill on the demo store (소담식당 연남점), asked at Tuesday 14:00 unless stated."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.kb.loader import load_knowledge
from tests.conftest import DEMO

MENU = {item.name: item for item in load_knowledge(DEMO).menu}
def sources(reply) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.id for s in reply.sources]


def test_open_now_uses_the_store_clock(ask) -> None:  # type: ignore[no-untyped-def]
    reply = ask("지금 영업해요?")
    assert reply.intent == "store_info" and sources(reply) == ["hours"]
    assert reply.texts[0] == "네, 지금 영업 중이에요! 오늘은 오후 9시까지 열어요. 마지막 주문은 오후 8시(20:00)까지예요."

@pytest.mark.parametrize(
    "when,expected",
    [
        (datetime(2026, 11, 24, 15, 30), "지금은 브레이크 타임이에요. 오늘 11월 24일(화) 오후 5시에 다시 열어요."),
        (datetime(2026, 11, 24, 22, 0), "오늘 영업은 끝났어요. 내일 11월 25일(수) 오전 11시에 다시 열어요."),
        (datetime(2026, 11, 30, 12, 0), "오늘은 정기 휴무일이에요. 내일 12월 1일(화) 오전 11시에 다시 열어요."),
        (datetime(2026, 12, 31, 12, 0), "오늘은 연말 대청소·직원 송년회로 쉬어요. 모레 1월 2일(토) 오전 11시에 다시 열어요."),
    ],
)
def test_open_now_when_closed(ask, when: datetime, expected: str) -> None:  # type: ignore[no-untyped-def]
    assert ask("지금 문 열었나요?", now=when).texts[0] == expected

def test_weekday_and_holiday_questions(ask) -> None:  # type: ignore[no-untyped-def]
    monday = ask("월요일에도 문 여나요??")
    assert sources(monday)[0] == "hours" and "11월 30일(월)은 정기 휴무일이에요." in monday.text
    new_year = ask("신정에 영업하세요?")
    assert sources(new_year)[0] == "holidays" and "1월 1일(금)은 신정 휴무로 쉬는 날이에요." in new_year.text
    december = ask("12월에 임시휴무 있어요?")
    assert sources(december)[0] == "holidays" and "12월 31일(목)" in december.text and "1월 1일(금)" in december.text

def test_a_date_named_by_its_day_is_answered_from_the_source_that_holds_it(ask) -> None:  # type: ignore[no-untyped-def]
    # An ordinary Thursday named by its date: the weekly hours; the dated closure: the holidays.
    ordinary = ask("이번 달 26일 목요일에 점심 먹으러 가도 돼요?")
    assert sources(ordinary)[0] == "hours" and "11월 26일(목)" in ordinary.text, (sources(ordinary), ordinary.text)
    closed = ask("12월 31일에 문 열어요?")
    assert sources(closed)[0] == "holidays" and "12월 31일(목)" in closed.text


def test_another_places_hours_are_not_ours_even_without_a_particle(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from tests.support.stores import STORE, ask_in, write_store

    # A store inside a market: that market, named in its address, is the shop's; another is not.
    folder = write_store(tmp_path, store=STORE.replace("시험로 1", "시험로 1 중앙시장 2동"))
    assert asyncio.run(ask_in(folder, "망원시장 저녁 몇 시면 닫나요?")).intent != "store_info"
    own = asyncio.run(ask_in(folder, "중앙시장 저녁 몇 시면 닫나요?"))
    assert own.intent == "store_info" and "영업시간" in own.text, (own.intent, own.texts)


def test_next_years_holiday_is_answered_only_when_the_owner_listed_it(ask) -> None:  # type: ignore[no-untyped-def]
    # The demo lists 1월 1일 (신정) of next year and no 추석 of next year.
    assert ask("내년 추석 연휴에도 장사하세요?").intent != "store_info"
    listed = ask("내년 신정에 가게 쉬어요?")
    assert listed.intent == "store_info" and "1월 1일(금)" in listed.text


def test_whether_an_order_is_taken_when_the_customer_arrives(ask) -> None:  # type: ignore[no-untyped-def]
    # Demo Tuesday: 11:00-21:00, break 15:00-17:00, last order an hour before the break and closing.
    lunch = ask("지금 나서면 30분 정도 걸리는데 주문 되나요?")  # at 14:00: there at 14:30
    assert lunch.intent == "store_info" and sources(lunch) == ["hours"]
    assert "마지막 주문(오후 2시)" in lunch.text and "오후 5시에 다시" in lunch.text, lunch.text
    evening = ask("지금 출발하면 한 시간 걸리는데 주문 되나요?", now=datetime(2026, 11, 24, 18, 0))
    assert evening.texts[0].startswith("네, 도착하실 오후 7시쯤에는 영업 중이에요") and "오후 8시(20:00)까지" in evening.text
    between = ask("지금 영업해요?", now=datetime(2026, 11, 24, 14, 30))  # open, but lunch orders closed at 14:00
    assert "마지막 주문(오후 2시)" in between.text and "오후 5시부터" in between.text and not between.text.startswith("네"), between.text
    late = ask("가는 중인데 삼십 분이면 도착해요 주문 받아 주세요?", now=datetime(2026, 11, 24, 19, 40))
    assert "마지막 주문(오후 8시)이 지나서" in late.text, late.text


def test_the_owners_own_name_for_a_closure_is_a_holiday_word(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from tests.support.stores import STORE, ask_in, write_store

    # A closure named by the owner's own word, which no calendar knows.
    store = STORE + '\n[[holidays]]\ndate = "2026-12-02"\nreason = "사장님 고향 축제 풍등제"\n'
    folder = write_store(tmp_path, store=store)
    reply = asyncio.run(ask_in(folder, "풍등제 하는 날 가게 쉬나요?"))
    assert reply.intent == "store_info" and [s.id for s in reply.sources][0] == "holidays", (reply.intent, reply.sources)
    assert asyncio.run(ask_in(folder, "내년 풍등제 때도 가게 쉬나요?")).intent != "store_info"
    # A holiday that only frames another question (a dish of the day) is no question of opening.
    assert asyncio.run(ask_in(folder, "성탄절 당일엔 한정 메뉴 나와요?")).intent != "store_info"


def test_a_bare_hour_on_a_named_day_is_read_inside_the_opening_hours(ask) -> None:  # type: ignore[no-untyped-def]
    reply = ask("내일 4시에 가도 돼요?")  # Wednesday, open 11:00-21:00: 4시 is 16:00, in the break
    assert "오전 4시" not in reply.text and "열기 전" not in reply.text


def test_the_week_is_listed_as_the_owner_wrote_it(ask) -> None:  # type: ignore[no-untyped-def]
    # The sentence speaks (오후 10시); the week below it reads like the owner's store.toml and a map listing.
    reply = ask("금요일에는 언제 문 닫아요?")
    assert "오후 10시" in reply.text and "금~토 11:00~22:00" in reply.text and "브레이크 타임 15:00~17:00" in reply.text, reply.text


def test_last_order_and_break(ask) -> None:  # type: ignore[no-untyped-def]
    # The last order also falls before the break (knowledge-format.md): break 15:00, last order 60 → 14:00.
    assert "마지막 주문은 마감 60분 전까지 받아요. 오늘은 점심 오후 2시(14:00), 저녁 오후 8시(20:00)까지예요." in ask("라스트오더 몇시예요?").text
    assert "브레이크 타임은 매일 오후 3시부터 오후 5시까지예요." in ask("브타 언제에요").text

def test_store_info_address_phone_and_booking_policy(ask) -> None:  # type: ignore[no-untyped-def]
    assert ask("가게 위치 어디예요?").texts == ["소담식당 연남점은 서울 마포구 연남로 38-7, 1층에 있어요."]
    assert ask("전화번호 알려주세요").texts == ["소담식당 연남점 전화번호는 02-332-6417이에요."]
    policy = ask("예약은 최대 몇 명까지 돼요?")
    assert policy.intent == "store_info" and sources(policy) == ["reservation"]
    assert "최대 8명" in policy.text and "1시간 30분" in policy.text and "30일" in policy.text
    for asked in ("여기 예약 받는 가게예요?", "예약 되는 데 맞죠?"):  # whether it books, not a booking
        assert sources(ask(asked)) == ["reservation"], asked


def test_a_weekday_counted_from_a_moving_holiday_gets_the_dated_closures(ask) -> None:  # type: ignore[no-untyped-def]
    # 설 and 추석 move every year: "the Friday after 설" is not next Friday; the dated closures answer.
    reply = ask("설 쇠고 그 주 금요일엔 가게 여세요?")
    assert sources(reply)[0] == "holidays" and "예정된 휴무일은" in reply.text
    assert "11월 27일(금)" not in reply.text


def test_a_months_closures_are_the_dated_holidays(ask) -> None:  # type: ignore[no-untyped-def]
    reply = ask("다음 달에 따로 쉬는 날 있을까요?")
    assert sources(reply)[0] == "holidays" and "12월 31일(목)" in reply.text


def test_an_faq_sharing_only_time_words_leaves_the_hours_to_the_store_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """An owner's entry about when an item runs out speaks of evenings and hours; "몇 시에 열어요?"
    is still the opening hours, which only store.toml knows."""
    import asyncio

    from tests.support.stores import ask_in, write_store

    faq = ("# 메뉴\n\n## 연어회 저녁에 가도 있어요?\n다른 표현: 연어회 다 팔려요? | 연어회 몇 시까지\n"
           "하루 들어오는 양이 정해져 있어서 저녁 7시쯤이면 떨어질 때가 많아요.\n")
    folder = write_store(tmp_path, faqs={"메뉴.md": faq})
    for text in ("아침 몇 시에 열어요?", "When do you open in the morning?"):
        reply = asyncio.run(ask_in(folder, text))
        assert reply.intent == "store_info" and sources(reply) == ["hours"], (text, reply.intent, reply.texts)
    reply = asyncio.run(ask_in(folder, "연어회 몇 시까지 남아 있어요?"))
    assert reply.intent == "faq", (reply.intent, reply.texts)


@pytest.mark.parametrize(("text", "source"), [("사장님 폰 번호 받을 수 있을까요", "phone"), ("지금 출발하면 먹고 올 수 있을까요", "hours")])
def test_a_plain_ask_the_patterns_miss_is_read_by_the_trained_topics(ask, text: str, source: str) -> None:  # type: ignore[no-untyped-def]
    # Forms no pattern in skills/store_info.py lists; bot/understand/store_topics.py reads them.
    reply = ask(text)
    assert reply.intent == "store_info" and [s.id for s in reply.sources][:1] == [source], (reply.intent, reply.texts)


def test_the_trained_topics_leave_what_an_faq_answers_to_the_faq(ask) -> None:  # type: ignore[no-untyped-def]
    reply = ask("주차 되나요?")
    assert reply.intent == "faq"


def test_the_stored_store_topic_model_loads() -> None:
    from bot.understand import store_topics

    model = store_topics.load()
    assert model is not None and set(store_topics.TOPICS) | {store_topics.NONE} == set(model.outputs)


def test_the_way_there_is_the_owners_directions_and_the_address_is_store_toml(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from tests.support.stores import ask_in, write_store

    faq = ("# 오시는 길\n\n## 전철 타면 출구는 몇 번이 가까워요?\n3호선 안국역 2번 출구로 나와 직진 200m, 약국 옆 골목이에요.\n\n"
           "## 주차 되나요?\n건물 뒤 공영주차장을 이용해 주세요.\n")
    folder = write_store(tmp_path, faqs={"길.md": faq})
    way = asyncio.run(ask_in(folder, "전철로 찾아가려면 출구는 몇 번이에요?"))
    assert way.intent == "faq" and way.sources[0].id == "전철 타면 출구는 몇 번이 가까워요?", (way.intent, way.texts)
    address = asyncio.run(ask_in(folder, "매장 주소가 어떻게 되나요"))
    assert address.intent == "store_info" and sources(address) == ["address"], (address.intent, address.texts)


@pytest.mark.parametrize(("text", "address"), [
    ("지도 링크 하나 보내 주세요", True), ("카카오 지도에 뭐라고 검색해요?", True),
    ("송아지도 있는 농장 근처예요?", False), ("우리 강아지도 안에 데려가도 돼요?", False),
])
def test_a_map_is_a_word_of_its_own_not_the_end_of_another(text: str, address: bool) -> None:
    from bot.kb.text import clean
    from skills.store_info import ADDRESS

    assert bool(ADDRESS.search(clean(text))) is address


def test_the_weekly_closed_day_is_said_in_full(ask) -> None:  # type: ignore[no-untyped-def]
    # Asked for by "무슨 요일" (which holds 일, no weekday), and after a day named that is not it.
    which = ask("정기적으로 노는 날은 무슨 요일인가요?")
    assert "매주 월요일은 정기 휴무예요." in which.text, which.text
    wrong_day = ask("수요일이 쉬는 날이던가요?")
    assert "11월 25일(수)" in wrong_day.text and "정기 휴무는 매주 월요일이에요." in wrong_day.text, wrong_day.text


def test_a_closure_in_the_next_two_weeks_comes_with_the_closed_day(ask) -> None:  # type: ignore[no-untyped-def]
    near = ask("가게 노는 날이 언제인가요?", now=datetime(2026, 12, 22, 12, 0))
    assert "매주 월요일은 정기 휴무예요." in near.text and "12월 31일(목)" in near.text, near.text
    far = ask("가게 노는 날이 언제인가요?")
    assert "12월 31일" not in far.text, far.text


def test_a_break_ends_with_the_right_particle(ask) -> None:  # type: ignore[no-untyped-def]
    text = ask("목요일 몇 시부터 몇 시까지 열어요?").text
    assert "오후 5시는 브레이크 타임이에요." in text or "분은 브레이크 타임이에요." in text, text


def test_a_shop_word_kiwi_calls_a_proper_noun_is_no_other_place(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Kiwi sometimes tags a loanword of the trade (라스트오더) NNP; the lexicon knows it, so it names no
    other place whose hours the customer asks."""
    import asyncio
    from types import SimpleNamespace

    import skills.store_info as store_info
    from tests.support.stores import ask_in, write_store

    real = store_info.kiwi()

    class Tagger:
        def morphemes(self, text: str):  # type: ignore[no-untyped-def]
            out = [SimpleNamespace(form=m.form, tag=m.tag, start=m.start) for m in real.morphemes(text)]
            for i, m in enumerate(out[:-1]):  # 라스트 + 오더 as one proper noun, as Kiwi reads some sentences
                if m.form == "라스트" and out[i + 1].form == "오더":
                    out[i:i + 2] = [SimpleNamespace(form="라스트오더", tag="NNP", start=m.start)]
                    break
            return out

    monkeypatch.setattr(store_info, "kiwi", lambda: Tagger())
    reply = asyncio.run(ask_in(write_store(tmp_path), "목요일 라스트오더는 몇 시죠?"))
    assert reply.intent == "store_info" and "영업시간" in reply.text, (reply.intent, reply.texts)
    monkeypatch.setattr(store_info, "kiwi", lambda: SimpleNamespace(morphemes=lambda text: [
        SimpleNamespace(form="해운대", tag="NNP", start=0), *Tagger().morphemes(text)]))
    other = asyncio.run(ask_in(write_store(tmp_path / "b"), "목요일 라스트오더는 몇 시죠?"))
    assert other.intent != "store_info", other.texts  # the same question with a real place in it


def test_a_visit_at_a_clock_time_on_a_named_day_is_answered_for_that_moment(ask) -> None:  # type: ignore[no-untyped-def]
    # The demo store: 일 11:00-20:00, last order an hour before closing; 월 closed.
    late = ask("일요일 밤 7시 넘어서 들르면 먹을 수 있나요?")
    assert late.intent == "store_info" and "넘어서는 마지막 주문(오후 7시)이 지나서" in late.text, late.texts
    early = ask("일요일 저녁 6시 반에 가면 주문돼요?")
    assert "네, 도착하실" in early.text and "그날은 오후 8시까지" in early.text, early.texts
    monday = ask("월요일 낮 12시쯤 가도 되나요?")
    assert "정기 휴무일이에요" in monday.text, monday.texts


def test_a_visit_at_a_time_is_not_an_faq_that_shares_its_verbs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """An FAQ on how many one may take shares 사 갈 수 with "밤 9시 지나서 들르면 사 갈 수 있을까요?"; the hours answer."""
    import asyncio

    from tests.support.stores import ask_in, write_store

    faq = "# 구매\n\n## 한 명이 몇 개까지 사 갈 수 있어요?\n한 분당 열 개까지 드려요.\n"
    reply = asyncio.run(ask_in(write_store(tmp_path, faqs={"구매.md": faq}), "목요일 밤 9시 지나서 들르면 사 갈 수 있을까요?"))
    assert reply.intent == "store_info" and "도착하실" in reply.text, (reply.intent, reply.texts)


@pytest.mark.parametrize("text", ["쉬는 날 언제예요?", "한 달에 한 번 문 닫는 날 있다던데요", "매달 쉬는 날이 따로 있어요?"])
def test_days_off_of_a_shop_open_every_weekday_are_its_dated_closures(tmp_path, text) -> None:  # type: ignore[no-untyped-def]
    """No weekday closed in [hours], closures on dates (a monthly one among them): asked about days off,
    the dated closures answer, not the weekly hours alone."""
    import asyncio

    from tests.support.stores import STORE, ask_in, write_store

    store = STORE.replace('mon = "휴무"', 'mon = "11:00-21:00"') + '\n[[holidays]]\ndate = "2026-12-07"\nreason = "정기휴무 (첫째 월요일)"\n'
    folder = write_store(tmp_path, store=store)
    reply = asyncio.run(ask_in(folder, text))
    assert reply.intent == "store_info" and reply.sources[0].id == "holidays" and "12월 7일" in reply.text, (reply.intent, reply.texts)


@pytest.mark.parametrize("text", ["선물로 보내려는데 받는 주소를 다르게 적어도 되나요?", "배송지 주소 바꿀 수 있어요?", "주소 변경 되나요? 이사를 해서요"])
def test_the_customers_own_address_is_not_the_shops(text: str) -> None:
    """The address of a parcel or an order's recipient is the customer's: no store address for it."""
    from skills.store_info import ADDRESS

    assert not ADDRESS.search(text)
    assert ADDRESS.search("가게 주소 좀 알려 주세요") and ADDRESS.search("주소가 어떻게 돼요?")
