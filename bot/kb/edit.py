"""Changes to the owner's files made from the console, checked by the loader before a byte is written.

The owner's files stay the truth: the console never keeps a second copy of the knowledge. An edit
is the file's new text; it is loaded together with the rest of the folder in a scratch copy, and
only a folder that loads without errors is written back (atomically, in the file's own encoding
and line endings), after which the live knowledge reloads. A refused edit carries the loader's
located Korean problems, so the owner reads the same sentences `danggol check` prints.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.kb.errors import KnowledgeError, Problem
from bot.kb.loader import ALIAS_PREFIX, FAQ_DIR, PAIR_QUESTION, load_knowledge, strip_emphasis
from bot.kb.records import FaqEntry, Knowledge

MAX_QUESTION = 100
MAX_ANSWER = 2000
NEW_FAQ_FILE = "faq/새로 배운 질문.md"


class EditRefused(Exception):
    """The change was not written; `problems` say why, located where the owner can find it."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class FileText:
    """A knowledge file's text with "\n" line endings, and how to write it back as the owner saved it."""

    text: str
    encoding: str  # utf-8, utf-8-sig (with BOM) or cp949
    newline: str  # "\n" or "\r\n"

    def encode(self, text: str) -> bytes:
        return text.replace("\n", self.newline).encode(self.encoding)


def read_file(path: Path) -> FileText:
    if not path.exists():
        return FileText("", "utf-8", "\n")
    data = path.read_bytes()
    newline = "\r\n" if b"\r\n" in data else "\n"
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        try:
            data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "cp949"
    return FileText(data.decode(encoding).replace("\r\n", "\n").replace("\r", "\n"), encoding, newline)


def one_line(text: str, limit: int) -> str:
    """A question or phrasing as the file will give it back: one line, no '|' (the phrasing
    separator), no Markdown emphasis (the loader removes it), trimmed."""
    return strip_emphasis(re.sub(r"\s+", " ", text.replace("|", "/")).strip()[:limit]).strip()


class KnowledgeEditor:
    """Writes console edits into one knowledge folder, one edit at a time."""

    def __init__(self, root: Path, reload: Callable[[], object] | None = None):
        self.root = Path(root)
        self.reload = reload  # the live knowledge base's reload, called after a write
        self._lock = threading.Lock()

    # --- the FAQ edits of the learning loop -----------------------------------------------

    def add_phrasing(self, faq_id: str, phrasing: str) -> FaqEntry:
        """Add `phrasing` as another way to ask the FAQ entry `faq_id` (its `다른 표현:` line)."""
        phrasing = one_line(phrasing, MAX_QUESTION)
        if not phrasing:
            raise EditRefused([Problem(FAQ_DIR, None, "추가할 질문이 비어 있어요.")])
        if not faq_id.strip():
            raise EditRefused([Problem(FAQ_DIR, None, "이 질문과 같은 FAQ를 골라 주세요.")])
        with self._lock:
            knowledge = self._current()
            entry = next((f for f in knowledge.faqs if f.id == faq_id), None)
            if entry is None:
                raise EditRefused([Problem(FAQ_DIR, None, f"'{faq_id}' 질문을 찾지 못했어요. 그사이 파일이 바뀌었을 수 있어요.")])
            if phrasing == entry.id or phrasing in entry.aliases:
                raise EditRefused([Problem(entry.origin.file, entry.origin.line, f"'{phrasing}'은(는) 이미 이 질문의 표현에 있어요.")])
            path = self.root / entry.origin.file
            original = read_file(path)
            text = with_phrasing(original.text, entry.origin.line, phrasing)
            if text is None:
                raise EditRefused([Problem(entry.origin.file, entry.origin.line, "질문 줄을 찾지 못했어요. 파일이 그사이 바뀌었으면 페이지를 새로 고쳐 주세요.")])
            unread = Problem(entry.origin.file, entry.origin.line, f"'{phrasing}'을(를) 다른 표현으로 읽어 들이지 못했어요.")
            after = self._write({entry.origin.file: (original, text)},
                                lambda k: None if any(f.id == faq_id and phrasing in f.aliases for f in k.faqs) else unread)
        return next(f for f in after.faqs if f.id == faq_id)

    def add_faq(self, question: str, answer: str, aliases: list[str], file: str, category: str) -> FaqEntry:
        """A new FAQ entry at the end of `category` in `file` (faq/*.md), in the file's own style."""
        question = one_line(question, MAX_QUESTION)
        aliases = [a for a in dict.fromkeys(one_line(a, MAX_QUESTION) for a in aliases) if a and a != question]
        answer = answer.replace("\r\n", "\n").strip()
        problems: list[Problem] = []
        if not question:
            problems.append(Problem(file, None, "질문을 적어 주세요."))
        if not answer:
            problems.append(Problem(file, None, "답변을 적어 주세요. 손님에게 그대로 보여 줘요."))
        if len(answer) > MAX_ANSWER:
            problems.append(Problem(file, None, f"답변이 너무 길어요. {MAX_ANSWER}자 안으로 줄여 주세요."))
        for no, line in enumerate(answer.split("\n"), 1):
            if re.match(r"^\s*#", line) or PAIR_QUESTION.match(line) or ALIAS_PREFIX.match(line):
                problems.append(Problem(file, None, f"답변 {no}번째 줄이 '#', 'Q:', '다른 표현:'으로 시작하면 새 질문으로 읽혀요. 앞에 다른 말을 넣어 주세요."))
        if not re.fullmatch(r"faq/[^/\\]+\.md", file) or ".." in file:
            problems.append(Problem(file, None, "FAQ 파일은 faq 폴더의 .md 파일이어야 해요."))
        if problems:
            raise EditRefused(problems)
        with self._lock:
            before = self._current()
            path = self.root / file
            original = read_file(path)
            text = with_entry(original.text, category, question, aliases, answer)
            unread = Problem(file, None, "질문을 읽어 들이지 못했어요. 질문과 답변을 다시 확인해 주세요.")
            after = self._write({file: (original, text)},
                                lambda k: None if len(k.faqs) == len(before.faqs) + 1 and any(f.id == question for f in k.faqs) else unread)
        return next(f for f in after.faqs if f.id == question)

    # --- checked writing ------------------------------------------------------------------

    def _current(self) -> Knowledge:
        """The folder as it is on disk; a folder already broken by a hand edit is fixed there first."""
        try:
            return load_knowledge(self.root)
        except KnowledgeError as e:
            raise EditRefused(e.problems) from e

    def _write(self, changes: dict[str, tuple[FileText, str]], verify: Callable[[Knowledge], Problem | None]) -> Knowledge:
        """Load the folder with the changes in a scratch copy; write them only if it loads and
        `verify` finds what the edit meant to add."""
        encoded: dict[str, bytes] = {}
        for rel, (original, text) in changes.items():
            try:
                encoded[rel] = original.encode(text)
            except UnicodeEncodeError as e:
                bad = text[e.start:e.end] if isinstance(e.object, str) else "?"
                raise EditRefused([Problem(rel, None, f"이 파일은 한글 완성형(CP949)으로 저장돼 있어서 '{bad}' 글자를 쓸 수 없어요. 그 글자를 빼 주세요.")]) from e
        with tempfile.TemporaryDirectory(prefix="danggol-edit-") as scratch:
            copy = Path(scratch) / "knowledge"
            # The whole folder, not just the files the loader reads: it also warns about what is
            # beside them ("menu (1).csv"), and those warnings must be the same as the live ones.
            shutil.copytree(self.root, copy, ignore=shutil.ignore_patterns(".*", "__pycache__"))
            for rel, data in encoded.items():
                (copy / rel).parent.mkdir(parents=True, exist_ok=True)
                (copy / rel).write_bytes(data)
            try:
                knowledge = load_knowledge(copy)
            except KnowledgeError as e:
                raise EditRefused(e.problems) from e
        problem = verify(knowledge)
        if problem is not None:
            raise EditRefused([problem])
        for rel, data in encoded.items():
            try:
                _replace(self.root / rel, data)
            except OSError as e:
                raise EditRefused([Problem(rel, None, "파일에 쓸 수 없어요. 서버를 맡은 분께 knowledge 폴더에 쓰기 권한을 달라고 해 주세요 "
                                                      f"(운영 안내 3장). ({e.strerror or e})")]) from e
        if self.reload is not None:
            self.reload()
        return knowledge


