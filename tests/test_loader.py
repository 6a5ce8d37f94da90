"""The knowledge loader against the format contract: encodings, spellings, and located errors."""

from __future__ import annotations

import pytest

from bot.kb.errors import KnowledgeError
from bot.kb.loader import load_knowledge, parse_price
from tests.conftest import DEMO, FAQ_MD, MENU_CSV, STORE_TOML

HEADER_KO = "이름,분류,가격,설명,태그,알레르기,맵기,판매,이미지\n"


def errors_of(root) -> list[str]:  # type: ignore[no-untyped-def]
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    return [str(p) for p in info.value.problems]


def test_demo_store_loads_with_its_promised_size() -> None:
    k = load_knowledge(DEMO)
    assert len(k.menu) >= 25 and len(k.faqs) >= 20
    assert k.store.break_time is not None and k.store.reservation.enabled
    assert not k.warnings


@pytest.mark.parametrize("raw,expected", [("4500", 4500), ("4,500", 4500), ("4,500원", 4500), (" ₩12,000 ", 12000), ("무료", None), ("4.5", None)])
def test_price_spellings(raw: str, expected: int | None) -> None:
    assert parse_price(raw) == expected


def test_cp949_menu_as_saved_by_korean_excel(make_knowledge) -> None:  # type: ignore[no-untyped-def]
    menu = (HEADER_KO + '김치찌개,찌개,"9,000원",묵은지 찌개,인기,"돼지고기,대두",2,O,\n').encode("cp949")
    k = load_knowledge(make_knowledge(menu=menu))
    item = k.menu[0]
    assert (item.name, item.price, item.allergens, item.spicy, item.available) == ("김치찌개", 9000, ("돼지고기", "대두"), 2, True)


def test_utf8_bom_and_crlf_menu(make_knowledge) -> None:  # type: ignore[no-untyped-def]
    menu = ("\ufeff" + HEADER_KO + "라떼,커피,5000,우유 라떼,,우유,0,아니오,\r\n").replace("\n", "\r\n").encode("utf-8")
    k = load_knowledge(make_knowledge(menu=menu))
    assert k.menu[0].name == "라떼" and k.menu[0].available is False


def test_english_headers_and_pipe_lists(make_knowledge) -> None:  # type: ignore[no-untyped-def]
    menu = "Name,Category,Price,Description,Tags,Allergens,Spicy,Available,Image\nLatte,Coffee,5000,milk,인기|신메뉴,우유|대두,0,X,https://example.com/a.jpg\n"
    item = load_knowledge(make_knowledge(menu=menu)).menu[0]
    assert item.tags == ("인기", "신메뉴") and item.allergens == ("우유", "대두") and not item.available
    assert item.image == "https://example.com/a.jpg"


@pytest.mark.parametrize("flag,available", [("Y", True), ("N", False), ("O", True), ("X", False), ("예", True), ("아니오", False), ("", True)])
def test_available_spellings(make_knowledge, flag: str, available: bool) -> None:  # type: ignore[no-untyped-def]
    menu = HEADER_KO + f"라떼,커피,5000,,,,0,{flag},\n"
    assert load_knowledge(make_knowledge(menu=menu)).menu[0].available is available


@pytest.mark.parametrize(
    "row,needle",
    [
        ("라떼,커피,오천원,,,,0,Y,", "가격 '오천원'"),
        ("라떼,커피,5000,,,,5,Y,", "맵기 '5'"),
        ("라떼,커피,5000,,,,0,maybe,", "판매 값 'maybe'"),
        ("라떼,커피,5000,,,,0,Y,http://x.com/a.jpg", "https://"),
        (",커피,5000,,,,0,Y,", "이름이 비어"),
        ("라떼,커피,4,500,,,,0,Y,", "큰따옴표"),
    ],
)
def test_menu_errors_name_file_line_and_fix(make_knowledge, row: str, needle: str) -> None:  # type: ignore[no-untyped-def]
    problems = errors_of(make_knowledge(menu=HEADER_KO + "아메리카노,커피,4500,,,,0,Y,\n" + row + "\n"))
    assert any(p.startswith("menu.csv:3: ") and needle in p for p in problems), problems


def test_duplicate_menu_item_points_at_both_lines(make_knowledge) -> None:  # type: ignore[no-untyped-def]
    problems = errors_of(make_knowledge(menu=HEADER_KO + "라떼,,5000,,,,,,\n라떼,,5500,,,,,,\n"))
    assert problems == ["menu.csv:3: '라떼' 메뉴가 2번째 줄에도 있어요. 메뉴 이름은 한 번씩만 적어 주세요."]


