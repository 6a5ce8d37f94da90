"""Shared checks of the trained text readers (bot/understand/*_model.npz): each is read by the product
exactly as its trainer scored it, and a test text is read as the knowledge index reads a message."""

from __future__ import annotations

import pytest

from bot.kb.text import clean
from bot.textmodel import LinearTextModel
from bot.understand import concepts


def assert_scores_as_trained(model: LinearTextModel | None, link: str) -> None:
    """The stored checks (texts and the trainer's probabilities) come out the same in the product."""
    assert model is not None and len(model.checks) >= 30 and model.link == link
    for check in model.checks:
        p = model.probabilities(concepts.features_of(check["text"]))
        assert [p[o] for o in model.outputs] == pytest.approx(check["p"], abs=1e-5), check["text"]


def analysed(text: str) -> tuple[str, list[str]]:
    """The cleaned text and its tokens, as the index reads a customer's message."""
    from bot.kb.tokenizer import get_tokenizer

    cleaned = clean(text)
    ((tokens, _),) = get_tokenizer("kiwi").analyse_many([cleaned])
    return cleaned, list(tokens)
