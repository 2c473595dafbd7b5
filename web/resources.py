"""What a request works with: the catalog on `g`, one search engine per process, the audience."""
from __future__ import annotations

import threading

from flask import Flask, abort, current_app, g
from flask_login import current_user

from archive.catalog import Catalog
from archive.models import Item
from archive.settings import Settings
from archive.store import ObjectStore
from archive.users import Users
from search.access import may_see
from search.engine import SearchEngine, open_engine
from search.result_cache import CachingEngine

__all__ = ["init_resources", "settings", "get_catalog", "get_read_catalog", "get_engine",
           "get_store", "get_users", "audience", "visible_item"]

_KEY = "ttdn"


def init_resources(app: Flask) -> None:
    """Make room for the process-wide search engine and close the catalog after each request."""
    app.extensions[_KEY] = {"engine": None, "lock": threading.Lock(),
                            "read_catalogs": threading.local()}
    app.teardown_appcontext(_close_catalog)


def settings() -> Settings:
    """The archive settings the app was made with."""
    return current_app.config["TTDN_SETTINGS"]


def get_catalog() -> Catalog:
    """This request's catalog connection, opened on first use."""
    if "catalog" not in g:
        g.catalog = Catalog(settings().catalog_path)
    return g.catalog


def _close_catalog(_exc: BaseException | None) -> None:
    catalog = g.pop("catalog", None)
    if catalog is not None:
        catalog.close()


def get_read_catalog() -> Catalog:
    """A read-only catalog connection kept by this thread across requests (search paths).

    Opening the catalog read-write runs its schema script each time (~1 ms of CPU, more of
    wall time); searches only read, so each server thread keeps one read-only connection,
    reopened when the catalog file is replaced (a restore). WAL readers see every commit.
    """
    state = current_app.extensions[_KEY]
    local = state["read_catalogs"]
    path = settings().catalog_path
    try:
        identity = path.stat().st_ino
    except OSError:
        identity = None
    if getattr(local, "identity", None) != identity or getattr(local, "catalog", None) is None:
        if getattr(local, "catalog", None) is not None:
            local.catalog.close()
        if identity is None:  # no catalog yet: the read-write open makes an empty one
            return get_catalog()
        local.catalog, local.identity = Catalog(path, readonly=True), identity
    return local.catalog


def get_engine() -> SearchEngine:
    """The process's one search engine: made on first use, it follows the index's commits."""
    # Lazily, so each pre-forked worker opens its own after the fork; views search, suggest
    # and re-index through it only (search/engine.py), never through the engine's insides.
    state = current_app.extensions[_KEY]
    if state["engine"] is None:
        with state["lock"]:  # waitress threads may all arrive at once on the first request
            if state["engine"] is None:
                state["engine"] = CachingEngine(  # repeated reads: search/result_cache.py
                    open_engine(settings()), settings().catalog_path,
                    size=current_app.config.get("SEARCH_CACHE_SIZE", settings().search_cache))
    return state["engine"]




def get_store() -> ObjectStore:
    """The object store of originals and derivatives' sources."""
    return ObjectStore(settings().objects_dir)


def get_users() -> Users:
    """The staff accounts kept in the catalog."""
    return Users(get_catalog())


def audience() -> str:
    """The search audience of whoever is asking: `public` unless logged in."""
    return current_user.audience if current_user.is_authenticated else "public"


def visible_item(id_or_source: str) -> Item:
    """The item if this visitor may see it; otherwise the same 404 as for a missing item."""
    catalog = get_catalog()
    item_id = catalog.resolve(id_or_source)
    item = catalog.get_item(item_id) if item_id else None
    if item is None or not may_see(audience(), item.access):
        abort(404)
    return item
