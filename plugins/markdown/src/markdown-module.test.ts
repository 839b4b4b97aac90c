import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "@loom/sdk";
import type { HttpResponse } from "@loom/sdk";
import { createTestContext, createTestRequest } from "@loom/sdk/testing";
import { MarkdownConfigSchema } from "./markdown-config.ts";
import { markdownModule } from "./markdown-module.ts";

const ctx = createTestContext(markdownModule.id);
const call = { signal: new AbortController().signal };
const MTIME_S = 1_700_000_000;

async function create(config: Record<string, unknown>) {
  const instance = await markdownModule.create(MarkdownConfigSchema.parse(config), ctx);
  await instance.provision?.();
  return (url: string, headers: Record<string, string> = {}, method = "GET") =>
    instance.handle(createTestRequest({ method, url, headers }), call);
}

function text(response: HttpResponse): string {
  const { body } = response;
  if (body === undefined) return "";
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString();
  throw new Error("expected a whole body");
}

let base: string;
let root: string;
beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), "loom-markdown-module-")));
  root = join(base, "docs");
  mkdirSync(join(root, "guide"), { recursive: true });
  mkdirSync(join(root, "other"));
  mkdirSync(join(root, "empty"));
  writeFileSync(join(root, "README.md"), "# Home\n\nWelcome.\n");
  writeFileSync(join(root, "page.md"), "# A <Page> & more\n\n<script>alert(1)</script>\n\n*hi*\n");
  writeFileSync(join(root, "guide", "README.md"), "# Guide\n");
  writeFileSync(join(root, "other", "index.md"), "# Other index\n");
  writeFileSync(join(root, "plain.txt"), "not markdown");
  writeFileSync(join(base, "secret.md"), "# Secret\n");
  symlinkSync(join(base, "secret.md"), join(root, "leak.md"));
  utimesSync(join(root, "page.md"), MTIME_S, MTIME_S);
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe("config", () => {
  it("fills defaults and refuses unknown keys", () => {
    expect(MarkdownConfigSchema.parse({ root: "docs" })).toEqual({ root: "docs", index: ["README.md", "index.md"] });
    expect(() => MarkdownConfigSchema.parse({ root: "docs", theme: "dark" })).toThrow();
    expect(() => MarkdownConfigSchema.parse({ root: "docs", index: ["a/README.md"] })).toThrow(/plain file name/);
    expect(() => MarkdownConfigSchema.parse({ root: "docs", stylesheet: "a\nb" })).toThrow(/single-line/);
  });

  it("describes every key and converts to JSON Schema", () => {
    for (const [key, schema] of Object.entries(MarkdownConfigSchema.shape)) expect(schema.description, key).toBeTruthy();
    expect(z.toJSONSchema(MarkdownConfigSchema, { io: "input" })).toMatchObject({ required: ["root"], additionalProperties: false });
  });
});

describe("provision", () => {
  it("resolves a relative root and fails clearly when it is not a folder", async () => {
    expect((await (await create({ root: relative(process.cwd(), root) }))("/page")).status).toBe(200);
    await expect(create({ root: join(root, "page.md") })).rejects.toThrow(/http\.handlers\.markdown: root ".*page\.md" .* is not a readable folder/);
    await expect(create({ root: join(base, "missing") })).rejects.toThrow(/ENOENT/);
  });
});

