"""argparse in Korean: the owner's helper reads `danggol`'s usage and errors, not Python's English.

argparse looks its few sentences up through gettext (`argparse._`); giving it Korean ones is the
library's own way to translate it, and keeps the usage lines argparse builds itself.
"""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

KO = {
    "usage: ": "사용법: ",
    "positional arguments": "명령과 값",
    "options": "선택 항목",
    "optional arguments": "선택 항목",
    "show this help message and exit": "이 도움말을 보여 줘요",
    "the following arguments are required: %s": "이 값이 필요해요: %s",
    "unrecognized arguments: %s": "알 수 없는 값이에요: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "'%(value)s'은(는) 고를 수 없어요. 다음 중 하나로 적어 주세요: %(choices)s",
    "expected one argument": "값을 하나 적어 주세요",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "invalid %(type)s value: %(value)r": "'%(value)s'은(는) 올바른 값이 아니에요",
    "ambiguous option: %(option)s could match %(matches)s": "%(option)s이(가) 여러 항목(%(matches)s)과 비슷해요",
    "not allowed with argument %s": "%s와(과) 함께 쓸 수 없어요",
}


def korean(text: str) -> str:
    return KO.get(text, text)


def install() -> None:
    """Make argparse speak Korean (call before building the parser)."""
    argparse._ = korean  # type: ignore[attr-defined]


class KoreanParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """Usage and one Korean sentence, with where to read more, instead of 'error: ...'."""
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {message}\n도움말: {self.prog} --help\n")
