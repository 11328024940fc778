// Optimization trace: each trial's value and the best so far, against trial index and against
// wall time, coloured by generation node.
(function () {
  "use strict";
  const SO = window.SO;

  function pointTraces(data, trials, objective, xOf) {
    const nodes = SO.nodeNames(data);
    return nodes
      .map((node) => {
        const ts = trials.filter((t) => t.node === node);
        return {
          type: "scatter",
          mode: "markers",
          name: node,
          meta: "points",
          x: ts.map(xOf),
          y: ts.map((t) => SO.value(t, objective.name)),
          text: ts.map((t) => `trial ${t.index}`),
          marker: { color: SO.colorFor(node, nodes), size: 6, opacity: 0.8 },
        };
      })
      .filter((tr) => tr.x.length > 0);
  }

  /**
   * The best value so far over all completed feasible trials (not only the sampled ones); with
   * budgets over those at the max budget only, as the best trial is chosen.
   */
  function bestSoFar(data, objective, xOf, order) {
    const sign = objective.goal === "max" ? -1 : 1;
    const xs = [];
    const ys = [];
    let best = Infinity;
    for (const t of order) {
      const v = SO.value(t, objective.name);
      if (t.state !== "COMPLETED" || !t.feasible || t.belowMaxBudget || v === null) continue;
      if (sign * v < best) {
        best = sign * v;
        xs.push(xOf(t));
        ys.push(v);
      }
    }
    if (xs.length > 0) {
      const last = order[order.length - 1];
      xs.push(xOf(last) ?? xs[xs.length - 1]);
      ys.push(ys[ys.length - 1]);
    }
    return {
      type: "scatter",
      mode: "lines",
      name: "best so far",
      meta: "line",
      line: { shape: "hv", color: "#1a202c", width: 2 },
      x: xs,
      y: ys,
    };
  }

  function render(root, data) {
    const sec = SO.section(root, "trace", "Optimization trace", [
      SO.sampleNote(data),
      data.objectives.length > 1
        ? "Several objectives: each is drawn on its own; the hypervolume below measures progress."
        : null,
    ]);
    const row = SO.el("div", { class: "row" });
    sec.appendChild(row);
    for (const o of data.objectives) {
      const trials = SO.sampledWithValue(data, o.name);
      const byIndex = (t) => t.index;
      const traces = pointTraces(data, trials, o, byIndex);
      if (data.objectives.length === 1) traces.push(bestSoFar(data, o, byIndex, data.trials));
      SO.plot(row, `trace-index-${o.name}`, traces, {
        title: { text: `${o.name} (${o.goal}) by trial` },
        xaxis: { title: { text: "trial index" } },
        yaxis: { title: { text: o.name } },
      });
      if (data.objectives.length === 1) {
        const byTime = (t) => (t.end === null ? null : new Date(t.end));
        const ended = data.trials
          .filter((t) => t.end !== null)
          .slice()
          .sort((a, b) => a.end - b.end);
        const timeTraces = pointTraces(data, trials, o, byTime);
        timeTraces.push(bestSoFar(data, o, byTime, ended));
        SO.plot(row, `trace-time-${o.name}`, timeTraces, {
          title: { text: `${o.name} over wall time` },
          xaxis: { title: { text: "trial end (local time)" }, type: "date" },
          yaxis: { title: { text: o.name } },
        });
      }
    }
  }

  SO.sections.push({ id: "trace", title: "Optimization trace", render });
})();
