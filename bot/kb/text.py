"""Chat Korean normalization and synonym expansion, shared by indexing and querying.

Customers type 되나여, 잇나요, 라떼한잔얼마죠 and 아아; owners write 되나요, 있나요 and
아이스 아메리카노. Both sides go through the same functions so they meet in the middle.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.kb.records import Synonym
from bot.understand.normalize import gloss, standardize

LEXICON_FILE = Path(__file__).with_name("lexicon.txt")

# Chat spellings that Kiwi's typo model does not fix; each rule is general Korean, not a phrase.
CHAT_SPELLINGS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"(?<=[나가까지세죠데래대네])여(?=$|[\s?!.,~])", "요"),  # 되나여, 주세여, 맞죠여
        (r"(?<=[에예])여(?=$|[\s?!.,~])", "요"),  # 얼마에여, 얼마예여
        (r"(?<=[있없])어여(?=$|[\s?!.,~])", "어요"),
        (r"(?<![가-힣])잇(?=[나어을는고니으])", "있"),  # 잇나요, 잇어요
        (r"(?<![가-힣])업(?=[나어을는고])", "없"),  # 업나요
        (r"(?<![가-힣])머(?=[에예야]요?|하)", "뭐"),  # 머에요
        (r"뭐에요", "뭐예요"),
        (r"얼마에요", "얼마예요"),
        (r"되요(?=$|[\s?!.,~])", "돼요"),
        (r"(?<![가-힣])몇시", "몇 시"),
        (r"(?<=\d)시(?=[가-힣])(?!간)", "시 "),  # 7시반, 3시쯤; never 2시간 (a duration)
        (r"금욜", "금요일"),
        (r"토욜", "토요일"),
        (r"일욜", "일요일"),
        (r"월욜", "월요일"),
        (r"화욜", "화요일"),
        (r"수욜", "수요일"),
        (r"목욜", "목요일"),
        (r"담주", "다음 주"),
        (r"낼(?=[\s]|$)", "내일"),
    )
)
NOISE = re.compile(r"[ㅋㅎㅠㅜㄷㅇ]{2,}|[ㅠㅜ]+|[~^;]+|[♡♥★☆❤]+|:\)|:\(|\^\^")
BULK = re.compile(r"(?<![\d.,])([1-9]\d{1,3})\s*(잔|줄|개|인분|판|세트|박스|상자|그릇|명분|봉지|컵)")
PARTICLES = "은는이가을를에의도와과랑로만요께서처부까보하할해했되돼된될인일야나엔엘"
JAMO = re.compile(r"[\u1100-\u11ff\u3130-\u318f]+")
SYMBOLS = re.compile(r"[^\w\s?!.,%/:·\-]")


@lru_cache(maxsize=1024)
def clean(text: str) -> str:
    """Lower-case, drop emoji and laughter marks, fix chat spellings, fold white space.

    Cached: one message is cleaned by nearly every skill (and again for each of its parts), about
    thirty times per answer, and the dialect rules alone are some seventy substitutions each time.
    A pure function of its text, so a bounded cache is safe."""
    text = NOISE.sub(" ", text)  # before NFKC, which turns ㅠ into a combining jamo
    text = JAMO.sub(" ", unicodedata.normalize("NFKC", text).lower())
    text = SYMBOLS.sub(" ", text)
    for pattern, repl in CHAT_SPELLINGS:
        text = pattern.sub(repl, text)
    text = gloss(standardize(text))
    return re.sub(r"\s+", " ", text).strip()


ANYTHING = re.compile("")


def word_then(word: str, text: str, after: re.Pattern[str] = ANYTHING) -> bool:
    """Whether `word` starts a word of `text` (no Hangul syllable before it) and `after` matches right
    behind it. A plain scan and one compiled pattern: a regular expression built around each word
    ("(?<![가-힣])차", "족발\\S*\\s*(말고|빼고)") is compiled anew for every new word, about half a
    millisecond each, which a long first message paid many times over."""
    at = text.find(word)
    while at != -1:
        if (at == 0 or not "가" <= text[at - 1] <= "힣") and after.match(text, at + len(word)):
            return True
        at = text.find(word, at + 1)
    return False


def compact(text: str) -> str:
    """Text without spaces or punctuation: Korean chat often drops the spaces."""
    return re.sub(r"[\s?!.,~·\-/:]", "", text)


@dataclass(frozen=True)
class Lexicon:
    """Variant → canonical words, found by one compiled pattern per first syllable.

    Why not one pattern of every variant: Python's regex engine tries each of a thousand
    alternatives at every position of the message (0.12 ms a call, several calls a message); a
    pattern per first character is tried only where the message has that character (0.005 ms),
    and finds the same words: at each position the longest variant that matches there, then on
    after it, as one alternation sorted longest first would.
    """

    canonical_of: dict[str, tuple[str, ...]]
    by_first: dict[str, re.Pattern[str]]

    def variants_of(self, canonical: str) -> list[str]:
        """Every spelling (compact) that the lexicon reads as `canonical`, the word itself included."""
        canon = clean(canonical)
        return [v for v, targets in self.canonical_of.items() if canon in targets] + [compact(canon)]

    def expand(self, *texts: str) -> list[str]:
        """Canonical words for every variant found in any of `texts` (cleaned, or as lemmas)."""
        found: list[str] = []
        if any(BULK.search(t) for t in texts[:1]):
            found.append("단체 주문")  # "김밥 40줄", "커피 25잔": an order for a group
        for text in texts:
            i, n = 0, len(text)
            while i < n:
                pattern = self.by_first.get(text[i])
                m = pattern.match(text, i) if pattern is not None else None
                if m is not None and m.end() > i:
                    found += self.canonical_of.get(compact(m.group(0)), ())
                    i = m.end()
                else:
                    i += 1
        return list(dict.fromkeys(found))


def parse_lexicon(lines: Iterable[str]) -> list[Synonym]:
    from bot.kb.records import Origin

    out = []
    for no, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].strip()
        left, sep, right = line.partition("=")
        if sep and left.strip():
            variants = tuple(v.strip() for v in re.split(r"[,|]", right) if v.strip())
            out.append(Synonym(left.strip(), variants, Origin(LEXICON_FILE.name, no)))
    return out


@lru_cache(maxsize=1)
def builtin_lexicon() -> tuple[Synonym, ...]:
    return tuple(parse_lexicon(LEXICON_FILE.read_text(encoding="utf-8").splitlines()))


def build_lexicon(synonyms: Iterable[Synonym]) -> Lexicon:
    """Compile synonym groups; the canonical word itself also counts as found when typed.

    Kept for the last few sets of groups: every reload and every console preview of an edit builds
    the same built-in thousand variants again (about 0.1 s each), unless the owner's synonyms changed.
    A Lexicon is never changed after it is built, so snapshots may share one."""
    return _build_lexicon(tuple(synonyms))


@lru_cache(maxsize=8)
def _build_lexicon(synonyms: tuple[Synonym, ...]) -> Lexicon:
    canonical_of: dict[str, list[str]] = {}
    for syn in synonyms:
        canon = clean(syn.canonical)
        for variant in (syn.canonical, *syn.variants):
            key = compact(clean(variant))
            # One-syllable words (개, 방, 잣) match inside too many others to be safe.
            if len(key) < 2:
                continue
            targets = canonical_of.setdefault(key, [])
            if canon not in targets:
                targets.append(canon)
    groups: dict[str, list[str]] = {}
    for key in sorted(canonical_of, key=len, reverse=True):
        groups.setdefault(key[0], []).append(key)
    by_first = {first: re.compile("|".join(_variant_pattern(k) for k in keys)) for first, keys in groups.items()}
    return Lexicon({k: tuple(v) for k, v in canonical_of.items()}, by_first)


def _variant_pattern(key: str) -> str:
    """Spaces between syllables are optional; short or Latin keys must start a word."""
    body = r"\s?".join(re.escape(ch) for ch in key)
    if key.isascii():
        return rf"(?<![a-z0-9]){body}(?![a-z0-9])"
    if len(key) <= 2:
        # A two-syllable word must stand alone or take a particle/ending: 아이랑 but not 아이스.
        return rf"(?<![가-힣]){body}(?=$|[^가-힣]|[{PARTICLES}])"
    return body
