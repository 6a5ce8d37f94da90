"""Reviews a shop owner copies from a platform's owner page and pastes into the console, read back as records.

Naver Smart Place, Kakao Map, 배달의민족, 쿠팡이츠 and 요기요 give a small shop no export, but the owner can select
the review list in the browser and copy it. What lands in the box is the page's text with everything around the
reviews still in it: navigation, buttons ("답글 쓰기", "신고"), counts ("리뷰 31 · 사진 12"), keyword chips, the
reviewer's own average ("별점평균 4.3"), and the owner's earlier replies. Each platform lays this out its own way,
and a desktop copy differs from a mobile one (one field a line, or several on a line joined by "·" or tabs).

So the parsers read lines by what they look like, not by where they are: every line is a date, a rating, a count,
a button, a keyword chip, a menu line, an owner-reply header, or else somebody's words. A review starts at its
author, found by what follows the name on the platform (a reviewer's counts on the map apps, stars and a date on
the delivery apps). Some owner pages also have a table view; a copy of it is known by its row of column titles
(닉네임, 리뷰 내용, 방문일 …) and is read by column. Nothing is guessed: a field that can't be read stays None and
the owner is told on which line.

Owners who keep reviews in a spreadsheet use `parse_table` with the template's columns instead.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from bot import sheets

PLATFORMS: dict[str, str] = {
    "naver": "네이버 스마트플레이스",
    "kakao": "카카오맵",
    "baemin": "배달의민족",
    "coupangeats": "쿠팡이츠",
    "yogiyo": "요기요",
}
TEMPLATE_HEADER: list[str] = ["플랫폼", "작성자", "날짜", "별점", "내용", "사장님 답글", "메뉴"]
UNKNOWN_APP = "어느 앱에서 복사한 내용인지 알 수 없어요. 앱을 골라 주세요."


@dataclass(frozen=True)
class PastedReview:
    """One review as the platform showed it. A field the paste did not show readably is None, never a guess."""

    platform: str  # naver, kakao, baemin, coupangeats, yogiyo, or "table" for the template
    author: str
    date: dt.date | None
    rating: int | None  # 1..5; None when the platform shows none (Naver visitor reviews)
    text: str  # the customer's own words, line breaks kept
    owner_reply: str | None
    menu: tuple[str, ...]  # ordered items as shown (delivery apps)
    line: int  # 1-based line of the paste (or row of the table) where the review starts


@dataclass
class PasteResult:
    platform: str
    reviews: list[PastedReview]
    problems: list[str]  # polite Korean, each with the line it is about


# --- lines -------------------------------------------------------------------------------------------------

# Browsers put odd spaces into copies (no-break spaces around "·", ideographic spaces in Korean layouts) and
# zero-width marks that make equal words compare unequal. The zero-width joiner stays: emoji families need it.
_ODD_SPACES = str.maketrans({"\u00a0": " ", "\u3000": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u202f": " ",
                             "\u200b": None, "\ufeff": None, "\u2060": None, "\u200e": None, "\u200f": None})


@dataclass(frozen=True)
class _Line:
    """One line of the paste: its number, its stripped text, its cells (tabs or wide gaps separate them), and
    the line before stripping, whose tabs (a trailing one too) place the cells of a copied table."""

    no: int
    text: str
    cells: tuple[str, ...]
    raw: str


def _tokenize(text: str) -> list[_Line]:
    """Split on line ends only (not str.splitlines, which also splits on characters an editor shows inline, so
    line numbers in problems would not match what the owner sees)."""
    lines = []
    for no, raw in enumerate(re.split(r"\r\n|\r|\n", text), 1):
        plain = raw.translate(_ODD_SPACES)
        stripped = plain.strip()
        cells = tuple(c.strip() for c in re.split(r"\t+| {2,}", stripped) if c.strip())
        lines.append(_Line(no, stripped, cells, plain))
    return lines


def _clean(text: str) -> str:
    """A line of somebody's words as it should be kept: tabs from the copy become spaces, and a button glued to
    the end of the words ("…더보기", "また来ます。 번역") goes."""
    text = re.sub(r"\t+", " ", text).strip()
    text = re.sub(r"(\.\.\.|…)\s*더\s*보기$", r"\1", text)
    return re.sub(r"\s+(?:번역(?:\s*보기)?|원문\s*보기|더\s*보기|접기)$", "", text)


# --- dates ---------------------------------------------------------------------------------------------------

_WEEKDAY = r"(?:\s*\(?[월화수목금토일](?:요일)?\)?)?"
_TIME = r"(?:\s+(?:오전|오후)?\s*\d{1,2}:\d{2}(?::\d{2})?)?"
_DATE_NUMERIC = re.compile(r"(?P<y>(?:19|20)?\d{2})\s*[.\-/]\s*(?P<m>\d{1,2})\s*[.\-/]\s*(?P<d>\d{1,2})\.?" + _WEEKDAY + _TIME)
_DATE_KOREAN = re.compile(r"(?:(?P<y>(?:19|20)?\d{2})\s*년\s*)?(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일"
                          r"(?:\s*\(?[월화수목금토일]요일\)?|\s*\([월화수목금토일]\))?" + _TIME)
_DATE_NO_YEAR = re.compile(r"(?P<m>\d{1,2})\.(?P<d>\d{1,2})\." + _WEEKDAY)  # "11.28." - the trailing dot keeps 4.5 a number
_DATE_RELATIVE = re.compile(r"(?P<word>오늘|금일|방금(?:\s*전)?|어제|그제|그저께|엊그제|지난\s*주|저번\s*주|일주일\s*전|한\s*주\s*전"
                            r"|지난\s*달|저번\s*달|한\s*달\s*전)"
                            r"|(?P<n>\d+)\s*(?P<unit>초|분|시간|일|주일|주|달|개월|년)\s*전")
_DATE_PATTERNS = (_DATE_NUMERIC, _DATE_KOREAN, _DATE_NO_YEAR, _DATE_RELATIVE)
_DAYS_AGO = {"오늘": 0, "금일": 0, "방금": 0, "방금 전": 0, "어제": 1, "그제": 2, "그저께": 2, "엊그제": 2,
             "지난주": 7, "저번주": 7, "일주일 전": 7, "한주 전": 7}
_MONTHS_AGO = {"지난달": 1, "저번달": 1, "한달 전": 1}


def _months_back(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier, clamped to the month's end (a month before 3월 31일 is 2월 28일)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def _resolve_date(raw: str, captured_on: dt.date | None) -> dt.date | None:
    """A date as the page wrote it, made absolute. Relative words count back from the day of the copy; a date
    without a year is in the copy's year unless that would be after the copy. Without `captured_on` (a table
    the owner typed) only dates with their year are read. None when the text is not a real date."""
    s = raw.strip()
    for pattern in (_DATE_NUMERIC, _DATE_KOREAN, _DATE_NO_YEAR):
        m = pattern.fullmatch(s)
        if not m:
            continue
        year_text = m.groupdict().get("y")
        month, day = int(m["m"]), int(m["d"])
        try:
            if year_text is not None:
                year = int(year_text)
                return dt.date(year + 2000 if year < 100 else year, month, day)
            if captured_on is None:
                return None
            found = dt.date(captured_on.year, month, day)
            return found.replace(year=captured_on.year - 1) if found > captured_on else found
        except ValueError:  # 2월 30일, or 2월 29일 moved into a year without one
            return None
    m = _DATE_RELATIVE.fullmatch(s)
    if m is None or captured_on is None:
        return None
    if m["word"]:
        word = re.sub(r"\s+", "", m["word"]).replace("전", " 전")
        if word in _DAYS_AGO:
            return captured_on - dt.timedelta(days=_DAYS_AGO[word])
        return _months_back(captured_on, _MONTHS_AGO[word])
    n, unit = int(m["n"]), m["unit"]
    if unit in ("초", "분", "시간"):
        return captured_on
    if unit == "일":
        return captured_on - dt.timedelta(days=n)
    if unit in ("주", "주일"):
        return captured_on - dt.timedelta(days=7 * n)
    if unit in ("달", "개월"):
        return _months_back(captured_on, n)
    return None  # "2년 전" names no day worth keeping


# --- the small facts on a line: dates, stars, counts ---------------------------------------------------------

@dataclass
class _Meta:
    """What a line made only of small facts says. Such a line is never somebody's words."""

    ratings: list[int] = field(default_factory=list)
    subs: list[float] = field(default_factory=list)  # 맛 5 · 양 4 · 배달 4 (요기요)
    dates: list[str] = field(default_factory=list)
    counts: bool = False  # a reviewer's counts or average: 리뷰 31, 후기 52, 레벨 4, 팔로워 8, 평균 4.1
    summary: bool = False  # a star with decimals (★4.7): the shop's average, so not a review's line

    @property
    def rated(self) -> bool:
        return bool(self.ratings or self.subs)