def _replace(path: Path, data: bytes) -> None:
    """Write a whole file or nothing: a crash mid-write never leaves the owner half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".danggol-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if path.exists():
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def with_phrasing(text: str, line: int, phrasing: str) -> str | None:
    """`text` with `phrasing` on the `다른 표현:` line of the question at `line` (1-based); None when
    that line is not a question (the file changed since it was loaded)."""
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return None
    head = lines[line - 1]
    if not (re.match(r"^##(?!#)", head) or PAIR_QUESTION.match(head)):
        return None
    last_alias = None
    for i in range(line, len(lines)):
        if ALIAS_PREFIX.match(lines[i]):
            last_alias = i
        elif lines[i].strip():
            break
    if last_alias is not None:
        lines[last_alias] = lines[last_alias].rstrip() + f" | {phrasing}"
    else:
        lines.insert(line, f"다른 표현: {phrasing}")
    return "\n".join(lines)


def with_entry(text: str, category: str, question: str, aliases: list[str], answer: str) -> str:
    """`text` with a new entry at the end of its `# category` section (a new section at the end when
    there is none), written as `## question` or as `Q:`/`A:` pairs, whichever the file already uses."""
    lines = text.rstrip("\n").split("\n") if text.strip() else []
    pairs = any(PAIR_QUESTION.match(line) for line in lines) and not any(re.match(r"^##(?!#)", line) for line in lines)
    alias_line = [f"다른 표현: {' | '.join(aliases)}"] if aliases else []
    if pairs:
        entry = [f"Q: {question}", *alias_line, f"A: {answer}"]
    else:
        entry = [f"## {question}", *alias_line, *answer.split("\n")]
    categories = [i for i, line in enumerate(lines) if re.match(r"^#(?!#)", line)]
    start = next((i for i in categories if line_title(lines[i]) == category), None) if category else None
    if category and start is None:
        block = [*([""] if lines else []), f"# {category}", "", *entry]
        return "\n".join([*lines, *block]) + "\n"
    if start is None:
        # No category: before the first '# ' heading, or at the end of a file without any.
        end = categories[0] if categories else len(lines)
    else:
        end = next((i for i in categories if i > start), len(lines))
    while end > 0 and not lines[end - 1].strip():
        end -= 1
    block = ["", *entry] if end > 0 else entry
    rest = lines[end:]
    while rest and not rest[0].strip():
        rest = rest[1:]
    return "\n".join([*lines[:end], *block, *([""] if rest else []), *rest]) + "\n"


def line_title(line: str) -> str:
    return strip_emphasis(line.lstrip("#").strip().rstrip("#").strip())


def faq_places(knowledge: Knowledge) -> list[tuple[str, str]]:
    """(file, category) pairs a new entry can go to, in the order the owner wrote them."""
    places = list(dict.fromkeys((f.origin.file, f.category) for f in knowledge.faqs))
    return places or [(NEW_FAQ_FILE, "")]
