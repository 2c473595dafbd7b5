"""IIIF: the Image API 3.0 (tiles of page pyramids) and the Presentation API 3.0 (manifests)."""
from __future__ import annotations

from flask import Blueprint

__all__ = ["bp"]

bp = Blueprint("iiif", __name__, url_prefix="/iiif/3")

from . import image, presentation  # noqa: E402,F401  (their routes join bp)
