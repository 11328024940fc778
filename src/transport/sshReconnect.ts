/**
 * Reconnection policy of the SSH transport: exponential backoff with jitter, an abortable
 * sleep, and the test that tells a lost connection from an answer of the server.
 */

export interface ReconnectPolicy {
  /** Connection attempts after a drop before giving up (the first try included). */
  attempts: number;
  /** Delay before the second attempt; doubles with each further attempt. */
  initialDelayMs: number;
  /** Upper bound of a single delay. */
  maxDelayMs: number;
  /** How often an idempotent operation is retried after its connection dropped. */
  operationRetries: number;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = {
  attempts: 8,
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  operationRetries: 5,
};

/**
 * Delay before reconnection attempt `retry` (0 = first retry): initialDelay * 2^retry, capped,
 * then jittered into [cap/2, cap) so that many controllers do not reconnect in lockstep.
 */
export function backoffDelayMs(
  retry: number,
  policy: ReconnectPolicy,
  random: () => number = Math.random,
): number {
  const exp = policy.initialDelayMs * 2 ** Math.max(0, retry);
  const cap = Math.min(policy.maxDelayMs, exp);
  return Math.round(cap / 2 + (cap / 2) * random());
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it is aborted. */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * The server did not answer a request (channel open, command start, SFTP call) within its
 * deadline: the connection counts as lost and is replaced, even if its socket looks open.
 */
export class NoAnswerError extends Error {
  constructor(what: string, ms: number) {
    super(`No response from server within ${ms} ms to ${what}`);
    this.name = "NoAnswerError";
  }
}

/** Messages ssh2 and Node use when the connection (not the remote command) failed. */
const CONNECTION_LOSS =
  /No response from server|Not connected|Connection lost|socket|ECONNRESET|EPIPE|ETIMEDOUT|Keepalive timeout|Channel (?:open failure: )?closed|connection (?:closed|dropped)/i;

/**
 * Whether an error means the connection went away. SFTP status answers (numeric codes such as
 * 2 = no such file, 3 = permission denied) and remote exit codes are answers, not losses.
 */
export function isConnectionLoss(error: unknown, connectionClosed: boolean): boolean {
  if (connectionClosed || error instanceof NoAnswerError) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as Error & { code?: unknown }).code;
  // SFTP status 6 (no connection) and 7 (connection lost) are losses; others are answers.
  if (typeof code === "number") return code === 6 || code === 7;
  if (typeof code === "string" && /^(ECONNRESET|EPIPE|ETIMEDOUT|ECONNABORTED)$/.test(code))
    return true;
  return CONNECTION_LOSS.test(error.message);
}
