import type { GeneratorInput } from "./generator.js";

/** The keys (space.key) of every completed, failed and pending point: what not to propose again. */
export function triedKeys(input: GeneratorInput): Set<string> {
  const { space } = input;
  const keys = new Set<string>();
  for (const o of input.completed) keys.add(space.key(o.point));
  for (const p of input.failed) keys.add(space.key(p));
  for (const p of input.pending) keys.add(space.key(p));
  return keys;
}
