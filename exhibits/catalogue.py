"""The printable catalogue (A4 or A3 landscape): cover, introduction, one item per page with its
picture, captions in every language of the exhibition and a provenance line."""
from __future__ import annotations

import html
import logging

import pymupdf

from archive.errors import ArchiveError, UsageError
from archive.exhibitions import Exhibition
from archive.store import ObjectStore

from .api import LANGUAGES, Exhibit
from .fonts import typeface
from .clips import clip_range, clock, film_frame
from .media import Picture, frame_picture, picture

__all__ = ["build_catalogue", "PAPERS", "LANGUAGE_NAMES", "languages_of"]

log = logging.getLogger(__name__)

PAPERS = {"a4": "a4-l", "a3": "a3-l"}
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English", "zh": "中文", "fr": "Français",
                  "ja": "日本語", "ko": "한국어"}
_INTRO = {"vi": "Giới thiệu", "en": "Introduction", "zh": "前言", "fr": "Introduction",
          "ja": "はじめに", "ko": "머리말"}
_KINDS = {"document": "Tài liệu / Document", "map": "Bản đồ / Map", "photo": "Ảnh / Photo",
          "publication": "Ấn phẩm / Publication", "video": "Phim / Video",
          "audio": "Ghi âm / Audio", "other": "Khác / Other"}
_ACCENT = (0.48, 0.12, 0.12)  # the deep red of the province's publications
_BASE = 842  # A4 landscape width in points: every size below is for A4 and scales with paper


def languages_of(exhibition: Exhibition) -> list[str]:
    """Vietnamese first, then every other language the exhibition has any text in."""
    used = {"vi", *exhibition.titles, *exhibition.intros}
    for entry in exhibition.entries:
        used.update(entry.captions)
    return [lang for lang in LANGUAGES if lang in used]


def build_catalogue(exhibition: Exhibition, exhibits: list[Exhibit], *, store: ObjectStore,
                    paper: str = "a4", made_on: str) -> pymupdf.Document:
    """The catalogue as an open PyMuPDF document (the caller saves it)."""
    if paper not in PAPERS:
        raise UsageError(f"unknown paper {paper!r}; use {' or '.join(PAPERS)}")
    return _Catalogue(exhibition, exhibits, store, paper, made_on).build()


def _e(text: str | None) -> str:
    return html.escape(text or "")


