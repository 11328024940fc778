/**
 * Projected L-BFGS for minimizing a smooth function within box bounds (and, optionally, any
 * convex feasible set given as a predicate: the line search then only accepts feasible points,
 * so a start inside the set stays inside). Variables at a bound whose gradient points outward
 * are held fixed for the step (an active-set rule); the quasi-Newton direction is computed on
 * the free variables and the trial point is projected onto the box.
 */

export interface BoundedProblem {
  /** Value and gradient at x; a non-finite value counts as "outside the domain". */
  readonly evaluate: (x: Float64Array) => { value: number; grad: Float64Array } | null;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly feasible?: (x: Float64Array) => boolean;
}

export interface MinimizeOptions {
  readonly maxIterations?: number;
  readonly memory?: number;
  /** Stop when the relative decrease of f over one iteration is below this. */
  readonly ftol?: number;
  /** Stop when the projected gradient's largest entry is below this. */
  readonly pgtol?: number;
}

export interface MinimizeResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly iterations: number;
}

function project(x: Float64Array, lo: Float64Array, hi: Float64Array): void {
  for (let i = 0; i < x.length; i++) x[i] = Math.min(hi[i]!, Math.max(lo[i]!, x[i]!));
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function minimizeBounded(
  prob: BoundedProblem,
  x0: Float64Array,
  opts: MinimizeOptions = {},
): MinimizeResult {
  const maxIter = opts.maxIterations ?? 100;
  const m = opts.memory ?? 8;
  const ftol = opts.ftol ?? 1e-9;
  const pgtol = opts.pgtol ?? 1e-6;
  const { lower: lo, upper: hi } = prob;
  const n = x0.length;
  const x = Float64Array.from(x0);
  project(x, lo, hi);
  let cur = prob.evaluate(x);
  if (!cur || !Number.isFinite(cur.value)) return { x, value: Infinity, iterations: 0 };
  const sHist: Float64Array[] = [];
  const yHist: Float64Array[] = [];
  const free = new Uint8Array(n);
  let it = 0;
  for (; it < maxIter; it++) {
    const g = cur.grad;
    let pg = 0;
    for (let i = 0; i < n; i++) {
      const atLo = x[i]! <= lo[i]! && g[i]! > 0;
      const atHi = x[i]! >= hi[i]! && g[i]! < 0;
      free[i] = atLo || atHi ? 0 : 1;
      if (free[i]) pg = Math.max(pg, Math.abs(g[i]!));
    }
    if (pg < pgtol) break;
    // Two-loop recursion on the free variables.
    const q = new Float64Array(n);
    for (let i = 0; i < n; i++) q[i] = free[i] ? g[i]! : 0;
    const alphas: number[] = [];
    for (let k = sHist.length - 1; k >= 0; k--) {
      const s = sHist[k]!;
      const y = yHist[k]!;
      const rho = 1 / dot(y, s);
      const a = rho * dot(s, q);
      alphas[k] = a;
      for (let i = 0; i < n; i++) if (free[i]) q[i] = q[i]! - a * y[i]!;
    }
    if (sHist.length > 0) {
      const s = sHist[sHist.length - 1]!;
      const y = yHist[yHist.length - 1]!;
      const gamma = dot(s, y) / dot(y, y);
      for (let i = 0; i < n; i++) q[i] = q[i]! * gamma;
    } else {
      // First step: scale so that the largest move is about 10% of the box.
      let gmax = 0;
      for (let i = 0; i < n; i++) gmax = Math.max(gmax, Math.abs(q[i]!) / (hi[i]! - lo[i]! || 1));
      const scale = gmax > 0 ? 0.1 / gmax : 1;
      for (let i = 0; i < n; i++) q[i] = q[i]! * scale;
    }
    for (let k = 0; k < sHist.length; k++) {
      const s = sHist[k]!;
      const y = yHist[k]!;
      const rho = 1 / dot(y, s);
      const b = rho * dot(y, q);
      for (let i = 0; i < n; i++) if (free[i]) q[i] = q[i]! + s[i]! * (alphas[k]! - b);
    }
    // direction d = -q; fall back to steepest descent if not a descent direction
    let slope = 0;
    for (let i = 0; i < n; i++) if (free[i]) slope -= g[i]! * q[i]!;
    if (!(slope < 0)) {
      sHist.length = 0;
      yHist.length = 0;
      let gmax = 0;
      for (let i = 0; i < n; i++) if (free[i]) gmax = Math.max(gmax, Math.abs(g[i]!));
      for (let i = 0; i < n; i++) q[i] = free[i] ? (g[i]! * 0.1) / gmax : 0;
    }
    let t = 1;
    let accepted: { value: number; grad: Float64Array } | null = null;
    const xn = new Float64Array(n);
    for (let ls = 0; ls < 30; ls++) {
      for (let i = 0; i < n; i++) xn[i] = free[i] ? x[i]! - t * q[i]! : x[i]!;
      project(xn, lo, hi);
      if (!prob.feasible || prob.feasible(xn)) {
        const ev = prob.evaluate(xn);
        if (ev && Number.isFinite(ev.value)) {
          let decrease = 0;
          for (let i = 0; i < n; i++) decrease += g[i]! * (xn[i]! - x[i]!);
          if (ev.value <= cur.value + 1e-4 * Math.min(decrease, 0)) {
            accepted = ev;
            break;
          }
        }
      }
      t *= 0.5;
    }
    if (!accepted) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xn[i]! - x[i]!;
      y[i] = accepted.grad[i]! - g[i]!;
    }
    const prev = cur.value;
    x.set(xn);
    cur = accepted;
    if (dot(s, y) > 1e-12 * Math.max(1e-300, dot(y, y))) {
      sHist.push(s);
      yHist.push(y);
      if (sHist.length > m) {
        sHist.shift();
        yHist.shift();
      }
    }
    if (Math.abs(prev - cur.value) <= ftol * Math.max(1, Math.abs(cur.value))) {
      it++;
      break;
    }
  }
  return { x, value: cur.value, iterations: it };
}
