// The step-through page's script (see page.py). It shows one frame of FRAMES
// at a time; page.py defines FRAMES just before it, one frame per node in the
// order backward visits them.
(function () {
  "use strict";
  var current = 0;
  var timer = null;
  // The frame at which backward first reaches each drawn box.
  var reached = {};
  FRAMES.forEach(function (frame, i) {
    if (!(frame.node in reached)) { reached[frame.node] = i; }
  });
  // Gradient text is the text drawn in the gradient colour, --grad; the
  // class "grad" lets the style sheet hide it (CSS cannot put var() in an
  // attribute selector such as text[fill="..."]).
  var grad = getComputedStyle(document.documentElement)
    .getPropertyValue("--grad").trim();
  document.querySelectorAll('#drawing text[fill="' + grad + '"]')
    .forEach(function (text) { text.classList.add("grad"); });
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
    var inView = [];
    boxes.forEach(function (box) {
      var first = reached[box.id];
      if (first === undefined) { return; }
      var source = frame.sources.indexOf(box.id) >= 0;
      box.classList.toggle("current", box.id === frame.node);
      box.classList.toggle("source", source);
      box.classList.toggle("pending", first > current);
      if (box.id === frame.node) { inView.unshift(box); }
      if (source) { inView.push(box); }
    });
    keepInView(inView);
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
    // The step in symbols (MathML made by SymPy), when page.py had SymPy.
    var maths = document.getElementById("frame-maths");
    maths.innerHTML = frame.maths || "";
    maths.hidden = !frame.maths;
    document.getElementById("counter").textContent =
      "step " + (current + 1) + " of " + FRAMES.length;
    document.body.dataset.step = String(current + 1);
    document.body.dataset.current = frame.label;
    if (location.hash !== "#step=" + (current + 1)) {
      try {
        history.replaceState(null, "", "#step=" + (current + 1));
      } catch (error) {
        // Embedded in a notebook (a sandboxed srcdoc frame): no URL to keep.
      }
    }
  }

  // Scroll the drawing, and only the drawing (never the notebook around an
  // embedded page), so that the current node and the nodes its gradient
  // comes from are all in view; when they do not fit, the current node is.
  function keepInView(elements) {
    if (elements.length === 0) { return; }
    var pane = document.getElementById("drawing");
    var frame = pane.getBoundingClientRect();
    var rects = elements.map(function (element) {
      var r = element.getBoundingClientRect();
      return {left: r.left - frame.left + pane.scrollLeft,
              right: r.right - frame.left + pane.scrollLeft,
              top: r.top - frame.top + pane.scrollTop,
              bottom: r.bottom - frame.top + pane.scrollTop};
    });
    var all = rects.reduce(function (a, b) {
      return {left: Math.min(a.left, b.left), right: Math.max(a.right, b.right),
              top: Math.min(a.top, b.top), bottom: Math.max(a.bottom, b.bottom)};
    });
    pane.scrollLeft = scrollFor(all.left, all.right, rects[0].left, rects[0].right,
                                pane.scrollLeft, pane.clientWidth);
    pane.scrollTop = scrollFor(all.top, all.bottom, rects[0].top, rects[0].bottom,
                               pane.scrollTop, pane.clientHeight);
  }

  // The scroll position, along one axis, that shows [start, end] with the
  // least movement, or, when it is longer than the view, the current node.
  function scrollFor(start, end, nodeStart, nodeEnd, scroll, size) {
    var margin = 12;
    if (end - start + 2 * margin > size) {
      start = nodeStart;
      end = Math.min(nodeEnd, nodeStart + size - 2 * margin);
    }
    if (start - margin < scroll) { return start - margin; }
    if (end + margin > scroll + size) { return end + margin - size; }
    return scroll;
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
    var match = /step=(\d+)/.exec(location.hash);
    return match ? parseInt(match[1], 10) - 1 : 0;
  }
  window.addEventListener("hashchange", function () { show(fromHash()); });
  show(fromHash());
})();
