import { pageAssets } from "./pageAssets.js";
import type { ReportData } from "./reportData.js";

/**
 * The page works without any network: every script and style is inlined, and the page's own
 * policy forbids loading anything (connect-src 'self' lets the dashboard's page ask its server).
 * Plotly's WebGL plots compile code at run time, hence 'unsafe-eval'.
 */
const CSP = [
  "default-src 'none'",
  "script-src 'unsafe-inline' 'unsafe-eval'",
  "style-src 'unsafe-inline'",
  "img-src data: blob:",
  "font-src data:",
  "worker-src blob:",
  "connect-src 'self'",
].join("; ");

/** Text that can sit inside a <script> element without ending it. */
function scriptText(s: string): string {
  return s.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

/** JSON that can sit inside a <script> element (and is still the same JSON). */
export function jsonText(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface PageOptions {
  /** static: the data is embedded (report.html); live: the dashboard's page fetches it. */
  mode: "static" | "live";
  data: ReportData | null;
  title: string;
}

/**
 * One self-contained HTML page: styles, plotly.js, the page's scripts and (static) the data.
 * plotly.js is the page's largest script: the bundle without 3-D plots is inlined unless the
 * page may draw a three-objective Pareto front (three or more objectives, or live mode, where
 * the dashboard may show any campaign).
 */
export function renderReportHtml(options: PageOptions): string {
  const { before, after } = reportPageParts(
    options.mode,
    options.data?.objectives.length ?? 0,
    options.title,
  );
  return `${before}${options.data ? jsonText(options.data) : "null"}${after}`;
}

/**
 * The page around its data (the text of the slurmopt-data script element), for a writer that
 * streams the data in between (writeReport.ts): `objectives` decides the plotly.js bundle.
 */
export function reportPageParts(
  mode: "static" | "live",
  objectives: number,
  title: string,
): { before: string; after: string } {
  const assets = pageAssets();
  const needs3d = mode === "live" || objectives >= 3;
  const scripts = assets.scripts.map((s) => `<script>${scriptText(s)}</script>`).join("\n");
  const before = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="slurmopt">
<title>${escapeHtml(title)}</title>
<style>${assets.style}</style>
</head>
<body>
<header class="top" id="top"><h1>${escapeHtml(title)}</h1></header>
<nav class="campaigns" id="campaigns"${mode === "live" ? "" : " hidden"}></nav>
<nav class="toc" id="toc"></nav>
<main id="main"></main>
<script id="slurmopt-config" type="application/json">${jsonText({ mode })}</script>
<script id="slurmopt-data" type="application/json">`;
  const after = `</script>
<script>window.PlotlyConfig = { MathJaxConfig: "local" };</script>
<script>${scriptText(needs3d ? assets.plotly3d : assets.plotly)}</script>
${scripts}
</body>
</html>
`;
  return { before, after };
}
