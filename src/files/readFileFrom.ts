import { open } from "node:fs/promises";

/** Bytes read at most per call, so a program that prints fast never makes one huge read. */
export const MAX_READ_BYTES = 1024 * 1024;

/**
 * The last `maxBytes` bytes of a file (all of it when it is smaller); null when it does not
 * exist.
 */
export async function readFileTail(path: string, maxBytes: number): Promise<Buffer | null> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  try {
    const size = (await handle.stat()).size;
    const n = Math.min(maxBytes, size);
    const buffer = Buffer.alloc(n);
    const { bytesRead } = await handle.read(buffer, 0, n, size - n);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * The bytes of a file from `offset` on (at most `maxBytes`), for following a file that grows
 * (a running program's output) without reading it again from its start. Resolves null when the
 * file does not exist (yet); an empty buffer when nothing was added.
 */
export async function readFileFrom(
  path: string,
  offset: number,
  maxBytes = MAX_READ_BYTES,
): Promise<Buffer | null> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  try {
    const size = (await handle.stat()).size;
    const n = Math.max(0, Math.min(maxBytes, size - offset));
    if (n === 0) return Buffer.alloc(0);
    const buffer = Buffer.alloc(n);
    const { bytesRead } = await handle.read(buffer, 0, n, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
