import { describe, expect, it } from "vitest";
import { keepLastOccurrence, lastValueWins } from "../../../src/cli/repeatedFlags.js";
import { OMNIOPT2_COMPAT_OPTIONS } from "../../../src/cli/omniopt2Flags.js";
import { RUN_OPTIONS } from "../../../src/cli/runOptions.js";

const OPTIONS = { ...RUN_OPTIONS, ...OMNIOPT2_COMPAT_OPTIONS };
const words = (text: string): string[] => text.split(" ");

describe("keepLastOccurrence", () => {
  it.each([
    // yargs made 2 then 1 into 3
    ["--max_eval 2 --seed 4 --max_eval 1", "--seed 4 --max_eval 1"],
    ["--max_eval=2 --max_eval 1", "--max_eval 1"],
    ["--max_eval 5 --max_eval=3", "--max_eval=3"],
    // a boolean's following word stays unless it is true or false
    ["--follow x --follow false", "x --follow false"],
  ])("keeps only the last value of a repeated flag, in either form: %s", (given, kept) => {
    expect(keepLastOccurrence(words(given), OPTIONS)).toEqual(words(kept));
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
});

describe("lastValueWins", () => {
  it("takes the last element of an array yargs made of a repeated non-array flag", () => {
    expect(lastValueWins({ max_eval: [5, 2], constraint: ["a", "b"] }, OPTIONS)).toEqual({
      max_eval: 2,
      constraint: ["a", "b"],
    });
  });
});
