"""`ttdn exhibit …`: build, publish and export exhibitions from the command line."""
from __future__ import annotations

import getpass
import json
from pathlib import Path

import click

from archive.catalog import Catalog
from archive.exhibitions import ExhibitionStore
from archive.settings import Settings
from search.engine import open_engine

from . import api
from .api import FOREIGN_LANGUAGES, LANGUAGES
from .catalogue import LANGUAGE_NAMES
from .clips import clip_range
from .export import export
from .finder import find

__all__ = ["exhibit"]

_AUDIENCE = click.option("--as", "audience", type=click.Choice(["public", "staff", "admin"]),
                         default="staff", show_default=True, help="See what this audience sees.")
_JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


def _actor() -> str:
    """Who the audit trail names for a command-line change."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name (a container with a bare uid)
        return "cli"


def _settings(ctx: click.Context) -> Settings:
    return ctx.find_root().obj["settings"]


def _catalog(ctx: click.Context) -> Catalog:
    return Catalog(_settings(ctx).catalog_path)


def _lang_options(name: str, what: str):
    """--NAME (Vietnamese) and --NAME-en, --NAME-zh, … for each foreign language."""
    def decorate(command):
        for lang in reversed(FOREIGN_LANGUAGES):
            command = click.option(f"--{name}-{lang}", f"{name}_{lang}",
                                   help=f"{what} in {LANGUAGE_NAMES[lang]}.")(command)
        return click.option(f"--{name}", f"{name}_vi", help=f"{what} in Vietnamese.")(command)
    return decorate


def _by_lang(options: dict, name: str) -> dict[str, str]:
    """The given --NAME* options as {language: text}; an empty text stays (it removes)."""
    texts = {lang: options.pop(f"{name}_{lang}", None) for lang in LANGUAGES}
    return {lang: text for lang, text in texts.items() if text is not None}


def _crop(text: str | None):
    return None if text is None else tuple(v.strip() for v in text.split(","))


def _print(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group("exhibit")
def exhibit() -> None:
    """Exhibitions: gather items, caption them per language, publish, export for print."""


@exhibit.command("create")
@click.argument("slug")
@_lang_options("title", "Title")
@_lang_options("intro", "Introduction")
@click.option("--organization", help="Who holds the exhibition (on the cover and in the bag).")
@click.pass_context
def create_command(ctx: click.Context, slug: str, organization: str | None, **options) -> None:
    """Create an internal exhibition: ttdn exhibit create hoang-sa-2026 --title … --title-en …"""
    titles, intros = _by_lang(options, "title"), _by_lang(options, "intro")
    with _catalog(ctx) as catalog:
        made = api.create(catalog, slug, titles, intros=intros, organization=organization,
                          actor=_actor())
    click.echo(f"created {made.slug}: {made.title} ({made.access})")


@exhibit.command("edit")
@click.argument("slug")
@_lang_options("title", "Title")
@_lang_options("intro", "Introduction")
@click.option("--organization", help="Who holds the exhibition.")
@click.pass_context
def edit_command(ctx: click.Context, slug: str, organization: str | None, **options) -> None:
    """Change titles, introductions (\"\" removes a language) or the organization."""
    with _catalog(ctx) as catalog:
        api.edit(catalog, slug, titles=_by_lang(options, "title"),
                 intros=_by_lang(options, "intro"), organization=organization, actor=_actor())
    click.echo(f"edited {slug}")


@exhibit.command("add")
@click.argument("slug")
@click.argument("item_id_or_source")
@_lang_options("caption", "Caption")
@click.option("--page", type=click.IntRange(min=1), help="The page of a document to show.")
@click.option("--crop", metavar="X0,Y0,X1,Y1", help="Show part: fractions of the page, 0..1.")
@click.option("--section", help="The section it belongs to (created when new).")
@click.option("--note", help="A curator's note.")
@click.option("--at", "position", type=click.IntRange(min=1), help="Insert at this position.")
@click.option("--clip", metavar="START-END", help="A film's clip, e.g. 0:05-0:12 (seconds or "
              "[hh:]mm:ss).")
@click.pass_context
def add_command(ctx: click.Context, slug: str, item_id_or_source: str, page, crop, section,
                note, position, clip, **options) -> None:
    """Add an archive item (by id or source path) with its captions."""
    with _catalog(ctx) as catalog:
        entry = api.add_item(catalog, slug, item_id_or_source,
                             captions=_by_lang(options, "caption"), page=page, crop=_crop(crop),
                             section=section, note=note, position=position,
                             clip=_clip(clip), actor=_actor())
    click.echo(f"added {entry.item_id} to {slug} at position {entry.position}")


def _clip(text: str | None) -> tuple[str, str] | None:
    """"0:05-0:12" as (start, end) texts; checked against the film by the API."""
    if not text or not text.strip():
        return None
    start, dash, end = text.partition("-")
    if not dash:
        raise click.BadParameter("write the clip as START-END, e.g. 0:05-0:12", param_hint="--clip")
    return (start.strip(), end.strip())


@exhibit.command("caption")
@click.argument("slug")
@click.argument("position", type=int)
@_lang_options("caption", "Caption")
@click.pass_context
def caption_command(ctx: click.Context, slug: str, position: int, **options) -> None:
    """Edit the captions of the item at POSITION (\"\" removes a language's caption)."""
    captions = _by_lang(options, "caption")
    if not captions:
        raise click.UsageError("give at least one --caption or --caption-LANG")
    with _catalog(ctx) as catalog:
        api.set_caption(catalog, slug, position, captions, actor=_actor())
    click.echo(f"captions of {slug} #{position}: {', '.join(captions)} edited")


@exhibit.command("set")
@click.argument("slug")
@click.argument("position", type=int)
@click.option("--page", type=click.IntRange(min=1), help="The page of a document to show.")
@click.option("--crop", metavar="X0,Y0,X1,Y1", help="Show part (fractions); \"\" shows all.")
@click.option("--note", help="A curator's note (\"\" removes it).")
@click.option("--section", help="Move it to this section (\"\" takes it out of any).")
@click.option("--clip", metavar="START-END", help="A film's clip, e.g. 0:05-0:12 (\"\" shows "
              "the whole film).")
@click.pass_context
def set_command(ctx: click.Context, slug: str, position: int, page, crop, note, section,
                clip) -> None:
    """Change the page, crop, note or section of the item at POSITION."""
    with _catalog(ctx) as catalog:
        framing = {k: v for k, v in (("page", page), ("note", note)) if v is not None}
        if crop is not None:
            framing["crop"] = _crop(crop) if crop.strip() else None
        if clip is not None:
            framing["clip"] = _clip(clip)
        if framing:
            api.edit_item(catalog, slug, position, actor=_actor(), **framing)
        if section is not None:
            api.set_section(catalog, slug, position, section or None, actor=_actor())
    click.echo(f"updated {slug} #{position}")


@exhibit.command("section")
@click.argument("slug")
@click.argument("name")
@_lang_options("title", "Section title")
@click.pass_context
def section_command(ctx: click.Context, slug: str, name: str, **options) -> None:
    """Define a section (NAME is its Vietnamese title) and its titles in other languages."""
    titles = {k: v for k, v in _by_lang(options, "title").items() if k != "vi"}
    with _catalog(ctx) as catalog:
        section = api.define_section(catalog, slug, name, titles, actor=_actor())
    click.echo(f"section {section.name}: {', '.join(section.titles.values()) or '-'}")


@exhibit.command("move")
@click.argument("slug")
@click.argument("position", type=int)
@click.argument("to", type=int)
@click.pass_context
def move_command(ctx: click.Context, slug: str, position: int, to: int) -> None:
    """Move the item at POSITION to position TO."""
    with _catalog(ctx) as catalog:
        api.move_item(catalog, slug, position, to, actor=_actor())
    click.echo(f"moved {slug} #{position} to #{to}")


@exhibit.command("remove")
@click.argument("slug")
@click.argument("position", type=int)
@click.pass_context
def remove_command(ctx: click.Context, slug: str, position: int) -> None:
    """Take the item at POSITION out of the exhibition (it stays in the archive)."""
    with _catalog(ctx) as catalog:
        entry = api.remove_item(catalog, slug, position, actor=_actor())
    click.echo(f"removed {entry.item_id} from {slug}")


@exhibit.command("publish")
@click.argument("slug")
@click.pass_context
def publish_command(ctx: click.Context, slug: str) -> None:
    """Make the exhibition public; refused while it holds non-public items."""
    with _catalog(ctx) as catalog:
        api.publish(catalog, slug, actor=_actor())
    click.echo(f"published {slug}")


@exhibit.command("unpublish")
@click.argument("slug")
@click.pass_context
def unpublish_command(ctx: click.Context, slug: str) -> None:
    """Take the exhibition back to internal."""
    with _catalog(ctx) as catalog:
        api.unpublish(catalog, slug, actor=_actor())
    click.echo(f"unpublished {slug}")


@exhibit.command("feature")
@click.argument("slug")
@click.option("--off", is_flag=True, help="Stop featuring it.")
@click.pass_context
def feature_command(ctx: click.Context, slug: str, off: bool) -> None:
    """Feature the exhibition on the portal's home page (shown there once it is public)."""
    with _catalog(ctx) as catalog:
        ExhibitionStore(catalog).set_featured(slug, not off, actor=_actor())
    click.echo(f"{'unfeatured' if off else 'featured'} {slug}")


@exhibit.command("list")
@_JSON
@_AUDIENCE
@click.pass_context
def list_command(ctx: click.Context, as_json: bool, audience: str) -> None:
    """List exhibitions, newest first."""
    with _catalog(ctx) as catalog:
        found = api.list_exhibitions(catalog, audience=audience)
    rows = [{"slug": x.slug, "title": x.title, "titles": x.titles, "access": x.access,
             "items": len(x.entries), "updated_at": x.updated_at,
             "published_at": x.published_at} for x in found]
    if as_json:
        return _print({"exhibitions": rows})
    for row in rows:
        click.echo(f"{row['slug']}  [{row['access']}, {row['items']} items] {row['title']}")
    if not rows:
        click.echo("no exhibitions")


@exhibit.command("show")
@click.argument("slug")
@_JSON
@_AUDIENCE
@click.pass_context
def show_command(ctx: click.Context, slug: str, as_json: bool, audience: str) -> None:
    """Show an exhibition: texts, items in order with captions, and (with --json) its events."""
    with _catalog(ctx) as catalog:
        exhibition = api.get(catalog, slug, audience=audience)
        exhibits = api.exhibits_of(catalog, exhibition)
        # Who edited what is staff business: the public view carries no audit trail.
        trail = api.events(catalog, slug) if audience != "public" else []
    if as_json:
        data = exhibition.to_dict()
        for entry, x in zip(data["entries"], exhibits):
            entry.update(source=x.source, title=x.item and x.item.title,
                         access=x.item and x.item.access, kind=x.item and x.item.kind)
        return _print({**data, "events": [vars(e) for e in trail]})
    click.echo(f"{exhibition.slug} [{exhibition.access}] {exhibition.title}")
    for lang, title in exhibition.titles.items():
        if lang != "vi":
            click.echo(f"  {lang}: {title}")
    for x in exhibits:
        where = f" [{x.entry.section}]" if x.entry.section else ""
        kind = f"{x.item.kind}, {x.item.access}" if x.item else "missing"
        click.echo(f"{x.label} ({kind}){where}")
        if x.entry.clip:
            click.echo(f"    clip: {clip_range(x.entry.clip)}")
        for lang, text in x.entry.captions.items():
            click.echo(f"    {lang}: {text}")


@exhibit.command("find")
@click.argument("query", required=False, default="")
@click.option("--kind", default="map", show_default=True, help="Kind of item; \"any\" for all.")
@click.option("--place", "places", multiple=True, help="A place it shows (repeat: all must match).")
@click.option("--period", help="1838, c. 1838, 1800-1900, 1940.. (overlapping periods match).")
@click.option("--creator", help="Part of the creator's name.")
@click.option("--scale", help="Part of the scale, e.g. 10,000.")
@click.option("--lang", help="Only items in this language.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@_JSON
@_AUDIENCE
@click.pass_context
def find_command(ctx: click.Context, query: str, kind: str, as_json: bool, **options) -> None:
    """Find evidence to exhibit: maps by place, period, creator and scale (or any kind)."""
    engine = open_engine(_settings(ctx))
    try:
        with _catalog(ctx) as catalog:
            found = find(engine, catalog, query, kind=None if kind == "any" else kind,
                         language=options.pop("lang"), **options)
    finally:
        engine.close()
    if as_json:
        return _print({"total": len(found), "hits": [f.to_dict() for f in found]})
    for f in found:
        facts = " · ".join(v for v in (f.period or f.date, f.scale, f.creator,
                                        ", ".join(f.places)) if v)
        click.echo(f"{f.id}  [{f.kind}, {f.access}] {f.title}\n  {f.source}  {facts}")
    click.echo(f"{len(found)} item(s)")


@exhibit.command("export")
@click.argument("slug")
@click.option("--pdf", "pdf", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the printable catalogue here.")
@click.option("--bag", "bag", type=click.Path(file_okay=False, path_type=Path),
              help="Write the evidence pack (a BagIt bag) into this new folder.")
@click.option("--paper", type=click.Choice(["a4", "a3"]), default="a4", show_default=True,
              help="Landscape paper size of the catalogue.")
@_JSON
@click.pass_context
def export_command(ctx: click.Context, slug: str, pdf, bag, paper: str, as_json: bool) -> None:
    """Export the catalogue (PDF) and/or the evidence pack (BagIt) of an exhibition."""
    with _catalog(ctx) as catalog:
        result = export(_settings(ctx), catalog, slug, pdf=pdf, bag=bag, paper=paper,
                        actor=_actor())
    for warning in result.warnings + [f"left out (not visible): {s}" for s in result.skipped]:
        click.echo(f"warning: {warning}", err=True)
    if as_json:
        return _print(result.to_dict())
    for label, path in (("catalogue", result.pdf), ("evidence pack", result.bag)):
        if path:
            click.echo(f"{label}: {path}")
    click.echo(f"{result.items} items, {result.pages} pages ({paper.upper()} landscape),"
               f" {result.seconds:.1f} s")
