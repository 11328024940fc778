import { InputError } from "../errors/errors.js";

/**
 * OmniOpt2's multi-word flags: `--parameter NAME range LO HI [int|float] [true|false]` (one
 * parameter per occurrence, its words given apart or as one quoted word) and `--result_names A=max
 * B=min`. yargs would merge repeated arrays,
 * so these are taken out of argv first, keeping each occurrence's words together.
 */
export interface GroupedFlags {
  parameters: string[][];
  resultNames: string[];
  rest: string[];
}

const GROUPED = new Set(["--parameter", "--result_names"]);

export function extractGroupedFlags(argv: readonly string[]): GroupedFlags {
  const parameters: string[][] = [];
  const resultNames: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    const [flag, inline] =
      token.includes("=") && token.startsWith("--") ? splitOnce(token) : [token, undefined];
    if (!GROUPED.has(flag)) {
      rest.push(token);
      continue;
    }
    let words: string[] = inline !== undefined ? [inline] : [];
    while (i + 1 < argv.length && !argv[i + 1]!.startsWith("--")) words.push(argv[++i]!);
    if (flag === "--parameter") {
      // OmniOpt2's own tests write a parameter as one quoted word (`--parameter "x range 0 1
      // int"`), which it splits on whitespace as well.
      if (words.length === 1)
        words = words[0]!
          .trim()
          .split(/\s+/)
          .filter((w) => w !== "");
      if (words.length === 0)
        throw new InputError(
          "FLAG_INVALID",
          `--parameter needs words: NAME range LO HI [int|float] [true|false], NAME choice a,b,c or NAME fixed VALUE`,
        );
      parameters.push(words);
    } else resultNames.push(...words);
  }
  return { parameters, resultNames, rest };
}

function splitOnce(token: string): [string, string] {
  const i = token.indexOf("=");
  return [token.slice(0, i), token.slice(i + 1)];
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A word in decimal notation as a finite number, else null. Not Number(): that reads "" and
 * " " as 0 and "0x1F" as 31, so `--parameter v fixed 0x1F` would run the program with 31.
 */
function decimalNumber(word: string): number | null {
  const t = word.trim();
  if (!DECIMAL.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** Turns one `--parameter` occurrence into a spec parameter entry. */
export function parameterFromWords(words: readonly string[]): Record<string, unknown> {
  const [name, type, ...args] = words;
  const shown = `--parameter ${words.join(" ")}`;
  const bad = (why: string): never => {
    throw new InputError("FLAG_INVALID", `${shown}: ${why}`);
  };
  if (!name || !type) return bad("needs a name and a type (range, choice or fixed)");
  switch (type.toLowerCase()) {
    case "range": {
      if (args.length < 2 || args.length > 4)
        bad("write NAME range LO HI [int|float] [true|false]");
      const low = decimalNumber(args[0]!);
      const high = decimalNumber(args[1]!);
      if (low === null || high === null)
        return bad(`bounds "${args[0]}" and "${args[1]}" must be decimal numbers`);
      const vt = (args[2] ?? "float").toLowerCase();
      if (vt !== "int" && vt !== "float") bad(`the type is "${args[2]}"; use int or float`);
      const log = (args[3] ?? "false").toLowerCase();
      if (log !== "true" && log !== "false")
        bad(`the log-scale word is "${args[3]}"; use true or false`);
      return {
        name,
        type: "range",
        bounds: [low, high],
        value_type: vt,
        log_scale: log === "true",
      };
    }
    case "choice": {
      if (args.length !== 1) bad("write NAME choice a,b,c (values separated by commas, no spaces)");
      const values = args[0]!.split(",").filter((v) => v !== "");
      if (values.length === 0) bad("has no values");
      // OmniOpt2 treats choice values as strings.
      return { name, type: "choice", values };
    }
    case "fixed": {
      if (args.length !== 1) bad("write NAME fixed VALUE");
      const v = args[0]!;
      return { name, type: "fixed", value: decimalNumber(v) ?? v };
    }
    default:
      return bad(`unknown type "${type}"; use range, choice or fixed`);
  }
}

/** `RESULT=max LOSS=min` (or a bare NAME, meaning min) into spec objectives. */
export function objectivesFromWords(
  words: readonly string[],
): { name: string; goal: "min" | "max" }[] {
  return words.map((w) => {
    const [name, goal = "min", ...more] = w.split("=");
    const g = goal.toLowerCase();
    if (!name || !/^[A-Za-z0-9_]+$/.test(name) || (g !== "min" && g !== "max") || more.length > 0)
      throw new InputError(
        "FLAG_INVALID",
        `--result_names: cannot read "${w}"; write NAME=min or NAME=max, e.g. RESULT=min`,
      );
    return { name, goal: g };
  });
}
