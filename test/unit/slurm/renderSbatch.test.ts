import { describe, expect, it } from "vitest";
import { WAIT_STATUS_PERL } from "../../../src/executor/waitStatus.js";
import { shellQuote } from "../../../src/transport/shellQuote.js";
import {
  arraySpec,
  directiveQuote,
  fillTemplate,
  renderArrayScript,
  renderDirectives,
  renderTrialScript,
  signalName,
  slurmPathPattern,
  type AttemptScript,
  type JobDirectives,
} from "../../../src/slurm/renderSbatch.js";

const TEMPLATE = "#!/bin/bash\n{{directives}}\n# attempt\n{{attempt}}\n# setup\n{{setup}}\n# run\n";

const base: JobDirectives = {
  jobName: "demo-ab12cd-t0a1",
  partition: null,
  timeLimitS: null,
  mem: null,
  cpusPerTask: 1,
  nodes: 1,
  gpus: 0,
  account: null,
  reservation: null,
  qos: null,
  exclude: [],
  constraint: null,
  extraDirectives: [],
  signal: null,
  noRequeue: true,
};

const attempt: AttemptScript = {
  dir: "/runs/demo/0/jobs/0/1",
  workdir: "/home/me/project",
  command: "python train.py --lr 0.1",
  env: { SLURMOPT_TRIAL_ID: "7", LR: "0.1" },
};

const directiveLines = (script: string): string[] =>
  script.split("\n").filter((l) => l.startsWith("#SBATCH"));

describe("renderDirectives", () => {
  it("writes only what is set, and --gres only for GPUs > 0", () => {
    const lines = renderDirectives(base, { out: "/d/slurm.out", err: "/d/slurm.err" }).split("\n");
    expect(lines).toEqual([
      "#SBATCH --job-name=demo-ab12cd-t0a1",
      "#SBATCH --cpus-per-task=1",
      "#SBATCH --nodes=1",
      "#SBATCH --output=/d/slurm.out",
      "#SBATCH --error=/d/slurm.err",
      "#SBATCH --open-mode=append",
      "#SBATCH --no-requeue",
    ]);
    expect(lines.join("\n")).not.toContain("--gres");
  });

  it("writes every resource and policy directive of a full spec", () => {
    const text = renderDirectives(
      {
        ...base,
        partition: "short",
        timeLimitS: 120,
        mem: "4G",
        cpusPerTask: 4,
        nodes: 2,
        gpus: 2,
        account: "proj-42",
        reservation: "maint",
        qos: "high",
        exclude: ["node01", "node07"],
        constraint: "skylake&ib",
        extraDirectives: ["--mail-type=END", " --comment=slurmopt "],
        signal: { name: "SIGUSR2", delayS: 90 },
        noRequeue: false,
      },
      { out: "/d/o", err: "/d/e", array: "0-9%4" },
    );
    expect(text.split("\n")).toEqual([
      "#SBATCH --job-name=demo-ab12cd-t0a1",
      "#SBATCH --array=0-9%4",
      "#SBATCH --partition=short",
      "#SBATCH --time=00:02:00",
      "#SBATCH --mem=4G",
      "#SBATCH --cpus-per-task=4",
      "#SBATCH --nodes=2",
      "#SBATCH --gres=gpu:2",
      "#SBATCH --account=proj-42",
      "#SBATCH --reservation=maint",
      "#SBATCH --qos=high",
      "#SBATCH --exclude=node01,node07",
      '#SBATCH --constraint="skylake&ib"',
      "#SBATCH --output=/d/o",
      "#SBATCH --error=/d/e",
      "#SBATCH --open-mode=append",
      "#SBATCH --signal=B:USR2@90",
      "#SBATCH --mail-type=END",
      "#SBATCH --comment=slurmopt",
    ]);
  });

  it("leaves out --signal when the delay is 0", () => {
    const text = renderDirectives(
      { ...base, signal: { name: "USR1", delayS: 0 } },
      { out: "/o", err: "/e" },
    );
    expect(text).not.toContain("--signal");
  });

  it("refuses values that could break out of a directive or the script", () => {
    const out = { out: "/o", err: "/e" };
    expect(() => renderDirectives({ ...base, partition: "a b" }, out)).toThrow(/partition "a b"/);
    expect(() => renderDirectives({ ...base, account: "x\n#SBATCH --x" }, out)).toThrow(/account/);
    expect(() => renderDirectives({ ...base, jobName: "n\nrm -rf ~" }, out)).toThrow(/line break/);
    expect(() => renderDirectives({ ...base, extraDirectives: ["rm -rf /"] }, out)).toThrow(
      /extra directive/,
    );
    expect(() => renderDirectives({ ...base, extraDirectives: ["--x=1\n--y"] }, out)).toThrow(
      /extra directive/,
    );
    expect(() => renderDirectives({ ...base, mem: "lots" }, out)).toThrow(/mem "lots"/);
    expect(() => renderDirectives({ ...base, cpusPerTask: 0 }, out)).toThrow(/cpus_per_task/);
    expect(() => renderDirectives({ ...base, gpus: 1.5 }, out)).toThrow(/gpus/);
    expect(() => renderDirectives({ ...base, signal: { name: "KILL", delayS: 5 } }, out)).toThrow(
      /signal "KILL"/,
    );
  });
});

