/**
 * "tpe": tree-structured Parzen estimator (see tpe/tpePropose.ts). Cheap enough to run on the
 * main thread (milliseconds per proposal).
 */
import type { Point } from "../space/parameters.js";
import type { Generator, GeneratorInput } from "./generator.js";
import type { TpeOptions } from "./tpe/tpePropose.js";
import { proposeTpe } from "./tpe/tpePropose.js";

export type TpeGeneratorOptions = TpeOptions;

export function createTpeGenerator(options: TpeGeneratorOptions = {}): Generator {
  return {
    name: "tpe",
    propose(input: GeneratorInput, n: number): Promise<Point[]> {
      try {
        return Promise.resolve(proposeTpe(input, n, options));
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
    },
  };
}
