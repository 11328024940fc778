/**
 * Waiting in tests for something another process does (a file appears, a job starts): the one
 * polling helper, so every wait names what it waits for and gives up after a limit.
 */

/** Waits until `f` gives a value (not undefined), asking every `everyMs`; throws naming `what`. */
export async function waitFor<T>(
  what: string,
  f: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((res) => setTimeout(res, everyMs));
  }
}

/** Waits until `holds` is true (see waitFor). */
export async function until(
  what: string,
  holds: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 250,
): Promise<void> {
  await waitFor(what, async () => ((await holds()) ? true : undefined), timeoutMs, everyMs);
}
