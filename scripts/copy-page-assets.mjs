// Copies the report page's browser files (src/report/page/) next to the compiled report
// modules (dist/report/page/), where dist code reads them. Part of "npm run build".
import { cpSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
cpSync(join(root, "src/report/page"), join(root, "dist/report/page"), { recursive: true });
