// Bundles the part of plotly.js the report page uses (plotly.js's own modules: its core, which
// holds scatter, and the other trace types the page draws) with esbuild, as plotly.js builds
// its own partial bundles. Two bundles: the page's 2-D traces, and the same plus scatter3d (a
// three-objective Pareto front, and the dashboard, which may show one); the full plotly.js is
// 4.8 MB of script to parse, these are about 1.3 and 1.9 MB. Part of "npm run build"; writes
// dist/plotly/, where src/report/pageAssets.ts reads them.
import { build } from "esbuild";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist/plotly");
const require = createRequire(import.meta.url);
let version;
try {
  version = JSON.parse(readFileSync(require.resolve("plotly.js/package.json"), "utf8")).version;
} catch (e) {
  console.error(
    `build-plotly-bundle: plotly.js (a devDependency) is not installed: run "npm install" (${e.message})`,
  );
  process.exit(1);
}

/** Trace types the page's sections draw (src/report/page/*.js); scatter comes with the core. */
const TRACES_2D = ["bar", "histogram", "contour", "parcoords"];
const BUNDLES = {
  "plotly-report.min.js": TRACES_2D,
  "plotly-report-3d.min.js": [...TRACES_2D, "scatter3d"],
};

mkdirSync(out, { recursive: true });
for (const [file, traces] of Object.entries(BUNDLES)) {
  const contents = [
    'var Plotly = require("plotly.js/lib/core");',
    `Plotly.register([${traces.map((t) => `require("plotly.js/lib/${t}")`).join(", ")}]);`,
    "module.exports = Plotly;",
  ].join("\n");
  await build({
    stdin: { contents, resolveDir: root, sourcefile: file.replace(".min", "") },
    outfile: join(out, file),
    bundle: true,
    format: "iife",
    globalName: "Plotly",
    minify: true,
    target: "es2016",
    // As plotly.js's own esbuild configuration; the map traces' stylesheet is not needed.
    define: { global: "window", "define.amd": "false" },
    loader: { ".css": "empty" },
    banner: {
      js: `/*! plotly.js v${version} (partial: scatter, ${traces.join(", ")}) | Copyright 2012-2026, Plotly, Inc. | MIT License */`,
    },
    legalComments: "eof",
    logLevel: "warning",
  });
}
