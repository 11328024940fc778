/**
 * SMAC's successive-halving arithmetic (smac.intensifier.SuccessiveHalving): the rungs (SMAC's
 * stages) of one bracket, from the lowest budget to the highest, and how many configurations
 * each rung runs.
 *
 * With S = floor(log_eta(max / min)) (SMAC's max_iter) there are S + 1 rungs; rung i runs at
 * budget max * eta^-(S - i) (so the top rung runs at max, the bottom one at max * eta^-S, which
 * is >= min) and holds floor(eta^S * eta^-i) configurations: the bottom rung eta^S, each rung
 * above keeps the best 1/eta of the one below. min 1, max 27, eta 3: budgets 1, 3, 9, 27 with
 * 27, 9, 3, 1 configurations.
 *
 * One deliberate difference: SMAC takes the floor of the floating-point quotient of logarithms,
 * so that min 1, max 1000, eta 10 gives it S = 2 (log(1000)/log(10) is 2.9999999999999996);
 * here S is counted exactly (1, 10, 100, 1000: S = 3).
 */

/** The spec's `budget:` section: the program's budget argument from min to max, factor eta. */
export interface BudgetSettings {
  readonly min: number;
  readonly max: number;
  /** Budgets grow, and configurations shrink, by this factor from one rung to the next. */
  readonly eta: number;
}

export interface Rung {
  /** 0 is the bottom (lowest budget). */
  readonly rung: number;
  readonly budget: number;
  /** Configurations a bracket runs at this rung. */
  readonly configurations: number;
}

/** Relative slack for budgets that are exact powers of eta apart but not in floating point. */
const SLACK = 1e-9;

/** S: how many times eta fits between min and max (SMAC's max_iter), counted exactly. */
export function haltingSteps(b: BudgetSettings): number {
  let s = 0;
  let budget = b.min;
  while (budget * b.eta <= b.max * (1 + SLACK)) {
    budget *= b.eta;
    s++;
  }
  return s;
}

/** The rungs of a bracket, bottom first (see the module comment). */
export function successiveHalvingRungs(b: BudgetSettings): Rung[] {
  const s = haltingSteps(b);
  const bottom = b.eta ** s;
  const rungs: Rung[] = [];
  for (let i = 0; i <= s; i++) {
    // Exact when max is an integer multiple of the power of eta (27 / 9 = 3).
    const budget = i === s ? b.max : b.max / b.eta ** (s - i);
    rungs.push({ rung: i, budget, configurations: Math.floor(bottom / b.eta ** i) });
  }
  return rungs;
}

/** Trials one full bracket runs (27 + 9 + 3 + 1 = 40 for min 1, max 27, eta 3). */
export function bracketSize(b: BudgetSettings): number {
  return successiveHalvingRungs(b).reduce((n, r) => n + r.configurations, 0);
}
