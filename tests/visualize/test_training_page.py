"""visualize.training_page: a self-contained page of a tg.Recorder's
records, shown inline and live in Jupyter; and a real headless Chromium run
that drives its slider and play button."""

import base64
import json
import re
import sys
import time
import warnings
from html.parser import HTMLParser

import numpy as np
import pytest

import tinygraph as tg
import visualize

from .chromium import Browser

pytest.importorskip("matplotlib")


def train_moons(every=5, steps=26, hidden=8, test=True):
    """A small ReLU network on the moons, recorded every ``every`` steps."""
    data = tg.datasets.moons(64, noise=0.15, seed=0)
    rng = np.random.default_rng(0)
    net = tg.nn.Sequential(tg.nn.Linear(2, hidden, rng=rng, init="he"), tg.nn.ReLU(),
                           tg.nn.Linear(hidden, 1, rng=rng))
    cost = tg.nn.binary_cross_entropy_with_logits
    recorder = tg.Recorder(net, cost, every=every, grid=20,
                           test=(data.X_test, data.Y_test) if test else None)
    opt = tg.optim.SGD(net.parameters(), lr=0.3, momentum=0.9)
    X, Y = data.X_train, data.Y_train
    for _ in range(steps):
        J = cost(net(X), Y)
        opt.zero_grad()
        J.backward()
        with recorder.step(J, X, Y):
            opt.step()
    return recorder


@pytest.fixture(scope="module")
def moons():
    return train_moons()


def page_records(text):
    """The records the page's script shows, read back from the page."""
    data = re.search(r"const RECORDS = (\[.*?\]);\n", text, flags=re.DOTALL).group(1)
    return json.loads(data)


def test_page_holds_every_recorded_step_with_its_numbers(moons, tmp_path, needs_dot):
    path = tmp_path / "training.html"
    page = visualize.training_page(moons, path)
    assert isinstance(page, visualize.TrainingPage)
    text = path.read_text(encoding="utf-8")
    shown = page_records(text)
    records = moons.records
    assert [r["step"] for r in shown] == [0, 5, 10, 15, 20, 25]
    for entry, record in zip(shown, records):
        assert entry["numbers"].startswith(f"cost {record.cost:.4g} · held-out cost")
        assert f"held-out accuracy {record.test_accuracy:.1%}" in entry["numbers"]
        assert [row[0] for row in entry["layers"]] == ["Layer 1", "Layer 2"]
        assert entry["layers"][0][3] == f"{record.layers[0].gradient_norm:.2e}"
        assert entry["boundary"].startswith("data:image/png;base64,")
        # the probe batch's graph, with the frozen values of that step
        assert entry["graph"].startswith("<svg")
        assert "W1" in entry["graph"] and "∂J/∂W1" in entry["graph"]
    assert "from blue (0) to red (1); line: P = 1/2; dots: the held-out" in text
    assert "6 steps recorded, every 5th step of 26" in text
    # the boundary changes as the network learns
    assert shown[0]["boundary"] != shown[-1]["boundary"]
    assert shown[0]["graph"] != shown[-1]["graph"]


def test_boundary_image_is_a_png_of_the_network(moons, needs_dot):
    page = visualize.TrainingPage(moons)
    entry = page_records(page.html())[-1]
    png = base64.b64decode(entry["boundary"].split(",", 1)[1])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_page_is_self_contained(moons, needs_dot):
    text = visualize.TrainingPage(moons).html()
    fetches = r"<script[^>]+src=|<link|@import|https?://(?!www\.w3\.org)"
    assert not re.search(fetches, text)
    for control in ('id="play"', 'id="slider"', 'type="range"', "MARK_SHIFTS"):
        assert control in text
    # a mark for every step in the cost curves, hidden but for the current one
    assert len(re.findall(r'<g id="mark-\d+-cost-line"', text)) == 6


def test_page_of_several_classes_mixes_their_colours(needs_dot):
    X, Y = tg.datasets.spirals(30, classes=3, seed=0)[:2]
    net = tg.nn.Sequential(tg.nn.Linear(2, 6, rng=0), tg.nn.ReLU(),
                           tg.nn.Linear(6, 3, rng=1))
    recorder = tg.Recorder(net, tg.nn.cross_entropy_with_logits, every=1, grid=8)
    J = tg.nn.cross_entropy_with_logits(net(X), Y)
    J.backward()
    recorder.step(J, X, Y)
    text = visualize.TrainingPage(recorder).html()
    caption = "each class's colour, mixed by its probability; dots: the first batch"
    assert caption in text
    (entry,) = page_records(text)
    png = base64.b64decode(entry["boundary"].split(",", 1)[1])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_page_without_two_dimensional_inputs_has_no_boundary(needs_dot):
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(3, 10)), rng.normal(size=(1, 10))
    net = tg.nn.Sequential(tg.nn.Linear(3, 4, rng=0), tg.nn.Tanh(),
                           tg.nn.Linear(4, 1, rng=1))
    recorder = tg.Recorder(net, tg.nn.mse, every=1)
    J = tg.nn.mse(net(X), Y)
    J.backward()
    recorder.step(J, X, Y)
    text = visualize.TrainingPage(recorder).html()
    assert 'id="boundary"' not in text
    (entry,) = page_records(text)
    assert "boundary" not in entry
    assert "no accuracy: not a classifier" in text  # a regression: no accuracy


