"""The CLI imports only what a command needs: `--help` no layer, `search` no PyMuPDF or Flask."""
from __future__ import annotations

import json
import subprocess
import sys

import click
import click.testing
import pytest

from archive.cli import COMMANDS, cli, load_command

HEAVY = ("pymupdf", "flask", "PIL", "pyvips", "whoosh", "ingest.pipeline", "archive.catalog")


def _imported_after(args: list[str], env: dict | None = None) -> tuple[set[str], str]:
    """The modules a fresh interpreter holds after running `ttdn ARGS`, and what it printed."""
    code = ("import sys, json, io, contextlib\n"
            "from archive.cli import cli\n"
            "out = io.StringIO()\n"
            "with contextlib.redirect_stdout(out):\n"
            f"    try: cli.main({args!r}, standalone_mode=False)\n"
            "    except SystemExit: pass\n"
            "print(json.dumps([sorted(sys.modules), out.getvalue()]))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env=env)
    modules, printed = json.loads(done.stdout.strip().splitlines()[-1])
    return set(modules), printed


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_listed_command_is_the_command_its_module_defines(name):
    command = load_command(name)
    assert isinstance(command, click.Command)
    assert command.name == name
    assert command.get_short_help_str(limit=500) == COMMANDS[name][1]


def test_help_lists_every_command_without_importing_any_layer():
    modules, printed = _imported_after(["--help"])
    for name in COMMANDS:
        assert f"  {name} " in printed
    assert not [m for m in HEAVY if m in modules]
    assert not [m for m in modules if m.split(".")[0] in ("search", "ingest", "web", "exhibits")]


def test_search_imports_neither_pymupdf_nor_flask_nor_ingest(tmp_path):
    env = {"TTDN_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    modules, _ = _imported_after(["search", "lạng sơn", "--json"], env=env)
    assert "whoosh" in modules  # it did search
    for heavy in ("pymupdf", "flask", "PIL", "pyvips", "ingest.pipeline", "web"):
        assert heavy not in modules, heavy


def test_an_unknown_command_is_refused_as_before():
    result = click.testing.CliRunner().invoke(cli, ["no-such-command"])
    assert result.exit_code == 2
    assert "No such command" in result.output