describe("directive quoting", () => {
  it("leaves plain words bare and double-quotes the rest with escapes", () => {
    expect(directiveQuote("/a/b-c_d.e")).toBe("/a/b-c_d.e");
    expect(directiveQuote("my job")).toBe('"my job"');
    expect(directiveQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
  });

  it("escapes % in literal paths used as sbatch filename patterns", () => {
    expect(slurmPathPattern("/runs/100%/x")).toBe("/runs/100%%/x");
  });

  it("normalises signal names", () => {
    expect(signalName("sigusr1")).toBe("USR1");
    expect(signalName("USR2")).toBe("USR2");
  });
});

describe("renderTrialScript", () => {
  it("fills the three blocks and puts Slurm's output in the attempt directory", () => {
    const script = renderTrialScript(TEMPLATE, {
      directives: { ...base, signal: { name: "USR1", delayS: 30 } },
      attempt,
      setup: ["module load python/3.11", "source ~/venv/bin/activate"],
    });
    expect(directiveLines(script)).toContain("#SBATCH --output=/runs/demo/0/jobs/0/1/slurm.out");
    expect(directiveLines(script)).toContain("#SBATCH --error=/runs/demo/0/jobs/0/1/slurm.err");
    expect(script).toContain(
      [
        "# attempt",
        "slurmopt_dir=/runs/demo/0/jobs/0/1",
        "slurmopt_workdir=/home/me/project",
        "slurmopt_command='python train.py --lr 0.1'",
        "slurmopt_signal=USR1",
        `slurmopt_wait_perl=${shellQuote(WAIT_STATUS_PERL)}`,
        "export SLURMOPT_ATTEMPT_DIR=/runs/demo/0/jobs/0/1",
        "export SLURMOPT_TRIAL_ID=7",
        "export LR=0.1",
        "# setup",
        "module load python/3.11",
        "source ~/venv/bin/activate",
        "# run",
      ].join("\n"),
    );
  });

  it("quotes commands and values with quotes, dollars and newlines as single words", () => {
    const script = renderTrialScript(TEMPLATE, {
      directives: base,
      attempt: {
        ...attempt,
        command: "echo \"$HOME\" 'it''s'\nexit 3",
        env: { X: "a'b $(rm -rf ~)" },
      },
      setup: [],
    });
    expect(script).toContain(`slurmopt_command='echo "$HOME" '\\''it'\\'''\\''s'\\''\nexit 3'`);
    expect(script).toContain(`export X='a'\\''b $(rm -rf ~)'`);
    expect(script).toContain("# setup\n:\n");
    expect(script).toContain("slurmopt_signal=TERM");
  });

  it("keeps $& and other replacement patterns in values literal", () => {
    const script = renderTrialScript(TEMPLATE, {
      directives: base,
      attempt: { ...attempt, command: "echo '$&' \"$1\" $$" },
      setup: [],
    });
    expect(script).toContain("echo '\\''$&'\\'' \"$1\" $$");
  });

  it("refuses bad environment names, reserved names and relative directories", () => {
    const render = (a: AttemptScript) =>
      renderTrialScript(TEMPLATE, { directives: base, attempt: a, setup: [] });
    expect(() => render({ ...attempt, env: { "A-B": "1" } })).toThrow(
      /environment variable name "A-B"/,
    );
    expect(() => render({ ...attempt, env: { "X=Y": "1" } })).toThrow(/environment variable name/);
    expect(() => render({ ...attempt, env: { slurmopt_dir: "/tmp" } })).toThrow(/reserved/);
    expect(() => render({ ...attempt, dir: "runs/x" })).toThrow(/absolute path/);
  });
});

describe("fillTemplate", () => {
  const values = { directives: "D", attempt: "A", setup: "S" };

  it("names a missing placeholder and the template", () => {
    expect(() => fillTemplate("{{directives}}\n{{setup}}", values, "/my/t.sbatch")).toThrow(
      /slurm template \/my\/t.sbatch lacks the placeholder \{\{attempt\}\}/,
    );
  });

  it("names an unknown placeholder", () => {
    expect(() =>
      fillTemplate("{{directives}}{{attempt}}{{setup}}{{partition}}", values, "t"),
    ).toThrow(/unknown placeholder \{\{partition\}\}/);
  });

  it("leaves shell syntax such as ${x} and $(( )) alone", () => {
    expect(fillTemplate("{{directives}}{{attempt}}{{setup}} ${x} $((1+1)) {x}", values, "t")).toBe(
      "DAS ${x} $((1+1)) {x}",
    );
  });
});

describe("renderArrayScript", () => {
  const tasks = new Map<number, AttemptScript>([
    [0, attempt],
    [
      1,
      {
        ...attempt,
        dir: "/runs/demo/0/jobs/1/1",
        command: "python train.py --lr 0.2",
        env: { LR: "0.2" },
      },
    ],
    [2, { ...attempt, dir: "/runs/demo/0/jobs/2/3", command: "true", env: {} }],
  ]);

  it("maps each array index to its attempt with a case statement", () => {
    const script = renderArrayScript(TEMPLATE, {
      directives: base,
      tasks,
      throttle: 2,
      arrayDir: "/runs/demo/0/slurm-arrays/demo-ab12cd-t0a1",
      setup: [],
    });
    expect(directiveLines(script)).toContain("#SBATCH --array=0-2%2");
    expect(directiveLines(script)).toContain(
      "#SBATCH --output=/runs/demo/0/slurm-arrays/demo-ab12cd-t0a1/slurm-%a.out",
    );
    expect(script).toContain(
      'case "${SLURM_ARRAY_TASK_ID:-}" in\n0)\n  slurmopt_dir=/runs/demo/0/jobs/0/1\n',
    );
    expect(script).toContain("1)\n  slurmopt_dir=/runs/demo/0/jobs/1/1\n");
    expect(script).toContain("  export LR=0.2\n  ;;\n2)\n  slurmopt_dir=/runs/demo/0/jobs/2/3\n");
    expect(script).toContain("*)\n");
    expect(script).toContain("  exit 97\n  ;;\nesac\n");
    expect(script).toContain(
      'slurmopt_slurm_err=/runs/demo/0/slurm-arrays/demo-ab12cd-t0a1/slurm-"$SLURM_ARRAY_TASK_ID".err',
    );
  });

  it("refuses an empty array and negative indexes", () => {
    const input = { directives: base, throttle: null, arrayDir: "/a", setup: [] };
    expect(() => renderArrayScript(TEMPLATE, { ...input, tasks: new Map() })).toThrow(/no tasks/);
    expect(() =>
      renderArrayScript(TEMPLATE, { ...input, tasks: new Map([[-1, attempt]]) }),
    ).toThrow(/array index/);
  });
});

describe("arraySpec", () => {
  it("compresses consecutive indexes and adds the throttle", () => {
    expect(arraySpec([0, 1, 2, 3], 4)).toBe("0-3%4");
    expect(arraySpec([5, 0, 1, 9, 2, 7, 8], null)).toBe("0-2,5,7-9");
    expect(arraySpec([3], 1)).toBe("3%1");
  });
});