def test_item_without_price_is_a_warning(make_knowledge) -> None:  # type: ignore[no-untyped-def]
    k = load_knowledge(make_knowledge(menu=HEADER_KO + "시즌 메뉴,,,,,,,,\n"))
    assert k.menu[0].price is None
    assert any("가격이 없어요" in str(w) and w.line == 2 for w in k.warnings)


def test_toml_syntax_error_has_its_line(make_knowledge) -> None:  # type: ignore[no-untyped-def]
    broken = STORE_TOML.replace('phone = "02-111-2222"', "phone = 02-111-2222")
    problems = errors_of(make_knowledge(store=broken))
    assert problems[0].startswith("store.toml:3: ") and "큰따옴표" in problems[0]


@pytest.mark.parametrize(
    "old,new,needle,line",
    [
        ('tue = "09:00-21:00"', 'tue = "9시-21시"', "화요일 영업시간 '9시-21시'", 8),
        ('tue = "09:00-21:00"', "", "[hours]에 화요일(tue)이 없어요", 6),
        ("last_order_minutes = 30", 'last_order_minutes = "30분"', "last_order_minutes", 14),
        ('name = "테스트 카페"', 'name = ""', "'name' 값이 비어", 1),
    ],
)
def test_store_errors(make_knowledge, old: str, new: str, needle: str, line: int) -> None:  # type: ignore[no-untyped-def]
    problems = errors_of(make_knowledge(store=STORE_TOML.replace(old, new)))
    assert any(p.startswith(f"store.toml:{line}: ") and needle in p for p in problems), problems


def test_reservation_and_holidays_are_checked(make_knowledge) -> None:  # type: ignore[no-untyped-def]
    extra = '\n[[holidays]]\ndate = "2026-13-01"\n\n[reservation]\nenabled = true\nslot_minutes = 0\ntables = [2, "four"]\n'
    problems = errors_of(make_knowledge(store=STORE_TOML + extra))
    assert any(p.startswith("store.toml:16: ") and "휴무일 날짜" in p for p in problems)
    assert any("slot_minutes" in p and p.startswith("store.toml:21: ") for p in problems)
    assert any("tables" in p and p.startswith("store.toml:22: ") for p in problems)


def test_overnight_hours_and_break(make_knowledge) -> None:  # type: ignore[no-untyped-def]
    store = STORE_TOML.replace('fri = "09:00-22:00"', 'fri = "18:00-02:00"').replace("last_order_minutes = 30", 'break = "15:00-16:00"\nlast_order_minutes = 30')
    k = load_knowledge(make_knowledge(store=store))
    assert (k.store.hours["fri"].start, k.store.hours["fri"].end) == (18 * 60, 26 * 60)  # type: ignore[union-attr]
    assert k.store.break_time is not None and k.store.break_time.start == 15 * 60


def test_faq_categories_aliases_and_emphasis(make_knowledge) -> None:  # type: ignore[no-untyped-def]
    md = "# 결제\n\n## **카드** 되나요?\naliases: 카드 결제 | 체크카드\n\n모든 *카드*를 **받아요**.\n`삼성페이`도 돼요.\n\n# 기타\n## 와이파이?\n비번은 wifi_pass_1 이에요.\n"
    k = load_knowledge(make_knowledge(faqs={"a.md": md}))
    card, wifi = k.faqs
    assert (card.id, card.category, card.aliases) == ("카드 되나요?", "결제", ("카드 결제", "체크카드"))
    assert card.answer == "모든 카드를 받아요.\n삼성페이도 돼요." and card.origin.line == 3
    assert wifi.category == "기타" and wifi.answer == "비번은 wifi_pass_1 이에요."


def test_faq_errors_and_duplicates_across_files(make_knowledge) -> None:  # type: ignore[no-untyped-def]
    problems = errors_of(make_knowledge(faqs={"a.md": FAQ_MD, "b.md": "## 주차 가능한가요?\n또 적음\n\n## 빈 답변\n\n## \n"}))
    assert "faq/b.md:1: 질문 '주차 가능한가요?'가 faq/a.md:3에도 있어요. 같은 질문은 한 번만 적어 주세요." in problems
    assert any(p.startswith("faq/b.md:4: ") and "답변이 없어요" in p for p in problems)
    assert any(p.startswith("faq/b.md:6: ") and "질문이 비어" in p for p in problems)


def test_near_duplicate_questions_warn(make_knowledge) -> None:  # type: ignore[no-untyped-def]
    k = load_knowledge(make_knowledge(faqs={"a.md": FAQ_MD + "\n## 주차 가능한가요\n네.\n"}))
    assert any("거의 같아요" in str(w) for w in k.warnings)


