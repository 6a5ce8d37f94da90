"""Dialect, chat spelling and foreign shop words become standard Korean before analysis, and the
rules never touch the ordinary words that share their syllables."""

from __future__ import annotations

import pytest

from bot.kb.text import clean


@pytest.mark.parametrize(
    ("said", "standard"),
    [
        ("얼라 데꼬 들어가도 되나예?", "아이 데리고 들어가도 되나요?"),  # 경상
        ("우예 데파 묵노", "어떻게 데워 먹나요"),
        ("전화번호 머꼬", "전화번호 뭐야"),
        ("들어가도 되는교?", "들어가도 되나요?"),
        ("냉장고에 두고 묵어도 된당가", "냉장고에 두고 먹어도 되나요"),  # 전라
        ("좋을랑가", "좋을까요"),
        ("포장해 갈 수 있으까?", "포장해 갈 수 있을까요?"),
        ("주소 알려주쇼", "주소 알려주세요"),
        ("괜찮어유", "괜찮아요"),  # 충청
        ("했슈", "했어요"),
        ("마감이 언제여", "마감이 언제예요"),
        ("장사하우?", "장사해요?"),  # 강원
        ("있드래요", "있어요"),
        ("하나욤 돼염", "하나요 돼요"),  # chat
        ("우리 삼촌덜 셋이 오젠 허는디", "우리 삼촌들 셋이 오려고 하는데"),  # 제주
        ("아기 의자 잇수꽈", "아기 의자 있어요"),
        ("술 남으민 맡겨 두민 되쿠과", "술 남으면 맡겨 두면 될까요"),
        ("전복은 바당에서 난 거우꽈", "전복은 바다에서 난 거예요"),
        ("봉다리도 돈 받아요?", "봉지도 돈 받아요?"),
        ("김치도 파니껴", "김치도 파나요"),  # 경북 북부
        ("수육 작은 거 얼마니껴", "수육 작은 거 얼마예요"),
        ("저기 보이는 건물이 본점이껴?", "저기 보이는 건물이 본점인가요?"),
        ("어데서 내리면 되니껴", "어디서 내리면 되나요"),
        ("어제 전화로 캤는데 안 됐니더", "어제 전화로 했는데 안 됐니다"),
        ("싸 달라 카면 싸 주나", "싸 달라 하면 싸 주나"),
        ("반찬 더 줘도 되지예 맛있어예", "반찬 더 줘도 되지요 맛있어요"),
        ("잔치국시 한 그릇 되나", "잔치국수 한 그릇 되나"),  # 국시 inside a dish's name
        ("감재떡도 포장돼요?", "감자떡도 포장돼요?"),
        ("정구지김치 따로 파나", "부추김치 따로 파나"),  # a dialect vegetable first in a dish's name
        ("옥시기범벅 있어요", "옥수수범벅 있어요"),
        ("비 오는 날엔 김치찌짐이지", "비 오는 날엔 김치전이지"),  # 경상 찌짐 is 전
        ("식혜도 병으로 파우?", "식혜도 병으로 파요?"),  # 강원 -우
        ("만두 속에 머머 들었노", "만두 속에 뭐뭐 들었나요"),  # chat 머, 경상 -었노
    ],
)
def test_dialect_and_chat_forms(said: str, standard: str) -> None:
    assert clean(said) == standard


@pytest.mark.parametrize(
    "ordinary",
    ["아예 안 해요", "카드 카페 카톡", "주소", "주민 할인", "시민 공원", "고민이에요", "묵은지 찌개", "묵밥", "우유 두유 이유", "티슈 있어요?", "캐슈넛", "노하우", "아이가 먹을 메뉴", "소 혀 수육", "사용 이용 비용 내용", "전국시대", "사우나 있어요", "배우", "머리 아파요", "머루"],
)
def test_ordinary_words_are_left_alone(ordinary: str) -> None:
    assert clean(ordinary) == ordinary.lower()


