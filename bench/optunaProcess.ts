/**
 * Drives one of the Optuna reference scripts (bench/optuna_tpe.py, bench/optuna_multi_objective.py)
 * over stdin/stdout with Debian's /usr/bin/python3 (python3-optuna): one study per `run`, one
 * JSON line per ask and per tell. `open` returns null when that Python has no optuna module.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { Parameter, Point } from "../src/space/parameters.js";

export const OPTUNA_PYTHON = "/usr/bin/python3";

export class OptunaProcess {
  private readonly proc;
  private readonly lines: AsyncIterator<string>;

  private constructor(script: string) {
    const path = fileURLToPath(new URL(`./${script}`, import.meta.url));
    this.proc = spawn(OPTUNA_PYTHON, [path], { stdio: ["pipe", "pipe", "inherit"] });
    this.lines = createInterface({ input: this.proc.stdout })[Symbol.asyncIterator]();
  }

  static async open(script: string): Promise<OptunaProcess | null> {
    if (!existsSync(OPTUNA_PYTHON)) return null;
    const ok = await new Promise<boolean>((resolve) => {
      const p = spawn(OPTUNA_PYTHON, ["-c", "import optuna"], { stdio: "ignore" });
      p.on("exit", (code) => {
        resolve(code === 0);
      });
      p.on("error", () => {
        resolve(false);
      });
    });
    return ok ? new OptunaProcess(script) : null;
  }

  /**
   * One study of `budget` trials. `start` holds the script's extra start fields (e.g.
   * directions); `answer` evaluates a point and returns the tell line's fields.
   */
  async run(
    parameters: readonly Parameter[],
    seed: number,
    budget: number,
    start: Record<string, unknown>,
    answer: (p: Point) => Record<string, unknown>,
  ): Promise<void> {
    this.proc.stdin.write(JSON.stringify({ seed, budget, space: parameters, ...start }) + "\n");
    for (;;) {
      const r = await this.lines.next();
      if (r.done) throw new Error("the Optuna script ended early");
      const msg = JSON.parse(r.value) as { params?: Point; done?: boolean };
      if (msg.done) return;
      this.proc.stdin.write(JSON.stringify(answer(msg.params!)) + "\n");
    }
  }

  close(): void {
    this.proc.stdin.end();
  }
}
