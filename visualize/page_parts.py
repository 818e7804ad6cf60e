"""What every self-contained page here shares: the start of its HTML, its
style sheet and script, read from package data, the colours the style sheet reads as
``var(--name)``, and data written into a ``<script>`` as JSON."""

import json
from importlib.resources import files

# The start of every page, up to its <body>: format it with the page's
# title and style sheet.
HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>{style}</style>
</head>
"""


def asset(name):
    """The text of ``assets/<name>``, package data beside this module."""
    return (files(__package__) / "assets" / name).read_text(encoding="utf-8")


def style(sheet, page_colors):
    """The style sheet ``assets/<sheet>``, after the colours it reads as
    ``var(--name)`` ({name: colour})."""
    lines = [f"  --{name}: {color};" for name, color in page_colors.items()]
    return ":root {\n" + "\n".join(lines) + "\n}\n" + asset(sheet)


def script_json(data):
    """JSON that is safe inside ``<script>``: no ``</`` can close the tag and
    no ``<!`` can open an HTML comment.

    NOTE: escaping ``</`` alone is not enough: after ``<!--<script>`` (a
    tensor of that name) the HTML parser no longer ends the script at the
    page's own ``</script>``, and the page's script never runs. ``<\\/``
    and ``<\\u0021`` read as the same ``</`` and ``<!`` in JavaScript.
    """
    text = json.dumps(data, ensure_ascii=True)
    return text.replace("</", "<\\/").replace("<!", "<\\u0021")
