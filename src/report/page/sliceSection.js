// Slice plots: each objective against each free parameter.
(function () {
  "use strict";
  const SO = window.SO;
  const COLUMNS = 3;

  function render(root, data) {
    const sec = SO.section(root, "slices", "Slice plots", [
      SO.sampleNote(data),
      "Each objective against each parameter, over all completed trials (the other parameters vary).",
    ]);
    const params = SO.freeParameters(data);
    if (params.length === 0) {
      sec.appendChild(SO.el("p", { class: "note", text: "No free parameter." }));
      return;
    }
    const nodes = SO.nodeNames(data);
    for (const o of data.objectives) {
      const trials = SO.sampledWithValue(data, o.name);
      const rows = Math.ceil(params.length / COLUMNS);
      const traces = [];
      const layout = {
        title: { text: `${o.name} against each parameter` },
        grid: { rows, columns: Math.min(COLUMNS, params.length), pattern: "independent" },
        height: Math.max(320, rows * 280),
        showlegend: false,
      };
      params.forEach((p, i) => {
        const k = SO.paramIndex(data, p.name);
        const axis = i === 0 ? "" : String(i + 1);
        traces.push({
          type: "scatter",
          mode: "markers",
          name: p.name,
          meta: "points",
          xaxis: `x${axis}`,
          yaxis: `y${axis}`,
          x: trials.map((t) => t.params[k]),
          y: trials.map((t) => SO.value(t, o.name)),
          text: trials.map((t) => `trial ${t.index} (${t.node})`),
          marker: { size: 5, opacity: 0.75, color: trials.map((t) => SO.colorFor(t.node, nodes)) },
        });
        const categorical = p.kind === "choice" || p.valueType === "string";
        layout[`xaxis${axis}`] = {
          title: { text: p.name },
          type: categorical ? "category" : p.log ? "log" : "linear",
        };
        layout[`yaxis${axis}`] = { title: { text: i % COLUMNS === 0 ? o.name : "" } };
      });
      SO.plot(sec, `slices-${o.name}`, traces, layout);
    }
  }

  SO.sections.push({ id: "slices", title: "Slice plots", render });
})();
