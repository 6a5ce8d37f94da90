"""Hybrid retrieval over one knowledge snapshot: Kiwi-morpheme BM25 plus Chroma vectors, fused by rank.

BM25 finds the owner's exact words; the n-gram vectors find typos, spacing and partial words.
Reciprocal-rank fusion orders the candidates; a separate confidence (how much of the message
the entry explains) decides whether to answer at all, because ranks alone cannot say "none".
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from bot.kb import rank
from bot.kb.records import Knowledge
from bot.kb.text import Lexicon, build_lexicon, builtin_lexicon, clean, word_then
from bot.kb.tokenizer import Tokenizer
from bot.kb.vectors import ngram_vector
from bot.understand import encoder
from bot.understand.aspects import aspects
from bot.understand.concepts import concept_of
from bot.understand.links import load as load_links
from bot.understand.links import strength

log = logging.getLogger(__name__)
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
# bm25s sets its own logger to DEBUG on import and logs every index build.
logging.getLogger("bm25s").setLevel(logging.WARNING)


EXACT_SEARCH_LIMIT = 20_000
# A word said through a learned link counts its link's weight (at most a shared word's). On left-out
# writers of bench/data/pairs (bench/train_gate.py), right answers gained over the hand gate: +126 at
# 0.6, +156 at 1.0, +166 at 1.5 with the sparser links first tried; +188 at 1.0 and +193 at 1.5 with
# the links kept (docs/decisions.md).
LINK_SHARE = 1.0


@dataclass(frozen=True)
class Doc:
    kind: str
    id: str
    parts: tuple[str, ...]  # texts embedded separately (question, each alias, answer)
    weighted: tuple[tuple[str, int], ...]  # (text, repeat) pairs for BM25


@dataclass(frozen=True)
class Query:
    """A message analysed once and searched many times (FAQ, menu, with item names masked)."""

    raw: str
    clean: str
    expanded: str
    tokens: tuple[str, ...]
    vector: np.ndarray = field(compare=False, repr=False)
    concepts: frozenset[str] = frozenset()  # terms the lexicon added: the message's topics
    morphemes: tuple[str, ...] = ()  # the tokenizer's content tokens alone, without the concepts added
    aspects: frozenset[str] = frozenset()  # what it asks of its topic: cost, time, place… (bot/understand/aspects.py)


@dataclass(frozen=True)
class Hit:
    kind: str
    id: str
    fused: float
    bm25: float
    cosine: float
    coverage: float
    head: float
    matched: tuple[str, ...]
    linked: float = 0.0  # the part of `coverage` said only through learned word links
    head_linked: float = 0.0  # the part of `head` said only through them
    unsaid: tuple[str, ...] = ()  # the message's terms the entry says neither plainly nor through a link
    learned: float = 0.0  # the learned encoder's cosine between message and entry (bot/understand/encoder.py)

    @property
    def confidence(self) -> float:
        """0..1: how well this entry and the message explain each other, comparable across messages."""
        return 0.4 * self.coverage + 0.25 * self.cosine + 0.35 * self.head

    @property
    def plain_coverage(self) -> float:
        return self.coverage - self.linked

    @property
    def plain_head(self) -> float:
        return self.head - self.head_linked

    @property
    def plain_confidence(self) -> float:
        """The confidence on the words the message and the entry share, without learned links: what
        the hand-written gate and the skills' checks were set on."""
        return 0.4 * self.plain_coverage + 0.25 * self.cosine + 0.35 * self.plain_head


