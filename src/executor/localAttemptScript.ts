import { InputError } from "../errors/errors.js";
import { shellQuote } from "../transport/shellQuote.js";
import type { AttemptToRun } from "./executor.js";
import { EXIT_STATUS_FILE, STDERR_FILE, STDOUT_FILE } from "./exitStatusFile.js";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The script the launcher runs with /bin/sh -c (in a background job of its own process group)
 * for one local attempt: exports the attempt's environment, runs the program exactly as
 * `/bin/sh -c "$SLURMOPT_COMMAND"` would (in a subshell: an `exit` in it ends only that),
 * records the exit code in the exit-status file and tells the controller on fd 3. Every value
 * is shell-quoted; the program never sees the launcher's pipes.
 */
export function renderLocalAttemptScript(a: AttemptToRun, key: string): string {
  const env: Record<string, string> = {
    ...a.env,
    SLURMOPT_COMMAND: a.command,
    SLURMOPT_ATTEMPT_DIR: a.dir,
  };
  const exports = Object.entries(env).map(([k, v]) => {
    if (!ENV_NAME.test(k))
      throw new InputError(
        "SPEC_INVALID",
        `environment variable name ${JSON.stringify(k)} is not valid`,
      );
    return `export ${k}=${shellQuote(v)}`;
  });
  return `# slurmopt local attempt ${key}
${exports.join("\n")}
exec </dev/null >>"$SLURMOPT_ATTEMPT_DIR/${STDOUT_FILE}" 2>>"$SLURMOPT_ATTEMPT_DIR/${STDERR_FILE}"
if cd -- ${shellQuote(a.workdir)}; then
  (
eval "$SLURMOPT_COMMAND"
  ) 3>&-
  slurmopt_rc=$?
else
  slurmopt_rc=126
fi
echo "exit=$slurmopt_rc" >"$SLURMOPT_ATTEMPT_DIR/${EXIT_STATUS_FILE}"
{ echo "ended ${key} $slurmopt_rc" >&3; } 2>/dev/null
exit "$slurmopt_rc"
`;
}
