#!/usr/bin/env node
import yargs, { type Argv } from "yargs";
import { hideBin } from "yargs/helpers";
import { InputError, exitCodeFor, errorMessage, isSlurmoptError } from "../errors/errors.js";
import { extractGroupedFlags } from "./groupedFlags.js";
import { OMNIOPT2_COMPAT_OPTIONS } from "./omniopt2Flags.js";
import { RUN_OPTIONS } from "./runOptions.js";
import { controllerSettings } from "./controllerSettings.js";
import { keepLastOccurrence } from "./repeatedFlags.js";
import { askTellCommands } from "./askTellParser.js";
import { daemonCommands } from "./daemonParser.js";
// Each command's module is imported when the command runs: `slurmopt status` must not load what
// `run` needs (SSH, execa, generators); module loading was most of a short command's time.

const RUN_EPILOG = `OmniOpt2 multi-word flags (repeatable):
  --parameter NAME range LO HI [int|float] [true|false]   (last word: log scale)
  --parameter NAME choice a,b,c
  --parameter NAME fixed VALUE
  --result_names RESULT=max LOSS=min                      (default RESULT=min)
Flags override the spec file. See README.md, "Spec reference".
Every OmniOpt2 flag is accepted, mapped, ignored with a note or refused: see docs/omniopt2.md.`;

/** resume's flags that take one value: given twice, the last one counts. */
const RESUME_VALUE_FLAGS = {
  spec: { type: "string" },
  max_eval: { type: "number" },
  parallelism: { type: "number" },
} as const;

/** The arguments of stop and cancel: the campaign folder and how long to wait. */
const controlOptions = <T>(y: Argv<T>) =>
  y
    .positional("dir", { type: "string", demandOption: true, describe: "Campaign folder" })
    .option("wait", {
      type: "number",
      default: 120,
      describe: "Seconds to wait for the controller",
    });

