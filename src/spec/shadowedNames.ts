import { InputError } from "../errors/errors.js";

/**
 * Environment variables that programs, their shells and the batch system need. A parameter of
 * such a name would shadow it: `$PATH` or `$HOME` in the program is a placeholder of the
 * parameter (OmniOpt2's `$x` form), so the command would get the parameter's value where the
 * variable was meant. Names are case-sensitive, as in the shell (`home` is fine).
 */
const SHADOWED = new Set([
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "PWD",
  "OLDPWD",
  "IFS",
  "TMPDIR",
  "TERM",
  "LANG",
  "HOSTNAME",
  "RANDOM",
  "SECONDS",
  "LINENO",
  "PPID",
  "UID",
  "EUID",
  "LD_LIBRARY_PATH",
  "LD_PRELOAD",
  "PYTHONPATH",
  "PYTHONHOME",
  "VIRTUAL_ENV",
  "CUDA_VISIBLE_DEVICES",
  "OMP_NUM_THREADS",
]);

/** Prefixes of variables that belong to the shell, the locale, Slurm or slurmopt itself. */
const SHADOWED_PREFIXES = ["SLURM_", "SLURMOPT_", "BASH", "LC_", "SBATCH_", "SRUN_"];

/** Refuses a parameter name that is (or starts like) such a variable, naming it and the fix. */
export function checkNotShadowing(name: string, where: string): void {
  const prefix = SHADOWED_PREFIXES.find((p) => name.startsWith(p));
  if (!SHADOWED.has(name) && prefix === undefined) return;
  const what =
    prefix === undefined
      ? `the environment variable ${name} that programs and their shell need`
      : `an environment variable of the ${prefix}* family (shell, locale, Slurm or slurmopt)`;
  throw new InputError(
    "SPEC_INVALID",
    `${where}: the name is ${what}, and $${name} in the program would become the parameter's value; rename the parameter (for example ${name.toLowerCase()})`,
  );
}
