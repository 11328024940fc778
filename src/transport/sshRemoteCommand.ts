/**
 * Builds the command line sent over SSH. sshd runs it with the user's login shell as
 * `$SHELL -c <line>`, non-interactive and not a login shell, so nothing from ~/.profile (module
 * system, conda) is set up: the spec's setup lines and PATH prefix do that here.
 *
 * The script itself is POSIX sh. It travels base64-encoded inside one single-quoted word that
 * contains only [A-Za-z0-9+/=], so the line means the same to bash, zsh, dash, tcsh and fish
 * (tcsh and fish would otherwise mangle newlines, `!` or backslashes in quoted text).
 */
import { InputError } from "../errors/errors.js";
import { shellJoin, shellQuote } from "./shellQuote.js";

/** First line on stderr: the command's process group id, used to stop it on time-out. */
export const PGID_MARKER = "slurmopt-pgid";

export interface RemoteCommandParts {
  argv: readonly string[];
  setupLines: readonly string[];
  pathPrefix: readonly string[];
  env: Readonly<Record<string, string>> | undefined;
  cwd: string | undefined;
}

/** `~` and `~/x` become "$HOME" and "$HOME"/'x'; other paths are quoted as they are. */
export function remoteShellPath(path: string): string {
  if (path === "~") return '"$HOME"';
  if (path.startsWith("~/")) return `"$HOME"/${shellQuote(path.slice(2))}`;
  return shellQuote(path);
}

/**
 * The POSIX sh script: the process-group marker, setup (its output goes to stderr), PATH, env,
 * cd, then exec of argv (same process, so the exit status and signals are the command's own).
 */
export function remoteScript(parts: RemoteCommandParts): string {
  const { argv } = parts;
  if (argv.length === 0)
    throw new InputError("SPEC_INVALID", "cannot run an empty command over SSH (argv is empty)");
  // sshd made this shell a session leader (setsid), so $$ is the process group of everything below.
  const lines: string[] = [`printf '${PGID_MARKER} %s\\n' "$$" >&2`];
  if (parts.setupLines.length > 0) {
    // Braces, not a subshell: `module load` and `source .../activate` must change this shell.
    lines.push("{", ...parts.setupLines, "} >&2");
  }
  if (parts.pathPrefix.length > 0) {
    lines.push(`PATH=${parts.pathPrefix.map(remoteShellPath).join(":")}:"$PATH"`, "export PATH");
  }
  for (const [name, value] of Object.entries(parts.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new InputError(
        "SPEC_INVALID",
        `environment variable name "${name}" is not a valid shell name; use letters, digits and underscores`,
      );
    }
    lines.push(`${name}=${shellQuote(value)}`, `export ${name}`);
  }
  if (parts.cwd !== undefined) {
    const dir = remoteShellPath(parts.cwd);
    lines.push(`cd ${dir} || { echo "slurmopt: cannot change to directory "${dir} >&2; exit 1; }`);
  }
  lines.push(`exec ${shellJoin(argv)}`);
  return lines.join("\n") + "\n";
}

/** The line given to sshd: decode the script and run it with /bin/sh, replacing the login shell. */
export function remoteCommandLine(script: string): string {
  const encoded = Buffer.from(script, "utf8").toString("base64");
  return `exec /bin/sh -c 'eval "$(echo ${encoded} | base64 -d)"'`;
}
