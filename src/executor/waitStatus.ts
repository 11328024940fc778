/**
 * Telling a program killed by a signal from one that exited with a code above 128: a shell's
 * `$?` is 128 + N for both, only the wait status differs. The attempt scripts (local and
 * Slurm) run the program under this perl program when perl is installed (it is part of every
 * Debian and most other systems): it runs `/bin/sh -c "$SLURMOPT_COMMAND"`, waits, and when a
 * signal ended the shell writes its number to KILLED_BY_FILE in the attempt directory, then
 * exits with the shell's code (128 + N after a signal). It outlives signals sent to its
 * process group (no-op handlers, reset in the program by exec), so it always sees the end.
 * The program's exit code reaches the script unchanged.
 */
export const KILLED_BY_FILE = "killed-by";

export const WAIT_STATUS_PERL = [
  "$SIG{$_} = sub {} for qw(TERM HUP INT QUIT USR1 USR2 ALRM PIPE);",
  'my $r = system {"/bin/sh"} "sh", "-c", $ENV{SLURMOPT_COMMAND};',
  "exit 127 if $r == -1;",
  "my $sig = $? & 127;",
  "exit($? >> 8) unless $sig;",
  `if (open(my $f, ">", "$ENV{SLURMOPT_ATTEMPT_DIR}/${KILLED_BY_FILE}")) { print $f "$sig\\n"; close $f; }`,
  "exit(128 + $sig);",
].join(" ");
