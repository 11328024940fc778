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

/**
 * Drops every occurrence but the last of a repeated flag that is not an array, before yargs
 * parses the words: yargs-parser itself mangles some repeats (`--max_eval 2 --max_eval 1` came
 * out as 3, the two counted like a counter flag), so the last value must be the only one it sees.
 * Aliases count as the flag (`--continue` and `--continue_previous_job`); words that are not
 * flags, unknown flags and array flags are kept as they are.
 */
export function keepLastOccurrence(
  argv: readonly string[],
  options: Readonly<Record<string, Options>>,
): string[] {
  const canonical = new Map<string, string>();
  for (const [name, option] of Object.entries(options)) {
    canonical.set(name, name);
    const aliases = option.alias === undefined ? [] : ([] as string[]).concat(option.alias);
    for (const a of aliases) canonical.set(a, name);
  }
  const items: { flag: string | null; words: string[] }[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    const name = word.startsWith("--") ? word.slice(2).split("=")[0]! : "";
    const flag = canonical.get(name);
    const option = flag === undefined ? undefined : options[flag];
    if (flag === undefined || option === undefined || option.array === true) {
      items.push({ flag: null, words: [word] });
      continue;
    }
    const words = [word];
    const next = argv[i + 1];
    const takesValue =
      !word.includes("=") &&
      next !== undefined &&
      !next.startsWith("--") &&
      (option.type !== "boolean" || next === "true" || next === "false");
    if (takesValue) words.push(argv[++i]!);
    items.push({ flag, words });
  }
  const last = new Map<string, number>();
  items.forEach((item, i) => {
    if (item.flag !== null) last.set(item.flag, i);
  });
  return items
    .filter((item, i) => item.flag === null || last.get(item.flag) === i)
    .flatMap((item) => item.words);
}
