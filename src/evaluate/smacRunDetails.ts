/**
 * SMAC's per-run details for SMAC-style programs: the seed each trial gets and the instance it
 * runs on. Both are pure functions of the campaign seed and the trial index, so a resumed or
 * re-run campaign (and every retry of a trial) passes the same `--seed=` and `--instance=`.
 */
import type { SmacRunSettings } from "../spec/campaign.js";

/** An instance as SMAC's scenario names it: a name and its feature vector (may be empty). */
export interface SmacInstance {
  readonly name: string;
  readonly features: readonly number[];
}

/** A 32-bit avalanche mix (the finalizer of MurmurHash3) of two integers. */
function mix(a: number, b: number): number {
  let h = (Math.imul(a | 0, 0x9e3779b1) ^ Math.imul(b | 0, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The seed trial `index` passes as `--seed=`: the campaign seed itself with `seeds: campaign`
 * (SMAC's deterministic=True), otherwise a number in [0, 2^31) derived from the campaign seed
 * and the trial index (different for every trial, the same on every attempt and every resume).
 */
export function smacSeedFor(
  settings: SmacRunSettings,
  campaignSeed: number,
  index: number,
): number {
  if (settings.seeds === "campaign") return campaignSeed;
  // The campaign seed can exceed 32 bits: fold its high part in.
  const high = Math.floor(campaignSeed / 2 ** 32);
  return mix(mix(campaignSeed >>> 0, high), index) & 0x7fffffff;
}

/**
 * The instance trial `index` runs on, or null when the campaign has none: `round_robin` walks
 * the list in trial order; `random` draws one per trial from the campaign seed (reproducible).
 */
export function smacInstanceFor(
  settings: SmacRunSettings,
  campaignSeed: number,
  index: number,
): SmacInstance | null {
  const list = settings.instances;
  if (list.length === 0) return null;
  const at =
    settings.instanceOrder === "round_robin"
      ? index % list.length
      : mix(mix(campaignSeed >>> 0, 0x51a7c), index) % list.length;
  return list[at]!;
}