def test_synonyms_format(make_knowledge) -> None:  # type: ignore[no-untyped-def]
    k = load_knowledge(make_knowledge(synonyms="# 주석\n아이스 아메리카노 = 아아, 아이스아메 | 얼죽아\n"))
    assert k.synonyms[0].canonical == "아이스 아메리카노" and k.synonyms[0].variants == ("아아", "아이스아메", "얼죽아")
    assert errors_of(make_knowledge(synonyms="아아 아이스\n")) [0].startswith("synonyms.txt:1: ")


def test_missing_files(make_knowledge, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert errors_of(tmp_path / "nowhere")[0].endswith("지식 폴더를 찾을 수 없어요. 경로를 확인해 주세요.")
    root = make_knowledge()
    (root / "store.toml").unlink()
    assert errors_of(root)[0].startswith("store.toml: store.toml 파일이 없어요")
    k = load_knowledge(make_knowledge(menu=None, faqs={}))
    assert {w.file for w in k.warnings} == {"menu.csv", "faq"}


def test_menu_csv_default_fixture_is_valid(make_knowledge) -> None:  # type: ignore[no-untyped-def]
    assert load_knowledge(make_knowledge(menu=MENU_CSV)).menu[0].price == 4500


# --- every clause of shared/spec/knowledge-format.md that the tests above do not cover ----------


def test_store_optional_fields_default(make_knowledge) -> None:  # type: ignore[no-untyped-def]
    k = load_knowledge(make_knowledge())
    assert k.store.timezone == "Asia/Seoul" and k.store.reservation.enabled is False
    assert k.store.hours["mon"] is None  # "휴무"


def test_reservation_disabled_alone_loads(make_knowledge) -> None:  # type: ignore[no-untyped-def]
    """`[reservation]` holding only `enabled = false` is how a shop without bookings says so."""
    k = load_knowledge(make_knowledge(store=STORE_TOML + "\n[reservation]\nenabled = false\n"))
    assert k.store.reservation.enabled is False


def test_reservation_enabled_with_every_key(make_knowledge) -> None:  # type: ignore[no-untyped-def]
    extra = ("\n[reservation]\nenabled = true\nslot_minutes = 30\nduration_minutes = 90\ntables = [2, 2, 4, 4, 6]\n"
             "max_party = 6\nmin_lead_minutes = 60\nmax_days_ahead = 30\n")
    r = load_knowledge(make_knowledge(store=STORE_TOML + extra)).store.reservation
    assert (r.enabled, r.slot_minutes, r.duration_minutes, r.tables, r.max_party, r.min_lead_minutes, r.max_days_ahead) == (
        True, 30, 90, (2, 2, 4, 4, 6), 6, 60, 30)
    # max_party left out: the largest table
    assert load_knowledge(make_knowledge(store=STORE_TOML + "\n[reservation]\nenabled = true\ntables = [2, 8]\n")).store.reservation.max_party == 8


def test_enabled_reservation_needs_tables(make_knowledge) -> None:  # type: ignore[no-untyped-def]
    assert any("tables" in p for p in errors_of(make_knowledge(store=STORE_TOML + "\n[reservation]\nenabled = true\n")))


@pytest.mark.parametrize("raw", ["시가", "싯가", "변동", "시가(전화 문의)"])
def test_market_price(make_knowledge, raw: str) -> None:  # type: ignore[no-untyped-def]
    item = load_knowledge(make_knowledge(menu=HEADER_KO + f"모둠회,회,{raw},,,,0,Y,\n")).menu[0]
    assert item.market_price and item.price is None


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949", "euc-kr"])
def test_every_menu_encoding(make_knowledge, encoding: str) -> None:  # type: ignore[no-untyped-def]
    data = (HEADER_KO + "김치찌개,찌개,\"9,000\",돼지고기 듬뿍,인기|매운,돼지고기,2,예,\n").encode(encoding)
    item = load_knowledge(make_knowledge(menu=data)).menu[0]
    assert (item.name, item.price, item.tags, item.allergens, item.spicy, item.available) == (
        "김치찌개", 9000, ("인기", "매운"), ("돼지고기",), 2, True)


def test_available_defaults_to_yes(make_knowledge) -> None:  # type: ignore[no-untyped-def]
    assert load_knowledge(make_knowledge(menu="이름,가격\n라떼,5000\n")).menu[0].available is True


def _xlsx(path, rows) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_menu_xlsx_with_numbers_as_numbers(make_knowledge) -> None:  # type: ignore[no-untyped-def]
    root = make_knowledge(menu=None)
    _xlsx(root / "menu.xlsx", [["이름", "분류", "가격", "맵기", "판매"], ["아메리카노", "커피", 4500, 0, "Y"],
                               ["라떼", "커피", 5000.0, None, "N"], [None, None, None, None, None]])
    menu = load_knowledge(root).menu
    assert [(i.name, i.price, i.available) for i in menu] == [("아메리카노", 4500, True), ("라떼", 5000, False)]
    assert menu[0].origin.file == "menu.xlsx" and menu[1].origin.line == 3


def test_menu_csv_and_xlsx_together_is_reported(make_knowledge) -> None:  # type: ignore[no-untyped-def]
    root = make_knowledge()
    _xlsx(root / "menu.xlsx", [["이름"], ["라떼"]])
    assert "menu.csv와 menu.xlsx가 함께 있어요" in errors_of(root)[0]


@pytest.mark.parametrize("name", ["menu (1).csv", "메뉴.xlsx", "menu_2.csv"])
def test_look_alike_menu_file_is_reported(make_knowledge, name: str) -> None:  # type: ignore[no-untyped-def]
    root = make_knowledge(menu=None)
    (root / name).write_text("이름\n라떼\n", encoding="utf-8")
    problem = errors_of(root)[0]
    assert problem.startswith(f"{name}: ") and "파일 이름을 menu.csv" in problem


@pytest.mark.parametrize(
    ("question", "answer"),
    [("Q:", "A:"), ("질문:", "답변:"), ("문:", "답:"), ("q:", "a:")],
)
def test_faq_pairs(make_knowledge, question: str, answer: str) -> None:  # type: ignore[no-untyped-def]
    md = f"# 결제\n\n{question} 카드 되나요?\n{answer} 모든 카드를 받아요.\n삼성페이도 돼요.\n\n{question} 주차는요?\n{answer} 두 대 돼요.\n"
    k = load_knowledge(make_knowledge(faqs={"a.md": md}))
    assert [(f.id, f.category, f.answer, f.origin.line) for f in k.faqs] == [
        ("카드 되나요?", "결제", "모든 카드를 받아요.\n삼성페이도 돼요.", 3), ("주차는요?", "결제", "두 대 돼요.", 7)]


def test_faq_pair_without_answer_is_located(make_knowledge) -> None:  # type: ignore[no-untyped-def]
    problems = errors_of(make_knowledge(faqs={"a.md": "Q: 카드 되나요?\n\nQ: 주차는요?\nA: 두 대 돼요.\n"}))
    assert any(p.startswith("faq/a.md:1: ") and "답변이 없어요" in p for p in problems), problems


def test_numbered_and_bold_questions_are_read_never_glued(make_knowledge) -> None:  # type: ignore[no-untyped-def]
    only = "1. 주차 돼요?\n건물 뒤 공영주차장이요.\n\n2) 포장 돼요?\n네, 돼요.\n\n**반려견 돼요?**\n테라스만 돼요.\n"
    k = load_knowledge(make_knowledge(faqs={"a.md": only}))
    assert [(f.id, f.answer) for f in k.faqs] == [("주차 돼요?", "건물 뒤 공영주차장이요."), ("포장 돼요?", "네, 돼요."),
                                                  ("반려견 돼요?", "테라스만 돼요.")]
    assert not [w for w in k.warnings if w.file == "faq/a.md"]  # the file's own style: no warning
    mixed = "## 주차 돼요?\n건물 뒤예요.\n1. 포장 돼요?\n네.\n"
    k = load_knowledge(make_knowledge(faqs={"a.md": mixed}))
    assert [(f.id, f.answer) for f in k.faqs] == [("주차 돼요?", "건물 뒤예요."), ("포장 돼요?", "네.")]
    assert any(w.line == 3 and "새 질문으로 읽었어요" in w.message for w in k.warnings)
    listed = "## 결제 돼요?\n1. 카드\n2. 현금\n"
    assert load_knowledge(make_knowledge(faqs={"a.md": listed})).faqs[0].answer == "1. 카드\n2. 현금"  # a list, not questions


def test_a_synonym_for_a_renamed_item_is_flagged(make_knowledge) -> None:  # type: ignore[no-untyped-def]
    k = load_knowledge(make_knowledge(synonyms="아메리카노 = 아아\n카페라떼 = 라떼\n"))
    flagged = [w for w in k.warnings if w.file == "synonyms.txt"]
    assert [(w.line, w.message.split(" 메뉴나")[0]) for w in flagged] == [(2, "'카페라떼'가")]


def test_several_menu_lookalikes_are_named_together(make_knowledge) -> None:  # type: ignore[no-untyped-def]
    root = make_knowledge(menu=None)
    for name in ("menu (1).csv", "메뉴.xlsx"):
        (root / name).write_text("x", encoding="utf-8")
    problems = errors_of(root)
    assert len(problems) == 1 and "2개" in problems[0] and "menu (1).csv" in problems[0] and "메뉴.xlsx" in problems[0]
