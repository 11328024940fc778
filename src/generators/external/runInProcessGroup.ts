import { execa } from "execa";
import { setLongTimeout } from "../../executor/longTimeout.js";

export interface ProcessEnd {
  /** Exit code when the program ended on its own. */
  readonly exitCode: number | null;
  /** The signal that ended it (after a time-out: the one slurmopt sent). */
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  /** Why the program could not be started (not found, not executable), or null. */
  readonly startError: string | null;
  readonly seconds: number;
}

export interface RunInGroupOptions {
  readonly cwd: string;
  readonly stdoutFile: string;
  readonly stderrFile: string;
  readonly timeoutMs: number;
  /** After a time-out or abort, SIGTERM first and SIGKILL this many ms later (default 2000). */
  readonly killGraceMs?: number;
  readonly signal?: AbortSignal | undefined;
  /**
   * Process signals (SIGINT, SIGTERM) that also end the program, but only those this process
   * already handles (a controller that stops on them): the default behaviour of an unhandled
   * signal is never changed.
   */
  readonly alsoStopOn?: readonly NodeJS.Signals[];
}

/** Process groups of programs still running: killed if slurmopt itself exits. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const pgid of liveGroups) killGroup(pgid, "SIGKILL");
  });
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // The group is gone already.
  }
}

/**
 * Runs argv without a shell in a process group of its own, stdout and stderr into files. A
 * program still running after the time limit (or when `signal` aborts) is ended with its whole
 * group (children included): SIGTERM, then SIGKILL after the grace time. Whatever the group
 * left running after the program ended is killed too.
 */
export async function runInProcessGroup(
  argv: readonly string[],
  options: RunInGroupOptions,
): Promise<ProcessEnd> {
  const [file, ...args] = argv;
  const started = performance.now();
  const seconds = (): number => (performance.now() - started) / 1000;
  if (file === undefined || file === "")
    return {
      exitCode: null,
      signal: null,
      timedOut: false,
      aborted: false,
      startError: "the command is empty",
      seconds: 0,
    };
  installExitHook();
  const child = execa(file, args, {
    cwd: options.cwd,
    shell: false,
    detached: true,
    cleanup: false,
    reject: false,
    stdin: "ignore",
    stdout: { file: options.stdoutFile },
    stderr: { file: options.stderrFile },
  });
  const pgid = child.pid;
  if (pgid !== undefined) liveGroups.add(pgid);
  let timedOut = false;
  let aborted = false;
  let graceTimer: NodeJS.Timeout | undefined;
  const stop = (): void => {
    if (pgid === undefined || graceTimer !== undefined) return;
    killGroup(pgid, "SIGTERM");
    graceTimer = setTimeout(() => killGroup(pgid, "SIGKILL"), options.killGraceMs ?? 2000);
  };
  const timer = setLongTimeout(() => {
    timedOut = true;
    stop();
  }, options.timeoutMs);
  const onAbort = (): void => {
    aborted = true;
    stop();
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  const handled = (options.alsoStopOn ?? []).filter((s) => process.listenerCount(s) > 0);
  for (const s of handled) process.on(s, onAbort);
  try {
    const r = await child;
    const startError =
      r.failed && r.exitCode === undefined && r.signal === undefined && !timedOut && !aborted
        ? (r.shortMessage ?? "the program could not be started")
        : null;
    return {
      exitCode: r.exitCode ?? null,
      signal: r.signal ?? null,
      timedOut,
      aborted,
      startError,
      seconds: seconds(),
    };
  } finally {
    timer.clear();
    if (graceTimer !== undefined) clearTimeout(graceTimer);
    options.signal?.removeEventListener("abort", onAbort);
    for (const s of handled) process.off(s, onAbort);
    if (pgid !== undefined) {
      killGroup(pgid, "SIGKILL");
      liveGroups.delete(pgid);
    }
  }
}
