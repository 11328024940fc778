import { describe, expect, it } from "vitest";
import {
  IGNORED_FLAGS,
  OMNIOPT2_COMPAT_OPTIONS,
  REFUSED_FLAGS,
  ignoredFlagNotes,
  occTypeFromFlag,
  refuseFlags,
  weightsFromFlag,
} from "../../../src/cli/omniopt2Flags.js";
import { RUN_OPTIONS } from "../../../src/cli/runOptions.js";
import { occFlagNotes, specOverlayFromFlags } from "../../../src/cli/specOverlay.js";

describe("OmniOpt2 flags without effect or refused", () => {
  it("prints one note per ignored flag that was given, none for absent or false ones", () => {
    const notes = ignoredFlagNotes({
      live_share: true,
      decimalrounding: "4",
      debug: false,
      run_mode: "local",
    });
    expect(notes).toEqual([
      "--live_share has no effect in slurmopt: slurmopt shares nothing and sends nothing anywhere",
      "--run_mode has no effect in slurmopt: slurmopt runs where it is started (run_mode local)",
      "--decimalrounding has no effect in slurmopt: values are passed in shortest round-trip form",
    ]);
    expect(() => ignoredFlagNotes({ run_mode: "docker" })).toThrow(
      /--run_mode "docker" is not offered/,
    );
  });

  it("refuses a refused flag with its reason", () => {
    expect(() => refuseFlags({ db_url: "postgres://db" })).toThrow(
      /--db_url is not supported: campaigns are stored in their campaign.db/,
    );
    expect(() => refuseFlags({ slurm_use_srun: true })).toThrow(/sbatch/);
    expect(() => refuseFlags({ slurm_use_srun: false, live_share: true })).not.toThrow();
  });

  it("declares every compatibility flag for the parser, and none twice", () => {
    const names = [...Object.keys(IGNORED_FLAGS), ...Object.keys(REFUSED_FLAGS)];
    expect(Object.keys(OMNIOPT2_COMPAT_OPTIONS).sort()).toEqual([...names].sort());
    for (const n of names) expect(RUN_OPTIONS).not.toHaveProperty(n);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe("OCC and external-generator flags", () => {
  it("maps --occ with OmniOpt2's type names and weights onto the spec", () => {
    expect(occTypeFromFlag("signed_minkowski")).toBe("minkowski");
    expect(occTypeFromFlag("weighted_euclid")).toBe("weighted_euclidean");
    expect(occTypeFromFlag("EUCLID")).toBe("euclid");
    expect(() => occTypeFromFlag("composite")).toThrow(/not offered/);
    expect(() => occTypeFromFlag("manhattan")).toThrow(/unknown; use euclid, geometric/);
    expect(weightsFromFlag("1, 0.5,2")).toEqual([1, 0.5, 2]);
    expect(() => weightsFromFlag("1,a")).toThrow(/numbers separated by commas/);
    expect(
      specOverlayFromFlags({
        occ: true,
        occ_type: "weighted_euclid",
        signed_weighted_euclidean_weights: "1,2",
      }).occ,
    ).toEqual({ type: "weighted_euclidean", weights: [1, 2] });
    expect(specOverlayFromFlags({ occ: true }).occ).toEqual({ type: "euclid" });
    expect(specOverlayFromFlags({ occ_type: "euclid" }).occ).toBeUndefined();
    expect(occFlagNotes({ occ_type: "euclid" })).toEqual([
      "--occ_type has no effect without --occ (as in OmniOpt2)",
    ]);
    expect(occFlagNotes({ occ: true, occ_type: "euclid" })).toEqual([]);
  });

  it("maps the external-generator flags and OmniOpt2's plural --experiment_constraints", () => {
    const o = specOverlayFromFlags({
      external_generator: "cHl0aG9uMyBnZW4ucHk=",
      external_generator_timeout: "30s",
      external_generator_on_failure: "stop",
      experiment_constraints: [Buffer.from("x >= y").toString("base64")],
    });
    expect(o.external_generator).toEqual({
      command: "cHl0aG9uMyBnZW4ucHk=",
      timeout: "30s",
      on_failure: "stop",
    });
    expect(o.constraints).toEqual(["x >= y"]);
  });
});
