import { InputError } from "../errors/errors.js";

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * Parses a duration with its unit ("90s", "30m", "2h", "1d", "1h30m") into seconds.
 * A bare number uses `bareUnit` (OmniOpt2's --worker_timeout is in minutes).
 */
export function parseDuration(text: string | number, field: string, bareUnit?: "s" | "m"): number {
  if (typeof text === "number" || /^\s*\d+(\.\d+)?\s*$/.test(text)) {
    const n = Number(text);
    if (!bareUnit)
      throw new InputError(
        "SPEC_INVALID",
        `${field}: "${text}" has no unit; write it with one, e.g. "${n}m" (s, m, h or d)`,
      );
    if (!(n > 0)) throw new InputError("SPEC_INVALID", `${field}: must be > 0, got ${n}`);
    return n * UNITS[bareUnit]!;
  }
  const s = text.trim().toLowerCase();
  const re = /(\d+(?:\.\d+)?)\s*([smhd])/g;
  let total = 0;
  let consumed = "";
  for (const m of s.matchAll(re)) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    consumed += m[0];
  }
  if (consumed.replace(/\s/g, "") !== s.replace(/\s/g, "") || total <= 0) {
    throw new InputError(
      "SPEC_INVALID",
      `${field}: cannot read "${text}" as a duration; use a number with a unit such as "90s", "30m", "2h" or "1h30m"`,
    );
  }
  return total;
}

/** Formats seconds as Slurm's [D-]HH:MM:SS (rounded up to whole seconds). */
export function slurmTime(seconds: number): string {
  const s = Math.ceil(seconds);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const hms = [h, m, sec].map((v) => String(v).padStart(2, "0")).join(":");
  return d > 0 ? `${d}-${hms}` : hms;
}
