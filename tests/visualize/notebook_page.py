"""An object as a notebook shows it, as a page a browser test can open.

IPython's own display formatter turns the object into its MIME bundle, as
a kernel would. nbconvert then writes the notebook page with the front
end's own style sheet: the ``lab`` template carries JupyterLab's
(``.jp-RenderedHTMLCommon svg { max-width: 100%; height: auto }``), the
``classic`` one the classic notebook's (``div.output_area svg``, the same
rule, which also shrinks an SVG image); each picks the output as its front
end does (HTML before an SVG image). Script tags that would fetch from the
network (require.js, MathJax) are removed: the tests run offline, and the
drawings need none.
"""

import re

import pytest


def notebook_html(obj, path, template="lab", code="visualize.draw(J)"):
    """Write ``obj``, displayed in one notebook cell, as a page styled by the
    ``template``'s front end (``"lab"`` or ``"classic"``) at ``path``; the
    cell's source is ``code``."""
    formatters = pytest.importorskip(
        "IPython.core.formatters", reason="needs IPython (the tutorials extra)"
    )
    nbformat = pytest.importorskip("nbformat", reason="needs the tutorials extra")
    exporters = pytest.importorskip("nbconvert", reason="needs the tutorials extra")
    data, metadata = formatters.DisplayFormatter().format(obj)
    cell = nbformat.v4.new_code_cell(code)
    cell.outputs = [
        nbformat.v4.new_output("display_data", data=data, metadata=metadata)
    ]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    exporter = exporters.HTMLExporter(template_name=template)
    page, _ = exporter.from_notebook_node(notebook)
    page = re.sub(r"<script[^>]*\bsrc=[^>]*>\s*</script>", "", page)
    path.write_text(page, encoding="utf-8")
    return path


def set_width(browser, width, height=1200):
    """Lay the open page out in a window ``width`` CSS pixels wide."""
    browser.call(
        "Emulation.setDeviceMetricsOverride", browser.session, width=width,
        height=height, deviceScaleFactor=1, mobile=False,
    )


# The smallest text of every SVG on the page, in CSS pixels: the font size
# times the scale the page draws the SVG at, and the height of the text's
# box as the browser lays it out. An SVG shown as an image (<img>, how front
# ends show an image/svg+xml output) has its text measured from its source:
# its scale is its drawn width over its viewBox's.
SMALLEST_TEXT = """(() => {
  const fonts = [], boxes = [];
  for (const t of document.querySelectorAll("svg text")) {
    if (t.textContent.trim() === "") continue;
    fonts.push(parseFloat(t.getAttribute("font-size")) * t.getScreenCTM().a);
    boxes.push(t.getBoundingClientRect().height);
  }
  for (const img of document.querySelectorAll('img[src^="data:image/svg+xml"]')) {
    const data = img.src.slice(img.src.indexOf(",") + 1);
    // (base64 decodes to bytes, not UTF-8 text: enough to read font sizes)
    const source = img.src.includes(";base64,") ? atob(data)
      : decodeURIComponent(data);
    const svg = new DOMParser().parseFromString(source, "image/svg+xml")
      .documentElement;
    const scale = img.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    for (const t of svg.querySelectorAll("text")) {
      if (t.textContent.trim() === "") continue;
      fonts.push(parseFloat(t.getAttribute("font-size")) * scale);
    }
  }
  return {count: fonts.length, font: Math.min(...fonts),
          box: boxes.length ? Math.min(...boxes) : null};
})()"""
