import { describe, expect, it } from "vitest";
import { renderReportHtml } from "../../../src/report/renderReportHtml.js";
import type { ReportData } from "../../../src/report/reportData.js";

describe("renderReportHtml", () => {
  const nasty = "</script><script>alert(1)</script><!-- \u2028";
  const data = { campaign: { name: nasty }, trials: [{ reason: nasty }] } as unknown as ReportData;
  const html = renderReportHtml({ mode: "static", data, title: `report ${nasty}` });

  it("embeds the data so that no text of a trial can end its script element", () => {
    const start = html.indexOf('<script id="slurmopt-data" type="application/json">');
    const end = html.indexOf("</script>", start);
    const json = html.slice(
      start + '<script id="slurmopt-data" type="application/json">'.length,
      end,
    );
    expect(JSON.parse(json)).toEqual(data);
  });

  it("inlines every script and style: nothing is loaded from anywhere", () => {
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+href=/i);
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'/);
    expect(html).toContain("plotly");
  });

  it("escapes the title", () => {
    expect(html).toContain("<title>report &#60;/script&#62;");
  });
});
