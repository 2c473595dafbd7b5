"""The curators' exhibition pages: thin views over the `exhibits` API.

Staff may look at every exhibition (drafts too); curators and admins change them. Every change
is a POST with a CSRF token, and the API records it as an event with the account's name.
Entries are addressed by their id, which stays put while entries move.
"""
from __future__ import annotations

import logging
from pathlib import PurePath

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   send_file, url_for)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

import exhibits
from archive.errors import AccessDenied, ArchiveError, NotFound, UsageError
from archive.history import exhibition_history
from exhibits import KEEP, LANGUAGES, Exhibit, Exhibition, PublishRefused
from exhibits.clips import check_clip, clip_range, clock
from search.access import may_see

from .derivatives import renderable
from .exhibits_export import FORMATS, ExportBusy, run_export
from .exhibits_forms import caption_form, entry_form, exhibition_form, parse_crop, slug_from
from .exhibits_public import (clip_source, in_language, picture_url, poster_url,
                              render_exhibition)
from .media import av_kind
from .readers import current_reader
from .resources import audience, get_catalog, get_engine, settings
from .security import safe_next

__all__ = ["bp", "ACTION_LABELS"]

log = logging.getLogger(__name__)

bp = Blueprint("exhibits", __name__, url_prefix="/staff/exhibitions")

ACTION_LABELS = {
    "exhibit-created": _l("Created"), "exhibit-edited": _l("Texts edited"),
    "exhibit-section-defined": _l("Section defined"), "exhibit-item-added": _l("Item added"),
    "exhibit-item-removed": _l("Item removed"), "exhibit-reordered": _l("Order changed"),
    "exhibit-caption-edited": _l("Caption edited"), "exhibit-section-set": _l("Section chosen"),
    "exhibit-item-edited": _l("Page, crop or note edited"), "exhibit-published": _l("Published"),
    "exhibit-unpublished": _l("Unpublished"), "exhibit-exported": _l("Exported"),
    "exhibit-featured": _l("Featured on the home page"),
}
PAPERS = ("a4", "a3")
_FIND_LIMIT = 50
_MAX_ADD = _FIND_LIMIT  # items one "add the selected" may add: one finder page
_EVENTS_SHOWN = 100


@bp.before_request
def _staff_only():
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    return None


def _curator() -> None:
    if not current_user.may_edit:
        abort(403)


def _load(slug: str) -> Exhibition:
    try:
        return exhibits.get(get_catalog(), slug, audience=audience())
    except NotFound:
        abort(404)


def _shown(exhibition: Exhibition) -> list[Exhibit]:
    """The entries with their items, as far as this reader may see them."""
    return exhibits.exhibits_of(get_catalog(), exhibition, audience=audience())


def _find_entry(slug: str, entry_id: int) -> tuple[Exhibition, list[Exhibit], int]:
    """The exhibition, its visible entries and the index of entry `entry_id` among them."""
    exhibition = _load(slug)
    shown = _shown(exhibition)
    for index, exhibit in enumerate(shown):
        if exhibit.entry.id == entry_id:
            return exhibition, shown, index
    abort(404)


def _to_entry(slug: str, entry_id: int | None = None):
    return redirect(url_for("exhibits.show", slug=slug,
                            _anchor=f"entry-{entry_id}" if entry_id else None))


def _safe_next(target: str | None, slug: str) -> str:
    """Only a path on this site; else the exhibition's page."""
    return safe_next(target, url_for("exhibits.show", slug=slug))


def _title(exhibit: Exhibit) -> str:
    return (exhibit.item.title if exhibit.item and exhibit.item.title else
            exhibit.source or exhibit.entry.item_id)


# -- reading ---------------------------------------------------------------------------------

@bp.get("/")
def index():
    """Every exhibition this account may see, drafts included."""
    found = exhibits.list_exhibitions(get_catalog(), audience=audience())
    return render_template("exhibits/index.html", exhibitions=found, in_language=in_language)


def _details(event) -> list[tuple[str, object]]:
    """An event's details for the history table; an export's files by name only (the web's
    exports go through a temporary folder whose path says nothing)."""
    return [(key, PurePath(value).name if key in ("pdf", "bag") and value else value)
            for key, value in event.detail.items() if key != "exhibition"]


