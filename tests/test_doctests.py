"""The examples in tinygraph's docstrings run and print what they say."""

import doctest
import importlib
import pkgutil

import pytest

import tinygraph

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(tinygraph.__path__, prefix="tinygraph.")
)


@pytest.mark.parametrize("name", ["tinygraph"] + MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
