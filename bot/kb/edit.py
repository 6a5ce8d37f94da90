"""Changes to the owner's files made from the console, checked by the loader before a byte is written.

The owner's files stay the truth: the console never keeps a second copy of the knowledge. An edit
is the file's new text; it is loaded together with the rest of the folder in a scratch copy, and
only a folder that loads without errors is written back (atomically, in the file's own encoding
and line endings), after which the live knowledge reloads. A refused edit carries the loader's
located Korean problems, so the owner reads the same sentences `danggol check` prints.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.josa import josa
from bot.kb.errors import KnowledgeError, Problem
from bot.kb.loader import (
    ALIAS_PREFIX,
    FAQ_DIR,
    MENU_FILE,
    MENU_XLSX,
    PAIR_ANSWER,
    PAIR_QUESTION,
    STORE_FILE,
    SYNONYM_FILE,
    load_knowledge,
    repr_ko,
    strip_emphasis,
)
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


@dataclass
class Plan:
    """A change not yet written: each file's new bytes (None deletes it), what the loader must then
    find (`verify`), and what the owner did, in Korean, for the history."""

    changes: dict[str, bytes | None]
    summary: str
    verify: Callable[[Knowledge], Problem | None] = lambda k: None
    restored_from: int | None = None


class KnowledgeEditor:
    """Writes console edits into one knowledge folder, one edit at a time.

    Each operation is planned (the new file contents and what must be true of them) and applied:
    the plan is loaded with the rest of the folder in a scratch copy, written only if it loads and
    verifies, recorded in the history (`record`, inside the same lock, so the file watcher never
    takes a console change for a hand edit) and reloaded. `staged` gives the scratch copy of a plan
    to the preview, which runs the bot on it before anything is written.
    """

    def __init__(self, root: Path, reload: Callable[[], object] | None = None,
                 record: Callable[[str, str, int | None], object] | None = None):
        self.root = Path(root)
        self.reload = reload  # the live knowledge base's reload, called after a write
        self.record = record  # (author, summary, restored_from): stores the new versions of the files
        self.lock = threading.RLock()

    # --- FAQ --------------------------------------------------------------------------------

    def plan_phrasing(self, faq_id: str, phrasing: str) -> Plan:
        """Add `phrasing` as another way to ask the FAQ entry `faq_id` (its `다른 표현:` line)."""
        phrasing = one_line(phrasing, MAX_QUESTION)
        if not phrasing:
            raise EditRefused([Problem(FAQ_DIR, None, "추가할 질문이 비어 있어요.")])
        entry = self._faq(faq_id)
        if phrasing == entry.id or phrasing in entry.aliases:
            raise EditRefused([Problem(entry.origin.file, entry.origin.line, f"{josa(repr_ko(phrasing), '은')} 이미 이 질문의 표현에 있어요.")])
        original = read_file(self.root / entry.origin.file)
        text = with_phrasing(original.text, entry.origin.line, phrasing)
        if text is None:
            raise EditRefused([Problem(entry.origin.file, entry.origin.line, "질문 줄을 찾지 못했어요. 파일이 그사이 바뀌었으면 페이지를 새로 고쳐 주세요.")])
        unread = Problem(entry.origin.file, entry.origin.line, f"{josa(repr_ko(phrasing), '을')} 다른 표현으로 읽어 들이지 못했어요.")
        return Plan({entry.origin.file: _encode(entry.origin.file, original, text)}, f"FAQ '{entry.id}'에 다른 표현 '{phrasing}' 추가",
                    lambda k: None if any(f.id == faq_id and phrasing in f.aliases for f in k.faqs) else unread)

    def plan_new_faq(self, question: str, answer: str, aliases: list[str], file: str, category: str) -> Plan:
        """A new FAQ entry at the end of `category` in `file` (faq/*.md), in the file's own style."""
        question, aliases, answer = _entry_fields(question, aliases, answer, file)
        before = len(self._current().faqs)
        original = read_file(self.root / file)
        text = with_entry(original.text, category, question, aliases, answer)
        unread = Problem(file, None, "질문을 읽어 들이지 못했어요. 질문과 답변을 다시 확인해 주세요.")
        return Plan({file: _encode(file, original, text)}, f"FAQ '{question}' 새로 만듦",
                    lambda k: None if len(k.faqs) == before + 1 and any(f.id == question and f.answer == answer for f in k.faqs) else unread)

    def plan_edit_faq(self, faq_id: str, question: str, answer: str, aliases: list[str], file: str, category: str) -> Plan:
        """Rewrite one entry (question, phrasings, answer); moved to the end of another category or
        file when `file`/`category` differ from where it is."""
        entry = self._faq(faq_id)
        question, aliases, answer = _entry_fields(question, aliases, answer, file)
        before = len(self._current().faqs)
        source, lines, span = self._entry_text(entry)
        changes: dict[str, bytes | None] = {}
        if (file, category) == (entry.origin.file, entry.category):
            pairs = PAIR_QUESTION.match(lines[span[0]]) is not None
            lines[span[0]:span[1]] = entry_lines(question, aliases, answer, pairs)
            changes[file] = _encode(file, source, "\n".join(lines))
        else:
            del lines[span[0]:span[1]]
            removed = "\n".join(lines)
            if file == entry.origin.file:
                changes[file] = _encode(file, source, with_entry(removed, category, question, aliases, answer))
            else:
                target = read_file(self.root / file)
                changes[entry.origin.file] = _encode(entry.origin.file, source, removed)
                changes[file] = _encode(file, target, with_entry(target.text, category, question, aliases, answer))
        unread = Problem(file, None, "고친 질문을 읽어 들이지 못했어요. 질문과 답변을 다시 확인해 주세요.")

        def verify(k: Knowledge) -> Problem | None:
            found = next((f for f in k.faqs if f.id == question), None)
            ok = found is not None and found.answer == answer and list(found.aliases) == aliases and len(k.faqs) == before
            return None if ok else unread

        return Plan(changes, f"FAQ '{entry.id}' 고침", verify)

    def plan_delete_faq(self, faq_id: str) -> Plan:
        entry = self._faq(faq_id)
        before = len(self._current().faqs)
        source, lines, span = self._entry_text(entry)
        del lines[span[0]:span[1]]
        gone = Problem(entry.origin.file, entry.origin.line, "질문을 지우지 못했어요.")
        return Plan({entry.origin.file: _encode(entry.origin.file, source, "\n".join(lines))}, f"FAQ '{entry.id}' 지움",
                    lambda k: None if len(k.faqs) == before - 1 and all(f.id != faq_id for f in k.faqs) else gone)

    # --- menu -------------------------------------------------------------------------------

    def plan_menu(self, name: str, values: dict[str, str], summary: str = "") -> Plan:
        """Change cells of one menu item (keys as the loader's columns: price, available, ...)."""
        from bot.kb.menu_file import read_menu

        k = self._current()
        item = next((m for m in k.menu if m.name == name), None)
        table = read_menu(self.root)
        if item is None or table is None:
            raise EditRefused([Problem(MENU_FILE, None, f"'{name}' 메뉴를 찾지 못했어요. 페이지를 새로 고쳐 주세요.")])
        new_name = _cell(values.get("name", name))
        for key, value in values.items():
            table.set(item.origin.line, key, _cell(value))
        changes: dict[str, bytes | None] = {table.file: table.to_bytes()}
        if new_name != name:
            renamed = self._renamed_synonyms(name, new_name)
            if renamed is not None:
                changes[SYNONYM_FILE] = renamed  # the customers' words for it follow the new name
        unread = Problem(table.file, item.origin.line, f"'{new_name}' 메뉴를 읽어 들이지 못했어요.")
        title = f"메뉴 '{name}' 이름을 {josa(repr_ko(new_name), '으로')} 바꿈" if new_name != name else f"메뉴 '{name}' 고침"
        return Plan(changes, summary or title,
                    lambda after: None if any(m.name == new_name for m in after.menu) and len(after.menu) == len(k.menu) else unread)

    def _renamed_synonyms(self, old: str, new: str) -> bytes | None:
        """synonyms.txt with `old = ...` lines now reading `new = ...` (None when none refer to it)."""
        path = self.root / SYNONYM_FILE
        if not path.is_file():
            return None
        original = read_file(path)
        lines = original.text.split("\n")
        changed = False
        for i, line in enumerate(lines):
            left, sep, right = line.partition("=")
            if sep and not line.lstrip().startswith("#") and left.strip() == old:
                lines[i] = f"{new} ={right}"
                changed = True
        return _encode(SYNONYM_FILE, original, "\n".join(lines)) if changed else None

    def plan_new_menu(self, values: dict[str, str]) -> Plan:
        from bot.kb.menu_file import new_menu, read_menu

        table = read_menu(self.root) or new_menu(self.root)
        name = values.get("name", "").strip()
        if not name:
            raise EditRefused([Problem(table.file, None, "메뉴 이름을 적어 주세요.")])
        before = len(self._current().menu)
        table.append({k: _cell(v) for k, v in values.items() if v.strip()})
        unread = Problem(table.file, None, f"'{name}' 메뉴를 읽어 들이지 못했어요.")
        return Plan({table.file: table.to_bytes()}, f"메뉴 '{name}' 추가",
                    lambda k: None if len(k.menu) == before + 1 and any(m.name == name for m in k.menu) else unread)

    def plan_delete_menu(self, name: str) -> Plan:
        from bot.kb.menu_file import read_menu

        k = self._current()
        item = next((m for m in k.menu if m.name == name), None)
        table = read_menu(self.root)
        if item is None or table is None:
            raise EditRefused([Problem(MENU_FILE, None, f"'{name}' 메뉴를 찾지 못했어요. 페이지를 새로 고쳐 주세요.")])
        table.delete(item.origin.line)
        gone = Problem(table.file, item.origin.line, f"'{name}' 메뉴를 지우지 못했어요.")
        return Plan({table.file: table.to_bytes()}, f"메뉴 '{name}' 지움",
                    lambda after: None if len(after.menu) == len(k.menu) - 1 and all(m.name != name for m in after.menu) else gone)

    # --- store.toml -------------------------------------------------------------------------

    def plan_store(self, values: dict[str, Any], holidays: list[tuple[str, str]] | None = None) -> Plan:
        """New values for store.toml (keys as "name", "hours.mon", "reservation.max_party"; "" removes
        an optional key), written with tomlkit so the owner's comments and layout stay. Only values
        that differ are touched."""
        import tomlkit

        original = read_file(self.root / STORE_FILE)
        try:
            doc = tomlkit.parse(original.text)
        except Exception as e:  # noqa: BLE001 - tomlkit raises its own parse errors; the loader says where
            raise EditRefused([Problem(STORE_FILE, None, "store.toml을 먼저 고쳐 주세요. 지금 파일을 읽을 수 없어요.")]) from e
        if "reservation" not in doc and not values.get("reservation.enabled"):
            values = {k: v for k, v in values.items() if not k.startswith("reservation.")}  # no bookings stays no table
        for dotted, value in values.items():
            *tables, key = dotted.split(".")
            table: Any = doc
            for name in tables:
                if name not in table:
                    if value in ("", None):
                        break
                    table[name] = tomlkit.table()
                table = table[name]
            else:
                if value in ("", None):
                    if key in table:
                        del table[key]
                elif key not in table or table[key] != value:
                    table[key] = value
        if holidays is not None:
            _set_holidays(doc, holidays)
        text = tomlkit.dumps(doc)
        return Plan({STORE_FILE: _encode(STORE_FILE, original, text)}, "매장 정보·영업시간 고침")

    def plan_synonyms(self, text: str) -> Plan:
        original = read_file(self.root / SYNONYM_FILE)
        if not original.text and not text.strip():
            raise EditRefused([Problem(SYNONYM_FILE, None, "바꾼 내용이 없어요.")])
        text = text.replace("\r\n", "\n").rstrip("\n") + "\n"
        return Plan({SYNONYM_FILE: _encode(SYNONYM_FILE, original, text)}, "손님 말(동의어) 목록 고침")

    def plan_menu_upload(self, filename: str, data: bytes) -> Plan:
        """An uploaded menu file (xlsx, or csv in any encoding the loader reads) in place of the menu;
        the other menu file goes, since the loader reads only one. Refused when no item can be read."""
        if not data:
            raise EditRefused([Problem(MENU_FILE, None, "올릴 파일을 골라 주세요. 엑셀(.xlsx)이나 CSV 파일이면 돼요.")])
        is_xlsx = filename.lower().endswith(".xlsx") or data[:2] == b"PK"
        if not is_xlsx and not filename.lower().endswith((".csv", ".txt")):
            raise EditRefused([Problem(filename or MENU_FILE, None, "메뉴 파일은 엑셀(.xlsx)이나 CSV(.csv)로 올려 주세요.")])
        target, other = (MENU_XLSX, MENU_FILE) if is_xlsx else (MENU_FILE, MENU_XLSX)
        also: dict[str, bytes | None] = {other: None} if (self.root / other).exists() else {}
        empty = Problem(target, None, "올린 파일에서 메뉴를 하나도 읽지 못했어요. 첫 줄에 '이름, 가격' 같은 제목이 있고 그 아래에 메뉴가 있는지 확인해 주세요.")
        return Plan({target: data, **also}, f"메뉴 파일을 올린 파일({filename or target})로 바꿈",
                    lambda k: None if k.menu else empty)

    def plan_tests(self, blocks: list[tuple[str, str]]) -> Plan:
        """Owner tests appended to tests.yaml ((question, yaml block) pairs; questions already there are skipped)."""
        from bot.kb.owner_tests import TESTS_FILE, load_tests

        have = {t.question for t in load_tests(self.root)[0]}
        new = [block for question, block in blocks if question not in have]
        if not new:
            raise EditRefused([Problem(TESTS_FILE, None, "이 대화의 질문은 이미 테스트에 있어요.")])
        original = read_file(self.root / TESTS_FILE)
        head = original.text.rstrip("\n") + "\n\n" if original.text.strip() else "# 사장님 테스트: danggol test 로 돌려요.\n\n"
        text = head + "\n".join(new)
        return Plan({TESTS_FILE: _encode(TESTS_FILE, original, text)}, f"테스트 {len(new)}개 저장")

    # --- whole files --------------------------------------------------------------------------

    def plan_file(self, rel: str, data: bytes | None, summary: str, restored_from: int | None = None,
                  also: dict[str, bytes | None] | None = None) -> Plan:
        """A whole file's new bytes (None deletes it): the synonyms list, store.toml, an uploaded menu,
        a restored version."""
        return Plan({rel: data, **(also or {})}, summary, restored_from=restored_from)

    # --- applying -----------------------------------------------------------------------------

    def apply(self, plan: Plan, author: str) -> Knowledge:
        """Check the plan against the whole folder, write it, record it, reload."""
        with self.lock:
            with self.staged(plan) as (_, knowledge):
                pass
            for rel, data in plan.changes.items():
                try:
                    if data is None:
                        (self.root / rel).unlink(missing_ok=True)
                    else:
                        _replace(self.root / rel, data)
                except OSError as e:
                    raise EditRefused([Problem(rel, None, "파일에 쓸 수 없어요. 서버를 맡은 분께 knowledge 폴더에 쓰기 권한을 달라고 해 주세요 "
                                                          f"(운영 안내 3장). ({e.strerror or e})")]) from e
            if self.record is not None:
                self.record(author, plan.summary, plan.restored_from)
        if self.reload is not None:
            self.reload()
        return knowledge

    @contextlib.contextmanager
    def staged(self, plan: Plan) -> Iterator[tuple[Path, Knowledge]]:
        """The folder with the plan applied, in a scratch copy, and its knowledge; EditRefused when it
        does not load or does not verify. The copy is gone when the block ends."""
        with tempfile.TemporaryDirectory(prefix="danggol-edit-") as scratch:
            copy = Path(scratch) / "knowledge"
            # The whole folder, not just the files the loader reads: it also warns about what is
            # beside them ("menu (1).csv"), and those warnings must be the same as the live ones.
            shutil.copytree(self.root, copy, ignore=shutil.ignore_patterns(".*", "__pycache__"))
            for rel, data in plan.changes.items():
                target = copy / rel
                if data is None:
                    target.unlink(missing_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            try:
                knowledge = load_knowledge(copy)
            except KnowledgeError as e:
                raise EditRefused(e.problems) from e
            problem = plan.verify(knowledge)
            if problem is not None:
                raise EditRefused([problem])
            yield copy, knowledge

    # --- the learning loop's shortcuts ---------------------------------------------------------

    def add_phrasing(self, faq_id: str, phrasing: str, author: str = "") -> FaqEntry:
        with self.lock:
            k = self.apply(self.plan_phrasing(faq_id, phrasing), author)
        return next(f for f in k.faqs if f.id == faq_id)

    def add_faq(self, question: str, answer: str, aliases: list[str], file: str, category: str, author: str = "") -> FaqEntry:
        with self.lock:
            k = self.apply(self.plan_new_faq(question, answer, aliases, file, category), author)
        return next(f for f in k.faqs if f.id == one_line(question, MAX_QUESTION))

    # --- reading --------------------------------------------------------------------------------

    def _current(self) -> Knowledge:
        """The folder as it is on disk; a folder already broken by a hand edit is fixed there first."""
        try:
            return load_knowledge(self.root)
        except KnowledgeError as e:
            raise EditRefused(e.problems) from e

    def _entry_text(self, entry: FaqEntry) -> tuple[FileText, list[str], tuple[int, int]]:
        """The entry's file, its lines, and the entry's [start, end) in them; refused when the file moved on."""
        source = read_file(self.root / entry.origin.file)
        lines = source.text.split("\n")
        span = entry_span(lines, entry.origin.line)
        if span is None:
            raise EditRefused([Problem(entry.origin.file, entry.origin.line, "질문 줄을 찾지 못했어요. 페이지를 새로 고쳐 주세요.")])
        return source, lines, span

    def _faq(self, faq_id: str) -> FaqEntry:
        if not faq_id.strip():
            raise EditRefused([Problem(FAQ_DIR, None, "이 질문과 같은 FAQ를 골라 주세요.")])
        entry = next((f for f in self._current().faqs if f.id == faq_id), None)
        if entry is None:
            raise EditRefused([Problem(FAQ_DIR, None, f"'{faq_id}' 질문을 찾지 못했어요. 그사이 파일이 바뀌었을 수 있어요.")])
        return entry


def _set_holidays(doc: Any, holidays: list[tuple[str, str]]) -> None:
    """The [[holidays]] tables updated in place (their comments stay with them), extras removed,
    new ones appended."""
    import tomlkit

    if not holidays:
        if "holidays" in doc:
            del doc["holidays"]
        return
    if "holidays" not in doc:
        doc["holidays"] = tomlkit.aot()
    aot = doc["holidays"]
    for i, (day, reason) in enumerate(holidays):
        if i < len(aot):
            if aot[i].get("date") != day:
                aot[i]["date"] = day
            if (aot[i].get("reason") or "") != reason:
                if reason:
                    aot[i]["reason"] = reason
                elif "reason" in aot[i]:
                    del aot[i]["reason"]
        else:
            table = tomlkit.table()
            table["date"] = day
            if reason:
                table["reason"] = reason
            aot.append(table)
    while len(aot) > len(holidays):
        del aot[len(aot) - 1]


def _encode(rel: str, original: FileText, text: str) -> bytes:
    try:
        return original.encode(text)
    except UnicodeEncodeError as e:
        bad = text[e.start:e.end]
        raise EditRefused([Problem(rel, None, f"이 파일은 한글 완성형(CP949)으로 저장돼 있어서 '{bad}' 글자를 쓸 수 없어요. 그 글자를 빼 주세요.")]) from e


def _cell(value: str) -> str:
    """One menu cell from a form: one line, trimmed."""
    return re.sub(r"\s+", " ", value).strip()


def _entry_fields(question: str, aliases: list[str], answer: str, file: str) -> tuple[str, list[str], str]:
    """A question, its phrasings and its answer as they can be written, or the problems with them."""
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
        if re.match(r"^\s*#", line) or PAIR_QUESTION.match(line) or ALIAS_PREFIX.match(line) or PAIR_ANSWER.match(line):
            problems.append(Problem(file, None, f"답변 {no}번째 줄이 '#', 'Q:', 'A:', '다른 표현:'으로 시작하면 따로 읽혀요. 앞에 다른 말을 넣어 주세요."))
    if not re.fullmatch(r"faq/[^/\\]+\.md", file) or ".." in file:
        problems.append(Problem(file, None, "FAQ 파일은 faq 폴더의 .md 파일이어야 해요."))
    if problems:
        raise EditRefused(problems)
    return question, aliases, answer


def entry_span(lines: list[str], line: int) -> tuple[int, int] | None:
    """The 0-based [start, end) lines of the entry whose question is on `line` (1-based): up to the
    next question or category heading, its trailing blank lines left to separate it from the next."""
    if not 1 <= line <= len(lines):
        return None
    start = line - 1
    if not (re.match(r"^##(?!#)", lines[start]) or PAIR_QUESTION.match(lines[start])):
        return None
    end = start + 1
    while end < len(lines) and not (re.match(r"^#{1,2}(?!#)", lines[end]) or PAIR_QUESTION.match(lines[end])):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return start, end


def entry_lines(question: str, aliases: list[str], answer: str, pairs: bool) -> list[str]:
    alias_line = [f"다른 표현: {' | '.join(aliases)}"] if aliases else []
    if pairs:
        return [f"Q: {question}", *alias_line, f"A: {answer}"]
    return [f"## {question}", *alias_line, *answer.split("\n")]


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
    entry = entry_lines(question, aliases, answer, pairs)
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