def test_page_with_no_records_says_what_to_do(tmp_path):
    net = tg.nn.Sequential(tg.nn.Linear(2, 1, rng=0))
    recorder = tg.Recorder(net, tg.nn.mse)
    text = visualize.training_page(recorder, tmp_path / "empty.html").html()
    assert "Nothing has been recorded yet" in text
    assert "recorder.step(J, X, Y)" in text and "const RECORDS" not in text
    assert "it records step 0 and every 10th step after it" in text


def test_nan_steps_are_shown_and_flagged(needs_dot):
    recorder = train_moons(every=1, steps=2)
    recorder.model[0].W.data = np.full((8, 2), np.nan)
    X, Y = recorder.points
    J = recorder.cost(recorder.model(X), Y)
    J.backward()
    recorder.step(J, X, Y)
    entry = page_records(visualize.TrainingPage(recorder).html())[-1]
    assert not entry["finite"] and entry["numbers"].startswith("cost nan")
    assert entry["warnings"][0].startswith("The cost is nan at step 2")


def test_missing_matplotlib_says_how_to_install(moons, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match=r"pip install 'tinygraph-autodiff\[live\]'"):
        visualize.TrainingPage(train_moons(steps=1)).html()


def test_missing_tqdm_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with pytest.raises(ImportError, match=r"tqdm.*\[live\]"):
        visualize.progress(range(3))


class FrameReader(HTMLParser):
    """The attributes of each iframe, unescaped as a browser reads them."""

    def __init__(self):
        super().__init__()
        self.frames = []

    def handle_starttag(self, tag, attrs):
        if tag == "iframe":
            self.frames.append(dict(attrs))


def test_repr_html_is_an_iframe_holding_the_page(moons, needs_dot):
    page = visualize.TrainingPage(moons)
    reader = FrameReader()
    reader.feed(page._repr_html_())
    (frame,) = reader.frames
    assert frame["srcdoc"] == page.html()


class FakeHandle:
    def __init__(self, shown):
        self.shown, self.updates = shown, []

    def update(self, page):
        self.updates.append(len(page_records(page.html())))


def test_watch_redraws_the_display_while_training(monkeypatch, needs_dot):
    import IPython
    import IPython.display

    handles = []

    def display(page, display_id=False):
        assert display_id is True
        handles.append(FakeHandle(page))
        return handles[-1]

    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(IPython.display, "display", display)
    recorder = train_moons(steps=0)
    view = visualize.watch(recorder, seconds=0)
    X, Y = recorder.test
    for _ in range(3):
        J = recorder.cost(recorder.model(X), Y)
        J.backward()
        recorder.step(J, X, Y)
    assert len(handles) == 1
    # one redraw per recorded step (steps 0 and 5 of 0, 1, 2 here: only 0)
    assert handles[0].updates == [1]
    view.update()
    assert handles[0].updates == [1, 1]


