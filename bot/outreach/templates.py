"""Every message the shop sends first has a class set by its template, never guessed from the text
(spec/outreach.md §1, §5.1): 정보 (a transaction the customer made) or 광고 (anything that invites a
visit or carries a benefit).

- A 정보 template may not contain an advertising word (`lint`): a reminder with a coupon is a 광고.
- A 광고 is assembled here and only here (`advert`): "(광고)" as its very first characters, the
  owner's text in the middle, the shop's name and phone, then the free opt-out line. The owner
  edits the middle only; whatever they type cannot remove or fake the frame.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Klass = Literal["정보", "광고"]
AD_MARK = "(광고)"
OPTOUT_LINE = "수신거부를 원하시면 '수신거부'라고 보내 주세요."
# Words that make a message advertising (Kakao's rule of thumb: a discount, a promotion or an event).
AD_WORDS = re.compile(
    r"할\s*인|쿠\s*폰|이\s*벤\s*트|무\s*료|증\s*정|%\s*(off|오프|dc|디씨)|\d+\s*%|\boff\b|세\s*일|특\s*가|사\s*은\s*품|경\s*품|"
    r"적\s*립|프로모션|혜\s*택|1\s*\+\s*1|원\s*\+\s*1|덤|공짜|서비스\s*(드려|드립|로\s*드)|추첨|당첨|기념품|체험단|dc\b",
    re.I,
)
# The frame an owner might type themselves: taken out of the middle, the code adds the real one.
FAKE_FRAME = re.compile(r"^[\s\W]*[(\[［【]?\s*광\s*고\s*[)\]］】]?[\s:：]*|수신\s*거부[^\n]*$", re.M)
CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


class TemplateError(ValueError):
    """A 정보 template with an advertising word in it, or an empty one; `word` says which."""

    def __init__(self, message: str, word: str = ""):
        super().__init__(message)
        self.word = word


def lint(text: str) -> str | None:
    """The advertising word in a 정보 text, or None when it may go out without consent."""
    m = AD_WORDS.search(unicodedata.normalize("NFKC", text))
    return m.group(0).strip() if m else None


@dataclass(frozen=True)
class Template:
    """An informational message; `text` uses {name}, {store}, {when}, {party}, {code}, {phone}, {date}, {channel}."""

    kind: str
    title: str  # what the owner sees in the console
    text: str
    klass: Klass = "정보"

    def __post_init__(self) -> None:
        check_info(self.text, self.title)

    def render(self, **values: str) -> str:
        return self.text.format_map(_Blank(values)).strip()


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def check_info(text: str, where: str = "") -> None:
    """Refuse a 정보 text that advertises (raises TemplateError with a Korean message the owner reads)."""
    if not text.strip():
        raise TemplateError(f"{where} 문구가 비어 있어요.".strip())
    word = lint(text)
    if word:
        raise TemplateError(
            f"{where} 문구에 '{word}'처럼 광고로 보이는 말이 있어요. 예약 안내 같은 정보 메시지에는 할인·쿠폰·이벤트·무료·증정 같은 "
            "말을 넣을 수 없어요 (넣으면 수신 동의한 손님에게만 보낼 수 있는 광고가 돼요).".strip(), word)


# The informational messages Danggol sends (their texts can be changed by the owner, through the lint).
INFO: dict[str, Template] = {t.kind: t for t in (
    Template("reminder", "예약 하루 전 안내",
             "[{store}] 내일 예약 안내드려요.\n{when}, {party}명 (예약번호 {code})\n"
             "바뀐 점이 있으면 이 채팅으로 '예약 변경' 또는 '예약 취소'라고 보내 주세요."),
    Template("changed", "예약 변경 안내",
             "[{store}] 예약이 바뀌었어요.\n{when}, {party}명 (예약번호 {code})\n궁금한 점은 이 채팅으로 물어봐 주세요."),
    Template("cancelled", "예약 취소 안내",
             "[{store}] {when} 예약(예약번호 {code})이 취소되었어요.\n다시 예약하시려면 이 채팅으로 '예약하고 싶어요'라고 보내 주세요."),
    Template("no_show", "노쇼 안내",
             "[{store}] {when} 예약에 오시지 않아 예약이 종료되었어요 (예약번호 {code}).\n"
             "사정이 있으셨다면 이 채팅으로 편하게 말씀해 주세요."),
    Template("reconfirm", "수신 동의 재확인 (2년)",
             "[{store}] 광고성 정보 수신 동의 확인 안내예요.\n{date}에 {channel}에서 새 메뉴·소식 메시지 수신에 동의하셨어요. "
             "계속 받으시려면 따로 하실 일은 없어요. 원하지 않으시면 '수신거부'라고 보내 주세요."),
)}


def middle(text: str) -> str:
    """The owner's part of a 광고: control characters, a typed "(광고)" and a typed opt-out line removed."""
    text = CONTROL.sub("", unicodedata.normalize("NFC", text)).replace("\r\n", "\n").replace("\r", "\n")
    text = FAKE_FRAME.sub("", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def advert(store_name: str, phone: str, body: str, coupon_line: str = "") -> str:
    """The whole 광고 as it leaves: "(광고)" first, the owner's text, the shop and its phone, the opt-out."""
    parts = [f"{AD_MARK} {middle(body)}".rstrip()]
    if coupon_line:
        parts.append(middle(coupon_line))
    sender = f"{store_name.strip()} {phone.strip()}".strip()
    parts.append(f"{sender}\n{OPTOUT_LINE}")
    return "\n\n".join(p for p in parts if p)


def is_framed(text: str, store_name: str, phone: str) -> bool:
    """The checks every route makes before a 광고 leaves (and the property test asserts)."""
    lines = text.rstrip().split("\n")
    return (text.startswith(AD_MARK) and lines[-1] == OPTOUT_LINE and len(lines) >= 2
            and lines[-2].strip() == f"{store_name.strip()} {phone.strip()}".strip())
