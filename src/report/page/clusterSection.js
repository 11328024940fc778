// The cluster view: a timeline of attempts (queued, then running, coloured by how they ended,
// with Slurm job id, node and exit reason), queue wait and run time distributions, retries.
(function () {
  "use strict";
  const SO = window.SO;
  const ORDER = [
    "COMPLETED",
    "EARLY_STOPPED",
    "FAILED",
    "TIMEOUT",
    "CANCELLED",
    "RETRIED",
    "RUNNING",
    "QUEUED",
  ];

  function describe(a) {
    const parts = [`trial ${a.trial} attempt ${a.attempt}: ${a.outcome}`];
    if (a.jobId) parts.push(`job ${a.jobId}`);
    if (a.host) parts.push(`node ${a.host}`);
    if (a.exitCode !== null) parts.push(`exit ${a.exitCode}`);
    if (a.reason) parts.push(a.reason.length > 160 ? `${a.reason.slice(0, 160)}...` : a.reason);
    return parts.join("<br>");
  }

  function timeline(data) {
    const now = data.generatedAt;
    const queued = {
      type: "scatter",
      mode: "lines",
      name: "queued",
      meta: "line",
      x: [],
      y: [],
      line: { color: "#cbd5e0", width: 2 },
      hoverinfo: "skip",
    };
    const running = {};
    const ends = {};
    for (const a of data.attempts) {
      const y = a.trial;
      const startQ = a.submit;
      const start = a.start;
      const end =
        a.end ?? (a.outcome === "RUNNING" || a.outcome === "QUEUED" ? now : (start ?? startQ));
      if (startQ !== null) {
        queued.x.push(new Date(startQ), new Date(start ?? end ?? now), null);
        queued.y.push(y, y, null);
      }
      const o = a.outcome;
      if (start !== null) {
        const r = (running[o] = running[o] || {
          type: "scatter",
          mode: "lines",
          name: `${o.toLowerCase()} (running)`,
          meta: "line",
          x: [],
          y: [],
          line: { color: SO.OUTCOME_COLORS[o] || "#4a5568", width: 4 },
          hoverinfo: "skip",
          showlegend: false,
        });
        r.x.push(new Date(start), new Date(end), null);
        r.y.push(y, y, null);
      }
      const e = (ends[o] = ends[o] || {
        type: "scatter",
        mode: "markers",
        name: o.toLowerCase(),
        meta: "points",
        x: [],
        y: [],
        text: [],
        hovertemplate: "%{text}<extra></extra>",
        marker: {
          color: SO.OUTCOME_COLORS[o] || "#4a5568",
          size: 7,
          symbol: o === "COMPLETED" ? "circle" : "x",
        },
      });
      const at = end ?? start ?? startQ ?? now;
      e.x.push(new Date(at));
      e.y.push(y);
      e.text.push(describe(a));
    }
    const traces = [queued];
    for (const o of ORDER) if (running[o]) traces.push(running[o]);
    for (const o of ORDER) if (ends[o]) traces.push(ends[o]);
    return traces;
  }

  function render(root, data) {
    const sec = SO.section(root, "cluster", "Cluster view", [
      data.notes.timeline ? { text: data.notes.timeline, sampled: true } : null,
      "Each attempt: grey while queued, then a bar while running, coloured by how it ended (x: failed, timed out, cancelled or retried). Hover for the job id, node and exit reason.",
    ]);
    if (data.attempts.length === 0) {
      sec.appendChild(SO.el("p", { class: "note", text: "No attempt yet." }));
      return;
    }
    SO.plot(sec, "timeline", timeline(data), {
      title: { text: "Attempts over time" },
      xaxis: { title: { text: "time (local)" }, type: "date" },
      yaxis: { title: { text: "trial index" } },
      height: Math.min(
        900,
        Math.max(360, 120 + 6 * new Set(data.attempts.map((a) => a.trial)).size),
      ),
    });
    const waits = data.durations.queueWaitS;
    const runs = data.durations.runTimeS;
    const retries = new Map();
    for (const t of data.trials) retries.set(t.attempts, (retries.get(t.attempts) || 0) + 1);
    const keys = [...retries.keys()].sort((a, b) => a - b);
    const row = SO.el("div", { class: "row" });
    sec.appendChild(row);
    SO.plot(
      row,
      "queue-wait",
      [
        {
          type: "histogram",
          meta: "points",
          x: waits,
          marker: { color: "#a0aec0" },
          name: "queue wait",
        },
      ],
      {
        title: { text: "Queue wait (s)" },
        xaxis: { title: { text: "seconds from submission to start" } },
        yaxis: { title: { text: "attempts" } },
        showlegend: false,
      },
      "small",
    );
    SO.plot(
      row,
      "run-time",
      [
        {
          type: "histogram",
          meta: "points",
          x: runs,
          marker: { color: "#2b6cb0" },
          name: "run time",
        },
      ],
      {
        title: { text: "Run time (s)" },
        xaxis: { title: { text: "seconds from start to end" } },
        yaxis: { title: { text: "attempts" } },
        showlegend: false,
      },
      "small",
    );
    SO.plot(
      row,
      "retries",
      [
        {
          type: "bar",
          meta: "points",
          x: keys.map(String),
          y: keys.map((k) => retries.get(k)),
          marker: { color: "#805ad5" },
          name: "trials",
        },
      ],
      {
        title: { text: "Attempts per trial (retries)" },
        xaxis: { title: { text: "attempts" }, type: "category" },
        yaxis: { title: { text: "trials" } },
        showlegend: false,
      },
      "small",
    );
  }

  SO.sections.push({ id: "cluster", title: "Cluster view", render });
})();
