"""Per-page text work made cheaper gives the same answers (normalize, fold, languages).

Each function is compared with the plain version it replaced (kept here as the reference) on
every page of the sample PDFs and on random mixes of the characters each one treats specially.
"""
from __future__ import annotations

import random
import re
import unicodedata
from collections import Counter

import pymupdf

from ingest import language
from ingest.metadata import vocab
from ingest.normalize import normalize_text

from .conftest import CORPUS, FIXTURES

# -- the references: the code as it was ---------------------------------------------------------

_LINE_END_SOFT_HYPHEN = re.compile("\u00ad\n(?=[a-zà-ỹđ])")
_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u2007]")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_JOINING_DASH = re.compile(r"(?<=\w)[\u2010\u2011\u2012\u2212\ufe63\uff0d](?=\w)")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


def _normalize_reference(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _LINE_END_SOFT_HYPHEN.sub("", text).replace("\u00ad", "-")
    text = _ZERO_WIDTH.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _JOINING_DASH.sub("-", text)
    text = _TRAILING_SPACE.sub("\n", text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _guess_reference(text: str) -> list[str]:
    low = text.lower()
    found = []
    if len(language._VIET.findall(low)) >= 3:
        found.append("vi")
    if language._KANA.search(text):
        found.append("ja")
    elif len(language._HAN.findall(text)) >= 2:
        found.append("zh")
    if language._HANGUL.search(text):
        found.append("ko")
    words = Counter(language._WORD.findall(low))
    if sum(words[w] for w in language._FRENCH) >= 3:
        found.append("fr")
    elif ("vi" not in found and language._latin_words(low) >= 3) or \
            language._english_share(text, words) > 0.3:
        found.append("en")
    return found


# -- the inputs ---------------------------------------------------------------------------------

def _pages() -> list[str]:
    pages = []
    for pdf in [*sorted((CORPUS / "documents").glob("*.pdf")),
                *sorted((FIXTURES / "documents").glob("*.pdf")),
                *sorted((CORPUS / "media").glob("*.pdf"))]:
        with pymupdf.open(pdf) as doc:
            pages += ["".join(b[4] for b in page.get_text("blocks") if b[6] == 0)
                      for page in doc]
    return pages


def _mixes(alphabet: str, seed: int, count: int = 20_000) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
            for _ in range(count)]


def test_normalize_text_is_the_reference_on_real_pages_and_mixes():
    pages = _pages()
    assert len(pages) > 100
    mixes = _mixes("ab \t\n\r\u00ad\u200b\u200c\u2060\ufeff\u00a0\u2003\u2007\u200a\u202f\u205f"
                   "\u2010\u2011\u2212\ufe63\uff0d-ạe\u0301Đ1_", seed=1)
    for text in [*pages, *mixes]:
        assert normalize_text(text) == _normalize_reference(text), repr(text)
        once = normalize_text(text)
        assert normalize_text(once) == _normalize_reference(once)  # the header's second pass


def test_fold_is_the_translation_for_every_character():
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert vocab.fold(every) == every.translate(vocab._FOLD_TABLE)
    pool = ("aăâđeêoôơuưyÀÁẠẢÃĐđÐðƉɖǢßØæ谅 \n" + "".join(map(chr, range(0xC0, 0x250, 7)))
            + "".join(map(chr, range(0x1E00, 0x1F00, 5))))
    for text in [*_mixes(pool, seed=2), *_pages()]:
        assert vocab.fold(text) == text.translate(vocab._FOLD_TABLE)


def test_guessed_languages_are_the_reference():
    mixes = _mixes("abc the and le la les des ạ ă đ ơ ư 谅 山 か 서 \n", seed=3)
    for text in [*(normalize_text(p) for p in _pages()), *mixes]:
        assert language.guess_languages(text) == _guess_reference(text), repr(text)


def _vocab_count_reference(texts: list[str]) -> Counter:
    from search import vocab as v
    counts: Counter = Counter()
    for text in texts:
        low = unicodedata.normalize("NFC", text).lower()
        counts.update(re.findall(v._WORD, low))
        counts.update(f"{a} {b}" for a, b in re.findall(v._PAIR, low))
    return counts


def test_vocab_words_and_pairs_are_the_reference():
    """search/vocab.py counts words and pairs from one split into runs: the same counts, in
    the same order, as its two look-around scans gave."""
    from search import vocab as v
    pages = _pages()
    assert list(v._count(pages).items()) == list(_vocab_count_reference(pages).items())
    for texts in (["a" * 24 + " " + "b" * 25 + " cc dd", "x" * 30], ["ab  cd ab cd", " ab cd "],
                  [""], []):
        assert list(v._count(texts).items()) == list(_vocab_count_reference(texts).items())
    for mix in _mixes("ab cđ  ạ_1²½\n谅山-Ａ\u0301e\u0300 .,:xY", seed=4):
        texts = [mix, mix[::-1]]
        assert list(v._count(texts).items()) == list(_vocab_count_reference(texts).items())


def test_short_folds_are_remembered_and_the_same():
    from search import analyzers
    for word in ["Lạng", "Đồng Đăng", "ký kỳ", "が", "x" * 60 + "ạ", "Ðồng"]:
        assert analyzers.fold(word) == analyzers._fold(word)
        assert analyzers.fold(word) == analyzers.fold(word)  # from the cache the second time
