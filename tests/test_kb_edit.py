"""Console edits to the owner's files: written only when the whole folder still loads, in the file's
own encoding, line endings and style, atomically, and read back by the loader as meant."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.kb.edit import EditRefused, KnowledgeEditor, one_line, with_entry, with_phrasing
from bot.kb.loader import load_knowledge
from tests.conftest import DEMO

HEADINGS = "# 매장\n\n## 주차 돼요?\n다른 표현: 주차장 있어요?\n지하 주차장 2시간 무료예요.\n\n## 포장 돼요?\n네, 포장 돼요.\n\n# 결제\n\n## 카드 돼요?\n네.\n"
PAIRS = "Q: 주차 돼요?\nA: 지하 주차장 2시간 무료예요.\n\nQ: 포장 돼요?\nA: 네, 포장 돼요.\n"


def test_a_phrasing_joins_the_alias_line_or_starts_one() -> None:
    assert "다른 표현: 주차장 있어요? | 차 댈 데 있어요?\n" in with_phrasing(HEADINGS, 3, "차 댈 데 있어요?")  # type: ignore[operator]
    assert "## 포장 돼요?\n다른 표현: 싸 가도 돼요?\n네, 포장 돼요." in with_phrasing(HEADINGS, 7, "싸 가도 돼요?")  # type: ignore[operator]
    assert "Q: 포장 돼요?\n다른 표현: 싸 가도 돼요?\nA: 네" in with_phrasing(PAIRS, 4, "싸 가도 돼요?")  # type: ignore[operator]
    assert with_phrasing(HEADINGS, 4, "x") is None and with_phrasing(HEADINGS, 99, "x") is None  # not a question line


def test_a_new_entry_goes_to_the_end_of_its_category_in_the_files_style() -> None:
    text = with_entry(HEADINGS, "매장", "콘센트 있어요?", ["충전 돼요?"], "창가 자리에 있어요.")
    assert "네, 포장 돼요.\n\n## 콘센트 있어요?\n다른 표현: 충전 돼요?\n창가 자리에 있어요.\n\n# 결제" in text
    assert with_entry(HEADINGS, "단체", "룸 있어요?", [], "없어요.").endswith("네.\n\n# 단체\n\n## 룸 있어요?\n없어요.\n")
    assert with_entry(PAIRS, "", "콘센트 있어요?", [], "있어요.").endswith("A: 네, 포장 돼요.\n\nQ: 콘센트 있어요?\nA: 있어요.\n")
    assert with_entry("", "", "콘센트 있어요?", [], "있어요.") == "## 콘센트 있어요?\n있어요.\n"


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(DEMO, folder)
    return folder


def test_an_edit_is_written_and_reloaded_only_when_the_folder_still_loads(shop: Path) -> None:
    reloads: list[int] = []
    editor = KnowledgeEditor(shop, reload=lambda: reloads.append(1))
    entry = editor.add_phrasing("웨이팅이 긴가요?", "지금 손님 많아요?")
    assert "지금 손님 많아요?" in entry.aliases and reloads == [1]
    assert any("지금 손님 많아요?" in f.aliases for f in load_knowledge(shop).faqs)

    before = {p: p.read_bytes() for p in shop.rglob("*") if p.is_file()}
    with pytest.raises(EditRefused) as refused:  # the same question twice: the loader's located error
        editor.add_faq("웨이팅이 긴가요?", "금방 앉으세요.", [], "faq/이용안내.md", "")
    assert "같은 질문은 한 번만" in str(refused.value) and refused.value.problems[0].line
    with pytest.raises(EditRefused) as refused:
        editor.add_faq("새 질문이에요?", "첫 줄\n## 둘째 줄", [], "faq/이용안내.md", "")
    assert "2번째 줄" in str(refused.value)
    with pytest.raises(EditRefused):
        editor.add_faq("새 질문이에요?", "답", [], "../store.toml", "")
    with pytest.raises(EditRefused):
        editor.add_phrasing("없는 질문", "아무 말")
    assert {p: p.read_bytes() for p in shop.rglob("*") if p.is_file()} == before and reloads == [1]
    assert not list(shop.rglob(".danggol-*"))  # no temporary file left behind

    (shop / "menu.csv").write_text("이름,가격\n김치찌개,구천원\n", encoding="utf-8")  # broken by hand meanwhile
    with pytest.raises(EditRefused) as refused:
        editor.add_phrasing("웨이팅이 긴가요?", "줄 길어요?")
    assert refused.value.problems[0].file == "menu.csv"


def test_a_cp949_file_with_windows_line_endings_stays_so(shop: Path) -> None:
    old = "# 매장\r\n\r\n## 주차 돼요?\r\n지하 주차장이 있어요.\r\n"
    (shop / "faq" / "엑셀에서.md").write_bytes(old.encode("cp949"))
    editor = KnowledgeEditor(shop)
    editor.add_phrasing("주차 돼요?", "차 댈 데 있어요?")
    data = (shop / "faq" / "엑셀에서.md").read_bytes()
    assert data.decode("cp949") == "# 매장\r\n\r\n## 주차 돼요?\r\n다른 표현: 차 댈 데 있어요?\r\n지하 주차장이 있어요.\r\n"
    with pytest.raises(EditRefused) as refused:
        editor.add_phrasing("주차 돼요?", "주차 돼요 🚗")
    assert "CP949" in str(refused.value) and (shop / "faq" / "엑셀에서.md").read_bytes() == data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("|*_#:~`\n 다른표현Q"), min_size=1, max_size=40))
def test_any_phrasing_reads_back_as_written(shop: Path, phrasing: str) -> None:
    """Whatever the owner types, the loader reads back exactly the phrasing the console shows, on the
    entry meant, and the entry's answer is unchanged; or nothing is written."""
    editor = KnowledgeEditor(shop)
    before = {f.id: f for f in load_knowledge(shop).faqs}
    try:
        entry = editor.add_phrasing("포장 되나요?", phrasing)
    except EditRefused:
        assert {f.id: f for f in load_knowledge(shop).faqs} == before
        return
    expected = one_line(phrasing, 100)
    assert expected in entry.aliases and entry.answer == before["포장 되나요?"].answer
    after = {f.id: f for f in load_knowledge(shop).faqs}
    assert set(after) == set(before) and all(after[i].answer == before[i].answer for i in before)


def test_a_folder_the_server_cannot_write_gets_a_sentence_not_a_crash(shop: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests run as root, who may write anywhere: the refusal of the final rename is simulated."""
    target = shop / "faq" / "이용안내.md"
    original = target.read_bytes()

    def refuse(src: str, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("bot.kb.edit.os.replace", refuse)
    with pytest.raises(EditRefused) as refused:
        KnowledgeEditor(shop).add_phrasing("웨이팅이 긴가요?", "줄 길어요?")
    assert "쓰기 권한" in str(refused.value) and target.read_bytes() == original
    assert not list(shop.rglob(".danggol-*"))
