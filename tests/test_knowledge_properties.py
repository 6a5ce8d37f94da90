"""Property tests: any valid knowledge folder loads faithfully; any corrupted one loads or fails
with located, plain-Korean problems, never a traceback."""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.kb.errors import KnowledgeError
from bot.kb.loader import load_knowledge
from bot.kb.records import WEEKDAYS

SYLLABLES = "가나다라마바사아자차카타파하고노도로모보소오조초코토포호김치찌개라떼커피빵케이크된장국밥"
word = st.text(alphabet=SYLLABLES, min_size=2, max_size=8)
FILES = {"store.toml", "menu.csv", "synonyms.txt"}


@st.composite
def span(draw) -> str:  # type: ignore[no-untyped-def]
    start = draw(st.integers(0, 23))
    end = draw(st.integers(0, 23))
    return f"{start:02d}:{draw(st.sampled_from(['00', '30']))}-{end:02d}:00" if start != end else "휴무"


@st.composite
def folder(draw):  # type: ignore[no-untyped-def]
    hours = {day: draw(st.one_of(st.just("휴무"), span())) for day in WEEKDAYS}
    store = [f"name = {json.dumps(draw(word), ensure_ascii=False)}", 'phone = "02-000-0000"', 'address = "서울"', "", "[hours]"]
    store += [f'{d} = "{v}"' for d, v in hours.items()]
    store.append(f"last_order_minutes = {draw(st.integers(0, 90))}")
    names = draw(st.lists(word, min_size=1, max_size=12, unique=True))
    rows = []
    for name in names:
        price = draw(st.integers(0, 200_000))
        style = draw(st.sampled_from(["{p}", "{p:,}", "{p:,}원"]))
        rows.append({
            "name": name,
            "price": style.format(p=price),
            "want_price": price,
            "tags": draw(st.lists(st.sampled_from(["인기", "비건", "아이", "신메뉴"]), unique=True)),
            "allergens": draw(st.lists(st.sampled_from(["우유", "달걀", "밀", "대두"]), unique=True)),
            "spicy": draw(st.integers(0, 3)),
            "available": draw(st.sampled_from(["Y", "N", "O", "X", "예", "아니오"])),
        })
    header = draw(st.sampled_from([["이름", "가격", "태그", "알레르기", "맵기", "판매"], ["name", "price", "tags", "allergens", "spicy", "available"]]))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(header)
    for r in rows:
        writer.writerow([r["name"], r["price"], ",".join(r["tags"]), "|".join(r["allergens"]), r["spicy"], r["available"]])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp949"]))
    questions = draw(st.lists(word, min_size=1, max_size=8, unique=True))
    faq = ["# 안내", ""]
    for q in questions:
        faq += [f"## {q}?", f"다른 표현: {q} 돼요? | {q} 있어요?", f"**{q}** 답변이에요.", ""]
    return {
        "store.toml": "\n".join(store) + "\n",
        "menu.csv": out.getvalue().encode(encoding),
        "faq/안내.md": "\n".join(faq),
        "rows": rows,
        "questions": questions,
    }


def write(root: Path, files: dict) -> None:  # type: ignore[type-arg]
    if root.exists():
        shutil.rmtree(root)
    (root / "faq").mkdir(parents=True)
    for name, content in files.items():
        if name in ("rows", "questions"):
            continue
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (root / name).write_bytes(data)


TMP = Path(tempfile.mkdtemp(prefix="danggol-prop-"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(folder())
def test_generated_knowledge_loads_faithfully(files) -> None:  # type: ignore[no-untyped-def]
    root = TMP / "valid"
    write(root, files)
    k = load_knowledge(root)
    assert [m.name for m in k.menu] == [r["name"] for r in files["rows"]]
    for item, row in zip(k.menu, files["rows"]):
        assert item.price == row["want_price"]
        assert item.spicy == row["spicy"]
        assert item.available == (row["available"] in ("Y", "O", "예"))
        assert list(item.tags) == row["tags"] and list(item.allergens) == row["allergens"]
    assert [f.id for f in k.faqs] == [f"{q}?" for q in files["questions"]]
    assert all("**" not in f.answer and len(f.aliases) == 2 for f in k.faqs)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(folder(), st.sampled_from(["store.toml", "menu.csv", "faq/안내.md"]), st.data())
def test_corrupted_knowledge_fails_with_located_problems(files, target: str, data) -> None:  # type: ignore[no-untyped-def]
    raw = files[target] if isinstance(files[target], bytes) else files[target].encode("utf-8")
    kind = data.draw(st.sampled_from(["bytes", "delete_line", "duplicate_line", "garbage_line"]))
    lines = raw.split(b"\n")
    i = data.draw(st.integers(0, max(len(lines) - 1, 0)))
    if kind == "bytes":
        pos = data.draw(st.integers(0, len(raw)))
        raw = raw[:pos] + data.draw(st.binary(min_size=1, max_size=6)) + raw[pos:]
    elif kind == "delete_line":
        raw = b"\n".join(lines[:i] + lines[i + 1 :])
    elif kind == "duplicate_line":
        raw = b"\n".join(lines[: i + 1] + lines[i:])
    else:
        raw = b"\n".join(lines[:i] + [data.draw(st.text(max_size=20)).encode("utf-8")] + lines[i:])
    files = {**files, target: raw}
    root = TMP / "corrupt"
    write(root, files)
    try:
        load_knowledge(root)
    except KnowledgeError as e:
        assert e.problems
        for p in e.problems:
            assert p.file in FILES | {"faq/안내.md"}, p
            assert p.message and not p.message.startswith("Traceback")
            assert any("가" <= ch <= "힣" for ch in p.message), p  # plain Korean for the owner


def test_bad_price_is_reported_on_its_own_line(make_knowledge) -> None:  # type: ignore[no-untyped-def]
    rows = "".join(f"메뉴{i},{1000 * i}\n" for i in range(1, 30))
    menu = "이름,가격\n" + rows.replace("메뉴17,17000", "메뉴17,만칠천")
    try:
        load_knowledge(make_knowledge(menu=menu))
    except KnowledgeError as e:
        assert [(p.file, p.line) for p in e.problems] == [("menu.csv", 18)]
    else:
        raise AssertionError("a non-numeric price must be an error")
