import type { Argv } from "yargs";

/**
 * The commands of the login-node daemon (daemon start/stop/status, and list, adopt, pause,
 * continue, follow, logs of the campaigns it drives). Each command's module is imported when
 * it runs; its exit code goes to `exit.code`.
 */
export function daemonCommands<T>(y: Argv<T>, exit: { code: number }): Argv<T> {
  return y
    .command(
      "daemon <action>",
      "The login-node daemon: start (detached) | start --foreground | stop | status",
      (y) =>
        y
          .positional("action", {
            choices: ["start", "stop", "status"] as const,
            demandOption: true,
            describe: "What to do",
          })
          .option("foreground", {
            type: "boolean",
            describe:
              "start: run in this process (systemd); default: detach and return once it answers",
          })
          .option("json", { type: "boolean", describe: "status: machine-readable output" })
          .option("wait", {
            type: "number",
            default: 120,
            describe: "stop: seconds to wait for it",
          }),
      async (a) => {
        const { daemonStartCommand, daemonStatusCommand, daemonStopCommand } =
          await import("./daemonCommands.js");
        if (a.action === "start") exit.code = await daemonStartCommand(a.foreground === true);
        else if (a.action === "stop") exit.code = await daemonStopCommand(a.wait);
        else exit.code = await daemonStatusCommand(a.json === true);
      },
    )
    .command(
      "list",
      "Every campaign the daemon drives: name, state, done/running/queued, best, folder, last error",
      (y) => y.option("json", { type: "boolean", describe: "Machine-readable output" }),
      async (a) => {
        const { listCommand } = await import("./daemonCampaignCommands.js");
        exit.code = await listCommand(a.json === true);
      },
    )
    .command(
      "adopt <dir>",
      "Hand an existing campaign folder to the daemon (it resumes it there)",
      (y) =>
        y.positional("dir", { type: "string", demandOption: true, describe: "Campaign folder" }),
      async (a) => {
        const { adoptCommand } = await import("./daemonCampaignCommands.js");
        exit.code = await adoptCommand(a.dir);
      },
    )
    .command(
      "pause <dir>",
      "The daemon submits nothing new for this campaign (running trials go on)",
      (y) =>
        y.positional("dir", { type: "string", demandOption: true, describe: "Campaign folder" }),
      async (a) => {
        const { pauseCommand } = await import("./daemonCampaignCommands.js");
        exit.code = await pauseCommand(a.dir, true);
      },
    )
    .command(
      "continue <dir>",
      "The daemon submits again for a paused campaign",
      (y) =>
        y.positional("dir", { type: "string", demandOption: true, describe: "Campaign folder" }),
      async (a) => {
        const { pauseCommand } = await import("./daemonCampaignCommands.js");
        exit.code = await pauseCommand(a.dir, false);
      },
    )
    .command(
      "follow <dir>",
      "A live progress line of a campaign the daemon drives, until it ends",
      (y) =>
        y.positional("dir", { type: "string", demandOption: true, describe: "Campaign folder" }),
      async (a) => {
        const { followCommand } = await import("./daemonCampaignCommands.js");
        exit.code = await followCommand(a.dir);
      },
    )
    .command(
      "logs [dir]",
      "The daemon's log, or a campaign's slurmopt.log",
      (y) =>
        y
          .positional("dir", {
            type: "string",
            describe: "Campaign folder (default: the daemon's log)",
          })
          .option("follow", { type: "boolean", describe: "Keep printing what is added" }),
      async (a) => {
        const { logsCommand } = await import("./daemonCampaignCommands.js");
        exit.code = await logsCommand(a.dir, a.follow === true);
      },
    );
}
