import type { GeneratorInput } from "./generator.js";

/**
 * How often each point (space.key) was tried: completed, failed and pending trials. Reads the
 * input's triedCounts when the caller keeps it (never changed: this call's additions are kept
 * on top), else counts the history, so a proposal costs no walk over a large campaign.
 */
export class TriedCounts {
  private readonly own = new Map<string, number>();

  private constructor(private readonly base: ReadonlyMap<string, number> | null) {}

  static of(input: GeneratorInput): TriedCounts {
    if (input.triedCounts) return new TriedCounts(input.triedCounts);
    const counts = new TriedCounts(null);
    const { space } = input;
    for (const o of input.completed) counts.add(space.key(o.point));
    for (const p of input.failed) counts.add(space.key(p));
    for (const p of input.pending) counts.add(space.key(p));
    return counts;
  }

  get(key: string): number {
    return (this.base?.get(key) ?? 0) + (this.own.get(key) ?? 0);
  }

  has(key: string): boolean {
    return this.get(key) > 0;
  }

  add(key: string): void {
    this.own.set(key, (this.own.get(key) ?? 0) + 1);
  }
}