_FILLED_STARS = "★⭐✭✮"
_ITEMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    *(("date", p) for p in _DATE_PATTERNS),
    ("avg", re.compile(r"(?:별점\s*평균|평균\s*별점|평균\s*평점|평균)\s*[:：]?\s*[★⭐]?\s*\d(?:\.\d+)?")),
    ("rating", re.compile(r"(?:별점|평점)\s*[:：]?\s*[★⭐]?\s*(?P<v>\d(?:\.\d+)?)(?:\s*점)?(?:\s*/\s*5(?:\.0)?)?")),
    ("stars", re.compile(r"(?P<g>[★☆⭐✩✭✮✰]{1,5})(?:\s*(?P<v>\d(?:\.\d+)?)(?![\d.]))?(?:\s*점)?")),
    ("rating", re.compile(r"(?P<v>\d(?:\.\d+)?)\s*(?:점\s*)?/\s*5(?:\.0)?(?:\s*점)?")),
    ("rating", re.compile(r"(?P<v>[1-5](?:\.\d+)?)\s*점")),
    ("sub", re.compile(r"(?:맛|양|배달|서비스|포장|가격|친절|위생|청결|분위기)\s*[:：]?\s*[★⭐]?\s*(?P<v>\d(?:\.\d+)?)")),
    ("counts", re.compile(r"(?:리뷰|후기|레벨|Lv\.?|LV\.?|팔로워|팔로잉|게시물|포스트)\s*\d[\d,]*(?:\s*개)?")),
    ("other", re.compile(r"(?:사진|동영상|영상|방문)\s*\d[\d,]*(?:\s*[개장회])?|\d+\s*번째\s*방문")),
    ("other", re.compile(r"배달|포장|매장(?:\s*식사)?|픽업|테이크아웃|영수증|예약|결제\s*내역|방문일|작성일|한집\s*배달|알뜰\s*배달|배민\s*1")),
)
_GAP = re.compile(r"[\s·•|,/:()\[\]]*")


def _ends_item(s: str, end: int) -> bool:
    """An item must not stop inside a number or a Latin word: "리뷰 47" is not the start of "리뷰 478"."""
    return end == len(s) or not (s[end].isdigit() or s[end] == "." or ("a" <= s[end].lower() <= "z"))


def _add_item(meta: _Meta, kind: str, m: re.Match[str]) -> None:
    if kind == "date":
        meta.dates.append(m.group(0))
    elif kind in ("avg", "counts"):
        meta.counts = True
    elif kind in ("rating", "stars"):
        value = float(m["v"]) if m["v"] else float(sum(ch in _FILLED_STARS for ch in m["g"]))
        if value != int(value):
            meta.summary = True
        elif 1 <= value <= 5:
            meta.ratings.append(int(value))
    elif kind == "sub":
        value = float(m["v"])
        if value != int(value):
            meta.summary = True
        elif 1 <= value <= 5:
            meta.subs.append(value)


def _consume(s: str) -> _Meta | None:
    """The facts on a line that is made of nothing else ("26.11.30.월 · 1번째 방문 · 영수증", "★★★★☆ 4.0  3일 전",
    "맛 ★5  양 ★4  배달 ★4", "리뷰 47 · 사진 112"); None when anything on the line is not such a fact."""
    meta = _Meta()
    pos = _GAP.match(s).end()  # type: ignore[union-attr]  # a pattern of optional characters always matches
    if pos >= len(s):
        return None
    while pos < len(s):
        for kind, pattern in _ITEMS:
            m = pattern.match(s, pos)
            if m and m.end() > pos and _ends_item(s, m.end()):
                _add_item(meta, kind, m)
                pos = m.end()
                break
        else:
            return None
        pos = _GAP.match(s, pos).end()  # type: ignore[union-attr]
    return meta


def _bare_rating(s: str) -> int | None:
    """A line that is only a score ("5", "4.0"): a rating where the layout puts one, never a count."""
    m = re.fullmatch(r"([1-5])(?:\.0+)?", s)
    return int(m.group(1)) if m else None


def _half_up(value: float) -> int:
    return int(value + 0.5)


# --- buttons, counts and notices that copying drags along ----------------------------------------------------

