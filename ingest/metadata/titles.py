"""A document's title from its text when its header names no trích yếu: never its file name.

Tried in order, the first that gives one wins (the header's trích yếu comes before all of
these, a manifest's title after them all):

1. the scope clause: "Thông tư này quy định …" gives "Quy định …" (a text whose first page
   lost its header block);
2. an appendix's or a form's own heading on its first lines: "Phụ lục: 09 biểu mẫu mới",
   "MẪU THÔNG TIN CÓ DỊCH BỆNH … (Kèm theo …)" (without the "Kèm theo" part);
3. a type line and its subject: "BÁO CÁO" over "Kê khai lần đầu tài sản …" gives
   "Báo cáo kê khai lần đầu tài sản …";
4. the first heading (a line in capitals), else the first line that reads as words.

When the text gives nothing, a document number names the document ("Thông tư 69/2026/TT-BCA");
only then the file name.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from .vocab import BODY_STARTS, DOC_TYPES, fold

__all__ = ["title_from_text", "fallback_title", "MAX_TITLE"]

MAX_TITLE = 250  # characters of a title made from running text; cut at a word
_HEAD_LINES = 60  # lines of the first page looked at for headings
_HEADING_LINES = 4  # lines one heading may run over
_SCOPE = re.compile(
    rf"(?:{'|'.join(fold(t) for t in DOC_TYPES)}) nay (quy dinh|huong dan|ban hanh|sua doi)\b",
    re.I)
_APPENDIX = re.compile(r"^\W*(?:phu luc|mau)\b", re.I)
_ATTACHED = re.compile(r"\(\s*(?:kem theo|ban hanh kem)", re.I)
# Header furniture and boilerplate that is never a title.
_SKIP = re.compile(
    r"cong hoa xa hoi|doc lap\W+tu do|^\W*so\W*[:.]|ngay\W.*thang\W.*nam|^\W*(?:kinh gui|noi nhan"
    r"|can cu|\(ky|ghi ro)|^\W*(?:uy ban nhan dan|bo |chinh phu|so |hoi dong)", re.I)
_NUMBERED = re.compile(r"^\W*(?:\d+|[a-zđ]|[IVX]+)[.)]\s", re.I)
_PLACEHOLDER = re.compile(r"\.{3}|…|_{3}")
_LETTERS = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]{2,}(?:[-'][^\W\d_]+)*|\d+(?:[.,/]\d+)*")
_CLEAN_SHARE = 0.8  # of a line's tokens that must be words or numbers for it to be a title


def title_from_text(pages: Sequence[str], doc_type: str | None = None) -> str | None:
    """The best title the text itself offers, or None (see the module's rules, in order)."""
    # NFC also turns look-alikes back into punctuation (U+037E, the Greek ";", is ";").
    texts = [unicodedata.normalize("NFC", p) for p in pages if isinstance(p, str) and p.strip()]
    if not texts:
        return None
    lines = [" ".join(line.split()) for line in texts[0].split("\n")]
    lines = [line for line in lines if line][:_HEAD_LINES]
    for rule in (_scope_clause(texts[:2]), _appendix_heading(lines), _typed_subject(lines),
                 _first_heading(lines)):
        if rule:
            return _cut(rule)
    return None


def fallback_title(doc_type: str | None, doc_number: str | None) -> str | None:
    """A title from the document's number when its text has none ("Thông tư 69/2026/TT-BCA").

    >>> fallback_title("Thông tư", "69/2026/TT-BCA"), fallback_title(None, None)
    ('Thông tư 69/2026/TT-BCA', None)
    """
    if not doc_number:
        return None
    return f"{doc_type} {doc_number}" if doc_type else doc_number


def _cut(title: str) -> str:
    title = re.sub(r"\s+", " ", title).strip(" .;,:-–")
    title = title[:1].upper() + title[1:]
    if len(title) <= MAX_TITLE:
        return title
    return title[:title.rfind(" ", 0, MAX_TITLE)].rstrip(" ,;:") + " …"


def _sentence_case(text: str) -> str:
    return text[:1] + text[1:].lower() if text.isupper() else text


def _scope_clause(pages: Sequence[str]) -> str | None:
    """ "Thông tư này quy định phân cấp …; …" → "Quy định phân cấp …" (to the first ; or .)."""
    text = " ".join(" ".join(pages).split())
    found = _SCOPE.search(fold(text))
    if found is None:
        return None
    rest = text[found.start(1):]
    end = re.search(r"[.;:](?:\s|$)", rest)
    clause = rest[:end.start()] if end else rest[:MAX_TITLE]
    return clause if len(clause.split()) >= 4 else None


def _heading_block(lines: list[str], start: int) -> str:
    """The heading starting at `start`, with the lines that continue it (same case, no body)."""
    parts = [lines[start]]
    upper = lines[start].isupper()
    for line in lines[start + 1:start + _HEADING_LINES]:
        if _ends(line) or line.isupper() != upper or line.startswith("(") \
                or _APPENDIX.match(fold(line)):
            break
        # A heading in capitals runs on in capitals; one in sentence case only mid-sentence.
        if not upper and (parts[-1].endswith((")", ".", ":", "!", "?")) or not line[:1].islower()):
            break
        parts.append(line)
    text = " ".join(parts)
    attached = _ATTACHED.search(fold(text))
    return _sentence_case(text[:attached.start()] if attached else text).strip()


def _ends(line: str) -> bool:
    folded = fold(line)
    return bool(_SKIP.search(folded) or _NUMBERED.match(line)
                or any(folded.upper().startswith(s) for s in BODY_STARTS)
                or len(_PLACEHOLDER.findall(line)) > 1)


def _appendix_heading(lines: list[str]) -> str | None:
    """An appendix's or a form's own heading, on the page's first three lines."""
    for index, line in enumerate(lines[:3]):
        if _APPENDIX.match(fold(line)) and len(_LETTERS.findall(line)) >= 8:
            return _heading_block(lines, index)
    return None


_TYPE_NAMES = {fold(t).upper(): t for t in (*DOC_TYPES, "Tờ khai", "Đơn", "Biên bản")}


def _typed_subject(lines: list[str]) -> str | None:
    """A line that is only a type ("BÁO CÁO") and the subject under it, as one title."""
    for index, line in enumerate(lines[:-1]):
        name = _TYPE_NAMES.get(fold(line).upper().strip(" .:")) if line.isupper() else None
        subject = lines[index + 1]
        if name and not subject.isupper() and not _ends(subject) and len(subject.split()) >= 2:
            block = _heading_block(lines, index + 1)
            return f"{name} {block[:1].lower()}{block[1:]}"
    return None


def _reads_as_words(line: str) -> bool:
    """Whether most of a line's tokens are words, not OCR noise read off a map or a seal.

    >>> _reads_as_words("The (quick) [brown] {fox} jumps!")
    True
    >>> _reads_as_words("Formosa city plans 1.10.000 >>. toro | ¿| be | b . 7 7 ¥ 7 t 7")
    False
    """
    tokens = line.split()
    good = sum(1 for t in tokens if _WORD.fullmatch(t.strip("()[]{}\"'.,;:!?«»„“”")))
    return good >= _CLEAN_SHARE * len(tokens)


def _first_heading(lines: list[str]) -> str | None:
    """The first line in capitals that reads as words, else the first line of words at all."""
    def words(line: str) -> bool:
        long_words = [w for w in line.split() if len(_LETTERS.findall(w)) >= 3]
        return (len(long_words) >= 2 and len(_LETTERS.findall(line)) >= 10 and not _ends(line)
                and _reads_as_words(line))

    for index, line in enumerate(lines):
        if line.isupper() and words(line):
            return _heading_block(lines, index)
    first = next((i for i, line in enumerate(lines) if words(line)), None)
    return _heading_block(lines, first) if first is not None else None
