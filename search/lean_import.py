"""Import Whoosh without the modules it loads at import time for features a search never uses.

Whoosh 2.7 (whoosh-reloaded) imports, whatever it is asked to do: ``cached_property`` (which
imports asyncio, for coroutine properties Whoosh has none of), ``urllib.request`` from
``whoosh.compat`` (with http.client, email and ssl, for a ``urlretrieve`` nothing calls) and
``whoosh.lang.morph_en`` from ``whoosh.query`` (a few hundred English regular expressions
compiled for the ``Variations`` query, which we never build). A one-shot ``ttdn search``
paid about a fifth of its CPU time for them. Likewise ``tempfile`` (with shutil, bz2, lzma and
random, for Whoosh's ``TempStorage``), ``random`` (``whoosh.util.random_name``, for writers) and
``whoosh.lang.porter`` (the English stemmer's regular expressions, bound as ``StemFilter``'s
default and used by none of our analyzers): a search calls none of them.

``lean_whoosh()`` imports the Whoosh modules a search uses with stand-ins for those that
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
DEFERRED = ("asyncio", "urllib.request", "http.client", "email.parser", "whoosh.lang.morph_en",
            "tempfile", "random", "whoosh.lang.porter")


# What a search imports of Whoosh: whoosh.searching comes at the first searcher (with
# whoosh.classify, which imports random), the codec with search.postings.
_WHOOSH = ("whoosh.query", "whoosh.reading", "whoosh.searching", "whoosh.codec.whoosh3")


def lean_whoosh() -> None:
    """Import Whoosh's query, reading and searching modules with the imports above deferred."""
    if all(name in sys.modules for name in _WHOOSH):
        return  # already imported (the lean way or not): nothing left to save
    standins = {name: make() for name, make in _STANDINS.items() if name not in sys.modules}
    sys.modules.update(standins)
    try:
        for name in _WHOOSH:
            importlib.import_module(name)
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


def _porter() -> types.ModuleType:
    def stem(word):
        return _real("whoosh.lang.porter").stem(word)

    return _module("whoosh.lang.porter", stem=stem)


# Whoosh uses tempfile and random only as `module.function(...)` inside functions, so stand-ins
# with nothing of their own (every attribute from the real module, when asked) are enough.
_STANDINS = {"asyncio": _asyncio, "urllib.request": _urllib_request,
             "whoosh.lang.morph_en": _morph_en, "whoosh.lang.porter": _porter,
             "tempfile": lambda: _module("tempfile"), "random": lambda: _module("random")}