class _KindIndex:
    """BM25 and term statistics for the documents of one kind."""

    def __init__(self, docs: list[Doc], token_lists: list[list[str]], phrasings: list[list[set[str]]],
                 links: dict[str, tuple[tuple[str, float], ...]] | None = None):
        self.docs = docs
        self.links = links or {}
        self.phrasings = phrasings
        self.question_terms = [set().union(*p) for p in phrasings]  # each entry's question and aliases, as one set
        self.head_aspects = [aspects(" ".join(d.parts[:-1])) for d in docs]  # what each entry's question asks of its topic
        self.position = {d.id: i for i, d in enumerate(docs)}
        self.learned: np.ndarray | None = None  # each entry's learned vector, for the FAQ (KnowledgeIndex sets it)
        self.term_sets = [set(t) for t in token_lists]
        self.postings: dict[str, list[int]] = {}
        for i, terms in enumerate(self.term_sets):
            for t in terms:
                self.postings.setdefault(t, []).append(i)
        df = Counter(t for ts in self.term_sets for t in ts)
        n = max(len(docs), 1)
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self.oov_idf = math.log(1 + (n + 0.5) / 0.5) * 0.5
        self.bm25 = bm25s.BM25(k1=1.2, b=0.5)
        if docs:
            self.bm25.index([t or ["∅"] for t in token_lists], show_progress=False)

    def scores(self, tokens: Iterable[str]) -> np.ndarray:
        known = [t for t in tokens if t in self.idf]
        if not self.docs or not known:
            return np.zeros(len(self.docs), dtype=np.float32)
        return np.asarray(self.bm25.get_scores(known), dtype=np.float32)

    def _base(self, term: str, oov: float = 0.0) -> float:
        """A term's evidence before the message: rarer is stronger, one syllable (비, 먹) is weak."""
        w = self.idf.get(term, oov)
        return w * 0.5 if len(term) == 1 and "가" <= term <= "힣" else w

    def weights(self, q: Query) -> dict[str, float]:
        """Each message term's weight; a lexicon concept (주차, 포장) counts half again. Computed once a search."""
        return {t: self._base(t, self.oov_idf) * (1.5 if t in q.concepts else 1.0) for t in set(q.tokens)}

    def coverage(self, q: Query, i: int, weights: dict[str, float],
                 usable: set[str] | frozenset[str] = frozenset()) -> tuple[float, tuple[str, ...], float, tuple[str, ...]]:
        """How much of the message this entry explains: its shared words in full, and a word the
        entry says only through a learned link (bot/understand/links.py) by part of its weight;
        with the matched terms, the linked part, and the terms it leaves unsaid either way."""
        total = sum(weights.values())
        if not total:
            return 0.0, (), 0.0, ()
        matched = tuple(sorted(weights.keys() & self.term_sets[i]))
        said = sum(weights[t] for t in matched)
        linked = 0.0
        through: set[str] = set()
        if self.links:
            for t in usable - set(matched):
                w = strength(t, self.term_sets[i], self.links)
                if w > 0:
                    linked += LINK_SHARE * weights[t] * w
                    through.add(t)
        unsaid = tuple(t for t in weights if t not in through and t not in matched)
        return (said + linked) / total, matched, linked / total, unsaid

    def linked(self, usable: set[str], weights: dict[str, float]) -> dict[str, float]:
        """The owner's terms the message's words link to, each with its strongest link."""
        out: dict[str, float] = {}
        for t in usable:
            for target, w in self.links.get(t, ()):
                if w > out.get(target, 0.0) and target not in weights:
                    out[target] = w
        return out

    def head(self, q: Query, i: int, weights: dict[str, float], linked: dict[str, float] | None = None) -> tuple[float, float]:
        """How much of the entry's own question (or its closest alias) the message says, and how
        much of that only through learned links (the best phrasing's)."""
        best, best_linked = 0.0, 0.0
        for phrase in self.phrasings[i]:
            total = sum(self._base(t) * (1.5 if t in q.concepts else 1.0) for t in phrase)
            if total:
                said = sum(weights[t] for t in phrase & weights.keys())
                by_link = 0.0
                if linked and not linked.keys().isdisjoint(phrase):
                    by_link = LINK_SHARE * sum(self._base(t) * (1.5 if t in q.concepts else 1.0) * linked.get(t, 0.0) for t in phrase - weights.keys())
                # The +1 keeps a one-word question (배달도 되나요?) from claiming any message with that word.
                if (said + by_link) / (total + 1.0) > best:
                    best, best_linked = (said + by_link) / (total + 1.0), by_link / (total + 1.0)
        return best, best_linked

    def link_scores(self, usable: set[str], weights: dict[str, float]) -> dict[int, float]:
        """Entries that say the message's words through links, by the weight they say (each word
        by its strongest link the entry holds, as `strength` counts it)."""
        out: dict[int, float] = {}
        for t in usable:
            credited: set[int] = set()
            for target, w in self.links.get(t, ()):  # strongest first
                for i in self.postings.get(target, ()):
                    if i not in credited and t not in self.term_sets[i]:
                        credited.add(i)
                        out[i] = out.get(i, 0.0) + weights[t] * w
        return out


