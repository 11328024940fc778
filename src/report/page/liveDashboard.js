// Live mode (slurmopt serve): the campaign list, the chosen campaign's data from the server,
// and a redraw whenever the server's event stream says that campaign changed. The access token
// comes from the page's own URL and goes with every request.
(function () {
  "use strict";
  const SO = window.SO;

  function api(path, token) {
    return `${path}${path.includes("?") ? "&" : "?"}token=${encodeURIComponent(token)}`;
  }

  SO.startLive = function startLive() {
    const params = new URLSearchParams(window.location.search);
    const token = params.get("token") || "";
    let current = params.get("campaign");
    const nav = document.getElementById("campaigns");

    async function loadList() {
      const res = await fetch(api("/api/campaigns", token));
      if (!res.ok) throw new Error(`campaign list: HTTP ${res.status}`);
      const list = await res.json();
      if (current === null && list.length > 0) current = list[0].id;
      nav.replaceChildren(
        SO.el("strong", { text: "campaigns: " }),
        ...list.map((c) =>
          SO.el("a", {
            href: `?token=${encodeURIComponent(token)}&campaign=${encodeURIComponent(c.id)}`,
            class: c.id === current ? "current" : null,
            "data-campaign": c.id,
            text: `${c.name} (${c.state}, ${c.done}/${c.maxEval})`,
          }),
        ),
      );
      return list;
    }

    async function loadData() {
      if (current === null) return;
      const res = await fetch(api(`/api/campaigns/${encodeURIComponent(current)}/data`, token));
      if (!res.ok) throw new Error(`campaign data: HTTP ${res.status}`);
      await SO.render(await res.json());
    }

    let busy = false;
    let again = false;
    async function refresh() {
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      try {
        await loadList();
        await loadData();
      } finally {
        busy = false;
        if (again) {
          again = false;
          void refresh();
        }
      }
    }

    void refresh();
    const events = new EventSource(api("/api/events", token));
    events.addEventListener("change", (e) => {
      const changed = JSON.parse(e.data);
      if (changed.campaign === current || current === null) void refresh();
      else void loadList();
    });
  };
})();
