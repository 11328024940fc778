import { describe, expect, it } from "vitest";
import { filesystemTypeOf, journalModeFor } from "../../../src/store/journalMode.js";

/** /proc/mounts as recorded on a cluster login node (paths chosen not to exist here). */
const MOUNTS = [
  "overlay / overlay rw,relatime,lowerdir=/l,upperdir=/u,workdir=/w 0 0",
  "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0",
  "tmpfs /dev/shm tmpfs rw,nosuid,nodev 0 0",
  "/dev/sda1 /slurmopt-test/local ext4 rw,relatime 0 0",
  "nfs01:/export/home /slurmopt-test/home nfs4 rw,relatime,vers=4.2,rsize=1048576 0 0",
  "nfs01:/export/home/proj /slurmopt-test/home/proj/fast xfs rw 0 0",
  "10.0.0.5@o2ib:/lustre /slurmopt-test/lustre lustre rw,flock,lazystatfs 0 0",
  "gpfs0 /slurmopt-test/gpfs gpfs rw,relatime 0 0",
  "beegfs_nodev /slurmopt-test/beegfs beegfs rw,relatime 0 0",
  "sshfs#u@host:/ /slurmopt-test/sshfs fuse.sshfs rw,nosuid,nodev 0 0",
  "//srv/share /slurmopt-test/smb cifs rw 0 0",
  "nfs02:/scratch /slurmopt-test/my\\040scratch nfs rw 0 0",
  "nfs02:/tab /slurmopt-test/tab\\011dir nfs rw 0 0",
  "/dev/sdb1 /slurmopt-test/data ext4 rw 0 0",
  "",
].join("\n");

describe("filesystemTypeOf", () => {
  it.each([
    ["/slurmopt-test/local/runs/demo/0", "ext4"],
    ["/slurmopt-test/home/u/runs/demo/0", "nfs4"],
    ["/slurmopt-test/home", "nfs4"],
    ["/slurmopt-test/home/proj/fast/runs", "xfs"],
    ["/slurmopt-test/home/proj/faster", "nfs4"],
    ["/slurmopt-test/lustre/u/runs", "lustre"],
    ["/slurmopt-test/my scratch/runs", "nfs"],
    ["/slurmopt-test/tab\tdir/runs", "nfs"],
    ["/slurmopt-test/data2/runs", "overlay"],
    ["/opt/other", "overlay"],
  ])("finds the longest mount holding %s: %s", (path, type) => {
    expect(filesystemTypeOf(path, MOUNTS)).toBe(type);
  });

  it("returns null when no mount holds the path", () => {
    expect(filesystemTypeOf("/slurmopt-test/x", "nfs01:/a /slurmopt-test/home nfs 0 0")).toBeNull();
    expect(filesystemTypeOf("/slurmopt-test/x", "")).toBeNull();
  });
});

describe("journalModeFor", () => {
  it.each([
    "/slurmopt-test/home/u/runs",
    "/slurmopt-test/lustre/runs",
    "/slurmopt-test/gpfs/runs",
    "/slurmopt-test/beegfs/runs",
    "/slurmopt-test/sshfs/runs",
    "/slurmopt-test/smb/runs",
    "/slurmopt-test/my scratch/runs",
  ])("uses a rollback journal on the network filesystem under %s", (path) => {
    expect(journalModeFor(path, MOUNTS)).toBe("DELETE");
  });

  it.each([
    "/slurmopt-test/local/runs",
    "/slurmopt-test/home/proj/fast/runs",
    "/opt/runs",
    "/dev/shm/r",
  ])("uses WAL on the local filesystem under %s", (path) => {
    expect(journalModeFor(path, MOUNTS)).toBe("WAL");
  });

  it("uses WAL when the filesystem is unknown", () => {
    expect(journalModeFor("/slurmopt-test/x", "")).toBe("WAL");
  });
});
