"""`ttdn exhibit …` commands (filled in by the exhibitions work)."""
from __future__ import annotations

import click

__all__ = ["register"]


def register(cli: click.Group) -> None:
    """Add the exhibition commands to the root group."""
