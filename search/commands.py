"""Search commands: `ttdn search`, `similar`, `complete`, `reindex` and `verify`."""
from __future__ import annotations

import html
import json
import re
from contextlib import closing

import click

from archive.catalog import Catalog
from archive.errors import NotFound, UsageError
from archive.lock import home_lock
from archive.settings import Settings

from .engine import open_engine
from .lean_import import lean_whoosh

# The query side (Whoosh, the gazetteer) is imported inside the commands that need it: every
# `ttdn` call loads this module, `ttdn --help` included. Those commands first import Whoosh
# without the modules it loads for features a search never uses (lean_import.py): scripts and
# cron call `ttdn search` once per query, so its start-up is paid on every query.

__all__ = ["complete_command", "reindex_command", "search_command", "similar_command", "verify_command"]

_TAGS = re.compile(r"</?mark>")


@click.command("search")
@click.argument("query")
@click.option("--kind", help="Only this kind (document, map, photo, publication, video, ...).")
@click.option("--lang", help="Only items in this language (vi, en, zh, ja, ko, fr).")
@click.option("--from", "year_from", type=int, help="From this year.")
@click.option("--to", "year_to", type=int, help="Up to this year.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--sort", type=click.Choice(["relevance", "date", "title"]), default="relevance")
@click.option("--filter", "filters", multiple=True, metavar="FIELD=VALUE",
              help="Only items whose collection, lead_unit, issuer, doc_type or year is VALUE "
                   "(repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.option("--as", "audience", type=click.Choice(["public", "staff", "admin"]), default="staff",
              show_default=True, help="Search exactly what this audience may see.")
@click.pass_context
def search_command(ctx: click.Context, query: str, as_json: bool, filters: tuple[str, ...],
                   **options) -> None:
    """Search the archive; accents are optional (`lang son` finds `Lạng Sơn`)."""
    lean_whoosh()
    from .query import SearchRequest
    settings: Settings = ctx.obj["settings"]
    request = SearchRequest(query=query, filters=_filters(filters), **options)
    with closing(open_engine(settings)) as engine, Catalog(settings.catalog_path) as catalog:
        result = engine.search(request, catalog)
    for notice in result.notices:  # what was repaired in the query: stdout stays the results
        click.echo(f"Note: {notice.message}", err=True)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    _print(result)


def _filters(pairs: tuple[str, ...]) -> dict[str, str]:
    """--filter FIELD=VALUE options as a dict."""
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise UsageError(f'--filter needs FIELD=VALUE, e.g. issuer="Bộ Công an", not "{pair}"')
        out[name.strip()] = value.strip()
    return out


def _print(result) -> None:
    """Results as text: the count, what was added or could be meant, then each hit."""
    click.echo(f"{result.total} item(s)")
    if result.suggestion:
        click.echo(f"Did you mean: {result.suggestion}")
    for typed, names in result.expansions.items():
        click.echo(f"Also searched for {typed} as: {', '.join(names)}")
    for hit in result.hits:
        pages = f" pages {', '.join(map(str, hit.pages))}" if hit.pages else ""
        click.echo(f"\n{hit.id}  [{hit.kind}, {hit.access}] {hit.title}\n  {hit.source}{pages}")
        if hit.snippet:
            click.echo(f"  {html.unescape(_TAGS.sub('', hit.snippet))}")  # its own "…" 


@click.command("similar")
@click.argument("item")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.option("--as", "audience", type=click.Choice(["public", "staff", "admin"]), default="staff",
              show_default=True, help="Only items this audience may see.")
@click.pass_context
def similar_command(ctx: click.Context, item: str, limit: int, as_json: bool,
                    audience: str) -> None:
    """Items like ITEM (an id or a source), by the telling words of its text."""
    lean_whoosh()
    settings: Settings = ctx.obj["settings"]
    with closing(open_engine(settings)) as engine, Catalog(settings.catalog_path) as catalog:
        item_id = catalog.resolve(item)
        if item_id is None:
            raise NotFound(f"no item {item!r}")
        result = engine.more_like_this(item_id, catalog, audience=audience, limit=limit)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print(result)


@click.command("complete")
@click.argument("text")
@click.option("--limit", type=click.IntRange(min=1), default=8, show_default=True)
@click.option("--as", "audience", type=click.Choice(["public", "staff", "admin"]),
              default="public", show_default=True, help="Complete from what this audience sees.")
@click.pass_context
def complete_command(ctx: click.Context, text: str, limit: int, audience: str) -> None:
    """Autocomplete TEXT as the web's search box does (JSON: titles and terms)."""
    lean_whoosh()
    settings: Settings = ctx.obj["settings"]
    with closing(open_engine(settings)) as engine:
        out = engine.autocomplete(text, audience=audience, limit=limit)
    click.echo(json.dumps(out, ensure_ascii=False, indent=2))


@click.command("reindex")
@click.pass_context
def reindex_command(ctx: click.Context) -> None:
    """Rebuild the search index from the catalog."""
    settings: Settings = ctx.obj["settings"]
    with home_lock(settings.home, "reindex"), Catalog(settings.catalog_path) as catalog, \
            closing(open_engine(settings)) as engine:
        count = engine.rebuild(catalog)
    click.echo(f"indexed: {count} items")


@click.command("verify")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def verify_command(ctx: click.Context, as_json: bool) -> None:
    """Check every object's hash and that the index holds exactly the catalog's items."""
    settings: Settings = ctx.obj["settings"]
    from .verify import verify_archive  # PyMuPDF and libvips, for this command only
    report = verify_archive(settings)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(f"objects checked: {report.objects}\nitems: {report.items}\n"
                   f"indexed: {report.indexed}\nunreferenced objects: {report.unreferenced}")
        for problem in report.problems:
            click.echo(f"PROBLEM {problem}")
        click.echo("verify: OK" if report.ok else f"verify: {len(report.problems)} problem(s)")
    ctx.exit(0 if report.ok else 1)