describe("handle", () => {
  it("renders /x, /x.html and /x.md from x.md as a full page with raw HTML escaped", async () => {
    const handle = await create({ root });
    for (const url of ["/page", "/page.html", "/page.md", "/page?x=1"]) {
      const response = await handle(url);
      expect(response.status, url).toBe(200);
      expect(response.headers).toMatchObject({ "content-type": "text/html; charset=utf-8", "x-content-type-options": "nosniff" });
      const page = text(response);
      expect(response.headers?.["content-length"]).toBe(String(Buffer.byteLength(page)));
      expect(page).toContain("<title>A &amp; more</title>");
      expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
      expect(page).toContain("<em>hi</em>");
    }
  });

  it("uses the configured title and stylesheet", async () => {
    const handle = await create({ root, title: "Docs <1>", stylesheet: "/style.css" });
    const page = text(await handle("/page"));
    expect(page).toContain("<title>Docs &lt;1&gt;</title>");
    expect(page).toContain('<link rel="stylesheet" href="/style.css">');
  });

  it("renders folder indexes in order and redirects a folder named without a slash", async () => {
    const handle = await create({ root });
    expect(text(await handle("/"))).toContain("<h1>Home</h1>");
    expect(text(await handle("/guide/"))).toContain("<h1>Guide</h1>");
    expect(text(await handle("/other/"))).toContain("<h1>Other index</h1>");
    expect(await handle("/guide?a=b")).toMatchObject({ status: 308, headers: { location: "/guide/?a=b" } });
    expect((await handle("/empty")).status).toBe(404);
    expect((await handle("/empty/")).status).toBe(404);
  });

  it("strips a prefix", async () => {
    const handle = await create({ root, stripPrefix: "/docs" });
    expect((await handle("/docs/page")).status).toBe(200);
    expect(text(await handle("/docs/"))).toContain("<h1>Home</h1>");
    expect(await handle("/docs")).toMatchObject({ status: 308, headers: { location: "/docs/" } });
    expect((await handle("/page")).status).toBe(404);
    expect(await handle("/docs/guide")).toMatchObject({ status: 308, headers: { location: "/docs/guide/" } });
  });

  it("refuses traversal, symlinks out of the root and non-Markdown files with 404", async () => {
    const handle = await create({ root });
    for (const url of ["/../secret", "/%2e%2e/secret", "/guide/..%2f..%2fsecret", "/..\\secret", "/leak", "/plain.txt", "/plain", "/missing", "/page%00"]) {
      expect((await handle(url)).status, url).toBe(404);
    }
    expect((await handle("/%zz")).status).toBe(400);
  });

  it("answers other methods 405 and HEAD without a body", async () => {
    const handle = await create({ root });
    expect(await handle("/page", {}, "POST")).toMatchObject({ status: 405, headers: { allow: "GET, HEAD" } });
    const head = await handle("/page", {}, "HEAD");
    const get = await handle("/page");
    expect(head.status).toBe(200);
    expect(head.body).toBeUndefined();
    expect(head.headers?.["content-length"]).toBe(get.headers?.["content-length"]);
  });

  it("sends an ETag from size and mtime and answers 304 on If-None-Match", async () => {
    const handle = await create({ root });
    const etag = String((await handle("/page")).headers?.etag);
    expect(etag).toMatch(new RegExp(`^"[0-9a-f]+-${(MTIME_S * 1000).toString(16)}-[0-9a-f]{8}"$`));
    expect(await handle("/page", { "if-none-match": `"x", ${etag}` })).toEqual({ status: 304, headers: { etag } });
    expect((await handle("/page", { "if-none-match": '"x"' })).status).toBe(200);
    const styled = await create({ root, stylesheet: "/s.css" });
    expect((await styled("/page")).headers?.etag).not.toBe(etag);
  });

  it("caches the rendered page and renders again when the file changes", async () => {
    const path = join(root, "live.md");
    writeFileSync(path, "# One\n");
    utimesSync(path, MTIME_S, MTIME_S);
    const handle = await create({ root });
    const first = await handle("/live");
    expect((await handle("/live")).body).toBe(first.body);
    writeFileSync(path, "# Two!\n");
    utimesSync(path, MTIME_S + 5, MTIME_S + 5);
    const second = await handle("/live");
    expect(text(second)).toContain("<h1>Two!</h1>");
    expect(second.headers?.etag).not.toBe(first.headers?.etag);
  });
});
