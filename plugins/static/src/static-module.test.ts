import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "@loom/sdk";
import type { HttpResponse } from "@loom/sdk";
import { createTestContext, createTestRequest } from "@loom/sdk/testing";
import { StaticConfigSchema } from "./static-config.ts";
import { staticModule } from "./static-module.ts";

const ctx = createTestContext(staticModule.id);
const call = { signal: new AbortController().signal };
const MTIME_S = 1_700_000_000;
const BIG = Buffer.alloc(300_000, "abcdefghij");

async function create(config: Record<string, unknown>) {
  const instance = await staticModule.create(StaticConfigSchema.parse(config), ctx);
  await instance.provision?.();
  return (url: string, headers: Record<string, string> = {}, method = "GET") =>
    instance.handle(createTestRequest({ method, url, headers }), call);
}

async function bodyText(response: HttpResponse): Promise<string> {
  const { body } = response;
  if (body === undefined) return "";
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString();
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
}

let base: string;
let root: string;
beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), "loom-static-module-")));
  root = join(base, "www");
  mkdirSync(join(root, "docs"), { recursive: true });
  mkdirSync(join(root, "empty"));
  writeFileSync(join(root, "index.html"), "<h1>home</h1>");
  writeFileSync(join(root, "docs", "index.html"), "<h1>docs</h1>");
  writeFileSync(join(root, "hello.txt"), "hello world");
  writeFileSync(join(root, "zero.bin"), "");
  writeFileSync(join(root, "big.bin"), BIG);
  writeFileSync(join(base, "secret.txt"), "top secret");
  symlinkSync(join(base, "secret.txt"), join(root, "secret-link.txt"));
  symlinkSync(join(root, "hello.txt"), join(root, "hello-link.txt"));
  execFileSync("mkfifo", [join(root, "pipe.txt")]);
  for (const name of ["index.html", "hello.txt", "big.bin"]) utimesSync(join(root, name), MTIME_S, MTIME_S);
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe("config", () => {
  it("fills defaults", () => {
    expect(StaticConfigSchema.parse({ root: "www", stripPrefix: "/files/" })).toEqual({
      root: "www",
      index: ["index.html"],
      cacheMaxBytes: 1024 * 1024,
      cacheTotalBytes: 64 * 1024 * 1024,
      stripPrefix: "/files/",
      browse: false,
    });
  });

  it("refuses unknown keys, browse: true, index names with folders and bad prefixes", () => {
    expect(() => StaticConfigSchema.parse({ root: "www", listing: true })).toThrow();
    expect(() => StaticConfigSchema.parse({ root: "www", browse: true })).toThrow();
    expect(() => StaticConfigSchema.parse({ root: "www", index: ["../x.html"] })).toThrow(/plain file name/);
    expect(() => StaticConfigSchema.parse({ root: "www", stripPrefix: "files" })).toThrow(/start with \//);
  });

  it("describes every key and converts to JSON Schema", () => {
    for (const [key, schema] of Object.entries(StaticConfigSchema.shape)) {
      expect(schema.description, key).toBeTruthy();
    }
    expect(z.toJSONSchema(StaticConfigSchema, { io: "input" })).toMatchObject({ required: ["root"], additionalProperties: false });
  });
});

describe("provision", () => {
  it("resolves a relative root against the working directory", async () => {
    const handle = await create({ root: relative(process.cwd(), root) });
    expect((await handle("/hello.txt")).status).toBe(200);
  });

  it("fails clearly when the root is missing or not a folder", async () => {
    await expect(create({ root: join(base, "missing") })).rejects.toThrow(/root ".*missing" .* is not a readable folder: ENOENT/);
    await expect(create({ root: join(root, "hello.txt") })).rejects.toThrow(/is not a readable folder: not a folder/);
  });
});

describe("handle", () => {
  it("serves a file with type, length, validators and nosniff", async () => {
    const handle = await create({ root });
    const response = await handle("/hello.txt?x=1");
    expect(response.status).toBe(200);
    expect(response.headers).toEqual({
      "content-type": "text/plain; charset=utf-8",
      "content-length": "11",
      etag: `"b-${(MTIME_S * 1000).toString(16)}"`,
      "last-modified": new Date(MTIME_S * 1000).toUTCString(),
      "accept-ranges": "bytes",
      "x-content-type-options": "nosniff",
    });
    expect(await bodyText(response)).toBe("hello world");
  });

  it("answers HEAD with the same headers and no body", async () => {
    const handle = await create({ root });
    const response = await handle("/hello.txt", {}, "HEAD");
    expect(response.status).toBe(200);
    expect(response.headers?.["content-length"]).toBe("11");
    expect(response.body).toBeUndefined();
  });

  it("answers other methods 405 with Allow", async () => {
    const handle = await create({ root });
    for (const method of ["POST", "PUT", "DELETE", "OPTIONS"]) {
      const response = await handle("/hello.txt", {}, method);
      expect(response.status).toBe(405);
      expect(response.headers?.allow).toBe("GET, HEAD");
    }
  });

  it("serves empty files", async () => {
    const handle = await create({ root });
    const response = await handle("/zero.bin");
    expect(response.status).toBe(200);
    expect(response.headers?.["content-length"]).toBe("0");
    expect(await bodyText(response)).toBe("");
  });

  it("refuses traversal, symlinks out of the root and non-regular files with 404", async () => {
    const handle = await create({ root });
    for (const url of ["/../secret.txt", "/%2e%2e/secret.txt", "/docs/..%2f..%2fsecret.txt", "/..\\secret.txt", "/secret-link.txt", "/pipe.txt", "/nope.txt", "/hello.txt%00.html"]) {
      const response = await handle(url);
      expect(response.status, url).toBe(404);
      expect(await bodyText(response)).toBe("Not Found\n");
    }
    expect((await handle("/hello-link.txt")).status).toBe(200);
  });

  it("serves a folder's index and redirects a folder named without a slash", async () => {
    const handle = await create({ root });
    expect(await bodyText(await handle("/"))).toBe("<h1>home</h1>");
    expect(await bodyText(await handle("/docs/."))).toBe("<h1>docs</h1>");
    const docs = await handle("/docs/");
    expect(docs.headers?.["content-type"]).toBe("text/html; charset=utf-8");
    expect(await bodyText(docs)).toBe("<h1>docs</h1>");
    expect(await handle("/docs?page=2")).toMatchObject({ status: 308, headers: { location: "/docs/?page=2" } });
    expect((await handle("/empty")).status).toBe(404);
    expect((await handle("/empty/")).status).toBe(404);
    expect((await handle("/hello.txt/")).status).toBe(404);
  });

  it("tries index names in order", async () => {
    const handle = await create({ root, index: ["missing.html", "hello.txt"] });
    expect(await bodyText(await handle("/"))).toBe("hello world");
  });

  it("strips a prefix (trailing slash ignored) and redirects with it kept", async () => {
    const handle = await create({ root, stripPrefix: "/files/" });
    expect(await bodyText(await handle("/files/hello.txt"))).toBe("hello world");
    expect((await handle("/hello.txt")).status).toBe(404);
    expect(await handle("/files/docs")).toMatchObject({ status: 308, headers: { location: "/files/docs/" } });
    expect(await handle("/files")).toMatchObject({ status: 308, headers: { location: "/files/" } });
    expect(await bodyText(await handle("/files/"))).toBe("<h1>home</h1>");
  });

  it("answers 304 for a matching If-None-Match (which wins) or a fresh If-Modified-Since", async () => {
    const handle = await create({ root });
    const { headers } = await handle("/hello.txt");
    const etag = String(headers?.etag);
    const lastModified = String(headers?.["last-modified"]);
    const conditionals: Record<string, string>[] = [{ "if-none-match": etag }, { "if-none-match": `"a", ${etag}` }, { "if-none-match": "*" }, { "if-modified-since": lastModified }];
    for (const conditional of conditionals) {
      const response = await handle("/hello.txt", conditional);
      expect(response).toEqual({ status: 304, headers: { etag, "last-modified": lastModified } });
    }
    expect((await handle("/hello.txt", { "if-none-match": '"other"', "if-modified-since": lastModified })).status).toBe(200);
    expect((await handle("/hello.txt", { "if-modified-since": new Date(MTIME_S * 1000 - 5000).toUTCString() })).status).toBe(200);
  });

  it("answers single ranges 206, unsatisfiable ones 416 and several ranges with the whole file", async () => {
    const handle = await create({ root });
    const partial = await handle("/hello.txt", { range: "bytes=0-4" });
    expect(partial.status).toBe(206);
    expect(partial.headers).toMatchObject({ "content-range": "bytes 0-4/11", "content-length": "5" });
    expect(await bodyText(partial)).toBe("hello");
    expect(await bodyText(await handle("/hello.txt", { range: "bytes=6-" }))).toBe("world");
    expect(await bodyText(await handle("/hello.txt", { range: "bytes=-3" }))).toBe("rld");
    const unsatisfiable = await handle("/hello.txt", { range: "bytes=11-" });
    expect(unsatisfiable).toMatchObject({ status: 416, headers: { "content-range": "bytes */11", "content-length": "0" } });
    const several = await handle("/hello.txt", { range: "bytes=0-1,3-4" });
    expect(several.status).toBe(200);
    expect(await bodyText(several)).toBe("hello world");
  });

  it("honours If-Range only when it names the current version", async () => {
    const handle = await create({ root });
    const { headers } = await handle("/hello.txt");
    const current = await handle("/hello.txt", { range: "bytes=0-4", "if-range": String(headers?.etag) });
    expect(current.status).toBe(206);
    const byDate = await handle("/hello.txt", { range: "bytes=0-4", "if-range": String(headers?.["last-modified"]) });
    expect(byDate.status).toBe(206);
    const stale = await handle("/hello.txt", { range: "bytes=0-4", "if-range": '"old"' });
    expect(stale.status).toBe(200);
    expect(await bodyText(stale)).toBe("hello world");
  });

  it("streams files above the cache bound, whole and in ranges", async () => {
    const handle = await create({ root, cacheMaxBytes: 1024 });
    const whole = await handle("/big.bin");
    expect(whole.headers?.["content-type"]).toBe("application/octet-stream");
    expect(whole.headers?.["content-length"]).toBe(String(BIG.length));
    expect(whole.body).not.toBeInstanceOf(Uint8Array);
    expect(await bodyText(whole)).toBe(BIG.toString());
    const part = await handle("/big.bin", { range: "bytes=100000-100009" });
    expect(part.status).toBe(206);
    expect(await bodyText(part)).toBe(BIG.subarray(100_000, 100_010).toString());
  });

  it("serves cached files from memory and notices when they change", async () => {
    const path = join(root, "changing.txt");
    writeFileSync(path, "one");
    utimesSync(path, MTIME_S, MTIME_S);
    const handle = await create({ root });
    const first = await handle("/changing.txt");
    expect(first.body).toBeInstanceOf(Uint8Array);
    expect(await bodyText(first)).toBe("one");
    expect((await handle("/changing.txt")).body).toBe(first.body);
    writeFileSync(path, "two!");
    utimesSync(path, MTIME_S + 10, MTIME_S + 10);
    const second = await handle("/changing.txt");
    expect(await bodyText(second)).toBe("two!");
    expect(second.headers?.etag).not.toBe(first.headers?.etag);
  });
});
