"""The menu file written back as the owner keeps it: CSV in its encoding, line endings and columns;
an Excel workbook changed cell by cell, reading back with the same items as its CSV twin."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from bot.kb.edit import EditRefused, KnowledgeEditor
from bot.kb.loader import load_knowledge
from bot.kb.menu_file import read_menu
from tests.conftest import DEMO


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(DEMO, folder)
    return folder


def test_a_cp949_menu_with_an_extra_column_keeps_both(shop: Path) -> None:
    (shop / "menu.csv").write_bytes("이름,가격,원가,판매\r\n김치찌개,9000,3100,O\r\n제육덮밥,\"10,000\",4000,O\r\n".encode("cp949"))
    table = read_menu(shop)
    assert table is not None
    table.set(2, "available", "X")
    table.set(3, "price", "11000")
    (shop / "menu.csv").write_bytes(table.to_bytes())
    assert (shop / "menu.csv").read_bytes().decode("cp949") == "이름,가격,원가,판매\r\n김치찌개,9000,3100,X\r\n제육덮밥,11000,4000,O\r\n"


def test_a_column_the_file_lacks_is_added_with_a_korean_header(shop: Path) -> None:
    (shop / "menu.csv").write_text("이름,가격\n김치찌개,9000\n", encoding="utf-8")
    table = read_menu(shop)
    assert table is not None
    table.set(2, "available", "X")
    assert table.to_bytes().decode() == "이름,가격,판매\n김치찌개,9000,X\n"


def xlsx_twin(folder: Path) -> None:
    """The demo menu as Excel writes it: a title row merged over the columns, numbers as numbers, trailing empty rows."""
    from openpyxl import Workbook

    k = load_knowledge(folder)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["소담 메뉴판"])
    sheet.merge_cells("A1:E1")
    sheet.append([])
    sheet.append(["이름", "분류", "가격", "알레르기", "판매"])
    for item in k.menu:
        sheet.append([item.name, item.category, item.price if item.price is not None else "시가", ",".join(item.allergens),
                      "O" if item.available else "X"])
    for _ in range(3):
        sheet.append([None, None, None])
    out = io.BytesIO()
    book.save(out)
    (folder / "menu.csv").unlink()
    (folder / "menu.xlsx").write_bytes(out.getvalue())


def test_an_excel_menu_with_a_merged_title_row_loads_like_its_csv_twin(shop: Path) -> None:
    csv_items = {(m.name, m.category, m.price, m.allergens, m.available, m.market_price) for m in load_knowledge(shop).menu}
    xlsx_twin(shop)
    k = load_knowledge(shop)
    assert {(m.name, m.category, m.price, m.allergens, m.available, m.market_price) for m in k.menu} == csv_items
    assert k.menu[0].origin.file == "menu.xlsx" and k.menu[0].origin.line == 4  # the sheet's own row number


def test_an_excel_menu_is_changed_cell_by_cell(shop: Path) -> None:
    from openpyxl import load_workbook

    xlsx_twin(shop)
    first = load_knowledge(shop).menu[0]
    editor = KnowledgeEditor(shop)
    editor.apply(editor.plan_menu(first.name, {"available": "X", "price": "12000"}), "사장")
    after = next(m for m in load_knowledge(shop).menu if m.name == first.name)
    assert not after.available and after.price == 12000
    book = load_workbook(shop / "menu.xlsx")
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "소담 메뉴판" and "A1:E1" in {str(r) for r in sheet.merged_cells.ranges}  # the title kept
    assert sheet.cell(row=4, column=3).value == 12000  # a number, as Excel keeps prices


def test_renaming_an_item_carries_its_synonyms_along(shop: Path) -> None:
    k = load_knowledge(shop)
    named = next(s.canonical for s in k.synonyms if any(m.name == s.canonical for m in k.menu))
    editor = KnowledgeEditor(shop)
    editor.apply(editor.plan_menu(named, {"name": named + " 정식"}), "사장")
    after = load_knowledge(shop)
    assert any(s.canonical == named + " 정식" for s in after.synonyms) and not any(s.canonical == named for s in after.synonyms)
    assert not [w for w in after.warnings if "동의어" in w.message]


def test_an_uploaded_menu_in_place_of_the_csv(shop: Path) -> None:
    editor = KnowledgeEditor(shop)
    data = "이름,가격\n시래기국밥,9000\n모둠회,시가\n".encode("cp949")
    editor.apply(editor.plan_menu_upload("메뉴 (1).csv", data), "사장")
    assert [(m.name, m.price, m.market_price) for m in load_knowledge(shop).menu] == [("시래기국밥", 9000, False), ("모둠회", None, True)]
    with pytest.raises(EditRefused) as refused:
        editor.apply(editor.plan_menu_upload("menu.csv", "메뉴,값\n".encode()), "사장")
    assert "하나도 읽지 못했어요" in str(refused.value)
    xlsx_twin(shop)  # an Excel menu uploaded over the CSV: the CSV goes, one menu file stays
    data = (shop / "menu.xlsx").read_bytes()
    (shop / "menu.xlsx").unlink()
    (shop / "menu.csv").write_text("이름,가격\n국밥,9000\n", encoding="utf-8")
    editor.apply(editor.plan_menu_upload("메뉴.xlsx", data), "사장")
    assert not (shop / "menu.csv").exists() and load_knowledge(shop).menu[0].origin.file == "menu.xlsx"
