"""An installed (not editable) visualize has the step-through page's style
sheet and script: a wheel built from this checkout holds them and finds them."""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What building a wheel reads: setup.cfg names the other files.
BUILD_INPUTS = ("setup.cfg", "pyproject.toml", "README.md", "LICENSE")
PACKAGES = ("tinygraph", "visualize")
ASSETS = ("visualize/assets/steps.css", "visualize/assets/steps.js")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """A wheel that setuptools builds from a copy of the checkout (a build
    leaves scratch files behind, which stay out of the working tree)."""
    pytest.importorskip("setuptools", reason="building a wheel needs setuptools")
    source = tmp_path_factory.mktemp("source")
    for name in BUILD_INPUTS:
        shutil.copy(ROOT / name, source / name)
    for name in PACKAGES:
        shutil.copytree(ROOT / name, source / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("wheel")
    build = "import sys, setuptools.build_meta as b; b.build_wheel(sys.argv[1])"
    result = subprocess.run([sys.executable, "-c", build, str(out)], cwd=source,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    (path,) = out.glob("*.whl")
    return path


def test_wheel_holds_the_page_assets(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert set(ASSETS) <= names, sorted(n for n in names if "visualize" in n)
        for name in ASSETS:
            assert archive.read(name) == (ROOT / name).read_bytes()


def test_page_from_the_installed_wheel_inlines_its_assets(wheel, tmp_path, needs_dot):
    # A pure-Python wheel installs by unpacking it onto sys.path.
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    page = tmp_path / "steps.html"
    script = (
        "import sys, tinygraph as tg, visualize\n"
        "assert visualize.__file__.startswith(sys.argv[1]), visualize.__file__\n"
        "a = tg.tensor([0.9, 0.2], requires_grad=True, name='a')\n"
        "visualize.step_through(a.log().sum(), sys.argv[2])\n"
    )
    # PYTHONPATH comes before site-packages, where the editable install is.
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run([sys.executable, "-c", script, str(site), str(page)],
                            cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    text = page.read_text(encoding="utf-8")
    for name in ASSETS:
        assert (ROOT / name).read_text(encoding="utf-8") in text
