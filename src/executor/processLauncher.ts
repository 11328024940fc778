import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { ClusterError } from "../errors/errors.js";

/**
 * A long-lived /bin/sh that starts the local attempts. Forking a small shell costs a fraction of
 * forking the controller (whose cost grows with its memory), so the local executor's overhead
 * per trial stays near a bare spawn loop's.
 *
 * Protocol: the controller writes "<key> <script path>" lines; the launcher runs each script
 * as a background job of its own process group (`set -m`) and answers "started <key> <pid>";
 * the script answers "ended <key> <exit code>" on fd 3 when its program ends. `jobs` reaps
 * finished jobs at every launch, so no zombies pile up. Jobs outlive the launcher and the
 * controller: a resumed controller adopts them.
 */
const LAUNCHER = `set -m
exec 3>&1 1>/dev/null
while IFS=' ' read -r slurmopt_key slurmopt_script; do
  . "$slurmopt_script" &
  echo "started $slurmopt_key $!" >&3
  jobs >/dev/null 2>&1
done`;

export class ProcessLauncher {
  private child: ChildProcess | null = null;
  private readonly starts = new Map<
    string,
    { resolve: (pid: number) => void; reject: (e: Error) => void }
  >();

  constructor(private readonly onEnded: (key: string, exitCode: number) => void) {}

  private ensure(): ChildProcess {
    if (this.child) return this.child;
    const child = spawn("/bin/sh", ["-c", LAUNCHER], {
      stdio: ["pipe", "pipe", "ignore"],
      detached: true,
    });
    child.unref();
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      const [what, key, value] = line.split(" ");
      if (key === undefined || value === undefined) return;
      if (what === "started") {
        const waiting = this.starts.get(key);
        this.starts.delete(key);
        if (this.starts.size === 0) this.setRef(child, false);
        waiting?.resolve(Number(value));
      } else if (what === "ended") this.onEnded(key, Number(value));
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

  /** Starts `script` (a file sourced by sh) as its own process group; resolves with its pid. */
  launch(key: string, script: string): Promise<number> {
    if (/[\s]/.test(key) || script.includes("\n"))
      return Promise.reject(
        new ClusterError(
          "EXECUTOR_ERROR",
          `cannot launch ${JSON.stringify(script)}: a path with a line break`,
        ),
      );
    const child = this.ensure();
    return new Promise((resolve, reject) => {
      this.starts.set(key, { resolve, reject });
      this.setRef(child, true);
      child.stdin!.write(`${key} ${script}\n`);
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
