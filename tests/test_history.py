"""The knowledge history: a version of every file at start, each console change with its author and
summary, each change made in the files directly (unattributed), readable diffs, and a restore that
writes an earlier version back through the loader."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.db import Storage, make_engine
from bot.kb import history
from bot.kb.edit import KnowledgeEditor
from bot.kb.loader import load_knowledge
from tests.conftest import DEMO, database_url


def test_every_change_is_kept_and_any_version_comes_back(tmp_path: Path) -> None:
    shop = tmp_path / "knowledge"
    shutil.copytree(DEMO, shop)
    storage = Storage(make_engine(database_url(tmp_path), tmp_path))
    first = history.record(storage, shop)
    assert len(first) == len([p for p in shop.rglob("*") if p.suffix in (".toml", ".csv", ".md", ".txt")])  # every file, once
    assert history.record(storage, shop) == []  # nothing changed, nothing stored

    editor = KnowledgeEditor(shop, record=lambda author, summary, restored: history.record(storage, shop, author, summary, restored))
    name = load_knowledge(shop).menu[0].name
    editor.apply(editor.plan_menu(name, {"available": "X"}, f"메뉴 '{name}' 품절로 바꿈"), "사장")
    faq = shop / "faq" / "기타.md"
    faq.write_text(faq.read_text(encoding="utf-8").replace("콜라나 사이다 한 캔", "음료 한 잔"), encoding="utf-8")  # by hand
    hand = history.record(storage, shop)
    assert len(hand) == 1

    changes = history.changes(storage)
    assert [(c.version.path, c.version.author, c.version.summary, c.added, c.removed) for c in changes[:2]] == [
        ("faq/기타.md", "", "", 1, 1), ("menu.csv", "사장", f"메뉴 '{name}' 품절로 바꿈", 1, 1)]
    v, previous = history.version(storage, changes[1].version.id)  # type: ignore[misc]
    lines = history.diff(previous, v)
    assert [d.kind for d in lines if d.kind in ("add", "del")] == ["del", "add"]
    assert ",2,X," in next(d for d in lines if d.kind == "add").text

    assert previous is not None
    state = history.FileState(previous.path, previous.digest, previous.content, previous.encoding, previous.newline)
    editor.apply(editor.plan_file(previous.path, state.raw(), "되돌림", restored_from=previous.id), "사장")
    assert next(m for m in load_knowledge(shop).menu if m.name == name).available
    newest = history.changes(storage)[0].version
    assert newest.restored_from == previous.id and newest.digest == previous.digest


def test_a_cp949_file_and_a_workbook_are_kept_byte_for_byte(tmp_path: Path) -> None:
    from openpyxl import Workbook

    shop = tmp_path / "knowledge"
    shutil.copytree(DEMO, shop)
    (shop / "menu.csv").unlink()
    book = Workbook()
    book.active.append(["이름", "가격"])  # type: ignore[union-attr]
    book.active.append(["국밥", 9000])  # type: ignore[union-attr]
    book.save(shop / "menu.xlsx")
    (shop / "faq" / "옛날.md").write_bytes("## 주차 돼요?\r\n네.\r\n".encode("cp949"))
    storage = Storage(make_engine(database_url(tmp_path), tmp_path))
    history.record(storage, shop)
    kept = {c.version.path: c.version for c in history.changes(storage)}
    for path in ("menu.xlsx", "faq/옛날.md"):
        v = kept[path]
        assert history.FileState(v.path, v.digest, v.content, v.encoding, v.newline).raw() == (shop / path).read_bytes()
    assert history.diff(None, kept["menu.xlsx"])[1].text == "국밥,9000"