def test_foreign_shop_words_are_glossed_and_kept() -> None:
    text = clean("Are you open tonight? Until what time?")
    assert text.startswith("are you open tonight? until what time?") and "영업시간" in text and "오늘" in text
    assert "주차" in clean("駐車場ありますか")
    assert clean("아메리카노 주세요") == "아메리카노 주세요"  # Korean is never glossed


@pytest.mark.parametrize(("text", "korean"), [
    ("Could I talk to a real person please", "직원 연결"), ("Do you ship frozen packs to Busan?", "택배"),
    ("Is there a private room for ten?", "룸"), ("How should I store the leftovers?", "보관"),
    ("Can I pay the deposit later, or cancel?", "예약금"), ("Any discount with a stamp card?", "할인"),
    ("Do you have a lift for my wheelchair?", "휠체어"), ("Can I freeze the rice cakes?", "떡"),
    ("two cokes and a sprite please", "콜라"), ("two cokes and a sprite please", "사이다"),
    ("are the pine nuts on top optional", "잣"), ("can we split the bill four ways", "따로 계산"),
    ("is your kimchi made from scratch", "수제"), ("ten minutes walking from the station?", "걸어서"),
    ("any queue at noon", "웨이팅"), ("any sweet potato desserts", "고구마"),
])
def test_english_shop_words_are_glossed(text: str, korean: str) -> None:
    assert korean in clean(text)


@pytest.mark.parametrize(("text", "korean"), [
    ("Will you close over Seollal?", "설날"), ("Do you keep the doors open in chuseok week?", "추석"),
    ("Can we come on Oct 3rd?", "10월 3일"), ("Any table on the 21st of December?", "12월 21일"),
    ("open on august 9 for lunch?", "8월 9일"),
])
def test_english_dates_and_holidays_are_glossed_as_the_clock_reads_them(text: str, korean: str) -> None:
    assert korean in clean(text)


def test_words_that_start_like_a_month_are_no_dates() -> None:
    for text in ("two octopus 3 skewers", "4 decaf drinks", "the market 5 minutes away"):
        assert "월" not in clean(text).split(text.lower(), 1)[-1], clean(text)


@pytest.mark.parametrize(("text", "korean"), [
    ("Could we get seats for three at 8:15 p.m.?", "3명"), ("Could we get seats for three at 8:15 p.m.?", "오후 8시 15분"),
    ("we'd be a party of five", "5명"), ("arriving around 11am with 2 adults", "오전 11시"),
])
def test_english_times_and_head_counts_are_read(text: str, korean: str) -> None:
    assert korean in clean(text) and clean(clean(text)) == clean(text)


def test_an_english_question_of_policy_is_not_a_booking_but_a_request_with_details_is(ask) -> None:  # type: ignore[no-untyped-def]
    policy = ask("Hello, does your place accept bookings?")
    assert policy.intent == "store_info" and [s.id for s in policy.sources] == ["reservation"], (policy.intent, policy.texts)
    booking = ask("Please reserve Friday evening, 6:30 pm, 2 guests")
    assert booking.intent == "reservation" and "2명" in booking.texts[0] and "오후 6시 30분" in booking.texts[0], booking.texts


