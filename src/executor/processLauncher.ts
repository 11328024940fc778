import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { ClusterError, InputError } from "../errors/errors.js";
import { signalFromNumber } from "./exitStatusFile.js";

/**
 * A long-lived bash that starts the local attempts. Forking a small shell costs a fraction of
 * forking the controller (whose cost grows with its memory), so the local executor's overhead
 * per trial stays near a bare spawn loop's.
 *
 * Protocol: for each attempt the controller writes a header of exactly HEADER_BYTES bytes,
 * "<key> <script bytes> <path bytes>" padded with spaces, then the path of the attempt's script
 * and the script itself. Every part is taken with `read -N`, one read call each (bash reads
 * lines from a pipe one byte at a time; LC_ALL=C makes -N count bytes). The launcher forks a
 * background job of its own process group (bash's `set -m` works without a terminal, dash's
 * does not), so a time-out can signal the whole group, and answers "started <key> <pid>". The
 * job, not the controller, writes the script file (0600; the program keeps the launcher's
 * umask) and execs /bin/sh on it; it answers "unwritable <key> 0" if the file cannot be
 * written. The script answers "ended <key> <exit code> [<signal number>]" on fd 3 when its program ends. `jobs`
 * reaps finished jobs at every launch, so no zombies pile up. Jobs outlive the launcher and the
 * controller: a resumed controller adopts them.
 */
const HEADER_BYTES = 64;
const LAUNCHER = `set -m -f
exec 3>&1 1>/dev/null
slurmopt_lc_set=\${LC_ALL+set} slurmopt_lc=\${LC_ALL-} slurmopt_umask=$(umask)
LC_ALL=C
while IFS= read -r -N ${HEADER_BYTES} slurmopt_head && set -- $slurmopt_head &&
  IFS= read -r -N "$3" slurmopt_path && IFS= read -r -N "$2" slurmopt_script; do
  slurmopt_key=$1
  {
    if [ -n "$slurmopt_lc_set" ]; then LC_ALL=$slurmopt_lc; else unset LC_ALL; fi
    umask 077
    if ! printf '%s' "$slurmopt_script" 2>/dev/null >"$slurmopt_path"; then
      echo "unwritable $slurmopt_key 0" >&3
      exit 126
    fi
    umask "$slurmopt_umask"
    exec /bin/sh "$slurmopt_path"
  } &
  echo "started $slurmopt_key $!" >&3
  jobs >/dev/null 2>&1
done`;

export class ProcessLauncher {
  private child: ChildProcess | null = null;
  private readonly starts = new Map<
    string,
    { resolve: (pid: number) => void; reject: (e: Error) => void }
  >();

  constructor(
    private readonly onEnded: (key: string, exitCode: number, killedBy: string | null) => void,
    private readonly onUnwritable: (key: string) => void,
  ) {}

  private ensure(): ChildProcess {
    if (this.child) return this.child;
    const child = spawn("/bin/bash", ["-c", LAUNCHER, "slurmopt-launcher"], {
      stdio: ["pipe", "pipe", "ignore"],
      detached: true,
    });
    child.unref();
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      const [what, key, value, killed] = line.split(" ");
      if (key === undefined || value === undefined) return;
      if (what === "started") {
        const waiting = this.starts.get(key);
        this.starts.delete(key);
        if (this.starts.size === 0) this.setRef(child, false);
        waiting?.resolve(Number(value));
      } else if (what === "ended") this.onEnded(key, Number(value), signalFromNumber(killed));
      else if (what === "unwritable") this.onUnwritable(key);
    });
    child.on("exit", () => {
      if (this.child === child) this.child = null;
      for (const w of this.starts.values())
        w.reject(new ClusterError("EXECUTOR_ERROR", "the local launcher shell ended unexpectedly"));
      this.starts.clear();
    });
    child.stdin.on("error", () => undefined);
    // The launcher keeps the controller alive only while a launch awaits its pid.
    this.setRef(child, false);
    this.child = child;
    return child;
  }

  /**
   * Writes `script` to `scriptPath` and runs it with /bin/sh in the background as a process
   * group of its own (both in the launched job); resolves with its pid.
   */
  launch(key: string, scriptPath: string, script: string): Promise<number> {
    if (/\s/.test(key))
      return Promise.reject(
        new ClusterError("EXECUTOR_ERROR", `launch key ${JSON.stringify(key)} has a space`),
      );
    const header = `${key} ${Buffer.byteLength(script)} ${Buffer.byteLength(scriptPath)}`;
    if (Buffer.byteLength(header) > HEADER_BYTES)
      return Promise.reject(
        new ClusterError("EXECUTOR_ERROR", `launch key ${JSON.stringify(key)} is too long`),
      );
    // bash drops NUL bytes when it reads, which would shift every later launch.
    if (script.includes("\0") || scriptPath.includes("\0"))
      return Promise.reject(
        new InputError(
          "SPEC_INVALID",
          `the script for ${scriptPath} holds a NUL byte (from a parameter value or the program?), which no shell can pass on; remove it from the spec`,
        ),
      );
    const child = this.ensure();
    return new Promise((resolve, reject) => {
      this.starts.set(key, { resolve, reject });
      this.setRef(child, true);
      child.stdin!.write(`${header.padEnd(HEADER_BYTES)}${scriptPath}${script}`);
    });
  }

  private setRef(child: ChildProcess, ref: boolean): void {
    for (const stream of [child.stdin, child.stdout] as unknown as {
      ref?: () => void;
      unref?: () => void;
    }[]) {
      if (ref) stream.ref?.();
      else stream.unref?.();
    }
  }

  /** Ends the launcher (its jobs keep running in their own process groups). */
  close(): void {
    const child = this.child;
    this.child = null;
    if (!child) return;
    child.stdin!.end();
    child.stdout!.destroy();
  }
}
