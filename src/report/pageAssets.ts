import { readFileSync } from "node:fs";
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
  /** plotly.js with the page's 2-D trace types (scripts/build-plotly-bundle.mjs). */
  plotly: string;
  /** The same plus scatter3d, for a three-objective Pareto front. */
  plotly3d: string;
}

let cached: PageAssets | null = null;

/**
 * The partial plotly.js bundles are built into dist/plotly/ by "npm run build"; this module
 * sits two folders below the package's root both as src/report/*.ts and as dist/report/*.js.
 */
const PLOTLY_DIR = new URL("../../dist/plotly/", import.meta.url);

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
  const plotly = (name: string): string => read(fileURLToPath(new URL(name, PLOTLY_DIR)));
  cached = {
    style: page(PAGE_STYLE),
    scripts: PAGE_SCRIPTS.map(page),
    plotly: plotly("plotly-report.min.js"),
    plotly3d: plotly("plotly-report-3d.min.js"),
  };
  return cached;
}
