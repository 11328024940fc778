import type { StrategyNode } from "../spec/campaign.js";
import type { TrialRow } from "../store/rowTypes.js";

export interface NodeChoice {
  position: number;
  node: StrategyNode;
  /** Points this node proposed before (any state): sequence generators continue from here. */
  proposedByNode: number;
}

/**
 * The node that proposes next. A node with a trial count hands over once that many of ITS trials
 * have data (COMPLETED); failed trials don't count, and while results are awaited, free slots
 * keep getting points from the same node (as in Ax). The last node runs until the end.
 */
export function currentNode(
  strategy: readonly StrategyNode[],
  trials: readonly TrialRow[],
): NodeChoice {
  const withData = new Map<number, number>();
  const proposed = new Map<number, number>();
  for (const t of trials) {
    proposed.set(t.node_position, (proposed.get(t.node_position) ?? 0) + 1);
    if (t.state === "COMPLETED")
      withData.set(t.node_position, (withData.get(t.node_position) ?? 0) + 1);
  }
  let position = 0;
  while (position < strategy.length - 1) {
    const node = strategy[position]!;
    if (node.trials === null || (withData.get(position) ?? 0) < node.trials) break;
    position++;
  }
  return { position, node: strategy[position]!, proposedByNode: proposed.get(position) ?? 0 };
}
