import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawRequest, startGateway } from "@loom/testkit";
import type { RawResponse, StartedGateway } from "@loom/testkit";

const PLUGIN_DIR = fileURLToPath(new URL("..", import.meta.url));
const MTIME_S = 1_700_000_000;
const SECRET = "TOP-SECRET-OUTSIDE";

/** Sends a GET for the request target byte for byte (fetch would normalise "..") and reads the whole answer. */
function raw(url: string, target: string): Promise<RawResponse> {
  return rawRequest(url, `GET ${target} HTTP/1.1\r\nHost: ${new URL(url).host}\r\nConnection: close\r\n\r\n`);
}

let base: string;
let root: string;
let gw: StartedGateway;

beforeAll(async () => {
  base = realpathSync(mkdtempSync(join(tmpdir(), "loom-markdown-http-")));
  root = join(base, "docs");
  mkdirSync(join(root, "guide"), { recursive: true });
  mkdirSync(join(root, "empty"));
  writeFileSync(join(root, "README.md"), "# Home page\n\nWelcome to **Loom**.\n");
  writeFileSync(
    join(root, "page.md"),
    "# Title with <em>tags</em> & \"quotes\"\n\n<script>alert('x')</script>\n\nText <img src=x onerror=alert(1)> and [link](javascript:alert(1)).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
  );
  writeFileSync(join(root, "guide", "index.md"), "# Guide\n");
  writeFileSync(join(root, "notes.txt"), "plain text");
  utimesSync(join(root, "page.md"), MTIME_S, MTIME_S);
  writeFileSync(join(base, "secret.md"), `# ${SECRET}\n`);
  mkdirSync(join(base, "outside"));
  writeFileSync(join(base, "outside", "README.md"), `# ${SECRET}\n`);
  symlinkSync(join(base, "secret.md"), join(root, "leak.md"));
  symlinkSync(join(base, "outside"), join(root, "out"));

  gw = await startGateway({
    plugins: [PLUGIN_DIR],
    config: {
      routes: [
        {
          match: { path: ["/styled", "/styled/*"] },
          handle: { handler: "markdown", root, stripPrefix: "/styled", title: "Loom <docs>", stylesheet: "/assets/md.css?v=1&x=2" },
        },
        { match: { path: ["/*"] }, handle: { handler: "markdown", root } },
      ],
    },
  });
});

afterAll(async () => {
  await gw?.stop();
  rmSync(base, { recursive: true, force: true });
});

describe("markdown over HTTP", () => {
  it("renders /x, /x.html and /x.md from x.md as a full HTML5 page", async () => {
    for (const path of ["/page", "/page.html", "/page.md"]) {
      const res = await fetch(`${gw.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      const html = await res.text();
      expect(res.headers.get("content-length")).toBe(String(Buffer.byteLength(html)));
      expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
      expect(html).toContain("<title>Title with tags &amp; &quot;quotes&quot;</title>");
      expect(html).toContain("<table>");
    }
  });

  it("escapes raw HTML and drops javascript: links", async () => {
    const html = await (await fetch(`${gw.url}/page`)).text();
    expect(html).not.toMatch(/<script|<img|<em>tags|javascript:/);
    expect(html).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("uses a configured title and stylesheet, escaped", async () => {
    const html = await (await fetch(`${gw.url}/styled/page`)).text();
    expect(html).toContain("<title>Loom &lt;docs&gt;</title>");
    expect(html).toContain('<link rel="stylesheet" href="/assets/md.css?v=1&amp;x=2">');
  });

  it("renders folder indexes and redirects folders named without a slash", async () => {
    expect(await (await fetch(`${gw.url}/`)).text()).toContain("<h1>Home page</h1>");
    expect(await (await fetch(`${gw.url}/guide/`)).text()).toContain("<h1>Guide</h1>");
    const redirect = await fetch(`${gw.url}/guide?x=1`, { redirect: "manual" });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get("location")).toBe("/guide/?x=1");
    const prefix = await fetch(`${gw.url}/styled`, { redirect: "manual" });
    expect(prefix.status).toBe(308);
    expect(prefix.headers.get("location")).toBe("/styled/");
    expect(await (await fetch(`${gw.url}/styled/`)).text()).toContain("<h1>Home page</h1>");
    for (const path of ["/empty", "/empty/", "/missing", "/notes.txt", "/notes"]) {
      const res = await fetch(`${gw.url}${path}`, { redirect: "manual" });
      expect(res.status, path).toBe(404);
      await res.text();
    }
  });

  it("sends an ETag and answers 304 on a matching If-None-Match", async () => {
    const first = await fetch(`${gw.url}/page`);
    await first.text();
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(new RegExp(`^"[0-9a-f]+-${(MTIME_S * 1000).toString(16)}-[0-9a-f]+"$`));
    for (const value of [etag, `"other", ${etag}`, "*"]) {
      const res = await fetch(`${gw.url}/page`, { headers: { "if-none-match": value } });
      expect(res.status, value).toBe(304);
      expect(res.headers.get("etag")).toBe(etag);
      expect(await res.text()).toBe("");
    }
    const miss = await fetch(`${gw.url}/page`, { headers: { "if-none-match": '"other"' } });
    expect(miss.status).toBe(200);
    await miss.text();
  });

  it("answers HEAD without a body and other methods 405", async () => {
    const head = await fetch(`${gw.url}/page`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get("content-length"))).toBeGreaterThan(100);
    expect(await head.text()).toBe("");
    const post = await fetch(`${gw.url}/page`, { method: "POST", body: "x" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    await post.text();
  });

  it.each([
    "/../secret",
    "/../secret.md",
    "/guide/../../secret",
    "/%2e%2e/secret",
    "/%2E%2E%2Fsecret",
    "/guide/..%2f..%2fsecret",
    "/..\\secret",
    "/%5c..%5csecret",
    "/leak",
    "/leak.html",
    "/out/",
    "/out",
    "/out/README",
    "/page%00",
    "/styled/../secret",
    "/styled/%2e%2e/secret",
  ])("answers the raw traversal %s with 404 and nothing from outside", async (target) => {
    const res = await raw(gw.url, target);
    expect(res.status).toBe(404);
    expect(res.body).not.toContain(SECRET);
    expect(res.headers.location).toBeUndefined();
  });

  it("renders again when the file changes", async () => {
    const path = join(root, "live.md");
    writeFileSync(path, "# First\n");
    utimesSync(path, MTIME_S, MTIME_S);
    const first = await fetch(`${gw.url}/live`);
    expect(await first.text()).toContain("<h1>First</h1>");
    writeFileSync(path, "# Second!\n");
    utimesSync(path, MTIME_S + 30, MTIME_S + 30);
    const second = await fetch(`${gw.url}/live`);
    expect(await second.text()).toContain("<h1>Second!</h1>");
    expect(second.headers.get("etag")).not.toBe(first.headers.get("etag"));
  });
});

describe("markdown provision", () => {
  it("stops the gateway with a clear message when the root is not a readable folder", async () => {
    const missing = join(tmpdir(), "loom-markdown-definitely-missing-root");
    const started = startGateway({ plugins: [PLUGIN_DIR], config: { routes: [{ handle: { handler: "markdown", root: missing } }] } });
    await expect(started).rejects.toThrow(/is not a readable folder: ENOENT/);
  });
});
