"""Bodies tokenized straight into their positions by word (search/body_tokens.py).

Indexing reads a body's positions grouped by lowercased word; they are now made while the text
is scanned, without the token tuples, which are made only when asked for. Both must be what
scanning into tokens and grouping them gave, on real text and on random mixes of the
characters the tokenizer treats specially (combining marks, compounds, CJK, fullwidth forms).
"""
from __future__ import annotations

import random
import unicodedata

import pymupdf

from search.analyzers import _lower_positions
from search.body_tokens import tokenize_body
from search.tokens import tokenize_once, tokenize_pages

from .conftest import CORPUS, FIXTURES

_ALPHABET = ("abcdeghiklmnopqrstuvxyĐđƠơƯưÂâĂăÊêÔôạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
             "0123456789 \n\t.,;:-/–—\u00ad\u2010\u2212\uff0f\u2215"
             "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b"  # NFD Vietnamese marks
             "谅山省同登서울ㄱ\u1100\u1161\u11a8かが\u3099ＩＣＤ１０ｎｄÐð_")


def _tokens_grouped(texts: list[str]) -> dict[str, list[int]]:
    """The reference: tokenize each text into tuples, join them, group by lowercased word."""
    tokens, pos, char = [], 0, 0
    for text in texts:
        part = tokenize_once(text, start_pos=pos, start_char=char)
        tokens += part.tokens
        pos, char = pos + part.width, char + len(text) + 1
    body, _ = tokenize_pages(texts)
    assert body.tokens == tuple(tokens)
    return _lower_positions(body)


def _real_texts() -> list[str]:
    pages = []
    for pdf in [*sorted((CORPUS / "documents").glob("*.pdf")),
                *sorted((FIXTURES / "documents").glob("*.pdf"))]:
        with pymupdf.open(pdf) as doc:
            pages += [page.get_text() for page in doc]
    return pages


def test_grouped_scan_equals_tokens_then_grouping_on_real_text():
    texts = _real_texts()
    body, starts = tokenize_body(texts)
    expected = _tokens_grouped(texts)
    assert body._lower_positions == expected
    assert list(body._lower_positions) == list(expected)  # first-seen order too
    assert len(expected) > 1500 and len(starts) == len(texts)


def test_grouped_scan_equals_tokens_then_grouping_on_random_mixes():
    rng = random.Random(17)
    for _ in range(400):
        texts = ["".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 60)))
                 for _ in range(rng.randint(1, 4))]
        for form in ("NFC", "NFD", None):
            mixed = [unicodedata.normalize(form, t) if form else t for t in texts]
            body, _ = tokenize_body(mixed)
            assert body._lower_positions == _tokens_grouped(mixed), mixed


def test_tokens_are_made_when_asked_and_are_tokenize_onces():
    texts = ["Kế hoạch 51/KH-UBND", "谅山 Lạng Sơn", "", "Ｎｄ-CP số 244/2026/NĐ-CP"]
    body, starts = tokenize_body(texts)
    assert "_tokens" not in body.__dict__
    pos = char = 0
    expected = []
    for text, start in zip(texts, starts):
        assert start == pos
        part = tokenize_once(text, start_pos=pos, start_char=char)
        expected += part.tokens
        pos, char = pos + part.width, char + len(text) + 1
    assert body.tokens == tuple(expected) and body.width == pos
    assert str(body) == "\n".join(texts)
    assert (body, starts) == tokenize_pages(texts)  # the same text, the same starts
    assert body.tokens == tokenize_pages(texts)[0].tokens


def test_content_fields_index_the_grouped_body_as_the_tokenized_one():
    """Each content field's (word, frequency, weight, positions) from the grouped body are
    those of the body ``tokenize_pages`` makes, in the same order."""
    from search.analyzers import exact_analyzer, folded_analyzer
    from search.schema import build_schema
    texts = _real_texts()[:40]
    schema = build_schema()
    for name, analyzer in (("content", exact_analyzer()), ("content_f", folded_analyzer())):
        fmt = schema[name].format
        grouped = list(fmt.word_values(tokenize_body(texts)[0], analyzer, mode="index"))
        tokenized = list(fmt.word_values(tokenize_pages(texts)[0], analyzer, mode="index"))
        assert grouped == tokenized and len(grouped) > 500


def test_mapped_characters_are_the_translation_for_every_character():
    from search.analyzers import _CHAR_MAP
    from search.body_tokens import _map_chars
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert _map_chars(every) == every.translate(_CHAR_MAP)
    for text in _real_texts():
        assert _map_chars(text) == text.translate(_CHAR_MAP)