def test_watch_outside_jupyter_warns_and_shows_nothing(monkeypatch):
    import IPython

    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    recorder = train_moons(steps=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        view = visualize.watch(recorder)
    assert "not running in Jupyter" in str(caught[0].message)
    view.update()  # nothing to update, and no error
    assert view.handle is None


def wait_for(browser, expression, seconds=10.0):
    deadline = time.monotonic() + seconds
    while not browser.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(expression)
        time.sleep(0.05)


def click_at(browser, x, y):
    """A real mouse click at the page's point (x, y)."""
    for kind in ("mousePressed", "mouseReleased"):
        browser.call("Input.dispatchMouseEvent", browser.session, type=kind,
                     x=x, y=y, button="left", clickCount=1)


STATE = """(() => ({
  index: Number(document.body.dataset.index),
  step: document.body.dataset.step,
  counter: document.getElementById("counter").textContent,
  marks: Array.from(document.querySelectorAll('#curves g[id^="mark-"]'))
    .filter(g => getComputedStyle(g).visibility === "visible").map(g => g.id),
  boundary: document.getElementById("boundary").src.length
    + ":" + document.getElementById("boundary").src.slice(-40),
  graph: document.querySelector("#graph svg").textContent,
  histogramMark: document.querySelector('#histograms g[id^="hist-mark-"]')
    .getAttribute("transform"),
  warnings: document.getElementById("warnings").textContent,
}))()"""


def test_training_page_in_headless_chromium_slider_and_play(
    moons, tmp_path, needs_dot, chromium
):
    path = tmp_path / "training.html"
    visualize.training_page(moons, path)
    steps = [r.step for r in moons.records]
    browser = Browser(chromium, tmp_path / "profile")
    try:
        browser.open(path.as_uri())
        browser.call("Emulation.setDeviceMetricsOverride", browser.session,
                     width=1100, height=1400, deviceScaleFactor=1, mobile=False)
        last = browser.evaluate(STATE)
        # it opens on the last recorded step, and marks that step only
        assert last["index"] == 5 and last["step"] == str(steps[-1])
        assert last["counter"] == f"step {steps[-1]} (record 6 of 6)"
        assert sorted(last["marks"]) == sorted(
            f"mark-5-{name}-{part}" for name in ("cost", "accuracy")
            for part in ("line", "dots"))
        # a real key press on the slider goes one step back
        browser.evaluate("document.getElementById('slider').focus()")
        browser.press("ArrowLeft", "ArrowLeft")
        back = browser.evaluate(STATE)
        assert back["index"] == 4 and back["step"] == str(steps[4])
        assert all(mark.startswith("mark-4-") for mark in back["marks"])
        assert back["boundary"] != last["boundary"]
        assert back["graph"] != last["graph"]
        assert back["histogramMark"] != last["histogramMark"]
        # a real click at the left end of the slider's track: the first step
        box = browser.evaluate(
            "(() => { const r = document.getElementById('slider')"
            ".getBoundingClientRect(); return [r.x, r.y + r.height / 2]; })()")
        click_at(browser, box[0] + 2, box[1])
        first = browser.evaluate(STATE)
        assert first["index"] == 0 and first["step"] == "0"
        assert first["graph"] != back["graph"]
        assert first["histogramMark"] == "translate(0 0)"
        # play walks through the steps and stops at the last one
        browser.click("#play")
        assert browser.evaluate("document.getElementById('play').textContent") \
            .endswith("pause")
        wait_for(browser, "document.body.dataset.index === '2'")
        # pause holds the step (for longer than two steps of play), play goes on
        browser.click("#play")
        paused = browser.evaluate("document.body.dataset.index")
        time.sleep(0.9)
        assert browser.evaluate("document.body.dataset.index") == paused
        assert browser.evaluate("document.getElementById('play').textContent") \
            .endswith("play")
        browser.click("#play")
        wait_for(browser, "document.body.dataset.index === '5'")
        wait_for(browser, "!document.body.classList.contains('playing')")
        assert browser.evaluate(STATE) == last
        shot = browser.call("Page.captureScreenshot", browser.session, format="png")
        picture = base64.b64decode(shot["data"])
        assert picture.startswith(b"\x89PNG")
        (tmp_path / "training.png").write_bytes(picture)  # to look at
    finally:
        browser.close()


def test_class_indices_colour_the_points_like_one_hot_labels(needs_dot):
    # before: a 1-D Y gave argmax(axis=0), one number, so every dot had one colour
    X, Y = tg.datasets.spirals(20, classes=3, seed=0)[:2]
    pictures = []
    for labels in (Y, Y.argmax(axis=0)):
        net = tg.nn.Sequential(tg.nn.Linear(2, 4, rng=0), tg.nn.ReLU(),
                               tg.nn.Linear(4, 3, rng=1))
        recorder = tg.Recorder(net, tg.nn.cross_entropy_with_logits, every=1, grid=6)
        J = tg.nn.cross_entropy_with_logits(net(X), labels)
        J.backward()
        recorder.step(J, X, labels)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # matplotlib warned of one colour
            (entry,) = page_records(visualize.TrainingPage(recorder).html())
        pictures.append(entry["boundary"])
    assert pictures[0] == pictures[1]


def test_regression_on_the_plane_has_no_boundary_panel(needs_dot):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, 10))
    net = tg.nn.Sequential(tg.nn.Linear(2, 4, rng=0), tg.nn.Tanh(),
                           tg.nn.Linear(4, 1, rng=1))
    recorder = tg.Recorder(net, tg.nn.mse, every=1)
    J = tg.nn.mse(net(X), X[:1] * X[1:])
    J.backward()
    recorder.step(J, X, X[:1] * X[1:])
    text = visualize.TrainingPage(recorder).html()
    assert 'id="boundary"' not in text and "P(class 1)" not in text


