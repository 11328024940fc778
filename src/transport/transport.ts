/**
 * Everything the Slurm executor does on the cluster goes through a Transport, so local and
 * SSH mode run the same code. Paths are absolute paths on the cluster side.
 */

export interface RunOptions {
  /** Text written to the command's stdin. */
  stdin?: string;
  /** Kill the command after this many milliseconds; the result then has timedOut = true. */
  timeoutMs?: number;
  /** Extra environment variables (local transport merges them into a clean copy of process.env). */
  env?: Record<string, string>;
  /** Working directory on the cluster side. */
  cwd?: string;
  /**
   * The command may safely run twice (squeue, sacct, sinfo, scontrol, scancel, cat...): a
   * transport that loses its connection while it runs (SSH) runs it again on a new one. Never
   * set it for sbatch: a lost sbatch is reconciled by job name instead. Local runs ignore it.
   */
  idempotent?: boolean;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  /** Exit code, or null when the command was killed (signal or time-out). */
  exitCode: number | null;
  timedOut: boolean;
}

export interface FileEntry {
  name: string;
  isDirectory: boolean;
  size: number;
  mtimeMs: number;
}

export interface ReadFileOptions {
  /** Read at most this many bytes, from the end of the file. */
  lastBytes?: number;
}

export interface Transport {
  /** A short description for logs and messages, e.g. "local" or "ssh user@host:22". */
  readonly description: string;
  /**
   * Runs argv[0] with the arguments argv[1..] WITHOUT a shell on the local side. (SSH joins the
   * words with POSIX shell quoting, so no argument can change the command's structure.)
   */
  run(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  /**
   * Reads a file (with `lastBytes`: only its last `lastBytes` bytes when it is larger); resolves
   * null when it does not exist.
   */
  readFile(path: string, options?: ReadFileOptions): Promise<string | null>;
  /**
   * The bytes of a growing file from `offset` on, at most `maxBytes` (default 1 MiB; null when
   * it does not exist, empty when nothing was added): follows a running program's output. SSH
   * reads over its one SFTP channel. Optional: a transport without it cannot follow output.
   */
  readFrom?(path: string, offset: number, maxBytes?: number): Promise<Buffer | null>;
  /** Writes a file atomically (temporary name, then rename), creating parent directories. */
  writeFile(path: string, content: string, mode?: number): Promise<void>;
  /** Creates a directory and its parents (no error when it exists). */
  mkdir(path: string): Promise<void>;
  /**
   * Which of these files exist (one batched check: a stat each locally, one command over SSH).
   * A file that cannot be checked counts as absent.
   */
  whichExist(paths: readonly string[]): Promise<Set<string>>;
  /** Lists a directory; resolves [] when it does not exist. */
  list(path: string): Promise<FileEntry[]>;
  /** Removes a file or a directory tree (no error when absent). */
  remove(path: string): Promise<void>;
  /** Releases connections. Idempotent. */
  close(): Promise<void>;
}
