"""The `>>>` examples in the search modules' docstrings hold (they document real behaviour)."""
from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["bulk", "facets", "phrase", "plan", "suggest", "syntax",
                                  "tokens", "vocab"])
def test_docstring_examples_hold(name):
    module = importlib.import_module(f"search.{name}")
    result = doctest.testmod(module)
    assert result.attempted and result.failed == 0
