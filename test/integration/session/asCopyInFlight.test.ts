/**
 * resume --as-copy of a folder copied while the original's trials ran: the copy holds attempts
 * of the original's jobs, which it must not adopt, so it is refused with what to do instead.
 * Real local trials, the real SQLite store, through the CLI.
 */
import { cpSync, existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { localRunArgs, runCli, startCli, testDir } from "../../helpers/runCli.js";
import { until } from "../../helpers/waitFor.js";

describe("resume --as-copy of a folder copied while trials were in flight", () => {
  it("is refused, naming the original and how to get a copy that resumes, while the original runs and after", async () => {
    const cwd = testDir("as-copy-in-flight");
    const started = join(cwd, "started");
    const go = join(cwd, "go");
    const original = startCli(
      localRunArgs(
        "cp",
        `touch ${started}; while [ ! -e ${go} ]; do sleep 0.1; done; echo RESULT: %(x)`,
        1,
        ["--quiet", "--no-report"],
      ),
      cwd,
    );
    try {
      await until("the trial to start", () => existsSync(started), 60_000, 100);
      const folder = join(cwd, "runs", "cp", readdirSync(join(cwd, "runs", "cp"))[0]!);
      const copy = join(cwd, "cp-copy");
      cpSync(folder, copy, { recursive: true });

      // While the original still runs, its lock (copied along) holds the copy: the refusal
      // says so and how to get a copy that resumes, not to stop a controller of the copy.
      const early = await runCli(["resume", "--as-copy", copy, "--quiet"], { cwd });
      expect(early.code).toBe(3);
      expect(early.stderr).toContain(
        `${copy} is a copy of the campaign in ${folder}, made while its controller`,
      );
      expect(early.stderr).toContain("controller.lock is the original's lock, copied along");
      expect(early.stderr).toContain(`slurmopt stop ${folder}`);
      expect(early.stderr).not.toContain(`slurmopt stop ${copy}`);

      writeFileSync(go, "");
      expect(await original.ended, original.stderr()).toBe(0);

      const r = await runCli(["resume", "--as-copy", copy, "--quiet"], { cwd });
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(
        `--as-copy: ${copy} was copied while 1 attempt(s) of the original in ${folder} were in flight`,
      );
      expect(r.stderr).toContain("a copy must not adopt the original's jobs");
      expect(r.stderr).toContain(`slurmopt status ${folder}`);
      expect(r.stderr).toContain(`slurmopt cancel ${folder}`);
      expect(r.stderr).toContain("slurmopt resume --as-copy");
    } finally {
      writeFileSync(go, "");
      await original.kill("SIGTERM");
    }
  });
});
