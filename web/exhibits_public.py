"""Published exhibitions for everyone: the list, an exhibition's page, its pictures.

Texts show in the visitor's interface language when the exhibition has them, else in
Vietnamese; only public items of a published exhibition are ever shown to the public.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from flask import Blueprint, Response, abort, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_login import current_user
from PIL import Image

import exhibits
from archive.errors import ArchiveError, NotFound
from archive.store import ObjectStore
from exhibits import Exhibit, Exhibition
from exhibits.clips import clip_poster, clip_range
from ingest.media_derivatives import ACCESS_FORMATS, media_input

from .derivatives import page_image, renderable
from .media import av_kind, player_context
from .resources import audience, get_catalog, settings

__all__ = ["bp", "in_language", "picture_url", "poster_url", "clip_source", "timed",
           "render_exhibition", "PICTURE_SIZES"]

bp = Blueprint("exhibitions", __name__, url_prefix="/exhibitions")

PICTURE_SIZES = ("s", "m", "l")
_ZOOMABLE = ("map", "photo")
_MAX_AGE = 3600  # seconds a browser or proxy may keep a public exhibition's picture
_JPEG_QUALITY = 85


@dataclass
class Group:
    """Consecutive entries of one section (or of none), as the page shows them."""

    name: str | None
    titles: dict[str, str]
    exhibits: list[Exhibit]


def in_language(texts: dict[str, str], lang: str) -> tuple[str, str]:
    """(text, its language): in `lang` when there is one, else the Vietnamese one."""
    if texts.get(lang):
        return texts[lang], lang
    return texts.get("vi", ""), "vi"


def _text_language(exhibition: Exhibition) -> str:
    """?text=fr picks one of the exhibition's languages; else the interface language."""
    asked = request.args.get("text")
    if asked in exhibits.languages_of(exhibition):
        return asked
    return str(get_locale())


def picture_url(exhibition: Exhibition, exhibit: Exhibit, size: str = "m") -> str | None:
    """The entry's picture (its page, cropped); None when the item has no image to show."""
    if not renderable(exhibit.original):
        return None
    entry = exhibit.entry
    # The version changes with the framing, so a cached old crop is never shown.
    version = hashlib.sha256(f"{exhibit.original.sha256}|{entry.page}|{entry.crop}".encode())
    return url_for("exhibitions.picture", slug=exhibition.slug, entry_id=entry.id, size=size,
                   v=version.hexdigest()[:10])


def _groups(exhibition: Exhibition, shown: list[Exhibit]) -> list[Group]:
    sections = {s.name: s.titles for s in exhibition.sections}
    groups: list[Group] = []
    for exhibit in shown:
        name = exhibit.entry.section
        if not groups or groups[-1].name != name:
            groups.append(Group(name, {"vi": name, **sections.get(name, {})} if name else {}, []))
        groups[-1].exhibits.append(exhibit)
    return groups


def timed(exhibit: Exhibit) -> bool:
    """True for an entry of a film or recording that ingest read (it plays, as its clip)."""
    return bool(exhibit.original and exhibit.item and exhibit.item.media.get("duration"))


def clip_source(exhibit: Exhibit, *, external: bool = False) -> tuple[str, str]:
    """A timed entry's web access copy and its media type, cut to the clip with a media
    fragment (``#t=start,end``): what its page, its editor and its IIIF canvas all play."""
    kind = av_kind(exhibit.item)
    url = url_for("media.access", item_id=exhibit.item.id, _external=external)
    if exhibit.entry.clip:
        start, end = exhibit.entry.clip
        url += f"#t={start:g},{end:g}"
    return url, ACCESS_FORMATS[kind][1]


def poster_url(exhibition: Exhibition, exhibit: Exhibit) -> str | None:
    """A clip's poster frame (from inside the clip); the film's own without a clip."""
    if not timed(exhibit) or av_kind(exhibit.item) != "video":
        return None
    if not exhibit.entry.clip:
        return url_for("items.thumbnail", item_id=exhibit.item.id)
    return url_for("exhibitions.poster", slug=exhibition.slug, entry_id=exhibit.entry.id,
                   v=_clip_name(exhibit)[5:-4])


