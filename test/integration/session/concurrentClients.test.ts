/**
 * Several clients at once against one campaign.db (real processes, real SQLite): four
 * processes ask and tell until 200 trials are done. Every trial is handed out once, every
 * result is stored, no call fails.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { createCampaign, openCampaign } from "../../../src/index.js";
import { REPO, testDir } from "../../helpers/runCli.js";

const run = promisify(execFile);

/** One client: the built library (dist/), as another project would import it. */
const CLIENT = `
import { openCampaign } from ${JSON.stringify(join(REPO, "dist", "index.js"))};
import { existsSync, writeFileSync } from "node:fs";
const [dir, me, gate] = process.argv.slice(1);
const s = await openCampaign(dir);
// Start together: each client has opened the campaign before any asks (on a loaded machine
// the first one could otherwise finish all 200 before the last one starts).
writeFileSync(gate + "/ready-" + me, "");
while (![0, 1, 2, 3].every((i) => existsSync(gate + "/ready-" + i)))
  await new Promise((r) => setTimeout(r, 5));
const told = [];
for (;;) {
  const asked = await s.ask(2);
  if (asked.length === 0) {
    if (s.view().total >= s.campaign.maxEval) break;
    await new Promise((r) => setTimeout(r, 5));
    continue;
  }
  // The evaluation: a few milliseconds in which this client holds no lock.
  await new Promise((r) => setTimeout(r, 3));
  for (const t of asked) {
    s.tell(t.index, { values: { RESULT: t.parameters.x * t.parameters.x } });
    told.push(t.index);
  }
}
await s.close();
console.log(JSON.stringify({ me, told }));
`;

describe("four ask/tell clients at once", () => {
  it("200 distinct trials, 200 results stored, no error", async () => {
    const cwd = testDir("concurrent");
    const created = await createCampaign({
      name: "conc",
      run_dir: join(cwd, "runs"),
      parameters: [{ name: "x", type: "range", bounds: [-1, 1] }],
      program: "echo RESULT: %(x)",
      max_eval: 200,
      parallelism: 8,
      strategy: "SOBOL",
      seed: 9,
    });
    const dir = created.dir;
    await created.close();
    const clients = await Promise.all(
      [0, 1, 2, 3].map((me) =>
        run(process.execPath, ["--input-type=module", "-e", CLIENT, dir, String(me), cwd], {
          cwd,
          timeout: 600_000,
        }),
      ),
    );
    const told = clients.flatMap((c) => (JSON.parse(c.stdout) as { told: number[] }).told);
    expect(told).toHaveLength(200);
    expect(new Set(told).size).toBe(200);
    // More than one client got work (they really ran side by side).
    const busy = clients.filter(
      (c) => (JSON.parse(c.stdout) as { told: number[] }).told.length > 0,
    );
    expect(busy.length).toBeGreaterThan(1);
    const s = await openCampaign(dir, { readonly: true });
    try {
      const trials = s.trials();
      expect(trials.map((t) => t.index)).toEqual([...Array(200).keys()]);
      expect(trials.every((t) => t.state === "COMPLETED")).toBe(true);
      expect(new Set(trials.map((t) => JSON.stringify(t.parameters))).size).toBe(200);
      for (const t of trials) expect(t.values.RESULT).toBe((t.parameters.x as number) ** 2);
    } finally {
      await s.close();
    }
  }, 600_000);
});
