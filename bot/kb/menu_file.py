"""The owner's menu file (menu.csv or menu.xlsx) as a table of cells that the console changes and
writes back in the file's own format: the same columns in the same order, the owner's extra
columns kept, CSV in its encoding and line endings, an Excel workbook changed cell by cell (its
other sheets, widths and styles untouched).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from bot.kb.edit import FileText, read_file
from bot.kb.loader import COLUMN_OF, MENU_FILE, MENU_XLSX

# The header written when the console adds a column the owner's file does not have yet.
HEADER_KO = {"name": "이름", "category": "분류", "price": "가격", "description": "설명", "tags": "태그", "allergens": "알레르기",
             "spicy": "맵기", "available": "판매", "image": "사진"}


@dataclass
class MenuTable:
    file: str  # menu.csv or menu.xlsx, relative to the knowledge folder
    rows: list[tuple[int, list[str]]]  # (line or sheet row, cells), header first
    source: FileText | None = None  # CSV: how to write it back
    workbook: bytes = b""  # XLSX: the original, changed cell by cell
    changed: dict[tuple[int, int], str] = field(default_factory=dict)  # XLSX: (row, column) -> new text
    added: list[list[str]] = field(default_factory=list)  # XLSX: rows appended
    removed: set[int] = field(default_factory=set)  # XLSX: rows deleted
    above: list[list[str]] = field(default_factory=list)  # CSV: title or blank rows above the header, written back as they were

    @property
    def header(self) -> list[str]:
        return self.rows[0][1]

    def column(self, key: str) -> int:
        """The index of a menu column; added (with a Korean header) when the file has none."""
        for i, raw in enumerate(self.header):
            if COLUMN_OF.get(raw.strip().lower()) == key:
                return i
        self.header.append(HEADER_KO[key])
        index = len(self.header) - 1
        if self.workbook:
            self.changed[(self.rows[0][0], index)] = HEADER_KO[key]
        return index

    def row(self, line: int) -> list[str]:
        for no, cells in self.rows[1:]:
            if no == line:
                return cells
        raise KeyError(line)

    def set(self, line: int, key: str, value: str) -> None:
        index = self.column(key)
        cells = self.row(line)
        while len(cells) <= index:
            cells.append("")
        cells[index] = value
        if self.workbook:
            self.changed[(line, index)] = value

    def append(self, values: dict[str, str]) -> None:
        indexes = {key: self.column(key) for key in values}
        cells = [""] * len(self.header)
        for key, value in values.items():
            cells[indexes[key]] = value
        last = max(no for no, _ in self.rows)
        self.rows.append((last + 1, cells))
        if self.workbook:
            self.added.append(cells)

    def delete(self, line: int) -> None:
        self.rows = [(no, cells) for no, cells in self.rows if no != line or no == self.rows[0][0]]
        if self.workbook:
            self.removed.add(line)

    def to_bytes(self) -> bytes:
        return self._xlsx() if self.workbook else self._csv()

    def _csv(self) -> bytes:
        assert self.source is not None
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for cells in self.above:
            writer.writerow(cells)
        for _, cells in self.rows:
            writer.writerow(cells)
        return self.source.encode(out.getvalue())

    def _xlsx(self) -> bytes:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(self.workbook))
        sheet = book.worksheets[0]
        for (row, column), value in self.changed.items():
            sheet.cell(row=row, column=column + 1, value=_cell_value(value, self.header, column))
        for cells in self.added:
            sheet.append([_cell_value(v, self.header, i) for i, v in enumerate(cells)])
        for row in sorted(self.removed, reverse=True):
            sheet.delete_rows(row)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def _cell_value(value: str, header: list[str], column: int) -> str | int:
    """Prices as numbers in Excel, the way an owner types them there."""
    key = COLUMN_OF.get(header[column].strip().lower()) if column < len(header) else None
    plain = value.replace(",", "").removesuffix("원").strip()
    return int(plain) if key == "price" and plain.isdigit() else value


def new_menu(root: Path) -> MenuTable:
    """A menu.csv for a folder that has none yet (UTF-8 with BOM, which Excel opens correctly)."""
    from bot.kb.edit import FileText

    return MenuTable(MENU_FILE, [(1, ["이름", "분류", "가격", "설명", "알레르기", "판매"])], source=FileText("", "utf-8-sig", "\n"))


def read_menu(root: Path) -> MenuTable | None:
    """The menu file as the loader reads it (None when the folder has none)."""
    from bot.kb.loader import _from_header, _menu_rows

    problems: list[object] = []
    source = _menu_rows(root, problems, [])  # type: ignore[arg-type]
    if source is None:
        return None
    file, every = source
    rows = _from_header(every)
    if not rows:
        return None
    above = [list(cells) for no, cells in every if no < rows[0][0]]
    rows = [(no, list(cells)) for no, cells in rows]
    if file == MENU_XLSX:
        return MenuTable(file, rows, workbook=(root / MENU_XLSX).read_bytes())
    return MenuTable(MENU_FILE, rows, source=read_file(root / MENU_FILE), above=above)
