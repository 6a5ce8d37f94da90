"""Fit the FAQ sentence encoder (bot/understand/encoder.py) on the pairs corpus (bench/data/pairs/:
made-up shops' FAQ entries and customers' wordings, written from a brief only).

    .venv/bin/python bench/train_encoder.py              # report left out by writer, then write the model
    .venv/bin/python bench/train_encoder.py --dry-run    # report only
    .venv/bin/python bench/train_encoder.py --stores tests/fixtures/eval --dry-run  # also read labelled stores

Each shop is one softmax: every message against all the shop's entries, the entry it was written
for the answer, with a few other shops' entries as more wrong answers. Two tables of hashed
features (customers', owners'), Adagrad on the rows a batch touches; pure numpy. Reported: how
often the right entry has the highest cosine among its shop's entries, for the unlearned n-gram
cosine the index already has and for the encoder, each writer left out in turn (some folds), and
on labelled stores' FAQ questions among all their entries (never trained on).
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.faq_pairs import read_corpus  # noqa: E402
from bot.kb.index import read_terms  # noqa: E402
from bot.kb.loader import load_knowledge  # noqa: E402
from bot.kb.text import build_lexicon, builtin_lexicon, clean  # noqa: E402
from bot.kb.tokenizer import get_tokenizer  # noqa: E402
from bot.kb.vectors import ngram_vector  # noqa: E402
from bot.settings import RetrievalSettings  # noqa: E402
from bot.understand import encoder  # noqa: E402

SETTINGS = RetrievalSettings()
HEADING_ONLY = False


class Analyser:
    """Texts to (feature ids, the index's vector text) exactly as the index analyses them."""

    def __init__(self) -> None:
        self.tok = get_tokenizer(SETTINGS.tokenizer, SETTINGS.kiwi_default_dict, SETTINGS.kiwi_multi_dict)
        self.lex = build_lexicon(builtin_lexicon())
        self.cache: dict[str, tuple[np.ndarray, str]] = {}

    def prime(self, texts: list[str]) -> None:
        todo = sorted({t for t in texts if t not in self.cache})
        cleaned = [clean(t) for t in todo]
        for i in range(0, len(todo), 2000):
            for t, c, (tokens, lemmas) in zip(todo[i:i + 2000], cleaned[i:i + 2000], self.tok.analyse_many(cleaned[i:i + 2000]), strict=True):
                c2, _, terms, _ = read_terms(c, tokens, lemmas, self.lex)
                self.cache[t] = (encoder.feature_ids(c2, terms), " ".join(terms))

    def ids(self, parts: tuple[str, ...]) -> np.ndarray:
        return np.unique(np.concatenate([self.cache[p][0] for p in parts]))


Shop = tuple[list[np.ndarray], list[np.ndarray], np.ndarray]  # message ids, entry ids, right entry of each message


def unit(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = np.linalg.norm(u, axis=1, keepdims=True) + 1e-8
    return u / n, n


def sums(table: np.ndarray, ids: list[np.ndarray]) -> np.ndarray:
    return np.stack([table[i].sum(0) for i in ids])


def train(shops: list[Shop], dim: int, epochs: int, lr: float, scale: float, extra: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    tables = [rng.normal(0, 0.1, (encoder.BUCKETS, dim)).astype(np.float32) for _ in range(2)]
    acc = [np.full((encoder.BUCKETS, dim), 1e-6, dtype=np.float32) for _ in range(2)]
    all_entries = [e for s in shops for e in s[1]]
    for epoch in range(epochs):
        loss = 0.0
        for si in rng.permutation(len(shops)):
            msgs, ents, right = shops[si]
            others = [all_entries[j] for j in rng.choice(len(all_entries), extra, replace=False)] if extra else []
            ents_all = ents + others
            m, mn = unit(sums(tables[0], msgs))
            e, en = unit(sums(tables[1], ents_all))
            logits = scale * m @ e.T
            logits -= logits.max(1, keepdims=True)
            p = np.exp(logits)
            p /= p.sum(1, keepdims=True)
            loss += float(-np.log(p[np.arange(len(right)), right] + 1e-9).sum())
            g = p
            g[np.arange(len(right)), right] -= 1.0
            g *= scale / len(right)
            dm, de = g @ e, g.T @ m
            dm = (dm - m * (m * dm).sum(1, keepdims=True)) / mn
            de = (de - e * (e * de).sum(1, keepdims=True)) / en
            for side, ids, grads in ((0, msgs, dm), (1, ents_all, de)):
                rows = np.concatenate(ids)
                grad = np.repeat(grads, [len(i) for i in ids], axis=0)
                uniq, inv = np.unique(rows, return_inverse=True)
                gsum = np.zeros((len(uniq), dim), dtype=np.float32)
                np.add.at(gsum, inv, grad)
                acc[side][uniq] += gsum * gsum
                tables[side][uniq] -= lr * gsum / np.sqrt(acc[side][uniq])
        print(f"  epoch {epoch + 1}: loss {loss / sum(len(s[2]) for s in shops):.3f}", file=sys.stderr, flush=True)
    return tables[0], tables[1]


def sims(shop: Shop, tables: tuple[np.ndarray, np.ndarray] | None, texts: tuple[list[str], list[str]] | None = None) -> np.ndarray:
    msgs, ents, _ = shop
    if tables is not None:
        return unit(sums(tables[0], msgs))[0] @ unit(sums(tables[1], ents))[0].T
    assert texts is not None
    mt, et = texts
    mv = np.stack([ngram_vector(t, SETTINGS.vector_dim) for t in mt])
    return np.stack([np.max(np.stack([ngram_vector(p, SETTINGS.vector_dim) for p in et_i.split(" | ")]) @ mv.T, axis=0) for et_i in et], 1)


def firsts(shops: list[Shop], tables: tuple[np.ndarray, np.ndarray] | None, texts: list[tuple[list[str], list[str]]] | None = None) -> int:
    """Messages whose right entry has the highest cosine in its shop (by the encoder, or by the
    index's unlearned n-gram cosine when `tables` is None, from `texts`)."""
    hit = 0
    for n, (msgs, ents, right) in enumerate(shops):
        if tables is not None:
            m, _ = unit(sums(tables[0], msgs))
            e, _ = unit(sums(tables[1], ents))
            sim = m @ e.T
        else:
            assert texts is not None
            mt, et = texts[n]
            mv = np.stack([ngram_vector(t, SETTINGS.vector_dim) for t in mt])
            # the index takes each entry's best part; its parts' vector texts are joined here by " | "
            sim = np.stack([np.max(np.stack([ngram_vector(p, SETTINGS.vector_dim) for p in et_i.split(" | ")]) @ mv.T, axis=0) for et_i in et], 1)
        hit += int((sim.argmax(1) == right).sum())
    return hit


def pairs_shops(an: Analyser, corpus: dict) -> dict[str, tuple[list[Shop], list[tuple[list[str], list[str]]]]]:
    out = {}
    for w, shops in corpus.items():
        got, texts = [], []
        for entries in shops:
            msgs, right = [], []
            for k, e in enumerate(entries):
                for a in e.asks:
                    msgs.append(a)
                    right.append(k)
            got.append(([an.cache[a][0] for a in msgs], [an.ids((e.heading,) if HEADING_ONLY else (e.heading, e.answer)) for e in entries], np.array(right)))
            texts.append(([an.cache[a][1] for a in msgs], [" | ".join(an.cache[p][1] for p in (e.heading, e.answer)) for e in entries]))
        out[w] = (got, texts)
    return out


def store_shops(an: Analyser, folder: Path) -> list[tuple[str, Shop, tuple[list[str], list[str]]]]:
    out = []
    for d in sorted(p for p in folder.iterdir() if (p / "questions.jsonl").exists()):
        faqs = load_knowledge(d / "knowledge").faqs
        ids = {f.id: k for k, f in enumerate(faqs)}
        rows = [json.loads(x) for x in (d / "questions.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
        asks = [(r["q"], ids[r["source"]]) for r in rows if r.get("intent") == "faq" and r.get("source") in ids]
        parts = [(f.id, *f.aliases, f.answer) for f in faqs]
        an.prime([q for q, _ in asks] + [p for ps in parts for p in ps])
        shop = ([an.cache[q][0] for q, _ in asks], [an.ids(ps[:-1] if HEADING_ONLY else ps) for ps in parts], np.array([k for _, k in asks]))
        out.append((d.name, shop, ([an.cache[q][1] for q, _ in asks], [" | ".join(an.cache[p][1] for p in ps) for ps in parts])))
    return out


FOLDS = 4
FOLD_CACHE = Path(tempfile.gettempdir()) / "danggol-encoder-folds"


def fold_of(writer: str, writers: list[str]) -> int:
    return sorted(writers).index(writer) % FOLDS


def tables_without(corpus: dict, writer: str) -> tuple[np.ndarray, np.ndarray]:
    """The encoder as trained without the fold of writers `writer` belongs to (four folds, cached on
    disk for this corpus): how the ranker and gate trainers read a writer's messages as the next
    shop's, as they do with word links (bench/train_links.py's table_without)."""
    writers = sorted(corpus)
    k = fold_of(writer, writers)
    key = hashlib.sha1(json.dumps([[w, len(corpus[w]), sum(len(s) for s in corpus[w])] for w in writers]).encode()).hexdigest()[:10]
    path = FOLD_CACHE / f"fold{k}-{key}.npz"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two trainer processes share one fold's training
        if path.stat().st_size:
            with np.load(path) as f:
                return f["message"], f["entry"]
        an = Analyser()
        rest = {w: corpus[w] for w in writers if fold_of(w, writers) != k}
        an.prime([x for shops in rest.values() for entries in shops for e in entries for x in (e.heading, e.answer, *e.asks)])
        tables = train([s for v in sorted(rest) for s in pairs_shops(an, {v: rest[v]})[v][0]], **DEFAULTS)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, message=tables[0], entry=tables[1])
        os.replace(tmp, path)
        return tables


DEFAULTS = {"dim": 48, "epochs": 6, "lr": 0.05, "scale": 10.0, "extra": 16}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dim", type=int, default=48)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--scale", type=float, default=10.0)
    ap.add_argument("--extra", type=int, default=16, help="other shops' entries added to each shop's softmax")
    ap.add_argument("--folds", type=int, default=0, help="writers left out in turn for the report (0: none)")
    ap.add_argument("--stores", type=Path, default=None, help="labelled stores to report on (never trained on)")
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("--heading-only", action="store_true")
    a = ap.parse_args()
    global HEADING_ONLY
    HEADING_ONLY = a.heading_only
    t0 = time.perf_counter()
    corpus = read_corpus()
    an = Analyser()
    an.prime([x for shops in corpus.values() for entries in shops for e in entries for x in (e.heading, e.answer, *e.asks)])
    data = pairs_shops(an, corpus)
    print(f"analysed {len(an.cache)} texts in {time.perf_counter() - t0:.0f} s", flush=True)
    stores = store_shops(an, a.stores) if a.stores else []
    kw = {"dim": a.dim, "epochs": a.epochs, "lr": a.lr, "scale": a.scale, "extra": a.extra}
    writers = sorted(data)
    for w in writers[: a.folds]:
        rest = [s for v in writers if v != w for s in data[v][0]]
        tables = train(rest, **kw)
        shops, texts = data[w]
        asked = sum(len(s[2]) for s in shops)
        print(f"left out {w}: {asked} messages, right entry first by n-gram cosine {firsts(shops, None, texts)}, "
              f"by the encoder {firsts(shops, tables)}", flush=True)
    tables = train([s for v in writers for s in data[v][0]], **kw)
    if stores:
        base = enc = asked = 0
        for name, shop, texts in stores:
            b, e_, n = firsts([shop], None, [texts]), firsts([shop], tables), len(shop[2])
            base, enc, asked = base + b, enc + e_, asked + n
            print(f"  {name:12} {n:4} questions: n-gram {b:4}  encoder {e_:4}")
        for lam in (0.25, 0.5, 1.0):
            both = sum(int(((sims(shop, None, texts) + lam * sims(shop, tables)).argmax(1) == shop[2]).sum()) for _, shop, texts in stores)
            print(f"  n-gram + {lam} encoder: {both} ({both / asked:.1%})")
        print(f"stores: {asked} FAQ questions, right entry first by n-gram cosine {base} ({base / asked:.1%}), "
              f"by the encoder {enc} ({enc / asked:.1%})", flush=True)
    if not a.dry_run:
        np.savez_compressed(encoder.MODEL, message=tables[0].astype(np.float16), entry=tables[1].astype(np.float16),
                            buckets=np.array(encoder.BUCKETS), settings=np.array(json.dumps(kw | {"writers": writers})))
        print(f"wrote {encoder.MODEL.name} ({encoder.MODEL.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
