"""Build the tutorial notebooks from their sources and run them.

Each notebook is written as a plain Python file in ``tutorials/source/``,
cells separated by ``# %%`` lines (``# %% [markdown]`` for prose, whose lines
start with ``# ``; a commented magic such as ``# %matplotlib inline`` becomes
the magic itself). This keeps the tutorials reviewable as ordinary diffs.
``python tutorials/build.py`` turns every source into
``tutorials/NN_name.ipynb``, executes it top to bottom with nbclient and saves
it with its outputs, so the committed notebooks read well without running.
``build.py 03`` builds one; ``--allow-errors`` keeps going past failing cells
and lists them (for drafting only: a committed notebook has none).
"""

import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "source"
TIMEOUT_SECONDS = 120
# "<graphviz.graphs.Digraph at 0x7f...>": an address that changes every run.
_ADDRESS = re.compile(r" at 0x[0-9a-f]+>")


def parse_cells(text):
    """Split a percent-format source into (kind, source) pairs."""
    cells = []
    kind, lines = None, []
    for line in text.splitlines():
        if line.startswith("# %%"):
            if kind is not None:
                cells.append((kind, lines))
            kind = "markdown" if "[markdown]" in line else "code"
            lines = []
        elif kind is not None:
            lines.append(line)
    if kind is not None:
        cells.append((kind, lines))
    result = []
    for kind, lines in cells:
        if kind == "code":
            # "# %matplotlib inline" in the source is a magic in the notebook.
            lines = [line[2:] if _is_commented_magic(line) else line for line in lines]
        if kind == "markdown":
            lines = [
                line[2:] if line.startswith("# ") else line.lstrip("#")
                for line in lines
            ]
        source = "\n".join(lines).strip("\n")
        if source:
            result.append((kind, source))
    return result


def _is_commented_magic(line):
    return line.startswith("# %") and not line.startswith("# %%")


def notebook_from_source(path):
    """An unexecuted notebook made from one source file."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    for index, (kind, source) in enumerate(parse_cells(path.read_text())):
        # Numbered cell ids (not random ones) keep rebuilt notebooks diffable.
        cell_id = f"{path.stem[:2]}-{index:03d}"
        if kind == "markdown":
            nb.cells.append(nbformat.v4.new_markdown_cell(source, id=cell_id))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(source, id=cell_id))
    return nb


def execute(nb, timeout=TIMEOUT_SECONDS, allow_errors=False, cwd=HERE):
    """Run ``nb`` in place with its kernel in ``cwd`` (raises on any error).

    The kernel imports ``tutorial_checks`` from this folder, so when ``cwd``
    is elsewhere the caller puts this folder on the kernel's PYTHONPATH.
    """
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=allow_errors,
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute()
    return nb


def strip_volatile(nb):
    """Drop execution timestamps and join split prints, for stable rebuilds.

    The kernel may deliver one cell's printed text in several chunks, split
    differently from run to run; consecutive chunks of a stream are joined.
    Object addresses in plain-text reprs are dropped.
    """
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        outputs = []
        for output in cell.get("outputs", []):
            plain = output.get("data", {}).get("text/plain")
            if isinstance(plain, str):
                output.data["text/plain"] = _ADDRESS.sub(">", plain)
            previous = outputs[-1] if outputs else None
            if (
                output.output_type == "stream"
                and previous is not None
                and previous.output_type == "stream"
                and previous.name == output.name
            ):
                previous.text += output.text
            else:
                outputs.append(output)
        if cell.cell_type == "code":
            cell.outputs = outputs
    return nb


def errors(nb):
    """The error outputs of an executed notebook, as (cell index, text)."""
    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                found.append((index, f"{output.ename}: {output.evalue}"))
    return found


def build(path, allow_errors=False):
    nb = execute(notebook_from_source(path), allow_errors=allow_errors)
    for index, text in errors(nb):
        print(f"{path.stem}: cell {index}: {text}")
    target = HERE / (path.stem + ".ipynb")
    nbformat.write(strip_volatile(nb), target)
    return target


def main(args):
    allow_errors = "--allow-errors" in args
    prefixes = [a for a in args if not a.startswith("--")]
    for path in sorted(SOURCES.glob("*.py")):
        if prefixes and not any(path.stem.startswith(p) for p in prefixes):
            continue
        print("built", build(path, allow_errors).name)


if __name__ == "__main__":
    main(sys.argv[1:])
