/**
 * The longest reason, stop reason or event message kept in campaign.db (and so in results.csv,
 * status and the report) and written to slurmopt.log: a program can print a 5 MB result line or
 * stderr, and a reason quoting it would copy that into every one of them.
 */
export const MAX_STORED_TEXT = 4096;

/**
 * `text` when it fits in `max` characters; otherwise its start and a visible marker saying how
 * many characters were cut (the whole output stays in the attempt's stdout / stderr files).
 */
export function boundedText(text: string, max = MAX_STORED_TEXT): string {
  if (text.length <= max) return text;
  let keep = max - 60;
  // Never cut a surrogate pair in half (the rest would not be valid UTF-16).
  const code = text.charCodeAt(keep - 1);
  if (code >= 0xd800 && code <= 0xdbff) keep -= 1;
  return `${text.slice(0, keep)} ... [truncated: ${text.length - keep} more characters]`;
}

/** boundedText for nullable columns. */
export function boundedOrNull(text: string | null): string | null {
  return text === null ? null : boundedText(text);
}
