/** The shipped sbatch templates, rendered for real: shell syntax, and a user's own template on the cluster. */
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  renderArrayScript,
  renderTrialScript,
  type JobDirectives,
} from "../../../src/slurm/renderSbatch.js";
import { builtinTemplateDir, loadTemplate } from "../../../src/slurm/sbatchTemplates.js";
import { SlurmExecutor } from "../../../src/slurm/slurmExecutor.js";
import { LocalTransport } from "../../../src/transport/localTransport.js";
import { ensureSlurmCluster, slurmSkipped } from "../slurmCluster.js";
import {
  attempt,
  leakedJobs,
  pollUntilFinished,
  slurmSettings,
  testCampaign,
} from "./slurmTestKit.js";

const sh = promisify(execFile);

const directives: JobDirectives = {
  jobName: "syntax-check",
  partition: "debug",
  timeLimitS: 60,
  mem: "100M",
  cpusPerTask: 1,
  nodes: 1,
  gpus: 0,
  account: null,
  reservation: null,
  qos: null,
  exclude: [],
  constraint: null,
  extraDirectives: [],
  signal: { name: "USR1", delayS: 30 },
  noRequeue: true,
};

const tricky = {
  dir: "/tmp/it's a dir/$HOME/1",
  workdir: "/tmp",
  command: `printf '%s\\n' "it's" "$HOME" '$(id)'; exit 0`,
  env: { QUOTED: `a 'b' "c" $d \`e\`` },
};

describe("sbatch templates", () => {
  it("ships both templates and renders them into valid bash, even with quotes and $ everywhere", async () => {
    expect(builtinTemplateDir()).toMatch(/slurm-templates$/);
    const trial = await loadTemplate("trial", null);
    const array = await loadTemplate("array", null);
    const scripts = [
      renderTrialScript(trial.text, { directives, attempt: tricky, setup: ["true 'setup'"] }),
      renderArrayScript(array.text, {
        directives,
        tasks: new Map([
          [0, tricky],
          [1, { ...tricky, dir: "/tmp/x/2" }],
        ]),
        throttle: 1,
        arrayDir: "/tmp/array dir",
        setup: [],
      }),
    ];
    for (const script of scripts) {
      await expect(sh("bash", ["-n", "-c", script])).resolves.toBeDefined();
      expect(script).not.toMatch(/\{\{/);
    }
  });

  it("renders a dry run without submitting, splitting a batch below the largest array", async () => {
    const c = testCampaign("dryrun");
    const ex = new SlurmExecutor({
      transport: new LocalTransport(),
      settings: slurmSettings(),
      maxArraySize: 2,
      throttle: 1,
    });
    const name = `${c.name}-${c.uid}-t0a1`;
    const batch = [0, 1, 2, 3, 4].map((i) => attempt(c, i, `echo ${i}`, { jobName: name }));
    const scripts = await ex.render(batch);
    expect(scripts.map((s) => s.path)).toEqual([
      join(c.dir, "slurm-arrays", name, "job.sbatch"),
      join(c.dir, "slurm-arrays", `${name}-p1`, "job.sbatch"),
      join(c.dir, "jobs", "4", "1", "job.sbatch"),
    ]);
    expect(scripts[0]!.script).toContain(`#SBATCH --job-name=${name}\n#SBATCH --array=0-1%1\n`);
    expect(scripts[1]!.script).toContain(`#SBATCH --job-name=${name}-p1\n#SBATCH --array=0-1%1\n`);
    expect(scripts[2]!.script).toContain(`#SBATCH --job-name=${name}-p2\n`);
    expect(scripts[2]!.script).not.toContain("--array");
    expect(ex.commands.calls).toEqual({ sbatch: 0, squeue: 0, sacct: 0, scancel: 0, scontrol: 0 });
  });

  it("names an unreadable user template and the field it came from", async () => {
    await expect(loadTemplate("array", "no/such/template.sbatch", "/tmp")).rejects.toThrow(
      /slurm.array_template "no\/such\/template.sbatch" cannot be read/,
    );
  });
});

describe.skipIf(slurmSkipped())("a user's own sbatch template on the cluster", () => {
  beforeAll(async () => {
    await ensureSlurmCluster();
  });

  afterAll(async () => {
    expect(await leakedJobs()).toEqual([]);
  });

  it("runs trials with a template of the user's, and refuses one that lacks a placeholder", async () => {
    const c = testCampaign("usertemplate");
    const own = readFileSync(join(builtinTemplateDir(), "trial.sbatch"), "utf8").replace(
      "{{setup}}",
      "{{setup}}\necho custom-template-marker >&2",
    );
    writeFileSync(join(c.dir, "mine.sbatch"), own);
    const ex = new SlurmExecutor({
      transport: new LocalTransport(),
      settings: slurmSettings({ template: "mine.sbatch" }),
      templateBaseDir: c.dir,
      pollFloorMs: 100,
      pollIntervalMs: 500,
    });
    const a = attempt(c, 0, "echo RESULT: 3");
    await ex.submit([a]);
    const { results } = await pollUntilFinished(ex, [a.attemptId], 90_000);
    expect(results.get(a.attemptId)).toMatchObject({ exitCode: 0, stdout: "RESULT: 3\n" });
    expect(readFileSync(join(a.dir, "slurm.err"), "utf8")).toContain("custom-template-marker");

    writeFileSync(join(c.dir, "broken.sbatch"), "#!/bin/bash\n{{directives}}\n{{setup}}\n");
    const broken = new SlurmExecutor({
      transport: new LocalTransport(),
      settings: slurmSettings({ template: "broken.sbatch" }),
      templateBaseDir: c.dir,
    });
    await expect(broken.submit([attempt(c, 1, "true")])).rejects.toThrow(
      /broken.sbatch lacks the placeholder \{\{attempt\}\}/,
    );
  });
});
