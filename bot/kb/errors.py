"""Problems in the owner's files, located by file and line and written in plain Korean."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One located problem: `message` says what is wrong and how to fix it."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class KnowledgeError(Exception):
    """The knowledge folder cannot be used; `problems` are all the errors found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def display_name(path: Path, root: Path) -> str:
    """Name a file the way the owner sees it: relative to the knowledge folder."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
