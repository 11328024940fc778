import { describe, expect, it } from "vitest";
import {
  erfc,
  erfcx,
  expectedImprovementUnit,
  logH,
  normalCdf,
} from "../../../src/generators/gp/normal.js";
import { expectedImprovement, logExpectedImprovement } from "../../../src/generators/gp/logEi.js";

describe("erfc and erfcx", () => {
  it("match reference values to 1e-13 relative", () => {
    const ref: [number, number][] = [
      [0.5, 0.4795001221869535],
      [1, 0.1572992070502851],
      [3, 2.209049699858544e-5],
      [6, 2.151973671249892e-17],
    ];
    for (const [x, v] of ref) expect(Math.abs(erfc(x) / v - 1)).toBeLessThan(1e-12);
    const refx: [number, number][] = [
      [1, 0.427583576155807],
      [2, 0.2553956763105057],
      [10, 0.05614099274382259],
      [100, 0.005641613782989433],
    ];
    for (const [x, v] of refx) expect(Math.abs(erfcx(x) / v - 1)).toBeLessThan(1e-13);
  });

  it("erfcx is continuous where the series hands over to the continued fraction", () => {
    expect(Math.abs(erfcx(2.5 - 1e-12) / erfcx(2.5 + 1e-12) - 1)).toBeLessThan(1e-11);
  });

  it("normal cdf far in the lower tail keeps relative accuracy", () => {
    expect(Math.abs(normalCdf(-10) / 7.619853024160527e-24 - 1)).toBeLessThan(1e-12);
  });
});

describe("expected improvement", () => {
  it("matches the closed form sigma*(z Phi(z) + phi(z)) at known values", () => {
    // EI of N(0, 1) below 0 is phi(0) = 1/sqrt(2 pi)
    expect(expectedImprovement(0, 1, 0)).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 14);
    // mean 1, sigma 2, best 0: z = -0.5; h(-0.5) = phi(0.5) - 0.5 Phi(-0.5)
    const h = 0.3520653267642995 - 0.5 * 0.3085375387259869;
    expect(expectedImprovement(1, 2, 0)).toBeCloseTo(2 * h, 14);
    // far above the best: EI ~ best - mean
    expect(expectedImprovement(-10, 1e-3, 0)).toBeCloseTo(10, 12);
  });

  it("log EI equals log of EI where EI is representable", () => {
    for (const [m, s, b] of [
      [0, 1, 0],
      [1, 2, 0],
      [3, 1, 0],
      [-2, 0.5, 0],
      [8, 1, 0],
    ] as [number, number, number][]) {
      expect(logExpectedImprovement(m, s, b)).toBeCloseTo(
        Math.log(expectedImprovement(m, s, b)),
        10,
      );
    }
  });

  it("log h stays finite and follows the tail asymptotics where EI underflows", () => {
    // h(z) ~ phi(z) / z^2 for z -> -inf
    for (const z of [-40, -200, -5000, -2e4]) {
      const r = logH(z);
      const asym = -0.5 * z * z - 0.5 * Math.log(2 * Math.PI) - 2 * Math.log(-z);
      expect(Number.isFinite(r.value)).toBe(true);
      expect(Math.abs(r.value - asym)).toBeLessThan(4 / (z * z));
      expect(r.grad).toBeGreaterThan(-z * 0.99);
    }
    expect(expectedImprovementUnit(-40)).toBe(0);
  });

  it("log h derivative matches finite differences on both sides of z = -1", () => {
    for (const z of [2, 0.3, -0.9, -1.1, -3, -15]) {
      const e = 1e-6;
      const fd = (logH(z + e).value - logH(z - e).value) / (2 * e);
      expect(Math.abs(logH(z).grad - fd) / Math.abs(fd)).toBeLessThan(1e-6);
    }
  });
});
