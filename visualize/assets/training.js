// The training page's script (see training.py): RECORDS holds, for each
// recorded step, its numbers, health rows, warnings, the boundary image (a
// data URI) and the graph drawing (inline SVG); MARK_SHIFTS, how far the
// histograms' step mark moves for each. The slider and the play button
// choose which step is shown.
(function () {
  "use strict";
  const DELAY = 400;  // milliseconds per step while playing
  const slider = document.getElementById("slider");
  const play = document.getElementById("play");
  const last = RECORDS.length - 1;
  let index = Number(document.body.dataset.index);
  let timer = null;

  function show(i) {
    index = Math.max(0, Math.min(last, i));
    const record = RECORDS[index];
    slider.value = String(index);
    document.body.dataset.index = String(index);
    document.body.dataset.step = String(record.step);
    document.getElementById("counter").textContent =
      `step ${record.step} (record ${index + 1} of ${RECORDS.length})`;
    const numbers = document.getElementById("numbers");
    numbers.textContent = record.numbers;
    numbers.classList.toggle("bad", !record.finite);
    // The cost curves hold a mark for every step; only this one's shows.
    for (const mark of document.querySelectorAll('#curves g[id^="mark-"]')) {
      mark.classList.toggle("shown", mark.id.startsWith(`mark-${index}-`));
    }
    const boundary = document.getElementById("boundary");
    if (boundary && record.boundary) boundary.src = record.boundary;
    // One mark per histogram panel, moved to this step's column.
    for (const mark of document.querySelectorAll('#histograms g[id^="hist-mark-"]')) {
      mark.setAttribute("transform", `translate(${MARK_SHIFTS[index]} 0)`);
    }
    showHealth(record);
    document.getElementById("graph").innerHTML = record.graph;
  }

  function showHealth(record) {
    const body = document.querySelector("#health tbody");
    body.replaceChildren(...record.layers.map((cells) => {
      const row = document.createElement("tr");
      const warned = record.warnings.some((w) => w.startsWith(cells[0] + ":"));
      row.classList.toggle("warned", warned);
      for (const text of cells) {
        const cell = document.createElement("td");
        cell.textContent = text;
        row.append(cell);
      }
      return row;
    }));
    const list = document.getElementById("warnings");
    const items = record.warnings.length ? record.warnings :
      ["No warnings: the gradient reaches every layer, the steps are " +
       "moderate and the units are alive."];
    list.classList.toggle("healthy", record.warnings.length === 0);
    list.replaceChildren(...items.map((text) => {
      const item = document.createElement("li");
      item.textContent = text;
      return item;
    }));
  }

  function stop() {
    clearInterval(timer);
    timer = null;
    play.innerHTML = "&#9654; play";
    document.body.classList.remove("playing");
  }

  function start() {
    if (index >= last) show(0);
    play.innerHTML = "&#10074;&#10074; pause";
    document.body.classList.add("playing");
    timer = setInterval(() => {
      if (index >= last) stop(); else show(index + 1);
    }, DELAY);
  }

  slider.addEventListener("input", () => { stop(); show(Number(slider.value)); });
  play.addEventListener("click", () => (timer === null ? start() : stop()));

  // Inline in a notebook the page sits in an iframe: make it as tall as the
  // page, so that the notebook scrolls and the frame does not.
  try {
    const frame = window.frameElement;
    if (frame) {
      const fit = () => {
        frame.style.height = document.documentElement.scrollHeight + 4 + "px";
      };
      new ResizeObserver(fit).observe(document.body);
    }
  } catch (error) {
    // another origin's page: keep the frame's own height
  }
  show(index);
})();