def _short(text: str, limit: int = 90) -> str:
    """A title short enough for one line of the contents list."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


class _Catalogue:
    """Lays out one catalogue; sizes are A4 points times `s`, the paper's scale."""

    def __init__(self, exhibition: Exhibition, exhibits: list[Exhibit], store: ObjectStore,
                 paper: str, made_on: str) -> None:
        self.ex, self.exhibits, self.store, self.made_on = exhibition, exhibits, store, made_on
        self.doc = pymupdf.open()
        self.width, self.height = pymupdf.paper_size(PAPERS[paper])
        self.s = self.width / _BASE
        self.m = 36 * self.s
        self.face = typeface()
        self.langs = languages_of(exhibition)
        # The same picture twice (a map on the cover and on its page) is drawn and stored once.
        self._pictures: dict[tuple, tuple[Picture | None, int]] = {}

    def build(self) -> pymupdf.Document:
        """Cover, introduction, item pages, then page numbers, bookmarks and metadata."""
        self._cover()
        self._intro()
        for number, exhibit in enumerate(self.exhibits, start=1):
            self._item_page(number, exhibit)
        self._page_numbers()
        self._finish()
        return self.doc

    # -- helpers -------------------------------------------------------------------------------

    def _css(self) -> str:
        s = self.s
        return self.face.css + f"""
            body {{font-size: {10 * s:.1f}pt; color: #222; line-height: 1.32;}}
            h1 {{font-size: {30 * s:.1f}pt; color: #7a1f1f; margin: 0 0 {10 * s:.1f}pt 0;}}
            h2 {{font-size: {16 * s:.1f}pt; color: #222; margin: 0 0 {6 * s:.1f}pt 0;}}
            h3 {{font-size: {12 * s:.1f}pt; color: #7a1f1f; margin: 0 0 {4 * s:.1f}pt 0;}}
            p {{margin: 0 0 {5 * s:.1f}pt 0;}}
            .sub {{font-size: {17 * s:.1f}pt; color: #444; margin-bottom: {6 * s:.1f}pt;}}
            .small {{font-size: {8.5 * s:.1f}pt; color: #555;}}
            .tiny {{font-size: {7 * s:.1f}pt; color: #555;}}
            .lang {{font-size: {7.5 * s:.1f}pt; font-weight: bold; color: #888;
                    margin: {8 * s:.1f}pt 0 {2 * s:.1f}pt 0;}}
            .cap {{font-size: {11 * s:.1f}pt;}}
            .warn {{font-size: {10 * s:.1f}pt; font-weight: bold; color: #b00;}}
            .right {{text-align: right;}}
        """

    def _html(self, page: pymupdf.Page, rect: pymupdf.Rect, body: str) -> None:
        # scale_low=0: a long caption shrinks to fit its box instead of being cut off.
        page.insert_htmlbox(rect, body, css=self._css(), archive=self.face.archive, scale_low=0)

    def _new_page(self) -> pymupdf.Page:
        return self.doc.new_page(width=self.width, height=self.height)

    def _place(self, page: pymupdf.Page, exhibit: Exhibit, box: pymupdf.Rect) -> Picture | None:
        """Draw the exhibit's picture in the box; None when it has none."""
        original, entry = exhibit.original, exhibit.entry
        if original is None:
            return None
        key = (original.sha256, entry.page, entry.crop, entry.clip, tuple(box))
        if key not in self._pictures:
            if exhibit.item and exhibit.item.media.get("duration"):
                found = self._film_picture(exhibit, box)
            else:
                found = picture(self.store.path_for(original.sha256), original.mime, box,
                                page=entry.page, crop=entry.crop)
            self._pictures[key] = (found, 0)
        found, xref = self._pictures[key]
        if found is None:
            return None
        xref = page.insert_image(found.rect, stream=None if xref else found.stream, xref=xref)
        self._pictures[key] = (found, xref)
        page.draw_rect(found.rect, color=(0.75, 0.75, 0.75), width=0.5 * self.s)
        return found

    def _film_picture(self, exhibit: Exhibit, box: pymupdf.Rect) -> Picture | None:
        """A film's poster frame from inside its clip; None (a grey panel) when none comes."""
        try:
            jpeg = film_frame(self.store.path_for(exhibit.original.sha256), exhibit.item,
                              exhibit.entry.clip)
        except ArchiveError as err:  # the catalogue is still worth having without this frame
            log.warning("%s: no poster frame for the catalogue (%s)", exhibit.label, err)
            return None
        return frame_picture(jpeg, box) if jpeg else None

    # -- pages ---------------------------------------------------------------------------------

    def _cover(self) -> None:
        page, s, m = self._new_page(), self.s, self.m
        page.draw_rect(pymupdf.Rect(0, 0, 10 * s, self.height), color=None, fill=_ACCENT)
        split = self.width * 0.54
        foreign = "".join(f'<p class="sub" lang="{lang}">{_e(self.ex.titles[lang])}</p>'
                          for lang in self.langs if lang != "vi" and lang in self.ex.titles)
        draft = "" if self.ex.access == "public" else (
            '<p class="warn">BẢN NỘI BỘ – CHƯA CÔNG BỐ · INTERNAL DRAFT – NOT PUBLISHED</p>')
        body = (f'<p class="small">{_e((self.ex.organization or "").upper())}</p>'
                f'<p style="height: {40 * s:.0f}pt"></p>'
                f'<h1>{_e(self.ex.title)}</h1>{foreign}'
                f'<p style="height: {24 * s:.0f}pt"></p>'
                f'<p class="small">Danh mục trưng bày · Exhibition catalogue<br/>'
                f'{len(self.exhibits)} hiện vật / items · {_e(self.made_on)}</p>{draft}')
        self._html(page, pymupdf.Rect(m + 14 * s, m, split - 18 * s, self.height - m), body)
        cover = next((x for x in self.exhibits if x.original), None)
        if cover:
            self._place(page, cover, pymupdf.Rect(split, m, self.width - m, self.height - m))

    def _intro(self) -> None:
        page, s, m = self._new_page(), self.s, self.m
        langs = [lang for lang in self.langs if lang in self.ex.intros]
        heading = " · ".join(_INTRO[lang] for lang in (langs or ["vi", *self.langs[1:2]]))
        self._html(page, pymupdf.Rect(m, m, self.width - m, m + 30 * s), f"<h2>{_e(heading)}</h2>")
        top, bottom = m + 34 * s, self.height * 0.62
        blocks = [self._intro_block(lang) for lang in langs]
        if len(blocks) == 1:
            self._html(page, pymupdf.Rect(m, top, self.width - m, bottom), blocks[0])
        elif blocks:  # Vietnamese on the left, the other languages stacked on the right
            mid, gap = self.width / 2, 12 * s
            self._html(page, pymupdf.Rect(m, top, mid - gap, bottom), blocks[0])
            self._html(page, pymupdf.Rect(mid + gap, top, self.width - m, bottom),
                       "".join(blocks[1:]))
        self._contents(page, bottom + 10 * s)

    def _intro_block(self, lang: str) -> str:
        paragraphs = "".join(f"<p>{_e(p)}</p>" for p in self.ex.intros[lang].split("\n") if p)
        return (f'<p class="lang">{_e(LANGUAGE_NAMES[lang].upper())}</p>'
                f'<div lang="{lang}">{paragraphs}</div>')

    def _contents(self, page: pymupdf.Page, top: float) -> None:
        """The list of exhibits with the page each is on, in two columns."""
        s, m = self.s, self.m
        page.draw_line((m, top - 4 * s), (self.width - m, top - 4 * s), color=(0.7, 0.7, 0.7),
                       width=0.5 * s)
        lines = [f"{n}. {_e(_short(x.item.title or x.entry.item_id))} — tr./p. {n + 2}"
                 for n, x in enumerate(self.exhibits, start=1)]
        half = (len(lines) + 1) // 2
        mid = self.width / 2
        self._html(page, pymupdf.Rect(m, top, self.width - m, top + 16 * s),
                   '<p class="lang">DANH MỤC HIỆN VẬT · EXHIBITS</p>')
        top += 16 * s
        for rect, chunk in ((pymupdf.Rect(m, top, mid - 12 * s, self.height - m), lines[:half]),
                            (pymupdf.Rect(mid + 12 * s, top, self.width - m, self.height - m),
                             lines[half:])):
            if chunk:
                self._html(page, rect, '<p class="small">' + "<br/>".join(chunk) + "</p>")

    def _item_page(self, number: int, exhibit: Exhibit) -> None:
        page, s, m = self._new_page(), self.s, self.m
        self._html(page, pymupdf.Rect(m, m - 14 * s, self.width * 0.8, m + 4 * s),
                   f'<p class="tiny">{_e(self._running_head(exhibit))}</p>')
        split = m + (self.width - 2 * m) * 0.62
        footer = self.height - m - 30 * s
        box = pymupdf.Rect(m, m + 10 * s, split, footer - 10 * s)
        if self._place(page, exhibit, box) is None:
            self._no_picture(page, exhibit, box)
        self._html(page, pymupdf.Rect(split + 20 * s, m + 10 * s, self.width - m, footer - 10 * s),
                   self._captions(number, exhibit))
        page.draw_line((m, footer - 4 * s), (self.width - m, footer - 4 * s),
                       color=(0.7, 0.7, 0.7), width=0.5 * s)
        self._html(page, pymupdf.Rect(m, footer, self.width - m - 50 * s, self.height - m + 6 * s),
                   f'<p class="tiny">{self._provenance(exhibit)}</p>')

    def _running_head(self, exhibit: Exhibit) -> str:
        section = next((x for x in self.ex.sections if x.name == exhibit.entry.section), None)
        names = [section.name, *section.titles.values()] if section else []
        return " — ".join([self.ex.title, " / ".join(names)] if names else [self.ex.title])

    def _captions(self, number: int, exhibit: Exhibit) -> str:
        item, entry = exhibit.item, exhibit.entry
        facts = [_KINDS.get(item.kind, item.kind), item.period or item.issued or item.date,
                 item.scale and f"Tỷ lệ / Scale {item.scale}",
                 item.creator and f"Tác giả / Creator: {item.creator}",
                 item.places and "Địa danh / Places: " + ", ".join(item.places),
                 entry.clip and f"Đoạn trích / Clip {clip_range(entry.clip)}",
                 not entry.clip and item.media.get("duration") and
                 f"Thời lượng / Duration {clock(item.media['duration'])}"]
        parts = [f'<h3>{number}</h3><h2>{_e(item.title or item.id)}</h2>',
                 f'<p class="small">{_e(" · ".join(f for f in facts if f))}</p>']
        for lang in self.langs:
            if entry.captions.get(lang):
                parts.append(f'<p class="lang">{_e(LANGUAGE_NAMES[lang].upper())}</p>'
                             f'<p class="cap" lang="{lang}">{_e(entry.captions[lang])}</p>')
        if entry.note:
            parts.append(f'<p class="lang">GHI CHÚ / NOTE</p><p class="small">{_e(entry.note)}</p>')
        return "".join(parts)

    def _provenance(self, exhibit: Exhibit) -> str:
        item, entry = exhibit.item, exhibit.entry
        sha = exhibit.original.sha256 if exhibit.original else "— (không có tệp / no file)"
        bits = [f"<b>Nguồn gốc / Provenance</b> · Nguồn / Source: {_e(exhibit.source)}",
                f"Ngày / Date: {_e(item.issued or item.date or item.period or '—')}",
                f"Mã lưu trữ / Archive ID: {_e(item.id)}"]
        if entry.page:
            bits.append(f"Trang / Page {entry.page}")
        if entry.crop:
            bits.append("Cắt / Crop " + ",".join(f"{v:g}" for v in entry.crop))
        if entry.clip:
            bits.append(f"Đoạn / Clip {clip_range(entry.clip)}")
        return " · ".join(bits) + f"<br/>SHA-256: {_e(sha)}"

    def _no_picture(self, page: pymupdf.Page, exhibit: Exhibit, box: pymupdf.Rect) -> None:
        """A grey panel for records without a picture (a DVD, a DOCX): what the record says."""
        page.draw_rect(box, color=None, fill=(0.94, 0.94, 0.94))
        text = exhibit.item.description or ""
        inner = pymupdf.Rect(box.x0 + 24 * self.s, box.y0 + 24 * self.s, box.x1 - 24 * self.s,
                             box.y1 - 24 * self.s)
        self._html(page, inner, '<p class="small">Không có hình ảnh số hóa · No digital image</p>'
                   f"<p>{_e(text[:1200])}</p>")

    def _page_numbers(self) -> None:
        total, s = self.doc.page_count, self.s
        for index in range(1, total):
            page = self.doc[index]
            rect = pymupdf.Rect(self.width - self.m - 60 * s, self.height - self.m - 6 * s,
                                self.width - self.m, self.height - self.m + 8 * s)
            self._html(page, rect, f'<p class="tiny right">{index + 1} / {total}</p>')

    def _finish(self) -> None:
        toc = [[1, self.ex.title, 1], [1, "Giới thiệu / Introduction", 2]]
        toc += [[1, f"{n}. {x.item.title or x.entry.item_id}", n + 2]
                for n, x in enumerate(self.exhibits, start=1)]
        self.doc.set_toc(toc)
        foreign = [self.ex.titles[lang] for lang in self.langs[1:] if lang in self.ex.titles]
        self.doc.set_metadata({"title": self.ex.title, "subject": " / ".join(foreign),
                               "author": self.ex.organization or "", "keywords": self.ex.slug,
                               "creator": "ttdn-archive", "producer": "ttdn-archive (PyMuPDF)"})

