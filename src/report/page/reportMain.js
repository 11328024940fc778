// Draws every section from the report data: embedded in the page (report.html), or fetched
// from the dashboard and redrawn when the campaign changes (live mode).
(function () {
  "use strict";
  const SO = window.SO;
  const state = {};

  function header(data) {
    const c = data.campaign;
    const head = document.getElementById("top");
    const parts = [
      SO.el("h1", { text: `slurmopt: ${c.name}` }),
      SO.el("span", {
        class: "meta",
        text: `${c.state} · ${data.trials.length} trials · data of ${SO.fmtTime(data.generatedAt)}`,
      }),
    ];
    if (SO.live)
      parts.push(
        SO.el("span", {
          class: "live",
          "data-role": "live",
          text: `live (updated ${SO.fmtTime(Date.now())})`,
        }),
      );
    head.replaceChildren(...parts);
    document.title = `slurmopt report: ${c.name}`;
  }

  /**
   * Draws every section, one per task (the page stays responsive while the heavier plots of a
   * large campaign are drawn); plots beyond the first screen wait until they are scrolled near
   * (SO.plot). body[data-ready] is set when every section is there, body[data-rendered] when
   * every plot is drawn too; the performance marks slurmopt-ready and slurmopt-rendered say
   * when. A newer render (live mode) makes an older one stop. Resolves when ready.
   */
  SO.render = function render(data) {
    const generation = (SO.generation = (SO.generation || 0) + 1);
    const main = document.getElementById("main");
    SO.forgetPending();
    for (const div of main.querySelectorAll(".js-plotly-plot")) Plotly.purge(div);
    main.replaceChildren();
    document.body.removeAttribute("data-ready");
    document.body.removeAttribute("data-rendered");
    header(data);
    const toc = document.getElementById("toc");
    toc.replaceChildren(
      ...SO.sections.map((s) => SO.el("a", { href: `#sec-${s.id}`, text: s.title })),
    );
    SO.timings = {};
    const queue = SO.sections.slice();
    return new Promise((resolve) => {
      function next() {
        if (generation !== SO.generation) return resolve(false);
        const s = queue.shift();
        if (!s) {
          document.body.setAttribute("data-ready", String(data.generatedAt));
          window.performance.mark("slurmopt-ready");
          SO.renderCount = (SO.renderCount || 0) + 1;
          SO.whenAllDrawn(() => {
            if (generation !== SO.generation) return;
            document.body.setAttribute("data-rendered", String(data.generatedAt));
            window.performance.mark("slurmopt-rendered");
          });
          return resolve(true);
        }
        const t0 = window.performance.now();
        try {
          s.render(main, data, state);
        } catch (e) {
          main.appendChild(
            SO.el("p", {
              class: "error-box",
              text: `The ${s.title} section could not be drawn: ${e && e.message}`,
            }),
          );
          window.setTimeout(() => {
            throw e;
          }, 0);
        }
        SO.timings[s.id] = Math.round(window.performance.now() - t0);
        window.setTimeout(next, 0);
      }
      next();
    });
  };

  function start() {
    const config = JSON.parse(document.getElementById("slurmopt-config").textContent);
    if (config.mode === "live") {
      SO.live = true;
      SO.startLive(config);
      return;
    }
    const data = JSON.parse(document.getElementById("slurmopt-data").textContent);
    SO.render(data);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
