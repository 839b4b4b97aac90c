import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawRequest, startGateway } from "@loom/testkit";
import type { RawResponse, StartedGateway } from "@loom/testkit";

const PLUGIN_DIR = fileURLToPath(new URL("..", import.meta.url));
const MTIME_S = 1_700_000_000;
const SECRET = "top secret, outside the root";
const BIG = Buffer.alloc(2_000_000);
for (let i = 0; i < BIG.length; i++) BIG[i] = (i * 7) % 251;

/** Sends a GET for the request target byte for byte (fetch would normalise "..") and reads the whole answer. */
function raw(url: string, target: string): Promise<RawResponse> {
  return rawRequest(url, `GET ${target} HTTP/1.1\r\nHost: ${new URL(url).host}\r\nConnection: close\r\n\r\n`);
}

let base: string;
let root: string;
let gw: StartedGateway;

beforeAll(async () => {
  base = realpathSync(mkdtempSync(join(tmpdir(), "loom-static-http-")));
  root = join(base, "www");
  mkdirSync(join(root, "docs"), { recursive: true });
  mkdirSync(join(root, "empty"));
  const files: Record<string, string | Buffer> = {
    "index.html": "<h1>home</h1>",
    "docs/index.html": "<h1>docs</h1>",
    "hello.txt": "hello world",
    "style.css": "body{}",
    "app.js": "1",
    "mod.mjs": "2",
    "data.json": "{}",
    "notes.md": "# n",
    "logo.svg": "<svg/>",
    "pic.png": "png",
    "pic.jpeg": "jpg",
    "font.woff2": "w",
    "module.wasm": "w",
    "blob.xyz": "?",
    "big.bin": BIG,
  };
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(root, name), content);
    utimesSync(join(root, name), MTIME_S, MTIME_S);
  }
  writeFileSync(join(base, "secret.txt"), SECRET);
  mkdirSync(join(base, "outside"));
  writeFileSync(join(base, "outside", "index.html"), SECRET);
  symlinkSync(join(base, "secret.txt"), join(root, "secret-link.txt"));
  symlinkSync(join(base, "outside"), join(root, "outside-dir"));
  symlinkSync(join(root, "hello.txt"), join(root, "hello-link.txt"));

  gw = await startGateway({
    plugins: [PLUGIN_DIR],
    config: {
      routes: [
        { match: { path: ["/files", "/files/*"] }, handle: { handler: "static", root, stripPrefix: "/files" } },
        { match: { path: ["/stream/*"] }, handle: { handler: "static", root, stripPrefix: "/stream", cacheMaxBytes: 1024 } },
        { match: { path: ["/*"] }, handle: { handler: "static", root } },
      ],
    },
  });
});

afterAll(async () => {
  await gw?.stop();
  rmSync(base, { recursive: true, force: true });
});

