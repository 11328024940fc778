/**
 * SMAC's expected improvement for a model of log costs (EI with log=True; Hutter et al. 2009,
 * closed form derived by Watanabe 2024): with log cost Y ~ N(m, s^2) and the incumbent's log
 * cost f, the expected improvement of the cost itself is
 *
 *   EI = E[max(0, e^f - e^Y)] = e^f Phi(v) - e^(m + s^2/2) Phi(v - s),   v = (f - m) / s.
 *
 * Returned as its logarithm, computed without cancellation or overflow: with the Mills ratio
 * R(t) = (1 - Phi(t)) / phi(t) = sqrt(pi/2) erfcx(t / sqrt 2), the second term equals
 * e^f phi(v) R(s - v), and Phi(v) = phi(v) R(-v), so far below the incumbent
 * EI = e^f phi(v) (R(-v) - R(s - v)) with both R at positive arguments.
 */
import { erfcx, normalCdf } from "../gp/normal.js";

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const SQRT_HALF_PI = Math.sqrt(Math.PI / 2);

/** Mills ratio (1 - Phi(t)) / phi(t) for t >= 0. */
function millsRatio(t: number): number {
  return SQRT_HALF_PI * erfcx(t / Math.SQRT2);
}

function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
}

/**
 * log EI of a log-normal cost below e^f, for log-cost mean m and standard deviation s > 0
 * (-Infinity where the improvement is zero in double precision).
 */
export function logNormalLogEi(m: number, s: number, f: number): number {
  const v = (f - m) / s;
  let diff: number; // EI / e^f
  if (v < -1) {
    const logPhi = -0.5 * v * v - LOG_SQRT_2PI;
    const r = millsRatio(-v) - millsRatio(s - v);
    return r > 0 ? f + logPhi + Math.log(r) : -Infinity;
  } else {
    const second =
      s - v > 0 ? normalPdf(v) * millsRatio(s - v) : Math.exp(s * (s / 2 - v)) * normalCdf(v - s);
    diff = normalCdf(v) - second;
  }
  return diff > 0 ? f + Math.log(diff) : -Infinity;
}

/** The plain closed form (for tests; overflows and cancels where logNormalLogEi does not). */
export function logNormalEiDirect(m: number, s: number, f: number): number {
  const v = (f - m) / s;
  return Math.exp(f) * normalCdf(v) - Math.exp(m + (s * s) / 2) * normalCdf(v - s);
}
