import { randomBytes } from "node:crypto";
import {
  chmod,
  lstat,
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { execa } from "execa";
import { readFileFrom, readFileTail } from "../files/readFileFrom.js";
import { ClusterError } from "../errors/errors.js";
import type { FileEntry, ReadFileOptions, RunOptions, RunResult, Transport } from "./transport.js";

export interface LocalTransportOptions {
  /** Time-out for commands that set none themselves; undefined means none. */
  defaultTimeoutMs?: number;
  /** After a time-out, SIGTERM is sent first and SIGKILL this many ms later (default 2000). */
  killGraceMs?: number;
}

/** Runs commands and touches files on this machine: execa without a shell, node:fs for files. */
export class LocalTransport implements Transport {
  readonly description = "local";
  private readonly defaultTimeoutMs: number | undefined;
  private readonly killGraceMs: number;

  constructor(options: LocalTransportOptions = {}) {
    this.defaultTimeoutMs = options.defaultTimeoutMs;
    this.killGraceMs = options.killGraceMs ?? 2000;
  }

  async run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const [file, ...args] = argv;
    if (file === undefined || file === "") {
      throw new ClusterError(
        "TRANSPORT_ERROR",
        "local transport: run() needs a command; argv was empty",
      );
    }
    const timeout = options.timeoutMs ?? this.defaultTimeoutMs;
    const result = await execa(file, args, {
      reject: false,
      shell: false,
      stripFinalNewline: false,
      env: options.env ?? {},
      extendEnv: true,
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      ...(options.stdin !== undefined ? { input: options.stdin } : { stdin: "ignore" as const }),
      ...(timeout !== undefined ? { timeout } : {}),
      forceKillAfterDelay: this.killGraceMs,
      encoding: "utf8",
    });
    const stdout = typeof result.stdout === "string" ? result.stdout : "";
    let stderr = typeof result.stderr === "string" ? result.stderr : "";
    let exitCode: number | null = result.exitCode ?? null;
    if (
      result.failed &&
      result.exitCode === undefined &&
      result.signal === undefined &&
      !result.timedOut
    ) {
      // The command could not be started (not found, not executable, bad cwd): answer like a
      // shell would, so that callers treat local and SSH the same way.
      stderr = `${stderr}${result.shortMessage}\n`;
      exitCode = 127;
    }
    if (result.signal !== undefined || result.timedOut) exitCode = null;
    return { stdout, stderr, exitCode, timedOut: result.timedOut };
  }

  async readFile(path: string, options: ReadFileOptions = {}): Promise<string | null> {
    try {
      if (options.lastBytes !== undefined)
        return (await readFileTail(path, options.lastBytes))?.toString("utf8") ?? null;
      return await readFile(path, "utf8");
    } catch (e) {
      if (isMissing(e)) return null;
      throw fsError("read", path, e);
    }
  }

  readFrom(path: string, offset: number, maxBytes?: number): Promise<Buffer | null> {
    return readFileFrom(path, offset, maxBytes).catch((e: unknown) => {
      throw fsError("read", path, e);
    });
  }

  async writeFile(path: string, content: string, mode?: number): Promise<void> {
    const dir = dirname(path);
    const tmp = join(
      dir,
      `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`,
    );
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(tmp, content, mode !== undefined ? { encoding: "utf8", mode } : "utf8");
      // The umask may have narrowed the mode given to open().
      if (mode !== undefined) await chmod(tmp, mode);
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw fsError("write", path, e);
    }
  }

  async mkdir(path: string): Promise<void> {
    try {
      await mkdir(path, { recursive: true });
    } catch (e) {
      throw fsError("create directory", path, e);
    }
  }

  async whichExist(paths: readonly string[]): Promise<Set<string>> {
    const found = await Promise.all(
      paths.map((p) =>
        stat(p).then(
          () => true,
          () => false,
        ),
      ),
    );
    return new Set(paths.filter((_, i) => found[i]));
  }

  async list(path: string): Promise<FileEntry[]> {
    let names: string[];
    try {
      names = await readdir(path);
    } catch (e) {
      if (isMissing(e)) return [];
      throw fsError("list", path, e);
    }
    const entries: FileEntry[] = [];
    for (const name of names.sort()) {
      const full = join(path, name);
      // stat follows symbolic links; a dangling one is listed as what it is.
      const s = await stat(full).catch(() => lstat(full).catch(() => null));
      if (s === null) continue; // removed meanwhile
      entries.push({ name, isDirectory: s.isDirectory(), size: s.size, mtimeMs: s.mtimeMs });
    }
    return entries;
  }

  async remove(path: string): Promise<void> {
    try {
      await rm(path, { recursive: true, force: true });
    } catch (e) {
      throw fsError("remove", path, e);
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

function fsError(action: string, path: string, cause: unknown): ClusterError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ClusterError(
    "TRANSPORT_ERROR",
    `local transport: could not ${action} ${path}: ${reason}; check that the path exists and is writable`,
    { cause },
  );
}
