import { InputError } from "../errors/errors.js";
import { shellQuote } from "../transport/shellQuote.js";
import type { AttemptToRun } from "./executor.js";
import { EXIT_STATUS_FILE, STDERR_FILE, STDOUT_FILE } from "./exitStatusFile.js";
import { KILLED_BY_FILE, WAIT_STATUS_PERL } from "./waitStatus.js";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The script the launcher runs with /bin/sh -c (in a background job of its own process group)
 * for one local attempt: exports the attempt's environment, runs the program exactly as
 * `/bin/sh -c "$SLURMOPT_COMMAND"` would (an `exit` in it ends only the program), records the
 * exit code in the exit-status file and tells the controller on fd 3. A shell reads a program
 * killed by signal N and one that exited with 128 + N alike; when perl is there it runs the
 * program and tells the two apart from the wait status (WAIT_STATUS_PERL), otherwise every
 * code is taken as an exit code. Every value
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
slurmopt_killed=
if cd -- ${shellQuote(a.workdir)}; then
  if command -v perl >/dev/null 2>&1; then
    perl -e ${shellQuote(WAIT_STATUS_PERL)} 3>&-
    slurmopt_rc=$?
    if [ -f "$SLURMOPT_ATTEMPT_DIR/${KILLED_BY_FILE}" ]; then
      read -r slurmopt_killed <"$SLURMOPT_ATTEMPT_DIR/${KILLED_BY_FILE}"
      rm -f "$SLURMOPT_ATTEMPT_DIR/${KILLED_BY_FILE}"
    fi
  else
    (
eval "$SLURMOPT_COMMAND"
    ) 3>&-
    slurmopt_rc=$?
  fi
else
  slurmopt_rc=126
fi
echo "exit=$slurmopt_rc\${slurmopt_killed:+ killed=$slurmopt_killed}" >"$SLURMOPT_ATTEMPT_DIR/${EXIT_STATUS_FILE}"
{ echo "ended ${key} $slurmopt_rc $slurmopt_killed" >&3; } 2>/dev/null
exit "$slurmopt_rc"
`;
}
