"""Content-word tokenizers for BM25: Kiwi morphemes, or character bigrams as a light fallback.

Korean chat drops spaces and glues particles to nouns (라떼한잔얼마죠), so whole words
are useless as index terms; morphemes are the unit customers and owners share.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Protocol

from bot.kb.text import compact

# Kiwi tags that carry content: nouns, verb and adjective stems, roots, adverbs, Latin, numbers.
CONTENT_TAGS = ("NNG", "NNP", "NNB", "NR", "VV", "VA", "XR", "MAG", "SL", "SN", "SH")
# Words that frame a question rather than say what it is about.
STOPWORDS = frozenset(
    ["있", "없", "되", "하", "이", "그", "저", "것", "거", "수", "좀", "혹시", "진짜", "정말", "너무", "많이", "그냥", "다", "또", "잘", "더", "안", "못", "꼭", "좀더", "제발", "막", "가능", "어떻", "어떤", "뭐", "무엇", "언제", "어디", "얼마나", "왜", "누구", "몇", "알", "알리", "알려주", "궁금", "문의", "질문", "답변", "부탁", "확인", "여쭈", "드리", "주", "보", "오", "가", "받", "싶", "같", "괜찮", "맞", "그렇", "이렇", "저렇", "요", "네", "예", "아니", "음", "아", "어", "흠", "감사", "안녕", "저희", "제", "우리", "나", "때", "번", "분", "쪽", "곳", "데", "중", "정도", "관련", "경우", "건", "게", "뭘", "해요", "되나", "씨", "님", "말", "생각", "지금", "혹", "혹시나", "요즘", "오늘", "어떻게", "이렇게", "그렇게", "저렇게", "얼마나", "되게", "엄청", "완전", "딱", "아주", "매우", "자주", "계속", "그럼", "그래서", "근데", "그런데", "혹시요"]
)


class Tokenizer(Protocol):
    name: str

    def analyse_many(self, texts: list[str]) -> list[tuple[list[str], str]]:
        """For each text: its index terms, and the text as a run of morpheme forms
        ("들고 나갈" -> "들 고 나가 ㄹ") for matching lexicon stems."""
        ...

    def tokens(self, text: str) -> list[str]: ...


class NgramTokenizer:
    """Character bigrams of the text without spaces: no model, tolerant of typos and spacing."""

    name = "ngram"

    def tokens(self, text: str) -> list[str]:
        s = compact(text)
        words = re.findall(r"[a-z0-9]+", s)
        hangul = re.sub(r"[a-z0-9]+", " ", s)
        grams = [hangul[i : i + 2] for i in range(len(hangul) - 1) if " " not in hangul[i : i + 2]]
        return grams + words

    def analyse_many(self, texts: list[str]) -> list[tuple[list[str], str]]:
        return [(self.tokens(t), t) for t in texts]


class KiwiTokenizer:
    """Kiwi morphemes filtered to content words; verbs and adjectives by their stem."""

    name = "kiwi"

    def __init__(self, default_dict: bool = False, multi_dict: bool = False) -> None:
        from kiwipiepy import Kiwi

        # Kiwi's dictionaries of multi-word proper nouns (~190 MB resident) and of extra nouns
        # (~55 MB) changed no answer on three stores' question sets (bench/retrieval.py); off by default.
        self._kiwi = Kiwi(num_workers=1, load_default_dict=default_dict, load_multi_dict=multi_dict)
        # Kiwi is not documented as thread-safe; reloads run in a worker thread.
        self._lock = threading.Lock()

    @staticmethod
    def _content(morphs: list) -> list[str]:  # type: ignore[type-arg]
        out = []
        for m in morphs:
            if m.tag.split("-", 1)[0] in CONTENT_TAGS:
                form = m.form.lower()
                if form not in STOPWORDS:
                    out.append(form)
        return out

    def tokens(self, text: str) -> list[str]:
        return self.analyse_many([text])[0][0]

    def analyse_many(self, texts: list[str]) -> list[tuple[list[str], str]]:
        with self._lock:
            results = self._kiwi.tokenize(texts) if len(texts) > 1 else [self._kiwi.tokenize(texts[0])] if texts else []
        return [(self._content(r), " ".join(m.form for m in r)) for r in results]

    def morphemes(self, text: str) -> list:  # type: ignore[type-arg]
        """Kiwi's tokens of `text` (form, tag, start, len): the LLM guard reads numerals and nouns from them.

        The same message or word is read by several skills within one answer (the recommendation
        reader, the allergen words, the place names), so the last couple of hundred readings are kept.
        Kiwi's tokens are read-only; each caller gets its own list."""
        return list(self._read(text))

    @lru_cache(maxsize=256)  # noqa: B019  (one tokenizer per process, kept for its whole life)
    def _read(self, text: str) -> tuple:  # type: ignore[type-arg]
        with self._lock:
            return tuple(self._kiwi.tokenize(text))

    def warm(self) -> None:
        """The first call loads the language model lazily (seconds); do it before serving."""
        self.tokens("아메리카노 얼마예요?")


_shared: dict[str, Tokenizer] = {}
_shared_lock = threading.Lock()


def get_tokenizer(name: str, default_dict: bool = False, multi_dict: bool = False) -> Tokenizer:
    """One tokenizer per process: Kiwi's model costs seconds and hundreds of MB to load."""
    key = f"{name}:{default_dict}:{multi_dict}"
    with _shared_lock:
        if key not in _shared:
            tok: Tokenizer = KiwiTokenizer(default_dict, multi_dict) if name == "kiwi" else NgramTokenizer()
            if isinstance(tok, KiwiTokenizer):
                tok.warm()
            _shared[key] = tok
        return _shared[key]


def kiwi() -> KiwiTokenizer | None:
    """The shared Kiwi tokenizer, for morphemes beyond retrieval (review analysis, the urgent model);
    None where Kiwi is not the tokenizer this process can use."""
    tok = get_tokenizer("kiwi")
    return tok if isinstance(tok, KiwiTokenizer) else None
