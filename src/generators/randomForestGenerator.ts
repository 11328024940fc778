/**
 * "randomforest": SMAC3's default surrogate (see rf/rfPropose.ts), OmniOpt2's RANDOMFOREST.
 * Runs on the main thread: a proposal takes milliseconds with tens of trials and stays under
 * half a second with 2,000 (docs/benchmarks.md).
 */
import type { Point } from "../space/parameters.js";
import type { Generator, GeneratorInput } from "./generator.js";
import type { RandomForestOptions } from "./rf/rfPropose.js";
import { proposeRandomForest } from "./rf/rfPropose.js";

export function createRandomForestGenerator(options: RandomForestOptions = {}): Generator {
  return {
    name: "randomforest",
    propose(input: GeneratorInput, n: number): Promise<Point[]> {
      try {
        return Promise.resolve(proposeRandomForest(input, n, options));
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
    },
  };
}
