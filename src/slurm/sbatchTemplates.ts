import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../errors/errors.js";

export type TemplateKind = "trial" | "array";

export const TEMPLATE_FILES: Record<TemplateKind, string> = {
  trial: "trial.sbatch",
  array: "trial-array.sbatch",
};

export interface LoadedTemplate {
  /** File name or path, for messages. */
  name: string;
  text: string;
}

/** The slurm-templates/ folder shipped with slurmopt (found from this module, in src/ or dist/). */
export function builtinTemplateDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "slurm-templates");
    if (existsSync(join(candidate, TEMPLATE_FILES.trial))) return candidate;
    dir = dirname(dir);
  }
  throw new Error(
    "slurmopt installation is incomplete: slurm-templates/ was not found next to src/ or dist/",
  );
}

/** Reads the built-in template of this kind, or the user's own (relative to `baseDir`). */
export async function loadTemplate(
  kind: TemplateKind,
  userPath: string | null,
  baseDir = process.cwd(),
): Promise<LoadedTemplate> {
  if (userPath === null) {
    const path = join(builtinTemplateDir(), TEMPLATE_FILES[kind]);
    return { name: TEMPLATE_FILES[kind], text: await readFile(path, "utf8") };
  }
  const path = resolve(baseDir, userPath);
  try {
    return { name: path, text: await readFile(path, "utf8") };
  } catch (e) {
    const field = kind === "trial" ? "slurm.template" : "slurm.array_template";
    throw new InputError(
      "SPEC_INVALID",
      `${field} "${userPath}" cannot be read (${e instanceof Error ? e.message : String(e)}); give the path of an sbatch template, e.g. a copy of slurm-templates/${TEMPLATE_FILES[kind]}`,
      { cause: e },
    );
  }
}