describe("static over HTTP", () => {
  it("serves a file with type, length, validators, Accept-Ranges and nosniff", async () => {
    const res = await fetch(`${gw.url}/hello.txt?cache=bust`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(res.headers.get("content-length")).toBe("11");
    expect(res.headers.get("etag")).toBe(`"b-${(MTIME_S * 1000).toString(16)}"`);
    expect(res.headers.get("last-modified")).toBe(new Date(MTIME_S * 1000).toUTCString());
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await res.text()).toBe("hello world");
  });

  it.each([
    ["/index.html", "text/html; charset=utf-8"],
    ["/style.css", "text/css; charset=utf-8"],
    ["/app.js", "text/javascript; charset=utf-8"],
    ["/mod.mjs", "text/javascript; charset=utf-8"],
    ["/data.json", "application/json; charset=utf-8"],
    ["/notes.md", "text/markdown; charset=utf-8"],
    ["/logo.svg", "image/svg+xml"],
    ["/pic.png", "image/png"],
    ["/pic.jpeg", "image/jpeg"],
    ["/font.woff2", "font/woff2"],
    ["/module.wasm", "application/wasm"],
    ["/blob.xyz", "application/octet-stream"],
  ])("sends %s as %s", async (path, type) => {
    const res = await fetch(`${gw.url}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(type);
    await res.arrayBuffer();
  });

  it("answers HEAD with the GET headers and no body", async () => {
    const res = await fetch(`${gw.url}/hello.txt`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe("11");
    expect(res.headers.get("etag")).toMatch(/^"b-/);
    expect(await res.text()).toBe("");
  });

  it("answers other methods 405 with Allow", async () => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
      const res = await fetch(`${gw.url}/hello.txt`, { method, body: method === "DELETE" ? undefined : "x" });
      expect(res.status, method).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, HEAD");
      await res.text();
    }
  });

  it.each([
    "/../secret.txt",
    "/../../../../etc/passwd",
    "/docs/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/secret.txt",
    "/.%2e/secret.txt",
    "/%2e%2e%2fsecret.txt",
    "/docs/..%2f..%2fsecret.txt",
    "/docs/%2e%2e%2f%2e%2e%2fsecret.txt",
    "/..\\secret.txt",
    "/docs\\..\\..\\secret.txt",
    "/%5c..%5csecret.txt",
    "/..%5csecret.txt",
    "/secret-link.txt",
    "/outside-dir/index.html",
    "/outside-dir/",
    "/outside-dir",
    "/hello.txt%00.html",
    "/files/../secret.txt",
    "/files/%2e%2e/secret.txt",
    "/stream/../secret.txt",
  ])("answers the raw traversal %s with 404 and nothing from outside", async (target) => {
    const res = await raw(gw.url, target);
    expect(res.status).toBe(404);
    expect(res.body).not.toContain("secret");
    expect(res.headers.location).toBeUndefined();
  });

  it("refuses a raw NUL byte in the path without serving anything", async () => {
    const res = await raw(gw.url, "/hello.txt\0");
    expect([400, 404]).toContain(res.status);
    expect(res.body).not.toContain("hello world");
  });

  it("answers malformed percent-encoding with 400", async () => {
    expect((await raw(gw.url, "/hello%zz.txt")).status).toBe(400);
  });

  it("serves symlinks that stay inside the root", async () => {
    const res = await fetch(`${gw.url}/hello-link.txt`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("hello world");
  });

  it("serves index files and redirects folders with an index to their slash form", async () => {
    expect(await (await fetch(`${gw.url}/`)).text()).toBe("<h1>home</h1>");
    const docs = await fetch(`${gw.url}/docs/`);
    expect(docs.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await docs.text()).toBe("<h1>docs</h1>");
    const redirect = await fetch(`${gw.url}/docs?x=1`, { redirect: "manual" });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get("location")).toBe("/docs/?x=1");
    for (const path of ["/empty", "/empty/", "/missing/", "/hello.txt/"]) {
      const res = await fetch(`${gw.url}${path}`, { redirect: "manual" });
      expect(res.status, path).toBe(404);
      await res.text();
    }
  });

  it("never redirects to another host", async () => {
    const res = await raw(gw.url, "//docs");
    expect(res.status).toBe(308);
    expect(res.headers.location).toBe("/docs/");
  });

  it("strips a prefix before mapping to files", async () => {
    expect(await (await fetch(`${gw.url}/files/hello.txt`)).text()).toBe("hello world");
    expect(await (await fetch(`${gw.url}/files/docs/`)).text()).toBe("<h1>docs</h1>");
    const bare = await fetch(`${gw.url}/files`, { redirect: "manual" });
    expect(bare.status).toBe(308);
    expect(bare.headers.get("location")).toBe("/files/");
    const nested = await fetch(`${gw.url}/files/docs`, { redirect: "manual" });
    expect(nested.headers.get("location")).toBe("/files/docs/");
  });

  it("answers 304 without a body for If-None-Match (list, *, weak) and If-Modified-Since", async () => {
    const first = await fetch(`${gw.url}/hello.txt`);
    await first.text();
    const etag = first.headers.get("etag")!;
    const lastModified = first.headers.get("last-modified")!;
    const conditionals: Record<string, string>[] = [
      { "if-none-match": etag },
      { "if-none-match": `"nope", ${etag}` },
      { "if-none-match": `W/${etag}` },
      { "if-none-match": "*" },
      { "if-modified-since": lastModified },
      { "if-modified-since": new Date(MTIME_S * 1000 + 60_000).toUTCString() },
    ];
    for (const headers of conditionals) {
      const res = await fetch(`${gw.url}/hello.txt`, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(304);
      expect(res.headers.get("etag")).toBe(etag);
      expect(await res.text()).toBe("");
    }
  });

  it("lets If-None-Match take precedence over If-Modified-Since and serves stale validators in full", async () => {
    const lastModified = new Date(MTIME_S * 1000).toUTCString();
    const mismatch = await fetch(`${gw.url}/hello.txt`, { headers: { "if-none-match": '"other"', "if-modified-since": lastModified } });
    expect(mismatch.status).toBe(200);
    expect(await mismatch.text()).toBe("hello world");
    const older = await fetch(`${gw.url}/hello.txt`, { headers: { "if-modified-since": new Date(MTIME_S * 1000 - 60_000).toUTCString() } });
    expect(older.status).toBe(200);
    await older.text();
  });

  it("answers single ranges with 206 and Content-Range", async () => {
    for (const [range, contentRange, body] of [
      ["bytes=0-4", "bytes 0-4/11", "hello"],
      ["bytes=6-", "bytes 6-10/11", "world"],
      ["bytes=-3", "bytes 8-10/11", "rld"],
      ["bytes=4-100", "bytes 4-10/11", "o world"],
    ] as const) {
      const res = await fetch(`${gw.url}/hello.txt`, { headers: { range } });
      expect(res.status, range).toBe(206);
      expect(res.headers.get("content-range")).toBe(contentRange);
      expect(res.headers.get("content-length")).toBe(String(body.length));
      expect(await res.text()).toBe(body);
    }
  });

  it("answers unsatisfiable ranges with 416 and bytes */size", async () => {
    for (const range of ["bytes=11-", "bytes=50-60", "bytes=-0"]) {
      const res = await fetch(`${gw.url}/hello.txt`, { headers: { range } });
      expect(res.status, range).toBe(416);
      expect(res.headers.get("content-range")).toBe("bytes */11");
      await res.text();
    }
  });

  it("serves the whole file for several ranges or a malformed one", async () => {
    for (const range of ["bytes=0-1,4-5", "bytes=x-y", "lines=1-2"]) {
      const res = await fetch(`${gw.url}/hello.txt`, { headers: { range } });
      expect(res.status, range).toBe(200);
      expect(res.headers.get("content-range")).toBeNull();
      expect(await res.text()).toBe("hello world");
    }
  });

  it("honours If-Range: a current ETag or date gives 206, a stale one the whole file", async () => {
    const { headers } = await fetch(`${gw.url}/hello.txt`, { method: "HEAD" });
    const etag = headers.get("etag")!;
    const byEtag = await fetch(`${gw.url}/hello.txt`, { headers: { range: "bytes=0-4", "if-range": etag } });
    expect(byEtag.status).toBe(206);
    expect(await byEtag.text()).toBe("hello");
    const byDate = await fetch(`${gw.url}/hello.txt`, { headers: { range: "bytes=0-4", "if-range": headers.get("last-modified")! } });
    expect(byDate.status).toBe(206);
    await byDate.text();
    const stale = await fetch(`${gw.url}/hello.txt`, { headers: { range: "bytes=0-4", "if-range": '"0-0"' } });
    expect(stale.status).toBe(200);
    expect(await stale.text()).toBe("hello world");
  });

  it("streams large files whole and in ranges with the right length", async () => {
    for (const prefix of ["", "/stream"]) {
      const whole = await fetch(`${gw.url}${prefix}/big.bin`);
      expect(whole.status).toBe(200);
      expect(whole.headers.get("content-length")).toBe(String(BIG.length));
      expect(Buffer.from(await whole.arrayBuffer()).equals(BIG)).toBe(true);
      const part = await fetch(`${gw.url}${prefix}/big.bin`, { headers: { range: "bytes=1000000-1999999" } });
      expect(part.status).toBe(206);
      expect(part.headers.get("content-range")).toBe(`bytes 1000000-1999999/${BIG.length}`);
      expect(Buffer.from(await part.arrayBuffer()).equals(BIG.subarray(1_000_000))).toBe(true);
    }
  });

  it("survives a client that leaves in the middle of a stream", async () => {
    const controller = new AbortController();
    const res = await fetch(`${gw.url}/stream/big.bin`, { signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.read().catch(() => undefined);
    const after = await fetch(`${gw.url}/hello.txt`);
    expect(after.status).toBe(200);
    await after.text();
  });

  it("notices a changed file and serves the new contents and ETag", async () => {
    const path = join(root, "changing.txt");
    writeFileSync(path, "version one");
    utimesSync(path, MTIME_S, MTIME_S);
    const first = await fetch(`${gw.url}/changing.txt`);
    expect(await first.text()).toBe("version one");
    writeFileSync(path, "version two!");
    utimesSync(path, MTIME_S + 30, MTIME_S + 30);
    const second = await fetch(`${gw.url}/changing.txt`);
    expect(await second.text()).toBe("version two!");
    expect(second.headers.get("etag")).not.toBe(first.headers.get("etag"));
  });

  it("answers many concurrent requests consistently", async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const res = await fetch(`${gw.url}/${i % 2 === 0 ? "hello.txt" : "stream/big.bin"}`);
        return Buffer.from(await res.arrayBuffer()).length;
      }),
    );
    expect(results.every((length, i) => length === (i % 2 === 0 ? 11 : BIG.length))).toBe(true);
  });
});

describe("static provision", () => {
  it("stops the gateway with a clear message when the root is not a readable folder", async () => {
    const missing = join(tmpdir(), "loom-static-definitely-missing-root");
    const started = startGateway({ plugins: [PLUGIN_DIR], config: { routes: [{ handle: { handler: "static", root: missing } }] } });
    await expect(started).rejects.toThrow(/is not a readable folder: ENOENT/);
  });
});
