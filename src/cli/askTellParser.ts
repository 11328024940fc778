import type { Argv } from "yargs";
import type { GroupedFlags } from "./groupedFlags.js";
import { OMNIOPT2_COMPAT_OPTIONS } from "./omniopt2Flags.js";
import { RUN_OPTIONS } from "./runOptions.js";

/**
 * The ask/tell commands of the command line (create, ask, tell, progress, should-stop, fail,
 * abandon, attach): a client evaluates the trials, slurmopt proposes and records them. Each
 * command's module is imported when it runs; its exit code goes to `exit.code`.
 */
export function askTellCommands<T>(
  y: Argv<T>,
  grouped: GroupedFlags | null,
  exit: { code: number },
): Argv<T> {
  return y
    .command(
      "create [spec]",
      "Create a campaign folder for ask/tell (runs/<name>/<N>/) and print its path; nothing runs (no program needed)",
      (y) =>
        y
          .positional("spec", {
            type: "string",
            describe: "Spec file (YAML, JSON or TOML); flags override it",
          })
          .options(RUN_OPTIONS)
          .options(OMNIOPT2_COMPAT_OPTIONS)
          .option("json", { type: "boolean", describe: "Print {dir, name, seed} as JSON" }),
      async (a) => {
        const { applyConfigFile } = await import("./omniopt2Config.js");
        const { createCommand } = await import("./askTellCommands.js");
        const withConfig = applyConfigFile(a, grouped!, {
          ...RUN_OPTIONS,
          ...OMNIOPT2_COMPAT_OPTIONS,
        });
        for (const note of withConfig.notes) process.stderr.write(`warning: ${note}\n`);
        exit.code = await createCommand(
          {
            specFile: typeof a.spec === "string" ? a.spec : undefined,
            flags: withConfig.flags,
            grouped: withConfig.grouped,
          },
          a.json === true,
        );
      },
    )
    .command(
      "ask <dir> [count]",
      "Trials to evaluate (pending until told): index and parameters, or JSON",
      (y) =>
        y
          .positional("dir", { type: "string", demandOption: true, describe: "Campaign folder" })
          .positional("count", {
            type: "string",
            describe: "Up to this many trials (the same as --n; default 1)",
          })
          .option("n", { type: "number", describe: "Up to this many trials (default 1)" })
          .option("json", {
            type: "boolean",
            describe: "A JSON array of {index, parameters, generationNode}",
          }),
      async (a) => {
        const { askCommand, askCount } = await import("./askTellCommands.js");
        exit.code = await askCommand(a.dir, askCount(a.count, a.n), a.json === true);
      },
    )
    .command(
      "tell <dir> <trial> [results..]",
      "Record a trial's results: RESULT=0.31 [LOSS=1.2] [--sem RESULT=0.01]",
      (y) =>
        y
          .positional("dir", { type: "string", demandOption: true, describe: "Campaign folder" })
          .positional("trial", { type: "string", demandOption: true, describe: "Trial index" })
          .positional("results", { type: "string", array: true, describe: "NAME=VALUE" })
          .option("sem", { type: "string", array: true, describe: "NAME=SEM (repeatable)" })
          .option("json", { type: "boolean", describe: "Print the trial as JSON" }),
      async (a) => {
        const { tellCommand } = await import("./askTellCommands.js");
        exit.code = await tellCommand(
          a.dir,
          a.trial,
          (a.results ?? []).map(String),
          (a.sem ?? []).map(String),
          a.json === true,
        );
      },
    )
    .command(
      "progress <dir> <trial> <step> [values..]",
      "Record intermediate values of a trial at a step: RESULT=0.4 (for early stopping)",
      (y) =>
        y
          .positional("dir", { type: "string", demandOption: true, describe: "Campaign folder" })
          .positional("trial", { type: "string", demandOption: true, describe: "Trial index" })
          .positional("step", { type: "string", demandOption: true, describe: "Step (>= 0)" })
          .positional("values", { type: "string", array: true, describe: "NAME=VALUE" }),
      async (a) => {
        const { progressCommand } = await import("./askTellCommands.js");
        exit.code = await progressCommand(a.dir, a.trial, a.step, (a.values ?? []).map(String));
      },
    )
    .command(
      "should-stop <dir> <trial>",
      "Whether to stop a trial now by the early_stopping rule: prints stop (it is then EARLY_STOPPED) or continue",
      (y) =>
        y
          .positional("dir", { type: "string", demandOption: true, describe: "Campaign folder" })
          .positional("trial", { type: "string", demandOption: true, describe: "Trial index" })
          .option("json", { type: "boolean", describe: "Print {stop, trial} as JSON" }),
      async (a) => {
        const { shouldStopCommand } = await import("./askTellCommands.js");
        exit.code = await shouldStopCommand(a.dir, a.trial, a.json === true);
      },
    )
    .command(
      "fail <dir> <trial>",
      "Record that a trial's evaluation failed",
      endingOptions,
      async (a) => {
        const { failCommand } = await import("./askTellCommands.js");
        exit.code = await failCommand(a.dir, a.trial, a.reason, a.json === true);
      },
    )
    .command(
      "abandon <dir> <trial>",
      "Give a trial up unevaluated (never proposed again)",
      endingOptions,
      async (a) => {
        const { abandonCommand } = await import("./askTellCommands.js");
        exit.code = await abandonCommand(a.dir, a.trial, a.reason, a.json === true);
      },
    )
    .command(
      "attach <dir> [assignments..]",
      "Add a trial you chose: x=1 k=abc [RESULT=0.3 [--sem RESULT=0.01]] (without results it is pending until told)",
      (y) =>
        y
          .positional("dir", { type: "string", demandOption: true, describe: "Campaign folder" })
          .positional("assignments", {
            type: "string",
            array: true,
            describe: "PARAMETER=VALUE and optionally RESULT=VALUE",
          })
          .option("sem", { type: "string", array: true, describe: "NAME=SEM (repeatable)" })
          .option("json", { type: "boolean", describe: "Print the trial as JSON" }),
      async (a) => {
        const { attachCommand } = await import("./askTellCommands.js");
        exit.code = await attachCommand(
          a.dir,
          (a.assignments ?? []).map(String),
          (a.sem ?? []).map(String),
          a.json === true,
        );
      },
    );
}

/** `fail` and `abandon`: the campaign folder, the trial and an optional reason. */
function endingOptions<T>(y: Argv<T>) {
  return y
    .positional("dir", { type: "string", demandOption: true, describe: "Campaign folder" })
    .positional("trial", { type: "string", demandOption: true, describe: "Trial index" })
    .option("reason", { type: "string", describe: "Why (shown by status)" })
    .option("json", { type: "boolean", describe: "Print the trial as JSON" });
}