_BUTTONS = (
    r"(?:사장님\s*)?(?:답글|댓글)\s*(?:쓰기|달기|등록(?:하기)?|작성(?:하기)?|남기기)", r"(?:리뷰\s*)?신고(?:하기)?", r"수정(?:하기)?",
    r"삭제(?:하기)?", r"(?:후기\s*|리뷰\s*)?더\s*보기(?:\s*\(\d+\))?", r"접기", r"[♥♡](?:\s*\d+)?",
    r"(?:게시\s*중단|블라인드)\s*요청(?:하기)?", r"번역(?:\s*보기|하기)?", r"원문\s*보기", r"좋아요\s*\d+",
    r"도움(?:이)?\s*(?:돼요|됐어요|되었어요|되요)(?:\s*\d+)?", r"공유(?:하기)?", r"[⋮⋯︙∨∧▾▴▼▲›‹»«<>]+", r"\+\s*\d+",
    r"사진\s*(?:리뷰|후기)만(?:\s*보기)?", r"(?:최신|추천|별점\s*높은|별점\s*낮은|평점\s*높은|평점\s*낮은)\s*순",
    r"답글\s*(?:미작성|작성|안\s*단\s*리뷰만?)(?:\s*\d+)?", r"미답(?:변|글)(?:\s*리뷰)?(?:\s*\d+)?", r"이런\s*점이\s*좋았어요",
    r"키워드\s*리뷰(?:\s*통계\s*보기)?", r"방문일", r"작성일", r"영수증", r"예약", r"결제\s*내역",
)
_BUTTON = "(?:" + "|".join(_BUTTONS) + ")"
_NOISE = re.compile(_BUTTON + r"(?:[\s·|]+" + _BUTTON + ")*")
_NOISE_LINES = (
    re.compile(r"주문\s*번호\s*[:：]?\s*[0-9A-Za-z\-]+"),  # 쿠팡이츠 "주문번호 7XK2MP"
    re.compile(r"배달\s*평가\b.*"),  # 쿠팡이츠 "배달 평가 👍 좋아요": about the rider, not the shop
    re.compile(r"(?:게시\s*중단|블라인드\s*처리).*"),  # 배민's notice on a blinded review
    re.compile(r"(?:이전|다음|[<‹«>›»]|\.\.\.|…|\d+)(?:[\s·|]+(?:이전|다음|[<‹«>›»]|\.\.\.|…|\d+))+"),  # pages
)
# The buttons that close a review: after them only an owner's reply can follow.
_CLOSING = re.compile(r"(?:답글|댓글)\s*(?:쓰기|달기|등록|작성|남기기)|신고|삭제")


def _is_noise(s: str) -> bool:
    """Buttons, tabs of the page and notices; some pages draw buttons in brackets ("[수정] [삭제]")."""
    s = re.sub(r"[\[\]【】]", " ", s).strip()
    return bool(s) and bool(_NOISE.fullmatch(s) or any(p.fullmatch(s) for p in _NOISE_LINES))


_RATING_LABEL = re.compile(r"별점|평점|총점")  # kakao: "별점" on one line, "5" on the next
_MENU_LABEL = re.compile(r"(?:주문\s*메뉴|주문\s*내역|주문한\s*메뉴|메뉴)\s*[:：]?")
_OWNER = re.compile(r"(?:(?:[└↳┗⤷↪]|ㄴ(?=\s))\s*(?:[^\s·:：][^·:：]*?\s+)?)?사장님(?:의)?\s*(?:답글|댓글|답변|코멘트)?(?P<rest>.*)")


def _owner_header(s: str) -> str | None:
    """The line that opens an owner's reply ("사장님", "사장님 답글  2026.11.30", "사장님 댓글 · 오늘",
    "↳ 사장님 · 2일 전", "└ 가게이름 사장님"): "" for such a line, the reply itself when it follows a colon on
    the same line, None for any other line (the buttons "사장님 댓글 달기" are not replies)."""
    m = _OWNER.fullmatch(s)
    if m is None:
        return None
    rest = m["rest"].strip()
    if not rest:
        return ""
    inline = re.fullmatch(r"[:：]\s*(.+)", rest)
    if inline:
        return inline.group(1).strip()
    meta = _consume(rest)
    return "" if meta is not None and meta.dates and not meta.rated and not meta.counts else None


# --- keyword chips and menu lines ------------------------------------------------------------------------------

# Naver's "이런 점이 좋았어요" keywords are a fixed list the customer taps; they are not the customer's words.
_NAVER_KEYWORDS = (
    "음식이 맛있어요", "양이 많아요", "가성비가 좋아요", "재료가 신선해요", "특별한 메뉴가 있어요", "메뉴 구성이 알차요",
    "현지 맛에 가까워요", "고기 질이 좋아요", "잡내가 없어요", "반찬이 잘 나와요", "기본 안주가 좋아요", "술이 다양해요",
    "음식이 빨리 나와요", "비싼 만큼 가치있어요", "코스요리가 알차요", "향신료가 강하지 않아요", "직접 잘 구워줘요",
    "보양되는 느낌이에요", "샐러드바가 잘 되어있어요", "건강한 맛이에요", "메뉴가 다양해요", "종류가 다양해요",
    "커피가 맛있어요", "음료가 맛있어요", "디저트가 맛있어요", "빵이 맛있어요", "차가 맛있어요", "술이 맛있어요",
    "인테리어가 멋져요", "매장이 넓어요", "뷰가 좋아요", "차분한 분위기에요", "음악이 좋아요", "사진이 잘 나와요",
    "야외 공간이 멋져요", "야경이 멋져요", "컨셉이 독특해요", "좌석이 편해요", "오래 머무르기 좋아요", "대화하기 좋아요",
    "집중하기 좋아요", "공부하기 좋아요", "룸이 잘 되어있어요", "환기가 잘 돼요", "매장이 청결해요", "화장실이 깨끗해요",
    "주차하기 편해요", "포장이 깔끔해요", "친절해요", "혼밥하기 좋아요", "혼술하기 좋아요", "단체모임 하기 좋아요",
    "특별한 날 가기 좋아요", "아이와 가기 좋아요", "반려동물과 가기 좋아요", "선물하기 좋아요", "가격이 합리적이에요",
    "매장이 청결해요", "둘이 가기 좋아요", "뷰가 멋져요", "분위기가 좋아요", "양이 넉넉해요", "위생적이에요",
    "디저트 종류가 다양해요", "빵 종류가 다양해요", "원두가 좋아요", "시설이 깔끔해요", "접근성이 좋아요",
)
_KAKAO_KEYWORDS = ("맛", "가성비", "친절", "분위기", "주차", "청결", "서비스", "위생", "인테리어", "뷰", "양", "가격", "음식")


def _keyword_line(words: Sequence[str]) -> re.Pattern[str]:
    spelled = (r"\s*".join(re.escape(part) for part in w.split()) for w in sorted(set(words), key=len, reverse=True))
    word = "(?:" + "|".join(spelled) + ")"
    return re.compile(word + r"(?:\s+" + word + r")*(?:\s*\+\s*\d+)?")


