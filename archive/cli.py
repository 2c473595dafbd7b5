"""The root `ttdn` command; each layer adds its commands through the `ttdn.commands` entry points."""
from __future__ import annotations

import logging
import sys
from importlib.metadata import entry_points

import click

from .errors import ArchiveError
from .settings import load_settings

__all__ = ["cli", "main"]


class _Group(click.Group):
    """A click group that turns ArchiveError into its exit code and a one-line message."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ArchiveError as err:
            if ctx.obj and ctx.obj.get("verbose"):
                raise
            click.echo(f"Error: {err.message}", err=True)
            ctx.exit(err.exit_code)


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


def _load_commands() -> None:
    for ep in entry_points(group="ttdn.commands"):
        ep.load()(cli)


_load_commands()


def main() -> None:
    """Console-script entry point."""
    sys.exit(cli.main(standalone_mode=True))