async function main(given: string[]): Promise<number> {
  // `slurmopt submit spec.yaml ...` is `slurmopt run spec.yaml ... --detach`.
  const argv = given[0] === "submit" ? ["run", ...given.slice(1), "--detach"] : given;
  const command = argv[0];
  const grouped =
    command === "run" || command === "create" ? extractGroupedFlags(argv.slice(1)) : null;
  const exit = { code: 0 };
  const words = grouped
    ? [
        command!,
        ...keepLastOccurrence(grouped.rest, { ...RUN_OPTIONS, ...OMNIOPT2_COMPAT_OPTIONS }),
      ]
    : command === "resume"
      ? [command, ...keepLastOccurrence(argv.slice(1), RESUME_VALUE_FLAGS)]
      : argv;
  const general = yargs(words)
    .scriptName("slurmopt")
    .parserConfiguration({ "boolean-negation": false, "camel-case-expansion": false })
    .usage(
      "slurmopt: Slurm-native hyperparameter optimization (OmniOpt2-compatible)\n\nUsage: $0 <command> [options]",
    )
    .command(
      "run [spec]",
      "Start a new campaign (runs/<name>/<N>/) and drive it in the foreground",
      (y) =>
        y
          .positional("spec", {
            type: "string",
            describe: "Spec file (YAML, JSON or TOML); flags override it",
          })
          .options(RUN_OPTIONS)
          .options(OMNIOPT2_COMPAT_OPTIONS)
          .epilog(RUN_EPILOG),
      async (a) => {
        const { applyConfigFile } = await import("./omniopt2Config.js");
        const { runCommand } = await import("./runCommand.js");
        // OmniOpt2's --config_yaml/--config_json/--config_toml: flags from a file, under the given ones.
        const { lastValueWins } = await import("./repeatedFlags.js");
        const runOptions = { ...RUN_OPTIONS, ...OMNIOPT2_COMPAT_OPTIONS };
        const withConfig = applyConfigFile(lastValueWins(a, runOptions), grouped!, runOptions);
        for (const note of withConfig.notes) process.stderr.write(`warning: ${note}\n`);
        const f = withConfig.flags;
        exit.code = await runCommand(
          {
            specFile: typeof a.spec === "string" ? a.spec : undefined,
            flags: f,
            grouped: withConfig.grouped,
          },
          {
            dryRun: f["dry-run"] === true,
            quiet: f.quiet === true,
            cancelOnExit: f["cancel-on-exit"] === true,
            report: f["no-report"] !== true,
            inSlurm: f["in-slurm"] === true ? controllerSettings(f) : null,
            follow: f.follow === true,
            detach: f.detach === true,
          },
        );
      },
    )
    .command(
      "resume <dir>",
      "Continue a campaign in place: re-attach to its jobs, collect what finished, go on (OmniOpt2's --continue_previous_job, a new folder, is run --continue)",
      (y) =>
        y
          .positional("dir", {
            type: "string",
            demandOption: true,
            describe: "Campaign folder (runs/<name>/<N>) or runs/<name> for the latest",
          })
          .option("spec", {
            type: "string",
            describe: "A changed spec: max_eval may grow, ranges widen, choices gain values",
          })
          .option("max_eval", { type: "number", describe: "New number of trials (may only grow)" })
          .option("parallelism", {
            type: "number",
            describe: "New number of trials running at once",
          })
          .option("cancel-on-exit", {
            type: "boolean",
            describe: "On SIGINT/SIGTERM, cancel running trials instead of leaving them running",
          })
          .option("quiet", { type: "boolean", describe: "No progress line" })
          .option("no-report", {
            type: "boolean",
            describe: "Do not write report.html into the campaign folder when the run ends",
          })
          .option("detach", {
            type: "boolean",
            describe: "Hand the campaign to the slurmopt daemon instead of driving it here",
          })
          .option("as-copy", {
            type: "boolean",
            describe:
              "The folder is a copy of a campaign whose folder still exists: give the copy a campaign uid of its own",
          }),
      async (a) => {
        const { resumeCommand } = await import("./campaignCommands.js");
        const { lastValueWins } = await import("./repeatedFlags.js");
        const r = lastValueWins(a, { spec: {}, max_eval: {}, parallelism: {} });
        exit.code = await resumeCommand(a.dir, {
          report: a["no-report"] !== true,
          detach: a.detach === true,
          asCopy: a["as-copy"] === true,
          spec: r.spec,
          maxEval: r.max_eval,
          parallelism: r.parallelism,
          quiet: a.quiet === true,
          cancelOnExit: a["cancel-on-exit"] === true,
        });
      },
    )
    .command(
      "stop <dir>",
      "Ask the controller of a campaign to stop (running trials keep running) and wait for it",
      controlOptions,
      async (a) => {
        const { controlCommand } = await import("./campaignCommands.js");
        exit.code = await controlCommand(a.dir, "stop", a.wait);
      },
    )
    .command(
      "cancel <dir>",
      "Stop a campaign and cancel its running trials (works without a running controller too)",
      controlOptions,
      async (a) => {
        const { controlCommand } = await import("./campaignCommands.js");
        exit.code = await controlCommand(a.dir, "cancel", a.wait);
      },
    )
    .command(
      "status <dir>",
      "Show a campaign's counts, best trial (or Pareto front) and recent failures",
      (y) =>
        y
          .positional("dir", {
            type: "string",
            demandOption: true,
            describe: "Campaign folder (runs/<name>/<N>) or runs/<name> for the latest",
          })
          .option("json", { type: "boolean", describe: "Machine-readable output" })
          .option("watch", {
            type: "boolean",
            describe: "Show the status again every --interval seconds until the campaign ends",
          })
          .option("interval", {
            type: "number",
            default: 2,
            describe: "Seconds between refreshes with --watch",
          }),
      async (a) => {
        const { statusCommand, statusWatchCommand } = await import("./statusCommands.js");
        exit.code =
          a.watch === true
            ? await statusWatchCommand(a.dir, a.interval, a.json === true)
            : await statusCommand(a.dir, a.json === true);
      },
    )
    .command(
      "export <dir>",
      "Rewrite results.csv from the campaign database",
      (y) =>
        y.positional("dir", { type: "string", demandOption: true, describe: "Campaign folder" }),
      async (a) => {
        const { exportCommand } = await import("./statusCommands.js");
        exit.code = await exportCommand(a.dir);
      },
    )
    .command(
      "report <dir>",
      "Write a self-contained HTML report of a campaign (report.html in its folder)",
      (y) =>
        y
          .positional("dir", {
            type: "string",
            demandOption: true,
            describe: "Campaign folder (runs/<name>/<N>) or runs/<name> for the latest",
          })
          .option("o", {
            alias: "output",
            type: "string",
            describe: "Where to write the report (default <dir>/report.html)",
          }),
      async (a) => {
        const { reportCommand } = await import("./reportCommands.js");
        exit.code = reportCommand(a.dir, a.o);
      },
    )
    .command(
      "best <dir>",
      "Show the best trials (several objectives: the Pareto set)",
      (y) =>
        y
          .positional("dir", {
            type: "string",
            demandOption: true,
            describe: "Campaign folder (runs/<name>/<N>) or runs/<name> for the latest",
          })
          .option("n", { type: "number", default: 10, describe: "How many trials" })
          .option("json", { type: "boolean", describe: "Machine-readable output" }),
      async (a) => {
        const { bestCommand } = await import("./reportCommands.js");
        exit.code = bestCommand(a.dir, a.n, a.json === true);
      },
    );
  const served = askTellCommands(general, grouped, exit)
    .command(
      "serve [dirs..]",
      "Serve a live dashboard of campaigns (default: all under ./runs) on 127.0.0.1, with an access token",
      (y) =>
        y
          .positional("dirs", {
            type: "string",
            array: true,
            describe: "Campaign folders (runs/<name>/<N>, or runs/<name> for the latest)",
          })
          .option("port", { type: "number", default: 0, describe: "Port (0: a free one)" })
          .option("host", {
            type: "string",
            default: "127.0.0.1",
            describe: "Address to listen on; any but loopback needs --allow-remote",
          })
          .option("allow-remote", {
            type: "boolean",
            describe: "Allow --host to be an address other machines can reach (prints a warning)",
          }),
      async (a) => {
        const { serveCommand } = await import("./serveCommand.js");
        exit.code = await serveCommand(a.dirs ?? [], {
          port: a.port,
          host: a.host,
          allowRemote: a["allow-remote"] === true,
        });
      },
    )
    .command(
      "submit [spec]",
      "Validate as run does, create the campaign folder, hand it to the daemon and return (= run --detach)",
      () => undefined,
      () => undefined,
    );
  const parser = daemonCommands(served, exit)
    .demandCommand(
      1,
      "Name a command: run, submit, resume, stop, cancel, status, export, report, best, serve, daemon, list, adopt, pause, continue, follow or logs (see --help)",
    )
    .strict()
    .recommendCommands()
    .help()
    .wrap(Math.min(120, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      throw new InputError(
        "FLAG_INVALID",
        `${msg}\nRun "slurmopt ${command === "run" ? "run " : ""}--help" for the flags.`,
      );
    });
  await parser.parseAsync();
  return exit.code;
}

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (isSlurmoptError(e)) process.stderr.write(`slurmopt: error [${e.code}]: ${e.message}\n`);
    else
      process.stderr.write(
        `slurmopt: unexpected error: ${errorMessage(e)}\n${e instanceof Error ? (e.stack ?? "") : ""}\n`,
      );
    process.exitCode = exitCodeFor(e);
  },
);
