import { describe, expect, it } from "vitest";
import type { Objective } from "../../../src/generators/generator.js";
import { paretoFront } from "../../../src/report/paretoFront.js";

const MIN_MIN: Objective[] = [
  { name: "a", goal: "min" },
  { name: "b", goal: "min" },
];

describe("paretoFront", () => {
  it("keeps the points no other point dominates", () => {
    const values = [
      { a: 1, b: 5 },
      { a: 2, b: 2 },
      { a: 5, b: 1 },
      { a: 3, b: 3 }, // dominated by (2, 2)
      { a: 6, b: 6 }, // dominated by all
    ];
    expect(paretoFront(values, MIN_MIN)).toEqual([0, 1, 2]);
  });

  it("honours each objective's goal", () => {
    const goals: Objective[] = [
      { name: "a", goal: "max" },
      { name: "b", goal: "min" },
    ];
    const values = [
      { a: 1, b: 1 },
      { a: 5, b: 1 }, // dominates the first when a is maximized
      { a: 6, b: 3 },
    ];
    expect(paretoFront(values, goals)).toEqual([1, 2]);
  });

  it("keeps equal points together (neither dominates the other)", () => {
    expect(
      paretoFront(
        [
          { a: 1, b: 1 },
          { a: 1, b: 1 },
          { a: 1, b: 2 },
        ],
        MIN_MIN,
      ),
    ).toEqual([0, 1]);
  });

  it("a point equal in one objective and better in the other dominates", () => {
    expect(
      paretoFront(
        [
          { a: 1, b: 2 },
          { a: 1, b: 1 },
        ],
        MIN_MIN,
      ),
    ).toEqual([1]);
  });

  it("with one objective keeps only the best (ties included)", () => {
    const one: Objective[] = [{ name: "a", goal: "min" }];
    expect(paretoFront([{ a: 3 }, { a: 1 }, { a: 2 }, { a: 1 }], one)).toEqual([1, 3]);
  });

  it("returns nothing for no points and the only point for one", () => {
    expect(paretoFront([], MIN_MIN)).toEqual([]);
    expect(paretoFront([{ a: 9, b: 9 }], MIN_MIN)).toEqual([0]);
  });
});
