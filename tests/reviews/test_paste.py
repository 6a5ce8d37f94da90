"""Pastes from the five platforms' owner pages read back as the fixtures say; the owner's CSV/xlsx table; and
whatever else lands in the box gets a polite answer, never an exception."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from bot.reviews.paste import (
    PLATFORMS,
    TEMPLATE_HEADER,
    UNKNOWN_APP,
    PastedReview,
    detect,
    parse,
    parse_table,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "reviews" / "paste"
PASTES = sorted(FIXTURES.glob("*.txt"))
D = dt.date(2026, 12, 1)


def _expected(paste: Path) -> dict[str, Any]:
    return json.loads(paste.with_name(paste.stem + ".expected.json").read_text(encoding="utf-8"))


def _core(review: PastedReview) -> tuple[str, str | None, int | None, str]:
    return review.author, review.date.isoformat() if review.date else None, review.rating, review.text.strip()


def _score(platform: str) -> dict[str, tuple[int, int]]:
    """Matches over all of a platform's fixtures: (author, date, rating, text) as a multiset, then the owner's
    reply and the menu of the parsed review paired with each expected one (same author and date)."""
    counts: Counter[str] = Counter()
    for paste in [p for p in PASTES if p.stem.rsplit("_", 1)[0] == platform]:
        expected = _expected(paste)
        result = parse(paste.read_text(encoding="utf-8"), platform, dt.date.fromisoformat(expected["captured_on"]))
        pool = Counter(_core(r) for r in result.reviews)
        unpaired = list(result.reviews)
        for want in expected["reviews"]:
            key = (want["author"], want["date"], want["rating"], want["text"].strip())
            counts["reviews"] += 1
            if pool[key] > 0:
                pool[key] -= 1
                counts["core"] += 1
            got = next((r for r in unpaired if r.author == want["author"] and _core(r)[1] == want["date"]), None)
            got = got or next((r for r in unpaired if r.author == want["author"]), None)
            if got is not None:
                unpaired.remove(got)
            if "owner_reply" in want:
                counts["replies"] += 1
                counts["reply"] += got is not None and got.owner_reply == want["owner_reply"]
            if "menu" in want:
                counts["menus"] += 1
                counts["menu"] += got is not None and list(got.menu) == want["menu"]
        counts["extra"] += len(unpaired)
    return {"core": (counts["core"], counts["reviews"]), "reply": (counts["reply"], counts["replies"]),
            "menu": (counts["menu"], counts["menus"]), "extra": (counts["extra"], 0)}


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_fixtures_read_as_expected(platform: str) -> None:
    score = _score(platform)
    core, total = score["core"]
    figures = ", ".join(f"{k} {a}/{b}" if b else f"{k} {a}" for k, (a, b) in score.items())
    assert total, f"no fixtures for {platform}"
    assert core >= 0.95 * total, f"{platform}: {figures}"
    for field in ("reply", "menu"):
        right, of = score[field]
        assert right >= 0.90 * of, f"{platform}: {figures}"


@pytest.mark.parametrize("paste", PASTES, ids=lambda p: p.stem)
def test_detect_names_the_platform(paste: Path) -> None:
    text = paste.read_text(encoding="utf-8")
    expected = _expected(paste)
    assert detect(text) == expected["platform"]
    on_its_own = parse(text, None, dt.date.fromisoformat(expected["captured_on"]))
    assert on_its_own.platform == expected["platform"] and on_its_own.reviews


@pytest.mark.parametrize("paste", PASTES, ids=lambda p: p.stem)
def test_each_review_points_at_its_author(paste: Path) -> None:
    text = paste.read_text(encoding="utf-8")
    lines = text.split("\n")
    result = parse(text, _expected(paste)["platform"], D)
    for review in result.reviews:
        assert review.author in lines[review.line - 1], review


# --- what copying drags along -----------------------------------------------------------------------------------

def test_kakao_with_labelled_rating_blank_lines_and_a_corner_reply() -> None:
    paste = ("카카오맵\n김철수\n레벨 3 · 후기 20 · 별점평균 4.3\n별점 4\n2026.11.20.\n맛있어요.\n\n그런데 좀 비싸요\n\n"
             "└ 빵굽는고양이 사장님\n감사합니다!\n다음에 또 오세요\n수정 삭제\n이영희\n후기 3\n★★★★★\n3주 전\n최고\n")
    result = parse(paste, None, D)
    assert result.platform == "kakao" and result.problems == []
    first, second = result.reviews
    # the blank line between two lines of the customer's words is their paragraph break, as in baemin_3
    assert (first.author, first.rating, first.date, first.text) == ("김철수", 4, dt.date(2026, 11, 20), "맛있어요.\n\n그런데 좀 비싸요")
    assert first.owner_reply == "감사합니다!\n다음에 또 오세요" and first.line == 2
    assert (second.author, second.rating, second.date, second.owner_reply) == ("이영희", 5, dt.date(2026, 11, 10), None)


def test_decimal_rating_sub_scores_and_naver_tags() -> None:
    baemin = parse("홍길동\n4.0\n2달 전\n짜장면 1개\n좋아요 맛있어요\n배달\n└ 사장님 2026.11.30\n감사합니다\n", "baemin", D)
    assert [(r.author, r.rating, r.date, r.text, r.menu, r.owner_reply) for r in baemin.reviews] == [
        ("홍길동", 4, dt.date(2026, 10, 1), "좋아요 맛있어요", ("짜장면 1개",), "감사합니다")]
    yogiyo = parse("abc**\n맛5 양4 배달4\n지난주\n치킨/1\n굿굿\n답글 달기 신고\n", "yogiyo", D)
    assert [(r.rating, r.date, r.text) for r in yogiyo.reviews] == [(4, dt.date(2026, 11, 24), "굿굿")]
    naver = parse("빵순이 리뷰 3 · 사진 1\n빵이 정말 맛있어요...더보기\n빵이 맛있어요 +1\n점심에 방문\n예약 없이 이용\n"
                  "일상 · 친구·지인\n26.11.29.일 · 1번째 방문 · 영수증\n답글 쓰기 신고\n", "naver", D)
    assert [(r.author, r.rating, r.date, r.text) for r in naver.reviews] == [("빵순이", None, dt.date(2026, 11, 29), "빵이 정말 맛있어요...")]


def test_a_copied_table_view_is_read_by_its_column_titles() -> None:
    rows = ["리뷰 관리", "닉네임\t리뷰 내용\t별점\t방문일\t답글",
            "빵순이\t첫 줄\t5점\t11.28.토\t답글 쓰기", "하루한잔\t여러 줄인 리뷰예요", "", "둘째 문단\t★★★★☆\t2026.11.27",  # no trailing tab
            "└ 카페 사장님\t감사합니다\n또 오세요\t11.29.일\t\t수정 | 삭제", "\t", "이전  1  2  다음"]
    result = parse("\n".join(rows), "kakao", D)
    assert [(r.author, r.text, r.rating, r.date, r.owner_reply, r.line) for r in result.reviews] == [
        ("빵순이", "첫 줄", 5, dt.date(2026, 11, 28), None, 3),
        ("하루한잔", "여러 줄인 리뷰예요\n\n둘째 문단", 4, dt.date(2026, 11, 27), "감사합니다\n또 오세요", 4)]
    assert result.problems == []


@pytest.mark.parametrize(("written", "day"), [
    ("오늘", dt.date(2026, 12, 1)), ("어제", dt.date(2026, 11, 30)), ("3일 전", dt.date(2026, 11, 28)),
    ("지난주", dt.date(2026, 11, 24)), ("2주 전", dt.date(2026, 11, 17)), ("1달 전", dt.date(2026, 11, 1)),
    ("26.11.29.일", dt.date(2026, 11, 29)), ("2026년 11월 26일 목요일", dt.date(2026, 11, 26)), ("2026-11-30", dt.date(2026, 11, 30)),
    ("11월 28일", dt.date(2026, 11, 28)), ("12월 25일", dt.date(2025, 12, 25)),  # no year, and not after the copy
])
def test_dates_are_made_absolute(written: str, day: dt.date) -> None:
    result = parse(f"홍길동\n★★★★★\n{written}\n맛있어요\n", "baemin", D)
    assert [r.date for r in result.reviews] == [day]


def test_a_review_without_a_readable_date_is_kept_and_the_owner_told() -> None:
    result = parse("mango\n레벨 2\n후기 11\n별점\n2\n2026.13.45.\n식빵 너무 딱딱했어요\n", "kakao", D)
    assert [(r.author, r.date, r.rating, r.text) for r in result.reviews] == [("mango", None, 2, "식빵 너무 딱딱했어요")]
    assert result.problems == ["1번째 줄: mango님 리뷰의 날짜를 읽을 수 없어서 날짜 없이 가져왔어요."]


def test_a_review_whose_author_is_missing_is_reported_not_merged() -> None:
    paste = "mango\n후기 1\n별점\n2\n2026.11.8.\n식빵 딱딱해요\n신고\n\n별점\n5\n2026.11.3.\n맛있어요\n신고\n"
    result = parse(paste, "kakao", D)
    assert [(r.author, r.text) for r in result.reviews] == [("mango", "식빵 딱딱해요")]
    assert result.problems == ["11번째 줄: 리뷰처럼 보이지만 작성자를 찾지 못해서 건너뛰었어요. 빠진 리뷰가 없는지 확인해 주세요."]


# --- garbage ----------------------------------------------------------------------------------------------------

GARBAGE = ["", "   \n\n", "안녕하세요 사장님 오늘 날씨가 좋네요", "1\n2\n3\n4\n5", "★★★★★\n★★★★★", "사장님\n사장님 답글\n신고",
           "\x00\ufffd\u200b\t\t", "리뷰 1 · 사진 2\n리뷰 3", "<html><body>리뷰</body></html>", "a" * 5000, "어제\n오늘\n3일 전",
           "김**\n5\n2026-13-45\n", "맛 ★5  양 ★4\n2026.11.30\n/1, /2"]


@pytest.mark.parametrize("platform", [None, *PLATFORMS, "instagram"])
@pytest.mark.parametrize("text", GARBAGE, ids=range(len(GARBAGE)))
def test_garbage_gets_a_polite_problem(text: str, platform: str | None) -> None:
    result = parse(text, platform, D)
    if not result.reviews:
        assert result.problems, result
    for problem in result.problems:
        assert problem.rstrip().endswith(("요.", "요!")), problem
    if platform is None and text.strip():
        assert result.problems == [UNKNOWN_APP] or result.platform


def test_undetectable_paste() -> None:
    assert parse("아무 말이나 적어 봤어요\n12345", None, D) == parse("그냥", None, D)
    assert parse("아무 말이나 적어 봤어요", None, D).problems == [UNKNOWN_APP]
    assert detect("아무 말이나 적어 봤어요") is None


# --- the owner's table --------------------------------------------------------------------------------------------

def test_table_from_cp949_csv_with_a_title_row() -> None:
    rows = [
        "우리 가게 리뷰 모음,,,,,,",
        ",".join(TEMPLATE_HEADER),
        '배민,치킨은사랑,2026-11-30,5,"바삭해요!\n또 시킬게요",감사합니다,"후라이드치킨 1개, 콜라 1.25L 1개"',
        "네이버,빵순이,2026.11.29,,소금빵 맛있어요,,",
        "쿠팡이츠,김**,어제쯤,4,맛있어요,,",
        "카카오맵,mango,2026년 11월 8일,★★☆☆☆,식빵이 딱딱해요,,",
        ",,,,,,",
        "요기요,,2026-11-01,3,이름 없음,,",
        "요기요,ch**,2026-11-01,6,별이 여섯,,",
    ]
    data = "\r\n".join(rows).encode("cp949")
    result = parse_table("리뷰.csv", data)
    assert result.platform == "table"
    assert [(r.platform, r.author, r.date, r.rating, r.text, r.owner_reply, r.menu, r.line) for r in result.reviews] == [
        ("baemin", "치킨은사랑", dt.date(2026, 11, 30), 5, "바삭해요!\n또 시킬게요", "감사합니다", ("후라이드치킨 1개", "콜라 1.25L 1개"), 3),
        ("naver", "빵순이", dt.date(2026, 11, 29), None, "소금빵 맛있어요", None, (), 5),
        ("kakao", "mango", dt.date(2026, 11, 8), 2, "식빵이 딱딱해요", None, (), 7),
    ]
    assert result.problems == [
        "6번째 줄: 날짜를 읽을 수 없어서 이 리뷰는 건너뛰었어요. 2026-11-30처럼 적어 주세요.",
        "9번째 줄: 작성자가 비어 있어서 이 리뷰는 건너뛰었어요.",
        "10번째 줄: 별점을 읽을 수 없어서 이 리뷰는 건너뛰었어요. 1부터 5까지 숫자로 적어 주세요.",
    ]


def test_table_from_xlsx_with_english_headers() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["리뷰 내보내기 (2026년 12월)"])
    sheet.append(["author", "date", "rating", "text", "reply", "menu", "platform"])
    sheet.append(["치밥러", dt.datetime(2026, 11, 12, 18, 30), 4.0, "간장치킨 짭짤해요", None, "간장치킨 1개 (순살 변경)", "baemin"])
    sheet.append(["ㅎㅎ", "2026/13/01", 5, "굿", None, None, "배민"])
    sheet.append(["Seoul_foodie", dt.date(2026, 11, 12), 5, "Must visit!", "Thank you!", None, "인스타"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = parse_table("reviews.xlsx", buffer.getvalue())
    assert [(r.platform, r.author, r.date, r.rating, r.text, r.owner_reply, r.menu, r.line) for r in result.reviews] == [
        ("baemin", "치밥러", dt.date(2026, 11, 12), 4, "간장치킨 짭짤해요", None, ("간장치킨 1개 (순살 변경)",), 3),
        ("table", "Seoul_foodie", dt.date(2026, 11, 12), 5, "Must visit!", "Thank you!", (), 5),
    ]
    assert result.problems == ["4번째 줄: 날짜를 읽을 수 없어서 이 리뷰는 건너뛰었어요. 2026-11-30처럼 적어 주세요."]


def test_table_utf8_bom_and_files_that_are_not_tables() -> None:
    data = ("\ufeff" + ",".join(TEMPLATE_HEADER) + "\n요기요,ch**,2026-11-30,5,맛있어요,,족발(중)/1(앞다리)\n").encode("utf-8")
    (review,) = parse_table("template.csv", data).reviews
    assert (review.platform, review.author, review.menu) == ("yogiyo", "ch**", ("족발(중)/1(앞다리)",))
    for name, junk in [("a.csv", b""), ("a.csv", b"\x00\x01\x02garbage"), ("a.xlsx", b"PK\x03\x04not really"), ("a.xls", b"\xd0\xcf"),
                       ("a.csv", "제목,없음\n1,2\n".encode())]:
        result = parse_table(name, junk)
        assert result.reviews == [] and result.problems, (name, junk)
        assert all(p.endswith("요.") for p in result.problems), result.problems


def test_a_one_word_review_is_kept_where_it_is_not_a_button() -> None:
    (review,) = parse("홍길동\n★★★★★\n오늘\n좋아요\n치킨 1개\n", "baemin", D).reviews
    assert (review.text, review.menu) == ("좋아요", ("치킨 1개",))
    (review,) = parse("김**\n후기 1\n별점\n5\n2026.11.28.\n좋아요\n신고\n", "kakao", D).reviews
    assert review.text == ""  # Kakao's like button with no likes yet


def test_a_very_long_review_is_read_quickly() -> None:
    import time

    started = time.monotonic()
    (review,) = parse("홍길동\n★★★★★\n오늘\n" + "맛있어요 정말" * 8000 + "\n", "baemin", D).reviews
    assert len(review.text) == 7 * 8000 and time.monotonic() - started < 5
