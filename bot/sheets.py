"""Reading the tables owners export: CSV in each encoding a Korean PC, a POS terminal or Google Sheets
produces, and the first sheet of an xlsx. One reader for the menu, the POS visits and the review
table, so that a file that opens for one opens for all (the three had grown three readers that
disagreed on UTF-16, tab-separated text and broken quotes).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any


class Unreadable(Exception):
    """The file is not a workbook openpyxl can open."""


def decode(data: bytes, strict: bool = False) -> str:
    """UTF-16 with its BOM (Excel's "유니코드 텍스트"), UTF-8 with or without a BOM, else CP949, which
    Excel on a Korean Windows saves. `strict` raises UnicodeDecodeError on bytes CP949 cannot read
    (the menu: a wrong price is worse than a located error); otherwise they become U+FFFD."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp949", errors="strict" if strict else "replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def csv_rows(text: str, keep_going: bool = False) -> tuple[list[tuple[int, list[str]]], int | None]:
    """(line, cells) of CSV text, tab-separated when its first line has more tabs than commas; and the
    line of the first row the csv module could not read (an unmatched quote), or None. Reading stops
    there unless `keep_going`, which records the row as empty and goes on."""
    first = next((line for line in text.split("\n") if line.strip()), "")
    reader = csv.reader(io.StringIO(text), delimiter="\t" if first.count("\t") > first.count(",") else ",")
    rows: list[tuple[int, list[str]]] = []
    broken: int | None = None
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error:
            broken = start if broken is None else broken
            if not keep_going:
                break
            row = []
        rows.append((start, row))
    return rows, broken


def xlsx_rows(source: bytes | Path) -> list[tuple[int, list[Any]]]:
    """(row number, values as Excel keeps them) of the first sheet; Unreadable when it will not open."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(source) if isinstance(source, bytes) else source, read_only=True, data_only=True)
    except Exception as error:  # a broken or non-xlsx file: openpyxl raises many kinds
        raise Unreadable(str(error)) from error
    try:
        if not book.worksheets:
            return []
        return [(no, list(values)) for no, values in enumerate(book.worksheets[0].iter_rows(values_only=True), 1)]
    finally:
        book.close()