def render_exhibition(exhibition: Exhibition, shown: list[Exhibit], *, preview: bool = False,
                      hidden: int = 0):
    """The exhibition's page as visitors see it (also the curators' preview)."""
    text_lang = _text_language(exhibition)
    return render_template(
        "exhibits/public.html", exhibition=exhibition, groups=_groups(exhibition, shown),
        count=len(shown), text_lang=text_lang, in_language=in_language, preview=preview,
        hidden=hidden, picture_url=picture_url, zoomable=_ZOOMABLE, renderable=renderable,
        text_languages=exhibits.languages_of(exhibition), timed=timed, poster_url=poster_url,
        clip_source=clip_source,
        player_context=player_context, clip_range=clip_range, av_kind=av_kind)


@bp.get("/")
def index():
    """Every published exhibition, newest first."""
    shown = exhibits.list_exhibitions(get_catalog(), audience="public")
    return render_template("exhibits/public_index.html", exhibitions=shown,
                           text_lang=str(get_locale()), in_language=in_language)


@bp.get("/<slug>")
def show(slug: str):
    """A published exhibition with its public items; anything else is the one 404."""
    catalog = get_catalog()
    try:
        exhibition = exhibits.get(catalog, slug, audience="public")
    except NotFound:
        if current_user.is_authenticated and _staff_may_see(slug):
            return redirect(url_for("exhibits.preview", slug=slug))
        abort(404)
    return render_exhibition(exhibition, exhibits.exhibits_of(catalog, exhibition,
                                                              audience="public"))


def _staff_may_see(slug: str) -> bool:
    try:
        exhibits.get(get_catalog(), slug, audience=audience())
    except NotFound:
        return False
    return True


def _visible_entry(slug: str, entry_id: int):
    """The exhibition and its entry as this visitor may see them (404 when they may not)."""
    who, catalog = audience(), get_catalog()
    try:
        exhibition = exhibits.get(catalog, slug, audience=who)
    except NotFound:
        abort(404)
    found = next((x for x in exhibits.exhibits_of(catalog, exhibition, audience=who)
                  if x.entry.id == entry_id), None)
    return exhibition, found


@bp.get("/<slug>/entries/<int:entry_id>/<size>.jpg")
def picture(slug: str, entry_id: int, size: str):
    """An entry's picture: its page of the original, cropped as the curator chose."""
    exhibition, found = _visible_entry(slug, entry_id)
    if size not in PICTURE_SIZES or found is None or not renderable(found.original):
        abort(404)
    path = page_image(settings(), found.original, found.entry.page or 1, size)
    if path is None:
        abort(404)
    if found.entry.crop:
        response = Response(_cropped(path, found.entry.crop), mimetype="image/jpeg")
    else:
        response = send_file(path, mimetype="image/jpeg")
    public = (exhibition.access == "public" and found.item.access == "public"
              and not current_user.is_authenticated)
    response.headers["Cache-Control"] = (f"public, max-age={_MAX_AGE}" if public
                                         else "private, no-store")
    return response


@bp.get("/<slug>/entries/<int:entry_id>/poster.jpg")
def poster(slug: str, entry_id: int):
    """A clip's poster frame: a frame from inside the clip that is not black (cached)."""
    exhibition, found = _visible_entry(slug, entry_id)
    if found is None or not timed(found) or not found.entry.clip or \
            av_kind(found.item) != "video":
        abort(404)
    sha = found.original.sha256
    target = settings().derivatives_dir / "media" / sha[:2] / sha / _clip_name(found)
    if not target.is_file():
        source = media_input(ObjectStore(settings().objects_dir).path_for(sha), found.item.media)
        try:
            jpeg = clip_poster(source, found.entry.clip, timeout=settings().ffprobe_timeout)
        except ArchiveError:
            jpeg = None
        if jpeg is None:
            abort(404)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        partial.write_bytes(jpeg)
        partial.replace(target)
    response = send_file(target, mimetype="image/jpeg")
    public = (exhibition.access == "public" and found.item.access == "public"
              and not current_user.is_authenticated)
    response.headers["Cache-Control"] = (f"public, max-age={_MAX_AGE}" if public
                                         else "private, no-store")
    return response


def _clip_name(exhibit: Exhibit) -> str:
    start, end = exhibit.entry.clip
    return f"clip-{start:g}-{end:g}.jpg"


def _cropped(path, crop: tuple[float, float, float, float]) -> bytes:
    with Image.open(path) as image:
        width, height = image.size
        x0, y0, x1, y1 = crop
        box = (round(x0 * width), round(y0 * height), max(round(x1 * width), round(x0 * width) + 1),
               max(round(y1 * height), round(y0 * height) + 1))
        buffer = io.BytesIO()
        image.crop(box).save(buffer, format="JPEG", quality=_JPEG_QUALITY, optimize=True)
    return buffer.getvalue()
