"""The tutorial notebooks: each runs headless top to bottom without error.

Every notebook asserts its own closed-form claims against autodiff, so a
notebook that runs clean is a notebook whose claims hold. The committed
``.ipynb`` files must also match their sources in ``tutorials/source/``.
"""

import importlib.util
import os
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbclient")
pytest.importorskip("matplotlib")

TUTORIALS = Path(__file__).resolve().parent.parent / "tutorials"
SOURCES = sorted((TUTORIALS / "source").glob("*.py"))
# A cell that hangs fails the test instead of stalling the suite.
CELL_SECONDS = 60


def _load(name):
    spec = importlib.util.spec_from_file_location(name, TUTORIALS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _load("build")


def test_tutorials_there_are_eight_numbered_notebooks():
    assert [p.stem[:2] for p in SOURCES] == [f"{i:02d}" for i in range(1, 9)]
    for source in SOURCES:
        assert (TUTORIALS / f"{source.stem}.ipynb").exists(), source.stem


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_tutorial_committed_notebook_matches_its_source(source):
    committed = nbformat.read(TUTORIALS / f"{source.stem}.ipynb", as_version=4)
    fresh = build.notebook_from_source(source)
    assert [(c.cell_type, c.source) for c in committed.cells] == [
        (c.cell_type, c.source) for c in fresh.cells
    ], "rebuild with: python tutorials/build.py " + source.stem[:2]
    assert not build.errors(committed), "the committed outputs contain an error"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_tutorial_opens_with_goals_and_ends_with_checked_exercises(source):
    cells = build.notebook_from_source(source).cells
    opening = cells[0].source
    assert opening.startswith("# ") and "What you will learn" in opening
    assert "**Follows:**" in opening
    exercise_start = next(i for i, c in enumerate(cells) if "## Exercises" in c.source)
    checks = [c for c in cells[exercise_start:] if "check(" in c.source]
    assert len(checks) >= 2


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_tutorial_runs_headless_without_error(source, tmp_path, monkeypatch):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    # The kernel runs in a scratch folder, so the pages and figures a notebook
    # writes stay out of the tree; it finds tutorial_checks on its path.
    path = os.pathsep.join(filter(None, [str(TUTORIALS), os.environ.get("PYTHONPATH")]))
    monkeypatch.setenv("PYTHONPATH", path)
    nb = build.notebook_from_source(source)
    build.execute(nb, timeout=CELL_SECONDS, cwd=tmp_path)
    assert not build.errors(nb)


def test_tutorial_check_tells_right_from_wrong(capsys):
    sys.path.insert(0, str(TUTORIALS))
    try:
        checks = _load("tutorial_checks")
    finally:
        sys.path.remove(str(TUTORIALS))
    assert checks.check(0.25, 0.25, "x")
    assert "correct" in capsys.readouterr().out
    assert not checks.check([[0.1, 0.2]], [[0.1, 0.3]], "x")
    out = capsys.readouterr().out
    assert "not yet" in out and "(0, 1)" in out and "0.3" in out
    assert not checks.check(..., 1.0, "x")
    assert "not answered" in capsys.readouterr().out
    assert not checks.check([1.0, 2.0, 3.0], [1.0, 2.0], "x")
    assert "wrong shape" in capsys.readouterr().out
