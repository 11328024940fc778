import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import { STDERR_FILE } from "../executor/exitStatusFile.js";

/**
 * The last `maxLines` lines (at most `maxBytes`) of an attempt's stderr in the campaign folder
 * (jobs/<trial>/<attempt>/stderr), or null when it is not readable from here (an SSH campaign
 * keeps its job folders on the cluster).
 */
export function stderrTail(
  campaignDir: string,
  trialIndex: number,
  attemptNo: number,
  maxLines = 20,
  maxBytes = 4096,
): string | null {
  const path = join(campaignDir, "jobs", String(trialIndex), String(attemptNo), STDERR_FILE);
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return null;
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, maxBytes);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    const lines = buf.toString("utf8").replace(/\s+$/, "").split("\n");
    if (length < size) lines.shift(); // the first line was cut
    return lines.slice(-maxLines).join("\n");
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}