WATCHED_TRAINING = '''
import numpy as np, tinygraph as tg, visualize
X, Y, X_test, Y_test = tg.datasets.moons(60, m_test=20)
net = tg.nn.Sequential(tg.nn.Linear(2, 6, rng=0), tg.nn.ReLU(),
                       tg.nn.Linear(6, 1, rng=1))
cost = tg.nn.binary_cross_entropy_with_logits
opt = tg.optim.SGD(net.parameters(), lr=0.3)
recorder = tg.Recorder(net, cost, every=5, test=(X_test, Y_test), grid=10)
view = visualize.watch(recorder, seconds=0)
for _ in visualize.progress(range(16)):
    J = cost(net(X), Y)
    opt.zero_grad()
    J.backward()
    with recorder.step(J, X, Y):
        opt.step()
'''


def test_watch_in_a_real_kernel_updates_its_display_while_training(needs_dot):
    """A notebook run by nbclient: the page is displayed once, then updated
    (update_display_data) after each recorded step, with one more step each."""
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    updates = []

    class Client(nbclient.NotebookClient):
        def process_message(self, msg, cell, cell_index):
            if msg["msg_type"] == "update_display_data":
                page = msg["content"]["data"]["text/html"]
                updates.append(page.count("&quot;step&quot;:"))
            return super().process_message(msg, cell, cell_index)

    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(WATCHED_TRAINING)])
    Client(notebook, timeout=120, kernel_name="python3").execute()
    pages = [out for out in notebook.cells[0].outputs
             if "text/html" in out.get("data", {})
             and out["data"]["text/html"].startswith("<iframe")]
    assert len(pages) == 1  # one display, updated in place
    # at once after step 0, then when due (a redraw takes time: maybe never),
    # and when the cell has run: before, the display stayed at step 0
    assert updates[0] == 1 and updates[-1] == 4
    assert updates == sorted(set(updates))
    assert pages[0]["data"]["text/html"].count("&quot;step&quot;:") == 4


def test_watch_shows_a_last_record_taken_without_with_when_the_cell_ends(
    monkeypatch, needs_dot
):
    # before: a record taken without `with` is announced at the next step,
    # so the last one of a loop never reached the display
    import IPython
    import IPython.display

    class Events:
        def register(self, name, callback):
            self.callback = callback

        def unregister(self, name, callback):
            assert callback == self.callback
            self.callback = None

    events = Events()
    shell = type("Shell", (), {"events": events})()
    handles = []

    def display(page, display_id=False):
        handles.append(FakeHandle(page))
        return handles[-1]

    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    monkeypatch.setattr(IPython.display, "display", display)
    recorder = train_moons(steps=0)
    visualize.watch(recorder, seconds=1000)  # no redraw falls due
    X, Y = recorder.test
    J = recorder.cost(recorder.model(X), Y)
    J.backward()
    recorder.step(J, X, Y)  # no `with`: not announced
    assert handles[0].updates == []
    events.callback(None)  # the cell has run
    assert handles[0].updates == [1]
    events.callback(None)  # a cell without training: no redraw, and the
    assert handles[0].updates == [1]  # view stops listening
    assert events.callback is None


def test_multilabel_page_says_its_colours_are_labels_added(needs_dot):
    X = np.random.default_rng(0).normal(size=(2, 12))
    Y = (X > 0).astype(float)
    net = tg.nn.Sequential(tg.nn.Linear(2, 3, rng=0), tg.nn.Tanh(),
                           tg.nn.Linear(3, 2, rng=1))
    cost = tg.nn.multilabel_bce_with_logits
    recorder = tg.Recorder(net, cost, every=1, grid=6)
    J = cost(net(X), Y)
    J.backward()
    recorder.step(J, X, Y)
    text = visualize.TrainingPage(recorder).html()
    assert "each label's colour, added in proportion to its probability" in text
    assert "mixed by its probability" not in text
    assert "not a classifier" not in text  # it has an accuracy


def test_page_of_a_recorder_switched_off_says_so():
    # before: it told the student to call recorder.step, which the loop did
    net = tg.nn.Sequential(tg.nn.Linear(2, 1, rng=0))
    recorder = tg.Recorder(net, tg.nn.mse)
    recorder.enabled = False
    X, Y = np.zeros((2, 3)), np.zeros((1, 3))
    for _ in range(3):
        J = tg.nn.mse(net(X), Y)
        J.backward()
        recorder.step(J, X, Y)
    text = visualize.TrainingPage(recorder).html()
    assert "recording is switched off (recorder.enabled is False)" in text
    assert "counted 3 training steps" in text and "Call recorder.step" not in text
