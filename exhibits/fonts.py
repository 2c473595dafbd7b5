"""The catalogue's typeface: DejaVu Sans for Vietnamese and Latin, MuPDF's CJK font for the rest.

Measured: the fonts built into pymupdf-lite draw Vietnamese from two faces (Charis SIL lacks
ệ, ồ, ườ… and MuPDF fills them in from Noto Serif, even inside bold words), which looks patched.
DejaVu Sans (Debian `fonts-dejavu-core`, ~1 MB) has every Vietnamese letter in regular and bold.
Chinese, Japanese and Korean characters are not in DejaVu; MuPDF's HTML layout then falls back,
glyph by glyph, to its built-in Droid Sans Fallback, which pymupdf-lite ships (``Font("cjk")``).
Both embed with ToUnicode maps, so the catalogue's text extracts as typed.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import pymupdf

from archive.errors import MissingDependency

__all__ = ["Typeface", "typeface", "FONT_PACKAGE"]

FONT_PACKAGE = "fonts-dejavu-core"
_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
              Path("/usr/local/share/fonts/dejavu"))
_REGULAR, _BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"


@dataclass(frozen=True)
class Typeface:
    """What insert_htmlbox needs to set text in the catalogue's face: fonts and their CSS."""

    archive: pymupdf.Archive
    css: str


@functools.lru_cache(maxsize=1)
def typeface() -> Typeface:
    """The catalogue's typeface; MissingDependency (with the install command) when absent."""
    for folder in _FONT_DIRS:
        if (folder / _REGULAR).is_file() and (folder / _BOLD).is_file():
            break
    else:
        raise MissingDependency(f"the catalogue font DejaVu Sans is missing: run `apt-get install"
                                f" {FONT_PACKAGE}` (or `make install` as root)")
    cjk = pymupdf.Font("cjk")
    if not cjk.has_glyph(ord("沙")):
        raise MissingDependency("this PyMuPDF build has no CJK font; install pymupdf-lite==2.0")
    css = (f"@font-face {{font-family: ttdn; src: url({_REGULAR});}}\n"
           f"@font-face {{font-family: ttdn; src: url({_BOLD}); font-weight: bold;}}\n"
           "* {font-family: ttdn;}\n")
    return Typeface(pymupdf.Archive(str(folder)), css)
