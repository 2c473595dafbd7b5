"""Guess a page's languages from its script, and map ISO 639-1 codes to Tesseract's."""
from __future__ import annotations

import re

__all__ = ["guess_languages", "tesseract_langs", "DEFAULT_OCR_LANG"]

DEFAULT_OCR_LANG = "vie+eng"
_TESSERACT = {"vi": "vie", "en": "eng", "zh": "chi_sim", "ja": "jpn", "ko": "kor", "fr": "fra"}
_HAN = re.compile(r"[\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
# Letters only Vietnamese uses (beyond what French shares).
_VIET = re.compile(r"[ăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)
_FRENCH = re.compile(r"\b(le|la|les|des|et|est|du|une|pour|dans)\b", re.I)
_LATIN_WORD = re.compile(r"\b[a-z]{2,}\b", re.I)


def guess_languages(text: str) -> list[str]:
    """ISO 639-1 codes of the languages a text seems to hold, by script and telltale letters.

    >>> guess_languages("Lạng Sơn, Đồng Đăng 谅山 and the border")
    ['vi', 'zh', 'en']
    """
    found = []
    if len(_VIET.findall(text)) >= 3:
        found.append("vi")
    if _KANA.search(text):
        found.append("ja")
    elif len(_HAN.findall(text)) >= 2:
        found.append("zh")
    if _HANGUL.search(text):
        found.append("ko")
    latin = _LATIN_WORD.findall(_VIET.sub(" ", text))
    if len(_FRENCH.findall(text)) >= 3:
        found.append("fr")
    elif (len(latin) >= 3 and "vi" not in found) or _english_share(text) > 0.3:
        found.append("en")
    return found


_EN = re.compile(r"\b(the|and|of|to|in|is|for|with|on|by|from)\b", re.I)


def _english_share(text: str) -> float:
    words = text.split()
    return len(_EN.findall(text)) / len(words) * 4 if words else 0.0


def tesseract_langs(languages: list[str] | None, default: str = DEFAULT_OCR_LANG) -> str:
    """Tesseract's `-l` value for ISO 639-1 hints, e.g. ['vi', 'zh'] -> 'vie+chi_sim'."""
    codes = [_TESSERACT[c] for c in (languages or []) if c in _TESSERACT]
    return "+".join(dict.fromkeys(codes)) or default
