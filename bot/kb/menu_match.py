"""Find the menu items a message names, however it spells them.

Customers write 카라멜마끼아또 for 카라멜 마키아토, 무화과 타르트 for 무화과 크림치즈 타르트,
and 아아 for 아이스 아메리카노. Names are compared without spaces, after the lexicon has added
canonical spellings, by whole name first and by their most telling words second.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from bot.kb.records import MenuItem
from bot.kb.text import Lexicon, clean, compact

PARTICLE = re.compile(r"(이랑|하고|에서|으로|은|는|이|가|을|를|도|만|랑|에|로|요|이요)$")


@dataclass(frozen=True)
class Mention:
    item: MenuItem
    score: float  # 1.0 for the whole name; less for a telling part of it
    span: str  # what matched in the message (compact form), for masking


def _near(word: str, text: str) -> str | None:
    """`word` in `text`, allowing one changed syllable for words of four or more syllables."""
    if word in text:
        return word
    n = len(word)
    if n < 4:
        return None
    i = text.find(word[0])
    while 0 <= i <= len(text) - n:  # only windows that start like the word (it is the hot path)
        window = text[i : i + n]
        if sum(a != b for a, b in zip(window, word)) <= 1:
            return window
        i = text.find(word[0], i + 1)
    return None


class MenuMatcher:
    def __init__(self, menu: tuple[MenuItem, ...], lexicon: Lexicon):
        self.lexicon = lexicon
        self.items = menu
        self.names = {item.name: compact(clean(item.name)) for item in menu}
        self.words = {
            item.name: [w for w in (compact(clean(p)) for p in re.split(r"[\s()]+", item.name)) if len(w) >= 2]
            for item in menu
        }
        df = Counter(w for words in self.words.values() for w in set(words))
        n = max(len(menu), 1)
        self.idf = {w: math.log(1 + n / c) for w, c in df.items()}

    def _abbreviations(self, text: str) -> list[Mention]:
        """Korean shortenings of one-word names: the head noun (순대 → 찹쌀순대) or the opening
        syllables (불떡 → 불떡볶이), when exactly one item fits."""
        found: list[Mention] = []
        for raw in text.split():
            word = PARTICLE.sub("", compact(raw))
            if len(word) < 2 or not re.fullmatch(r"[가-힣]+", word):
                continue
            heads = [i for i in self.items if len(self.words[i.name]) <= 1 and self.names[i.name].endswith(word) and self.names[i.name] != word]
            starts = [i for i in self.items if self.names[i.name].startswith(word) and len(word) * 2 >= len(self.names[i.name]) and self.names[i.name] != word]
            for group in (heads, starts):
                if len(group) == 1:
                    found.append(Mention(group[0], 0.7, word))
                    break
        return found

    def find(self, text: str) -> list[Mention]:
        """Items named in `text`, best first; a name inside a longer matched name is dropped."""
        c = clean(text)
        canonical = [compact(w) for w in self.lexicon.expand(c)]
        squeezed = compact(c) + "|" + "|".join(canonical)
        found: list[Mention] = []
        for item in self.items:
            full = self.names[item.name]
            if full and full in squeezed:
                # A two-syllable name must start a word: 라면 is not in 신라면.
                if len(full) > 2 or re.search(rf"(?<![가-힣]){re.escape(full)}", c) or full in canonical:
                    found.append(Mention(item, 1.0 + len(full) / 100, full))
                continue
            words = self.words[item.name]
            if len(words) < 2:
                hit = _near(full, squeezed) if full else None
                if hit:
                    found.append(Mention(item, 0.9, hit))
                continue
            total = sum(self.idf[w] for w in words)
            hits = [(w, _near(w, squeezed)) for w in words]
            got = sum(self.idf[w] for w, h in hits if h)
            # A partial name counts when the words found carry at least half of the name's
            # meaning, including its most telling word (캐모마일 of 캐모마일 티, not 티).
            if total and got / total >= 0.55 and any(h for _, h in hits):
                best = max((w for w, h in hits if h), key=lambda w: self.idf[w])
                if self.idf[best] >= max(self.idf[w] for w in words):
                    span = "".join(h for _, h in hits if h)
                    found.append(Mention(item, 0.5 + 0.4 * got / total, span))
        if not found:
            found = self._abbreviations(c)
        found.sort(key=lambda m: -m.score)
        if found and found[0].score >= 1.0:
            # A word that also qualifies an item (디카페인 in "바닐라라떼 디카페인으로") is not
            # a second item when the message names one in full.
            found = [m for m in found if m.score >= 1.0]
        kept: list[Mention] = []
        for m in found:
            if any(m.span in k.span and m.score < k.score for k in kept):
                continue
            kept.append(m)
        return kept
