// Summary: campaign, state, counts per state, best trial(s) with parameters, wall time, run
// time used, the strategy and which node produced what.
(function () {
  "use strict";
  const SO = window.SO;
  const STATES = [
    "COMPLETED",
    "EARLY_STOPPED",
    "FAILED",
    "TIMEOUT",
    "CANCELLED",
    "RUNNING",
    "SUBMITTED",
    "PROPOSED",
  ];

  function render(root, data) {
    const c = data.campaign;
    const sec = SO.section(root, "summary", "Summary");
    const total = data.trials.length;
    const facts = [
      ["campaign", `${c.name} (${c.uid})`],
      ["folder", c.dir],
      ["state", c.stopReason ? `${c.state} (${c.stopReason})` : c.state],
      ["trials", `${total} of ${c.maxEval} (parallelism ${c.parallelism}, executor ${c.executor})`],
      ["wall time", SO.fmtDuration(data.wallTimeMs)],
      [
        c.executor === "local" ? "run time used" : "Slurm time used",
        `${SO.fmtDuration(data.runTimeMs)} (sum of all attempts' run times)`,
      ],
      ["strategy", c.strategy],
      ["objectives", data.objectives.map((o) => `${o.name} (${o.goal})`).join(", ")],
      ["seed", String(c.seed)],
      ["started", SO.fmtTime(c.createdAt)],
      ["report made", SO.fmtTime(data.generatedAt)],
    ];
    sec.appendChild(
      SO.el(
        "dl",
        { class: "facts" },
        facts.flatMap(([k, v]) => [SO.el("dt", { text: k }), SO.el("dd", { text: v })]),
      ),
    );
    sec.appendChild(
      SO.el(
        "div",
        { class: "counts", "data-role": "counts" },
        STATES.map((s) =>
          SO.el("span", {
            class: `badge state-${s}`,
            "data-state": s,
            text: `${s.toLowerCase()}: ${data.counts[s]}`,
          }),
        ),
      ),
    );
    const byIndex = new Map(data.trials.map((t) => [t.index, t]));
    const best = data.best.map((i) => byIndex.get(i)).filter(Boolean);
    const single = data.objectives.length === 1;
    sec.appendChild(
      SO.el("h3", {
        text: single ? "Best trial" : `Pareto-optimal trials (${best.length})`,
      }),
    );
    if (best.length === 0)
      sec.appendChild(SO.el("p", { class: "note", text: "No completed trial yet." }));
    else {
      const shown = best.slice(0, 50);
      const head = [
        "trial",
        ...data.objectives.map((o) => o.name),
        ...data.parameters.map((p) => p.name),
        "node",
      ];
      sec.appendChild(
        SO.el("div", { class: "table-wrap" }, [
          SO.el("table", { "data-role": "best" }, [
            SO.el(
              "thead",
              {},
              SO.el(
                "tr",
                {},
                head.map((h) => SO.el("th", { text: h })),
              ),
            ),
            SO.el(
              "tbody",
              {},
              shown.map((t) =>
                SO.el("tr", {}, [
                  SO.el("td", { class: "num", text: String(t.index) }),
                  ...data.objectives.map((o) =>
                    SO.el("td", { class: "num", text: SO.fmtNum(SO.value(t, o.name)) }),
                  ),
                  ...t.params.map((v) => SO.el("td", { text: SO.fmtNum(v) })),
                  SO.el("td", { text: t.node }),
                ]),
              ),
            ),
          ]),
        ]),
      );
      if (shown.length < best.length)
        sec.appendChild(
          SO.el("p", { class: "note", text: `The first 50 of ${best.length} are listed.` }),
        );
    }
    sec.appendChild(SO.el("h3", { text: "Generation nodes" }));
    sec.appendChild(
      SO.el("table", { "data-role": "nodes" }, [
        SO.el(
          "thead",
          {},
          SO.el(
            "tr",
            {},
            ["node", "generator", "trials", "completed", "failed", "mean proposal time"].map((h) =>
              SO.el("th", { text: h }),
            ),
          ),
        ),
        SO.el(
          "tbody",
          {},
          data.nodes.map((n) =>
            SO.el("tr", {}, [
              SO.el("td", { text: n.node }),
              SO.el("td", { text: n.generator }),
              SO.el("td", { class: "num", text: String(n.trials) }),
              SO.el("td", { class: "num", text: String(n.completed) }),
              SO.el("td", { class: "num", text: String(n.failed) }),
              SO.el("td", {
                class: "num",
                text: n.meanGenerationMs === null ? "" : `${n.meanGenerationMs.toFixed(1)} ms`,
              }),
            ]),
          ),
        ),
      ]),
    );
    for (const [k, v] of Object.entries(data.notes)) {
      if (k === "sample" || k === "timeline" || k === "failures" || k === "model") continue;
      sec.appendChild(SO.el("p", { class: "note", text: v }));
    }
  }

  SO.sections.push({ id: "summary", title: "Summary", render });
})();
