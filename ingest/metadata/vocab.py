"""Vocabulary of Vietnamese administrative documents: type names, codes, issuers and signers.

Keys are *folded* (diacritics stripped, đ → d: see `fold`), because OCR often breaks diacritics
("CHÍNH PHÙ" for "CHÍNH PHỦ") while the bare letters survive. Besides the tables, this module
names things: an issuer from a header line, a signer's capacity and name from a signature block.
"""
from __future__ import annotations

import re
import unicodedata

__all__ = [
    "BODY_STARTS",
    "CAPACITY_WORDS",
    "CENTRAL_CITIES",
    "DOC_TYPES",
    "ISSUERS",
    "ISSUER_BY_CODE",
    "NAMED_TYPES",
    "RANKS",
    "SURNAMES",
    "TYPE_BY_CODE",
    "council_of",
    "fold",
    "issuer_named",
    "match_issuer",
    "person_name",
    "split_capacity",
]

# Canonical document type names, longest first so "Thông tư liên tịch" wins over "Thông tư".
DOC_TYPES: tuple[str, ...] = (
    "Thông tư liên tịch",
    "Chương trình hành động",
    "Nghị định",
    "Thông tư",
    "Quyết định",
    "Kế hoạch",
    "Công văn",
    "Báo cáo",
    "Tờ trình",
    "Nghị quyết",
    "Chỉ thị",
    "Thông báo",
    "Kết luận",
    "Chương trình",
    "Hướng dẫn",
    "Quy chế",
    "Quy định",
    "Công điện",
    "Pháp lệnh",
    "Bộ luật",
    "Luật",
)

# Types whose citations put a name between the type and the number ("Luật Viễn thông số 24/2023/QH15").
NAMED_TYPES: tuple[str, ...] = ("Luật", "Bộ luật", "Pháp lệnh")

# Type code: the first segment after the number (and year): "51/KH-UBND", "244/2026/NĐ-CP".
TYPE_BY_CODE: dict[str, str] = {
    "ND": "Nghị định",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "KH": "Kế hoạch",
    "QD": "Quyết định",
    "NQ": "Nghị quyết",
    "CT": "Chỉ thị",
    "BC": "Báo cáo",
    "TTR": "Tờ trình",
    "TB": "Thông báo",
    "KL": "Kết luận",
    "CTR": "Chương trình",
    "HD": "Hướng dẫn",
    "QC": "Quy chế",
    "CD": "Công điện",
}

# Issuer code: the segment naming the body ("TT-BTC", "KH-UBND", "3737/BTTTT-TTĐN").
ISSUER_BY_CODE: dict[str, str] = {
    "CP": "Chính phủ",
    "TTG": "Thủ tướng Chính phủ",
    "QH": "Quốc hội",
    "UBTVQH": "Ủy ban Thường vụ Quốc hội",
    "VPCP": "Văn phòng Chính phủ",
    "TTCP": "Thanh tra Chính phủ",
    "NHNN": "Ngân hàng Nhà nước Việt Nam",
    "BTC": "Bộ Tài chính",
    "BXD": "Bộ Xây dựng",
    "BYT": "Bộ Y tế",
    "BCA": "Bộ Công an",
    "BNV": "Bộ Nội vụ",
    "BKHCN": "Bộ Khoa học và Công nghệ",
    "BNNMT": "Bộ Nông nghiệp và Môi trường",
    "BGDDT": "Bộ Giáo dục và Đào tạo",
    "BTTTT": "Bộ Thông tin và Truyền thông",
    "BNG": "Bộ Ngoại giao",
    "BQP": "Bộ Quốc phòng",
    "BTP": "Bộ Tư pháp",
    "BCT": "Bộ Công Thương",
    "BKHDT": "Bộ Kế hoạch và Đầu tư",
    "BVHTTDL": "Bộ Văn hóa, Thể thao và Du lịch",
    "BLDTBXH": "Bộ Lao động - Thương binh và Xã hội",
    "BGTVT": "Bộ Giao thông vận tải",
    "BTNMT": "Bộ Tài nguyên và Môi trường",
    "BNNPTNT": "Bộ Nông nghiệp và Phát triển nông thôn",
    "BDTTG": "Bộ Dân tộc và Tôn giáo",
    "UBND": "UBND",
    "HDND": "HĐND",
}

# Issuers recognised by name in a header or after "của" in a citation.
ISSUERS: tuple[str, ...] = (
    "Thủ tướng Chính phủ",
    "Ủy ban Thường vụ Quốc hội",
    "Văn phòng Chính phủ",
    "Thanh tra Chính phủ",
    "Chính phủ",
    "Quốc hội",
    "Bộ Chính trị",
    "Ban Bí thư",
    "Ngân hàng Nhà nước Việt Nam",
    "Kiểm toán nhà nước",
    *(name for code, name in ISSUER_BY_CODE.items() if name.startswith("Bộ ")),
)