def read_terms(c: str, tokens: list[str], lemmas: str, lexicon: Lexicon) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
    """(clean text, text with its canonical words, index terms, concept terms) of one analysed text:
    the tokenizer's terms, then the lexicon's concepts and the concept model's. One function for the
    index and the trainers, so a model learns the terms the index will search with."""
    canon = lexicon.expand(c, lemmas)
    learned = concept_of(c, tokens)  # the trained reading of the same text: wordings the lexicon lacks
    if learned is not None and learned not in canon:
        canon.append(learned)
    concepts = tuple(w for phrase in canon for w in phrase.split())
    expanded = f"{c} {' '.join(canon)}" if canon else c
    # English function words are no terms: an owner's English FAQ ("Where do I pay?") would
    # otherwise claim every English message by its "do" and "where".
    terms = [t for t in tokens if t not in ENGLISH_FUNCTION_WORDS]
    return c, expanded, (*terms, *concepts), concepts


def linkable(q: Query, weights: dict[str, float]) -> set[str]:
    """The message's terms a learned link may stand for: a one-syllable word only where the message
    writes it as a word of its own (차 in "차 세울 데", not a 차 the tokenizer reads inside a longer word)."""
    return {t for t in weights if len(t) > 1 or not "가" <= t <= "힣" or word_then(t, q.clean)}


ENGLISH_FUNCTION_WORDS = frozenset((
    "a", "an", "the", "and", "or", "but", "if", "of", "for", "from", "with", "to", "in", "on", "at", "by", "about", "as", "into",
    "is", "are", "was", "were", "be", "been", "am", "do", "does", "did", "have", "has", "had", "can", "could", "will", "would",
    "should", "may", "might", "must", "shall", "i", "you", "he", "she", "it", "we", "they", "me", "him", "her", "us", "them", "my",
    "your", "his", "its", "our", "their", "this", "that", "these", "those", "there", "here", "what", "which", "who", "when",
    "where", "why", "how", "any", "some", "just", "so", "than", "then", "please", "pls", "plz", "hi", "hello", "hey", "ok",
    "okay", "yes", "u", "ur", "im", "dont", "doesnt", "cant", "get", "got", "also", "too", "very", "really", "much", "many",
    "thanks", "thank", "lol", "s", "t", "m", "ll", "re", "ve", "d",
))


_claimed: dict[Path, Any] = {}  # index folders this process holds, with their open lock files


def claim_index_dir(path: Path) -> Path:
    """A folder of the vector index that no other running process writes to.

    Chroma's persistent store is one process's: two server processes on one folder would lock
    each other out. The first process gets `path`; another gets `path-2` (and so on), each kept
    across restarts so indexes stay incremental. The claim is an OS file lock, released when the
    process ends however it ends.
    """
    import fcntl

    for n in range(1, 65):
        candidate = path if n == 1 else path.with_name(f"{path.name}-{n}")
        if candidate in _claimed:
            return candidate
        candidate.mkdir(parents=True, exist_ok=True)
        handle = open(candidate / ".danggol.lock", "a")  # noqa: SIM115 - held open for the life of the process
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        _claimed[candidate] = handle
        return candidate
    raise RuntimeError(f"no free index folder next to {path}")


@dataclass(frozen=True)
class Embedding:
    dim: int


