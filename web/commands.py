"""`ttdn serve` (the portal under waitress) and `ttdn user add` (staff accounts)."""
from __future__ import annotations

import sys

import click

from archive.catalog import Catalog
from archive.users import ROLES, Users

__all__ = ["register"]


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, type=int, show_default=True)
@click.option("--threads", default=8, type=int, show_default=True)
@click.option("--secure-cookies", is_flag=True,
              help="Send the session cookie over HTTPS only (behind a TLS proxy).")
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int, threads: int,
                  secure_cookies: bool) -> None:
    """Serve the portal with waitress."""
    from waitress import serve

    from .app import create_app

    settings = ctx.obj["settings"]
    if not settings.secret_key:
        click.echo("warning: TTDN_SECRET_KEY is not set; sessions end when the server stops",
                   err=True)
    app = create_app({"TTDN_HOME": str(settings.home), "SESSION_COOKIE_SECURE": secure_cookies})
    click.echo(f"serving on http://{host}:{port}/", err=True)
    serve(app, host=host, port=port, threads=threads, ident="ttdn")


@click.group("user")
def user_group() -> None:
    """Staff accounts of the portal."""


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@user_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True,
              help="staff: reads internal items; curator: also edits; admin: also restricted.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_context
def user_add_command(ctx: click.Context, name: str, role: str, password_stdin: bool) -> None:
    """Make an account; the password is prompted for (or read from stdin), never an argument."""
    password = _read_password(password_stdin)
    with Catalog(ctx.obj["settings"].catalog_path) as catalog:
        user = Users(catalog).add(name, role, password)
    click.echo(f"user {user.name} added ({user.role})")


@user_group.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_context
def user_passwd_command(ctx: click.Context, name: str, password_stdin: bool) -> None:
    """Set a new password (the account's open sessions end)."""
    password = _read_password(password_stdin)
    with Catalog(ctx.obj["settings"].catalog_path) as catalog:
        Users(catalog).set_password(name, password)
    click.echo(f"password of {name} changed")


@user_group.command("list")
@click.pass_context
def user_list_command(ctx: click.Context) -> None:
    """List the accounts and their roles."""
    with Catalog(ctx.obj["settings"].catalog_path) as catalog:
        for user in Users(catalog).all():
            click.echo(f"{user.name}\t{user.role}\t{'active' if user.active else 'disabled'}")


def register(cli: click.Group) -> None:
    """Add `ttdn serve` and `ttdn user` to the root group."""
    cli.add_command(serve_command)
    cli.add_command(user_group)
