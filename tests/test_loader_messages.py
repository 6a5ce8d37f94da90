"""Every error the loader can report, one row each: the message is Korean, names its file (and its
line wherever the problem is on a line), uses the right particles, and carries no parser English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.kb.errors import KnowledgeError
from bot.kb.loader import load_knowledge
from tests.conftest import FAQ_MD, MENU_CSV, STORE_TOML

ENGLISH = re.compile(r"\b(Expected|Illegal|Invalid|Unterminated|Unclosed|Cannot|line \d|column|character|document|statement|"
                     r"error|Error|Traceback|decode|codec|utf-8' codec|byte 0x)\b")
HEDGES = ("을(를)", "은(는)", "이(가)", "와(과)", "으로(로)")
HEADER = "이름,분류,가격,설명,태그,알레르기,맵기,판매\n"


def store(old: str, new: str) -> dict[str, str | bytes]:
    assert old in STORE_TOML
    return {"store": STORE_TOML.replace(old, new)}


# (what is broken, files to write, the file named, its line (None: the whole file))
CASES: list[tuple[str, dict[str, object], str, int | None]] = [
    ("store.toml missing", {"store": None}, "store.toml", None),
    ("store.toml not UTF-8 or CP949", {"store": b"name = \"\xff\xfe\xfa\"\n"}, "store.toml", None),
    ("a value without quotes", store('phone = "02-111-2222"', "phone = 02-111-2222"), "store.toml", 3),
    ("a string left open", store('phone = "02-111-2222"', 'phone = "02-111-2222'), "store.toml", 3),
    ("a key without =", store('phone = "02-111-2222"', "phone"), "store.toml", None),
    ("a section declared twice", store("[hours]", "[hours]\nmon = \"휴무\"\n[hours]"), "store.toml", None),
    ("a table header left open", store("[hours]", "[hours"), "store.toml", 6),
    ("a name as a number", store('name = "테스트 카페"', "name = 3"), "store.toml", 1),
    ("an empty name", store('name = "테스트 카페"', 'name = ""'), "store.toml", 1),
    ("an unknown time zone", store('address = "서울 테스트구 테스트로 1"', 'address = "서울"\ntimezone = "Asia/Busan"'), "store.toml", 5),
    ("no [hours]", store("[hours]", "[hourz]"), "store.toml", None),
    ("a weekday missing", store('tue = "09:00-21:00"\n', ""), "store.toml", None),
    ("hours unreadable", store('tue = "09:00-21:00"', 'tue = "9시부터 21시"'), "store.toml", 8),
    ("an unknown hours key", store('sun = "10:00-21:00"', 'sun = "10:00-21:00"\nholiday = "휴무"'), "store.toml", 14),
    ("a break unreadable", store("last_order_minutes = 30", 'last_order_minutes = 30\nbreak = "3시"'), "store.toml", 15),
    ("last order not a number", store("last_order_minutes = 30", 'last_order_minutes = "30분"'), "store.toml", 14),
    ("holidays not a table list", {"store": STORE_TOML + 'holidays = "12/25"\n'}, "store.toml", None),
    ("a holiday date unreadable", {"store": STORE_TOML + '\n[[holidays]]\ndate = "12월 25일"\n'}, "store.toml", None),
    ("reservation limits out of range", {"store": STORE_TOML + "\n[reservation]\nenabled = true\ntables = [2]\nslot_minutes = 0\n"},
     "store.toml", None),
    ("reservation enabled not true/false", {"store": STORE_TOML + '\n[reservation]\nenabled = "네"\ntables = [2]\n'}, "store.toml", None),
    ("tables not a list", {"store": STORE_TOML + '\n[reservation]\nenabled = true\ntables = "2,4"\n'}, "store.toml", None),
    ("bookings without tables", {"store": STORE_TOML + "\n[reservation]\nenabled = true\n"}, "store.toml", None),
    ("menu.csv and menu.xlsx both", {"xlsx": True}, "menu.csv", None),
    ("a menu file under another name", {"menu": None, "lookalike": "menu (1).csv"}, "menu (1).csv", None),
    ("menu not UTF-8 or CP949", {"menu": b"\xff\xfe\xfa,\xfb\n"}, "menu.csv", None),
    ("a quote left open in the menu", {"menu": HEADER + '아메리카노,커피,"4,500,기본\n'}, "menu.csv", 2),
    ("a menu without a header", {"menu": "\n\n"}, "menu.csv", 1),
    ("a header without a name column", {"menu": "분류,가격\n커피,4500\n"}, "menu.csv", 1),
    ("more cells than the header", {"menu": "이름,가격\n아메리카노,4,500\n"}, "menu.csv", 2),
    ("an item twice", {"menu": MENU_CSV + "아메리카노,커피,4000,,,,0,Y\n"}, "menu.csv", 3),
    ("an item without a name", {"menu": HEADER + ",커피,4500,,,,0,Y\n"}, "menu.csv", 2),
    ("a price in words", {"menu": HEADER + "라떼,커피,오천원,,,,0,Y\n"}, "menu.csv", 2),
    ("spiciness out of range", {"menu": HEADER + "라떼,커피,5000,,,,5,Y\n"}, "menu.csv", 2),
    ("sold-out mark unknown", {"menu": HEADER + "라떼,커피,5000,,,,0,글쎄\n"}, "menu.csv", 2),
    ("an image that is not https", {"menu": "이름,가격,사진\n라떼,5000,http://x.kr/a.jpg\n"}, "menu.csv", 2),
    ("an FAQ file not UTF-8 or CP949", {"faqs": {"a.md": b"## \xff\xfe\xfa?\n"}}, "faq/a.md", None),
    ("the same question in two files", {"faqs": {"a.md": FAQ_MD, "b.md": "## 주차 가능한가요?\n네.\n"}}, "faq/b.md", 1),
    ("a question without an answer", {"faqs": {"a.md": "## 주차 돼요?\n\n## 포장 돼요?\n네.\n"}}, "faq/a.md", 1),
    ("an empty question heading", {"faqs": {"a.md": "## \n답이에요.\n"}}, "faq/a.md", 1),
    ("a Q: without A:", {"faqs": {"a.md": "Q: 주차 돼요?\n네 돼요.\n"}}, "faq/a.md", 2),
    ("a Q: with no answer at all", {"faqs": {"a.md": "Q: 주차 돼요?\nQ: 포장 돼요?\nA: 네.\n"}}, "faq/a.md", 1),
    ("a synonym line without =", {"synonyms": "아메리카노 아아\n"}, "synonyms.txt", 1),
    ("synonyms not UTF-8 or CP949", {"synonyms": b"\xff\xfe = \xfa\n"}, "synonyms.txt", None),
]


def write(root: Path, make_knowledge, files: dict[str, object]) -> Path:  # type: ignore[no-untyped-def]
    args = {k: v for k, v in files.items() if k in ("store", "menu", "faqs", "synonyms")}
    root = make_knowledge(**args)
    if files.get("store", "") is None:
        (root / "store.toml").unlink(missing_ok=True)
    if files.get("xlsx"):
        from openpyxl import Workbook

        book = Workbook()
        book.active.append(["이름", "가격"])  # type: ignore[union-attr]
        book.save(root / "menu.xlsx")
    if files.get("lookalike"):
        (root / str(files["lookalike"])).write_text(MENU_CSV, encoding="utf-8")
    return root  # type: ignore[no-any-return]


@pytest.mark.parametrize(("what", "files", "file", "line"), CASES, ids=[c[0] for c in CASES])
def test_every_loader_error_is_plain_located_korean(make_knowledge, what: str, files: dict[str, object], file: str,  # type: ignore[no-untyped-def]
                                                    line: int | None) -> None:
    root = write(Path(), make_knowledge, files)
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(root)
    problems = raised.value.problems
    named = [p for p in problems if p.file == file]
    assert named, (what, [str(p) for p in problems])
    if line is not None:
        assert any(p.line == line for p in named), (what, [str(p) for p in named])
    for p in problems:
        assert re.search("[가-힣]", p.message), (what, p.message)
        assert not ENGLISH.search(p.message), (what, p.message)
        assert not any(h in p.message for h in HEDGES), (what, p.message)
        prose = re.sub(r"\b(mon|tue|wed|thu|fri|sat|sun) = |\((mon|tue|wed|thu|fri|sat|sun)\)|(mon|tue|wed|thu|fri|sat|sun)\([월화수목금토일]\)", "",
                       p.message)
        assert not re.search(r"\b(mon|tue|wed|thu|fri|sat|sun)\b", prose), (what, p.message)  # weekdays by their Korean names
