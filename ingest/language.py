"""Guess a page's languages from its script, and map ISO 639-1 codes to Tesseract's."""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

__all__ = ["guess_languages", "main_language", "tesseract_langs", "DEFAULT_OCR_LANG"]

DEFAULT_OCR_LANG = "vie+eng"
_TESSERACT = {"vi": "vie", "en": "eng", "zh": "chi_sim", "ja": "jpn", "ko": "kor", "fr": "fra"}
_CJK = ("zh", "ja", "ko")
# Compiled at the first page guessed (through _pattern): their classes span ~70,000 code points,
# which sre walks one by one in Python, ~10 ms that a re-run over unchanged files never needs.
_PATTERNS = {
    "_HAN": r"[\u4e00-\u9fff]",
    "_KANA": r"[\u3040-\u30ff]",
    "_HANGUL": r"[\uac00-\ud7af]",
    # Letters only Vietnamese uses (beyond what French shares), matched in lower-cased text.
    "_VIET": r"[ăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]",
    "_WORD": r"\w+",
    "_CJK_CHAR": r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]",
}
_FRENCH = ("le", "la", "les", "des", "et", "est", "du", "une", "pour", "dans")
_EN = ("the", "and", "of", "to", "in", "is", "for", "with", "on", "by", "from")


def guess_languages(text: str) -> list[str]:
    """ISO 639-1 codes of the languages a text seems to hold, by script and telltale letters.

    >>> guess_languages("Lạng Sơn, Đồng Đăng 谅山 and the border")
    ['vi', 'zh', 'en']
    """
    # Ingest calls this on every page: one lower-casing and one word scan serve every test
    # below (a word-boundary alternation such as \b(the|and)\b matches exactly the words
    # equal to one of its words, so counting words gives the same answer, several times faster).
    low = text.lower()
    found = []
    if _at_least(_pattern("_VIET"), low, 3):
        found.append("vi")
    if _pattern("_KANA").search(text):
        found.append("ja")
    elif _at_least(_pattern("_HAN"), text, 2):
        found.append("zh")
    if _pattern("_HANGUL").search(text):
        found.append("ko")
    words = Counter(_pattern("_WORD").findall(low))
    if sum(words[w] for w in _FRENCH) >= 3:
        found.append("fr")
    elif ("vi" not in found and _latin_words(low) >= 3) or _english_share(text, words) > 0.3:
        found.append("en")
    return found


def _at_least(pattern: re.Pattern[str], text: str, count: int) -> bool:
    """Whether `pattern` occurs `count` times in `text`: the scan stops at the count-th match
    (a Vietnamese page has its third tone mark in its first line; findall read the page)."""
    return sum(1 for _ in zip(pattern.finditer(text), range(count))) >= count


def main_language(text: str, found: list[str] | None = None) -> str | None:
    """The language most of a text is in (its page's `lang`), among those `guess_languages` finds.

    guess_languages lists scripts in a fixed order, so a map's English lettering with two place
    names in Han characters would otherwise be tagged Chinese:

    >>> main_language("City plan sheet of Lang Son, Army Map Service 1944 谅山 同登")
    'en'
    """
    found = guess_languages(text) if found is None else found
    if len(found) < 2:
        return found[0] if found else None
    cjk = [code for code in found if code in _CJK]
    others = [code for code in found if code not in _CJK]
    if not cjk or not others:
        return found[0]
    # A Chinese or Japanese word is about two characters; a Korean syllable block, one.
    cjk_words = (len(_pattern("_HAN").findall(text)) + len(_pattern("_KANA").findall(text))) \
        / 2 + len(_pattern("_HANGUL").findall(text))
    latin_words = sum(1 for w in _pattern("_WORD").findall(text.lower())
                      if w.isalpha() and not _pattern("_CJK_CHAR").search(w))
    return cjk[0] if cjk_words > latin_words else others[0]


def _latin_words(low: str) -> int:
    """Words of two or more ASCII letters once the Vietnamese-only letters are taken out."""
    return sum(1 for w in _pattern("_WORD").findall(_pattern("_VIET").sub(" ", low))
               if len(w) >= 2 and w.isascii() and w.isalpha())


def _english_share(text: str, words: Counter) -> float:
    total = len(text.split())
    return sum(words[w] for w in _EN) / total * 4 if total else 0.0


@lru_cache(maxsize=None)
def _pattern(name: str) -> re.Pattern[str]:
    """One of _PATTERNS, compiled."""
    return re.compile(_PATTERNS[name])


def __getattr__(name: str):
    # PEP 562: `language._HAN` and the others, as the module had them before (tests read them).
    if name in _PATTERNS:
        return _pattern(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def tesseract_langs(languages: list[str] | None, default: str = DEFAULT_OCR_LANG) -> str:
    """Tesseract's `-l` value for ISO 639-1 hints, e.g. ['vi', 'zh'] -> 'vie+chi_sim'."""
    codes = [_TESSERACT[c] for c in (languages or []) if c in _TESSERACT]
    return "+".join(dict.fromkeys(codes)) or default
