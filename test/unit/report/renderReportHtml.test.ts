import { describe, expect, it } from "vitest";
import { renderReportHtml } from "../../../src/report/renderReportHtml.js";
import type { ReportData } from "../../../src/report/reportData.js";

describe("renderReportHtml", () => {
  const nasty = "</script><script>alert(1)</script><!-- \u2028";
  const data = {
    campaign: { name: nasty },
    objectives: [{ name: "loss", goal: "min" }],
    trials: [{ reason: nasty }],
  } as unknown as ReportData;
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

  it("inlines plotly.js without its 3-D traces unless a three-objective front or the dashboard may need them", () => {
    const threeD = /plotly\.js v[\d.]+ \(partial: [^)]*scatter3d\)/;
    expect(html).toMatch(/plotly\.js v[\d.]+ \(partial: scatter, [^)]*parcoords/);
    expect(html).not.toMatch(threeD);
    const objectives = ["a", "b", "c"].map((name) => ({ name, goal: "min" }));
    const three = { ...data, objectives } as unknown as ReportData;
    expect(renderReportHtml({ mode: "static", data: three, title: "t" })).toMatch(threeD);
    expect(renderReportHtml({ mode: "live", data: null, title: "t" })).toMatch(threeD);
  });

  it("escapes the title", () => {
    expect(html).toContain("<title>report &#60;/script&#62;");
  });
});
