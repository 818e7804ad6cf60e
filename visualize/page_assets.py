"""The style sheet and script of the step-through page (see ``page.py``).

The script finds a node's gradient text by its colour (``GRAD_COLOR``, set
in ``kinds.py``) and hides it until backward has reached that node.
"""

STYLE = """
body { font-family: Helvetica, Arial, sans-serif; margin: 0; color: #222; }
header { padding: 0.6em 1em; border-bottom: 1px solid #ddd; background: #fafafa; }
h1 { font-size: 1.2em; margin: 0 0 0.4em 0; }
.controls button { font-size: 1em; padding: 0.25em 0.8em; margin-right: 0.3em; }
#counter { margin-left: 0.8em; font-weight: bold; }
.hint { margin-left: 0.8em; color: #777; font-size: 0.9em; }
main { display: flex; align-items: flex-start; gap: 1em; padding: 1em; }
#drawing { flex: 1 1 auto; min-width: 0; overflow: auto;
  max-height: calc(100vh - 7em); }
/* The drawing keeps its natural size (readable) and scrolls to the node
   being processed; "fit" shrinks it to the width of the page instead. */
#drawing.fit svg { max-width: 100%; height: auto; }
aside { flex: 0 0 30em; }
#frame-title { font-size: 1.05em; margin-top: 0; }
#frame-text { background: #fff8f0; border: 1px solid #f0c8a0; padding: 0.7em;
  white-space: pre-wrap; font-size: 0.95em; line-height: 1.35; }
#frame-list { font-size: 0.85em; color: #555; padding-left: 1.6em; }
#frame-list li { cursor: pointer; }
#frame-list li.current { color: #c0560b; font-weight: bold; }
g.node.pending text[fill="GRAD_COLOR"] { visibility: hidden; }
g.node.current path, g.node.current polygon {
  stroke: #e67e22; stroke-width: 4px; }
g.node.current { filter: drop-shadow(0 0 5px #e67e22); }
g.edge.flow > path { stroke: #e67e22; stroke-width: 3px; }
g.edge.flow > polygon { stroke: #e67e22; fill: #e67e22; }
"""

SCRIPT = """
(function () {
  "use strict";
  var current = 0;
  var timer = null;
  // The frame at which backward first reaches each drawn box.
  var reached = {};
  FRAMES.forEach(function (frame, i) {
    if (!(frame.node in reached)) { reached[frame.node] = i; }
  });
  var boxes = document.querySelectorAll("#drawing g.node");
  var edges = document.querySelectorAll("#drawing g.edge");
  var list = document.getElementById("frame-list");
  FRAMES.forEach(function (frame, i) {
    var item = document.createElement("li");
    item.textContent = frame.equation;
    item.addEventListener("click", function () { stop(); show(i); });
    list.appendChild(item);
  });

  function show(i) {
    current = Math.max(0, Math.min(FRAMES.length - 1, i));
    var frame = FRAMES[current];
    boxes.forEach(function (box) {
      var first = reached[box.id];
      if (first === undefined) { return; }
      box.classList.toggle("current", box.id === frame.node);
      box.classList.toggle("pending", first > current);
      if (box.id === frame.node && box.scrollIntoView) {
        box.scrollIntoView({block: "nearest", inline: "nearest"});
      }
    });
    // The edges out of this node carry the contributions just summed.
    edges.forEach(function (edge) {
      var title = edge.querySelector("title").textContent;
      edge.classList.toggle("flow", title.split("->")[0] === frame.node);
    });
    list.querySelectorAll("li").forEach(function (item, k) {
      item.classList.toggle("current", k === current);
    });
    document.getElementById("frame-title").textContent =
      "Step " + (current + 1) + ": " + frame.equation;
    document.getElementById("frame-text").textContent = frame.text;
    document.getElementById("counter").textContent =
      "step " + (current + 1) + " of " + FRAMES.length;
    document.body.dataset.step = String(current + 1);
    document.body.dataset.current = frame.label;
    if (location.hash !== "#step=" + (current + 1)) {
      history.replaceState(null, "", "#step=" + (current + 1));
    }
  }

  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    document.getElementById("play").innerHTML = "&#9654; play";
  }

  function play() {
    if (timer !== null) { stop(); return; }
    if (current === FRAMES.length - 1) { show(0); }
    document.getElementById("play").innerHTML = "&#10074;&#10074; pause";
    timer = setInterval(function () {
      if (current === FRAMES.length - 1) { stop(); } else { show(current + 1); }
    }, 1200);
  }

  document.getElementById("next").addEventListener("click", function () {
    stop(); show(current + 1);
  });
  document.getElementById("prev").addEventListener("click", function () {
    stop(); show(current - 1);
  });
  document.getElementById("play").addEventListener("click", play);
  document.getElementById("fit").addEventListener("click", function () {
    document.getElementById("drawing").classList.toggle("fit");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "ArrowRight" || event.key === "ArrowDown") {
      stop(); show(current + 1); event.preventDefault();
    } else if (event.key === "ArrowLeft" || event.key === "ArrowUp") {
      stop(); show(current - 1); event.preventDefault();
    } else if (event.key === " ") {
      play(); event.preventDefault();
    } else if (event.key === "Home") {
      stop(); show(0);
    } else if (event.key === "End") {
      stop(); show(FRAMES.length - 1);
    }
  });

  function fromHash() {
    var match = /step=(\\d+)/.exec(location.hash);
    return match ? parseInt(match[1], 10) - 1 : 0;
  }
  window.addEventListener("hashchange", function () { show(fromHash()); });
  show(fromHash());
})();
"""
