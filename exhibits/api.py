"""What curators do to exhibitions; the CLI and the web views are thin layers over these calls."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Mapping

from archive.catalog import Catalog, now_iso
from archive.errors import AccessDenied, NotFound, UsageError
from archive.exhibitions import Exhibition, ExhibitEntry, ExhibitionStore, Section
from archive.models import Event, FileRecord, Item
from search.access import may_see

from .clips import check_clip

__all__ = ["LANGUAGES", "FOREIGN_LANGUAGES", "Exhibit", "PublishRefused", "create", "edit", "get",
           "list_exhibitions", "exhibits_of", "add_item", "remove_item", "move_item",
           "set_caption", "set_section", "define_section", "edit_item", "publish", "unpublish",
           "events", "KEEP"]

LANGUAGES = ("vi", "en", "zh", "fr", "ja", "ko")
FOREIGN_LANGUAGES = LANGUAGES[1:]
KEEP = object()  # edit_item: leave this field as it is
_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")


@dataclass
class Exhibit:
    """An entry with its archived item, first source and original file, ready to show."""

    entry: ExhibitEntry
    item: Item | None  # None: the item is no longer in the archive
    source: str | None
    original: FileRecord | None

    @property
    def label(self) -> str:
        """How a clerk recognizes the entry: position, source (or id) and title."""
        title = f" “{self.item.title}”" if self.item and self.item.title else ""
        return f"#{self.entry.position} {self.source or self.entry.item_id}{title}"


class PublishRefused(AccessDenied):
    """Publishing would show non-public items to the public; `exhibits` names each one."""

    code = "publish-refused"

    def __init__(self, message: str, exhibits: list[Exhibit]) -> None:
        super().__init__(message)
        self.exhibits = exhibits


# -- texts ---------------------------------------------------------------------------------------

def _text(value: str | None) -> str:
    """Captions and titles as NFC (a Mac keyboard sends decomposed tones), trimmed."""
    return unicodedata.normalize("NFC", value or "").strip()


def _check_languages(languages) -> None:
    unknown = sorted(set(languages) - set(LANGUAGES))
    if unknown:
        raise UsageError(f"unknown language {', '.join(unknown)}; use {', '.join(LANGUAGES)}")


def _texts(values: Mapping[str, str | None] | None) -> dict[str, str]:
    """A language -> text mapping checked against LANGUAGES; empty texts dropped."""
    values = values or {}
    _check_languages(values)
    return {lang: _text(values[lang]) for lang in LANGUAGES if _text(values.get(lang))}


def _merge(old: dict[str, str], new: Mapping[str, str | None]) -> dict[str, str]:
    """Apply edits: a given text replaces, an empty one removes that language."""
    _check_languages(new)
    merged = {**old, **{k: _text(v) for k, v in new.items()}}
    return {lang: merged[lang] for lang in LANGUAGES if merged.get(lang)}


# -- reading -------------------------------------------------------------------------------------

def _load(store: ExhibitionStore, slug: str) -> Exhibition:
    exhibition = store.get(slug)
    if exhibition is None:
        raise NotFound(f"no exhibition has the slug {slug!r} (see `ttdn exhibit list`)")
    return exhibition


def get(catalog: Catalog, slug: str, *, audience: str = "staff") -> Exhibition:
    """The exhibition as this audience may see it: hidden ones look missing, items filtered."""
    exhibition = _load(ExhibitionStore(catalog), slug)
    if not may_see(audience, exhibition.access):
        raise NotFound(f"no exhibition has the slug {slug!r} (see `ttdn exhibit list`)")
    visible = {x.entry.id for x in exhibits_of(catalog, exhibition, audience=audience)}
    exhibition.entries = [e for e in exhibition.entries if e.id in visible]
    return exhibition


def list_exhibitions(catalog: Catalog, *, audience: str = "staff") -> list[Exhibition]:
    """Every exhibition this audience may see, newest first."""
    return [get(catalog, x.slug, audience=audience) for x in ExhibitionStore(catalog).all()
            if may_see(audience, x.access)]


def exhibits_of(catalog: Catalog, exhibition: Exhibition, *,
                audience: str | None = None) -> list[Exhibit]:
    """The entries with their items; with an audience, only items it may see (and that exist)."""
    found = []
    for entry in exhibition.entries:
        item = catalog.get_item(entry.item_id)
        if audience and (item is None or not may_see(audience, item.access)):
            continue
        sources = catalog.sources(entry.item_id) if item else []
        originals = [f for f in catalog.files(entry.item_id) if f.role == "original"]
        found.append(Exhibit(entry, item, sources[0] if sources else (item and item.identifier),
                             originals[0] if originals else None))
    return found


def events(catalog: Catalog, slug: str) -> list[Event]:
    """Who did what to the exhibition, and when."""
    store = ExhibitionStore(catalog)
    _load(store, slug)
    return store.events(slug)


# -- the exhibition itself -----------------------------------------------------------------------

def create(catalog: Catalog, slug: str, titles: Mapping[str, str], *,
           intros: Mapping[str, str] | None = None, organization: str | None = None,
           actor: str) -> Exhibition:
    """A new, internal exhibition; it needs a Vietnamese title and a slug not yet taken."""
    if not _SLUG.fullmatch(slug or ""):
        raise UsageError(f"the slug {slug!r} is not usable: use lowercase letters a-z, digits and"
                         " hyphens, e.g. hoang-sa-truong-sa-2026")
    titles = _texts(titles)
    if "vi" not in titles:
        raise UsageError("an exhibition needs a Vietnamese title (--title)")
    store = ExhibitionStore(catalog)
    if store.get(slug) is not None:
        raise UsageError(f"an exhibition with the slug {slug!r} already exists")
    exhibition = Exhibition(slug=slug, titles=titles, intros=_texts(intros),
                            organization=_text(organization) or None)
    store.create(exhibition, actor=actor)
    return _load(store, slug)


def edit(catalog: Catalog, slug: str, *, titles: Mapping[str, str] | None = None,
         intros: Mapping[str, str] | None = None, organization: str | None = None,
         actor: str) -> Exhibition:
    """Change titles or introductions (an empty text removes that language) or the organization."""
    store = ExhibitionStore(catalog)
    exhibition = _load(store, slug)
    exhibition.titles = _merge(exhibition.titles, titles or {})
    if "vi" not in exhibition.titles:
        raise UsageError("the Vietnamese title cannot be removed")
    exhibition.intros = _merge(exhibition.intros, intros or {})
    if organization is not None:
        exhibition.organization = _text(organization) or None
    changed = sorted({*(titles or {}), *(intros or {})})
    store.save_header(exhibition, actor=actor, action="exhibit-edited",
                      detail={"languages": changed})
    return _load(store, slug)


def define_section(catalog: Catalog, slug: str, name: str,
                   titles: Mapping[str, str] | None = None, *, actor: str) -> Section:
    """Add a section (named by its Vietnamese title) or change its other titles."""
    store = ExhibitionStore(catalog)
    exhibition = _load(store, slug)
    section = _section(exhibition, name)
    section.titles = _merge(section.titles, titles or {})
    store.save_header(exhibition, actor=actor, action="exhibit-section-defined",
                      detail={"section": section.name})
    return section


def _section(exhibition: Exhibition, name: str) -> Section:
    """The section with this name, appended when new."""
    name = _text(name)
    if not name:
        raise UsageError("a section needs a name")
    for section in exhibition.sections:
        if section.name == name:
            return section
    exhibition.sections.append(Section(name))
    return exhibition.sections[-1]


def _non_public(catalog: Catalog, exhibition: Exhibition) -> list[Exhibit]:
    return [x for x in exhibits_of(catalog, exhibition) if not x.item or x.item.access != "public"]


def publish(catalog: Catalog, slug: str, *, actor: str) -> Exhibition:
    """Make the exhibition public; refused, naming each one, while it holds non-public items."""
    store = ExhibitionStore(catalog)
    exhibition = _load(store, slug)
    offenders = _non_public(catalog, exhibition)
    if offenders:
        lines = "\n".join(f"  {x.label} ({x.item.access if x.item else 'missing'})"
                          for x in offenders)
        raise PublishRefused(
            f"cannot publish {slug!r}: {len(offenders)} item(s) are not public:\n{lines}\n"
            "Remove them (`ttdn exhibit remove`) or make them public first.", offenders)
    exhibition.access, exhibition.published_at = "public", now_iso()
    store.save_header(exhibition, actor=actor, action="exhibit-published", detail={})
    return _load(store, slug)


def unpublish(catalog: Catalog, slug: str, *, actor: str) -> Exhibition:
    """Take the exhibition back to internal."""
    store = ExhibitionStore(catalog)
    exhibition = _load(store, slug)
    exhibition.access = "internal"
    store.save_header(exhibition, actor=actor, action="exhibit-unpublished", detail={})
    return _load(store, slug)


# -- its entries ---------------------------------------------------------------------------------

def _item(catalog: Catalog, item_ref: str, audience: str) -> Item:
    item_id = catalog.resolve(item_ref)
    item = catalog.get_item(item_id) if item_id else None
    if item is None or not may_see(audience, item.access):
        raise NotFound(f"no item has the id or source {item_ref!r}")
    return item


def _entry(exhibition: Exhibition, position: int) -> ExhibitEntry:
    entry = exhibition.entry(position)
    if entry is None:
        raise UsageError(f"{exhibition.slug!r} has no item at position {position}"
                         f" (it holds {len(exhibition.entries)})")
    return entry


def _page(catalog: Catalog, item: Item, page: int | None) -> int | None:
    """The page to show: documents default to page 1; other files have no pages to choose."""
    originals = [f for f in catalog.files(item.id) if f.role == "original"]
    if not originals or originals[0].mime != "application/pdf":
        if page not in (None, 1):
            raise UsageError(f"item {item.id} is not a PDF document: it has no page {page}")
        return None
    count = len(catalog.pages(item.id))
    page = 1 if page is None else page
    if not 1 <= page <= max(count, 1):
        raise UsageError(f"item {item.id} has {count} page(s); page {page} does not exist")
    return page


def _crop(crop) -> tuple[float, float, float, float] | None:
    """A crop box as fractions x0, y0, x1, y1 of the page or image (0 = left/top, 1 = right/bottom)."""
    if crop is None:
        return None
    try:
        x0, y0, x1, y1 = (float(v) for v in crop)
    except (TypeError, ValueError):
        raise UsageError("a crop is four fractions x0,y0,x1,y1, e.g. 0.1,0.2,0.9,0.8") from None
    if not (0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1):
        raise UsageError("a crop box needs 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1")
    return (x0, y0, x1, y1)


def add_item(catalog: Catalog, slug: str, item_ref: str, *,
             captions: Mapping[str, str] | None = None, page: int | None = None, crop=None,
             section: str | None = None, note: str | None = None, position: int | None = None,
             clip: tuple | None = None, actor: str, audience: str = "staff") -> ExhibitEntry:
    """Add an archive item (by id or source) with its captions; at the end unless `position`.

    `clip`: (start, end) of a film or recording, as seconds or `00:01:05` times."""
    store = ExhibitionStore(catalog)
    exhibition = _load(store, slug)
    item = _item(catalog, item_ref, audience)
    if exhibition.access == "public" and item.access != "public":
        raise AccessDenied(f"{slug!r} is public and item {item.id} ({item_ref}) is"
                           f" {item.access}: unpublish the exhibition before adding it")
    position = len(exhibition.entries) + 1 if position is None else position
    if not 1 <= position <= len(exhibition.entries) + 1:
        raise UsageError(f"position {position} is outside 1…{len(exhibition.entries) + 1}")
    entry = ExhibitEntry(item.id, position, _texts(captions), None, _page(catalog, item, page),
                         _crop(crop), _text(note) or None,
                         clip=check_clip(item, *clip) if clip else None)
    if section:
        entry.section = _ensure_section(store, exhibition, section, actor)
    entry.id = store.insert_entry(slug, entry, position, actor=actor,
                                  detail={"languages": sorted(entry.captions)})
    return entry


def _ensure_section(store: ExhibitionStore, exhibition: Exhibition, name: str,
                    actor: str) -> str:
    before = len(exhibition.sections)
    section = _section(exhibition, name)
    if len(exhibition.sections) > before:
        store.save_header(exhibition, actor=actor, action="exhibit-section-defined",
                          detail={"section": section.name})
    return section.name


def remove_item(catalog: Catalog, slug: str, position: int, *, actor: str) -> ExhibitEntry:
    """Take the entry at a position out of the exhibition (the item stays in the archive)."""
    store = ExhibitionStore(catalog)
    entry = _entry(_load(store, slug), position)
    store.delete_entry(slug, entry, actor=actor)
    return entry


def move_item(catalog: Catalog, slug: str, position: int, to: int, *,
              actor: str) -> Exhibition:
    """Move the entry at `position` so that it stands at `to`; the others close up."""
    store = ExhibitionStore(catalog)
    exhibition = _load(store, slug)
    entry = _entry(exhibition, position)
    _entry(exhibition, to)  # the target must be a position that exists
    ids = [e.id for e in exhibition.entries if e.id != entry.id]
    ids.insert(to - 1, entry.id)
    store.reorder(slug, ids, actor=actor,
                  detail={"item_id": entry.item_id, "from": position, "to": to})
    return _load(store, slug)


def set_caption(catalog: Catalog, slug: str, position: int, captions: Mapping[str, str], *,
                actor: str) -> ExhibitEntry:
    """Edit captions per language (an empty text removes that language's caption)."""
    store = ExhibitionStore(catalog)
    entry = _entry(_load(store, slug), position)
    entry.captions = _merge(entry.captions, captions)
    changed = {lang: entry.captions.get(lang, "") for lang in captions}
    store.update_entry(slug, entry, actor=actor, action="exhibit-caption-edited",
                       detail={"captions": changed})
    return entry


def set_section(catalog: Catalog, slug: str, position: int, section: str | None, *,
                actor: str) -> ExhibitEntry:
    """Put the entry in a section (created when new), or in none with None or ""."""
    store = ExhibitionStore(catalog)
    exhibition = _load(store, slug)
    entry = _entry(exhibition, position)
    entry.section = _ensure_section(store, exhibition, section, actor) if section else None
    store.update_entry(slug, entry, actor=actor, action="exhibit-section-set",
                       detail={"section": entry.section})
    return entry


def edit_item(catalog: Catalog, slug: str, position: int, *, page=KEEP, crop=KEEP, note=KEEP,
              clip=KEEP, actor: str) -> ExhibitEntry:
    """Change an entry's page, crop box, note or clip (start, end; None: the whole film);
    fields left as KEEP stay as they are."""
    store = ExhibitionStore(catalog)
    entry = _entry(_load(store, slug), position)
    changed = {}
    if page is not KEEP:
        entry.page = changed["page"] = _page(catalog, _item(catalog, entry.item_id, "admin"), page)
    if crop is not KEEP:
        entry.crop = _crop(crop)
        changed["crop"] = list(entry.crop) if entry.crop else None
    if note is not KEEP:
        entry.note = changed["note"] = _text(note) or None
    if clip is not KEEP:
        entry.clip = check_clip(_item(catalog, entry.item_id, "admin"), *(clip or (None, None)))
        changed["clip"] = list(entry.clip) if entry.clip else None
    store.update_entry(slug, entry, actor=actor, action="exhibit-item-edited", detail=changed)
    return entry
