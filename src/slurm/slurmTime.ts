/**
 * Slurm's time and memory notations: time limits and elapsed times ("5", "5:00", "01:02:03",
 * "1-00:00:00", "UNLIMITED"), memory sizes ("100M", "4G", "2048").
 */

/**
 * Parses a Slurm duration into seconds. Accepts the sbatch --time forms "M", "M:S", "H:M:S",
 * "D-H", "D-H:M", "D-H:M:S" (which also cover what squeue, sinfo, scontrol and sacct print).
 * Returns Infinity for "UNLIMITED"/"INFINITE" and null for anything it does not understand
 * ("NONE", "N/A", "Partition_Limit", "").
 */
export function parseSlurmDuration(text: string): number | null {
  const s = text.trim();
  if (/^(UNLIMITED|INFINITE)$/i.test(s)) return Infinity;
  let m = /^(\d+)-(\d+)(?::(\d+))?(?::(\d+))?$/.exec(s);
  if (m) {
    return Number(m[1]) * 86400 + Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  }
  m = /^(\d+)(?::(\d+))?(?::(\d+))?$/.exec(s);
  if (!m) return null;
  const [a, b, c] = [m[1], m[2], m[3]].map((v) => (v === undefined ? undefined : Number(v)));
  if (c !== undefined) return a! * 3600 + b! * 60 + c;
  if (b !== undefined) return a! * 60 + b;
  return a! * 60;
}

/** Formats seconds for sbatch --time as D-HH:MM:SS (rounded up to whole seconds, at least 1 s). */
export function formatSlurmDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new RangeError(`a Slurm time limit must be a positive number of seconds, got ${seconds}`);
  }
  const total = Math.ceil(seconds);
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const hms = [h, m, s].map((v) => String(v).padStart(2, "0")).join(":");
  return d > 0 ? `${d}-${hms}` : hms;
}

const MEMORY_UNITS_MB: Record<string, number> = { K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 };

/**
 * Parses a Slurm memory size into megabytes: "100M", "4G", "1.5T", "512K"; a bare number is
 * megabytes, as sbatch reads it. Returns Infinity for "UNLIMITED" and null when not a size.
 */
export function parseSlurmMemoryMb(text: string): number | null {
  const s = text.trim();
  if (/^UNLIMITED$/i.test(s)) return Infinity;
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT])?B?$/i.exec(s);
  if (!m) return null;
  const unit = MEMORY_UNITS_MB[(m[2] ?? "M").toUpperCase()]!;
  return Number(m[1]) * unit;
}

/** Formats megabytes for sbatch --mem / --mem-per-cpu (whole megabytes, rounded up). */
export function formatSlurmMemory(mb: number): string {
  if (!Number.isFinite(mb) || mb <= 0) {
    throw new RangeError(`a Slurm memory size must be a positive number of megabytes, got ${mb}`);
  }
  return `${Math.ceil(mb)}M`;
}

/** Parses sacct/squeue timestamps ("2026-11-23T11:53:23") as local time; null for Unknown/None/N/A. */
export function parseSlurmTimestamp(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return new Date(y, mo - 1, d, h, mi, s).getTime();
}
