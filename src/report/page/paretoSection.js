// Several objectives: the Pareto front (2 or 3 objectives) with dominated trials greyed, and
// the hypervolume over trials.
(function () {
  "use strict";
  const SO = window.SO;

  function render(root, data) {
    const objs = data.objectives;
    if (objs.length < 2) {
      SO.section(
        root,
        "pareto",
        "Pareto front",
        "One objective: the optimization trace shows progress.",
      );
      return;
    }
    const p = data.pareto;
    const sec = SO.section(root, "pareto", "Pareto front", [
      SO.sampleNote(data),
      `Reference point for the hypervolume: ${p.reference.map(SO.fmtNum).join(", ")} (${p.referenceSource}).`,
    ]);
    const front = new Set(p.front);
    const byIndex = new Map(data.trials.map((t) => [t.index, t]));
    const usable = (t) =>
      t.state === "COMPLETED" && objs.every((o) => SO.value(t, o.name) !== null);
    const dominated = data.sample
      .map((pos) => data.trials[pos])
      .filter((t) => usable(t) && !front.has(t.index));
    const frontTrials = p.front.map((i) => byIndex.get(i)).filter(Boolean);
    const shown = objs.slice(0, 3);
    const coords = (ts, j) => ts.map((t) => SO.value(t, shown[j].name));
    const label = (ts) => ts.map((t) => `trial ${t.index}${t.feasible ? "" : " (infeasible)"}`);
    const row = SO.el("div", { class: "row" });
    sec.appendChild(row);
    if (shown.length === 2) {
      const sorted = frontTrials
        .slice()
        .sort((a, b) => SO.value(a, shown[0].name) - SO.value(b, shown[0].name));
      SO.plot(
        row,
        "pareto-front",
        [
          {
            type: "scatter",
            mode: "markers",
            name: "dominated",
            meta: "points",
            x: coords(dominated, 0),
            y: coords(dominated, 1),
            text: label(dominated),
            marker: { color: "#c3c8d2", size: 6 },
          },
          {
            type: "scatter",
            mode: "lines+markers",
            name: "Pareto-optimal",
            meta: "points",
            x: coords(sorted, 0),
            y: coords(sorted, 1),
            text: label(sorted),
            line: { shape: "hv", color: "#2b6cb0" },
            marker: { color: "#2b6cb0", size: 8 },
          },
        ],
        {
          title: {
            text: `Pareto front (${shown[0].name} ${shown[0].goal}, ${shown[1].name} ${shown[1].goal})`,
          },
          xaxis: { title: { text: shown[0].name } },
          yaxis: { title: { text: shown[1].name } },
        },
      );
    } else {
      if (objs.length > 3)
        sec.appendChild(
          SO.el("p", {
            class: "note",
            text: `The first three of ${objs.length} objectives are drawn.`,
          }),
        );
      SO.plot(
        row,
        "pareto-front",
        [
          {
            type: "scatter3d",
            mode: "markers",
            name: "dominated",
            meta: "points",
            x: coords(dominated, 0),
            y: coords(dominated, 1),
            z: coords(dominated, 2),
            text: label(dominated),
            marker: { color: "#c3c8d2", size: 3 },
          },
          {
            type: "scatter3d",
            mode: "markers",
            name: "Pareto-optimal",
            meta: "points",
            x: coords(frontTrials, 0),
            y: coords(frontTrials, 1),
            z: coords(frontTrials, 2),
            text: label(frontTrials),
            marker: { color: "#2b6cb0", size: 5 },
          },
        ],
        {
          title: { text: "Pareto front" },
          scene: {
            xaxis: { title: { text: shown[0].name } },
            yaxis: { title: { text: shown[1].name } },
            zaxis: { title: { text: shown[2].name } },
          },
          height: 520,
        },
      );
    }
    if (p.hypervolume) {
      SO.plot(
        row,
        "hypervolume",
        [
          {
            type: "scatter",
            mode: "lines",
            name: "hypervolume",
            meta: "line",
            x: p.hypervolume.trial,
            y: p.hypervolume.value,
            line: { shape: "hv", color: "#2f855a" },
          },
        ],
        {
          title: { text: "Hypervolume of the completed trials" },
          xaxis: { title: { text: "trial index" } },
          yaxis: { title: { text: "hypervolume" } },
          showlegend: false,
        },
      );
    } else {
      sec.appendChild(
        SO.el("p", {
          class: "note",
          text: "The hypervolume is computed for up to three objectives.",
        }),
      );
    }
  }

  SO.sections.push({ id: "pareto", title: "Pareto front", render });
})();
