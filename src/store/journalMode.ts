import { readFileSync, realpathSync } from "node:fs";
import { resolve } from "node:path";

/** Filesystems where SQLite's WAL (shared memory) is unsafe: use a rollback journal there. */
const NETWORK_FS =
  /^(nfs|nfs4|cifs|smb3?|lustre|gpfs|beegfs|fuse\..*|ceph|glusterfs|9p|afs|pvfs2|orangefs)$/;

/** The filesystem type of the mount holding `path` (longest mount-point prefix in /proc/mounts). */
export function filesystemTypeOf(path: string, mountsText?: string): string | null {
  let text = mountsText;
  if (text === undefined) {
    try {
      text = readFileSync("/proc/mounts", "utf8");
    } catch {
      return null;
    }
  }
  const target = canonicalPath(path);
  let best: { mount: string; type: string } | null = null;
  for (const line of text.split("\n")) {
    const fields = line.split(" ");
    // /proc/mounts writes space, tab, newline and backslash in paths as octal escapes (\040 ...).
    const mount = fields[1]?.replace(/\\([0-7]{3})/g, (_, octal: string) =>
      String.fromCharCode(parseInt(octal, 8)),
    );
    const type = fields[2];
    if (!mount || !type) continue;
    const inside = target === mount || target.startsWith(mount === "/" ? "/" : `${mount}/`);
    if (inside && (!best || mount.length > best.mount.length)) best = { mount, type };
  }
  return best?.type ?? null;
}

/**
 * The path with symbolic links resolved, so a run folder reached through a link (a home
 * directory that links to /gpfs/home/u) is matched against the mount it really lies on.
 */
function canonicalPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

export function journalModeFor(path: string, mountsText?: string): "WAL" | "DELETE" {
  const type = filesystemTypeOf(path, mountsText);
  return type !== null && NETWORK_FS.test(type) ? "DELETE" : "WAL";
}
