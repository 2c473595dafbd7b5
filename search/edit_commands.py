"""`ttdn edit`: the bulk edit of a search result, through archive/editing.py's one set of rules.

It lives at the search layer's rank because it reads a search result (search → archive);
archive/editing.py decides what may change and writes the events, this module re-indexes.
"""
from __future__ import annotations

import json
import sys
from contextlib import closing
from dataclasses import replace
from typing import TYPE_CHECKING

import click

from archive.catalog import Catalog
from archive.editing import EditPreview, edit_items, parse_changes
from archive.errors import NotFound, UsageError
from archive.settings import Settings
from archive.users import Users

from .engine import SearchEngine, open_engine

if TYPE_CHECKING:  # the query side (Whoosh) loads when a command runs, not with `ttdn --help`
    from .query import SearchRequest

__all__ = ["result_ids", "edit_command"]

_MAX_ITEMS = 100_000  # one command's reach; larger edits are a rebuild, not a bulk edit


def result_ids(engine: SearchEngine, catalog: Catalog, request: SearchRequest) -> list[str]:
    """Every item id a search finds (all pages), in the result's order."""
    first = engine.search(replace(request, limit=1, page=1, suggest=False), catalog)
    if first.total == 0:
        return []
    whole = replace(request, limit=min(first.total, _MAX_ITEMS), page=1, suggest=False)
    return [hit.id for hit in engine.search(whole, catalog).hits]


def _filters(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise UsageError(f'--filter needs FIELD=VALUE, e.g. access=internal, not "{pair}"')
        out[name.strip()] = value.strip()
    return out


def _print(preview: EditPreview) -> None:
    click.echo(f"{len(preview.changing)} item(s) change, {len(preview.unchanged)} already so, "
               f"{len(preview.refused)} refused")
    for p in preview.changing:
        fields = ", ".join(f"{k}: {v['from']!r} -> {v['to']!r}" for k, v in p.changed.items())
        click.echo(f"  {p.item_id}  {p.title or ''}\n    {fields}")
    if preview.becoming_public:
        click.echo(f"{len(preview.becoming_public)} item(s) become PUBLIC:")
        for p in preview.becoming_public:
            click.echo(f"  {p.item_id}  {p.title or ''}")
    for p in preview.refused:
        click.echo(f"  refused {p.item_id}: {p.refused}")


@click.command("edit")
@click.option("--query", "query", required=True, help='The search whose items to edit ("*": all).')
@click.option("--filter", "filters", multiple=True, metavar="FIELD=VALUE",
              help="Narrow the search as `ttdn search --filter` does (access=internal too).")
@click.option("--user", "user_name", required=True,
              help="The account the edit is made as: its role decides what may change.")
@click.option("--set", "sets", multiple=True, metavar="FIELD=VALUE",
              help="access, collection, lead_unit, places or subject; lists take A|B.")
@click.option("--add", "adds", multiple=True, metavar="FIELD=VALUE", help="Add a place or subject.")
@click.option("--remove", "removes", multiple=True, metavar="FIELD=VALUE",
              help="Remove a place or subject.")
@click.option("--dry-run", is_flag=True, help="Only show what would change.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (for scripts).")
@click.option("--json", "as_json", is_flag=True, help="Print the preview or outcome as JSON.")
@click.pass_context
def edit_command(ctx: click.Context, query: str, filters: tuple[str, ...], user_name: str,
                 sets, adds, removes, dry_run: bool, yes: bool, as_json: bool) -> None:
    """Change access, collection, places, subjects or lead unit of every item a search finds."""
    from .query import SearchRequest
    settings: Settings = ctx.obj["settings"]
    changes = [*parse_changes(sets), *parse_changes(adds, op="add"),
               *parse_changes(removes, op="remove")]
    with Catalog(settings.catalog_path) as catalog, closing(open_engine(settings)) as engine:
        user = Users(catalog).get(user_name)
        if user is None or not user.active:
            raise NotFound(f"no active account is named {user_name!r}; see `ttdn user list`")
        ids = result_ids(engine, catalog, SearchRequest(
            query=query, filters=_filters(filters), audience=user.audience))

        def sync() -> int:
            return engine.sync(catalog, batch=settings.index_batch)

        preview = edit_items(catalog, sync, user, ids, changes, dry_run=True)
        if dry_run or not preview.changing:
            _emit(preview, as_json)
            return
        if not yes:
            if not sys.stdin.isatty():
                raise UsageError("a bulk edit asks for confirmation: run it with --dry-run to "
                                 "see it, then again with --yes")
            _print(preview)
            click.confirm(f"Change {len(preview.changing)} item(s)?", abort=True)
        _emit(edit_items(catalog, sync, user, ids, changes, dry_run=False), as_json)


def _emit(preview: EditPreview, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(preview.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print(preview)
        if preview.applied and not preview.indexed:
            click.echo("Saved; the search index was busy and catches up at the next sync.")
