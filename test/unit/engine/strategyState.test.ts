import { describe, expect, it } from "vitest";
import { currentNode } from "../../../src/engine/strategyState.js";
import type { StrategyNode } from "../../../src/spec/campaign.js";
import type { TrialRow, TrialState } from "../../../src/store/rowTypes.js";

const SOBOL_3_GP: StrategyNode[] = [
  { model: "sobol", label: "SOBOL", trials: 3 },
  { model: "gp", label: "GP", trials: null },
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
    rev: id,
  };
}

const rows = (nodePosition: number, ...states: TrialState[]): TrialRow[] =>
  states.map((s) => row(nodePosition, s));

describe("currentNode", () => {
  it("starts with the first node", () => {
    expect(currentNode(SOBOL_3_GP, [])).toEqual({
      position: 0,
      node: SOBOL_3_GP[0],
      proposedByNode: 0,
    });
  });

  it("hands over once the node's count of trials has data", () => {
    const c = currentNode(SOBOL_3_GP, rows(0, "COMPLETED", "COMPLETED", "COMPLETED"));
    expect(c.position).toBe(1);
    expect(c.node.model).toBe("gp");
    expect(c.proposedByNode).toBe(0);
  });

  it("keeps giving free slots points from the node while results are awaited", () => {
    const trials = rows(0, "COMPLETED", "RUNNING", "SUBMITTED", "PROPOSED", "RUNNING");
    const c = currentNode(SOBOL_3_GP, trials);
    expect(c.position).toBe(0);
    // the sequence continues after the five points it already gave
    expect(c.proposedByNode).toBe(5);
  });

  it.each<TrialState>(["FAILED", "TIMEOUT", "CANCELLED"])(
    "does not count %s trials as data",
    (state) => {
      const trials = rows(0, "COMPLETED", "COMPLETED", state, state, state);
      expect(currentNode(SOBOL_3_GP, trials).position).toBe(0);
      expect(currentNode(SOBOL_3_GP, [...trials, row(0, "COMPLETED")]).position).toBe(1);
    },
  );

  it("counts only the node's own trials", () => {
    const strategy: StrategyNode[] = [
      { model: "sobol", label: "SOBOL", trials: 2 },
      { model: "tpe", label: "TPE", trials: 2 },
      { model: "gp", label: "GP", trials: null },
    ];
    const trials = [...rows(0, "COMPLETED", "COMPLETED"), ...rows(1, "COMPLETED")];
    expect(currentNode(strategy, trials)).toMatchObject({ position: 1, proposedByNode: 1 });
    expect(currentNode(strategy, [...trials, row(1, "COMPLETED")]).position).toBe(2);
    // extra completed Sobol trials do not move TPE on
    expect(currentNode(strategy, [...trials, ...rows(0, "COMPLETED", "COMPLETED")]).position).toBe(
      1,
    );
  });

  it("runs the last node until the end, whatever its count", () => {
    const strategy: StrategyNode[] = [
      { model: "sobol", label: "SOBOL", trials: 1 },
      { model: "gp", label: "GP", trials: 2 },
    ];
    const trials = [...rows(0, "COMPLETED"), ...rows(1, "COMPLETED", "COMPLETED", "COMPLETED")];
    expect(currentNode(strategy, trials)).toMatchObject({ position: 1, proposedByNode: 3 });
  });

  it("never leaves a node without a count", () => {
    const strategy: StrategyNode[] = [
      { model: "sobol", label: "SOBOL", trials: null },
      { model: "gp", label: "GP", trials: null },
    ];
    expect(currentNode(strategy, rows(0, "COMPLETED", "COMPLETED", "COMPLETED")).position).toBe(0);
  });

  it("skips a node with a count of 0 (--num_random_steps 0)", () => {
    const strategy: StrategyNode[] = [
      { model: "sobol", label: "SOBOL", trials: 0 },
      { model: "gp", label: "GP", trials: null },
    ];
    expect(currentNode(strategy, []).position).toBe(1);
  });
});
