// All trials as a sortable table (click a heading), filtered by state, one page at a time.
(function () {
  "use strict";
  const SO = window.SO;
  const PAGE = 100;

  function columns(data) {
    const cols = [
      { name: "trial", get: (t) => t.index, num: true },
      { name: "state", get: (t) => t.state },
      { name: "node", get: (t) => t.node },
    ];
    for (const m of data.metrics)
      cols.push({ name: m.name, get: (t) => SO.value(t, m.name), num: true });
    data.parameters.forEach((p, k) =>
      cols.push({
        name: p.name,
        get: (t) => t.params[k],
        num: p.valueType !== "string",
        inactive: p.conditional,
      }),
    );
    cols.push({
      name: "run time (s)",
      get: (t) => (t.start !== null && t.end !== null ? (t.end - t.start) / 1000 : null),
      num: true,
    });
    cols.push({ name: "attempts", get: (t) => t.attempts, num: true });
    cols.push({ name: "host", get: (t) => t.host });
    cols.push({ name: "reason", get: (t) => t.reason });
    return cols;
  }

  function render(root, data, state) {
    const sec = SO.section(root, "trials", `All trials (${data.trials.length})`, [
      data.trials.length > PAGE
        ? `Shown ${PAGE} at a time; sorting and the state filter apply to all ${data.trials.length}.`
        : null,
    ]);
    const cols = columns(data);
    const view = (state.trialsView = state.trialsView || {
      sort: 0,
      desc: false,
      page: 0,
      filter: "",
    });
    const filter = SO.el("select", { "data-role": "state-filter" }, [
      SO.el("option", { value: "", text: "all states" }),
      ...[
        "COMPLETED",
        "EARLY_STOPPED",
        "FAILED",
        "TIMEOUT",
        "CANCELLED",
        "RUNNING",
        "SUBMITTED",
        "PROPOSED",
      ].map((s) => SO.el("option", { value: s, text: s.toLowerCase() })),
    ]);
    filter.value = view.filter;
    const pager = SO.el("div", { class: "pager" });
    const table = SO.el("table", { "data-role": "trials" });
    const wrap = SO.el("div", { class: "table-wrap" }, table);
    sec.appendChild(SO.el("div", { class: "pager" }, [SO.el("label", { text: "show " }), filter]));
    sec.appendChild(pager);
    sec.appendChild(wrap);

    function draw() {
      const col = cols[view.sort];
      const rows = data.trials.filter((t) => !view.filter || t.state === view.filter);
      const dir = view.desc ? -1 : 1;
      rows.sort((a, b) => {
        const x = col.get(a);
        const y = col.get(b);
        if (x === y) return a.index - b.index;
        if (x === null || x === undefined) return 1;
        if (y === null || y === undefined) return -1;
        return (
          (typeof x === "number" && typeof y === "number"
            ? x - y
            : String(x).localeCompare(String(y))) * dir
        );
      });
      const pages = Math.max(1, Math.ceil(rows.length / PAGE));
      view.page = Math.min(view.page, pages - 1);
      const shown = rows.slice(view.page * PAGE, (view.page + 1) * PAGE);
      table.replaceChildren(
        SO.el(
          "thead",
          {},
          SO.el(
            "tr",
            {},
            cols.map((c, i) =>
              SO.el("th", {
                class: `sortable${i === view.sort ? (view.desc ? " sorted-desc" : " sorted-asc") : ""}`,
                "data-col": c.name,
                text: c.name,
                onclick: () => {
                  if (view.sort === i) view.desc = !view.desc;
                  else {
                    view.sort = i;
                    view.desc = false;
                  }
                  draw();
                },
              }),
            ),
          ),
        ),
        SO.el(
          "tbody",
          {},
          shown.map((t) =>
            SO.el(
              "tr",
              { "data-trial": String(t.index) },
              cols.map((c) => {
                const v = c.get(t);
                if (c.inactive && (v === null || v === undefined))
                  return SO.el("td", { class: "inactive", text: "inactive" });
                return SO.el("td", {
                  class: c.name === "state" ? `state-${v}` : c.num ? "num" : null,
                  text: c.num ? SO.fmtNum(v) : v === null || v === undefined ? "" : String(v),
                });
              }),
            ),
          ),
        ),
      );
      pager.replaceChildren(
        SO.el("button", {
          type: "button",
          disabled: view.page === 0,
          onclick: () => {
            view.page--;
            draw();
          },
          text: "previous",
        }),
        SO.el("span", {
          "data-role": "page",
          text: `page ${view.page + 1} of ${pages} (${rows.length} trials)`,
        }),
        SO.el("button", {
          type: "button",
          disabled: view.page >= pages - 1,
          onclick: () => {
            view.page++;
            draw();
          },
          text: "next",
        }),
      );
    }
    filter.addEventListener("change", () => {
      view.filter = filter.value;
      view.page = 0;
      draw();
    });
    draw();
  }

  SO.sections.push({ id: "trials", title: "All trials", render });
})();
