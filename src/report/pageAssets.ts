import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { StateError } from "../errors/errors.js";

/**
 * The report page's own files (plain browser JavaScript and CSS under page/, next to this
 * module in src/ and copied next to it in dist/ by the build), in the order the page runs them:
 * the shared kit first, one file per section, then live mode and the start-up.
 */
export const PAGE_SCRIPTS = [
  "pageKit.js",
  "summarySection.js",
  "traceSection.js",
  "parallelSection.js",
  "sliceSection.js",
  "modelSection.js",
  "paretoSection.js",
  "metricsSection.js",
  "clusterSection.js",
  "failuresSection.js",
  "trialsTable.js",
  "liveDashboard.js",
  "reportMain.js",
] as const;

export const PAGE_STYLE = "report.css";

export interface PageAssets {
  style: string;
  scripts: string[];
  plotly: string;
}

let cached: PageAssets | null = null;

/** Reads the page's assets and plotly.js once per process. */
export function pageAssets(): PageAssets {
  if (cached) return cached;
  const read = (path: string): string => {
    try {
      return readFileSync(path, "utf8");
    } catch (e) {
      throw new StateError(
        "STORE_ERROR",
        `the report page's file ${path} is missing: reinstall slurmopt or run "npm run build"`,
        { cause: e },
      );
    }
  };
  const page = (name: string): string =>
    read(fileURLToPath(new URL(`./page/${name}`, import.meta.url)));
  const require = createRequire(import.meta.url);
  cached = {
    style: page(PAGE_STYLE),
    scripts: PAGE_SCRIPTS.map(page),
    plotly: read(require.resolve("plotly.js-dist-min")),
  };
  return cached;
}
