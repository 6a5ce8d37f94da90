"""Korean particles that depend on the last sound of a word: 김치찌개는, 콩국수는, 된장국은.

Names come from the owner's files, so the particle cannot be written into the sentence by hand;
"콩국수은(는)" is what a bot that ignores this says.
"""

from __future__ import annotations

PAIRS = {"은": ("은", "는"), "는": ("은", "는"), "이": ("이", "가"), "가": ("이", "가"), "을": ("을", "를"), "를": ("을", "를"),
         "과": ("과", "와"), "와": ("과", "와"), "이에요": ("이에요", "예요"), "예요": ("이에요", "예요"), "이라": ("이라", "라"),
         "으로": ("으로", "로"), "로": ("으로", "로"), "이나": ("이나", "나"), "이랑": ("이랑", "랑")}
DIGIT_HAS_FINAL = {"0": True, "1": True, "2": False, "3": True, "4": False, "5": False, "6": True, "7": True, "8": True, "9": False}


def _final(word: str) -> int | None:
    """The final consonant index of the word's last syllable (0 = none); None when unknown."""
    for ch in reversed(word.strip()):
        if "가" <= ch <= "힣":
            return (ord(ch) - 0xAC00) % 28
        if ch in DIGIT_HAS_FINAL:  # ASCII digits only: '²' or '٣' are digits too, with no Korean reading here
            return 1 if DIGIT_HAS_FINAL[ch] else 0
        if "a" <= ch.lower() <= "z":
            # Read as Korean says a word's end: -l (ㄹ), -m and -n (ㅁ, ㄴ) close a syllable; most other
            # endings are read with a vowel (menu 메뉴, csv 씨에스브이, tue 튜).
            return {"l": 8, "m": 16, "n": 4}.get(ch.lower(), 0)
        if ch.isalpha():
            return None
        if ch in ")]}\"'?!.~ ":
            continue
        return None
    return None


def josa(word: str, particle: str) -> str:
    """`word` followed by the right form of `particle` (given as either form: 은/는 → '은')."""
    with_final, without = PAIRS[particle]
    final = _final(word)
    if final is None:
        return f"{word}{with_final}({without})" if len(with_final) == 1 else f"{word}{without}"
    if with_final == "으로":
        return f"{word}{'로' if final in (0, 8) else '으로'}"  # ㄹ-final takes 로: 서울로
    return f"{word}{with_final if final else without}"