def _workspace(exhibition: Exhibition, *, refusal=None, status: int = 200):
    shown = _shown(exhibition)
    events = exhibition_history(get_catalog(), exhibition.slug,
                                current_reader())[::-1][:_EVENTS_SHOWN]
    forms = {x.entry.id: caption_form(prefix=f"e{x.entry.id}", formdata=None,
                                      data={f"caption_{k}": v for k, v in x.entry.captions.items()})
             for x in shown}
    return render_template(
        "exhibits/show.html", exhibition=exhibition, shown=shown,
        languages=exhibits.languages_of(exhibition), caption_forms=forms, events=events,
        actions=ACTION_LABELS, details=_details, refusal=refusal, papers=PAPERS,
        picture_url=picture_url, in_language=in_language, clip_range=clip_range,
        poster_url=poster_url), status


@bp.get("/<slug>")
def show(slug: str):
    """The curator's page of one exhibition: entries, captions side by side, actions, history."""
    return _workspace(_load(slug))


@bp.get("/<slug>/preview")
def preview(slug: str):
    """The public page as it will look: public items only, even while a draft."""
    exhibition = _load(slug)
    public = exhibits.exhibits_of(get_catalog(), exhibition, audience="public")
    return render_exhibition(exhibition, public, preview=True,
                             hidden=len(_shown(exhibition)) - len(public))


# -- the exhibition itself -------------------------------------------------------------------

def _texts(form, name: str) -> dict[str, str]:
    return {lang: (form[f"{name}_{lang}"].data or "").strip() for lang in LANGUAGES}


