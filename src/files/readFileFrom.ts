import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { open } from "node:fs/promises";

/** Bytes read at most per call, so a program that prints fast never makes one huge read. */
export const MAX_READ_BYTES = 1024 * 1024;

/**
 * The bytes of a file in the span `span` picks from its size (start and length, the length
 * cut to what the file holds); null when the file does not exist.
 */
async function readSpan(
  path: string,
  span: (size: number) => { start: number; length: number },
): Promise<Buffer | null> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  try {
    const { start, length } = span((await handle.stat()).size);
    if (length <= 0) return Buffer.alloc(0);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, start);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * The last `maxBytes` bytes of a file (all of it when it is smaller); null when it does not
 * exist.
 */
export function readFileTail(path: string, maxBytes: number): Promise<Buffer | null> {
  return readSpan(path, (size) => {
    const length = Math.min(maxBytes, size);
    return { start: size - length, length };
  });
}

/**
 * The bytes of a file from `offset` on (at most `maxBytes`), for following a file that grows
 * (a running program's output) without reading it again from its start. Resolves null when the
 * file does not exist (yet); an empty buffer when nothing was added.
 */
export function readFileFrom(
  path: string,
  offset: number,
  maxBytes = MAX_READ_BYTES,
): Promise<Buffer | null> {
  return readSpan(path, (size) => ({
    start: offset,
    length: Math.max(0, Math.min(maxBytes, size - offset)),
  }));
}

/** readFileTail for a caller that cannot wait (the local executor's end of an attempt). */
export function readFileTailSync(path: string, maxBytes: number): Buffer | null {
  let fd;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  try {
    // The opened file's size, not the path's: the path may name another file by now (rotated).
    const size = fstatSync(fd).size;
    const length = Math.min(maxBytes, size);
    const buffer = Buffer.alloc(length);
    const bytesRead = readSync(fd, buffer, 0, length, size - length);
    return buffer.subarray(0, bytesRead);
  } finally {
    closeSync(fd);
  }
}
