// Model view: the GP's mean and uncertainty over the two most important parameters, and
// parameter importance from the fitted lengthscales.
(function () {
  "use strict";
  const SO = window.SO;

  function render(root, data) {
    const m = data.model;
    const notes = [
      m ? null : data.modelNote,
      data.notes.model ? { text: data.notes.model, sampled: true } : null,
    ];
    const sec = SO.section(root, "model", "Model view (GP)", notes);
    if (!m) return;
    const c = m.contour;
    if (c) {
      const held = Object.entries(c.heldAt)
        .map(([k, v]) => `${k}=${SO.fmtNum(v)}`)
        .join(", ");
      sec.appendChild(
        SO.el("p", {
          class: "note",
          text: `GP posterior of ${m.objective} over ${c.xParam} and ${c.yParam}${held ? `, the other parameters at the best trial's values (${held})` : ""}; dots are completed trials.`,
        }),
      );
      const xi = SO.paramIndex(data, c.xParam);
      const yi = SO.paramIndex(data, c.yParam);
      const withValue = SO.sampledWithValue(data, m.objective);
      const every = Math.ceil(withValue.length / 500);
      const observed = withValue.filter((_, i) => i % every === 0);
      const axes = {
        xaxis: { title: { text: c.xParam }, type: c.xLog ? "log" : "linear" },
        yaxis: { title: { text: c.yParam }, type: c.yLog ? "log" : "linear" },
      };
      const dots = {
        type: "scatter",
        mode: "markers",
        name: "trials",
        meta: "overlay",
        x: observed.map((t) => t.params[xi]),
        y: observed.map((t) => t.params[yi]),
        marker: { size: 4, color: "white", line: { color: "black", width: 1 } },
        showlegend: false,
      };
      const row = SO.el("div", { class: "row" });
      sec.appendChild(row);
      SO.plot(
        row,
        "model-mean",
        [
          {
            type: "contour",
            meta: "grid",
            x: c.x,
            y: c.y,
            z: c.mean,
            colorscale: "Viridis",
            reversescale: data.objectives[0].goal === "max",
            colorbar: { title: { text: "mean" } },
          },
          dots,
        ],
        Object.assign({ title: { text: `GP mean of ${m.objective}` } }, axes),
      );
      SO.plot(
        row,
        "model-sd",
        [
          {
            type: "contour",
            meta: "grid",
            x: c.x,
            y: c.y,
            z: c.sd,
            colorscale: "Greys",
            colorbar: { title: { text: "sd" } },
          },
          dots,
        ],
        Object.assign({ title: { text: "GP standard deviation" } }, axes),
      );
    } else {
      sec.appendChild(
        SO.el("p", {
          class: "note",
          text: "Fewer than two numeric parameters: no contour, importance only.",
        }),
      );
    }
    const imp = m.importance.slice().reverse();
    SO.plot(
      sec,
      "model-importance",
      [
        {
          type: "bar",
          orientation: "h",
          meta: "points",
          x: imp.map((e) => e.value),
          y: imp.map((e) => e.name),
          marker: { color: "#2b6cb0" },
        },
      ],
      {
        title: {
          text: `Parameter importance (inverse fitted lengthscales; GP on ${m.fittedOn} of ${m.completed} completed trials)`,
        },
        xaxis: { title: { text: "share" } },
        height: Math.max(240, 60 + 28 * imp.length),
        margin: { l: 120, r: 20, t: 40, b: 40 },
      },
      "small",
    );
  }

  SO.sections.push({ id: "model", title: "Model view", render });
})();
