import { describe, expect, it } from "vitest";
import { SobolSequence } from "../../../src/generators/sobol/sobolSequence.js";
import type { Parameter } from "../../../src/space/parameters.js";
import { formatNumber, formatValue, valueTypeOf } from "../../../src/space/parameters.js";
import { SearchSpace, sameValue } from "../../../src/space/searchSpace.js";

const fx: Parameter = {
  kind: "range",
  name: "x",
  valueType: "float",
  low: -2,
  high: 6,
  log: false,
};
const flr: Parameter = {
  kind: "range",
  name: "lr",
  valueType: "float",
  low: 1e-5,
  high: 1,
  log: true,
};
const ik: Parameter = { kind: "range", name: "k", valueType: "int", low: 3, high: 12, log: false };
const ilog: Parameter = {
  kind: "range",
  name: "units",
  valueType: "int",
  low: 1,
  high: 100,
  log: true,
};
const copt: Parameter = {
  kind: "choice",
  name: "opt",
  valueType: "string",
  values: ["adam", "sgd", "rmsprop"],
  ordered: false,
};
const cbatch: Parameter = {
  kind: "choice",
  name: "batch",
  valueType: "int",
  values: [16, 32, 64, 128],
  ordered: true,
};
const fixedSeed: Parameter = { kind: "fixed", name: "seed", valueType: "int", value: 42 };

/** 2^k points of the plain Sobol sequence in `dim` dimensions. */
function sobol(dim: number, count: number, scramble = false): Float64Array[] {
  return new SobolSequence(dim, scramble ? { seed: 3 } : { scramble: false }).take(count);
}

describe("SearchSpace: dimensions", () => {
  it("has one unit-cube dimension per free parameter, in declaration order, none for fixed ones", () => {
    const s = new SearchSpace([fixedSeed, fx, copt, ik, flr, cbatch]);
    expect(s.dim).toBe(5);
    expect(s.dimensions.map((d) => [d.name, d.kind])).toEqual([
      ["x", { type: "continuous" }],
      ["opt", { type: "categorical", levels: 3, ordered: false }],
      ["k", { type: "integer", levels: 10 }],
      ["lr", { type: "continuous" }],
      ["batch", { type: "categorical", levels: 4, ordered: true }],
    ]);
    expect(s.parameter("seed")).toBe(fixedSeed);
    expect(s.parameter("nope")).toBeUndefined();
  });
});

