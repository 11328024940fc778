/**
 * OmniOpt2 accepts --run_program, --external_generator and --experiment_constraint either in
 * base64 or as plain text: when the text is valid base64 of printable UTF-8 it is decoded,
 * otherwise it is used as it is.
 */
export function decodeMaybeBase64(text: string): string {
  const t = text.trim();
  if (t.length < 4 || t.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(t)) return text;
  let decoded: string;
  try {
    decoded = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(t, "base64"));
  } catch {
    return text;
  }
  // eslint-disable-next-line no-control-regex
  if (decoded === "" || /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(decoded)) return text;
  return decoded.replace(/\n+$/, "");
}
