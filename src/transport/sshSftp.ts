/**
 * File operations over one SFTP channel, promisified: read, atomic write (temporary name, then
 * posix-rename@openssh.com), mkdir -p, list and recursive remove. Errors are ssh2's own (with
 * the numeric SFTP status in `code`); the transport decides whether to retry and wraps them.
 */
import { posix } from "node:path";
import type { SFTPWrapper, Stats } from "ssh2";
import type { FileEntry } from "./transport.js";

const NO_SUCH_FILE = 2;
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;

type SftpError = Error & { code?: unknown };

function isNoSuchFile(e: unknown): boolean {
  return (e as SftpError).code === NO_SUCH_FILE;
}

function call<T>(fn: (cb: (err: Error | undefined | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    try {
      fn((err, value) => {
        if (err) reject(err);
        else resolve(value);
      });
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}

function done(fn: (cb: (err?: Error | null) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    try {
      fn((err) => {
        if (err) reject(err);
        else resolve();
      });
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}

/** SFTP resolves relative paths against the login directory, so `~/x` becomes `x`. */
export function sftpPath(path: string): string {
  if (path === "~" || path === "~/") return ".";
  if (path.startsWith("~/")) return path.slice(2);
  return path;
}

function isDirectory(attrs: { mode: number }): boolean {
  return (attrs.mode & S_IFMT) === S_IFDIR;
}

async function statOrNull(sftp: SFTPWrapper, path: string, follow = true): Promise<Stats | null> {
  try {
    return await call<Stats>((cb) => {
      if (follow) sftp.stat(path, cb);
      else sftp.lstat(path, cb);
    });
  } catch (e) {
    if (isNoSuchFile(e)) return null;
    throw e;
  }
}

export async function sftpReadFile(sftp: SFTPWrapper, path: string): Promise<string | null> {
  try {
    const data = await call<Buffer>((cb) => {
      sftp.readFile(sftpPath(path), cb);
    });
    return data.toString("utf8");
  } catch (e) {
    if (isNoSuchFile(e)) return null;
    throw e;
  }
}

export async function sftpMkdirp(sftp: SFTPWrapper, path: string): Promise<void> {
  const p = sftpPath(path);
  const existing = await statOrNull(sftp, p);
  if (existing !== null) {
    if (isDirectory(existing)) return;
    throw Object.assign(new Error(`${path} exists and is not a directory`), { code: 4 });
  }
  const parent = posix.dirname(p);
  if (parent !== p && parent !== "." && parent !== "/") await sftpMkdirp(sftp, parent);
  try {
    await done((cb) => {
      sftp.mkdir(p, cb);
    });
  } catch (e) {
    // Someone else may have created it meanwhile (SFTP v3 reports that as a generic failure).
    const now = await statOrNull(sftp, p);
    if (now === null || !isDirectory(now)) throw e;
  }
}

async function rename(sftp: SFTPWrapper, from: string, to: string): Promise<void> {
  try {
    await done((cb) => {
      sftp.ext_openssh_rename(from, to, cb);
    });
    return;
  } catch (e) {
    if (!/does not support/.test((e as Error).message)) throw e;
  }
  // Servers without posix-rename: SFTP v3 rename refuses to replace, so remove first (not atomic).
  try {
    await done((cb) => {
      sftp.unlink(to, cb);
    });
  } catch (e) {
    if (!isNoSuchFile(e)) throw e;
  }
  await done((cb) => {
    sftp.rename(from, to, cb);
  });
}

/**
 * Writes `content` to `tmpName` beside `path`, sets `mode`, then renames it over `path`.
 * Retrying with the same `tmpName` after a dropped connection is safe.
 */
export async function sftpWriteFileAtomic(
  sftp: SFTPWrapper,
  path: string,
  content: string,
  mode: number | undefined,
  tmpSuffix: string,
): Promise<void> {
  const p = sftpPath(path);
  const dir = posix.dirname(p);
  if (dir !== "." && dir !== "/") await sftpMkdirp(sftp, dir);
  const tmp = posix.join(dir, `.${posix.basename(p)}.${tmpSuffix}.tmp`);
  try {
    await done((cb) => {
      if (mode === undefined) sftp.writeFile(tmp, content, cb);
      else sftp.writeFile(tmp, content, { mode }, cb);
    });
    if (mode !== undefined) {
      // The server applies its umask at open; chmod makes the mode exact.
      await done((cb) => {
        sftp.chmod(tmp, mode, cb);
      });
    }
    await rename(sftp, tmp, p);
  } catch (e) {
    await done((cb) => {
      sftp.unlink(tmp, cb);
    }).catch(() => undefined);
    throw e;
  }
}

export async function sftpList(sftp: SFTPWrapper, path: string): Promise<FileEntry[]> {
  let list: { filename: string; attrs: Stats }[];
  try {
    list = await call((cb) => {
      sftp.readdir(sftpPath(path), cb);
    });
  } catch (e) {
    if (isNoSuchFile(e)) return [];
    throw e;
  }
  return list
    .filter((e) => e.filename !== "." && e.filename !== "..")
    .map((e) => ({
      name: e.filename,
      isDirectory: isDirectory(e.attrs),
      size: e.attrs.size,
      mtimeMs: e.attrs.mtime * 1000,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function sftpRemove(sftp: SFTPWrapper, path: string): Promise<void> {
  const p = sftpPath(path);
  const st = await statOrNull(sftp, p, false);
  if (st === null) return;
  const ignoreMissing = (e: unknown): void => {
    if (!isNoSuchFile(e)) throw e;
  };
  if (!isDirectory(st)) {
    await done((cb) => {
      sftp.unlink(p, cb);
    }).catch(ignoreMissing);
    return;
  }
  for (const entry of await sftpList(sftp, p)) await sftpRemove(sftp, posix.join(p, entry.name));
  await done((cb) => {
    sftp.rmdir(p, cb);
  }).catch(ignoreMissing);
}