class VectorStore:
    """The entries' vectors, keyed by content hash, kept across restarts in the index folder.

    A shop's few thousand entries live in memory and in one numpy file (`<name>.npz`), searched
    exactly by KnowledgeIndex; a collection past EXACT_SEARCH_LIMIT goes to a persistent Chroma
    collection and its approximate index. Chroma is imported only then: it costs about 50 MB in
    every process, which a shop's small server should not pay for vectors that fit in a few MB.
    """

    def __init__(self, path: Path, name: str, dim: int):
        self.path = claim_index_dir(path)
        self.name = name
        self.embed = Embedding(dim)
        self.file = self.path / f"{name}.npz"
        self.memory: dict[str, np.ndarray] = self._read()
        self.collection: Any = None  # the Chroma collection, once a large knowledge base needs it

    def _read(self) -> dict[str, np.ndarray]:
        try:
            with np.load(self.file, allow_pickle=False) as f:
                keys, matrix = [str(k) for k in f["keys"]], f["vectors"]
            if matrix.shape[1:] != (self.embed.dim,):
                return {}
            return dict(zip(keys, matrix, strict=True))
        except (OSError, ValueError, KeyError):
            return {}  # none yet, or unreadable: the vectors are recomputed, nothing is lost

    def _write(self) -> None:
        keys = sorted(self.memory)
        matrix = np.stack([self.memory[k] for k in keys]) if keys else np.zeros((0, self.embed.dim), dtype=np.float32)
        tmp = self.file.with_suffix(".tmp.npz")
        with tmp.open("wb") as f:
            np.savez(f, keys=np.array(keys, dtype=str), vectors=matrix.astype(np.float32))
        os.replace(tmp, self.file)  # a reader never sees half a file

    def _chroma(self) -> Any:
        if self.collection is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            from bot.kb.embedding import HashedNgramEmbedding

            client = chromadb.PersistentClient(path=str(self.path), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False))
            self.collection = client.get_or_create_collection(
                name=self.name, embedding_function=HashedNgramEmbedding(self.embed.dim), metadata={"hnsw:space": "cosine"}  # type: ignore[arg-type]
            )
        return self.collection

    def sync(self, entries: dict[str, tuple[str, str, str]]) -> tuple[int, int]:
        """Store the entries not stored yet (id -> (kind, doc id, text)); return (added, kept)."""
        if len(entries) <= EXACT_SEARCH_LIMIT:
            new = [k for k in entries if k not in self.memory]
            for k in new:
                self.memory[k] = ngram_vector(entries[k][2], self.embed.dim)
            if new:
                self._write()
            return len(new), len(entries) - len(new)
        collection = self._chroma()
        existing = set(collection.get(include=[])["ids"])
        new = [k for k in entries if k not in existing]
        for start in range(0, len(new), 1000):
            batch = new[start : start + 1000]
            collection.add(
                ids=batch,
                documents=[entries[k][2] for k in batch],
                embeddings=[ngram_vector(entries[k][2], self.embed.dim) for k in batch],
                metadatas=[{"kind": entries[k][0], "doc": entries[k][1]} for k in batch],
            )
        return len(new), len(existing & set(entries))

    def embeddings(self, ids: list[str]) -> np.ndarray:
        """The stored vectors of `ids`, in that order."""
        if not ids:
            return np.zeros((0, self.embed.dim), dtype=np.float32)
        if all(i in self.memory for i in ids):
            return np.stack([self.memory[i] for i in ids]).astype(np.float32)
        got = self._chroma().get(ids=ids, include=["embeddings"])
        by_id = dict(zip(got["ids"], got["embeddings"]))
        return np.asarray([by_id[i] for i in ids], dtype=np.float32)

    def prune(self, keep: set[str]) -> int:
        """Delete entries no snapshot uses any more."""
        stale = [k for k in self.memory if k not in keep]
        for k in stale:
            del self.memory[k]
        if stale:
            self._write()
        if self.collection is not None:
            old = [k for k in self.collection.get(include=[])["ids"] if k not in keep]
            if old:
                self.collection.delete(ids=old)
            stale += old
        return len(stale)

    def query(self, vector: np.ndarray, kind: str, k: int) -> list[tuple[str, str, float]]:
        """(entry id, doc id, cosine) of the nearest entries of `kind` in the Chroma collection."""
        res = self._chroma().query(
            query_embeddings=[vector], n_results=k, where={"kind": kind}, include=["metadatas", "distances"]
        )
        ids, metas, dists = res["ids"][0], res["metadatas"][0], res["distances"][0]
        return [(i, str(m["doc"]), 1.0 - float(d)) for i, m, d in zip(ids, metas, dists, strict=False)]


def _docs(knowledge: Knowledge) -> list[Doc]:
    docs = []
    for f in knowledge.faqs:
        head = (f.id, *f.aliases)
        weighted = tuple((t, 2) for t in head) + ((f.answer, 1), (f.category, 1))
        docs.append(Doc("faq", f.id, (*head, f.answer), weighted))
    for m in knowledge.menu:
        text = f"{m.name} {m.category} {m.description} {' '.join(m.tags)}"
        docs.append(Doc("menu", m.name, (m.name, text), ((m.name, 3), (m.category, 1), (m.description, 1), (" ".join(m.tags), 1))))
    return docs


