import type { CampaignStatus } from "../report/campaignStatus.js";

/** One line: done, failed, running, best so far, ETA. Redrawn in place on a TTY only. */
export function progressText(s: CampaignStatus, startedAt: number, now = Date.now()): string {
  const c = s.counts;
  const finished = c.COMPLETED + c.EARLY_STOPPED + c.FAILED + c.TIMEOUT + c.CANCELLED;
  const best = s.best[0];
  const bestText =
    s.best.length > 1
      ? `${s.best.length} Pareto-optimal`
      : best
        ? Object.entries(best.results)
            .map(([k, v]) => `${k}=${formatShort(v)}`)
            .join(" ")
        : "-";
  let eta = "";
  if (finished > 0 && finished < s.max_eval) {
    const perTrial = (now - startedAt) / finished;
    eta = ` ETA ${formatDuration(perTrial * (s.max_eval - finished))}`;
  }
  return `${s.name}: ${finished}/${s.max_eval} done, ${c.FAILED + c.TIMEOUT + c.CANCELLED} failed, ${c.RUNNING} running, ${c.SUBMITTED + c.PROPOSED} queued | best ${bestText}${eta}${s.waiting ? ` | waiting: ${s.waiting}` : ""}`;
}

function formatShort(v: number): string {
  return Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0)
    ? v.toExponential(3)
    : String(Number(v.toPrecision(6)));
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

export class ProgressLine {
  private lastText = "";
  constructor(
    private readonly stream: NodeJS.WriteStream,
    readonly enabled: boolean,
  ) {}

  update(text: string): void {
    if (!this.enabled || text === this.lastText) return;
    this.lastText = text;
    const width = this.stream.columns || 120;
    this.stream.write(`\r\x1b[2K${text.slice(0, width - 1)}`);
  }

  end(): void {
    if (this.enabled && this.lastText !== "") this.stream.write("\n");
    this.lastText = "";
  }
}