_NAVER_CHIPS = _keyword_line(_NAVER_KEYWORDS)
_KAKAO_CHIPS = _keyword_line(_KAKAO_KEYWORDS)
# A keyword missing from the list still shows itself by the "+N" that only the chip row carries.
_CHIP_WITH_MORE = re.compile(r"[가-힣][가-힣 ]{1,20}요\s*\+\s*\d+")


# Naver's visit tags, also tapped rather than written: when, whether booked, the wait, why, and with whom.
_NAVER_TAG = (r"(?:(?:아침|점심|저녁|밤|새벽|오전|오후)에\s*방문|예약\s*(?:없이|후)\s*이용|대기\s*시간\s*(?:바로\s*입장|\d+\s*분\s*(?:이내|이상)"
              r"|\d+\s*시간\s*이상)|친구\s*·\s*지인|연인\s*·\s*배우자|친척\s*·\s*형제|일상|데이트|나들이|여행|기념일|회식|모임|비즈니스|출장"
              r"|친목|가족\s*모임|가족|혼자|아이|부모님|동료|반려동물)")
_NAVER_TAGS = re.compile(_NAVER_TAG + r"(?:\s*·\s*" + _NAVER_TAG + r"|\s+" + _NAVER_TAG + ")*")


def _naver_chip(s: str) -> bool:
    return bool(_NAVER_CHIPS.fullmatch(s) or _CHIP_WITH_MORE.fullmatch(s) or _NAVER_TAGS.fullmatch(s))


def _kakao_chip(s: str) -> bool:
    """Keyword chips, and Kakao's like button, which shows a bare "좋아요" when nobody has pressed it yet (on the
    other platforms a line "좋아요" is a whole review)."""
    return bool(_KAKAO_CHIPS.fullmatch(s) or re.fullmatch(r"좋아요(?:\s*\d+)?(?:\s*[⋮⋯︙])?", s))


def _no_chip(s: str) -> bool:
    return False


_ITEM_COUNTED = re.compile(r"(?P<name>.*?[^\W\d_].*?)\s*(?:\d+\s*개|[x×]\s*\d+)(?:\s*\([^()]*\))?")  # 간장치킨 1개 (순살 변경)
_ITEM_SLASHED = re.compile(r"(?P<name>.*?[^\W\d_].*?)\s*/\s*\d+(?:\s*\((?:[^()]|\([^()]*\))*\))?")  # 족발(중)/1(앞다리)
_MENU_PREFIX = re.compile(r"(?:주문\s*메뉴|주문\s*내역|메뉴)\s*[:：]\s*|(?:주문\s*메뉴|주문\s*내역)\s+")


def _split_items(s: str) -> list[str]:
    """Items of a menu line, split where the apps join them (", ", " · ", " / ") but never inside parentheses
    ("차돌 쌀국수(곱빼기, 고수 추가) 1개"), inside a number ("1,000"), or before 요기요's count ("막국수/1")."""
    parts: list[str] = []
    depth, start = 0, 0
    for i, ch in enumerate(s):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        if depth:
            continue
        split = ch in "·|" or (ch == "," and not (0 < i < len(s) - 1 and s[i - 1].isdigit() and s[i + 1].isdigit()))
        if ch == "/":
            before = s[:i].rstrip()
            split = before.endswith("개") or not re.match(r"\s*\d", s[i + 1:])
        if split:
            parts.append(s[start:i])
            start = i + 1
    parts.append(s[start:])
    return [p.strip() for p in parts if p.strip()]


def _menu_items(s: str, lenient: bool = False) -> list[str] | None:
    """The ordered items of a menu line; None when the line is not one. Every item must end in its count
    ("1개", "/1") unless a "주문메뉴" label announced the line. A long line is somebody's words, and is not
    tried: the item patterns would take time growing with the square of its length."""
    if len(s) > 400:
        return None
    prefix = _MENU_PREFIX.match(s)
    if prefix:
        lenient = lenient or ":" in prefix.group(0) or "：" in prefix.group(0)
        s = s[prefix.end():]
    items = _split_items(s)
    if not items:
        return None
    if lenient or all(_ITEM_COUNTED.fullmatch(x) or _ITEM_SLASHED.fullmatch(x) for x in items):
        return items
    return None


# --- finding where each review starts -------------------------------------------------------------------------

@dataclass(frozen=True)
class _Profile:
    """How one platform shows a review: what follows the author's name, and what else a review carries."""

    key: str
    by_counts: bool  # the name is followed by the reviewer's counts (리뷰 31, 후기 52, 레벨 4)
    by_rating: bool  # the name is followed by the review's stars and date
    chip: Callable[[str], bool]  # keyword chips the customer tapped (and Kakao's like button)
    menus: bool  # delivery apps show the ordered items
    bare_ratings: bool  # a line "5" right after the name is the rating (쿠팡이츠)


@dataclass(frozen=True)
class _Head:
    index: int
    author: str
    tail: _Meta | None  # facts on the author's own line ("국밥러버 리뷰 31 · 사진 12", "냥냥펀치 ★5 · 오늘")


# Words the pages put before a count ("방문자 리뷰 128", "블로그 리뷰 31", "전체 리뷰 312"): never a reviewer.
_PAGE_WORDS = frozenset({"방문자", "블로그", "전체", "미답변", "미답글", "블라인드", "사진", "포토", "영상", "동영상", "키워드", "최근",
                         "평균", "답글", "댓글", "내", "새", "신규", "리뷰", "후기", "별점", "홈", "메뉴", "정보", "소식"})


def _plausible_author(s: str, profile: _Profile) -> bool:
    """A nickname: short, one cell, and not any of the other kinds of line."""
    if not s or len(s) > 30 or s in _PAGE_WORDS or "\t" in s or "  " in s or " · " in s or s[0] in "└↳┗⤷↪+" or s.startswith("ㄴ "):
        return False
    if not any(ch.isalpha() for ch in s) and "*" not in s:
        return False
    if re.search(r"(?:리뷰|후기|레벨|팔로워|사진)\s*\d", s) or re.search(r"[★☆⭐]", s):
        return False
    return not (_consume(s) is not None or _is_noise(s) or _owner_header(s) is not None or _RATING_LABEL.fullmatch(s)
                or _MENU_LABEL.fullmatch(s) or _menu_items(s) is not None or profile.chip(s))


def _rated(line: _Line | None, profile: _Profile) -> bool:
    if line is None:
        return False
    meta = _consume(line.text)
    if meta is not None:
        return meta.rated and not meta.summary
    return profile.bare_ratings and _bare_rating(line.text) is not None


