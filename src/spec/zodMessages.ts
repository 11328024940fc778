import type { z } from "zod";

/** Turns zod issues into one line per problem, naming the field path. */
export function formatZodIssues(issues: readonly z.core.$ZodIssue[], prefix = ""): string {
  return issues
    .map((issue) => {
      const path = [
        prefix,
        ...issue.path.map((p) => (typeof p === "number" ? `[${p}]` : String(p))),
      ]
        .filter((s) => s !== "")
        .join(".")
        .replace(/\.\[/g, "[");
      const field = path === "" ? "spec" : `field "${path}"`;
      if (issue.code === "unrecognized_keys")
        return `${field}: unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}; check the spelling (see README "Spec reference")`;
      return `${field}: ${issue.message}`;
    })
    .join("\n");
}
