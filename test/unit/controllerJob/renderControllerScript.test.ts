import { describe, expect, it } from "vitest";
import {
  renderControllerScript,
  type ControllerJobSettings,
} from "../../../src/controllerJob/renderControllerScript.js";

const settings: ControllerJobSettings = {
  jobName: "demo-1a2b3c4d-controller",
  timeSeconds: 120,
  memGb: 0.5,
  partition: "short",
  account: null,
  qos: null,
  reservation: null,
  signalDelaySeconds: 30,
  signal: "USR1",
  setup: ["module load node"],
};

function render(over: Partial<ControllerJobSettings> = {}, campaignDir = "/runs/demo/0"): string {
  return renderControllerScript({
    settings: { ...settings, ...over },
    campaignDir,
    workdir: "/home/me/project",
    node: "/usr/bin/node",
    cli: "/opt/slurmopt/bin/slurmopt.js",
  });
}

describe("renderControllerScript", () => {
  it("sizes the controller job from --time, --main_process_gb and the signal delay", () => {
    const s = render();
    expect(s).toContain("#SBATCH --job-name=demo-1a2b3c4d-controller\n");
    expect(s).toContain("#SBATCH --time=00:02:00\n");
    expect(s).toContain("#SBATCH --mem=512M\n");
    expect(s).toContain("#SBATCH --partition=short\n");
    expect(s).toContain("#SBATCH --signal=B:USR1@30\n");
    expect(s).toContain("#SBATCH --no-requeue\n");
    expect(s).toContain("module load node\n");
    expect(s).toContain("slurmopt_campaign=/runs/demo/0\n");
  });

  it("names each controller job's output by its job id, with a % in the folder kept literal", () => {
    expect(render()).toContain("#SBATCH --output=/runs/demo/0/controller-%j.out\n");
    expect(render({}, "/runs/100%/0")).toContain(
      "#SBATCH --output=/runs/100%%/0/controller-%j.out\n",
    );
  });

  it("refuses a signal delay that is not shorter than the time limit", () => {
    expect(() => render({ timeSeconds: 60, signalDelaySeconds: 60 })).toThrow(
      /signal delay \(60 s\) must be shorter than its time limit \(60 s\); raise --time/,
    );
  });
});