def _dated(line: _Line | None) -> bool:
    meta = _consume(line.text) if line is not None else None
    return meta is not None and bool(meta.dates) and not meta.summary


def _starts_review(tail: _Meta | None, after: list[_Line], profile: _Profile) -> bool:
    """Whether a name followed by `tail` on its line and `after` on the next lines is a review's start."""
    nxt = after[0] if after else None
    second = after[1] if len(after) > 1 else None
    if tail is None:  # the name alone on its line: the next lines decide
        first = _consume(nxt.text) if nxt is not None else None
        if first is not None and first.summary:
            return False
        if profile.by_counts and first is not None and first.counts:
            return True
        if not profile.by_rating:
            return False
        if _rated(nxt, profile):
            if first is not None and first.dates:
                return True
            for line in after[1:]:  # 요기요 puts 맛/양/배달 (a line each, in some copies) between the stars and the date
                meta = _consume(line.text)
                if meta is None:
                    return False
                if meta.dates:
                    return True
                if not meta.subs:
                    return False
            return False
        return _dated(nxt) and _rated(second, profile)
    if tail.summary:
        return False
    if profile.by_counts and tail.counts:
        return True
    if not profile.by_rating:
        return False
    if tail.rated:
        return bool(tail.dates) or _dated(nxt) or _dated(second)
    return bool(tail.dates) and _rated(nxt, profile)


def _head_at(lines: list[_Line], i: int, profile: _Profile) -> _Head | None:
    line = lines[i]
    if not line.text or _owner_header(line.text) is not None or _is_noise(line.text) or _consume(line.text) is not None:
        return None  # "맛 ★5  양 ★4" is facts, not a reviewer "맛" with a rating
    after = [x for x in lines[i + 1:i + 12] if x.text][:6]
    # The name and its facts on one line: try every space as the end of the name, longest facts first.
    for gap in re.finditer(r"\s+", line.text):
        author = line.text[:gap.start()]
        if len(author) > 30 or "\t" in author or "  " in author:
            break
        tail = _consume(line.text[gap.end():])
        if tail is None:
            continue
        if _plausible_author(author, profile) and _starts_review(tail, after, profile):
            return _Head(i, author, tail)
        break
    if len(line.cells) == 1 and _plausible_author(line.text, profile) and _starts_review(None, after, profile):
        return _Head(i, line.text, None)
    return None


# --- reading one review ---------------------------------------------------------------------------------------

def _read_review(head: _Head, lines: list[_Line], body: list[_Line], captured_on: dt.date, profile: _Profile,
                 problems: list[str]) -> PastedReview | None:
    """Sort the lines of one review into its fields. The review's own lines come first, then possibly an owner's
    reply; once a closing button ("신고", "답글 쓰기") has passed, only a reply may follow."""
    no = lines[head.index].no
    tail = head.tail or _Meta()
    rating: int | None = tail.ratings[0] if tail.ratings else None
    subs = list(tail.subs)
    raw_date = tail.dates[0] if tail.dates else None
    text: list[str] = []
    reply: list[str] = []
    menu: list[str] = []
    lost: _Line | None = None  # a date or rating after the review closed: a review whose author was not found
    state = "review"  # then "reply" or "closed"
    expect_rating = expect_menu = gap = False
    for line in body:
        s = line.text
        if not s:
            gap = True  # kept only between two lines of the same words: the customer's paragraph break
            continue
        after_gap, gap = gap, False
        owner = _owner_header(s)
        if owner is not None:
            state = "reply"
            if owner:
                reply.append(owner)
            continue
        if _is_noise(s):
            if _CLOSING.search(s):
                state = "closed"
            continue
        if state == "reply":
            if not reply and _consume(s) is not None:
                continue  # the reply's own date
            reply.extend(["", _clean(s)] if after_gap and reply else [_clean(s)])
            continue
        meta = _consume(s)
        if meta is not None:
            if state == "review" and not meta.summary:
                raw_date = raw_date or (meta.dates[0] if meta.dates else None)
                rating = rating if rating is not None else (meta.ratings[0] if meta.ratings else None)
                subs.extend(meta.subs)
            elif state == "closed" and (meta.dates or meta.rated):
                lost = lost or line
            continue
        bare = _bare_rating(s)
        if bare is not None and rating is None and state == "review" and (expect_rating or (profile.bare_ratings and not text)):
            rating, expect_rating = bare, False
            continue
        if _RATING_LABEL.fullmatch(s):
            expect_rating = True
            continue
        if profile.menus and _MENU_LABEL.fullmatch(s):
            expect_menu = True
            continue
        if state == "closed":
            continue  # the page below the list (pages, the platform's footer) or lines of no review
        if profile.menus:
            items = _menu_items(s, lenient=expect_menu)
            expect_menu = False
            if items is not None:
                menu.extend(items)
                continue
        if profile.chip(s):
            continue
        text.extend(["", _clean(s)] if after_gap and text else [_clean(s)])
    if rating is None and subs:
        rating = _half_up(sum(subs) / len(subs))  # 요기요 shows only 맛/양/배달 when the overall star is missing
    words = "\n".join(text)
    if not (words or rating is not None or raw_date):
        problems.append(f"{no}번째 줄: {head.author}님 리뷰에서 내용도 별점도 날짜도 찾지 못해서 이 리뷰는 건너뛰었어요.")
        return None
    day = _resolve_date(raw_date, captured_on) if raw_date else None
    if day is None:
        problems.append(f"{no}번째 줄: {head.author}님 리뷰의 날짜를 읽을 수 없어서 날짜 없이 가져왔어요.")
    if lost is not None:
        problems.append(f"{lost.no}번째 줄: 리뷰처럼 보이지만 작성자를 찾지 못해서 건너뛰었어요. 빠진 리뷰가 없는지 확인해 주세요.")
    return PastedReview(profile.key, head.author, day, rating, words, "\n".join(reply) if reply else None, tuple(menu), no)


# --- a copied table view ------------------------------------------------------------------------------------------

# Column titles of the owner pages' table views ("닉네임 | 리뷰 내용 | 키워드 | 방문일 | 인증 | 답글"); columns
# named here but not read (키워드, 인증, 관리) are the page's, not the review's.
_GRID_TITLES: dict[str, str] = {
    "닉네임": "author", "작성자": "author", "고객": "author", "고객명": "author", "주문자": "author", "리뷰어": "author",
    "리뷰내용": "text", "내용": "text", "리뷰": "text", "후기": "text", "후기내용": "text",
    "작성일": "date", "방문일": "date", "날짜": "date", "일자": "date", "작성일시": "date", "등록일": "date",
    "별점": "rating", "평점": "rating",
    "주문메뉴": "menu", "메뉴": "menu", "주문내역": "menu",
    "사장님댓글": "reply", "사장님답글": "reply", "답글": "reply", "댓글": "reply", "답글내용": "reply",
    "키워드": "other", "인증": "other", "관리": "other", "상태": "other", "주문번호": "other", "배달평가": "other",
}


