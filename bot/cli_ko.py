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
    "invalid choice: %(value)r (choose from %(choices)s)": "고를 수 없는 값이에요: '%(value)s'. 다음 중 하나로 적어 주세요: %(choices)s",
    "expected one argument": "값을 하나 적어 주세요",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "invalid %(type)s value: %(value)r": "올바르지 않은 값이에요: '%(value)s'",
    "ambiguous option: %(option)s could match %(matches)s": "여러 항목과 비슷해요: %(option)s (%(matches)s)",
    "not allowed with argument %s": "함께 쓸 수 없는 항목이 있어요: %s",
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
