import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";

/** What reading a file the user or a program controls gave. */
export type RegularFileRead =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly missing: boolean; readonly problem: string };

/**
 * Reads a file that must be a regular file of at most `maxBytes` bytes. A FIFO, a device
 * (/dev/zero), a socket or a folder in its place is refused at once instead of blocking or
 * reading forever: the file is opened non-blocking and checked with fstat before any read.
 */
export function readRegularFile(path: string, maxBytes: number): RegularFileRead {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, missing: code === "ENOENT", problem: (e as Error).message };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile())
      return {
        ok: false,
        missing: false,
        problem: `${path} is not a regular file (it is ${kindOf(st)}); give a plain file`,
      };
    if (st.size > maxBytes)
      return {
        ok: false,
        missing: false,
        problem: `${path} is ${st.size} bytes, more than the ${maxBytes} bytes allowed`,
      };
    // Files in /proc report size 0: read in chunks up to the cap.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.alloc(
        Math.min(Math.max(st.size + 1 - total, 65_536), maxBytes + 1 - total),
      );
      if (buf.length === 0) break;
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > maxBytes)
        return {
          ok: false,
          missing: false,
          problem: `${path} holds more than the ${maxBytes} bytes allowed`,
        };
    }
    return { ok: true, text: Buffer.concat(chunks).toString("utf8") };
  } catch (e) {
    return { ok: false, missing: false, problem: (e as Error).message };
  } finally {
    closeSync(fd);
  }
}

function kindOf(st: ReturnType<typeof fstatSync>): string {
  if (st.isFIFO()) return "a FIFO";
  if (st.isDirectory()) return "a folder";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isSocket()) return "a socket";
  return "not a plain file";
}