describe("SearchSpace: decode", () => {
  const s = new SearchSpace([fx, fixedSeed, ik, copt]);

  it("maps floats linearly and adds fixed values", () => {
    expect(s.decode([0, 0, 0])).toEqual({ x: -2, seed: 42, k: 3, opt: "adam" });
    expect(s.decode([1, 1, 1])).toEqual({ x: 6, seed: 42, k: 12, opt: "rmsprop" });
    expect(s.decode([0.25, 0.5, 0.5]).x).toBe(0);
  });

  it("clamps outside [0, 1] and reads NaN or a missing coordinate as the middle", () => {
    expect(s.decode([-3, 7, -1])).toEqual({ x: -2, seed: 42, k: 12, opt: "adam" });
    expect(s.decode([Number.NaN, Number.POSITIVE_INFINITY, 0.9])).toEqual({
      x: 2,
      seed: 42,
      k: 8,
      opt: "rmsprop",
    });
    expect(s.decode([])).toEqual({ x: 2, seed: 42, k: 8, opt: "sgd" });
  });

  it("gives integer levels equal-width bins of u", () => {
    const one = new SearchSpace([ik]);
    // 10 levels: [0, 0.1) -> 3, [0.1, 0.2) -> 4, ..., [0.9, 1] -> 12
    expect(one.decode([0.0999]).k).toBe(3);
    expect(one.decode([0.1]).k).toBe(4);
    expect(one.decode([0.95]).k).toBe(12);
  });

  it("maps log-scale floats geometrically", () => {
    const one = new SearchSpace([flr]);
    expect(one.decode([0]).lr).toBeCloseTo(1e-5, 18);
    expect(one.decode([0.2]).lr).toBeCloseTo(1e-4, 15);
    expect(one.decode([0.6]).lr).toBeCloseTo(1e-2, 13);
    expect(one.decode([1]).lr).toBe(1);
  });

  it("maps log-scale integers so that small values get wider bins than large ones", () => {
    const one = new SearchSpace([ilog]);
    const counts = new Map<number, number>();
    for (const u of sobol(1, 4096)) {
      const v = one.decode(u).units as number;
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect(counts.get(1)!).toBeGreaterThan(counts.get(10)!);
    expect(counts.get(10)!).toBeGreaterThan(counts.get(100)!);
  });
});

describe("SearchSpace: uniform unit-cube points reach every value", () => {
  it("1024 plain Sobol points give each of 10 integer levels 102 or 103 points", () => {
    const one = new SearchSpace([ik]);
    const counts = new Map<number, number>();
    for (const u of sobol(1, 1024)) {
      const v = one.decode(u).k as number;
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for (const c of counts.values()) {
      expect(c).toBeGreaterThanOrEqual(102);
      expect(c).toBeLessThanOrEqual(103);
    }
  });

  it("scrambled Sobol points reach every level of int, log-int and choice parameters", () => {
    const s = new SearchSpace([ik, ilog, copt, cbatch]);
    const seen = {
      k: new Set<unknown>(),
      units: new Set<unknown>(),
      opt: new Set<unknown>(),
      batch: new Set<unknown>(),
    };
    for (const u of sobol(4, 2048, true)) {
      const p = s.decode(u);
      for (const key of Object.keys(seen) as (keyof typeof seen)[]) seen[key].add(p[key]);
    }
    expect(seen.k.size).toBe(10);
    expect(seen.units.size).toBe(100);
    expect(seen.opt).toEqual(new Set(["adam", "sgd", "rmsprop"]));
    expect(seen.batch).toEqual(new Set([16, 32, 64, 128]));
  });

  it("the two end levels of an integer range get as many points as the middle ones", () => {
    const one = new SearchSpace([{ ...ik, low: 0, high: 3 }]);
    const counts = [0, 0, 0, 0];
    for (const u of sobol(1, 256)) counts[one.decode(u).k as number]!++;
    expect(counts).toEqual([64, 64, 64, 64]);
  });
});

describe("SearchSpace: encode and round trips", () => {
  it("puts integers and choices at their bin centres", () => {
    const s = new SearchSpace([ik, copt]);
    const u = s.encode({ k: 3, opt: "rmsprop" });
    expect(u[0]).toBeCloseTo(0.05, 15);
    expect(u[1]).toBeCloseTo(5 / 6, 15);
  });

  it("round-trips every integer, log integer and choice value exactly", () => {
    const s = new SearchSpace([ik, ilog, copt, cbatch, fixedSeed]);
    for (let k = 3; k <= 12; k++) {
      for (let units = 1; units <= 100; units++) {
        const p = { k, units, opt: "sgd", batch: 64, seed: 42 };
        expect(s.decode(s.encode(p))).toEqual(p);
      }
    }
    for (const opt of copt.values)
      for (const batch of cbatch.values) {
        const p = { k: 5, units: 7, opt, batch, seed: 42 };
        expect(s.decode(s.encode(p))).toEqual(p);
      }
  });

  it("round-trips floats and log floats to within rounding", () => {
    const s = new SearchSpace([fx, flr]);
    for (const [x, lr] of [
      [-2, 1e-5],
      [6, 1],
      [0.1, 3e-3],
      [5.999, 0.5],
    ] as const) {
      const back = s.decode(s.encode({ x, lr }));
      expect(back.x as number).toBeCloseTo(x, 12);
      expect((back.lr as number) / lr).toBeCloseTo(1, 12);
    }
    expect([...s.encode({ x: -2, lr: 1e-5 })]).toEqual([0, 0]);
    expect([...s.encode({ x: 6, lr: 1 })]).toEqual([1, 1]);
  });

  it("snap moves u to the centre of its bin and leaves floats alone", () => {
    const s = new SearchSpace([fx, ik, copt]);
    const u = s.snap([0.3, 0.12, 0.01]);
    expect(u[0]).toBeCloseTo(0.3, 15);
    expect(u[1]).toBeCloseTo(0.15, 15);
    expect(u[2]).toBeCloseTo(1 / 6, 15);
    expect(s.decode(u)).toEqual(s.decode([0.3, 0.12, 0.01]));
    expect([...s.snap(u)]).toEqual([...u]);
  });

  it('encodes a choice given as text like its number ("64" is 64)', () => {
    const s = new SearchSpace([cbatch]);
    expect([...s.encode({ batch: "64" })]).toEqual([...s.encode({ batch: 64 })]);
  });
});

describe("SearchSpace: check", () => {
  const s = new SearchSpace([fx, ik, copt, fixedSeed]);
  const good = { x: 1.5, k: 4, opt: "sgd", seed: 42 };

  it("accepts a valid point", () => {
    expect(s.check(good)).toBeNull();
    expect(s.check({ ...good, x: -2, k: 12 })).toBeNull();
  });

  it.each([
    [{ x: 1.5, k: 4, opt: "sgd" }, 'parameter "seed" is missing'],
    [{ ...good, seed: 41 }, 'parameter "seed" must be 42'],
    [{ ...good, opt: "lbfgs" }, 'parameter "opt" must be one of adam, sgd, rmsprop, got lbfgs'],
    [{ ...good, x: "1.5" }, 'parameter "x" must be a number, got "1.5"'],
    [{ ...good, x: Number.NaN }, 'parameter "x" must be a number, got null'],
    [{ ...good, k: 4.5 }, 'parameter "k" must be an integer, got 4.5'],
    [{ ...good, k: 13 }, 'parameter "k" must lie in [3, 12], got 13'],
    [{ ...good, x: -2.0001 }, 'parameter "x" must lie in [-2, 6], got -2.0001'],
    [{ ...good, extra: 1 }, 'unknown parameter "extra"'],
  ])("refuses %j: %s", (point, why) => {
    expect(s.check(point)).toBe(why);
  });
});

describe("SearchSpace: key", () => {
  const s = new SearchSpace([fx, copt, fixedSeed]);

  it("is equal for equal points whatever the key order", () => {
    expect(s.key({ x: 0.5, opt: "adam", seed: 42 })).toBe(s.key({ seed: 42, opt: "adam", x: 0.5 }));
  });

  it("differs when any value differs, and tells a number from its text", () => {
    const base = s.key({ x: 0.5, opt: "adam", seed: 42 });
    expect(s.key({ x: 0.5000001, opt: "adam", seed: 42 })).not.toBe(base);
    expect(s.key({ x: 0.5, opt: "sgd", seed: 42 })).not.toBe(base);
    const t = new SearchSpace([{ kind: "fixed", name: "v", valueType: "string", value: "1" }]);
    expect(t.key({ v: 1 })).not.toBe(t.key({ v: "1" }));
  });

  it("does not let one value's text run into the next name", () => {
    const t = new SearchSpace([
      { kind: "fixed", name: "a", valueType: "string", value: "1" },
      { kind: "fixed", name: "b", valueType: "string", value: "2" },
    ]);
    expect(t.key({ a: "1,b=2", b: "" })).not.toBe(t.key({ a: "1", b: "2" }));
  });
});

describe("parameters helpers", () => {
  it("formats numbers in shortest round-trip form", () => {
    expect(formatNumber(0.1)).toBe("0.1");
    expect(formatNumber(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(formatNumber(3)).toBe("3");
    expect(formatNumber(-0)).toBe("0");
    expect(formatNumber(1e-7)).toBe("1e-7");
    expect(formatValue("adam")).toBe("adam");
  });

  it("types choice values: string when any is text, int when all are whole, else float", () => {
    expect(valueTypeOf([1, 2, "3"])).toBe("string");
    expect(valueTypeOf([1, 2, 3])).toBe("int");
    expect(valueTypeOf([1, 2.5])).toBe("float");
  });

  it("compares choice values as text across types", () => {
    expect(sameValue(5, "5")).toBe(true);
    expect(sameValue("a", "a")).toBe(true);
    expect(sameValue(5, 6)).toBe(false);
    expect(sameValue(5, undefined)).toBe(false);
  });
});