# Cities under central rule: their people's committee is "UBND thành phố …", not "UBND tỉnh …".
CENTRAL_CITIES: frozenset[str] = frozenset(
    {"HA NOI", "HO CHI MINH", "HAI PHONG", "DA NANG", "CAN THO", "HUE"}
)

# Folded starts of the lines that open a document's body: the trích yếu ends before them.
BODY_STARTS: tuple[str, ...] = (
    "CAN CU", "THUC HIEN", "THEO DE NGHI", "KINH GUI", "CHUONG ", "DIEU ", "XET ", "DE ",
    "NHAM ", "TREN CO SO", "I.", "I ", "1.", "A)", "- ", "NOI NHAN", "THONG TIN VAN BAN",
)

# Folded words that mark a signer's capacity ("KT. CHỦ TỊCH", "BỘ TRƯỞNG", "TM. CHÍNH PHỦ").
CAPACITY_WORDS: tuple[str, ...] = (
    "TM.", "KT.", "TL.", "TUQ.", "Q.", "CHU TICH", "BO TRUONG", "THU TRUONG", "THU TUONG",
    "GIAM DOC", "CHANH VAN PHONG", "TRUONG BAN", "TONG CUC TRUONG", "CUC TRUONG", "VU TRUONG",
    "TRUONG PHONG", "BI THU", "THONG DOC", "TONG THANH TRA", "CHANH AN", "VIEN TRUONG",
)

# Military and police ranks printed before a signer's name ("Đại tướng Lương Tam Quang").
RANKS: tuple[str, ...] = (
    "Đại tướng", "Thượng tướng", "Trung tướng", "Thiếu tướng", "Đại tá", "Thượng tá",
    "Trung tá", "Thiếu tá",
)

# Folded Vietnamese surnames: a name line in the signature block starts with one of these.
SURNAMES: frozenset[str] = frozenset(
    """NGUYEN TRAN LE PHAM HOANG HUYNH PHAN VU VO DANG BUI DO HO NGO DUONG LY DINH DOAN
    LUONG TRINH MAI TO HA TA LAM CHU CAO THAI VUONG PHUNG TRUONG LUU DAO KIEU TANG QUACH
    TRIEU HUA LAI LUC NONG GIAP KHUC LA AU THAN TONG HAU MAC VI LO MA BE DAM DIEP PHI
    NGHIEM DONG TU NINH KHONG KHUAT LANH LONG MONG QUAN TIEU UNG VIEN YEN""".split()
)


# --- folding ----------------------------------------------------------------------------------

_D_LIKE = {"đ": "d", "Đ": "D", "Ð": "D", "ð": "d", "Ɖ": "D", "ɖ": "d"}


def _fold_char(ch: str) -> str:
    if ch in _D_LIKE:
        return _D_LIKE[ch]
    base = unicodedata.normalize("NFD", ch)[0]
    return base if base.isascii() and base.isalpha() else ch


_FOLD_TABLE = {cp: _fold_char(chr(cp)) for cp in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]}


def fold(text: str) -> str:
    """Strip Vietnamese diacritics one character for one, keeping case and length.

    >>> fold("Số: 51/KH-UBND, Lạng Sơn, ngày 22 tháng 3")
    'So: 51/KH-UBND, Lang Son, ngay 22 thang 3'
    """
    # As text.translate(_FOLD_TABLE), 3x faster (the header reader folds every page, 1 s of a
    # 38-document ingest): translate looks each character up in a dict, while a page holds
    # ~50 distinct accented letters, each replaced at memchr speed; no output is a key.
    for char in set(text) & _FOLDED_KEYS:
        text = text.replace(char, _FOLDED[char])
    return text


_FOLDED = {chr(cp): out for cp, out in _FOLD_TABLE.items() if out != chr(cp)}
_FOLDED_KEYS = frozenset(_FOLDED)


# --- issuers ----------------------------------------------------------------------------------

_ISSUER_KEYS = sorted(((fold(name).lower(), name) for name in ISSUERS), key=lambda kv: -len(kv[0]))
_UBND_RE = re.compile(
    r"(?i:UBND|HDND|Uy ban nhan dan|Hoi dong nhan dan)\s+"
    r"((?i:tinh|thanh pho|huyen|quan|thi xa|xa|phuong))"
    r"((?:\s+[A-Z][A-Za-z]*){1,4})?"
)
_MINISTER = re.compile(r"(?i:bo truong|thu truong)\s+(?=(?i:bo)\s)")


def _place_name(words: str) -> str:
    return " ".join(w[:1].upper() + w[1:].lower() for w in words.split())


def _match_council(folded: str, original: str, pos: int) -> tuple[str | None, int]:
    found = _UBND_RE.match(folded, pos)
    if found is None:
        return None, pos
    body = "HĐND" if fold(original[found.start() : found.start() + 2]).upper() in ("HD", "HO") else "UBND"
    level = original[found.start(1) : found.end(1)].lower()
    name = _place_name(original[found.start(2) : found.end(2)]) if found.group(2) else ""
    return " ".join(p for p in (body, level, name) if p), found.end()


