/**
 * Asks for a key passphrase on the terminal without echoing it. Used only when stdin is a TTY
 * and no passphrase environment variable is set; a daemon never prompts.
 */

export type AskPassphrase = (keyFile: string) => Promise<string | null>;

/** Resolves null when there is no terminal to ask on, or the user pressed Ctrl-D / Ctrl-C. */
export const askPassphraseOnTty: AskPassphrase = (keyFile) => {
  const stdin = process.stdin;
  if (!stdin.isTTY || typeof stdin.setRawMode !== "function") return Promise.resolve(null);
  return new Promise((resolve) => {
    let answer = "";
    const wasRaw = stdin.isRaw;
    process.stderr.write(`Enter passphrase for key '${keyFile}': `);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    const finish = (value: string | null): void => {
      stdin.removeListener("data", onData);
      stdin.setRawMode(wasRaw);
      stdin.pause();
      process.stderr.write("\n");
      resolve(value);
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") {
          finish(answer);
          return;
        }
        if (ch === "\u0003" || ch === "\u0004") {
          finish(null);
          return;
        }
        if (ch === "\u007f" || ch === "\b") answer = answer.slice(0, -1);
        else answer += ch;
      }
    };
    stdin.on("data", onData);
  });
};

/** Passphrases typed at the terminal, per key file, for this process's later transports. */
const typed = new Map<string, string>();

/**
 * A prompt asked once per key file and process (`slurmopt run` checks the cluster with one
 * transport, then drives the campaign with another): a remembered passphrase is offered once
 * per transport, and if it is wrong the user is asked again.
 */
export function rememberingPrompt(
  ask: AskPassphrase = askPassphraseOnTty,
  memory: Map<string, string> = typed,
): AskPassphrase {
  const offered = new Set<string>();
  return async (keyFile) => {
    const known = memory.get(keyFile);
    if (known !== undefined && !offered.has(keyFile)) {
      offered.add(keyFile);
      return known;
    }
    const answer = await ask(keyFile);
    if (answer !== null) memory.set(keyFile, answer);
    return answer;
  };
}
