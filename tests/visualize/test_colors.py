"""Every colour is spelled out once, in visualize/colors.py, and used."""

import re
from pathlib import Path

import visualize
from visualize import colors

PACKAGE = Path(visualize.__file__).parent
# A hex colour (#9c2a00, #ddd) or a CSS colour function; an HTML character
# reference such as &#9664; (the "previous" arrow) is not a colour.
COLOR = re.compile(
    r"(?<![&\w])#(?:[0-9a-fA-F]{8}|[0-9a-fA-F]{6}|[0-9a-fA-F]{3,4})\b"
    r"|\b(?:rgb|hsl)a?\("
)


def package_files():
    """The package's Python modules and its page assets."""
    return sorted(
        p for p in PACKAGE.rglob("*") if p.suffix in (".py", ".js", ".css", ".html")
    )


def module_colors():
    """The colours colors.py names one by one (``GRAD``, ``EDGE``, ...)."""
    return {
        name: value for name, value in vars(colors).items()
        if name.isupper() and isinstance(value, str)
    }


def test_colors_are_written_only_in_the_color_module():
    found = [
        f"{path.relative_to(PACKAGE)}: {match.group()}"
        for path in package_files() if path.name != "colors.py"
        for match in COLOR.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_color_scan_sees_every_color_the_module_defines():
    # The scan above is only as good as its pattern: it must match each one.
    text = (PACKAGE / "colors.py").read_text(encoding="utf-8")
    defined = set(module_colors().values()) | set(colors.PAGE.values())
    assert set(COLOR.findall(text)) == defined


def test_every_named_color_is_used():
    sources = "".join(
        path.read_text(encoding="utf-8")
        for path in package_files() if path.name != "colors.py"
    )
    unused = [
        name for name in module_colors()
        if not re.search(rf"\bcolors\.{name}\b", sources)
    ]
    assert unused == []


def test_page_assets_read_exactly_the_page_colors():
    css = (PACKAGE / "assets" / "steps.css").read_text(encoding="utf-8")
    js = (PACKAGE / "assets" / "steps.js").read_text(encoding="utf-8")
    # A misspelt var(--name) leaves its rule without a colour, silently.
    used = set(re.findall(r"var\(--([\w-]+)\)", css))
    used |= set(re.findall(r"getPropertyValue\(\"--([\w-]+)\"\)", js))
    assert used == set(colors.PAGE)
