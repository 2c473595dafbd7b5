"""`ttdn audit`: the event log of an item, a collection or a date range as CSV or JSON lines."""
from __future__ import annotations

import click

from .audit import AuditScope, audit_events, events_csv, events_jsonl
from .catalog import Catalog
from .errors import NotFound
from .settings import Settings

__all__ = ["audit_command"]


@click.command("audit")
@click.option("--item", "item", help="Only this item (its id or source path).")
@click.option("--collection", help="Only the items of this collection.")
@click.option("--since", metavar="YYYY-MM-DD", help="From this day on.")
@click.option("--until", metavar="YYYY-MM-DD", help="Up to and with this day.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl",
              show_default=True, help="JSON lines (as the backup's events.jsonl) or CSV.")
@click.option("--out", type=click.File("w", encoding="utf-8"), default="-",
              help="Write to this file (default: standard output).")
@click.pass_context
def audit_command(ctx: click.Context, item, collection, since, until, fmt, out) -> None:
    """Export the audit trail (who did what, when), every detail included."""
    settings: Settings = ctx.obj["settings"]
    with Catalog(settings.catalog_path, readonly=True) as catalog:
        item_id = catalog.resolve(item) if item else None
        if item and item_id is None:
            raise NotFound(f"no item is named {item!r}")
        scope = AuditScope(item_id=item_id, collection=collection, since=since, until=until)
        write = events_csv if fmt == "csv" else events_jsonl
        for chunk in write(audit_events(catalog, scope)):
            out.write(chunk)
