import { describe, expect, it } from "vitest";
import { createPageRenderer } from "./create-page-renderer.ts";

describe("createPageRenderer", () => {
  it("renders a complete HTML5 page titled by the first heading's text", () => {
    const page = createPageRenderer({})("Intro\n\n## Hello *big* `world` & co\n\n# Later\n", "fallback");
    expect(page).toMatch(/^<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n/);
    expect(page).toContain("<title>Hello big world &amp; co</title>");
    expect(page).toContain("<h2>Hello <em>big</em> <code>world</code> &amp; co</h2>");
    expect(page).toMatch(/<\/main>\n<\/body>\n<\/html>\n$/);
    expect(page).not.toContain("<link");
  });

  it("uses the configured title, else the fallback, and escapes both", () => {
    expect(createPageRenderer({ title: "A <b> & \"c\"" })("# Heading", "f")).toContain("<title>A &lt;b&gt; &amp; &quot;c&quot;</title>");
    expect(createPageRenderer({})("no heading", "<notes>")).toContain("<title>&lt;notes&gt;</title>");
  });

  it("links the stylesheet with its URL escaped", () => {
    expect(createPageRenderer({ stylesheet: '/s.css?a=1&b="2"' })("x", "f")).toContain(
      '<link rel="stylesheet" href="/s.css?a=1&amp;b=&quot;2&quot;">',
    );
  });

  it("escapes raw HTML, block and inline, instead of passing it through", () => {
    const page = createPageRenderer({})("<script>alert(1)</script>\n\ntext <img src=x onerror=alert(1)> <b>bold</b>\n", "f");
    expect(page).not.toMatch(/<script|<img|<b>/);
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page).toContain("text &lt;img src=x onerror=alert(1)&gt; &lt;b&gt;bold&lt;/b&gt;");
  });

  it("keeps a heading's raw HTML out of the title", () => {
    expect(createPageRenderer({})("# A <i>b</i> \\<c", "f")).toContain("<title>A b &lt;c</title>");
  });

  it("drops unsafe link and image URLs but keeps their text", () => {
    const page = createPageRenderer({})(
      "[a](javascript:alert(1)) [b](javascript&#58;alert(1)) ![c](data:image/png;base64,AA) [d](/ok.md) ![e](/e.png)",
      "f",
    );
    expect(page).not.toMatch(/javascript|data:/);
    expect(page).toContain("<p>a b c <a href=\"/ok.md\">d</a> <img src=\"/e.png\" alt=\"e\"></p>");
  });

  it("renders GitHub-flavoured tables and code with its HTML escaped", () => {
    const page = createPageRenderer({})("| a |\n|---|\n| 1 |\n\n```\n<b>\n```\n", "f");
    expect(page).toContain("<th>a</th>");
    expect(page).toContain("<pre><code>&lt;b&gt;\n</code></pre>");
  });
});
