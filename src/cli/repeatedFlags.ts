import type { Options } from "yargs";

/**
 * A flag given more than once takes its last value, as argparse (OmniOpt2's parser) does:
 * `--max_eval 3 --max_eval 5` is 5. yargs collects the values of a repeated flag into an array,
 * which then failed validation ("expected number, received array") or, for `--model`, was
 * dropped. Flags declared as arrays (`--constraint`, OmniOpt2's `--experiment_constraints`,
 * which argparse appends too) keep every value.
 */
export function lastValueWins<T extends Record<string, unknown>>(
  args: T,
  options: Readonly<Record<string, Options>>,
): T {
  const out: Record<string, unknown> = { ...args };
  for (const [name, option] of Object.entries(options)) {
    const v = out[name];
    if (option.array !== true && Array.isArray(v) && v.length > 0)
      out[name] = (v as unknown[])[v.length - 1];
  }
  return out as T;
}
