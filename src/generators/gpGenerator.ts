/**
 * "gp": Gaussian-process Bayesian optimization (Matern-5/2 ARD, log expected improvement; see
 * gp/gpPropose.ts). By default each proposal runs in a worker thread that is started on first
 * use and kept (unreferenced while idle, so it never keeps the process alive).
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { GeneratorError } from "../errors/errors.js";
import type { ErrorCode } from "../errors/errors.js";
import type { Point } from "../space/parameters.js";
import type { Generator, GeneratorInput } from "./generator.js";
import type { GpOptions } from "./gp/gpPropose.js";
import { proposeGp } from "./gp/gpPropose.js";
import type { GpResponse } from "./gp/workerProtocol.js";
import { toRequest } from "./gp/workerProtocol.js";

export interface GpGeneratorOptions extends GpOptions {
  /** Run fitting and acquisition in a worker thread (default true). */
  readonly inWorker?: boolean;
}

interface Waiting {
  readonly resolve: (p: Point[]) => void;
  readonly reject: (e: Error) => void;
}

/**
 * How to start the worker script next to this module: gpWorker.js when running from dist;
 * gpWorker.ts when running from source (tsx, vitest), through a small bootstrap that registers
 * tsx's loader in the worker first (a worker's own execArgv loader does not apply to its entry).
 */
export function workerSource(): { code: string | URL; eval: boolean } {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return { code: new URL("./gpWorker.js", here), eval: false };
  const tsxApi = tsxEsmApi(here);
  const entry = new URL("./gpWorker.ts", here).href;
  const code = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return { code, eval: true };
}

/** The ESM entry of tsx's register API (import.meta.resolve where the runtime has it). */
function tsxEsmApi(here: string): string {
  try {
    return import.meta.resolve("tsx/esm/api");
  } catch {
    const cjs = createRequire(here).resolve("tsx/esm/api");
    return pathToFileURL(cjs.replace(/index\.cjs$/, "index.mjs")).href;
  }
}

class GpWorkerClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();

  private start(): Worker {
    if (this.worker) return this.worker;
    const src = workerSource();
    const w = new Worker(src.code, { eval: src.eval });
    w.on("message", (res: GpResponse) => {
      const h = this.waiting.get(res.id);
      if (!h) return;
      this.waiting.delete(res.id);
      if (this.waiting.size === 0) w.unref();
      if (res.ok) h.resolve(res.points);
      else
        h.reject(
          new GeneratorError(
            (res.code as ErrorCode | null) ?? "GENERATOR_ERROR",
            `gp: ${res.message}`,
          ),
        );
    });
    const failAll = (e: Error): void => {
      for (const h of this.waiting.values()) h.reject(e);
      this.waiting.clear();
      this.worker = null;
    };
    w.on("error", (e) => {
      failAll(
        new GeneratorError("GENERATOR_ERROR", `gp: the model worker crashed: ${e.message}`, {
          cause: e,
        }),
      );
    });
    w.on("exit", (code) => {
      if (this.worker === w)
        failAll(
          new GeneratorError("GENERATOR_ERROR", `gp: the model worker exited with code ${code}`),
        );
    });
    this.worker = w;
    return w;
  }

  propose(input: GeneratorInput, count: number, options: GpOptions): Promise<Point[]> {
    const signal = input.signal;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const w = this.start();
    const id = this.nextId++;
    return new Promise<Point[]>((resolve, reject) => {
      const onAbort = (): void => {
        this.waiting.delete(id);
        // The fit cannot be interrupted inside the thread: stop the thread, a new one starts next time.
        this.stop();
        reject(abortError(signal!));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.set(id, {
        resolve: (p) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(p);
        },
        reject: (e) => {
          signal?.removeEventListener("abort", onAbort);
          reject(e);
        },
      });
      w.ref();
      w.postMessage(toRequest(id, input, count, options));
    });
  }

  stop(): void {
    const w = this.worker;
    this.worker = null;
    if (w) void w.terminate();
    for (const h of this.waiting.values())
      h.reject(new GeneratorError("GENERATOR_ERROR", "gp: the model worker was stopped"));
    this.waiting.clear();
  }
}

function abortError(signal: AbortSignal): Error {
  return new GeneratorError("GENERATOR_ERROR", "gp: proposal aborted", { cause: signal.reason });
}

export interface GpGenerator extends Generator {
  /** Stops the worker thread (if any); a later propose starts a new one. */
  close(): void;
}

export function createGpGenerator(options: GpGeneratorOptions = {}): GpGenerator {
  const { inWorker = true, ...gpOptions } = options;
  const client = inWorker ? new GpWorkerClient() : null;
  return {
    name: "gp",
    propose(input: GeneratorInput, n: number): Promise<Point[]> {
      if (client) return client.propose(input, n, gpOptions);
      try {
        return Promise.resolve(proposeGp(input, n, gpOptions));
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
    },
    close(): void {
      client?.stop();
    },
  };
}
