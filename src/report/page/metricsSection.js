// Outcome constraints and tracking metrics: each against the trial index, constraint bounds
// drawn, infeasible trials marked.
(function () {
  "use strict";
  const SO = window.SO;

  function render(root, data) {
    const metrics = data.metrics.filter((m) => m.role !== "objective");
    const infeasible = data.trials.filter((t) => t.state === "COMPLETED" && !t.feasible).length;
    const sec = SO.section(root, "metrics", "Outcome constraints and tracking metrics", [
      metrics.length === 0
        ? "This campaign has no outcome constraints or tracking metrics, and its trials reported no other numbers."
        : SO.sampleNote(data),
      metrics.some((m) => m.role === "constraint")
        ? `${infeasible} completed trial(s) violate an outcome constraint (red); they count for neither the best trial nor the Pareto front.`
        : null,
    ]);
    if (metrics.length === 0) return;
    const row = SO.el("div", { class: "row" });
    sec.appendChild(row);
    for (const m of metrics) {
      const trials = SO.sampledWithValue(data, m.name);
      const traces = [
        {
          type: "scatter",
          mode: "markers",
          name: m.name,
          meta: "points",
          x: trials.map((t) => t.index),
          y: trials.map((t) => SO.value(t, m.name)),
          text: trials.map((t) => `trial ${t.index}${t.feasible ? "" : " (infeasible)"}`),
          marker: { size: 6, color: trials.map((t) => (t.feasible ? "#2b6cb0" : "#c53030")) },
        },
      ];
      const layout = {
        title: {
          text:
            m.role === "constraint"
              ? `${m.name} (constraint ${m.name} ${m.op} ${SO.fmtNum(m.bound)})`
              : `${m.name} (tracking)`,
        },
        xaxis: { title: { text: "trial index" } },
        yaxis: { title: { text: m.name } },
        showlegend: false,
      };
      if (m.role === "constraint") {
        layout.shapes = [
          {
            type: "line",
            xref: "paper",
            x0: 0,
            x1: 1,
            y0: m.bound,
            y1: m.bound,
            line: { color: "#c53030", dash: "dash" },
          },
        ];
      }
      SO.plot(row, `metric-${m.name}`, traces, layout, "small");
    }
  }

  SO.sections.push({ id: "metrics", title: "Constraints and metrics", render });
})();
