import { describe, expect, it } from "vitest";
import { currentNode, planProposal } from "../../../src/engine/strategyState.js";
import { strategyNode as node } from "../../../src/generators/modelNames.js";
import type { StrategyNode } from "../../../src/spec/campaign.js";
import type { TrialRow, TrialState } from "../../../src/store/rowTypes.js";

const SOBOL_3_GP: StrategyNode[] = [
  node("sobol", "SOBOL", { trials: 3 }),
  node("gp", "GP", { minTrialsObserved: 2 }),
];

let nextId = 1;
function row(nodePosition: number, state: TrialState): TrialRow {
  const id = nextId++;
  return {
    id,
    campaign_id: 1,
    trial_index: id - 1,
    state,
    params_json: "{}",
    generator: "g",
    generation_node: "N",
    node_position: nodePosition,
    generation_ms: null,
    created_at: 0,
    submit_time: null,
    start_time: null,
    end_time: null,
    results_json: null,
    sems_json: null,
    extras_json: null,
    exit_code: null,
    signal: null,
    reason: null,
    hostname: null,
    program_string: null,
    budget: null,
    bracket: null,
    rung: null,
    parent_index: null,
    config_index: null,
    below_max_budget: 0,
    rev: id,
  };
}

const rows = (nodePosition: number, ...states: TrialState[]): TrialRow[] =>
  states.map((s) => row(nodePosition, s));

