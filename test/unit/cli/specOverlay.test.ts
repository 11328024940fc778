import { describe, expect, it } from "vitest";
import { mergeSpec, specOverlayFromFlags } from "../../../src/cli/specOverlay.js";

const OMNIOPT_PROGRAM_B64 = "ZWNobyAiUkVTVUxUOiAlKHgpJSh5KSIgJiYgZWNobyAiUkVTVUxUMjogJXoi";
const b64 = (s: string): string => Buffer.from(s, "utf8").toString("base64");

describe("specOverlayFromFlags", () => {
  it("maps OmniOpt2's flag names onto the spec keys", () => {
    expect(
      specOverlayFromFlags({
        experiment_name: "oo",
        run_program: OMNIOPT_PROGRAM_B64,
        num_parallel_jobs: 4,
        max_eval: 50,
        worker_timeout: "30",
        force_local_execution: true,
        generation_strategy: "SOBOL=10,BOTORCH_MODULAR",
        seed: 7,
        run_dir: "out",
      }),
    ).toEqual({
      name: "oo",
      program: 'echo "RESULT: %(x)%(y)" && echo "RESULT2: %z"',
      parallelism: 4,
      max_eval: 50,
      worker_timeout: "30",
      executor: "local",
      strategy: "SOBOL=10,BOTORCH_MODULAR",
      seed: 7,
      run_dir: "out",
    });
  });

  it("prefers slurmopt's names over OmniOpt2's when both are given", () => {
    expect(
      specOverlayFromFlags({
        name: "mine",
        experiment_name: "theirs",
        parallelism: 2,
        num_parallel_jobs: 8,
        strategy: "TPE",
        generation_strategy: "SOBOL",
      }),
    ).toEqual({ name: "mine", parallelism: 2, strategy: "TPE" });
  });

  it("leaves a plain run program as it is", () => {
    expect(specOverlayFromFlags({ run_program: "python3 run.py %(x)" }).program).toBe(
      "python3 run.py %(x)",
    );
    expect(specOverlayFromFlags({ program: "echo hi" }).program).toBe("echo hi");
  });

  it("decodes base64 --experiment_constraint and keeps --constraint as written", () => {
    expect(
      specOverlayFromFlags({
        constraint: ["x + y <= 1"],
        experiment_constraint: [b64("x >= y"), "2*x - y >= 3.5"],
      }).constraints,
    ).toEqual(["x + y <= 1", "x >= y", "2*x - y >= 3.5"]);
  });

  it("sets no constraints key without constraint flags", () => {
    expect(specOverlayFromFlags({})).toEqual({});
  });

  it("--force_local_execution beats --executor; otherwise --executor is taken", () => {
    expect(specOverlayFromFlags({ executor: "slurm", force_local_execution: true }).executor).toBe(
      "local",
    );
    expect(specOverlayFromFlags({ executor: "slurm", force_local_execution: false }).executor).toBe(
      "slurm",
    );
  });

  it("collects Slurm flags under slurm", () => {
    expect(
      specOverlayFromFlags({ partition: "gpu", gpus: 1, mem_gb: 8, slurm_signal_delay_s: 30 })
        .slurm,
    ).toEqual({ partition: "gpu", gpus: 1, mem_gb: 8, slurm_signal_delay_s: 30 });
  });
});

describe("mergeSpec", () => {
  const file = {
    name: "from-file",
    max_eval: 10,
    constraints: ["x <= 1"],
    slurm: { partition: "cpu", time: "1h" },
  };

  it("lets flags override the file's keys and keeps the others", () => {
    expect(mergeSpec(file, { max_eval: 20, seed: 1 })).toEqual({ ...file, max_eval: 20, seed: 1 });
  });

  it("merges slurm keys one by one", () => {
    expect(mergeSpec(file, { slurm: { partition: "gpu", gpus: 2 } }).slurm).toEqual({
      partition: "gpu",
      time: "1h",
      gpus: 2,
    });
  });

  it("replaces the constraint list instead of appending", () => {
    expect(mergeSpec(file, { constraints: ["y >= 0"] }).constraints).toEqual(["y >= 0"]);
  });

  it("does not change the file's object", () => {
    const copy = structuredClone(file);
    mergeSpec(file, { name: "x", slurm: { partition: "gpu" } });
    expect(file).toEqual(copy);
  });
});
