import { execFile } from "node:child_process";
import { cpSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { REPO, testDir } from "../../helpers/runCli.js";

const run = promisify(execFile);

/** Runs a command, failing the test with its output when it fails. */
async function sh(
  cmd: string,
  args: readonly string[],
  cwd: string,
  timeoutMs: number,
): Promise<string> {
  try {
    const r = await run(cmd, args, { cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    return r.stdout;
  } catch (e) {
    const x = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(" ")} failed: ${x.message}\n${x.stdout}\n${x.stderr}`, {
      cause: e,
    });
  }
}

interface PackResult {
  filename: string;
  files: { path: string }[];
}

describe("the TypeScript example project (examples/typescript)", () => {
  it("installs the packed slurmopt in a temporary folder, typechecks against its published declarations and optimizes Branin to a regret below 0.01 in 40 evaluations", async () => {
    const work = testDir("ts-example");
    // dist/ is what this test run built (test/globalSetup.ts; scripts/test-all.sh builds
    // first), so pack without rebuilding it under the other test files' feet.
    const packed = JSON.parse(
      await sh(
        "npm",
        ["pack", "--ignore-scripts", "--json", "--pack-destination", work],
        REPO,
        120_000,
      ),
    ) as PackResult[];
    const tarball = join(work, packed[0]!.filename);
    const files = packed[0]!.files.map((f) => f.path);
    const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as {
      types: string;
      exports: Record<string, { types: string; import: string }>;
    };
    // What "exports" and "types" name is in the tarball; no tests or sources are.
    for (const f of [pkg.types, pkg.exports["."]!.types, pkg.exports["."]!.import])
      expect(files).toContain(f.replace(/^\.\//, ""));
    expect(files).toContain("bin/slurmopt.js");
    expect(files).toContain("dist/session/campaignSession.d.ts");
    expect(files.filter((f) => /(^|\/)test\/|\.test\.|^src\//.test(f))).toEqual([]);

    const project = join(work, "example");
    cpSync(join(REPO, "examples", "typescript"), project, {
      recursive: true,
      filter: (src) => !/(node_modules|dist|runs)$/.test(src),
    });
    // The npm cache is warm from the checkout's own `npm ci`; better-sqlite3's native binding
    // is built from source (nodedir in npm's config), which takes minutes on a loaded machine.
    await sh(
      "npm",
      ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball],
      project,
      1_200_000,
    );
    expect(existsSync(join(project, "node_modules", "slurmopt", pkg.types))).toBe(true);
    // The example's own tsc (strict, no skipLibCheck) against the installed declarations: a
    // declaration that is missing or names an uninstalled type package fails here.
    await sh("npx", ["--no-install", "tsc", "-p", "."], project, 300_000);
    const out = await sh("node", ["dist/branin.js", join(work, "runs")], project, 600_000);
    const summary = JSON.parse(out.trim().split("\n").pop()!) as {
      dir: string;
      evaluations: number;
      regret: number;
    };
    expect(summary.evaluations).toBe(40);
    expect(summary.regret).toBeGreaterThanOrEqual(0);
    expect(summary.regret).toBeLessThan(0.01);
    expect(existsSync(join(summary.dir, "campaign.db"))).toBe(true);
  }, 1_800_000);
});
