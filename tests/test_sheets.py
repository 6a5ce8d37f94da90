"""The one reader of owners' tables (bot/sheets.py) behind the menu, the POS visits and the review table:
each encoding Excel, a POS terminal or Google Sheets writes, tab-separated text, a broken quote located."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from bot import sheets

TABLE = "이름,가격\n아메리카노,4500\n\"라떼, 큰 거\",5000\n"


@pytest.mark.parametrize("data", [
    TABLE.encode("utf-8"), TABLE.encode("utf-8-sig"), TABLE.encode("cp949"), TABLE.encode("utf-16"),
    TABLE.replace("\n", "\r\n").encode("cp949"), TABLE.replace(",", "\t").replace('"라떼\t 큰 거"', "라떼, 큰 거").encode("utf-16"),
])
def test_every_encoding_and_separator_reads_alike(data: bytes) -> None:
    rows, broken = sheets.csv_rows(sheets.decode(data))
    assert broken is None
    assert [cells for _, cells in rows] == [["이름", "가격"], ["아메리카노", "4500"], ["라떼, 큰 거", "5000"]]
    assert [no for no, _ in rows] == [1, 2, 3]


def test_bytes_no_korean_encoding_reads_raise_only_when_strict() -> None:
    data = "가격,".encode() + b"\x80\xff\n"
    with pytest.raises(UnicodeDecodeError):
        sheets.decode(data, strict=True)
    assert "\ufffd" in sheets.decode(data)


def test_a_row_the_csv_module_refuses_is_located_and_stops_or_is_skipped() -> None:
    text = "이름,가격\n아메리카노,4500\n\"" + "라" * 200_000 + "\",5000\n케이크,6000\n"  # a field past the csv module's limit
    rows, broken = sheets.csv_rows(text)
    assert broken == 3 and [no for no, _ in rows] == [1, 2]
    kept, broken = sheets.csv_rows(text, keep_going=True)
    assert broken == 3 and [cells for _, cells in kept][2] == [] and len(kept) >= 3


def test_the_first_sheet_of_a_workbook_and_a_file_that_is_none() -> None:
    book = Workbook()
    book.active.append(["이름", "가격"])  # type: ignore[union-attr]
    book.active.append(["아메리카노", 4500])  # type: ignore[union-attr]
    buffer = io.BytesIO()
    book.save(buffer)
    assert sheets.xlsx_rows(buffer.getvalue()) == [(1, ["이름", "가격"]), (2, ["아메리카노", 4500])]
    with pytest.raises(sheets.Unreadable):
        sheets.xlsx_rows(b"PK not really a workbook")
