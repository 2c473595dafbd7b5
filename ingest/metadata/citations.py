"""Document numbers, dates and the citations of other documents in Vietnamese administrative text.

Every pattern runs on a *folded* copy of the text (diacritics stripped, đ → d, same length, case
kept), so OCR that breaks a diacritic ("ngảy", "NGHI ĐINH", "NÐ-CP" with U+00D0) still matches;
what is returned is always cut from the original text at the same offsets.
"""
from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ingest.metadata.vocab import (
    DOC_TYPES,
    ISSUER_BY_CODE,
    NAMED_TYPES,
    TYPE_BY_CODE,
    fold,
    match_issuer,
)
from ingest.normalize import normalize_text

__all__ = [
    "Citation",
    "NUMBER_RE",
    "cited",
    "find_citations",
    "issuer_from_number",
    "iter_citations",
    "match_date",
    "normalize_doc_number",
    "own_number",
    "prepare",
    "self_reference",
    "tidy_doc_number",
    "type_from_number",
]


@dataclass
class Citation:
    """Another document named in the text: "Thông tư số 22/2016/TT-BTTTT ngày 19/10/2016 của …"."""

    doc_number: str
    doc_type: str | None = None
    issued: str | None = None
    issuer: str | None = None
    text: str = ""


# --- preparation -------------------------------------------------------------------------------

_BR = re.compile(r"<br\s*/?>", re.I)
_MARKDOWN = re.compile(r"\*+|\{#[\w-]*\}")


def prepare(text: str) -> str:
    """Return `text` normalized, with the HTML line breaks and markdown emphasis of web copies removed."""
    text = normalize_text(text)
    # Web copies of documents carry "<br>" inside table cells and "**51**" around filled-in values.
    return _MARKDOWN.sub("", _BR.sub("\n", text))


# --- document numbers --------------------------------------------------------------------------

_DASH = "[-\u2013\u2014]"
# A code segment has two capitals or a capital, one small letter and a capital ("TTr", "CTr", "TTg"),
# which keeps measures like "100/Ha" out.
_CODE = r"(?:[A-Z]{2}[A-Za-z0-9&]{0,10}|[A-Z][a-z][A-Z][A-Z0-9&]{0,8})(?![A-Za-z0-9])"
_UPCODE = r"[A-Z]{2}[A-Z0-9&]{0,10}(?![A-Za-z0-9])"
_NUMBER = (
    rf"(?<![\w/.])\d{{1,5}}(?:{_DASH}{_CODE})?[ ]?/[ ]?(?:(?:19|20)\d{{2}}[ ]?/?[ ]?)?{_CODE}"
    rf"(?:{_DASH}{_CODE}|[ ]?{_DASH}[ ]?{_UPCODE})*"
)
NUMBER_RE = re.compile(_NUMBER)

_SPACES = re.compile(r"\s+")
_YEAR_THEN_CODE = re.compile(r"^(\d+/(?:19|20)\d\d)(?=[^\d/])")


def tidy_doc_number(raw: str) -> str:
    """Return a document number as printed but without spaces, with plain dashes and `Đ`.

    >>> tidy_doc_number("51 /KH – UBND")
    '51/KH-UBND'
    >>> tidy_doc_number("169/2026NÐ-CP")
    '169/2026/NĐ-CP'
    """
    text = unicodedata.normalize("NFC", raw)
    text = text.replace("Ð", "Đ").replace("Ɖ", "Đ").replace("ð", "đ").replace("ɖ", "đ")
    text = re.sub("[\u2010-\u2015\u2212\ufe63\uff0d]", "-", text)
    text = _SPACES.sub("", text)
    return _YEAR_THEN_CODE.sub(r"\1/", text)


def normalize_doc_number(s: str) -> str:
    """Return the canonical form of a document number for matching: "51/kh – ubnd" → "51/KH-UBND"."""
    return tidy_doc_number(s).upper()


def _codes(number: str) -> list[str]:
    """The folded upper-case code segments of a number: "244/2026/NĐ-CP" → ["ND", "CP"]."""
    head, _, tail = number.partition("/")
    parts = [p for p in tail.split("/") if p and not p.isdigit()]
    codes = "-".join(parts).split("-") if parts else []
    # Party style puts the type before the slash: "01-KH/BCĐ".
    if "-" in head:
        codes = [head.split("-", 1)[1], *codes]
    return [fold(c).upper() for c in codes if c]


