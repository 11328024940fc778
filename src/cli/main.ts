#!/usr/bin/env node
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { InputError, exitCodeFor, errorMessage, isSlurmoptError } from "../errors/errors.js";
import { extractGroupedFlags } from "./groupedFlags.js";
import { RUN_OPTIONS } from "./runOptions.js";
import { runCommand } from "./runCommand.js";
import { exportCommand, statusCommand } from "./statusCommands.js";

const RUN_EPILOG = `OmniOpt2 multi-word flags (repeatable):
  --parameter NAME range LO HI [int|float] [true|false]   (last word: log scale)
  --parameter NAME choice a,b,c
  --parameter NAME fixed VALUE
  --result_names RESULT=max LOSS=min                      (default RESULT=min)
Flags override the spec file. See README.md, "Spec reference".`;

async function main(argv: string[]): Promise<number> {
  const command = argv[0];
  const grouped = command === "run" ? extractGroupedFlags(argv.slice(1)) : null;
  let exitCode = 0;
  const parser = yargs(grouped ? ["run", ...grouped.rest] : argv)
    .scriptName("slurmopt")
    .parserConfiguration({ "boolean-negation": false, "camel-case-expansion": false })
    .usage("slurmopt: Slurm-native hyperparameter optimization (OmniOpt2-compatible)\n\nUsage: $0 <command> [options]")
    .command(
      "run [spec]",
      "Start a new campaign (runs/<name>/<N>/) and drive it in the foreground",
      (y) =>
        y
          .positional("spec", { type: "string", describe: "Spec file (YAML, JSON or TOML); flags override it" })
          .options(RUN_OPTIONS)
          .epilog(RUN_EPILOG),
      async (a) => {
        exitCode = await runCommand(
          { specFile: a.spec, flags: a as Record<string, unknown>, grouped: grouped! },
          { dryRun: a["dry-run"] === true, quiet: a.quiet === true },
        );
      },
    )
    .command(
      "status <dir>",
      "Show a campaign's counts, best trial (or Pareto front) and recent failures",
      (y) =>
        y
          .positional("dir", { type: "string", demandOption: true, describe: "Campaign folder (runs/<name>/<N>) or runs/<name> for the latest" })
          .option("json", { type: "boolean", describe: "Machine-readable output" }),
      (a) => {
        exitCode = statusCommand(a.dir, a.json === true);
      },
    )
    .command(
      "export <dir>",
      "Rewrite results.csv from the campaign database",
      (y) => y.positional("dir", { type: "string", demandOption: true, describe: "Campaign folder" }),
      (a) => {
        exitCode = exportCommand(a.dir);
      },
    )
    .demandCommand(1, "Name a command: run, status or export (see --help)")
    .strict()
    .recommendCommands()
    .help()
    .wrap(Math.min(120, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      throw new InputError("FLAG_INVALID", `${msg}\nRun "slurmopt ${command === "run" ? "run " : ""}--help" for the flags.`);
    });
  await parser.parseAsync();
  return exitCode;
}

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (isSlurmoptError(e)) process.stderr.write(`slurmopt: error [${e.code}]: ${e.message}\n`);
    else process.stderr.write(`slurmopt: unexpected error: ${errorMessage(e)}\n${e instanceof Error ? (e.stack ?? "") : ""}\n`);
    process.exitCode = exitCodeFor(e);
  },
);
