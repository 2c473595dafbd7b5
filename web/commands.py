"""`ttdn serve` (the portal: waitress, one process per core) and `ttdn user` (staff accounts)."""
from __future__ import annotations

import os
import secrets
import sys

import click

from archive.catalog import Catalog
from archive.errors import UsageError
from archive.users import ROLES, Users

__all__ = ["serve_command", "user_group"]


# Slow or half-open clients hold a connection each while waitress reads their request in its
# main loop; the worker threads only see complete requests. So the defences are many connections
# (cheap with poll(), which has no 1024-descriptor ceiling as select() has) and a short idle
# timeout checked often. Internet-facing, a reverse proxy in front does the rest (README).
_WAITRESS = {"cleanup_interval": 2, "asyncore_use_poll": True, "backlog": 2048,
             "max_request_header_size": 65536}


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, type=int, show_default=True)
@click.option("--threads", default=8, type=int, show_default=True)
@click.option("--secure-cookies", is_flag=True,
              help="Send the session cookie over HTTPS only (behind a TLS proxy).")
@click.option("--trust-proxy", is_flag=True,
              help="Take the client's address from X-Forwarded-For (only behind a reverse proxy).")
@click.option("--connection-limit", default=1000, type=click.IntRange(10, 100_000),
              show_default=True, help="Open connections at once; more wait in the backlog.")
@click.option("--channel-timeout", default=15, type=click.IntRange(1, 3600), show_default=True,
              help="Seconds a connection may stay idle (or send nothing) before it is closed.")
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="Processes serving one socket, each with --threads threads "
                   "[default: the number of cores].")
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int, threads: int, secure_cookies: bool,
                  trust_proxy: bool, connection_limit: int, channel_timeout: int,
                  workers: int | None) -> None:
    """Serve the portal with waitress, one process per core."""
    from .workers import default_workers

    settings = ctx.obj["settings"]
    if not settings.secret_key:
        click.echo("warning: TTDN_SECRET_KEY is not set; sessions end when the server stops",
                   err=True)
    config = {"TTDN_HOME": str(settings.home), "SESSION_COOKIE_SECURE": secure_cookies,
              "TTDN_TRUST_PROXY": trust_proxy}
    limit = _descriptor_room(connection_limit)  # children inherit the raised limit
    if limit < connection_limit:
        click.echo(f"warning: the open-file limit allows {limit} connections, not "
                   f"{connection_limit}; raise it with `ulimit -n`", err=True)
    options = {"threads": threads, "ident": "ttdn", "connection_limit": limit,
               "channel_timeout": channel_timeout, **_WAITRESS}
    workers = workers or default_workers()
    if workers > 1 and not hasattr(os, "fork"):
        click.echo("warning: no fork() on this system; serving with one process", err=True)
        workers = 1
    click.echo(f"serving on http://{host}:{port}/ with {workers} "
               f"process{'es' if workers > 1 else ''}", err=True)
    if workers == 1:
        from waitress import serve

        from .app import create_app

        serve(create_app(config), host=host, port=port, **options)
        return
    sys.exit(_serve_forked(config, host, port, workers, options, settings.secret_key))


def _serve_forked(config: dict, host: str, port: int, workers: int, options: dict,
                  secret_key: str | None) -> int:
    """Bind once, fork `workers` waitress processes on the socket; the supervisor's status."""
    import waitress

    from . import app as _app_module  # imported before the fork: the children share its pages
    from .workers import Supervisor, bind_socket

    # Every worker must sign and check session cookies with the same key: one is drawn here,
    # before the fork, when TTDN_SECRET_KEY does not give it.
    config = {**config, "SECRET_KEY": secret_key or secrets.token_hex(32)}
    try:
        sock = bind_socket(host, port, _WAITRESS["backlog"])
    except OSError as err:
        raise UsageError(f"cannot listen on {host}:{port} ({err.strerror}); "
                         "choose another --port or stop what uses it") from err

    def serve_child() -> None:
        # Built in the child: its Searcher and catalog connections are its own.
        waitress.serve(_app_module.create_app(config), sockets=[sock], **options)

    try:
        return Supervisor(workers, serve_child).run()
    finally:
        sock.close()


def _descriptor_room(wanted: int) -> int:
    """Raise the soft open-file limit towards `wanted` connections; the connections it allows."""
    try:
        import resource
    except ImportError:  # not on POSIX: leave it to the system
        return wanted
    spare = 64  # the catalog, the index segments, logs, the listening socket
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = wanted + spare
    if soft != resource.RLIM_INFINITY and soft < need:
        target = need if hard == resource.RLIM_INFINITY else min(need, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass  # keep the soft limit we have
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(10, min(wanted, soft - spare))


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
