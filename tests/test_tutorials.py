"""The tutorial notebooks: each runs headless top to bottom without error.

Every notebook asserts its own closed-form claims against autodiff, so a
notebook that runs clean is a notebook whose claims hold. Each is run with
hand-worked answers filled into its exercises, and every check cell must
then say "correct". The committed ``.ipynb`` files must match their sources
in ``tutorials/source/`` and carry no error in their saved outputs.
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


def test_tutorials_are_numbered_01_to_n_without_gaps():
    numbers = [p.stem[:2] for p in SOURCES]
    assert len(numbers) >= 8
    assert numbers == [f"{i:02d}" for i in range(1, len(numbers) + 1)]
    for source in SOURCES:
        assert source.stem[2] == "_" and source.stem[3:].islower(), source.stem
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


# Hand-worked answers to every exercise, written without tinygraph, so the
# notebooks' check cells (which compute the expected value with tinygraph)
# are tested against an independent answer. Each replaces the line
# ``<name> = ...`` (or ``return ...`` for a function) in the notebook.
S1 = "1 / (1 + np.exp(-1))"
S2 = "1 / (1 + np.exp(-2))"
E = "(np.exp(1) + np.exp(-1))"
SOLUTIONS = {
    "01": {
        "answer_1": "-1 / 0.75",
        "answer_2": "[0, -0.25, 0, 0]",
        "answer_3": f"(np.array([[0.5, {S2}]]) - [[1.0, 0.0]]) / 2",
        "return": "((1 - Y) / (1 - A) - Y / A) / A.shape[1]",
    },
    "02": {
        "answer_1": "-np.exp(1) * np.exp(3) / np.exp([1, 2, 3]).sum() ** 2",
        "answer_2": f"(np.array([[0.5, np.exp(1) / {E}], [0.5, np.exp(-1) / {E}]])"
        " - np.eye(2)) / 2",
        "answer_3": f"[[-1.0, 0.0], [0.0, -{E} / (2 * np.exp(-1))]]",
        "return": "(A * Y.sum(axis=0) - Y) / A.shape[1]",
    },
    "03": {
        "answer_1": "-(np.log(0.8) + np.log(0.4))",
        "answer_2": "[[-1 / 0.8], [-1 / 0.4]]",
        "answer_3": "(1 / (1 + np.exp(-np.array([[0.0, 0.0], [1, -1], [2, 2]])))"
        " - [[1, 0], [0, 0], [1, 1]]) / 2",
    },
    "04": {
        "answer_1": "np.round(delta[1], 4).sum(axis=1, keepdims=True)",
        "answer_2": f"np.array([[{S1} - 1, {S1}]]) / 2 @ np.array([[1, 0], [2, 1]])",
        "answer_3": f"(2 * {S1} - 1) / 2",
    },
    "05": {
        "answer_1": "0.25",
        "return": "np.where(z > 0, 1.0, 0.01)",
        "answer_3": "1 - 0.8**2",
        "local": "(2 / 3) * (1.7159 - out * out / 1.7159)",
    },
    "06": {"answer_1": "15", "answer_2": "[1.5, 0.5]", "answer_3": "[3.0, 0.0]"},
    "07": {
        "answer_1": "3.5625",
        "answer_2": "[[0.5, -0.5], [0.5, 0.5]]",
        "answer_3": "0.75",
    },
    "08": {
        "answer_1": "-0.5 * 0.2",
        "answer_2": "[0.25, -0.75, 0.5]",
        "answer_3": f"(np.array([[0.5, {S2}]]) - [[1, 0]]) / 2"
        f" * np.array([[0.25, {S2} * (1 - {S2})]])",
    },
    "09": {
        "answer_1": "[[0.5, -0.5]]",
        "return": "(A - Y) / A.shape[1]",
        "answer_3": "2",
        "answer_4": "(1.0 - 1.0 + 1.0) / 3",
    },
    "10": {
        "answer_1": "0.5 * 2 - 1 * 0.5 + 0.25",
        "answer_2": "(0.5 * 2 - 0.5 * 1) * 0.25",
        "return": "np.outer(delta, a_prev)",
        "answer_4": "[(0.2 + 0.6) / 2, (-0.4 + 0.0) / 2]",
    },
    "11": {
        "answer_1": "0.8 * 0.2 * (1 - 2 * 0.8)",
        "return": "-2 * a * (1 - a**2)",
        "answer_3": "0.6667",
        "answer_4": "[[0.25, -0.25], [-0.25, 0.25]]",
    },
    "12": {
        "answer_1": "np.hypot(0.3, 0.4) / np.hypot(3, 4)",
        "answer_2": "2 / 4",
        "answer_3": "0.25**4",
    },
}


def _with_solutions(nb, solutions):
    """Put each hand-worked answer in place of its ``...``; count them."""
    filled = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        lines = cell.source.split("\n")
        for i, line in enumerate(lines):
            for name, answer in solutions.items():
                blank = "return ..." if name == "return" else f"{name} = ..."
                if line.strip() == blank:
                    lines[i] = line.replace("...", answer)
                    filled += 1
        cell.source = "\n".join(lines)
    return filled


def _printed(nb):
    return "".join(
        output.get("text", "")
        for cell in nb.cells
        for output in cell.get("outputs", [])
        if output.output_type == "stream"
    )


@pytest.mark.notebook
@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_tutorial_runs_headless_and_accepts_the_right_answers(
    source, tmp_path, monkeypatch
):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    # The kernel runs in a scratch folder, so the pages and figures a notebook
    # writes stay out of the tree; it finds tutorial_checks on its path.
    path = os.pathsep.join(filter(None, [str(TUTORIALS), os.environ.get("PYTHONPATH")]))
    monkeypatch.setenv("PYTHONPATH", path)
    nb = build.notebook_from_source(source)
    solutions = SOLUTIONS[source.stem[:2]]
    assert _with_solutions(nb, solutions) == len(solutions)
    build.execute(nb, timeout=CELL_SECONDS, cwd=tmp_path)
    assert not build.errors(nb)
    printed = _printed(nb)
    assert printed.count(": correct.") == len(solutions), printed[-600:]
    assert "not yet" not in printed and "not answered" not in printed


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


def test_tutorial_check_accepts_a_rounded_hand_answer(capsys):
    sys.path.insert(0, str(TUTORIALS))
    try:
        checks = _load("tutorial_checks")
    finally:
        sys.path.remove(str(TUTORIALS))
    assert checks.check(-1.3333, -4 / 3, "x")  # four significant figures
    assert checks.check(0.6667, 2 / 3, "x")
    assert checks.check([[0.25, -1e-5]], [[0.25, 0.0]], "x")  # near zero
    assert not checks.check(-1.33, -4 / 3, "x")  # three are not enough
    assert not checks.check(-4 / 3, 4 / 3, "x")
    assert not checks.check(9.1e-5, 8.0e-5, "x")  # small is not zero
    assert "not yet" in capsys.readouterr().out
