"""The examples in visualize's docstrings run and print what they say."""

import doctest
import importlib
import pkgutil

import pytest

import visualize

MODULES = sorted(
    f"visualize.{info.name}" for info in pkgutil.iter_modules(visualize.__path__)
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name, needs_dot):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
