// Failures: failed and timed-out trials with their reasons and the tail of their stderr.
(function () {
  "use strict";
  const SO = window.SO;

  function render(root, data) {
    const sec = SO.section(root, "failures", "Failures", [
      data.notes.failures ? { text: data.notes.failures, sampled: true } : null,
      data.failures.length === 0 ? "No failed or timed-out trials." : null,
    ]);
    if (data.failures.length === 0) return;
    const head = ["trial", "state", "reason", "exit", "node", "job", "stderr (last lines)"];
    sec.appendChild(
      SO.el("div", { class: "table-wrap" }, [
        SO.el("table", { "data-role": "failures" }, [
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
            data.failures
              .slice()
              .reverse()
              .map((f) =>
                SO.el("tr", { "data-trial": String(f.trial) }, [
                  SO.el("td", { class: "num", text: String(f.trial) }),
                  SO.el("td", { class: `state-${f.state}`, text: f.state }),
                  SO.el("td", { text: f.reason || "" }),
                  SO.el("td", {
                    text: f.signal
                      ? `signal ${f.signal}`
                      : f.exitCode === null
                        ? ""
                        : String(f.exitCode),
                  }),
                  SO.el("td", { text: f.host || "" }),
                  SO.el("td", { text: f.jobId || "" }),
                  SO.el(
                    "td",
                    {},
                    f.stderrTail === null
                      ? SO.el("span", { class: "note", text: "not readable here" })
                      : SO.el("pre", { class: "stderr", text: f.stderrTail || "(empty)" }),
                  ),
                ]),
              ),
          ),
        ]),
      ]),
    );
  }

  SO.sections.push({ id: "failures", title: "Failures", render });
})();
