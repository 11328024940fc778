#!/usr/bin/env node
// The Branin function (global minimum 0.397887 at three points), as a program slurmopt runs:
//   node branin.mjs --x 1.5 --y 2.0   prints   RESULT: <value>
const args = process.argv.slice(2);
const get = (name) => {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : NaN;
  if (!Number.isFinite(v)) {
    console.error(`usage: branin.mjs --x <number> --y <number> (missing or bad --${name})`);
    process.exit(2);
  }
  return v;
};
const x = get("x");
const y = get("y");
const b = 5.1 / (4 * Math.PI ** 2);
const c = 5 / Math.PI;
const t = 1 / (8 * Math.PI);
const value = (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - t) * Math.cos(x) + 10;
console.log(`RESULT: ${value}`);
