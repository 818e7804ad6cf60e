"""The README's Python examples run, and print what the README shows."""

import contextlib
import importlib.util
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


def test_the_readmes_table_of_operations_is_the_code_s():
    spec = importlib.util.spec_from_file_location(
        "ops_table", README.parent / "scripts" / "ops_table.py"
    )
    ops_table = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ops_table)
    text = README.read_text()
    shown = text.split("<!-- operations table -->\n")[1].split("\n<!-- end")[0]
    assert shown.strip() == ops_table.table(), (
        "README's table of operations is out of date; paste the output of "
        "python scripts/ops_table.py"
    )
