/**
 * Which items a plot draws when there are too many: every `keep` position, then evenly spaced
 * others until `cap` is reached. Returns ascending positions.
 */
export function evenSample(
  n: number,
  cap: number,
  keep: ReadonlySet<number> = new Set(),
): number[] {
  if (n <= cap) return Array.from({ length: n }, (_, i) => i);
  const chosen = new Set<number>([...keep].filter((i) => i >= 0 && i < n).slice(0, cap));
  const room = cap - chosen.size;
  if (room > 0) {
    const step = n / room;
    for (let j = 0; j < room; j++) chosen.add(Math.min(n - 1, Math.floor(j * step)));
  }
  return [...chosen].sort((a, b) => a - b);
}