def match_issuer(folded: str, original: str, pos: int) -> tuple[str | None, int]:
    """Read a known issuer's name at `pos` ("Bộ trưởng Bộ Y tế", "UBND tỉnh Lạng Sơn"): (name, end)."""
    minister = _MINISTER.match(folded, pos)
    start = minister.end() if minister else pos
    head = folded[start : start + 60].lower()
    for key, name in _ISSUER_KEYS:
        end = start + len(key)
        if head.startswith(key) and not folded[end : end + 1].isalnum():
            return name, end
    return _match_council(folded, original, start)


_NOT_LETTER = re.compile(r"^[^A-Za-zÀ-ỹĐđ]+|[^A-Za-zÀ-ỹĐđ]+$")
_GENERIC_BODY = re.compile(r"^(BỘ|SỞ)\s+[A-ZÀ-ỸĐ ,&-]{3,60}$")


def _minister_case(name: str) -> str:
    """"BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH" → "Bộ Văn hóa, Thể thao và Du lịch" (coordinates capitalised)."""
    parts = re.split(r"(\s+VÀ\s+|,\s*|\s+-\s+)", name.lower().title())
    cased = [p.lower() if i % 2 else p[:1].upper() + p[1:].lower() for i, p in enumerate(parts)]
    head, _, rest = "".join(cased).partition(" ")
    return f"{head} {rest[:1].upper()}{rest[1:]}".strip()


def issuer_named(candidate: str) -> str | None:
    """The issuer a header line names ("BỘ TÀI CHÍNH" → "Bộ Tài chính") when the line is just that name."""
    text = _NOT_LETTER.sub("", candidate)
    if not text or text != text.upper():
        return None
    folded = fold(text)
    name, end = match_issuer(folded, text, 0)
    if name and not re.search(r"[A-Za-z]", folded[end:]):
        return name
    generic = _GENERIC_BODY.match(text)
    return _minister_case(text) if generic and len(text.split()) <= 10 else None


def council_of(text: str, place: str | None) -> str:
    """A people's committee's full name, from the body ("UBND tỉnh Lạng Sơn xây dựng …") or the place."""
    folded = fold(text)
    for found in re.finditer(r"(?i:UBND|Uy ban nhan dan)\s", folded):
        name, _ = match_issuer(folded, text, found.start())
        if name and len(name.split()) > 2 and (place is None or name.endswith(place)):
            return name
    if place is None:
        return "UBND"
    level = "thành phố" if fold(place).upper() in CENTRAL_CITIES else "tỉnh"
    return f"UBND {level} {place}"


# --- signers ------------------------------------------------------------------------------------

_ROLES = "|".join(re.escape(w) for w in CAPACITY_WORDS if not w.endswith("."))
_CAPACITY_START = re.compile(rf"^(?:(?:TM|KT|TL|TUQ|Q)\.|(?:PHO\s+)?(?:{_ROLES}))")
_CAPACITY_WORDS_MAX = 12


def _is_capacity(tail: str, anchored: bool) -> bool:
    if tail != tail.upper() or not re.search(r"[A-ZĐ]{2}", tail):
        return False
    # OCR drops the "TM." of "TM. CHÍNH PHỦ" now and then; in a signature block the body's name alone
    # still signs, but elsewhere it is more likely the header's issuer.
    return bool(_CAPACITY_START.match(fold(tail))) or (anchored and issuer_named(tail) is not None)


def split_capacity(raw: str, anchored: bool) -> tuple[str, str | None]:
    """Split a line's trailing capacity off: "- Ban Bí thư …; KT. THỦ TƯỚNG" → ("- Ban Bí thư …;", "KT. …").

    `anchored`: the line is in a signature block, where a bare "CHÍNH PHỦ" is the "TM." capacity.
    """
    tokens = raw.split()
    # A capacity is a few words at the end of a line; looking further back only costs time.
    for start in range(max(0, len(tokens) - _CAPACITY_WORDS_MAX), len(tokens)):
        tail = " ".join(tokens[start:])
        if _is_capacity(tail, anchored):
            return " ".join(tokens[:start]), _NOT_LETTER.sub("", tail)
    return raw, None


def person_name(raw: str, after_capacity: bool) -> str | None:
    """The signer's name on a line ("Hồ Tiến Thiệu"; "Đại tướng Lương Tam Quang" loses its rank), or None.

    A name starts with a known surname, or, right under a capacity, is just two to four capitalised words.
    """
    text = _NOT_LETTER.sub("", raw)
    for rank in RANKS:
        text = text[len(rank) :].strip() if text.startswith(rank + " ") else text
    words = text.split()
    capitalised = all(w.isalpha() and w[0].isupper() and w[1:].islower() for w in words)
    if not capitalised or not 2 <= len(words) <= 5:
        return None
    return text if fold(words[0]).upper() in SURNAMES or (after_capacity and len(words) <= 4) else None
