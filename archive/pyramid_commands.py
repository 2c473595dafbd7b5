"""`ttdn derivatives build`: tile page pyramids ahead of the first IIIF request."""
from __future__ import annotations

import click

from .catalog import Catalog
from .errors import CorruptFile, NotFound
from .pyramids import build_pyramid, has_pages, open_pyramid, pyramid_path
from .settings import Settings

__all__ = ["derivatives_group"]


@click.group("derivatives")
def derivatives_group() -> None:
    """Derived files (page pyramids for IIIF), rebuildable from the originals."""


@derivatives_group.command("build")
@click.argument("items", nargs=-1)
@click.option("--all", "every", is_flag=True,
              help="Every item with page images, PDFs too (without it: the named items).")
@click.option("--force", is_flag=True, help="Build again even where a pyramid exists.")
@click.pass_context
def build_command(ctx: click.Context, items: tuple[str, ...], every: bool, force: bool) -> None:
    """Build the tiled pyramid of every page of ITEMS (ids or sources), or of --all items."""
    settings: Settings = ctx.obj["settings"]
    if not items and not every:
        raise click.UsageError("name the items to build, or give --all")
    built = kept = failed = 0
    with Catalog(settings.catalog_path) as catalog:
        for item_id in _item_ids(catalog, items, every):
            original = next((f for f in catalog.files(item_id) if f.role == "original"), None)
            if not has_pages(original):
                continue
            for n in range(1, max(1, len(catalog.pages(item_id))) + 1):
                if not force and open_pyramid(pyramid_path(settings, original.sha256, n)):
                    kept += 1
                    continue
                try:
                    built += build_pyramid(settings, original, n, force=force) is not None
                except CorruptFile as e:
                    failed += 1
                    click.echo(f"item {item_id}, page {n}: {e}", err=True)
    click.echo(f"pyramids built: {built}, already there: {kept}, failed: {failed}")
    ctx.exit(1 if failed else 0)


def _item_ids(catalog: Catalog, items: tuple[str, ...], every: bool) -> list[str]:
    if every:
        return catalog.item_ids()
    found = []
    for ref in items:
        item_id = catalog.resolve(ref)
        if item_id is None:
            raise NotFound(f"no item is named {ref!r} (an id, or a source path as ingested)")
        found.append(item_id)
    return found