def _entry_key(doc: Doc, part: int, text: str, salt: str) -> str:
    digest = hashlib.sha1(f"{salt}\x00{doc.kind}\x00{doc.id}\x00{text}".encode()).hexdigest()[:16]
    return f"{doc.kind}:{part}:{digest}"


class KnowledgeIndex:
    """Immutable search over one snapshot; build a new one when the files change."""

    def __init__(self, knowledge: Knowledge, tokenizer: Tokenizer, vectors: VectorStore, rrf_k: int = 60):
        t0 = time.perf_counter()
        self.knowledge = knowledge
        self.tokenizer = tokenizer
        self.vectors = vectors
        self.rrf_k = rrf_k
        self.lexicon: Lexicon = build_lexicon((*builtin_lexicon(), *knowledge.synonyms))
        docs = _docs(knowledge)
        self._analysed: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {}
        texts = {t for d in docs for t, _ in d.weighted} | {p for d in docs for p in d.parts}
        self._prime(sorted(texts))
        token_lists = [[tok for t, n in d.weighted for tok in self.analyse(t)[2] * n] for d in docs]
        phrasings = [[set(self.analyse(p)[2]) for p in d.parts[:-1]] for d in docs]
        self.kinds = {
            kind: _KindIndex(
                [d for d in docs if d.kind == kind],
                [t for d, t in zip(docs, token_lists) if d.kind == kind],
                [p for d, p in zip(docs, phrasings) if d.kind == kind],
                load_links() if kind == "faq" else None,
            )
            for kind in ("faq", "menu")
        }
        model = encoder.load()
        faq = self.kinds["faq"]
        if model is not None and faq.docs:
            # Each entry's question, aliases and answer as one learned vector: computed once a snapshot.
            faq.learned = np.stack([
                encoder.embed(np.unique(np.concatenate([encoder.feature_ids(self.analyse(p)[0], self.analyse(p)[2]) for p in d.parts])), model[1])
                for d in faq.docs
            ])
        salt = f"{tokenizer.name}:{vectors.embed.dim}"
        self.entries = {
            _entry_key(d, i, text, salt): (d.kind, d.id, text)
            for d in docs
            for i, part in enumerate(d.parts)
            if (text := self.vector_text(part))
        }
        self.added, self.kept = vectors.sync(self.entries)
        # A shop's few hundred vectors are searched exactly in memory (a matrix product, far
        # under a millisecond); Chroma's approximate index takes over for large collections.
        self.matrices: dict[str, tuple[np.ndarray, list[int], list[str]]] = {}
        if len(self.entries) <= EXACT_SEARCH_LIMIT:
            for kind, idx in self.kinds.items():
                keys = [k for k, (kd, _, _) in self.entries.items() if kd == kind]
                positions = [idx.position[self.entries[k][1]] for k in keys]
                self.matrices[kind] = (vectors.embeddings(keys), positions, keys)
        self.build_seconds = time.perf_counter() - t0

    def analyse(self, text: str) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
        """(clean text, text with its canonical words, index terms, concept terms), alike for docs and queries.

        Canonical words are added as whole terms, not re-analysed: Kiwi reads a lone 아이 as an
        interjection. Variants are matched on the text and on its morpheme forms, so a variant
        written as a stem (들고 나가) also finds 들고 나갈.
        """
        known = self._analysed.get(text)
        if known is not None:
            return known
        c = clean(text)
        ((tokens, lemmas),) = self.tokenizer.analyse_many([c])
        return self._finish(c, tokens, lemmas)

    def _finish(self, c: str, tokens: list[str], lemmas: str) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
        return read_terms(c, tokens, lemmas, self.lexicon)

    def _prime(self, texts: list[str]) -> None:
        """Analyse every document text in one batch: Kiwi is much faster on a list."""
        cleaned = [clean(t) for t in texts]
        for text, c, (tokens, lemmas) in zip(texts, cleaned, self.tokenizer.analyse_many(cleaned)):
            self._analysed[text] = self._finish(c, tokens, lemmas)

    def morphemes(self, text: str) -> tuple[str, ...]:
        """The tokenizer's content words of a text, in order, without the lexicon's concepts."""
        _, _, terms, concepts = self.analyse(text)
        return terms[: len(terms) - len(concepts)]

    def vector_text(self, text: str) -> str:
        """What gets embedded: the content words, so question framing (어떻게, 되나요) adds nothing."""
        return " ".join(self.analyse(text)[2])

    def query(self, text: str) -> Query:
        c, expanded, tokens, concepts = self.analyse(text)
        return Query(text, c, expanded, tokens, ngram_vector(" ".join(tokens), self.vectors.embed.dim), frozenset(concepts),
                     tokens[: len(tokens) - len(concepts)], aspects(f"{text} {c}"))

    def terms_of(self, kind: str, doc_id: str) -> set[str]:
        """Every index term of one entry (question, aliases and answer)."""
        idx = self.kinds[kind]
        return idx.term_sets[idx.position[doc_id]]

    @staticmethod
    def _learned(q: Query, idx: _KindIndex) -> np.ndarray | None:
        """The learned encoder's cosine of the message with every entry, or None without a model."""
        model = encoder.load()
        if idx.learned is None or model is None:
            return None
        return idx.learned @ encoder.embed(encoder.feature_ids(q.clean, q.tokens), model[0])

    def search(self, q: Query, kind: str = "faq", k: int = 5) -> list[Hit]:
        """Best entries of `kind` for the query, fused by rank, best first."""
        idx = self.kinds[kind]
        if not idx.docs:
            return []
        bm = idx.scores(q.tokens)
        bm_order = [i for i in np.argsort(-bm, kind="stable") if bm[i] > 0][: k * 3]
        cos: dict[int, float] = {}
        if kind in self.matrices:
            matrix, positions, _ = self.matrices[kind]
            if len(positions):
                for i, similarity in zip(positions, (matrix @ q.vector).tolist()):
                    cos[i] = max(cos.get(i, 0.0), similarity)
                top = sorted(cos, key=lambda i: -cos[i])[: k * 4]
                cos = {i: cos[i] for i in top}
        else:
            for key, doc_id, similarity in self.vectors.query(q.vector, kind, k * 4):
                pos = idx.position.get(doc_id)
                if key in self.entries and pos is not None:
                    cos[pos] = max(cos.get(pos, 0.0), similarity)
        vec_order = sorted(cos, key=lambda i: -cos[i])
        weights = idx.weights(q)
        usable = linkable(q, weights) if idx.links else set()
        rankings = [bm_order, vec_order]
        learned = self._learned(q, idx)
        if learned is not None:
            rankings.append([int(i) for i in np.argsort(-learned, kind="stable")[: k * 2]])
        if idx.links:
            by_link = idx.link_scores(usable, weights)
            rankings.append(sorted(by_link, key=lambda i: -by_link[i])[: k * 2])
        fused: dict[int, float] = {}
        for ranking in rankings:
            for r, i in enumerate(ranking):
                fused[int(i)] = fused.get(int(i), 0.0) + 1.0 / (self.rrf_k + r + 1)
        hits = []
        linked = idx.linked(usable, weights) if idx.links else None
        for i in sorted(fused, key=lambda i: -fused[i])[: k * 2]:
            coverage, matched, cover_link, unsaid = idx.coverage(q, i, weights, usable)
            head, head_link = idx.head(q, i, weights, linked)
            hits.append(Hit(kind, idx.docs[i].id, fused[i], float(bm[i]), cos.get(i, 0.0), coverage, head, matched, cover_link, head_link, unsaid,
                            float(learned[i]) if learned is not None else 0.0))
        # Fusion picks the candidates; confidence orders them, since it also sees what is unexplained;
        # for the FAQ, the trained ranker (bot/kb/rank.py) then reorders them, the hand order an input.
        hits.sort(key=lambda h: (-round(h.confidence, 3), -h.fused))
        if kind == "faq":
            at = [idx.position[h.id] for h in hits]
            hits = rank.order(hits, q, weights, [idx.question_terms[i] for i in at], [idx.head_aspects[i] for i in at])
        return hits[:k]


def collection_name(knowledge_dir: Path, tokenizer: str, dim: int) -> str:
    """One collection per knowledge folder and embedding setup, so stores never mix."""
    digest = hashlib.sha1(f"{knowledge_dir.resolve()}|{tokenizer}|{dim}".encode()).hexdigest()[:12]
    return f"danggol_{digest}"
