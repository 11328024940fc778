/**
 * File operations over one SFTP channel: read, atomic write (temporary name, then
 * posix-rename@openssh.com), mkdir -p, list and recursive remove. Every request goes through
 * the SftpSession (a deadline, and a failure when the channel ends), reads and writes included:
 * ssh2's own readFile/writeFile send follow-up requests on a dead channel and never call back.
 * Errors are ssh2's own (with the numeric SFTP status in `code`) or the session's; the transport
 * decides whether to retry and wraps them.
 */
import { posix } from "node:path";
import type { Stats } from "ssh2";
import type { SftpSession } from "./sftpSession.js";
import type { FileEntry } from "./transport.js";

const NO_SUCH_FILE = 2;
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
/** Bytes of one read or write request (ssh2 splits it further to the server's limits). */
const CHUNK = 256 * 1024;

type SftpError = Error & { code?: unknown };

function isNoSuchFile(e: unknown): boolean {
  return (e as SftpError).code === NO_SUCH_FILE;
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

async function statOrNull(s: SftpSession, path: string, follow = true): Promise<Stats | null> {
  try {
    return await s.request<Stats>(`stat ${path}`, (cb) => {
      if (follow) s.sftp.stat(path, cb);
      else s.sftp.lstat(path, cb);
    });
  } catch (e) {
    if (isNoSuchFile(e)) return null;
    throw e;
  }
}

/** Closes a handle after a failure, only while the channel can still answer. */
async function closeQuietly(s: SftpSession, handle: Buffer, path: string): Promise<void> {
  if (!s.open) return;
  await s
    .done(`close ${path}`, (cb) => {
      s.sftp.close(handle, cb);
    })
    .catch(() => undefined);
}

/**
 * Reads a whole file (with `lastBytes`: its last `lastBytes` bytes at most), one request at a
 * time (each with its deadline), until end of file.
 */
export async function sftpReadFile(
  s: SftpSession,
  path: string,
  lastBytes?: number,
): Promise<string | null> {
  const bytes =
    lastBytes === undefined
      ? await readRange(s, path, 0, Number.POSITIVE_INFINITY, false)
      : await readRange(s, path, "tail", lastBytes, false);
  return bytes === null ? null : bytes.toString("utf8");
}

/**
 * The bytes of a growing file from `offset` on, at most `maxBytes` (null when it does not
 * exist; empty when nothing was added): open, reads until end of file or `maxBytes`, close,
 * each request with its deadline. Follows a running job's output without reading it again.
 */
export function sftpReadFrom(
  s: SftpSession,
  path: string,
  offset: number,
  maxBytes: number,
): Promise<Buffer | null> {
  // A short read is (almost always) the end of a growing file: the next poll reads on from there.
  return readRange(s, path, offset, maxBytes, true);
}

/**
 * Opens `path`, reads from `offset` (with "tail": from `maxBytes` before its end, or its start)
 * until a read returns nothing, `maxBytes` were read or (with `stopOnShortRead`) a read returns
 * less than asked, and closes it; null when it does not exist.
 */
async function readRange(
  s: SftpSession,
  path: string,
  from: number | "tail",
  maxBytes: number,
  stopOnShortRead: boolean,
): Promise<Buffer | null> {
  const p = sftpPath(path);
  let handle: Buffer;
  try {
    handle = await s.request<Buffer>(`open ${path}`, (cb) => {
      s.sftp.open(p, "r", cb);
    });
  } catch (e) {
    if (isNoSuchFile(e)) return null;
    throw e;
  }
  const chunks: Buffer[] = [];
  let total = 0;
  let offset = 0;
  try {
    if (from === "tail") {
      const attrs = await s.request<Stats>(`fstat ${path}`, (cb) => {
        s.sftp.fstat(handle, cb);
      });
      offset = Math.max(0, attrs.size - maxBytes);
    } else offset = from;
    while (total < maxBytes) {
      const want = Math.min(CHUNK, maxBytes - total);
      const buffer = Buffer.allocUnsafe(want);
      const n = await s.request<number>(`read ${path}`, (cb) => {
        s.sftp.read(handle, buffer, 0, want, offset + total, (err, bytesRead) => {
          cb(err, bytesRead);
        });
      });
      if (n === 0) break;
      chunks.push(buffer.subarray(0, n));
      total += n;
      if (stopOnShortRead && n < want) break;
    }
  } catch (e) {
    await closeQuietly(s, handle, path);
    throw e;
  }
  await s.done(`close ${path}`, (cb) => {
    s.sftp.close(handle, cb);
  });
  return Buffer.concat(chunks, total);
}

/** Creates or truncates `path` and writes `data` to it (each request with its deadline). */
async function writeWhole(
  s: SftpSession,
  path: string,
  data: Buffer,
  mode: number | undefined,
): Promise<void> {
  const handle = await s.request<Buffer>(`open ${path}`, (cb) => {
    if (mode === undefined) s.sftp.open(path, "w", cb);
    else s.sftp.open(path, "w", { mode }, cb);
  });
  try {
    for (let offset = 0; offset < data.length; offset += CHUNK) {
      const length = Math.min(CHUNK, data.length - offset);
      await s.done(`write ${path}`, (cb) => {
        s.sftp.write(handle, data, offset, length, offset, cb);
      });
    }
  } catch (e) {
    await closeQuietly(s, handle, path);
    throw e;
  }
  await s.done(`close ${path}`, (cb) => {
    s.sftp.close(handle, cb);
  });
}

export async function sftpMkdirp(s: SftpSession, path: string): Promise<void> {
  const p = sftpPath(path);
  const existing = await statOrNull(s, p);
  if (existing !== null) {
    if (isDirectory(existing)) return;
    throw Object.assign(new Error(`${path} exists and is not a directory`), { code: 4 });
  }
  const parent = posix.dirname(p);
  if (parent !== p && parent !== "." && parent !== "/") await sftpMkdirp(s, parent);
  try {
    await s.done(`mkdir ${p}`, (cb) => {
      s.sftp.mkdir(p, cb);
    });
  } catch (e) {
    // Someone else may have created it meanwhile (SFTP v3 reports that as a generic failure).
    if (!s.open) throw e;
    const now = await statOrNull(s, p);
    if (now === null || !isDirectory(now)) throw e;
  }
}

async function rename(s: SftpSession, from: string, to: string): Promise<void> {
  try {
    await s.done(`rename ${from}`, (cb) => {
      s.sftp.ext_openssh_rename(from, to, cb);
    });
    return;
  } catch (e) {
    if (!/does not support/.test((e as Error).message)) throw e;
  }
  // Servers without posix-rename: SFTP v3 rename refuses to replace, so remove first (not atomic).
  try {
    await s.done(`unlink ${to}`, (cb) => {
      s.sftp.unlink(to, cb);
    });
  } catch (e) {
    if (!isNoSuchFile(e)) throw e;
  }
  await s.done(`rename ${from}`, (cb) => {
    s.sftp.rename(from, to, cb);
  });
}

/**
 * Writes `content` to `tmpName` beside `path`, sets `mode`, then renames it over `path`.
 * Retrying with the same `tmpName` after a dropped connection is safe.
 */
export async function sftpWriteFileAtomic(
  s: SftpSession,
  path: string,
  content: string,
  mode: number | undefined,
  tmpSuffix: string,
): Promise<void> {
  const p = sftpPath(path);
  const dir = posix.dirname(p);
  if (dir !== "." && dir !== "/") await sftpMkdirp(s, dir);
  const tmp = posix.join(dir, `.${posix.basename(p)}.${tmpSuffix}.tmp`);
  try {
    await writeWhole(s, tmp, Buffer.from(content, "utf8"), mode);
    if (mode !== undefined) {
      // The server applies its umask at open; chmod makes the mode exact.
      await s.done(`chmod ${tmp}`, (cb) => {
        s.sftp.chmod(tmp, mode, cb);
      });
    }
    await rename(s, tmp, p);
  } catch (e) {
    // On a channel that went away the retry (same temporary name) overwrites it instead.
    if (s.open)
      await s
        .done(`unlink ${tmp}`, (cb) => {
          s.sftp.unlink(tmp, cb);
        })
        .catch(() => undefined);
    throw e;
  }
}

export async function sftpList(s: SftpSession, path: string): Promise<FileEntry[]> {
  let list: { filename: string; attrs: Stats }[];
  try {
    list = await s.request(`readdir ${path}`, (cb) => {
      s.sftp.readdir(sftpPath(path), cb);
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

export async function sftpRemove(s: SftpSession, path: string): Promise<void> {
  const p = sftpPath(path);
  const st = await statOrNull(s, p, false);
  if (st === null) return;
  const ignoreMissing = (e: unknown): void => {
    if (!isNoSuchFile(e)) throw e;
  };
  if (!isDirectory(st)) {
    await s
      .done(`unlink ${p}`, (cb) => {
        s.sftp.unlink(p, cb);
      })
      .catch(ignoreMissing);
    return;
  }
  for (const entry of await sftpList(s, p)) await sftpRemove(s, posix.join(p, entry.name));
  await s
    .done(`rmdir ${p}`, (cb) => {
      s.sftp.rmdir(p, cb);
    })
    .catch(ignoreMissing);
}
