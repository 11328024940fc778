import { readFileSync } from "node:fs";

/** The data a report.html embeds (its slurmopt-data script element), parsed. */
export function embeddedData(path: string): Record<string, unknown> {
  const html = readFileSync(path, "utf8");
  const tag = '<script id="slurmopt-data" type="application/json">';
  const start = html.indexOf(tag) + tag.length;
  return JSON.parse(html.slice(start, html.indexOf("</script>", start))) as Record<string, unknown>;
}
