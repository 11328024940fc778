import type { Logger } from "pino";
import type { SlurmSettings } from "../spec/campaign.js";
import { assertPreflight } from "./preflight.js";
import { loadTemplate, type LoadedTemplate } from "./sbatchTemplates.js";
import type { SlurmCommands } from "./slurmCommands.js";
import { parseSlurmMemoryMb } from "./slurmTime.js";

export interface CampaignTemplates {
  trial: LoadedTemplate;
  array: LoadedTemplate;
}

/**
 * What the Slurm executor keeps per campaign before it submits: the templates (built-in or the
 * user's), the preflight check (run once, before the first submission) and the nodes that
 * failed (excluded from later submissions unless they are the last eligible ones).
 */
export class CampaignJobSetup {
  private readonly templates = new Map<string, CampaignTemplates>();
  private readonly checked = new Set<string>();
  private readonly failedNodes = new Map<string, Set<string>>();

  constructor(
    private readonly commands: SlurmCommands,
    private readonly options: { templateBaseDir?: string; logger?: Logger } = {},
  ) {}

  async templatesFor(uid: string, s: SlurmSettings): Promise<CampaignTemplates> {
    let t = this.templates.get(uid);
    if (!t) {
      const base = this.options.templateBaseDir ?? process.cwd();
      t = {
        trial: await loadTemplate("trial", s.template, base),
        array: await loadTemplate("array", s.arrayTemplate, base),
      };
      this.templates.set(uid, t);
    }
    return t;
  }

  /** Checks partition, time and memory against the cluster's limits; throws InputError PREFLIGHT_FAILED. */
  async preflight(s: SlurmSettings, timeLimitS: number | null = s.timeSeconds): Promise<void> {
    const { partitions, nodes } = await this.commands.partitions();
    assertPreflight(
      {
        partition: s.partition,
        timeLimitS,
        memMb: s.mem === null ? null : parseSlurmMemoryMb(s.mem),
        cpusPerTask: s.cpusPerTask,
        nodes: s.nodes,
        gpus: s.gpus,
      },
      partitions,
      nodes,
    );
  }

  /** The preflight check, once per campaign. */
  async preflightOnce(uid: string, s: SlurmSettings): Promise<void> {
    if (this.checked.has(uid)) return;
    await this.preflight(s);
    this.checked.add(uid);
  }

  noteFailedNode(uid: string, node: string): void {
    const set = this.failedNodes.get(uid) ?? new Set<string>();
    set.add(node);
    this.failedNodes.set(uid, set);
  }

  /** The campaign's exclude list plus the nodes that failed, unless that leaves no node. */
  async excludeFor(uid: string, s: SlurmSettings): Promise<string[]> {
    const base = (s.exclude ?? "")
      .split(",")
      .map((n) => n.trim())
      .filter((n) => n !== "");
    const failed = [...(this.failedNodes.get(uid) ?? [])].filter((n) => !base.includes(n));
    if (failed.length === 0) return base;
    try {
      const nodes = await this.commands.partitionNodeNames(s.partition);
      const remaining = nodes.filter((n) => !base.includes(n) && !failed.includes(n));
      if (remaining.length === 0) {
        this.options.logger?.warn(
          { failed },
          "not excluding failed nodes: they are the last eligible ones",
        );
        return base;
      }
      return [...base, ...failed.filter((n) => nodes.includes(n))];
    } catch (e) {
      this.options.logger?.warn(
        { err: e },
        "could not list partition nodes; failed nodes are not excluded",
      );
      return base;
    }
  }
}