describe("planProposal: Ax's strategy semantics", () => {
  it("starts with the first node and gives it at most its count, whatever the free slots", () => {
    const p = planProposal(SOBOL_3_GP, [], 5, true);
    expect(p).toMatchObject({ count: 3, waiting: null });
    expect(p.choice).toEqual({ position: 0, node: SOBOL_3_GP[0], proposedByNode: 0 });
  });

  it("counts generated trials: three pending Sobol trials end the Sobol node", () => {
    const trials = rows(0, "RUNNING", "SUBMITTED", "PROPOSED");
    const p = planProposal(SOBOL_3_GP, trials, 2, true);
    // GP needs 2 results of the Sobol trials first: the slots stay free and say why
    expect(p.count).toBe(0);
    expect(p.choice.position).toBe(1);
    expect(p.waiting).toBe(
      "GP waits for 2 more result(s) of earlier trials (min_trials_observed 2)",
    );
  });

  it("never goes back: a Sobol trial failing after the next node proposed does not reopen Sobol", () => {
    const strategy: StrategyNode[] = [node("sobol", "SOBOL", { trials: 2 }), node("tpe", "TPE")];
    // Sobol generated 2 (one COMPLETED, one still RUNNING), TPE proposed one; then the running
    // Sobol trial fails: Sobol's count falls to 1, but TPE keeps the slots.
    const trials = [...rows(0, "COMPLETED", "FAILED"), ...rows(1, "RUNNING")];
    const p = planProposal(strategy, trials, 2, true);
    expect(p.choice.position).toBe(1);
    expect(p.count).toBe(2);
    // Before TPE proposed anything, a failed Sobol trial is replaced by Sobol (Ax's counting).
    const before = planProposal(strategy, rows(0, "COMPLETED", "FAILED"), 2, true);
    expect(before.choice.position).toBe(0);
    expect(before.count).toBe(1);
  });

  it("hands over once min_trials_observed earlier trials have results", () => {
    const trials = rows(0, "COMPLETED", "COMPLETED", "RUNNING");
    expect(planProposal(SOBOL_3_GP, trials, 4, true)).toMatchObject({
      count: 4,
      waiting: null,
      choice: { position: 1, proposedByNode: 0 },
    });
  });

  it.each<TrialState>(["FAILED", "TIMEOUT", "CANCELLED"])(
    "does not count %s trials as generated: the node makes up for them",
    (state) => {
      const trials = rows(0, "COMPLETED", state, state);
      expect(planProposal(SOBOL_3_GP, trials, 5, true)).toMatchObject({
        count: 2,
        choice: { position: 0, proposedByNode: 3 },
      });
    },
  );

  it("fill: true gives the waiting node's slots the previous node's points", () => {
    const strategy = [SOBOL_3_GP[0]!, { ...SOBOL_3_GP[1]!, fill: true }];
    const p = planProposal(strategy, rows(0, "RUNNING", "RUNNING", "RUNNING"), 2, true);
    expect(p).toMatchObject({
      count: 2,
      waiting: null,
      choice: { position: 0, proposedByNode: 3 },
    });
  });

  it("enforce: false on the previous node does the same (Ax's enforce_num_trials)", () => {
    const strategy = [{ ...SOBOL_3_GP[0]!, enforce: false }, SOBOL_3_GP[1]!];
    const p = planProposal(strategy, rows(0, "RUNNING", "RUNNING", "RUNNING"), 2, true);
    expect(p).toMatchObject({ count: 2, choice: { position: 0 } });
  });

  it("never waits for data that nothing pending can bring", () => {
    const strategy = [SOBOL_3_GP[0]!, node("gp", "GP", { minTrialsObserved: 3 })];
    // two results, the third Sobol trial was cancelled and replaced... by nothing pending
    const trials = rows(0, "COMPLETED", "COMPLETED", "COMPLETED", "FAILED");
    expect(planProposal(strategy, trials, 1, true).choice.position).toBe(1);
    const waiting = [...rows(0, "COMPLETED", "COMPLETED", "COMPLETED"), ...rows(1, "RUNNING")];
    expect(planProposal(strategy, waiting, 1, true).count).toBe(1);
  });

  it("caps a node's pending trials at its max_parallelism", () => {
    const strategy = [node("sobol", "SOBOL", { trials: 10, maxParallelism: 2 }), node("gp", "GP")];
    expect(planProposal(strategy, [], 5, true).count).toBe(2);
    const p = planProposal(strategy, rows(0, "RUNNING", "RUNNING", "COMPLETED"), 5, true);
    expect(p).toMatchObject({
      count: 0,
      waiting: "SOBOL has 2 trials pending, its max_parallelism",
    });
    expect(planProposal(strategy, rows(0, "RUNNING", "COMPLETED"), 5, true).count).toBe(1);
  });

  it("MinTrials with data: the node hands over only once its own trials have results", () => {
    const strategy = [node("sobol", "SOBOL", { trials: 2, trialsWithData: 2 }), node("gp", "GP")];
    const p = planProposal(strategy, rows(0, "COMPLETED", "RUNNING"), 3, true);
    expect(p).toMatchObject({ count: 0, choice: { position: 0 } });
    expect(p.waiting).toMatch(/SOBOL generated its 2 trials and waits for their results/);
    expect(planProposal(strategy, rows(0, "COMPLETED", "COMPLETED"), 3, true)).toMatchObject({
      count: 3,
      choice: { position: 1 },
    });
  });

  it("AutoTransitionAfterGen hands over after one round; IsSingleObjective passes a node over", () => {
    const strategy = [
      node("sobol", "SOBOL", { autoTransition: true }),
      node("random", "RANDOM", { trials: 2, skipIfSingleObjective: true }),
      node("tpe", "TPE"),
    ];
    expect(planProposal(strategy, [], 4, true)).toMatchObject({
      count: 4,
      choice: { position: 0 },
    });
    const after = rows(0, "RUNNING", "RUNNING");
    expect(planProposal(strategy, after, 2, true).choice.position).toBe(2);
    expect(planProposal(strategy, after, 2, false)).toMatchObject({
      count: 2,
      choice: { position: 1 },
    });
  });

  it("counts only the node's own trials", () => {
    const strategy: StrategyNode[] = [
      node("sobol", "SOBOL", { trials: 2 }),
      node("tpe", "TPE", { trials: 2 }),
      node("gp", "GP"),
    ];
    const trials = [...rows(0, "COMPLETED", "COMPLETED"), ...rows(1, "RUNNING")];
    expect(planProposal(strategy, trials, 3, true)).toMatchObject({
      count: 1,
      choice: { position: 1, proposedByNode: 1 },
    });
    expect(currentNode(strategy, [...trials, row(1, "FAILED")]).position).toBe(1);
    expect(currentNode(strategy, [...trials, row(1, "COMPLETED")]).position).toBe(2);
  });

  it("skips a node with a count of 0 and never leaves the last node", () => {
    const strategy = [node("sobol", "SOBOL", { trials: 0 }), node("gp", "GP")];
    expect(currentNode(strategy, []).position).toBe(1);
    expect(currentNode(strategy, rows(1, "COMPLETED", "COMPLETED")).position).toBe(1);
  });

  it("OmniOpt2's external-generator line: Sobol once, then the generator for the next slot", () => {
    const strategy = [node("sobol", "SOBOL", { trials: 1 }), node("external", "EXTERNAL")];
    expect(planProposal(strategy, [], 2, true)).toMatchObject({
      count: 1,
      choice: { position: 0 },
    });
    expect(planProposal(strategy, rows(0, "PROPOSED"), 1, true)).toMatchObject({
      count: 1,
      choice: { position: 1 },
    });
  });
});
