import { CampaignPaths } from "../engine/campaignPaths.js";
import { openStore, type Db } from "../store/openStore.js";
import { campaignChangeMark } from "../store/campaignAttempts.js";
import { listCampaigns } from "../store/campaignRows.js";

/**
 * Notices changes of campaigns: every `intervalMs` it asks each campaign's database (read-only)
 * for a change mark (highest trial revision, trial count, campaign state) and calls `onChange`
 * with the folder whose mark moved. Folders can come and go (the daemon's campaign list).
 */
export class CampaignWatcher {
  private readonly dbs = new Map<string, { db: Db; campaignId: number; mark: string }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly folders: () => readonly string[],
    private readonly onChange: (folder: string) => void,
    private readonly intervalMs = 1000,
    private readonly onError: (folder: string, e: unknown) => void = () => undefined,
  ) {}

  start(): void {
    this.check();
    this.timer = setInterval(() => this.check(), this.intervalMs);
    this.timer.unref();
  }

  /** The folder's current change mark (null when its database cannot be read). */
  markOf(folder: string): string | null {
    return this.dbs.get(folder)?.mark ?? null;
  }

  check(): void {
    const wanted = new Set(this.folders());
    for (const [folder, e] of this.dbs)
      if (!wanted.has(folder)) {
        e.db.close();
        this.dbs.delete(folder);
      }
    for (const folder of wanted) {
      let e = this.dbs.get(folder);
      try {
        if (!e) {
          const db = openStore(new CampaignPaths(folder).db, { create: false, readonly: true });
          const row = listCampaigns(db)[0];
          if (!row) {
            db.close();
            continue;
          }
          e = { db, campaignId: row.id, mark: "" };
          this.dbs.set(folder, e);
        }
        const mark = campaignChangeMark(e.db, e.campaignId);
        if (mark !== e.mark) {
          const first = e.mark === "";
          e.mark = mark;
          if (!first) this.onChange(folder);
        }
      } catch (err) {
        // Not readable now (not created yet, being replaced): asked again next time.
        this.onError(folder, err);
        e?.db.close();
        this.dbs.delete(folder);
      }
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const e of this.dbs.values()) e.db.close();
    this.dbs.clear();
  }
}
