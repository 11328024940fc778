/**
 * Commands that read their arguments as shell code again: `eval`, and a shell started with
 * `-c` (`sh -c`, `bash -lc`, `/bin/dash -c`, `busybox sh -c`). Whatever the quote
 * context, a value slurmopt inserts (`"$SLURMOPT_P_x"` unquoted, `$SLURMOPT_P_x` inside double
 * quotes, `'"$SLURMOPT_P_x"'` inside single quotes) is expanded by the outer shell and then
 * parsed as code by the inner one, so a hostile value would run there. Safe is only a
 * reference that the inner shell expands itself: `sh -c 'prog "$SLURMOPT_P_x"'`.
 */
const REENTRY =
  /(?:^|[\s;&|(`])(?:eval|(?:\S*\/)?(?:busybox\s+)?(?:sh|bash|dash|zsh|ksh|mksh|ash)\s+(?:-[A-Za-z]+\s+)*-[A-Za-z]*c[A-Za-z]*)(?=\s|$)/g;

/**
 * The first `eval` / `<shell> -c` that stands before `offset` in the template (as written), or
 * null. Found by pattern, not by parsing: anything earlier in the template counts, so a
 * placeholder after `sh -c '...'; prog %(x)` is treated as re-read too (the refusal's fix works
 * for both).
 */
export function shellReentryBefore(template: string, offset: number): string | null {
  const before = template.slice(0, offset);
  REENTRY.lastIndex = 0;
  const m = REENTRY.exec(before);
  return m === null ? null : m[0].trim().replace(/^[;&|(`]/, "");
}