def _changed(new: dict[str, str], old: dict[str, str]) -> dict[str, str]:
    """The languages whose text the form changes ("" removes one)."""
    return {lang: text for lang, text in new.items() if text != old.get(lang, "")}


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Create an exhibition: address, titles and introductions per language."""
    _curator()
    form = exhibition_form(new=True)
    if form.validate_on_submit():
        titles = _texts(form, "title")
        slug = (form.slug.data or "").strip() or slug_from(titles["vi"])
        try:
            made = exhibits.create(get_catalog(), slug, titles, intros=_texts(form, "intro"),
                                   organization=form.organization.data, actor=current_user.name)
        except UsageError as err:
            form.slug.errors.append(err.message)
        else:
            flash(_("The exhibition was created as a draft. Add items to it next."), "success")
            return redirect(url_for("exhibits.find", slug=made.slug))
    return render_template("exhibits/texts.html", form=form, exhibition=None,
                           languages=("vi", "en")), 400 if form.errors else 200


@bp.route("/<slug>/edit", methods=["GET", "POST"])
def edit(slug: str):
    """Titles, introductions, organization and section names per language, side by side."""
    _curator()
    exhibition = _load(slug)
    data = {f"{name}_{lang}": texts.get(lang, "") for name, texts in
            (("title", exhibition.titles), ("intro", exhibition.intros)) for lang in LANGUAGES}
    form = exhibition_form(new=False, data={**data, "organization": exhibition.organization})
    languages = exhibits.languages_of(exhibition)
    if not form.validate_on_submit():
        return render_template("exhibits/texts.html", form=form, exhibition=exhibition,
                               languages=languages), 400 if form.errors else 200
    changed = 0
    titles = _changed(_texts(form, "title"), exhibition.titles)
    intros = _changed(_texts(form, "intro"), exhibition.intros)
    organization = (form.organization.data or "").strip()
    if titles or intros or organization != (exhibition.organization or ""):
        exhibits.edit(get_catalog(), slug, titles=titles, intros=intros,
                      organization=organization, actor=current_user.name)
        changed += 1
    for number, section in enumerate(exhibition.sections):
        names = {lang: request.form.get(f"section-{number}-{lang}", "").strip()
                 for lang in LANGUAGES[1:] if f"section-{number}-{lang}" in request.form}
        names = _changed(names, section.titles)
        if names:
            exhibits.define_section(get_catalog(), slug, section.name, names,
                                    actor=current_user.name)
            changed += 1
    flash(_("Saved.") if changed else _("Nothing was changed."), "success" if changed else "info")
    return redirect(url_for("exhibits.show", slug=slug))


@bp.post("/<slug>/publish")
def publish(slug: str):
    """Publish; a refusal lists each item that is not public."""
    _curator()
    _load(slug)
    try:
        exhibits.publish(get_catalog(), slug, actor=current_user.name)
    except PublishRefused as refused:
        who = audience()
        # An item this curator may not see is named by its position only.
        named = [(x, bool(x.item) and may_see(who, x.item.access)) for x in refused.exhibits]
        return _workspace(_load(slug), refusal=named, status=409)
    flash(_("Published: the exhibition is on the public site now."), "success")
    return redirect(url_for("exhibits.show", slug=slug))


@bp.post("/<slug>/unpublish")
def unpublish(slug: str):
    """Take the exhibition off the public site (back to a draft)."""
    _curator()
    _load(slug)
    exhibits.unpublish(get_catalog(), slug, actor=current_user.name)
    flash(_("Unpublished: the exhibition is a draft again."), "success")
    return redirect(url_for("exhibits.show", slug=slug))


@bp.post("/<slug>/export")
def export(slug: str):
    """The printable catalogue (PDF) or the evidence pack (the BagIt bag as a .zip)."""
    _curator()
    _load(slug)
    fmt, paper = request.form.get("format", "pdf"), request.form.get("paper", "a4")
    if fmt not in FORMATS or paper not in PAPERS:
        abort(400)
    try:
        handle, name = run_export(settings(), slug, fmt=fmt, paper=paper,
                                  actor=current_user.name)
    except ExportBusy:
        flash(_("Another export is running. Try again in a minute."), "warning")
    except ArchiveError as err:
        flash(_("The export could not be made: %(reason)s", reason=err.message), "error")
    except (RuntimeError, TimeoutError, OSError):
        log.exception("export of %s as %s failed", slug, fmt)
        flash(_("The export failed. The error has been logged."), "error")
    else:
        response = send_file(handle, mimetype=FORMATS[fmt], as_attachment=True,
                             download_name=name)
        response.headers["Cache-Control"] = "private, no-store"
        return response
    return redirect(url_for("exhibits.show", slug=slug, _anchor="export"))


# -- finding and adding items ----------------------------------------------------------------

def _places(raw: str) -> list[str]:
    return [p.strip() for p in raw.replace("\n", ";").split(";") if p.strip()]


@bp.get("/<slug>/find")
def find(slug: str):
    """Search the archive with the curators' filters (kind, places, period, creator, scale)."""
    _curator()
    exhibition = _load(slug)
    args = {name: (request.args.get(name) or "").strip()
            for name in ("q", "places", "period", "creator", "scale")}
    kind = request.args.get("kind", "map")
    error, found = None, []
    try:
        found = exhibits.find(get_engine(), get_catalog(), args["q"], kind=kind or None,
                              places=_places(args["places"]), period=args["period"] or None,
                              creator=args["creator"] or None, scale=args["scale"] or None,
                              audience=audience(), limit=_FIND_LIMIT)
    except UsageError as err:
        error = err.message
    present = {x.entry.item_id for x in _shown(exhibition)}
    thumbnails = {f.id for f in found
                  if any(r.role == "thumbnail" for r in get_catalog().files(f.id))}
    return render_template("exhibits/find.html", exhibition=exhibition, args=args, kind=kind,
                           found=found, error=error, present=present, thumbnails=thumbnails,
                           in_language=in_language), 400 if error else 200


@bp.post("/<slug>/add")
def add(slug: str):
    """Add an archive item at the end (captions come next, on the exhibition's page)."""
    _curator()
    _load(slug)
    item = (request.form.get("item") or "").strip()
    target = _safe_next(request.form.get("next"), slug)
    try:
        entry = exhibits.add_item(get_catalog(), slug, item, actor=current_user.name,
                                  audience=audience())
    except NotFound:
        abort(404)
    except AccessDenied:
        flash(_("This exhibition is public and the item is not: unpublish the exhibition "
                "before adding it."), "error")
        return redirect(target)
    found = get_catalog().get_item(entry.item_id)
    flash(_("Added “%(title)s” at position %(n)s.", title=found.title or found.id,
            n=entry.position), "success")
    return redirect(target)


