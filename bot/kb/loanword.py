"""English words against Korean loanword spellings: "cheeseburger" for 치즈버거, "truffle mushroom"
for 트러플 머쉬룸, "bacon" for 베이컨.

A menu of burgers, coffee or pasta names its dishes in Hangul loanwords, and a foreign customer
writes the English they came from. Romanizing the Hangul does not meet the English (치즈버거 is
"chijeubeogeo"), so both sides are reduced to a key of consonant classes, the part of a word that
survives borrowing: vowels change, an r before a consonant or at the end drops (burger, 버거), s and
z and ch become one hissing class (cheese, 치즈), h and silent letters vanish. Two words with the same
key of three or more classes are taken for each other; anything shorter is too common to tell.
"""

from __future__ import annotations

import re

# Hangul initial consonants (ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ) and finals, as classes:
# K velar, T dental, P labial, S hissing (ㅅ ㅈ ㅊ and s z ch j sh alike), N nasal (ㄴ ㅇ), M, L (ㄹ, r, l).
_INITIAL = ("K", "K", "N", "T", "T", "L", "M", "P", "P", "S", "S", "", "S", "S", "S", "K", "T", "P", "")
_FINAL = ("", "K", "K", "K", "N", "N", "N", "T", "L", "K", "M", "L", "L", "L", "P", "L", "M", "P", "P", "T", "T", "N", "S",
          "S", "K", "T", "P", "")
# English spellings to classes, longest first; a vowel letter (and y, w, h) leaves nothing.
_ENGLISH = (
    ("tch", "S"), ("sch", "SK"), ("ch", "S"), ("sh", "S"), ("ph", "P"), ("th", "T"), ("gh", ""), ("ck", "K"), ("qu", "K"),
    ("ng", "N"), ("nk", "NK"), ("kn", "N"), ("wr", "L"), ("x", "KS"),
)
_LETTER = {"b": "P", "p": "P", "f": "P", "v": "P", "d": "T", "t": "T", "k": "K", "g": "K", "q": "K", "s": "S", "z": "S",
           "j": "S", "l": "L", "r": "L", "m": "M", "n": "N"}
_VOWEL = set("aeiouy")


def hangul_key(word: str) -> str:
    """The consonant classes of a Hangul word (other characters ignored)."""
    out = []
    for ch in word:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            out.append(_INITIAL[code // 588] + _FINAL[code % 28])
    return _squeeze("".join(out))


def english_keys(word: str) -> set[str]:
    """The consonant classes of an English word, as a Korean loanword would keep them; an r kept
    before a consonant (까르보나라) and a plural s (fries, rings) give the other readings too."""
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return set()
    stems = [w, w[:-1]] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else [w]
    return {k for s in stems for rhotic in (False, True) if (k := _english(s, rhotic))}


def _english(w: str, rhotic: bool) -> str:
    out: list[str] = []
    i = 0
    while i < len(w):
        nxt = w[i + 1] if i + 1 < len(w) else ""
        for spelling, cls in _ENGLISH:
            if w.startswith(spelling, i):
                out.append(cls)
                i += len(spelling)
                break
        else:
            ch = w[i]
            if ch == "r" and nxt not in _VOWEL and not rhotic:
                pass  # burger -> 버거, bread keeps its r (브레드); carbonara keeps it (까르보나라)
            elif ch == "c":
                out.append("S" if nxt and nxt in "eiy" else "K")  # spicy, rice, cinnamon
            elif ch == "g" and (w[i + 1:] in ("e", "es") or w.startswith("dge", i - 1)):
                out.append("S")  # orange, sausage: a soft g only at the end, where English is sure of it
            elif ch in _LETTER:
                out.append(_LETTER[ch])
            i += 1
    return _squeeze("".join(out))


def _squeeze(key: str) -> str:
    """One class for a run of the same class (mozzarella's zz and ll, 핫도그's ㅅ ㄷ)."""
    return re.sub(r"(.)\1+", r"\1", key)


# Words of a question, not of a dish: never read as a loanword ("much is the" is not 머스터드).
_FUNCTION_TEXT = """
a an the and or but if of for from with without to in on at by about as is are was were be been am do does did
doing done have has had having can could will would should may might must shall i you he she it we they me him her us
them my your his its our their this that these those there here what which who whom whose when where why how
much many any some all each every other another more most less few no not only just also too very so than then
please thanks thank hi hello hey ok okay yes yeah sure like want wants need get gets got give make makes come comes
go goes eat eating drink take order ordered try know tell say said one two three four five six seven eight nine ten
price cost costs dollar dollars won menu food dish dishes still really good best nice great new first time today
tonight tomorrow now open close closed hour hours minute minutes people person kid kids child children table
monday tuesday wednesday thursday friday saturday sunday weekend january february march april may june july
august september october november december morning noon afternoon evening night
someone somebody anyone anybody everyone everybody something anything everything nothing allergic allergy
"""
FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())