def _grid_title(cell: str) -> str | None:
    return _GRID_TITLES.get(re.sub(r"\s+", "", cell))


def _grid_header(lines: list[_Line]) -> tuple[int, list[str | None]] | None:
    """The title row of a copied table: tab-separated, naming at least the author and the words or stars."""
    for i, line in enumerate(lines):
        titles = [_grid_title(c) for c in line.raw.split("\t")]
        named = {t for t in titles if t}
        if len(titles) >= 3 and len(named) >= 3 and "author" in named and named & {"text", "rating"}:
            return i, titles
    return None


def _grid_rows(lines: list[_Line], columns: int) -> list[tuple[int, list[str], bool]]:
    """The rows of a copied table as (line, cells, is an owner's reply row). A cell with line breaks spreads a
    row over several lines: its next line continues the cell, so a row is whole once it has every column. An
    owner's reply ("└ 가게 사장님", the reply, its date, buttons) is a shorter row of its own."""
    rows: list[tuple[int, list[str], bool]] = []
    row: list[str] | None = None
    start, is_reply = 0, False
    for line in lines:
        cells = [c.strip() for c in line.raw.split("\t")]
        opens_reply = _owner_header(cells[0]) is not None and len(cells) > 1
        if row is not None and (opens_reply or (len(cells) > 1 and len(row) + len(cells) - 1 > columns)):
            rows.append((start, row, is_reply))  # a row the copy left short (no trailing tab) ends where another starts
            row = None
        if row is None:
            if not line.text or _is_noise(line.text):
                continue
            row, start, is_reply = cells, line.no, opens_reply
        else:
            row[-1] = f"{row[-1]}\n{cells[0]}"
            row.extend(cells[1:])
        done = any(_is_noise(c) or _dated_cell(c) for c in row[2:]) if is_reply else len(row) >= columns
        if done:
            rows.append((start, row, is_reply))
            row = None
    if row is not None:
        rows.append((start, row, is_reply))
    return rows


def _dated_cell(cell: str) -> bool:
    meta = _consume(cell)
    return meta is not None and bool(meta.dates)


def _cell_words(cell: str) -> str:
    """A cell's words, lines cleaned as in a paste and its paragraph breaks kept."""
    return "\n".join(_clean(part) if part.strip() else "" for part in cell.split("\n")).strip("\n")


def _read_grid(lines: list[_Line], header: int, titles: list[str | None], captured_on: dt.date,
               profile: _Profile) -> tuple[list[PastedReview], list[str]]:
    """A table view copied from an owner page: one review a row, read by its column titles; reply rows under a
    review become its owner_reply."""
    reviews: list[PastedReview] = []
    problems: list[str] = []
    for no, cells, is_reply in _grid_rows(lines[header + 1:], len(titles)):
        if is_reply:
            if not reviews:
                continue
            first = _owner_header(cells[0]) or ""
            words = [first] + [c for c in cells[1:] if c and not _is_noise(c) and _consume(c) is None]
            answer = "\n".join(_cell_words(w) for w in words if w.strip())
            if answer:
                reviews[-1] = replace(reviews[-1], owner_reply=answer)
            continue

        def cell(kind: str, cells: list[str] = cells) -> str:
            return next((cells[i] for i, t in enumerate(titles) if t == kind and i < len(cells) and cells[i]), "")

        author = cell("author").split("\n")[0].strip()
        if not author or _is_noise(author):
            if any(cells):
                problems.append(f"{no}번째 줄: 작성자를 찾지 못해서 이 줄은 건너뛰었어요.")
            continue
        meta = _consume(cell("date"))
        raw_date = meta.dates[0] if meta is not None and meta.dates else None
        day = _resolve_date(raw_date, captured_on) if raw_date else None
        rating = _table_rating(cell("rating"))
        text = _cell_words(cell("text"))
        reply_cell = cell("reply")
        reply = _cell_words(reply_cell) if reply_cell and not _is_noise(reply_cell) else None
        menu = tuple(_menu_items(cell("menu").replace("\n", ", "), lenient=True) or ()) if profile.menus else ()
        if not (text or rating is not None or raw_date):
            problems.append(f"{no}번째 줄: {author}님 리뷰에서 내용도 별점도 날짜도 찾지 못해서 이 리뷰는 건너뛰었어요.")
            continue
        if day is None:
            problems.append(f"{no}번째 줄: {author}님 리뷰의 날짜를 읽을 수 없어서 날짜 없이 가져왔어요.")
        reviews.append(PastedReview(profile.key, author, day, rating, text, reply or None, menu, no))
    return reviews, problems


def _read_reviews(lines: list[_Line], captured_on: dt.date, profile: _Profile) -> tuple[list[PastedReview], list[str]]:
    """Every review of a paste: find the starts, then read each up to the next start. Lines before the first
    start are the page around the list (menus, the shop's averages, sort buttons). A copied table view, known
    by its row of column titles, is read by its columns instead."""
    grid = _grid_header(lines)
    if grid is not None:
        return _read_grid(lines, grid[0], grid[1], captured_on, profile)
    heads = [h for h in (_head_at(lines, i, profile) for i in range(len(lines))) if h is not None]
    reviews: list[PastedReview] = []
    problems: list[str] = []
    for n, head in enumerate(heads):
        end = heads[n + 1].index if n + 1 < len(heads) else len(lines)
        review = _read_review(head, lines, lines[head.index + 1:end], captured_on, profile, problems)
        if review is not None:
            reviews.append(review)
    return reviews, problems


# --- one parser per platform ------------------------------------------------------------------------------------

_NAVER = _Profile("naver", by_counts=True, by_rating=False, chip=_naver_chip, menus=False, bare_ratings=False)
_KAKAO = _Profile("kakao", by_counts=True, by_rating=True, chip=_kakao_chip, menus=False, bare_ratings=False)
_BAEMIN = _Profile("baemin", by_counts=False, by_rating=True, chip=_no_chip, menus=True, bare_ratings=True)
_COUPANGEATS = _Profile("coupangeats", by_counts=False, by_rating=True, chip=_no_chip, menus=True, bare_ratings=True)
_YOGIYO = _Profile("yogiyo", by_counts=False, by_rating=True, chip=_no_chip, menus=True, bare_ratings=True)


