import { createRequire } from "node:module";

/** slurmopt's version (package.json two folders up, from src/daemon and from dist/daemon). */
export function slurmoptVersion(): string {
  try {
    const pkg = createRequire(import.meta.url)("../../package.json") as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
}
