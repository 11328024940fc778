/**
 * npm run bench:dashboard — how soon the live dashboard shows a trial that finished (issue 14's
 * target: within 5 s). A campaign is written through the store API (200 and 20,000 trials, as
 * bench:report's), served by the dashboard (in this process, its default 1 s watch) and opened
 * in headless Chromium. Then, ROUNDS times, one more trial is stored as COMPLETED (what the
 * controller writes when a job ends), at a random moment of the watch cycle, and the clock runs
 * until the page's summary counts it (the server's event, the page's fetch of the data and its
 * redraw) and until every section is there again (body[data-ready]). Median and worst printed.
 *
 * Usage: npm run bench:dashboard [-- --trials 20000 --rounds 5]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { serveDashboard } from "../src/dashboard/dashboardServer.js";
import { newAttempt } from "../src/engine/attemptPlan.js";
import { openCampaignRecord } from "../src/engine/campaignRecord.js";
import {
  insertProposedTrials,
  recordAttemptEnd,
  recordStarted,
  recordSubmitted,
} from "../src/store/trialRows.js";
import { openBrowserPage } from "../test/helpers/headlessChromium.js";
import { writeSyntheticCampaign } from "../test/helpers/syntheticCampaign.js";

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) || fallback : fallback;
};
const large = flag("--trials", 20_000);
const ROUNDS = flag("--rounds", 5);
const SMALL = 200;
const TARGET_S = 5;

/** Stores one more trial, run and COMPLETED, as the controller does when its job ends. */
function finishOneTrial(dir: string): void {
  const open = openCampaignRecord(dir);
  try {
    const { db, row, campaign } = open;
    const identity = { campaign, uid: row.uid, dir, executorKind: "slurm" as const };
    const now = Date.now();
    db.transaction(() => {
      const [made] = insertProposedTrials(
        db,
        row.id,
        [
          {
            paramsJson: JSON.stringify({ x: 1, y: 2, opt: "adam" }),
            generator: "gp",
            generationNode: "GP",
            nodePosition: 1,
            generationMs: 40,
            programString: "echo RESULT: 1",
          },
        ],
        (index) => newAttempt(identity, index, 1),
        now - 5000,
      );
      const attemptId = made!.attempt.id;
      recordSubmitted(
        db,
        [{ attemptId, jobId: String(now), arrayTaskId: null, pid: null, pidStartTime: null }],
        now - 4000,
      );
      recordStarted(db, attemptId, now - 3000, "node1");
      recordAttemptEnd(
        db,
        attemptId,
        {
          endTime: now,
          startTime: now - 3000,
          exitCode: 0,
          signal: null,
          fault: null,
          reason: null,
          hostname: "node1",
        },
        {
          state: "COMPLETED",
          resultsJson: JSON.stringify({ RESULT: 20 }),
          semsJson: null,
          extrasJson: null,
          reason: null,
        },
        null,
      );
    })();
  } finally {
    open.db.close();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Figures {
  shown: number[];
  ready: number[];
}

async function measure(trials: number, root: string): Promise<Figures> {
  const { dir, counts } = writeSyntheticCampaign(join(root, String(trials)), trials);
  const server = await serveDashboard({ folders: () => [dir] });
  const browser = await openBrowserPage(`http://${server.host}:${server.port}`);
  const out: Figures = { shown: [], ready: [] };
  try {
    await browser.page.goto(server.url, { waitUntil: "commit" });
    await browser.page.waitForSelector("body[data-ready]", { timeout: 600_000 });
    let completed = counts.completed;
    for (let round = 0; round < ROUNDS; round++) {
      // A random moment of the server's 1 s watch cycle.
      await new Promise((r) => setTimeout(r, 1000 + Math.random() * 1000));
      const t0 = performance.now();
      finishOneTrial(dir);
      completed++;
      await browser.page.waitForFunction(
        `document.querySelector('[data-role="counts"] [data-state="COMPLETED"]')?.textContent === "completed: ${completed}"`,
        undefined,
        { timeout: 600_000, polling: 20 },
      );
      out.shown.push((performance.now() - t0) / 1000);
      await browser.page.waitForSelector("body[data-ready]", { timeout: 600_000 });
      out.ready.push((performance.now() - t0) / 1000);
    }
    if (browser.errors.length > 0) throw new Error(`console errors: ${browser.errors.join("; ")}`);
  } finally {
    await browser.close();
    await server.close();
  }
  return out;
}

const root = mkdtempSync(join(tmpdir(), "slurmopt-bench-dashboard-"));
try {
  const lines = [
    `bench:dashboard (${ROUNDS} trials finishing one after the other; seconds from the trial's end being stored)`,
  ];
  let worst = 0;
  for (const n of [SMALL, large]) {
    const f = await measure(n, root);
    worst = Math.max(worst, ...f.shown);
    const s = (xs: number[]): string =>
      `median ${median(xs).toFixed(2)} s, worst ${Math.max(...xs).toFixed(2)} s`;
    lines.push(
      `${String(n).padStart(7)} trials  shown in the summary: ${s(f.shown)}; every section there again: ${s(f.ready)}`,
    );
  }
  lines.push(
    `target: a finished trial shown within ${TARGET_S} s: ${worst < TARGET_S ? "met" : "NOT met"} (worst ${worst.toFixed(2)} s)`,
    `load average now: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
    "",
  );
  process.stdout.write(lines.join("\n"));
} finally {
  rmSync(root, { recursive: true, force: true });
}
