/** Shared helpers of the external-generator integration tests (real processes, real SQLite). */
import Database from "better-sqlite3";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli, type CliResult } from "../../helpers/runCli.js";

/** Debian's Python, which has python3-optuna (the `python3` on PATH may be another one). */
export const PYTHON = "/usr/bin/python3";

export interface TrialRecord {
  trial_index: number;
  state: string;
  params_json: string;
  results_json: string | null;
  generator: string;
  generation_node: string;
  reason: string | null;
}

export function trials(campaignDir: string): TrialRecord[] {
  const db = new Database(join(campaignDir, "campaign.db"), { readonly: true });
  try {
    return db.prepare("SELECT * FROM trials ORDER BY trial_index").all() as TrialRecord[];
  } finally {
    db.close();
  }
}

export function campaignRow(campaignDir: string): { state: string; stop_reason: string | null } {
  const db = new Database(join(campaignDir, "campaign.db"), { readonly: true });
  try {
    return db.prepare("SELECT state, stop_reason FROM campaigns").get() as {
      state: string;
      stop_reason: string | null;
    };
  } finally {
    db.close();
  }
}

export interface CallRecord {
  index: number;
  input: Record<string, unknown>;
  outcome: { ok: boolean; seed: number; problem: string | null };
}

/** The external generator's calls, in order (external_generator_tmp/<K>/). */
export function calls(campaignDir: string): CallRecord[] {
  const root = join(campaignDir, "external_generator_tmp");
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b)
    .map((index) => ({
      index,
      input: JSON.parse(readFileSync(join(root, String(index), "input.json"), "utf8")) as Record<
        string,
        unknown
      >,
      outcome: JSON.parse(
        readFileSync(join(root, String(index), "outcome.json"), "utf8"),
      ) as CallRecord["outcome"],
    }));
}

/** Writes the spec and runs `slurmopt run spec.json` in cwd. */
export async function runSpec(cwd: string, spec: Record<string, unknown>): Promise<CliResult> {
  writeFileSync(join(cwd, "spec.json"), JSON.stringify(spec));
  return runCli(["run", "spec.json", "--quiet"], { cwd, timeoutMs: 240_000 });
}

/**
 * A seeded random generator following OmniOpt2's protocol. It also checks what Python reads
 * from input.json (declared types of every value, the two parallel trial arrays, pending) and
 * exits 7 with a message when something is off, so such a call shows up as a failed call.
 */
export const RANDOM_GENERATOR = `
import json, os, random, sys
d = sys.argv[-1]
data = json.load(open(os.path.join(d, "input.json")))
rng = random.Random(data["seed"])
PY = {"INT": int, "FLOAT": float, "STRING": str}
def fail(message):
    print(message, file=sys.stderr)
    sys.exit(7)
def check(point, where):
    for k, s in data["parameters"].items():
        if type(point[k]) is not PY[s["type"]]:
            fail(f"{where}: {k}={point[k]!r} is not {s['type']}")
params, results = data["trials"]
if len(params) != len(results):
    fail("trials are not two parallel arrays")
for p in params:
    check(p, "trials")
for p in data["pending"]:
    check(p, "pending")
for r in results:
    for v in r.values():
        if type(v) is not float:
            fail(f"result {v!r} is not a float")
def value(s):
    if s["parameter_type"] == "RANGE":
        lo, hi = s["range"]
        return rng.randint(lo, hi) if s["type"] == "INT" else rng.uniform(lo, hi)
    if s["parameter_type"] == "CHOICE":
        return rng.choice(s["values"])
    return s["value"]
for _ in range(10000):
    point = {k: value(s) for k, s in data["parameters"].items()}
    if all(eval(c, {}, dict(point)) for c in data["constraints"]):
        break
json.dump({"parameters": point}, open(os.path.join(d, "results.json"), "w"), indent=4)
`;

/** TPE from Debian's python3-optuna, fed with the trials of input.json. */
export const OPTUNA_GENERATOR = `
import json, os, sys
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
optuna.logging.set_verbosity(optuna.logging.WARNING)
d = sys.argv[-1]
data = json.load(open(os.path.join(d, "input.json")))
(name, goal), = data["objectives"].items()
dists = {}
for k, s in data["parameters"].items():
    log = s.get("log_scale", False)
    if s["parameter_type"] == "RANGE":
        lo, hi = s["range"]
        dists[k] = IntDistribution(lo, hi, log=log) if s["type"] == "INT" else FloatDistribution(lo, hi, log=log)
    elif s["parameter_type"] == "CHOICE":
        dists[k] = CategoricalDistribution(s["values"])
sampler = optuna.samplers.TPESampler(seed=data["seed"], n_startup_trials=3)
study = optuna.create_study(direction="minimize" if goal == "min" else "maximize", sampler=sampler)
params, results = data["trials"]
for p, r in zip(params, results):
    study.add_trial(optuna.trial.create_trial(params={k: p[k] for k in dists}, distributions=dists, value=r[name]))
taken = {json.dumps(p, sort_keys=True) for p in params + data["pending"]}
for _ in range(200):
    t = study.ask(dists)
    point = dict(t.params)
    for k, s in data["parameters"].items():
        if s["parameter_type"] == "FIXED":
            point[k] = s["value"]
    ok = all(eval(c, {}, dict(point)) for c in data["constraints"])
    if ok and json.dumps(point, sort_keys=True) not in taken:
        break
    study.tell(t, state=optuna.trial.TrialState.FAIL)
json.dump({"parameters": point}, open(os.path.join(d, "results.json"), "w"))
`;
