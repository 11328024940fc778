// The report page's shared helpers: element building, number and time formats, colours, and
// the section frame every view draws into. Plain browser JavaScript (inlined into the page).
(function () {
  "use strict";
  const SO = (window.SO = window.SO || { sections: [] });

  SO.el = function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") node.textContent = String(v);
      else if (k === "class") node.className = v;
      else if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of [].concat(children || [])) {
      if (c === null || c === undefined || c === false) continue;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return node;
  };

  SO.fmtNum = function fmtNum(v) {
    if (v === null || v === undefined || Number.isNaN(v)) return "";
    if (typeof v !== "number") return String(v);
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(4);
    return String(Number(v.toPrecision(6)));
  };

  SO.fmtDuration = function fmtDuration(ms) {
    if (ms === null || ms === undefined) return "";
    const s = ms / 1000;
    if (s < 60) return `${s.toFixed(1)} s`;
    const m = s / 60;
    if (m < 60) return `${Math.floor(m)} min ${Math.round(s % 60)} s`;
    const h = m / 60;
    if (h < 48) return `${Math.floor(h)} h ${Math.round(m % 60)} min`;
    return `${(h / 24).toFixed(1)} days`;
  };

  SO.fmtTime = function fmtTime(ms) {
    if (ms === null || ms === undefined) return "";
    const d = new Date(ms);
    const pad = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  };

  const PALETTE = [
    "#2b6cb0",
    "#dd6b20",
    "#2f855a",
    "#805ad5",
    "#d53f8c",
    "#319795",
    "#b7791f",
    "#4a5568",
  ];
  SO.colorFor = function colorFor(key, keys) {
    const i = keys.indexOf(key);
    return PALETTE[(i < 0 ? 0 : i) % PALETTE.length];
  };
  SO.OUTCOME_COLORS = {
    COMPLETED: "#2f855a",
    EARLY_STOPPED: "#68a085",
    FAILED: "#c53030",
    TIMEOUT: "#dd6b20",
    CANCELLED: "#b7791f",
    RETRIED: "#805ad5",
    RUNNING: "#2b6cb0",
    QUEUED: "#a0aec0",
  };

  /** A trial's value of an objective or metric, or null. */
  SO.value = function value(trial, name) {
    const v = trial.results ? trial.results[name] : undefined;
    return typeof v === "number" && Number.isFinite(v) ? v : null;
  };

  /** The sampled trials (positions chosen by the report builder) that completed with a value. */
  SO.sampledWithValue = function sampledWithValue(data, name) {
    const out = [];
    for (const pos of data.sample) {
      const t = data.trials[pos];
      if (t.state === "COMPLETED" && SO.value(t, name) !== null) out.push(t);
    }
    return out;
  };

  SO.nodeNames = function nodeNames(data) {
    return data.nodes.map((n) => n.node).filter((n, i, a) => a.indexOf(n) === i);
  };

  /** Creates (or empties) the section's frame: heading, notes, and a body to draw into. */
  SO.section = function section(root, id, title, notes) {
    // elementtiming: the browser records when each heading is first shown (bench:report).
    const sec = SO.el("section", { id: `sec-${id}`, class: "report-section", "data-section": id }, [
      SO.el("h2", { text: title, elementtiming: `section-${id}` }),
    ]);
    for (const n of [].concat(notes || [])) {
      if (n)
        sec.appendChild(
          SO.el("p", { class: `note${n.sampled ? " sampled" : ""}`, text: n.text || n }),
        );
    }
    root.appendChild(sec);
    return sec;
  };

  SO.PLOT_CONFIG = { displaylogo: false, responsive: true };

  /**
   * Plots beyond the first screen are drawn when they come near the viewport, so a large
   * campaign's page answers as soon as its first screen is drawn (a WebGL plot such as the
   * parallel coordinates takes seconds to set up without a GPU). Each waits in `pending` with
   * its drawing function; SO.drawPending() draws them all at once (before printing, and for
   * tools that need every plot); SO.whenAllDrawn(f) runs f once none waits.
   */
  const NEAR_PX = 200;
  const pending = new Map();
  let waiters = [];
  const near = [];
  const observer =
    typeof IntersectionObserver === "function"
      ? new IntersectionObserver(
          (entries) => {
            for (const e of entries)
              if (e.isIntersecting && !near.includes(e.target)) near.push(e.target);
            window.setTimeout(drawNear, 0);
          },
          { rootMargin: `${NEAR_PX}px 0px` },
        )
      : null;

  function notifyIfAllDrawn() {
    if (pending.size > 0) return;
    const ws = waiters.slice();
    waiters = [];
    for (const w of ws) w();
  }

  function drawOne(div) {
    const draw = pending.get(div);
    if (!draw) return;
    pending.delete(div);
    if (observer) observer.unobserve(div);
    const t0 = window.performance.now();
    draw();
    const sec = div.closest("[data-section]");
    const key = `${sec ? sec.getAttribute("data-section") : "plot"} (later)`;
    SO.timings[key] = (SO.timings[key] || 0) + Math.round(window.performance.now() - t0);
  }

  /** Draws one plot that came near the viewport per task (the page answers in between). */
  function drawNear() {
    const div = near.shift();
    if (!div) return;
    drawOne(div);
    if (near.length > 0) window.setTimeout(drawNear, 0);
    notifyIfAllDrawn();
  }

  /**
   * Draws every plot that waits, one per task as scrolling would; with { now: true } all at
   * once, before this returns (printing: the page is printed right after "beforeprint").
   */
  SO.drawPending = function drawPending(options) {
    if (options && options.now) {
      near.length = 0;
      for (const div of [...pending.keys()]) drawOne(div);
      notifyIfAllDrawn();
      return;
    }
    for (const div of pending.keys()) if (!near.includes(div)) near.push(div);
    window.setTimeout(drawNear, 0);
  };

  SO.whenAllDrawn = function whenAllDrawn(f) {
    waiters.push(f);
    notifyIfAllDrawn();
  };

  /** Forgets the plots of a page that is being redrawn (live mode). */
  SO.forgetPending = function forgetPending() {
    if (observer) observer.disconnect();
    pending.clear();
    near.length = 0;
    waiters = [];
  };

  window.addEventListener("beforeprint", () => SO.drawPending({ now: true }));

  /**
   * Draws a Plotly figure into a new div of the section, now if the div is near the viewport,
   * else when it comes near; returns the div.
   */
  SO.plot = function plot(parent, name, traces, layout, cls) {
    const div = SO.el("div", { class: `plot${cls ? ` ${cls}` : ""}`, "data-plot": name });
    parent.appendChild(div);
    const base = {
      margin: { l: 60, r: 20, t: 36, b: 48 },
      font: { family: "system-ui, sans-serif", size: 12 },
      legend: { orientation: "h", y: -0.2 },
      hovermode: "closest",
    };
    const full = Object.assign(base, layout);
    const draw = () => {
      div.style.minHeight = "";
      div.removeAttribute("data-pending");
      Plotly.newPlot(div, traces, full, SO.PLOT_CONFIG);
    };
    const box = div.getBoundingClientRect();
    if (!observer || (box.bottom > -NEAR_PX && box.top < window.innerHeight + NEAR_PX)) {
      draw();
      return div;
    }
    // Plotly's default height while waiting, so the page below does not move when it is drawn.
    div.style.minHeight = `${full.height || 450}px`;
    div.setAttribute("data-pending", "");
    pending.set(div, draw);
    observer.observe(div);
    return div;
  };

  SO.paramIndex = function paramIndex(data, name) {
    return data.parameters.findIndex((p) => p.name === name);
  };

  /** Free parameters (not fixed). */
  SO.freeParameters = function freeParameters(data) {
    return data.parameters.filter((p) => p.kind !== "fixed");
  };

  SO.sampleNote = function sampleNote(data) {
    return data.notes.sample ? { text: data.notes.sample, sampled: true } : null;
  };
})();
