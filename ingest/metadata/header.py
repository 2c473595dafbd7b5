"""Read the metadata a Vietnamese administrative document prints: its header, trích yếu and signature.

The header of such a document (Nghị định 30/2020/NĐ-CP, Phụ lục I) is a two-column block: the
issuing body and "Số: 51/KH-UBND" on the left, the national motto and "Lạng Sơn, ngày 22 tháng 3
năm 2017" on the right, then the type ("KẾ HOẠCH") and the trích yếu. Text layers and OCR
flatten that block in any order, so each field is looked for near the "Số:" line rather than at a
fixed position, and every field falls back on what the number's codes or the body can tell.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.metadata.citations import (
    Citation,
    cited,
    issuer_from_number,
    match_date,
    own_number,
    prepare,
    self_reference,
    type_from_number,
)
from ingest.metadata.vocab import (
    BODY_STARTS,
    DOC_TYPES,
    TYPE_BY_CODE,
    council_of,
    fold,
    issuer_named,
    match_issuer,
    person_name,
    split_capacity,
)

__all__ = ["DocumentHeader", "read_document", "read_header"]

# How far from the "Số:" line the other header fields may sit, in non-blank lines.
_NEAR = 4
_TYPE_WINDOW = 10
_TITLE_LINES = 6
_HEAD_PAGES = 2


@dataclass
class DocumentHeader:
    """What a document says about itself: number, date, place, issuer, type, title, signature, citations."""

    doc_number: str | None = None
    issued: str | None = None
    place: str | None = None
    issuer: str | None = None
    doc_type: str | None = None
    title: str | None = None
    signer: str | None = None
    signer_capacity: str | None = None
    recipients: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)


@dataclass
class _Lines:
    """The prepared text cut into lines, with their folded copies, for line-wise look-ups."""

    text: str
    raw: list[str]
    folded: list[str]

    @classmethod
    def of(cls, text: str) -> _Lines:
        raw = text.split("\n")
        return cls(text, raw, [fold(line) for line in raw])

    def line_of(self, offset: int) -> int:
        return self.text.count("\n", 0, offset)

    def nonblank(self, start: int, step: int, count: int) -> list[int]:
        """Up to `count` indexes of non-blank lines from `start` on, walking by `step`."""
        found: list[int] = []
        index = start
        while 0 <= index < len(self.raw) and len(found) < count:
            if self.raw[index].strip():
                found.append(index)
            index += step
        return found


# --- the header block --------------------------------------------------------------------------

# Printed in capitals; the same words in a sentence ("nước Cộng hòa xã hội …") are not the motto.
_MOTTO = re.compile(r"C[O0]NG\s*H[O0]A\s*XA\s*H[O0]I")
_PLACEHOLDER = re.compile(r"\.{3}|…|\(\d\)")


def _motto_line(lines: _Lines, around: int | None) -> int | None:
    """The line of "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" nearest the "Số:" line (or the first one)."""
    hits = [i for i, f in enumerate(lines.folded[:400]) if _MOTTO.search(f)]
    if around is None:
        return hits[0] if hits else None
    near = [i for i in hits if abs(i - around) <= _NEAR]
    return min(near, key=lambda i: abs(i - around)) if near else None


def _is_form(lines: _Lines, motto: int) -> bool:
    """A blank form's header ("ỦY BAN NHÂN DÂN….(1)….", "Số: ……/……") is not the document's."""
    block = lines.nonblank(max(0, motto - 2), 1, 5)
    return any(_PLACEHOLDER.search(lines.raw[i]) for i in block)


def _place_before(raw: str, end: int) -> str | None:
    """The place name printed before ", ngày …": up to four capitalised words."""
    words: list[str] = []
    for token in reversed(raw[:end].split()):
        word = token.strip("*|_„—-,:;.()[]\"'")
        if not word or not word.isalpha() or not word[0].isupper() or len(words) == 4:
            break
        words.insert(0, word)
    if not words:
        return None
    place = " ".join(words)
    return " ".join(w.capitalize() for w in words) if place.isupper() else place


_Dated = tuple[str | None, str | None, int | None]


def _dated_line(lines: _Lines, candidates: Sequence[int], need_place: bool) -> _Dated:
    """The first candidate line carrying "Place, ngày d tháng m năm y": (ISO date, place, line)."""
    for index in candidates:
        folded = lines.folded[index]
        issued, start, _ = match_date(folded, 0, search=True)
        if issued is None:
            continue
        place = _place_before(lines.raw[index], start)
        if place or not need_place:
            return issued, place, index
    return None, None, None


def _header_date(lines: _Lines, number_line: int | None) -> _Dated:
    if number_line is None:
        return _dated_line(lines, lines.nonblank(0, 1, 40), need_place=True)
    around = sorted(
        lines.nonblank(max(0, number_line - _NEAR), 1, 2 * _NEAR + 1), key=lambda i: abs(i - number_line)
    )
    found = _dated_line(lines, around, need_place=True)
    return found if found[0] else _dated_line(lines, around[:3], need_place=False)


# --- issuer ------------------------------------------------------------------------------------

_SO_PREFIX = re.compile(r"S\w\s*[:;.]")


def _org_candidates(lines: _Lines, top: int, motto: int | None, number_line: int) -> list[str]:
    """Header texts that may name the issuer, nearest first: line prefixes, then the lines above."""
    found: list[str] = []
    for index, pattern in ((motto, _MOTTO), (number_line, _SO_PREFIX)):
        if index is not None:
            hit = pattern.search(lines.folded[index])
            if hit and hit.start() > 0:
                found.append(lines.raw[index][: hit.start()])
    above = [i for i in lines.nonblank(top - 1, -1, _NEAR) if i != number_line]
    for position, index in enumerate(above):
        found.append(lines.raw[index])
        if position + 1 < len(above):
            found.append(f"{lines.raw[above[position + 1]]} {lines.raw[index]}")
    return found


def _header_issuer(lines: _Lines, top: int, motto: int | None, number_line: int) -> str | None:
    for candidate in _org_candidates(lines, top, motto, number_line):
        issuer = issuer_named(candidate)
        if issuer:
            return issuer
    return None


# --- type and trích yếu ------------------------------------------------------------------------

_TYPE_LINES = sorted(((fold(t).upper(), t) for t in DOC_TYPES), key=lambda kv: -len(kv[0]))
_PLACE_DATE = re.compile(r"^\W*(?:[A-Z]\w*\s+){0,3}[A-Z]\w*\s*,?\s*(?i:ng\w{0,2}y)\s*\d")
_VV = re.compile(r"^\W*V/v\.?\s*", re.I)


def _type_of_line(folded: str) -> str | None:
    """The type a header line announces ("NGHỊ ĐỊNH", OCR noise "lái NGHỊ ĐỊNH" allowed), or None."""
    words = re.sub(r"[^A-Za-z]+", " ", folded).split()
    text = " ".join(words)
    for key, name in _TYPE_LINES:
        if text.endswith(key) and len(text) - len(key) <= 4 and key in folded:
            return name
    return None


def _ends_title(folded: str, title: list[str]) -> bool:
    stripped = re.sub(r"^[\W_]+", "", folded).upper()
    if any(stripped.startswith(start) for start in BODY_STARTS) or _MOTTO.search(folded):
        return True
    if _PLACE_DATE.match(folded):
        return True
    # An upper-case title goes on in upper case; a sentence-case one ends at an upper-case line.
    return bool(title) and folded.isupper() != title[0].isupper()


def _clean_title(parts: list[str]) -> str | None:
    title = re.sub(r"\s+", " ", " ".join(parts))
    title = re.sub(r"^[^\wÀ-ỹĐđ]+|[\s_.;,:|\"']+$", "", title)
    if not title:
        return None
    return title[:1] + title[1:].lower() if title.isupper() else title


def _title_after(lines: _Lines, start: int) -> str | None:
    parts: list[str] = []
    for index in range(start, min(len(lines.raw), start + 3 * _TITLE_LINES)):
        raw, folded = lines.raw[index].strip(), lines.folded[index].strip()
        if not raw:
            if parts:
                break
            continue
        if _ends_title(folded, parts) or len(parts) == _TITLE_LINES or re.fullmatch(r"[\W_]+", raw):
            break
        parts.append(raw)
    return _clean_title(parts)


def _type_and_title(lines: _Lines, first: int, last: int) -> tuple[str | None, str | None]:
    """The type line below the header and the trích yếu under it (or a Công văn's "V/v …")."""
    # Scan from the block's first line: a Công văn's "V/v" sits under its number, above the date.
    for index in lines.nonblank(first + 1, 1, _TYPE_WINDOW + last - first):
        folded = lines.folded[index]
        if _VV.match(folded):
            title = _clean_title([_VV.sub("", lines.raw[index]), _title_after(lines, index + 1) or ""])
            return None, title[:1].upper() + title[1:] if title else None
        doc_type = _type_of_line(folded) if folded.isupper() else None
        if doc_type:
            return doc_type, _title_after(lines, index + 1)
    return None, None


# --- fallbacks from the body -------------------------------------------------------------------

_ENACTING = re.compile(
    rf"((?i:chinh phu|thu tuong chinh phu|bo truong bo [^\n;]{{2,50}}?|uy ban nhan dan [^\n;]{{2,40}}?))"
    rf"\s+(?i:ban hanh)\s+((?i:{'|'.join(fold(t) for t in DOC_TYPES)}))\b\s*([^.;]{{5,400}})"
)


def _enacting(text: str) -> tuple[str | None, str | None, str | None]:
    """"Chính phủ ban hành Nghị định quy định …": (issuer, type, title) from the enacting clause."""
    folded = fold(text)
    found = _ENACTING.search(folded)
    if found is None:
        return None, None, None
    issuer, _ = match_issuer(folded, text, found.start(1))
    doc_type = next((t for t in DOC_TYPES if fold(t).lower() == found.group(2).lower()), None)
    title = _clean_title([text[found.start(3) : found.end(3)]])
    return issuer, doc_type, (title[:1].upper() + title[1:]) if title else None


# --- signature and recipients ------------------------------------------------------------------

_NOI_NHAN = re.compile(r"(?i:noi nhan)\s*:?")
_TEMPLATE = re.compile(r"\(Ky|CHUC VU CUA|…|\.{4}")
_BULLET = re.compile(r"^\s*[-–~•+]\s*")
_SIGN_LINES = 80
_NEXT_PART = re.compile(r"(?i:noi nhan|phu luc|mau so)|CONG HOA XA HOI")
_STRONG_CAPACITY = re.compile(r"^[^\S\n]*(?=(?:TM|KT)\.\s*[A-Z])", re.M)


def _until_next_part(lines: list[str]) -> list[str]:
    """Cut the signature block where an appendix or a form begins."""
    for index, line in enumerate(lines[1:], start=1):
        if _NEXT_PART.search(fold(line)):
            return lines[:index]
    return lines


def _anchor(pages: Sequence[str], pattern: re.Pattern[str]) -> list[str]:
    """The lines from the first non-template match of `pattern` on (two pages at most), or []."""
    for index, page in enumerate(pages):
        folded = fold(page)
        for found in pattern.finditer(folded):
            # An appendix form has its own blank "Nơi nhận … (Ký tên, đóng dấu)": not the signature.
            if not _TEMPLATE.search(folded[found.end() : found.end() + 400]):
                rest = page[found.end() :] + "\n" + (pages[index + 1] if index + 1 < len(pages) else "")
                return _until_next_part(rest.split("\n")[:_SIGN_LINES])
    return []


def _signature_lines(pages: Sequence[str]) -> tuple[list[str], bool]:
    """The lines after "Nơi nhận" (or, when OCR lost that label, from "TM./KT." on), else the last
    page's tail; and whether such an anchor was found."""
    lines = _anchor(pages, _NOI_NHAN) or _anchor(pages, _STRONG_CAPACITY)
    if lines or not pages:
        return lines, True
    tail = pages[-1].split("\n")[-40:]
    return ([] if _TEMPLATE.search(fold("\n".join(tail))) else tail), False


def _list_line(recipients: list[str], rest: str) -> bool:
    """Take one line of the Nơi nhận list into `recipients`; False once the list has ended."""
    text = rest.strip()
    if not text:
        return True
    if re.match(r"^\W*Luu\b", fold(text)):
        return False
    if _BULLET.match(text):
        recipients.append(_BULLET.sub("", text))
        return True
    if recipients and text[0].islower() and not recipients[-1].endswith((";", ".")):
        recipients[-1] = f"{recipients[-1]} {text}"
        return True
    return False


def _paragraph_recipients(first: str) -> list[str]:
    """"Nơi nhận: (Ban Bí thư …; Thủ tướng …; …)." printed as one paragraph, split at semicolons."""
    inside = first.strip().lstrip("(").split(")")[0]
    return [part.strip() for part in inside.split(";") if part.strip() not in ("", "...", "…")]


def _read_signature(pages: Sequence[str], header: DocumentHeader) -> None:
    """Fill in the signer, the capacity and the recipients from the signature block."""
    capacity: list[str] = []
    listing = True
    lines, anchored = _signature_lines(pages)
    for position, raw in enumerate(lines):
        rest, role = split_capacity(raw, anchored)
        # A seal's "CHÍNH PHỦ" under "TM. CHÍNH PHỦ" repeats the capacity; keep it once.
        if role and not fold(" ".join(capacity)).upper().endswith(fold(role).upper()):
            capacity.append(role)
        if position == 0 and anchored:
            # The rest of the "Nơi nhận:" line: a capacity, or a whole list in parentheses.
            parenthesised = rest.strip().startswith("(")
            header.recipients += _paragraph_recipients(" ".join(lines[:6])) if parenthesised else []
            listing = not parenthesised
            continue
        listing = listing and _list_line(header.recipients, rest)
        header.signer = None if role or listing else person_name(rest, after_capacity=bool(capacity))
        if header.signer:
            break
    header.signer_capacity = " ".join(capacity) or None
    header.recipients = [r.rstrip(" ;,.") for r in header.recipients if r.strip(" ;,.")]


# --- putting it together -----------------------------------------------------------------------


def _read_block(lines: _Lines) -> DocumentHeader:
    """The fields the header block itself prints; `doc_type` is the type line's, if any."""
    number, offset = own_number(lines.text)
    number_line = lines.line_of(offset) if number else None
    issued, place, date_line = _header_date(lines, number_line)
    motto = _motto_line(lines, number_line if number_line is not None else date_line)
    if number_line is None and motto is not None and _is_form(lines, motto):
        motto = None
    anchors = [i for i in (number_line, date_line, motto) if i is not None]
    if not anchors:
        return DocumentHeader()
    block = DocumentHeader(number, issued, place)
    if number_line is not None:
        top = min(i for i in (number_line, motto) if i is not None)
        block.issuer = _header_issuer(lines, top, motto, number_line)
    block.doc_type, block.title = _type_and_title(lines, min(anchors), max(anchors))
    return block


def _doc_type(block: DocumentHeader, number: str | None, fallbacks: Sequence[str | None]) -> str | None:
    coded = type_from_number(number) if number else None
    if coded and coded in TYPE_BY_CODE.values():
        return coded
    return block.doc_type or coded or next((t for t in fallbacks if t), None)


def _issuer(block: DocumentHeader, number: str | None, text: str, fallback: str | None) -> str | None:
    coded = issuer_from_number(number) if number else None
    if coded in ("UBND", "HĐND") and not (block.issuer or "").startswith(coded):
        coded = council_of(text, block.place) if coded == "UBND" else coded
    return block.issuer or coded or fallback


def _header_from(head: str, whole: str) -> DocumentHeader:
    lines = _Lines.of(head)
    block = _read_block(lines)
    reference = None if block.doc_number else self_reference(whole)
    enacted_by, enacted_type, enacted_title = _enacting(head)
    number = block.doc_number or (reference.doc_number if reference else None)
    return DocumentHeader(
        doc_number=number,
        issued=block.issued or (reference.issued if reference else None),
        place=block.place,
        issuer=_issuer(block, number, head, (reference.issuer if reference else None) or enacted_by),
        doc_type=_doc_type(block, number, [reference.doc_type if reference else None, enacted_type]),
        title=block.title or enacted_title,
    )


def read_document(pages: Sequence[str]) -> DocumentHeader:
    """Read a whole document: header from its first pages, signature from the last, citations from all."""
    if isinstance(pages, str) or not isinstance(pages, Sequence):
        pages = [pages] if isinstance(pages, str) else []
    texts = [prepare(p) for p in pages if isinstance(p, str)]
    whole = "\n".join(texts)
    header = _header_from("\n".join(texts[:_HEAD_PAGES]), whole)
    _read_signature(texts, header)
    header.citations = cited(whole, exclude=[header.doc_number] if header.doc_number else [])
    return header


def read_header(text: str) -> DocumentHeader:
    """Read the header (and any signature and citations) from the text of a document's first pages."""
    return read_document([text] if isinstance(text, str) else [])
