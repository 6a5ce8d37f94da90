"""Every version of every knowledge file, whoever changed it: the console (with the staff name and
what was done) or someone editing the files directly (seen when the folder is read).

A version is the file's whole content (text as the loader decodes it; an Excel workbook as base64),
so restoring is writing that content back through the same checked editor, and a diff is always
between two stored versions of one file.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.db import KnowledgeVersion, Storage
from bot.kb.edit import read_file
from bot.kb.loader import knowledge_files

BINARY = (".xlsx",)
FILES_AUTHOR = ""  # a change found in the files themselves: someone edited them outside the console


@dataclass(frozen=True)
class FileState:
    path: str  # relative to the knowledge folder, posix
    digest: str
    content: str  # text ("\n" line endings) or base64 for a workbook
    encoding: str  # utf-8, utf-8-sig, cp949, or base64
    newline: str

    def raw(self) -> bytes:
        if self.encoding == "base64":
            return base64.b64decode(self.content)
        return self.content.replace("\n", self.newline).encode(self.encoding)


def file_state(root: Path, path: Path) -> FileState:
    data = path.read_bytes()
    rel = path.relative_to(root).as_posix()
    digest = hashlib.sha256(data).hexdigest()
    if path.suffix.lower() in BINARY:
        return FileState(rel, digest, base64.b64encode(data).decode(), "base64", "")
    text = read_file(path)
    return FileState(rel, digest, text.text, text.encoding, text.newline)


def folder_state(root: Path) -> dict[str, FileState]:
    return {s.path: s for s in (file_state(root, p) for p in knowledge_files(root))}


def latest(storage: Storage) -> dict[str, KnowledgeVersion]:
    """The newest stored version of each file (deleted files included). One query."""
    newest = select(KnowledgeVersion.path, func.max(KnowledgeVersion.id).label("id")).group_by(KnowledgeVersion.path).subquery()
    with Session(storage.engine) as s:
        rows = s.exec(select(KnowledgeVersion).join(newest, col(KnowledgeVersion.id) == newest.c.id)).all()
        return {r.path: r for r in rows}


def record(storage: Storage, root: Path, author: str = FILES_AUTHOR, summary: str = "", restored_from: int | None = None) -> list[int]:
    """Store a version of every file that differs from its newest stored version (new, changed or
    deleted); the ids of the versions stored. Called after every console write with its author and
    summary, and whenever the folder is read (start, file watcher) with no author."""
    now_state = folder_state(root)
    known = latest(storage)
    added: list[KnowledgeVersion] = []
    for path, state in now_state.items():
        last = known.get(path)
        if last is None or last.digest != state.digest or last.deleted:
            added.append(KnowledgeVersion(path=path, digest=state.digest, content=state.content, encoding=state.encoding,
                                          newline=state.newline, author=author, summary=summary[:200], restored_from=restored_from))
    for path, last in known.items():
        if path not in now_state and not last.deleted:
            added.append(KnowledgeVersion(path=path, digest="", content="", encoding=last.encoding, newline=last.newline,
                                          author=author, summary=summary[:200], deleted=True))
    if not added:
        return []
    with Session(storage.engine) as s:
        s.add_all(added)
        s.commit()
        return [v.id for v in added if v.id is not None]


@dataclass(frozen=True)
class Change:
    version: KnowledgeVersion
    added: int
    removed: int


def changes(storage: Storage, limit: int = 50, before: int | None = None) -> list[Change]:
    """The newest versions with their +/- line counts against the version before them. Three queries."""
    with Session(storage.engine) as s:
        query = select(KnowledgeVersion).order_by(col(KnowledgeVersion.id).desc()).limit(limit)
        if before:
            query = query.where(col(KnowledgeVersion.id) < before)
        versions = list(s.exec(query).all())
        previous = _previous(s, versions)
    out = []
    for v in versions:
        before_lines = _lines(previous.get(v.id or 0))
        after_lines = _lines(v)
        plus = minus = 0
        for line in difflib.ndiff(before_lines, after_lines):
            plus += line.startswith("+ ")
            minus += line.startswith("- ")
        out.append(Change(v, plus, minus))
    return out


def _previous(s: Session, versions: list[KnowledgeVersion]) -> dict[int, KnowledgeVersion]:
    """For each version, the version of the same file just before it (two queries)."""
    if not versions:
        return {}
    paths = {v.path for v in versions}
    low = min(v.id or 0 for v in versions)
    # Every version of these files from the last one before the oldest shown, up to the newest shown.
    before = s.exec(select(func.max(KnowledgeVersion.id)).where(col(KnowledgeVersion.path).in_(paths), col(KnowledgeVersion.id) < low)
                    .group_by(KnowledgeVersion.path)).all()
    floor = min((i for i in before if i is not None), default=low)
    rows = s.exec(select(KnowledgeVersion).where(col(KnowledgeVersion.path).in_(paths), col(KnowledgeVersion.id) >= floor)
                  .order_by(col(KnowledgeVersion.id))).all()
    last: dict[str, KnowledgeVersion] = {}
    out: dict[int, KnowledgeVersion] = {}
    for r in rows:
        if r.id is not None and r.id >= low and r.path in last:
            out[r.id] = last[r.path]
        last[r.path] = r
    return out


def version(storage: Storage, version_id: int) -> tuple[KnowledgeVersion, KnowledgeVersion | None] | None:
    """One version and the one before it (of the same file)."""
    with Session(storage.engine) as s:
        v = s.get(KnowledgeVersion, version_id)
        if v is None:
            return None
        prev = s.exec(select(KnowledgeVersion).where(KnowledgeVersion.path == v.path, col(KnowledgeVersion.id) < version_id)
                      .order_by(col(KnowledgeVersion.id).desc()).limit(1)).first()
        return v, prev


def _lines(v: KnowledgeVersion | None) -> list[str]:
    if v is None or v.deleted:
        return []
    if v.encoding == "base64":
        return _workbook_lines(base64.b64decode(v.content))
    return v.content.split("\n")


def _workbook_lines(data: bytes) -> list[str]:
    """A workbook's first sheet as CSV-like lines, so a menu.xlsx change reads like a menu.csv one."""
    import io

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - an unreadable workbook has no lines to show
        return ["(엑셀 파일을 읽을 수 없어요)"]
    try:
        return [",".join("" if c is None else str(c) for c in row).rstrip(",") for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add", "del", "same", "gap"
    text: str
    old: int | None
    new: int | None


def diff(old: KnowledgeVersion | None, new: KnowledgeVersion, context: int = 2) -> list[DiffLine]:
    """The lines that changed with a little context, numbered as in the files, for the history page."""
    return diff_lines(_lines(old), _lines(new), context)


def bytes_lines(rel: str, data: bytes | None) -> list[str]:
    """A file's lines from its bytes (a workbook's rows as CSV-like lines), for a preview's diff."""
    if data is None:
        return []
    if rel.lower().endswith(BINARY):
        return _workbook_lines(data)
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding).replace("\r\n", "\n").split("\n")
        except UnicodeDecodeError:
            continue
    return []


def diff_lines(a: list[str], b: list[str], context: int = 2) -> list[DiffLine]:
    out: list[DiffLine] = []
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(context):
        if out:
            out.append(DiffLine("gap", "…", None, None))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [DiffLine("same", a[i], i + 1, j1 + (i - i1) + 1) for i in range(i1, i2)]
                continue
            out += [DiffLine("del", a[i], i + 1, None) for i in range(i1, i2)]
            out += [DiffLine("add", b[j], None, j + 1) for j in range(j1, j2)]
    return out