@bp.post("/<slug>/add-many")
def add_many(slug: str):
    """Add every item ticked in the finder, in the finder's order; refusals are named."""
    _curator()
    _load(slug)
    target = _safe_next(request.form.get("next"), slug)
    added, refused = 0, []
    for item_id in dict.fromkeys(request.form.getlist("items")[:_MAX_ADD]):
        try:
            exhibits.add_item(get_catalog(), slug, item_id.strip(), actor=current_user.name,
                              audience=audience())
            added += 1
        except (NotFound, AccessDenied):
            refused.append(item_id)
    if refused:
        flash(ngettext("%(num)s item could not be added (not public while the exhibition is, "
                       "or not found).", "%(num)s items could not be added (not public while "
                       "the exhibition is, or not found).", len(refused)),
              "error")
    flash(ngettext("%(num)s item added.", "%(num)s items added.", added) if added
          else _("Nothing was changed."), "success" if added else "info")
    return redirect(target)


@bp.post("/<slug>/remove-refused")
def remove_refused(slug: str):
    """Remove, in one click, the entries a refused publication named (the items stay)."""
    _curator()
    exhibition = _load(slug)
    wanted = {int(i) for i in request.form.getlist("entries") if i.isdigit()}
    # From the last position back, so the positions still to remove do not shift.
    chosen = sorted((x.entry for x in _shown(exhibition) if x.entry.id in wanted),
                    key=lambda e: e.position, reverse=True)
    for entry in chosen:
        exhibits.remove_item(get_catalog(), slug, entry.position, actor=current_user.name)
    flash(ngettext("%(num)s item removed from the exhibition.",
                   "%(num)s items removed from the exhibition.", len(chosen)),
          "success")
    return redirect(url_for("exhibits.show", slug=slug, _anchor="publish"))


# -- one entry -------------------------------------------------------------------------------

@bp.post("/<slug>/entries/<int:entry_id>/move")
def move(slug: str, entry_id: int):
    """Move an entry up, down, first, last, or to a number as the page counts them."""
    _curator()
    _exhibition, shown, index = _find_entry(slug, entry_id)
    steps = {"up": index - 1, "down": index + 1, "first": 0, "last": len(shown) - 1}
    direction = request.form.get("direction", "")
    if direction in steps:
        target = steps[direction]
    elif (request.form.get("to") or "").strip().isdigit():
        # To the first entry this curator sees at or after that position (a hidden one, say
        # a restricted item, never swallows a step).
        wanted = int(request.form["to"])
        target = next((i for i, x in enumerate(shown) if x.entry.position >= wanted),
                      len(shown) - 1)
    else:
        abort(400)
    target = min(max(target, 0), len(shown) - 1)
    if target != index:
        exhibits.move_item(get_catalog(), slug, shown[index].entry.position,
                           shown[target].entry.position, actor=current_user.name)
    return _to_entry(slug, entry_id)


@bp.post("/<slug>/entries/<int:entry_id>/remove")
def remove(slug: str, entry_id: int):
    """Take the entry out of the exhibition (the item stays in the archive)."""
    _curator()
    _exhibition, shown, index = _find_entry(slug, entry_id)
    exhibits.remove_item(get_catalog(), slug, shown[index].entry.position,
                         actor=current_user.name)
    flash(_("Removed “%(title)s” from the exhibition.", title=_title(shown[index])), "success")
    return _to_entry(slug)


def _caption_changes(form, entry, submitted) -> dict[str, str]:
    """The captions the form changes, of the languages it carried."""
    return {lang: (form[f"caption_{lang}"].data or "").strip() for lang in LANGUAGES
            if submitted(f"caption_{lang}")
            and (form[f"caption_{lang}"].data or "").strip() != entry.captions.get(lang, "")}


@bp.post("/<slug>/entries/<int:entry_id>/captions")
def captions(slug: str, entry_id: int):
    """Save one entry's captions from the side-by-side editor."""
    _curator()
    _exhibition, shown, index = _find_entry(slug, entry_id)
    entry = shown[index].entry
    form = caption_form(prefix=f"e{entry_id}")
    if not form.validate_on_submit():
        flash(_("The captions could not be saved: a caption is too long."), "error")
        return _to_entry(slug, entry_id)
    changed = _caption_changes(form, entry, lambda name: f"e{entry_id}-{name}" in request.form)
    if changed:
        exhibits.set_caption(get_catalog(), slug, entry.position, changed,
                             actor=current_user.name)
    flash(_("Captions saved.") if changed else _("Nothing was changed."),
          "success" if changed else "info")
    return _to_entry(slug, entry_id)