def test_an_english_date_on_a_dated_holiday_is_answered_with_the_holiday(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from tests.support.stores import ask_in, write_store

    store = ("name = \"바다횟집\"\nphone = \"02-000-0000\"\n[hours]\nmon = \"11:00-21:00\"\ntue = \"11:00-21:00\"\n"
             "wed = \"11:00-21:00\"\nthu = \"11:00-21:00\"\nfri = \"11:00-21:00\"\nsat = \"11:00-21:00\"\nsun = \"11:00-21:00\"\n"
             "[[holidays]]\ndate = \"2026-12-22\"\nreason = \"가게 공사\"\n")
    folder = write_store(tmp_path, store=store)
    reply = asyncio.run(ask_in(folder, "Are you guys open on Dec 22?"))
    assert reply.intent == "store_info" and reply.sources[0].id == "holidays", (reply.intent, reply.sources, reply.texts)
    assert "12월 22일" in reply.texts[0] and "쉬는 날" in reply.texts[0], reply.texts


def test_glosses_follow_the_message_and_are_added_once() -> None:
    """Glossed in the order written, and cleaning twice adds nothing: a second copy once set the
    gloss of "suggest" right before that of "allergic" and read an allergy to 추천."""
    from bot.understand import allergens

    text = clean("Allergic to crustaceans - what can you suggest?")
    assert clean(text) == text and text.endswith("알레르기 갑각류 추천")
    assert allergens.read(text) == ["갑각류"]
    assert set(allergens.read(clean("shellfish allergy, what's good?"))) >= {"갑각류", "조개류"}


def test_bring_is_not_glossed_alone() -> None:
    """"bring my dog" and "bring my own cup" ask different things; the verb alone says neither."""
    assert "가져가" not in clean("Can I bring my dog inside?")


def test_a_password_is_not_a_phone_number(ask) -> None:  # type: ignore[no-untyped-def]
    """비밀번호 contains 번호: the phone answer must not take it."""
    for question in ("wifi 비번 머에요", "와이파이 비밀번호 알려주세요"):
        assert "phone" not in [s.id for s in ask(question).sources], question


def test_another_business_hours_are_not_ours(ask) -> None:  # type: ignore[no-untyped-def]
    reply = ask("옆집 꽃집은 몇 시까지 해요?")
    assert reply.intent != "store_info"


def test_another_business_is_not_answered_with_an_faq_about_our_times(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from tests.support.stores import ask_in, write_store

    faq = ("# 이용\n\n## 런치 메뉴는 몇 시까지예요?\n평일 오후 2시까지 주문 받아요.\n\n"
           "## 주차 되나요?\n시장 공영주차장을 이용해 주세요. 밤 10시까지 열어요.\n")
    shop = write_store(tmp_path, faqs={"이용.md": faq})
    other = asyncio.run(ask_in(shop, "건너편 미용실은 몇 시까지 하는지 아세요?"))
    assert other.intent in ("unknown", "escalate") and not other.sources, (other.intent, other.texts)
    ours = asyncio.run(ask_in(shop, "근처 시장 주차장 몇 시까지 해요?"))  # an FAQ that speaks of the place answers
    assert [s.id for s in ours.sources] == ["주차 되나요?"], (ours.intent, ours.texts)


def test_a_locator_shared_with_an_faq_does_not_make_another_place_ours(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """"근처" in a walk FAQ and in a question about a PC방 nearby: the place asked about is the PC방, and
    no FAQ speaks of it; nor does "2차" (a second round) make a parking FAQ the answer."""
    import asyncio

    from tests.support.stores import ask_in, write_store

    faq = ("# 이용\n\n## 근처에 산책할 데 있어요?\n걸어서 5분 거리에 강변 산책로가 있어요.\n\n"
           "## 차 어디 세워요?\n건물 뒤 주차장에 세우시면 2시간 무료예요.\n")
    shop = write_store(tmp_path, faqs={"이용.md": faq})
    for text in ("여기 근처에 피시방 있는지 아세요?", "밥 먹고 근처에서 2차로 갈 술집 아는 데 있어요?"):
        reply = asyncio.run(ask_in(shop, text))
        assert reply.intent in ("unknown", "escalate") and not [s for s in reply.sources if s.kind == "faq"], (text, reply.intent, reply.texts)


# --- several questions in one message, and one question after a long story ----------------------

def test_two_questions_get_two_answers_in_order(ask) -> None:  # type: ignore[no-untyped-def]
    reply = ask("주차 되고 아이 의자 있어요?")
    assert [s.id for s in reply.sources][:2] == ["주차할 수 있나요?", "아이 의자 있나요?"]
    assert len(reply.texts) >= 2


def test_a_frame_word_alone_asks_about_the_question_before_it() -> None:
    from bot.understand.parts import questions

    assert questions("수정과도 팔아요? 얼마요?") == ["수정과도 팔아요? 얼마요?"]
    assert questions("포장 되지요? 주차 자리도 넉넉한가요?") == ["포장 되지요?", "주차 자리도 넉넉한가요?"]


def test_three_questions_at_most(ask) -> None:  # type: ignore[no-untyped-def]
    reply = ask("포장 되나요? 배달도 되나요? 와이파이 되나요?")
    assert {s.id for s in reply.sources} >= {"포장 되나요?", "배달 되나요?", "와이파이 되나요?"}


def test_one_question_about_two_items_stays_one(ask) -> None:  # type: ignore[no-untyped-def]
    from bot.understand.parts import questions

    assert questions("떡볶이랑 순대 얼마예요?") == ["떡볶이랑 순대 얼마예요?"]
    assert questions("친구하고 같이 가도 돼요?") == ["친구하고 같이 가도 돼요?"]


def test_a_question_after_a_long_story_is_read(ask) -> None:  # type: ignore[no-untyped-def]
    story = "지난주에 가족들이랑 다녀왔는데 정말 맛있게 잘 먹었어요. " * 40
    reply = ask(story + "그런데 혹시 주차할 수 있나요?")
    assert len(story) > 1000 and reply.intent == "faq" and reply.sources[0].id == "주차할 수 있나요?"


def test_the_lexicon_finds_what_one_alternation_of_all_its_variants_finds() -> None:
    """The lexicon searches with a pattern per first syllable (for speed); it must find exactly what
    one alternation of every variant, longest first, finds, on every labelled question."""
    import json
    import re

    from bot.kb.text import BULK, _variant_pattern, build_lexicon, builtin_lexicon, clean, compact
    from tests.conftest import ROOT

    lexicon = build_lexicon(builtin_lexicon())
    one = re.compile("|".join(_variant_pattern(k) for k in sorted(lexicon.canonical_of, key=len, reverse=True)))

    def reference(text: str) -> list[str]:
        found = ["단체 주문"] if BULK.search(text) else []
        for m in one.finditer(text):
            found += lexicon.canonical_of.get(compact(m.group(0)), ())
        return list(dict.fromkeys(found))

    texts = [json.loads(line)["q"] for f in sorted((ROOT / "tests" / "fixtures" / "eval").glob("*/questions.jsonl"))
             for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(texts) > 3000
    assert [t for t in map(clean, texts) if lexicon.expand(t) != reference(t)] == []


@pytest.mark.parametrize(("said", "standard"), [("오늘 문 닫는 날 아이가?", "오늘 문 닫는 날 아닌가요?")])
def test_gyeongsang_aiga_after_a_noun_is_a_question(said: str, standard: str) -> None:
    assert clean(said) == standard
    assert clean("아이가 먹을 메뉴") == "아이가 먹을 메뉴"


@pytest.mark.parametrize(("said", "gloss"), [
    ("お持ち帰りはできますか？", "포장"),
    ("最寄りの駅はどこですか", "역"),
    ("这道菜辣不辣？", "매운"),
    ("有包间吗？我们八个人", "룸"),
    ("ビール一杯ください", "맥주"),
])
def test_japanese_and_chinese_shop_words_are_glossed(said: str, gloss: str) -> None:
    assert gloss in clean(said).split()


def test_where_asked_in_japanese_or_chinese_is_a_question_word_not_the_address() -> None:
    """どこ/哪里 ask where something is (the toilet, the car park); only 住所/地址 name the address."""
    assert "어디" in clean("お手洗いはどこですか").split() and "주소" not in clean("お手洗いはどこですか")
    assert "주소" in clean("店的地址是什么").split()


@pytest.mark.parametrize(("said", "gloss"), [
    ("テイクアウトできますか？", "돼요"),   # "can I" asks whether it is done, as 되나요 does
    ("おいしかったです、ありがとう！", "감사합니다"),
    ("你好，请问几点开门", "안녕하세요"),
])
def test_japanese_and_chinese_frames_and_courtesies_are_glossed(said: str, gloss: str) -> None:
    assert gloss in clean(said).split()