def type_from_number(number: str) -> str | None:
    """The document type a number's type code names; a number with no type code is a Công văn."""
    codes = _codes(tidy_doc_number(number))
    if not codes:
        return None
    if codes[0] in TYPE_BY_CODE:
        return TYPE_BY_CODE[codes[0]]
    # Laws and resolutions both carry a bare "QH15": the code alone cannot tell them apart.
    return None if re.fullmatch(r"(UBTV)?QH\d*", codes[0]) else "Công văn"


def issuer_from_number(number: str) -> str | None:
    """The issuer a number's issuer code names: "70/2026/TT-BTC" → "Bộ Tài chính"."""
    codes = _codes(tidy_doc_number(number))
    for code in codes[1:] if codes and codes[0] in TYPE_BY_CODE else codes[:1]:
        plain = re.sub(r"\d+$", "", code)
        if plain in ISSUER_BY_CODE:
            return ISSUER_BY_CODE[plain]
    return None


# --- dates -------------------------------------------------------------------------------------

# OCR eats or swaps vowels in "ngày", "tháng", "năm"; the consonants hold.
_DAY_MONTH_YEAR = (
    r"(\d{1,2})\s*[,.]?\s*(?i:th\w{1,2}ng)\s*(\d{1,2})\s*[,.]?\s*(?:(?i:n\w{1,2}m)|/)\s*((?:19|20)\d\d)"
    r"|(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d\d)(?!\d)"
)
_DATE_RE = re.compile(rf"(?i:ng\w{{0,2}}y)\s*:?\s*(?:{_DAY_MONTH_YEAR})")


def _iso(day: str, month: str, year: str) -> str | None:
    try:
        return datetime.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def match_date(folded: str, pos: int = 0, *, search: bool = False) -> tuple[str | None, int, int]:
    """Read "ngày 22 tháng 3 năm 2017" or "ngày 19/10/2016" at `pos` (or after it): (ISO, start, end)."""
    found = _DATE_RE.search(folded, pos) if search else _DATE_RE.match(folded, pos)
    if found is None:
        return None, -1, -1
    groups = [g for g in found.groups() if g is not None]
    return _iso(*groups[:3]), found.start(), found.end()


# --- the document's own number -----------------------------------------------------------------

_TYPE_WORDS = "|".join(re.escape(fold(t)) for t in sorted(DOC_TYPES, key=len, reverse=True))
_SO_LABEL = re.compile(rf"(?<![A-Za-z0-9])(?:S[oOe06]|so(?=\s*:))\s*[:;.,]?\s*(?={_NUMBER})")
_CITING_BEFORE = re.compile(rf"(?i:{_TYPE_WORDS}|kem theo|mau|bieu|phu luc)\W*$")


def own_number(text: str) -> tuple[str | None, int]:
    """The number after the header's "Số:" (OCR: "Sô:", "S6:", "SỐ:") and its offset, or (None, -1)."""
    folded = fold(text)
    for label in _SO_LABEL.finditer(folded):
        before = folded[max(0, label.start() - 40) : label.start()].rsplit("\n", 1)[-1]
        if _CITING_BEFORE.search(before):
            continue
        number = NUMBER_RE.match(folded, label.end())
        if number is not None:
            return tidy_doc_number(text[number.start() : number.end()]), label.start()
    return None, -1


_APPENDIX_HEAD = re.compile(
    r"(?:\(\s*(?i:ban hanh\s+)?(?i:kem theo)"
    r"|^[^\S\n]*(?:Ban hanh kem theo|Kem theo|(?i:BAN HANH )?KEM THEO))\s+",
    re.M,
)
_REFERENCE_SPAN = 200


def self_reference(text: str) -> Citation | None:
    """The document naming itself in an appendix heading: "(Kèm theo Thông tư số 18/2026/TT-BYT ngày …)"."""
    # Only an appendix heading names the document itself; "ban hành kèm theo Nghị định số …"
    # inside a sentence points at another document's appendix.
    for head in _APPENDIX_HEAD.finditer(fold(text)):
        span = text[head.end() : head.end() + _REFERENCE_SPAN]
        for citation, start, _ in iter_citations(span):
            if start == 0 and citation.doc_type:
                return citation
            break
    return None


# --- citations ---------------------------------------------------------------------------------

