import type { z } from "zod";

type Issue = z.core.$ZodIssue;

/**
 * Turns zod issues into one line per problem, naming the field path. A failed union (the list
 * or mapping forms of `parameters` and `objectives`, the text or list forms of `strategy`) is
 * reported through the form the input came closest to, so the message names the entry and the
 * key that is wrong instead of zod's bare "Invalid input".
 */
export function formatZodIssues(issues: readonly Issue[], prefix = ""): string {
  return flatten(issues, [])
    .map(({ issue, path }) => formatIssue(issue, path, prefix))
    .join("\n");
}

interface Located {
  issue: Issue;
  path: readonly PropertyKey[];
}

function flatten(issues: readonly Issue[], base: readonly PropertyKey[]): Located[] {
  const out: Located[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const branch = closestBranch(issue.errors);
      if (branch) out.push(...flatten(branch, path));
      else out.push({ issue: { ...issue, message: expectedOneOf(issue.errors) }, path });
      continue;
    }
    out.push({ issue, path });
  }
  return out;
}

/**
 * The union member the input was written for: the one whose issues lie deepest, or one whose
 * type matched (its issue is not a type mismatch); null when the input matched no member's type.
 */
function closestBranch(branches: readonly (readonly Issue[])[]): readonly Issue[] | null {
  let best: readonly Issue[] | null = null;
  let bestScore = 0;
  for (const b of branches) {
    const depth = Math.max(0, ...b.map((i) => i.path.length));
    const typeMatched = b.some((i) => i.code !== "invalid_type");
    const score = depth * 2 + (typeMatched ? 1 : 0);
    if (score > bestScore) {
      best = b;
      bestScore = score;
    }
  }
  return best;
}

const TYPE_WORDS: Record<string, string> = {
  array: "a list",
  record: "a mapping",
  object: "a mapping",
  string: "a text",
  number: "a number",
  boolean: "true or false",
};

function expectedOneOf(branches: readonly (readonly Issue[])[]): string {
  const words = branches.flatMap((b) =>
    b.flatMap((i) => (i.code === "invalid_type" ? [TYPE_WORDS[i.expected] ?? i.expected] : [])),
  );
  const unique = [...new Set(words)];
  return unique.length > 0 ? `Invalid input: expected ${unique.join(" or ")}` : "Invalid input";
}

function formatIssue(issue: Issue, issuePath: readonly PropertyKey[], prefix: string): string {
  const path = [prefix, ...issuePath.map((p) => (typeof p === "number" ? `[${p}]` : String(p)))]
    .filter((s) => s !== "")
    .join(".")
    .replace(/\.\[/g, "[");
  const field = path === "" ? "spec" : `field "${path}"`;
  if (issue.code === "unrecognized_keys")
    return `${field}: unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}; check the spelling (see README "Spec reference")`;
  return `${field}: ${issue.message}`;
}
