"""Fixtures shared by every test folder."""

import pytest

from tests.visualize.chromium import find_chromium


@pytest.fixture(scope="module")
def chromium():
    """The Chromium program; the test is skipped, saying how to install it,
    when it is missing."""
    program = find_chromium()
    if program is None:
        pytest.skip("Chromium is missing: `make test` installs it when root, or run "
                    "`sudo apt-get install --no-install-recommends chromium`")
    return program
