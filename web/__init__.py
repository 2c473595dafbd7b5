"""web: the Flask portal (public search, item pages, staff side, JSON API) in vi, en and zh."""
from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
