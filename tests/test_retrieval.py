"""Hybrid retrieval: paraphrases, typos, spacing, slang; offline builds; incremental re-indexing."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.kb.base import KnowledgeBase
from bot.settings import RetrievalSettings
from tests.conftest import DEMO, FAQ_MD, ROOT


@pytest.mark.parametrize(
    "message,faq_id",
    [
        ("주차 되나여?", "주차할 수 있나요?"),
        ("차 끌고 가면 어디다 세워요", "주차할 수 있나요?"),
        ("댕댕이 데려가도 돼요?🐶", "반려동물 데리고 가도 되나요?"),
        ("와파비번좀", "와이파이 되나요?"),
        ("아기의자잇나요", "아이 의자 있나요?"),
        ("술 반입 되나요? 와인 한병 가져가려구요", "술 가져가도 되나요?"),
        ("반찬 더 주세요 리필 돼요?", "반찬 리필 돼요?"),
        ("현영 해주세요", "현금영수증 받을 수 있나요?"),
        ("엘베 있나요 휠체어라서", "휠체어로 들어갈 수 있나요?"),
        ("take out 되나요", "포장 되나요?"),
    ],
)
def test_faq_paraphrases(demo_kb: KnowledgeBase, message: str, faq_id: str) -> None:
    index = demo_kb.snapshot.index
    hits = index.search(index.query(message), "faq", 3)
    assert hits and hits[0].id == faq_id, [(h.id, round(h.confidence, 2)) for h in hits]


@pytest.mark.parametrize("message", ["삼성전자 주가 어때요", "사장님 MBTI 뭐예요", "인스타 계정 있어요?"])
def test_unrelated_messages_have_low_confidence(demo_kb: KnowledgeBase, message: str) -> None:
    index = demo_kb.snapshot.index
    hits = index.search(index.query(message), "faq", 1)
    assert not hits or hits[0].confidence < RetrievalSettings().min_confidence


def test_owner_synonyms_reach_the_menu(demo_kb: KnowledgeBase) -> None:
    names = [m.item.name for m in demo_kb.snapshot.menu.find("김찌 하나랑 계란마리 주세요")]
    assert names[:2] == ["돼지김치찌개", "계란말이"]


def test_incremental_reindex_reuses_unchanged_vectors(make_knowledge, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = make_knowledge()
    kb = KnowledgeBase(root, tmp_path / "index", RetrievalSettings())
    assert kb.reload()
    first = kb.snapshot.index
    assert first.added > 0 and first.kept == 0
    again = KnowledgeBase(root, tmp_path / "index", RetrievalSettings())
    again.reload()
    assert again.snapshot.index.added == 0 and again.snapshot.index.kept == first.added
    (root / "faq" / "이용.md").write_text(FAQ_MD + "\n## 와이파이 있나요?\n네, 비밀번호는 1234예요.\n", encoding="utf-8")
    assert again.reload()
    index = again.snapshot.index
    assert 0 < index.added < first.added + 5 and index.kept == first.added
    hits = index.search(index.query("와파 비번"), "faq", 1)
    assert hits[0].id == "와이파이 있나요?"


def test_index_builds_and_answers_with_networking_disabled(tmp_path: Path) -> None:
    """No model download, no telemetry: every socket connection raises in this process."""
    script = textwrap.dedent(
        f"""
        import json, socket, sys
        def refuse(*args, **kwargs):
            raise OSError("network disabled for this test")
        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from bot.kb.base import KnowledgeBase
        from bot.settings import RetrievalSettings
        kb = KnowledgeBase(Path({str(DEMO)!r}), Path({str(tmp_path / 'index')!r}), RetrievalSettings())
        assert kb.reload()
        index = kb.snapshot.index
        hit = index.search(index.query("주차 되나요"), "faq", 1)[0]
        print(json.dumps({{"added": index.added, "top": hit.id}}, ensure_ascii=False))
        """
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["added"] > 50 and result["top"] == "주차할 수 있나요?"


def test_chroma_query_path_agrees_with_the_exact_search(make_knowledge, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Large collections are searched by Chroma's index instead of in memory: same answers."""
    import bot.kb.index as index_module

    kb = KnowledgeBase(DEMO, tmp_path / "index", RetrievalSettings())
    kb.reload()
    monkeypatch.setattr(index_module, "EXACT_SEARCH_LIMIT", 0)
    chroma = KnowledgeBase(DEMO, tmp_path / "index", RetrievalSettings())
    chroma.reload()
    assert chroma.snapshot.index.matrices == {} and kb.snapshot.index.matrices
    for message in ("주차 되나요", "와파 비번", "반려견 데려가도 돼요", "현영 되나요"):
        exact = kb.snapshot.index.search(kb.snapshot.index.query(message), "faq", 3)
        approx = chroma.snapshot.index.search(chroma.snapshot.index.query(message), "faq", 3)
        assert [h.id for h in exact][:1] == [h.id for h in approx][:1]
        assert abs(exact[0].cosine - approx[0].cosine) < 1e-4


def test_english_function_words_are_no_index_terms() -> None:
    """An owner's English heading ("How do I order here?") must not claim English messages by "do"."""
    from bot.kb.index import read_terms
    from bot.kb.text import build_lexicon, builtin_lexicon, clean
    from bot.kb.tokenizer import get_tokenizer

    c = clean("How do I order here?")
    ((tokens, lemmas),) = get_tokenizer("kiwi").analyse_many([c])
    terms = read_terms(c, tokens, lemmas, build_lexicon(builtin_lexicon()))[2]
    assert "order" in terms and not {"how", "do", "i", "here"} & set(terms)
