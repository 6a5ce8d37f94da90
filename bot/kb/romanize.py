"""Korean dish names as tourists type them: "sikhye", "sundae gukbap", "tteokbokki".

A menu's names are romanized once (Revised Romanization, syllable by syllable) and both sides are
folded to a rough phonetic key, so the spellings travellers and signs actually use (kimchi for
gimchi, topokki for tteokbokki, makgeolli for makgeolri, banh mi for banmi) land on one key or
near it. Written here rather than taken from a package: the maintained romanizer on PyPI is
GPL-licensed (this project is Apache-2.0), and matching needs only the syllable tables, not its
pronunciation rules, since the fold erases what those rules change.
"""

from __future__ import annotations

import re

_INITIALS = ("g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h")
_MEDIALS = ("a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu",
            "ui", "i")
_FINALS = ("", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng", "t",
           "t", "k", "t", "p", "t")
# Folding: voiced and voiceless stops alike, l and r alike, h and doubled letters dropped, the
# vowels romanizations disagree on merged. Applied to both the menu's names and the message.
_FOLDS = (("ch", "j"), ("sh", "s"), ("ph", "p"), ("h", ""), ("g", "k"), ("c", "k"), ("q", "k"), ("d", "t"), ("b", "p"),
          ("f", "p"), ("v", "p"), ("r", "l"), ("z", "j"), ("x", "ks"), ("eo", "o"), ("eu", "u"), ("ae", "e"), ("oo", "u"),
          ("ee", "i"), ("w", ""))


def romanize(text: str) -> str:
    """The Hangul of `text` in Revised Romanization, syllable by syllable; other characters dropped."""
    out = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            out.append(_INITIALS[code // 588] + _MEDIALS[(code % 588) // 28] + _FINALS[code % 28])
        elif ch.isspace():
            out.append(" ")
    return re.sub(r"\s+", " ", "".join(out)).strip()


def fold(latin: str) -> str:
    """A rough phonetic key of romanized Korean: "Kimchi Jjigae" and "gimchijjigae" alike."""
    s = re.sub(r"[^a-z]", "", latin.lower())
    for a, b in _FOLDS:
        s = s.replace(a, b)
    return re.sub(r"(.)\1+", r"\1", s)
