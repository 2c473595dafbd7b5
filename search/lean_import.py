"""Import Whoosh without the modules it loads at import time for features a search never uses.

Whoosh 2.7 (whoosh-reloaded) imports, whatever it is asked to do: ``cached_property`` (which
imports asyncio, for coroutine properties Whoosh has none of), ``urllib.request`` from
``whoosh.compat`` (with http.client, email and ssl, for a ``urlretrieve`` nothing calls) and
``whoosh.lang.morph_en`` from ``whoosh.query`` (a few hundred English regular expressions
compiled for the ``Variations`` query, which we never build). A one-shot ``ttdn search``
paid about a fifth of its CPU time for them.

``lean_whoosh()`` imports Whoosh's query and reading modules with stand-ins for those three that
load the real module the first time they are actually used, then takes the stand-ins out of
``sys.modules``: any other importer, then or later, gets the real modules. Behaviour is
unchanged; only when the cost is paid moves. The long-lived portal does not need this (it pays
start-up once), so only the CLI's search commands call it.
"""
from __future__ import annotations

import importlib
import inspect
import sys
import types

__all__ = ["lean_whoosh", "DEFERRED"]

# The modules a search no longer loads (tests/test_cli_startup.py checks that it does not).
DEFERRED = ("asyncio", "urllib.request", "http.client", "email.parser", "whoosh.lang.morph_en")


def lean_whoosh() -> None:
    """Import whoosh.query and whoosh.reading with the unused imports above deferred."""
    if "whoosh.query" in sys.modules and "whoosh.reading" in sys.modules:
        return  # already imported (the lean way or not): nothing left to save
    standins = {name: make() for name, make in _STANDINS.items() if name not in sys.modules}
    sys.modules.update(standins)
    try:
        importlib.import_module("whoosh.query")
        importlib.import_module("whoosh.reading")
    finally:
        for name, module in standins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


def _real(name: str):
    """The real module `name` (its stand-in has left sys.modules by the time this runs)."""
    return importlib.import_module(name)


def _module(name: str, **functions) -> types.ModuleType:
    """A stand-in module: these functions, and every other attribute from the real module."""
    module = types.ModuleType(name, f"Stand-in for {name} while Whoosh is imported.")
    module.__dict__.update(functions)

    def __getattr__(attribute: str):  # PEP 562: what the stand-in lacks, from the real module
        if attribute.startswith("__") or sys.modules.get(name) is module:
            # The import system probing (__path__, __spec__), or Whoosh still being imported.
            raise AttributeError(f"module {name!r} has no attribute {attribute!r}")
        return getattr(_real(name), attribute)

    module.__getattr__ = __getattr__
    return module


def _asyncio() -> types.ModuleType:
    # cached_property asks asyncio.iscoroutinefunction(func) on each first access; the answer
    # needs asyncio only for functions marked the old way (`_is_coroutine`), never Whoosh's.
    def iscoroutinefunction(func) -> bool:
        if inspect.iscoroutinefunction(func):
            return True
        if getattr(func, "_is_coroutine", None) is None:
            return False
        return _real("asyncio").iscoroutinefunction(func)

    return _module("asyncio", iscoroutinefunction=iscoroutinefunction)


def _urllib_request() -> types.ModuleType:
    def urlretrieve(*args, **kwargs):
        return _real("urllib.request").urlretrieve(*args, **kwargs)

    return _module("urllib.request", urlretrieve=urlretrieve)


def _morph_en() -> types.ModuleType:
    def variations(word):
        return _real("whoosh.lang.morph_en").variations(word)

    return _module("whoosh.lang.morph_en", variations=variations)


_STANDINS = {"asyncio": _asyncio, "urllib.request": _urllib_request,
             "whoosh.lang.morph_en": _morph_en}
