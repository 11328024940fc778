#!/usr/bin/env node
// Entry point: runs the compiled CLI (built by `npm ci` / `npm run build` into dist/).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const main = join(root, "dist", "cli", "main.js");
if (!existsSync(main)) {
  process.stderr.write(
    `slurmopt: ${main} is missing; run "npm run build" (npm ci builds it) in ${root}\n`,
  );
  process.exit(70);
}
await import(main);