_TYPE_KEYS = sorted(((fold(t).lower(), t) for t in DOC_TYPES), key=lambda kv: -len(kv[0]))
_ABBREVIATIONS = {"nd": "Nghị định", "tt": "Thông tư", "qd": "Quyết định", "nq": "Nghị quyết"}
_TYPE_BEFORE = re.compile(rf"(?i:\b({_TYPE_WORDS}|van ban|ND|TT|QD|NQ))(?:\s+(?i:so))?\s*:?\s*$")
_NAMED_BEFORE = re.compile(
    rf"(?i:\b({'|'.join(fold(t) for t in NAMED_TYPES)}))\s[^;:.\n/()]{{1,80}}?\s(?i:so)\s*:?\s*$"
)
_SO_END = re.compile(r"(?i:\bso)\s*:?\s*$")
_SKIP_BEFORE = re.compile(r"(?i:\b(mau|bieu|phu luc)(\s+so)?\s*:?\s*)$")
_LINK_AFTER = re.compile(r"\s*,?\s*")
_OF_AFTER = re.compile(r"\s*,?\s*(?i:cua|do)\s+")


def _canonical_type(word: str) -> str | None:
    key = word.lower()
    if key in _ABBREVIATIONS:
        return _ABBREVIATIONS[key]
    return next((name for k, name in _TYPE_KEYS if k == key), None)


def _type_before(folded: str, start: int) -> tuple[str | None, int]:
    """The type word naming the number at `start` ("Thông tư số", "Luật Viễn thông số"), and its offset."""
    window_start = max(0, start - 100)
    window_start = max(window_start, folded.rfind(";", window_start, start) + 1)
    window = folded[window_start:start]
    found = _TYPE_BEFORE.search(window[-40:])
    offset = window_start + max(0, len(window) - 40)
    # Only a window ending in "số" can hold a named type ("Luật Viễn thông số"): skip the costly search.
    if found is None and _SO_END.search(window[-6:]):
        found, offset = _NAMED_BEFORE.search(window), window_start
    if found is None:
        return None, start
    word = found.group(1)
    return (None if word.lower() == "van ban" else _canonical_type(word)), offset + found.start()


def _details_after(folded: str, original: str, end: int) -> tuple[str | None, str | None, int]:
    """The date and issuer that follow a cited number: (issued, issuer, end of phrase)."""
    link = _LINK_AFTER.match(folded, end)
    issued, _, date_end = match_date(folded, link.end() if link else end)
    if issued is not None or date_end > 0:
        end = date_end
    of = _OF_AFTER.match(folded, end)
    issuer = None
    if of is not None:
        issuer, issuer_end = match_issuer(folded, original, of.end())
        end = issuer_end if issuer else end
    return issued, issuer, end


def iter_citations(text: str) -> Iterator[tuple[Citation, int, int]]:
    """Yield every cited document in prepared `text`, with the offsets of its phrase."""
    folded = fold(text)
    for number in NUMBER_RE.finditer(folded):
        if _SKIP_BEFORE.search(folded[max(0, number.start() - 20) : number.start()]):
            continue
        raw = tidy_doc_number(text[number.start() : number.end()])
        doc_type, start = _type_before(folded, number.start())
        issued, issuer, end = _details_after(folded, text, number.end())
        citation = Citation(
            doc_number=normalize_doc_number(raw),
            doc_type=doc_type or type_from_number(raw),
            issued=issued,
            issuer=issuer or issuer_from_number(raw),
            text=_SPACES.sub(" ", text[start:end]).strip(),
        )
        yield citation, start, end


def _merge(citations: Iterable[Citation]) -> list[Citation]:
    """One citation per number, the first phrase kept, gaps filled from later mentions."""
    merged: dict[str, Citation] = {}
    for citation in citations:
        first = merged.setdefault(citation.doc_number, citation)
        first.doc_type = first.doc_type or citation.doc_type
        first.issued = first.issued or citation.issued
        first.issuer = first.issuer or citation.issuer
    return list(merged.values())


def cited(text: str, exclude: Iterable[str] = ()) -> list[Citation]:
    """Citations in raw `text`, merged per number, leaving out the numbers in `exclude`."""
    skip = {normalize_doc_number(n) for n in exclude if n}
    found = (c for c, _, _ in iter_citations(prepare(text)) if c.doc_number not in skip)
    return _merge(found)


def find_citations(text: str) -> list[Citation]:
    """Return the other documents `text` cites (type, number, date, issuer), not its own number."""
    if not isinstance(text, str):
        return []
    own, _ = own_number(prepare(text))
    return cited(text, exclude=[own] if own else [])
