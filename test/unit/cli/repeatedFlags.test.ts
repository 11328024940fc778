import { describe, expect, it } from "vitest";
import { keepLastOccurrence, lastValueWins } from "../../../src/cli/repeatedFlags.js";
import { OMNIOPT2_COMPAT_OPTIONS } from "../../../src/cli/omniopt2Flags.js";
import { RUN_OPTIONS } from "../../../src/cli/runOptions.js";

const OPTIONS = { ...RUN_OPTIONS, ...OMNIOPT2_COMPAT_OPTIONS };
const words = (text: string): string[] => text.split(" ");

describe("keepLastOccurrence", () => {
  it("keeps only the last value of a repeated flag, in either form (yargs made 2 then 1 into 3)", () => {
    expect(keepLastOccurrence(words("--max_eval 2 --seed 4 --max_eval 1"), OPTIONS)).toEqual(
      words("--seed 4 --max_eval 1"),
    );
    expect(keepLastOccurrence(words("--max_eval=2 --max_eval 1"), OPTIONS)).toEqual(
      words("--max_eval 1"),
    );
    expect(keepLastOccurrence(words("--max_eval 5 --max_eval=3"), OPTIONS)).toEqual([
      "--max_eval=3",
    ]);
  });

  it("treats an alias as the flag and keeps array flags, booleans' neighbours and unknown words", () => {
    expect(
      keepLastOccurrence(
        [
          "spec.yaml",
          "--continue_previous_job",
          "runs/a/0",
          "--experiment_constraints",
          "x >= 0",
          "--follow",
          "--continue",
          "runs/b/0",
          "--experiment_constraints",
          "x <= 1",
          "--follow",
          "--seed",
          "-3",
        ],
        OPTIONS,
      ),
    ).toEqual([
      "spec.yaml",
      "--experiment_constraints",
      "x >= 0",
      "--continue",
      "runs/b/0",
      "--experiment_constraints",
      "x <= 1",
      "--follow",
      "--seed",
      "-3",
    ]);
  });

  it("leaves a boolean's following word alone unless it is true or false", () => {
    expect(keepLastOccurrence(words("--follow x --follow false"), OPTIONS)).toEqual(
      words("x --follow false"),
    );
  });
});

describe("lastValueWins", () => {
  it("takes the last element of an array yargs made of a repeated non-array flag", () => {
    expect(lastValueWins({ max_eval: [5, 2], constraint: ["a", "b"] }, OPTIONS)).toEqual({
      max_eval: 2,
      constraint: ["a", "b"],
    });
  });
});
