/**
 * How the random forest sees a conditional space's inactive coordinates (NaN in
 * SearchSpace.encode): as SMAC imputes them for its forest, a numeric or ordered coordinate
 * becomes -1, a value no active point has (the unit cube is [0, 1]), so a tree can split the
 * inactive trials off with one threshold; an unordered categorical coordinate gets one more
 * level, "inactive". Trees never compare NaN, whose order is undefined.
 */
import { levelOf } from "./regressionTree.js";

export interface Imputer {
  /** Per feature: levels of an unordered categorical feature (one more when conditional), 0 numeric. */
  readonly cat: Int32Array;
  /** The row the forest sees for a unit-cube row (the same array when nothing changes). */
  apply(u: Float64Array): Float64Array;
}

/** `conditional[f]`: feature f may be inactive; `levels[f]`: unordered levels, 0 for numeric. */
export function makeImputer(conditional: readonly boolean[], levels: Int32Array): Imputer {
  const d = levels.length;
  if (!conditional.some(Boolean)) return { cat: levels, apply: (u) => u };
  const cat = Int32Array.from(levels, (l, f) => (l > 0 && conditional[f] ? l + 1 : l));
  return {
    cat,
    apply(u: Float64Array): Float64Array {
      const out = new Float64Array(d);
      for (let f = 0; f < d; f++) {
        const v = u[f]!;
        const l = levels[f]!;
        if (l > 0 && conditional[f]) {
          // Active levels keep their order; the extra level (index l) is "inactive".
          const level = Number.isNaN(v) ? l : levelOf(v, l);
          out[f] = (level + 0.5) / (l + 1);
        } else out[f] = Number.isNaN(v) ? -1 : v;
      }
      return out;
    },
  };
}