def _parse_naver(lines: list[_Line], captured_on: dt.date) -> tuple[list[PastedReview], list[str]]:
    """Naver Smart Place visitor reviews: the nickname, then "리뷰 47 · 사진 112" (on its line or the next); the
    text, keyword chips, "방문일" and the visit date ("26.11.29.일"), "N번째 방문", "영수증"; then "사장님 답글"
    with its date and text. Visitor reviews carry no stars (old ones do: "★★★★☆4")."""
    return _read_reviews(lines, captured_on, _NAVER)


def _parse_kakao(lines: list[_Line], captured_on: dt.date) -> tuple[list[PastedReview], list[str]]:
    """Kakao Map 후기: the nickname with "레벨 4 · 후기 52 · 별점평균 4.3" (the reviewer's, not the review's),
    then "별점 5" or "★★★★★ 5.0" and the date, the text, keyword chips (맛, 가성비), "좋아요 3", and a reply
    under "사장님" or "사장님 댓글 · 오늘"."""
    return _read_reviews(lines, captured_on, _KAKAO)


def _parse_baemin(lines: list[_Line], captured_on: dt.date) -> tuple[list[PastedReview], list[str]]:
    """배달의민족 셀프서비스: the nickname, stars and date (one a line, or "냥냥펀치 ★5 · 오늘 · 배달"), the text
    and the menu line ("후라이드치킨 1개 / 콜라 1.25L 1개"), "배달"/"포장", and a reply under "사장님"."""
    return _read_reviews(lines, captured_on, _BAEMIN)


def _parse_coupangeats(lines: list[_Line], captured_on: dt.date) -> tuple[list[PastedReview], list[str]]:
    """쿠팡이츠 스토어: the masked name ("김**"), the rating as a bare number or stars, the date, "주문번호",
    "주문메뉴" and its line, the text, "배달 평가" (about the rider), and a reply under "사장님 댓글" or "↳ 사장님"."""
    return _read_reviews(lines, captured_on, _COUPANGEATS)


def _parse_yogiyo(lines: list[_Line], captured_on: dt.date) -> tuple[list[PastedReview], list[str]]:
    """요기요 사장님: the name (maybe with the date), stars, "맛 ★5 양 ★4 배달 ★4", the date, the menu
    ("족발(중)/1(앞다리), 막국수/1"), the text, and "사장님 답글". Without the overall star the rating is the
    rounded mean of 맛/양/배달, as the app itself computes it."""
    return _read_reviews(lines, captured_on, _YOGIYO)


_PARSERS: dict[str, Callable[[list[_Line], dt.date], tuple[list[PastedReview], list[str]]]] = {
    "naver": _parse_naver, "kakao": _parse_kakao, "baemin": _parse_baemin, "coupangeats": _parse_coupangeats,
    "yogiyo": _parse_yogiyo,
}


# --- which app a paste came from ---------------------------------------------------------------------------------

# (pattern searched in each line, weight); a pattern counts at most three times, so one long review that happens
# to name another app ("배민보다 맛있어요") cannot outweigh the page's own layout.
_TELLS: dict[str, tuple[tuple[re.Pattern[str], int], ...]] = {
    "naver": tuple((re.compile(p), w) for p, w in (
        (r"스마트\s*플레이스|네이버", 6), (r"방문자\s*리뷰", 4), (r"\d+\s*번째\s*방문", 3), (r"^방문일$", 2), (r"답글\s*쓰기", 1),
        (r"리뷰\s*\d+\s*·\s*(?:사진|팔로워)\s*\d+", 2), (r"^(?:\S+\s+)?리뷰\s*\d+$", 1), (r"블로그\s*리뷰", 2), (r"답글\s*미작성", 2),
    )),
    "kakao": tuple((re.compile(p), w) for p, w in (
        (r"카카오\s*맵|kakao\s*map", 6), (r"별점\s*평균", 3), (r"^레벨\s*\d+$", 2), (r"후기\s*\d+\s*·\s*평균", 4), (r"후기\s*더보기", 2),
        (r"^후기\s*\d+$", 1), (r"번역\s*보기", 1), (r"⋮", 1),
    )),
    "baemin": tuple((re.compile(p), w) for p, w in (
        (r"배민|배달의\s*민족", 6), (r"사장님\s*댓글\s*등록하기", 3), (r"^댓글\s*쓰기$", 3), (r"블라인드", 2),
        (r"★\s*\d\s*·.*·\s*(?:배달|포장)$", 3), (r"^(?:배달|포장)$", 1), (r"\d+개\s*/\s*\S", 2), (r"\d+개\s*·\s*\S", 2),
    )),
    "coupangeats": tuple((re.compile(p), w) for p, w in (
        (r"쿠팡", 6), (r"주문\s*번호", 3), (r"^주문\s*메뉴$", 3), (r"배달\s*평가", 3), (r"사장님\s*댓글\s*달기", 3),
        (r"리뷰\s*신고", 2), (r"^↳\s*사장님", 2), (r"\d+개,\s", 1),
    )),
    "yogiyo": tuple((re.compile(p), w) for p, w in (
        (r"요기요", 6), (r"맛\s*★?\s*\d(?:\.\d)?\s+양\s*★?\s*\d", 4), (r"[^\s/]/\d+(?:\([^)]*\))?(?:,|$)", 2),
        (r"(?<!댓글\s)답글\s*달기", 2), (r"^사장님\s*답글", 1),
    )),
}


def _scores(text: str) -> dict[str, int]:
    lines = [line.text for line in _tokenize(text) if line.text]
    scores = {}
    for key, tells in _TELLS.items():
        total = 0
        for pattern, weight in tells:
            total += weight * min(3, sum(1 for s in lines if pattern.search(s)))
        scores[key] = total
    return scores


