"""The stamp card in the chat: a short code shown at the counter that changes every day.

The code is an HMAC of the shop's own secret and the local date, so staff can show or print today's
code from the console, a customer in the shop can send it, and a code from yesterday (or read off a
photo last week) earns nothing. One stamp per customer per day.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from datetime import date

DIGITS = 4
# "도장 4821", "스탬프 4821 찍어 주세요", "쿠폰 도장 4821": the word and a code in the same message.
STAMP_WORD = re.compile(r"(도장|스탬프|stamp)", re.IGNORECASE)  # not 적립: "포인트 적립 돼요?" is the owner's FAQ
CODE = re.compile(r"(?<!\d)(\d{4})(?!\d)")
HOW_MANY = re.compile(r"(도장|스탬프).{0,8}(몇|얼마나|개수|확인|남았)|(몇|얼마나).{0,6}(도장|스탬프)")


def daily_code(secret: bytes, day: date) -> str:
    """Today's code: four digits, different every day, unguessable without the shop's secret."""
    digest = hmac.new(secret, day.isoformat().encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:4], 'big') % 10**DIGITS:0{DIGITS}d}"


def code_ok(secret: bytes, day: date, given: str) -> bool:
    return hmac.compare_digest(daily_code(secret, day), given)


def asked(text: str) -> tuple[str, str | None]:
    """What a message asks of the stamp card: ("stamp", code or None), ("count", None) or ("", None)."""
    text = unicodedata.normalize("NFKC", text)
    if not STAMP_WORD.search(text):
        return "", None
    code = CODE.search(text)
    if code:
        return "stamp", code[1]
    if HOW_MANY.search(text):
        return "count", None
    return "stamp", None