@bp.post("/<slug>/captions")
def captions_all(slug: str):
    """Save every entry's captions at once: what was typed in several entries is never lost."""
    _curator()
    exhibition = _load(slug)
    saved, too_long = 0, []
    for exhibit in _shown(exhibition):
        entry = exhibit.entry
        # One CSRF check for the whole page (CSRFProtect), none per entry.
        form = caption_form(prefix=f"e{entry.id}", meta={"csrf": False})
        if not form.validate():
            too_long.append(_title(exhibit))
            continue
        changed = _caption_changes(form, entry, lambda name: f"e{entry.id}-{name}" in request.form)
        if changed:
            exhibits.set_caption(get_catalog(), slug, entry.position, changed,
                                 actor=current_user.name)
            saved += 1
    if too_long:
        flash(_("These captions were not saved, being too long: %(titles)s",
                titles="; ".join(too_long)), "error")
    flash(ngettext("Captions of %(num)s item saved.", "Captions of %(num)s items saved.", saved)
          if saved else _("Nothing was changed."),
          "success" if saved else "info")
    return _to_entry(slug)


@bp.route("/<slug>/entries/<int:entry_id>", methods=["GET", "POST"])
def entry(slug: str, entry_id: int):
    """One entry in full: captions in every language, page, crop, section and note."""
    _curator()
    exhibition, shown, index = _find_entry(slug, entry_id)
    exhibit = shown[index]
    current = exhibit.entry
    crop_text = ",".join(f"{v:g}" for v in current.crop) if current.crop else ""
    start, end = current.clip or (None, None)
    form = entry_form(data={**{f"caption_{k}": v for k, v in current.captions.items()},
                            "page": current.page, "crop": crop_text,
                            "section": current.section or "", "note": current.note or "",
                            "clip_start": clock(start), "clip_end": clock(end)})
    paged = bool(exhibit.original) and exhibit.original.mime == "application/pdf"
    timed = bool(exhibit.original) and bool(exhibit.item.media.get("duration"))
    page_count = len(get_catalog().pages(current.item_id)) if paged else 0

    def page_for(status: int = 200):
        return render_template(
            "exhibits/entry.html", exhibition=exhibition, exhibit=exhibit, form=form,
            number=index + 1, languages=exhibits.languages_of(exhibition), paged=paged,
            page_count=page_count, picture_url=picture_url, renderable=renderable, timed=timed,
            clip_range=clip_range, clock=clock, av_kind=av_kind, poster_url=poster_url,
            clip_source=clip_source,
            sections=[s.name for s in exhibition.sections], in_language=in_language), status

    if not form.validate_on_submit():
        return page_for(400 if form.errors else 200)
    catalog, actor, position = get_catalog(), current_user.name, current.position
    framing = {}
    if paged and (form.page.data or 1) != current.page:
        framing["page"] = form.page.data or 1
    crop = parse_crop(form.crop.data)
    if crop != current.crop:
        framing["crop"] = crop
    if (form.note.data or "").strip() != (current.note or ""):
        framing["note"] = form.note.data
    clip_field = form.clip_start
    if timed:
        try:
            clip = check_clip(exhibit.item, form.clip_start.data, form.clip_end.data)
        except UsageError as err:
            clip_field.errors.append(err.message)
            return page_for(400)
        if clip != current.clip:
            framing["clip"] = clip
    section = (form.section.data or "").strip() or None
    changed = _caption_changes(form, current, lambda name: name in request.form)
    try:
        if framing:  # first: the one change the API may still refuse (a page out of range)
            exhibits.edit_item(catalog, slug, position, page=framing.get("page", KEEP),
                               crop=framing.get("crop", KEEP), note=framing.get("note", KEEP),
                               clip=framing.get("clip", KEEP), actor=actor)
    except UsageError as err:
        form.page.errors.append(err.message)
        return page_for(400)
    if changed:
        exhibits.set_caption(catalog, slug, position, changed, actor=actor)
    if section != current.section:
        exhibits.set_section(catalog, slug, position, section, actor=actor)
    done = bool(framing or changed or section != current.section)
    flash(_("Saved.") if done else _("Nothing was changed."), "success" if done else "info")
    return _to_entry(slug, entry_id)
