import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { createCampaignRecord } from "../src/engine/campaignRecord.js";
import { driveCampaign } from "../src/engine/driveCampaign.js";
import { LocalExecutor } from "../src/executor/localExecutor.js";
import { silentLogger } from "../src/log/logger.js";
import { buildCampaign } from "../src/spec/buildCampaign.js";
const dir = process.argv[2]!;
for (let r = 0; r < 3; r++) {
const root = mkdtempSync(join(dir, "ctl-"));
const campaign = buildCampaign({ name: "overhead", run_dir: root, parameters: [{ name: "x", type: "range", bounds: [0, 1] }], program: "echo RESULT: %(x)", max_eval: 300, parallelism: 2, seed: 1, strategy: "SOBOL", executor: "local" }, { cwd: root, warnings: { warn: () => undefined } });
const start = performance.now();
const open = createCampaignRecord(campaign);
const executor = new LocalExecutor();
await driveCampaign(open, { executor, logger: silentLogger() }).done;
console.log(dir, (performance.now() - start).toFixed(0), "ms");
open.db.close(); await executor.close();
}
