/**
 * The standard normal distribution and the scaled complementary error function, computed
 * stably far into the tails (log expected improvement needs both).
 */

const SQRT_PI = Math.sqrt(Math.PI);
const SQRT2 = Math.SQRT2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const SQRT_HALF_PI = Math.sqrt(Math.PI / 2);

/** erf(x) for |x| <= 2.5 by its everywhere-positive series (no cancellation). */
function erfSeries(x: number): number {
  // erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n 2^n x^(2n+1) / (1*3*...*(2n+1))
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return (2 / SQRT_PI) * Math.exp(-x2) * sum;
}

/** exp(x^2) * erfc(x) for x >= 2.5 by its continued fraction (backward recursion). */
function erfcxContinuedFraction(x: number): number {
  // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
  const terms = x < 4 ? 120 : x < 10 ? 60 : 30;
  let t = x;
  for (let k = terms; k >= 1; k--) t = x + k / 2 / t;
  return 1 / (SQRT_PI * t);
}

/** erfc(x) for any x. */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 2.5) return 1 - erfSeries(x);
  if (x > 27) return 0;
  return Math.exp(-x * x) * erfcxContinuedFraction(x);
}

/** erfcx(x) = exp(x^2) erfc(x) for x >= 0 (finite for every x >= 0; about 1/(x sqrt(pi))). */
export function erfcx(x: number): number {
  if (x < 0) return 2 * Math.exp(x * x) - erfcx(-x);
  if (x < 2.5) return Math.exp(x * x) * (1 - erfSeries(x));
  if (x > 1e8) return 1 / (SQRT_PI * x);
  return erfcxContinuedFraction(x);
}

export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
}

export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / SQRT2);
}

/** The expected improvement of a unit normal above z: h(z) = phi(z) + z Phi(z). */
export function expectedImprovementUnit(z: number): number {
  return normalPdf(z) + z * normalCdf(z);
}

const ASYMPTOTIC = 1e4;

/**
 * log h(z) with h(z) = phi(z) + z Phi(z), accurate for every z (Ament et al. 2023, "Unexpected
 * improvements to expected improvement"): direct for z > -1, and for z <= -1
 * log phi(z) + log(1 - |z| sqrt(pi/2) erfcx(|z|/sqrt 2)), with the series limit -2 log|z| in the
 * far tail. Returns also d log h / dz = Phi(z) / h(z).
 */
export function logH(z: number): { value: number; grad: number } {
  if (z > -1) {
    const h = expectedImprovementUnit(z);
    return { value: Math.log(h), grad: normalCdf(z) / h };
  }
  const a = -z;
  const logPhi = -0.5 * z * z - LOG_SQRT_2PI;
  if (a > ASYMPTOTIC) {
    const inv2 = 1 / (a * a);
    // 1 - q ~ 1/z^2 - 3/z^4 + 15/z^6
    return { value: logPhi + Math.log(inv2) + Math.log1p(-3 * inv2 + 15 * inv2 * inv2), grad: a };
  }
  const e = erfcx(a / SQRT2);
  const q = a * SQRT_HALF_PI * e;
  const oneMinusQ = 1 - q;
  return { value: logPhi + Math.log(oneMinusQ), grad: (SQRT_HALF_PI * e) / oneMinusQ };
}
