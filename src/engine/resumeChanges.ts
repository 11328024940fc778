import { StateError } from "../errors/errors.js";
import type { Campaign } from "../spec/campaign.js";
import type { Parameter } from "../space/parameters.js";

/**
 * Checks that a changed campaign can continue the stored one: max_eval may grow, ranges may
 * widen, choices may gain values, and run settings (parallelism, time limits, strategy, Slurm
 * settings) may change. Anything that would make stored trials mean something else is refused
 * with a message saying what differs. Returns the campaign to continue with (stored name, seed,
 * folder and number of carried trials kept).
 */
export function applyResumeChanges(
  stored: Campaign,
  changed: Campaign,
  trialsSoFar: number,
): Campaign {
  const problems: string[] = [];
  const storedParams = new Map(stored.parameters.map((p) => [p.name, p]));
  const changedNames = changed.parameters.map((p) => p.name);
  if (changedNames.join(",") !== stored.parameters.map((p) => p.name).join(","))
    problems.push(
      `parameters differ: stored ${stored.parameters.map((p) => p.name).join(", ")}, new ${changedNames.join(", ")}`,
    );
  else
    for (const p of changed.parameters) {
      const why = parameterChange(storedParams.get(p.name)!, p);
      if (why) problems.push(`parameter "${p.name}": ${why}`);
    }
  if (JSON.stringify(stored.objectives) !== JSON.stringify(changed.objectives))
    problems.push(
      `objectives differ: stored ${stored.objectives.map((o) => `${o.name}=${o.goal}`).join(" ")}, new ${changed.objectives.map((o) => `${o.name}=${o.goal}`).join(" ")}`,
    );
  if (JSON.stringify(stored.constraints) !== JSON.stringify(changed.constraints))
    problems.push(
      `constraints differ: stored ${JSON.stringify(stored.constraints)}, new ${JSON.stringify(changed.constraints)}`,
    );
  if (stored.program !== changed.program)
    problems.push(`the program differs: stored "${stored.program}", new "${changed.program}"`);
  if (stored.programStyle !== changed.programStyle) problems.push(`program_style differs`);
  if (changed.maxEval < trialsSoFar)
    problems.push(`max_eval ${changed.maxEval} is below the ${trialsSoFar} trials already made`);
  if (problems.length > 0)
    throw new StateError(
      "RESUME_INCOMPATIBLE",
      `cannot resume with these changes: ${problems.join("; ")}. Start a new campaign with "slurmopt run" for a different study`,
    );
  // carriedTrials is the campaign's history, not a spec setting: a changed spec file has none.
  return {
    ...changed,
    name: stored.name,
    seed: stored.seed,
    runDir: stored.runDir,
    workdir: stored.workdir,
    ...(stored.carriedTrials !== undefined ? { carriedTrials: stored.carriedTrials } : {}),
  };
}

function parameterChange(a: Parameter, b: Parameter): string | null {
  if (a.kind !== b.kind) return `type changed from ${a.kind} to ${b.kind}`;
  if (a.kind === "range" && b.kind === "range") {
    if (a.valueType !== b.valueType)
      return `value type changed from ${a.valueType} to ${b.valueType}`;
    if (a.log !== b.log) return "log scale changed";
    if (b.low > a.low || b.high < a.high)
      return `range may only widen: stored ${a.low}..${a.high}, new ${b.low}..${b.high}`;
    return null;
  }
  if (a.kind === "choice" && b.kind === "choice") {
    const missing = a.values.filter((v) => !b.values.some((w) => String(w) === String(v)));
    return missing.length > 0 ? `choices may only be added; missing ${missing.join(", ")}` : null;
  }
  if (a.kind === "fixed" && b.kind === "fixed")
    return String(a.value) === String(b.value)
      ? null
      : `fixed value changed from ${a.value} to ${b.value}`;
  return null;
}
