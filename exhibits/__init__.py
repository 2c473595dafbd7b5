"""exhibits: curators' exhibitions of archive items, and their export for print and display.

The CLI (`exhibits.commands`) and the web views call only what is listed here.
"""
from __future__ import annotations

from archive.exhibitions import Exhibition, ExhibitEntry, Section

from .api import (FOREIGN_LANGUAGES, KEEP, LANGUAGES, Exhibit, PublishRefused, add_item, create,
                  define_section, edit, edit_item, events, exhibits_of, get, list_exhibitions,
                  move_item, publish, remove_item, set_caption, set_section, unpublish)
from .catalogue import LANGUAGE_NAMES, build_catalogue, languages_of
from .export import ExportResult, export, export_bag, export_pdf
from .finder import Finding, find, parse_period

__all__ = ["Exhibition", "ExhibitEntry", "Section", "Exhibit", "PublishRefused", "LANGUAGES",
           "FOREIGN_LANGUAGES", "LANGUAGE_NAMES", "KEEP", "create", "edit", "get",
           "list_exhibitions", "exhibits_of", "events", "add_item", "remove_item", "move_item",
           "set_caption", "set_section", "define_section", "edit_item", "publish", "unpublish",
           "export", "export_pdf", "export_bag", "ExportResult", "build_catalogue",
           "languages_of", "find", "Finding", "parse_period"]
