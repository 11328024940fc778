// Parallel coordinates of the parameters and the objectives (completed trials).
(function () {
  "use strict";
  const SO = window.SO;
  const MAX_LINES = 1000;

  function dimensionFor(p, values) {
    if (p.kind === "choice" || p.valueType === "string") {
      const levels = p.values.length > 0 ? p.values.map(String) : [...new Set(values.map(String))];
      return {
        label: p.name,
        values: values.map((v) => levels.indexOf(String(v))),
        tickvals: levels.map((_, i) => i),
        ticktext: levels,
        range: [0, Math.max(1, levels.length - 1)],
      };
    }
    if (p.log && values.every((v) => v > 0)) {
      return { label: `log10 ${p.name}`, values: values.map((v) => Math.log10(v)) };
    }
    return { label: p.name, values };
  }

  function render(root, data) {
    const o = data.objectives[0];
    const all = data.sample
      .map((pos) => data.trials[pos])
      .filter(
        (t) =>
          t.state === "COMPLETED" && data.objectives.every((ob) => SO.value(t, ob.name) !== null),
      );
    // Lines cost more than points: at most MAX_LINES, evenly spaced, the best trials kept.
    const best = new Set(data.best);
    const every = Math.ceil(all.length / MAX_LINES);
    const trials = all.filter((t, i) => i % every === 0 || best.has(t.index));
    const sec = SO.section(root, "parallel", "Parallel coordinates", [
      trials.length < all.length
        ? {
            text: `${data.trials.length} trials: ${trials.length} lines are drawn (evenly spaced among the completed trials, the best kept).`,
            sampled: true,
          }
        : SO.sampleNote(data),
      "Each line is a completed trial; drag along an axis to filter.",
    ]);
    if (trials.length === 0) {
      sec.appendChild(SO.el("p", { class: "note", text: "No completed trial yet." }));
      return;
    }
    const dims = SO.freeParameters(data).map((p) => {
      const k = SO.paramIndex(data, p.name);
      return dimensionFor(
        p,
        trials.map((t) => t.params[k]),
      );
    });
    for (const ob of data.objectives)
      dims.push({ label: ob.name, values: trials.map((t) => SO.value(t, ob.name)) });
    const color = trials.map((t) => SO.value(t, o.name));
    SO.plot(
      sec,
      "parallel",
      [
        {
          type: "parcoords",
          meta: "points",
          line: {
            color,
            colorscale: "Viridis",
            reversescale: o.goal === "max",
            showscale: true,
            colorbar: { title: { text: o.name } },
          },
          dimensions: dims,
        },
      ],
      { margin: { l: 70, r: 70, t: 50, b: 30 } },
    );
  }

  SO.sections.push({ id: "parallel", title: "Parallel coordinates", render });
})();
