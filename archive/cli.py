"""The root `ttdn` command; a command's module is imported only when that command runs.

Scripts and cron call `ttdn` once per query, so start-up is paid on every call: `ttdn --help`
lists the commands from the table below without importing any layer, and `ttdn search` imports
the search layer only (not PyMuPDF, Flask or the ingest pipeline). A test checks the table
against the commands the modules define, so a new command cannot be forgotten here.
"""
from __future__ import annotations

import gc
import importlib
import logging
import sys

import click

from .errors import ArchiveError
from .settings import load_settings

__all__ = ["cli", "main", "COMMANDS"]

# name -> ("module:attribute", short help shown by `ttdn --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "audit": ("archive.audit_commands:audit_command",
              "Export the audit trail (who did what, when), every detail included."),
    "backup": ("archive.commands:backup_command",
               "Back up the archive into DEST as a BagIt bag (objects, catalog, events)."),
    "complete": ("search.commands:complete_command",
                 "Autocomplete TEXT as the web's search box does (JSON: titles and terms)."),
    "derivatives": ("archive.pyramid_commands:derivatives_group",
                    "Derived files (page pyramids for IIIF), rebuildable from the originals."),
    "edit": ("search.edit_commands:edit_command",
             "Change access, collection, places, subjects or lead unit of every item a search "
             "finds."),
    "exhibit": ("exhibits.commands:exhibit",
                "Exhibitions: gather items, caption them per language, publish, export for "
                "print."),
    "ingest": ("ingest.commands:ingest_command",
               "Archive files and folders (a manifest.csv at a folder's root gives their "
               "metadata)."),
    "oai": ("web.oai.commands:oai_group", "The OAI-PMH data provider, seen from the command line."),
    "reindex": ("search.commands:reindex_command", "Rebuild the search index from the catalog."),
    "restore": ("archive.commands:restore_command",
                "Restore a backup bag into an empty data home (then run `ttdn reindex`)."),
    "search": ("search.commands:search_command",
               "Search the archive; accents are optional (`lang son` finds `Lạng Sơn`)."),
    "serve": ("web.commands:serve_command", "Serve the portal with waitress, one process per core."),
    "show": ("archive.commands:show_command",
             "Show every field of an item, named by its id or its source path."),
    "similar": ("search.commands:similar_command",
                "Items like ITEM (an id or a source), by the telling words of its text."),
    "stats": ("archive.commands:stats_command",
              "Count items by kind, language and access, pages, OCR pages and quarantined "
              "inputs."),
    "user": ("web.commands:user_group", "Staff accounts of the portal."),
    "verify": ("search.commands:verify_command",
               "Check every object's hash and that the index holds exactly the catalog's items."),
}


def load_command(name: str) -> click.Command:
    """Import and return the command registered under `name` in COMMANDS."""
    module, attribute = COMMANDS[name][0].split(":")
    return getattr(importlib.import_module(module), attribute)


class _Group(click.Group):
    """The root group: lazy subcommands; ArchiveError becomes its exit code and one line."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        if cmd_name not in self.commands:
            self.commands[cmd_name] = load_command(cmd_name)
        return self.commands[cmd_name]

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The table's help, so listing the commands imports none of them.
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        limit = formatter.width - 6 - max(len(name) for name, _ in rows)
        rows = [(name, _shorten(text, limit)) for name, text in rows]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ArchiveError as err:
            if ctx.obj and ctx.obj.get("verbose"):
                raise
            click.echo(f"Error: {err.message}", err=True)
            ctx.exit(err.exit_code)


def _shorten(text: str, limit: int) -> str:
    """Click's rule for short help: whole words, then '...' when the text is longer."""
    if len(text) <= limit:
        return text
    cut = text[:max(limit - 3, 1)].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "..."


@click.group(cls=_Group)
@click.option("--home", type=click.Path(file_okay=False), envvar="TTDN_HOME",
              help="Data home (objects, catalog, index). Default: ./data or $TTDN_HOME.")
@click.option("-v", "--verbose", is_flag=True, help="Log progress and show tracebacks.")
@click.pass_context
def cli(ctx: click.Context, home: str | None, verbose: bool) -> None:
    """ttdn: the archive of the province's foreign-information materials."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = {"settings": load_settings(home), "verbose": verbose}


def main() -> None:
    """Console-script entry point."""
    try:
        sys.exit(cli.main(standalone_mode=True))
    finally:
        # The process ends here. Frozen, the objects its imports made (every module's classes
        # and functions) are not walked again by the interpreter's last collections: ~8 ms of
        # an unchanged re-ingest's ~85. Work is done and its files closed by now.
        gc.freeze()
