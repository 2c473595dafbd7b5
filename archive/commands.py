"""Archive commands: `ttdn show` and `ttdn stats`."""
from __future__ import annotations

import json
from pathlib import Path

import click

from .backup import backup_archive, restore_archive
from .catalog import Catalog
from .lock import home_lock
from .records import item_record
from .settings import Settings

__all__ = ["backup_command", "restore_command", "show_command", "stats_command"]


def _open(ctx: click.Context) -> Catalog:
    settings: Settings = ctx.obj["settings"]
    return Catalog(settings.catalog_path)


@click.command("show")
@click.argument("id_or_source")
@click.option("--json", "as_json", is_flag=True, help="Print the item as JSON.")
@click.pass_context
def show_command(ctx: click.Context, id_or_source: str, as_json: bool) -> None:
    """Show every field of an item, named by its id or its source path."""
    with _open(ctx) as catalog:
        record = item_record(catalog, id_or_source)
    if as_json:
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
        return
    skip = {"pages", "files", "events", "origins", "sources", "cites", "cited_by"}
    for name, value in record.items():
        if name not in skip and value not in (None, "", [], {}):
            mark = " (extracted)" if record["origins"].get(name) == "extracted" else ""
            click.echo(f"{name}: {', '.join(value) if isinstance(value, list) else value}{mark}")
    for cite in record["cites"]:
        click.echo(f"cites: {cite['doc_number']}" + (f" -> {cite['id']}" if cite["id"] else ""))
    for other in record["cited_by"]:
        click.echo(f"cited by: {other['id']} {other['doc_number'] or ''} {other['title']}")
    for page in record["pages"]:
        conf = f", confidence {page['confidence']:.0f}" if page["confidence"] is not None else ""
        click.echo(f"\n--- page {page['n']} ({page['origin']}{conf}) ---\n{page['text'].strip()}")


@click.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.pass_context
def stats_command(ctx: click.Context, as_json: bool) -> None:
    """Count items by kind, language and access, pages, OCR pages and quarantined inputs."""
    with _open(ctx) as catalog:
        stats = catalog.stats()
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False, indent=2))
        return
    for name, value in stats.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items()) or "-"
        click.echo(f"{name}: {value}")


@click.command("backup")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def backup_command(ctx: click.Context, dest: Path) -> None:
    """Back up the archive into DEST as a BagIt bag (objects, catalog, events)."""
    report = backup_archive(ctx.obj["settings"], dest)
    click.echo(f"backed up {report.items} items, {report.objects} objects "
               f"({report.bytes / 2**20:.1f} MiB) to {report.path}")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.pass_context
def restore_command(ctx: click.Context, source: Path) -> None:
    """Restore a backup bag into an empty data home (then run `ttdn reindex`)."""
    settings: Settings = ctx.obj["settings"]
    with home_lock(settings.home, "restore"):
        report = restore_archive(settings, source)
    click.echo(f"restored {report.items} items, {report.objects} objects into {report.path}\n"
               "now run `ttdn reindex` to rebuild the search index")
