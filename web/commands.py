"""`ttdn serve`: the portal under waitress."""
from __future__ import annotations

import click

__all__ = ["register"]


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, type=int, show_default=True)
@click.option("--threads", default=8, type=int, show_default=True)
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int, threads: int) -> None:
    """Serve the portal with waitress."""
    from waitress import serve

    from .app import create_app

    app = create_app({"TTDN_HOME": str(ctx.obj["settings"].home)})
    click.echo(f"serving on http://{host}:{port}/", err=True)
    serve(app, host=host, port=port, threads=threads)


def register(cli: click.Group) -> None:
    """Add `ttdn serve` to the root group."""
    cli.add_command(serve_command)
