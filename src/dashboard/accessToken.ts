import { randomBytes, timingSafeEqual } from "node:crypto";

/** A random access token for the dashboard's URL (as Jupyter does): 192 bits, URL-safe. */
export function newAccessToken(): string {
  return randomBytes(24).toString("base64url");
}

/** Whether a request's token is the dashboard's (compared in constant time). */
export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
