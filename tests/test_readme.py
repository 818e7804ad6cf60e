"""The README's Python examples run, and print what the README shows."""

import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
# A ```python block, optionally followed by a plain ``` block of its output.
BLOCK = re.compile(r"```python\n(.*?)```\n(?:\n```\n(.*?)```)?", re.DOTALL)


def examples():
    return [match.groups() for match in BLOCK.finditer(README.read_text())]


def test_readme_has_examples():
    assert len(examples()) >= 4


@pytest.mark.parametrize("code, shown", examples(), ids=lambda v: (v or "")[:30])
def test_readme_example_runs_and_prints_what_is_shown(
    code, shown, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, str(README), "exec"), {"__name__": "readme"})
    if shown is not None:
        assert printed.getvalue().strip() == shown.strip()
