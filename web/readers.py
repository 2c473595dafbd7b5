"""The reader of this request as the archive's history rule sees them."""
from __future__ import annotations

from flask_login import current_user

from archive.history import Reader
from search.access import visible_levels

from .resources import audience

__all__ = ["current_reader"]


def current_reader() -> Reader:
    """Who is asking: the levels their audience may see, and whether they are signed-in staff."""
    return Reader(visible_levels(audience()), staff=bool(current_user.is_authenticated))
