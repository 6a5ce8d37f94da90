"""Korean phone numbers as one canonical string, whatever way they were written.

"010-1234-5678", "01012345678", "+82 10-1234-5678", "82)10 1234 5678", "010.1234.5678",
"０１０－１２３４－５６７８" and "010 1234 5678" are one person: "01012345678". Anything that is not a
Korean mobile or landline number is None, so two different strings never merge by accident.
"""

from __future__ import annotations

import re
import unicodedata

MOBILE = re.compile(r"01[016789]\d{7,8}")
LANDLINE = re.compile(r"0(2\d{7,8}|[3-6][1-5]\d{7,8}|70\d{8}|50\d{8,9})")
REPRESENTATIVE = re.compile(r"1[568]\d{6}")  # 1588-1234: a business line, never a person


def normalize(raw: str | None) -> str | None:
    """The canonical digits of a Korean phone number, or None."""
    if not raw:
        return None
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if re.search(r"[A-Za-z가-힣]", text.replace("ext", "")):
        text = re.split(r"[A-Za-z가-힣]", text, maxsplit=1)[0]  # "010-1234-5678 (엄마)" → the number
    digits = re.sub(r"\D", "", text)
    if digits.startswith("82"):  # the country code, with or without "+": Korean numbers start with 0
        digits = "0" + digits[2:].lstrip("0")
    if MOBILE.fullmatch(digits) or LANDLINE.fullmatch(digits):
        return digits
    if len(digits) == 10 and digits.startswith("10") and MOBILE.fullmatch("0" + digits):
        return "0" + digits  # "10-1234-5678": the leading 0 lost in a spreadsheet's number cell
    return None


def masked(phone: str | None) -> str:
    """010-****-5678: what the staff role sees."""
    if not phone:
        return ""
    return f"{phone[:3]}-****-{phone[-4:]}"


def pretty(phone: str | None) -> str:
    """010-1234-5678, 02-123-4567, 031-123-4567."""
    if not phone:
        return ""
    if phone.startswith("02"):
        return f"02-{phone[2:-4]}-{phone[-4:]}"
    return f"{phone[:3]}-{phone[3:-4]}-{phone[-4:]}"