def detect(text: str) -> str | None:
    """The platform a paste came from, by the words and layout only that platform's owner page has; None when
    no platform clearly leads, so the owner is asked instead of being handed a wrong reading."""
    ranked = sorted(_scores(text).items(), key=lambda kv: kv[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top < 4 or top < second + 3:
        return None
    return best


def parse(text: str, platform: str | None, captured_on: dt.date) -> PasteResult:
    """The reviews in a paste from `platform`'s owner page (detected when None), relative dates counted back
    from `captured_on`, the day the owner copied the page."""
    if not text.strip():
        return PasteResult(platform or "", [], ["붙여 넣은 내용이 비어 있어요. 리뷰 목록을 복사해서 붙여 넣어 주세요."])
    if platform is None:
        platform = detect(text)
        if platform is None:
            return PasteResult("", [], [UNKNOWN_APP])
    if platform not in _PARSERS:
        return PasteResult(platform, [], [UNKNOWN_APP])
    reviews, problems = _PARSERS[platform](_tokenize(text), captured_on)
    if not reviews and not problems:
        problems.append(f"{PLATFORMS[platform]} 리뷰를 하나도 찾지 못했어요. 사장님 페이지의 리뷰 목록을 그대로 복사해서 붙여 넣어 주세요.")
    return PasteResult(platform, reviews, problems)


# --- the owner's own table ------------------------------------------------------------------------------------------

_COLUMNS: dict[str, tuple[str, ...]] = {
    "platform": ("플랫폼", "앱", "채널", "출처", "platform", "app", "source", "channel"),
    "author": ("작성자", "닉네임", "고객", "고객명", "author", "nickname", "name", "user", "reviewer"),
    "date": ("날짜", "작성일", "일자", "작성날짜", "date", "day"),
    "rating": ("별점", "평점", "점수", "rating", "stars", "star", "score"),
    "text": ("내용", "리뷰", "리뷰내용", "후기", "text", "review", "content", "body", "comment"),
    "reply": ("사장님답글", "답글", "사장님댓글", "댓글", "답변", "reply", "ownerreply", "response"),
    "menu": ("메뉴", "주문메뉴", "menu", "items", "order"),
}
_HEADER_NAMES = {name: key for key, names in _COLUMNS.items() for name in names}
_PLATFORM_NAMES = {
    "naver": "naver", "네이버": "naver", "네이버스마트플레이스": "naver", "스마트플레이스": "naver", "네이버플레이스": "naver",
    "kakao": "kakao", "카카오": "kakao", "카카오맵": "kakao", "kakaomap": "kakao",
    "baemin": "baemin", "배민": "baemin", "배달의민족": "baemin",
    "coupangeats": "coupangeats", "coupang": "coupangeats", "쿠팡": "coupangeats", "쿠팡이츠": "coupangeats",
    "yogiyo": "yogiyo", "요기요": "yogiyo",
}


def _header_key(cell: str) -> str | None:
    return _HEADER_NAMES.get(re.sub(r"[\s_*\-]|\(.*?\)", "", cell).lower())


def _cell(value: Any) -> str:
    """A cell as the owner sees it: whole numbers without ".0", dates as 2026-11-30."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _csv_rows(data: bytes, problems: list[str]) -> list[tuple[int, list[str]]]:
    rows, broken = sheets.csv_rows(sheets.decode(data))
    if broken is not None:
        problems.append(f"{broken}번째 줄: 줄을 읽을 수 없어요. 큰따옴표가 짝이 맞는지 확인해 주세요.")
    return [(no, [c.strip() for c in row]) for no, row in rows]


def _xlsx_rows(data: bytes, problems: list[str]) -> list[tuple[int, list[str]]]:
    try:
        return [(no, [_cell(v) for v in values]) for no, values in sheets.xlsx_rows(data)]
    except sheets.Unreadable:
        problems.append("엑셀 파일을 열 수 없어요. 엑셀에서 'Excel 통합 문서(.xlsx)'로 다시 저장해 주세요.")
        return []


def _table_rating(s: str) -> int | None:
    """The owner's rating cell: "4", "4.0", "4점", "★★★★☆"; None when it is none of these."""
    bare = _bare_rating(s)
    if bare is not None:
        return bare
    meta = _consume(s)
    if meta is not None and len(meta.ratings) == 1 and not (meta.dates or meta.subs or meta.summary):
        return meta.ratings[0]
    return None


def _table_date(s: str) -> dt.date | None:
    if re.fullmatch(r"\d{8}", s):
        s = f"{s[:4]}-{s[4:6]}-{s[6:]}"
    return _resolve_date(s, None)


def parse_table(name: str, data: bytes) -> PasteResult:
    """Reviews from the owner's CSV or .xlsx (first sheet) with the template's columns (Korean or English names,
    in any order, the header row possibly below a title row). A row that can't be read is named by its line and
    left out; the rest are read."""
    problems: list[str] = []
    lowered = name.lower()
    if lowered.endswith(".xls"):
        return PasteResult("table", [], ["예전 엑셀 형식(.xls)은 읽을 수 없어요. 엑셀에서 'Excel 통합 문서(.xlsx)'나 CSV로 다시 저장해 주세요."])
    is_xlsx = lowered.endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04"
    rows = _xlsx_rows(data, problems) if is_xlsx else _csv_rows(data, problems)
    if problems and not rows:
        return PasteResult("table", [], problems)
    header_at, columns = -1, {}
    for n, (_, cells) in enumerate(rows[:10]):
        found = {key: i for i, c in reversed(list(enumerate(cells))) if (key := _header_key(c)) is not None}
        if len(found) >= 2 and ("author" in found or "text" in found):
            header_at, columns = n, found
            break
    if header_at < 0:
        return PasteResult("table", [], problems + [f"제목 줄을 찾지 못했어요. 첫 줄에 {', '.join(TEMPLATE_HEADER)}을 적어 주세요."])
    if "author" not in columns or not ({"text", "rating"} & columns.keys()):
        return PasteResult("table", [], problems + ["'작성자' 칸과 '내용' 또는 '별점' 칸이 있어야 해요. 양식의 제목 줄을 그대로 써 주세요."])
    reviews = []
    for no, cells in rows[header_at + 1:]:
        def get(key: str, cells: list[str] = cells) -> str:
            i = columns.get(key)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        if not any(c.strip() for c in cells):
            continue
        review, problem = _table_review(no, get)
        if problem:
            problems.append(f"{no}번째 줄: {problem}")
        if review is not None:
            reviews.append(review)
    if not reviews and not problems:
        problems.append("표에 리뷰가 없어요. 제목 줄 아래에 한 줄에 리뷰 하나씩 적어 주세요.")
    return PasteResult("table", reviews, problems)


def _table_review(no: int, get: Callable[[str], str]) -> tuple[PastedReview | None, str | None]:
    author, text = get("author"), get("text")
    if not author:
        return None, "작성자가 비어 있어서 이 리뷰는 건너뛰었어요."
    day = None
    if get("date"):
        day = _table_date(get("date"))
        if day is None:
            return None, "날짜를 읽을 수 없어서 이 리뷰는 건너뛰었어요. 2026-11-30처럼 적어 주세요."
    rating = None
    if get("rating"):
        rating = _table_rating(get("rating"))
        if rating is None:
            return None, "별점을 읽을 수 없어서 이 리뷰는 건너뛰었어요. 1부터 5까지 숫자로 적어 주세요."
    if not text and rating is None:
        return None, "내용도 별점도 없어서 이 리뷰는 건너뛰었어요."
    platform = _PLATFORM_NAMES.get(re.sub(r"\s+", "", get("platform")).lower(), "table")
    menu = tuple(item for part in get("menu").splitlines() for item in _split_items(part))
    return PastedReview(platform, author, day, rating, text, get("reply") or None, menu, no), None
